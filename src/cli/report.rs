//! `anklepump report --week YYYY-Www --out FILE.svg|FILE.png`: the weekly
//! progress chart the app shows (adherence per day against the plan's band,
//! mean ROM per week per foot), drawn by `chart`, written whole or not at all
//! (a private file, see `store::files`).

use std::path::Path;

use chrono::{IsoWeek, NaiveDate};

use super::store::{open_for_reading, today};
use super::Fail;
use crate::chart;

/// Weeks of ROM trend shown before and including the reported week.
pub(super) const TREND_WEEKS: u32 = 8;

pub(super) fn run(db: Option<&Path>, week: IsoWeek, out: &Path, today_arg: Option<NaiveDate>) -> Result<(), Fail> {
    {
        let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let png = match ext.as_deref() {
            Some("svg") => false,
            Some("png") => true,
            _ => return Err(Fail::new(format!("{}: the chart file must end in .svg or .png", out.display()), 2)),
        };
        let (store, _) = open_for_reading(db)?;
        let report = store.week_report(week, today_arg.unwrap_or_else(today), TREND_WEEKS)?;
        let bytes = if png { chart::weekly_png(&report)? } else { chart::weekly_svg(&report)?.into_bytes() };
        crate::store::files::write_private(out, &bytes)?;
        println!("{}", chart::title(&report));
        println!("wrote {}", out.display());
        Ok(())
    }
}
