//! Session-history subcommands: `import`, `history`, `export`, `report` and
//! `plan`. Each opens the database (`--db PATH` or the platform data dir),
//! first closing any session a crash left open as interrupted, then prints
//! one line per problem on stderr with a non-zero exit code.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate, Offset, Utc};
use serde::Serialize;

use super::Fail;
use crate::core::analysis::analyze;
use crate::core::plan::{format_iso_week, DayBand, Plan, Preset, SessionStatus, Sides, WeekAdherence};
use crate::core::reps::Rep;
use crate::sensor::capture::{CaptureHeader, Side};
use crate::store::{CaptureDigest, EndSession, Imported, NewSession, SessionId, SessionRecord, Store, StoreError};

fn db_path(db: Option<&Path>) -> Result<PathBuf, Fail> {
    match db {
        Some(p) => Ok(p.to_owned()),
        None => Store::default_path().map_err(|e| Fail::new(e.to_string(), 2)),
    }
}

/// Closes sessions a crash left open (this is "the next start").
fn recover(mut store: Store) -> Result<(Store, Vec<SessionId>), Fail> {
    let recovered = store.recover_interrupted()?;
    for id in &recovered {
        eprintln!("anklepump: session {id} was left open by a crash; marked interrupted, its reps kept");
    }
    Ok((store, recovered))
}

/// Opens the database for writing and closes sessions a crash left open.
pub(super) fn open(db: Option<&Path>) -> Result<(Store, Vec<SessionId>), Fail> {
    let path = db_path(db)?;
    recover(Store::open(&path).map_err(|e| Fail::new(e.to_string(), 2))?)
}

/// Opens the database for a command that only reads: as [`open`], or, when
/// the database cannot be written there (a read-only directory or file),
/// read-only, leaving sessions a crash left open as they are.
pub(super) fn open_for_reading(db: Option<&Path>) -> Result<(Store, Vec<SessionId>), Fail> {
    let path = db_path(db)?;
    match Store::open(&path) {
        Ok(store) => recover(store),
        Err(StoreError::ReadOnly(..)) => {
            Ok((Store::open_read_only(&path).map_err(|e| Fail::new(e.to_string(), 2))?, vec![]))
        }
        Err(e) => Err(Fail::new(e.to_string(), 2)),
    }
}

/// The UTC offset (seconds east) in force here at `t`.
pub(super) fn local_offset(t: DateTime<Utc>) -> i32 {
    t.with_timezone(&Local).offset().local_minus_utc()
}

pub(super) fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// `--side`, else the capture's header, else the plan's only foot.
pub(super) fn pick_side(arg: Option<Side>, header: &CaptureHeader, plan: &Plan) -> Result<Side, Fail> {
    arg.or(header.side).or(plan.sides.single()).ok_or_else(|| {
        Fail::new("which foot? the capture does not say and the plan has both: pass --side left|right", 2)
    })
}

/// Options of `anklepump import`.
pub(super) struct ImportArgs {
    pub file: PathBuf,
    pub side: Option<Side>,
    pub at: Option<DateTime<chrono::FixedOffset>>,
    pub pain_before: Option<u8>,
    pub pain_after: Option<u8>,
    pub stopped_for_pain: bool,
    pub notes: String,
}

