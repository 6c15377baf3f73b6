//! `anklepump report --week YYYY-Www --out FILE.svg|FILE.png`: the weekly
//! progress chart the app shows (adherence per day against the plan's band,
//! mean ROM per week per foot), drawn by `chart`, written whole or not at all.

use std::path::Path;
use std::process::ExitCode;

use chrono::{IsoWeek, NaiveDate};

use super::store::{finish, open, today, Fail};
use crate::chart;

/// Weeks of ROM trend shown before and including the reported week.
pub const TREND_WEEKS: u32 = 8;

pub fn run(db: Option<&Path>, week: IsoWeek, out: &Path, today_arg: Option<NaiveDate>) -> ExitCode {
    finish((|| {
        let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let png = match ext.as_deref() {
            Some("svg") => false,
            Some("png") => true,
            _ => return Err(Fail(format!("{}: the chart file must end in .svg or .png", out.display()), 2)),
        };
        let (store, _) = open(db)?;
        let report = store.week_report(week, today_arg.unwrap_or_else(today), TREND_WEEKS)?;
        let bytes = if png { chart::weekly_png(&report)? } else { chart::weekly_svg(&report)?.into_bytes() };
        let tmp = out.with_extension("partial");
        std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, out)).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Fail(format!("cannot write {}: {e}", out.display()), 1)
        })?;
        println!("{}", chart::title(&report));
        println!("wrote {}", out.display());
        Ok(())
    })())
}
