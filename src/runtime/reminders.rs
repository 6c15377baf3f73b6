//! Reminders and backups in the app: the Settings commands (reminder times,
//! quiet hours, the hourly plan's waking day, a test notification, backup
//! folder and how many to keep, back up now, restore), what Settings shows
//! of them, Today's "Next session", and the app's own reminder loop
//! (`daemon`, shared with `anklepump remind`; one process reminds at a time).

pub mod daemon;

use std::path::PathBuf;

use chrono::{Local, NaiveTime, TimeZone};

use super::view::NextDue as Due;
use super::{Now, Runtime, RuntimeConfig};
use crate::core::plan::{today_next, NextDue, Plan, QuietHours, WakingHours};
use crate::notify::Notification;
use crate::store::{list_backups, restore, Store, StoreError};

/// What Settings can ask of reminders and backups.
#[derive(Debug, Clone, PartialEq)]
pub enum ReminderCommand {
    Add(NaiveTime),
    Remove(NaiveTime),
    /// Moves a reminder to another time.
    Change(NaiveTime, NaiveTime),
    /// Quiet hours, or None to turn them off.
    SetQuiet(Option<QuietHours>),
    SetWaking(WakingHours),
    Test,
    /// The automatic backups' folder ("" turns them off).
    SetBackupDir(String),
    SetBackupKeep(u32),
    BackupNow,
    /// Replaces the history with this backup file.
    Restore(String),
}

/// Reminders and backups as Settings shows them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReminderView {
    /// Sorted.
    pub times: Vec<NaiveTime>,
    pub quiet: Option<QuietHours>,
    /// The waking day, shown for the hourly plan.
    pub waking: Option<WakingHours>,
    pub backup_dir: String,
    pub backup_keep: u32,
    /// Local "YYYY-MM-DD HH:MM".
    pub last_backup: Option<String>,
    /// The folder's backups, newest first.
    pub backups: Vec<String>,
    pub message: Option<String>,
}

/// The store connection reminders use (beside the records' own).
#[derive(Default)]
pub struct Reminders {
    store: Option<Store>,
}

fn db_path(cfg: &RuntimeConfig) -> Result<PathBuf, StoreError> {
    cfg.db.clone().map_or_else(Store::default_path, Ok)
}

impl Reminders {
    pub fn open(cfg: &RuntimeConfig) -> Self {
        Reminders { store: db_path(cfg).and_then(|p| Store::open(&p)).ok() }
    }
}

/// Starts the app's reminder loop once per process, on a thread of its own (wall clock).
pub fn start(cfg: &RuntimeConfig) {
    static STARTED: std::sync::Once = std::sync::Once::new();
    let Ok(db) = db_path(cfg) else { return };
    STARTED.call_once(move || {
        let spawned = std::thread::Builder::new().name("reminders".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => return tracing::warn!("reminders not started: {e}"),
            };
            let opts = daemon::Options { db, clock: daemon::Clock::real(), open_app: false };
            if let Err(e) = rt.block_on(daemon::run(opts, |line| tracing::info!("{line}"))) {
                tracing::warn!("reminders stopped: {e}");
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("reminders not started: {e}");
        }
    });
}

fn stamp(now: &Now) -> String {
    now.local.format("%Y-%m-%d_%H%M%S").to_string()
}

/// Handles one Settings command.
pub(super) fn handle(rt: &mut Runtime, cmd: ReminderCommand, now: Now) {
    let mut times = rt.plan.reminders.clone();
    let message = match cmd {
        ReminderCommand::Add(t) | ReminderCommand::Change(_, t) if times.contains(&t) => {
            Some(format!("There is already a reminder at {}.", t.format("%H:%M")))
        }
        ReminderCommand::Add(t) => {
            times.push(t);
            set_times(rt, times, now)
        }
        ReminderCommand::Remove(t) => set_times(rt, times.into_iter().filter(|x| *x != t).collect(), now),
        ReminderCommand::Change(old, new) => {
            set_times(rt, times.into_iter().map(|x| if x == old { new } else { x }).collect(), now)
        }
        ReminderCommand::SetWaking(w) => {
            rt.update_plan(rt.plan.clone().with_waking(w), now);
            rt.view.settings.message.take()
        }
        ReminderCommand::Test => Some(match crate::notify::send_blocking(Notification::test()) {
            Ok(_) => "Test notification sent.".to_string(),
            Err(e) => format!("The test notification could not be shown: {e}."),
        }),
        cmd => with_store(rt, cmd, now),
    };
    rt.view.settings.reminders_detail.message = message;
}