pub(super) fn import(db: Option<&Path>, a: ImportArgs) -> Result<(), Fail> {
    let name = a.file.display().to_string();
    let f = super::input::open_regular(&a.file, "; nothing stored")?;
    let mtime = f.metadata().and_then(|m| m.modified()).ok();
    let mut reader = BufReader::new(CaptureDigest::new(f));
    let res = analyze(&mut reader, false).map_err(|e| Fail::new(format!("{name}: {e}; nothing stored"), 2))?;
    // analyze stops at the end of the capture: the digest covers every byte.
    std::io::copy(&mut reader, &mut std::io::sink())?;
    let sha256 = reader.into_inner().finish();
    if res.analysis.reps.is_empty() {
        return Err(Fail::new(format!("{name}: no reps found in the capture; nothing stored"), 2));
    }
    let (mut store, _) = open(db)?;
    let plan = store.plan()?;
    let side = pick_side(a.side, &res.header, &plan)?;
    let duration = chrono::Duration::milliseconds((res.analysis.duration_s * 1000.0) as i64);
    let (start_utc, utc_offset_s) = match a.at {
        Some(t) => (t.with_timezone(&Utc), t.offset().local_minus_utc()),
        None => {
            let end = mtime.map(DateTime::<Utc>::from).unwrap_or_else(Utc::now);
            (end - duration, local_offset(end - duration))
        }
    };
    let end_utc = start_utc + duration;
    let done = res.analysis.reps.len() as u32;
    let status = if a.stopped_for_pain {
        SessionStatus::StoppedForPain
    } else if done >= plan.reps_per_session {
        SessionStatus::Completed
    } else {
        SessionStatus::Stopped
    };
    let capture_file = std::fs::canonicalize(&a.file).unwrap_or(a.file.clone()).display().to_string();
    let new = NewSession {
        start_utc,
        utc_offset_s,
        side,
        preset: plan.preset,
        planned_reps: plan.reps_per_session,
        hold_s: plan.hold_s,
        pain_before: a.pain_before,
        capture_file: Some(capture_file),
        sensor_id: res.header.device.clone(),
    };
    let end_offset_s = if a.at.is_some() { utc_offset_s } else { local_offset(end_utc) };
    let end = EndSession { end_utc, utc_offset_s: end_offset_s, status, pain_after: a.pain_after, notes: a.notes };
    let id = match store.import_capture(&sha256, &new, &res.analysis.reps, &end).map_err(|e| store.explain(e))? {
        Imported::Stored(id) => id,
        Imported::Already(id) => {
            println!("already stored as session {id} (the same capture); nothing added");
            return Ok(());
        }
    };
    let local = start_utc.with_timezone(&chrono::FixedOffset::east_opt(utc_offset_s).unwrap_or(Utc.fix()));
    println!(
        "stored session {id}: {done} of {} reps, {} foot, {}, started {}",
        plan.reps_per_session,
        side.as_str(),
        status.as_str(),
        local.format("%Y-%m-%d %H:%M %:z")
    );
    Ok(())
}

#[derive(Serialize)]
struct SessionWithReps {
    #[serde(flatten)]
    session: SessionRecord,
    reps: Vec<Rep>,
}

#[derive(Serialize)]
struct HistoryJson {
    /// Sessions this start found left open and closed as interrupted.
    recovered_interrupted: Vec<SessionId>,
    plan: Plan,
    #[serde(skip_serializing_if = "Option::is_none")]
    week: Option<WeekAdherence>,
    sessions: Vec<SessionWithReps>,
}

pub(super) fn history(db: Option<&Path>, json: bool, week: Option<chrono::IsoWeek>) -> Result<(), Fail> {
    let (store, recovered) = open_for_reading(db)?;
    let plan = store.plan()?;
    let sessions = match week {
        Some(w) => store.sessions_in_week(w)?,
        None => store.sessions(None)?,
    };
    let week_adh = match week {
        Some(w) => Some(store.week_report(w, today(), 1)?.adherence),
        None => None,
    };
    let mut out = std::io::stdout().lock();
    if json {
        let mut with_reps = Vec::with_capacity(sessions.len());
        for s in sessions {
            let reps = store.reps(s.id)?;
            with_reps.push(SessionWithReps { session: s, reps });
        }
        let doc = HistoryJson { recovered_interrupted: recovered, plan, week: week_adh, sessions: with_reps };
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(());
    }
    if sessions.is_empty() {
        writeln!(out, "no sessions stored{}", week.map(|w| format!(" in {}", format_iso_week(w))).unwrap_or_default())?;
    }
    for s in &sessions {
        let rom = s.stats.map_or("   –   ".into(), |st| format!("{:5.1}°", st.mean_rom_deg));
        let pain = |p: Option<u8>| p.map_or("–".into(), |v| v.to_string());
        writeln!(
            out,
            "#{:<5} {} {:<5} {:>3}/{:<3} reps  ROM {}  pain {}→{}  {}",
            s.id,
            s.local_date,
            s.side.as_str(),
            s.done_reps,
            s.planned_reps,
            rom,
            pain(s.pain_before),
            pain(s.pain_after),
            s.status.as_str()
        )?;
    }
    if let Some(w) = week_adh {
        write_week(&mut out, &w, plan.sessions_per_day)?;
    }
    Ok(())
}

fn write_week(out: &mut impl Write, w: &WeekAdherence, band: DayBand) -> std::io::Result<()> {
    writeln!(out, "{}: {}–{} sessions a day planned", format_iso_week(w.week), band.min, band.max)?;
    for d in &w.days {
        writeln!(out, "  {} {}  {} done  {:?}", d.date.format("%a"), d.date, d.done, d.status)?;
    }
    match w.percent {
        Some(p) => writeln!(out, "adherence {p:.0}% ({} of {} days)", w.days_met, w.days_elapsed),
        None => writeln!(out, "adherence: no day of this week has passed yet"),
    }
}

pub(super) fn export(db: Option<&Path>, csv: Option<&Path>, fhir: Option<&Path>) -> Result<(), Fail> {
    {
        let (store, _) = open_for_reading(db)?;
        if let Some(dir) = csv {
            let s = store.export_csv(dir)?;
            println!("wrote {} sessions and {} reps to {}", s.sessions, s.reps, dir.display());
        }
        if let Some(file) = fhir {
            let n = store.export_fhir(file)?;
            println!("wrote a FHIR R4 Bundle of {n} observations to {}", file.display());
        }
        Ok(())
    }
}

/// Options of `anklepump plan`.
pub(super) struct PlanArgs {
    pub preset: Option<Preset>,
    pub sides: Option<Sides>,
    pub reps: Option<u32>,
    pub hold: Option<f64>,
    pub sessions: Option<DayBand>,
    pub reminders: Option<Vec<chrono::NaiveTime>>,
}

pub(super) fn plan(db: Option<&Path>, a: PlanArgs) -> Result<(), Fail> {
    {
        let (mut store, _) = open(db)?;
        let mut plan = store.plan()?;
        if let Some(p) = a.preset {
            plan = Plan::from_preset(p, a.sides.unwrap_or(plan.sides));
        }
        plan.sides = a.sides.unwrap_or(plan.sides);
        plan.reps_per_session = a.reps.unwrap_or(plan.reps_per_session);
        plan.hold_s = a.hold.unwrap_or(plan.hold_s);
        plan.sessions_per_day = a.sessions.unwrap_or(plan.sessions_per_day);
        let changed = a.preset.is_some()
            || a.sides.is_some()
            || a.reps.is_some()
            || a.hold.is_some()
            || a.sessions.is_some()
            || a.reminders.is_some();
        if let Some(r) = a.reminders {
            plan.reminders = r;
        }
        if changed {
            store.set_plan(&plan).map_err(|e| Fail::new(e.to_string(), 2))?;
        }
        let band = plan.sessions_per_day;
        let reminders: Vec<String> = plan.reminders.iter().map(|t| t.format("%H:%M").to_string()).collect();
        println!(
            "{} plan, {}: {} reps a session, {} s holds, {}–{} sessions a day, reminders {}",
            plan.preset.info().label,
            plan.sides.single().map_or("both feet".to_string(), |s| format!("{} foot", s.as_str())),
            plan.reps_per_session,
            plan.hold_s,
            band.min,
            band.max,
            if reminders.is_empty() { "none".into() } else { reminders.join(", ") }
        );
        Ok(())
    }
}