fn set_times(rt: &mut Runtime, mut times: Vec<NaiveTime>, now: Now) -> Option<String> {
    times.sort();
    rt.update_plan(Plan { reminders: times, ..rt.plan.clone() }, now);
    rt.view.settings.message.take()
}

fn with_store(rt: &mut Runtime, cmd: ReminderCommand, now: Now) -> Option<String> {
    let Some(store) = rt.reminders.store.as_mut() else {
        return Some("Settings cannot be saved: the database is not open.".into());
    };
    let res: Result<String, StoreError> = match cmd {
        ReminderCommand::SetQuiet(q) => store.set_quiet_hours(q).map(|()| String::new()),
        ReminderCommand::SetBackupDir(d) => {
            let d = d.trim();
            store.set_backup_dir((!d.is_empty()).then(|| std::path::Path::new(d))).map(|()| String::new())
        }
        ReminderCommand::SetBackupKeep(n) => store.set_backup_keep(n).map(|()| String::new()),
        ReminderCommand::BackupNow => store.backup_now(now.utc, &stamp(&now)).map(|p| match p {
            Some(p) => format!("Backed up to {}.", p.display()),
            None => "Choose a backup folder first.".into(),
        }),
        ReminderCommand::Restore(file) if rt.running.is_some() => {
            Ok(format!("Finish the session first; {file} was not restored."))
        }
        ReminderCommand::Restore(file) => {
            let current = store.path().to_owned();
            restore(&current, std::path::Path::new(file.trim()), &stamp(&now)).map(|r| {
                let kept = r.kept.map(|k| format!(" The history it replaced is kept as {}.", k.display()));
                format!("Restored {} sessions from {}.{}", r.info.sessions, file.trim(), kept.unwrap_or_default())
            })
        }
        _ => Ok(String::new()),
    };
    if res.as_ref().is_ok_and(|m| m.starts_with("Restored")) {
        if let Ok(p) = store.plan() {
            rt.plan = p;
        }
    }
    match res {
        Ok(m) if m.is_empty() => None,
        Ok(m) => Some(m),
        Err(e) => Some(format!("Not done: {e}")),
    }
}

/// Fills Settings' reminders and backups, and Today's next session.
pub(super) fn fill(rt: &mut Runtime, now: Now) {
    let Some(store) = rt.reminders.store.as_ref() else { return };
    let v = &mut rt.view.settings.reminders_detail;
    let mut times = rt.plan.reminders.clone();
    times.sort();
    v.times = times;
    v.quiet = store.quiet_hours().unwrap_or_default();
    v.waking = rt.plan.per_hour().then_some(rt.plan.waking);
    if let Ok(b) = store.backup_settings() {
        v.backup_dir = b.dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default();
        v.backup_keep = b.keep;
        v.last_backup =
            b.last_utc.map(|t| Local.from_utc_datetime(&t.naive_utc()).format("%Y-%m-%d %H:%M").to_string());
        v.backups = b
            .dir
            .and_then(|d| list_backups(&d).ok())
            .unwrap_or_default()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
    }
    let t = &mut rt.view.today;
    let met = t.done >= t.band.0.max(1);
    let next = today_next(&rt.plan, v.quiet.as_ref(), t.done, met, now.local);
    t.next_due = match next {
        NextDue::None => return,
        NextDue::Now => Due::Now,
        NextDue::At(at) => Due::At(at),
        NextDue::Tomorrow(_) => Due::Tomorrow,
    };
    if t.next_due != Due::Now {
        t.reminder = None;
    }
}

#[cfg(test)]
#[path = "reminders/tests.rs"]
mod tests;
