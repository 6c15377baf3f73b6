//! Settings' reminder and backup commands through the runtime, as the UI
//! sends them: kept in the database, shown back, restored from a backup.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

use super::super::{Command, Now, Runtime, RuntimeConfig};
use super::ReminderCommand as R;
use crate::core::plan::QuietHours;
use crate::runtime::view::NextDue;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

fn at(h: u32, m: u32) -> Now {
    let local = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date").and_time(hm(h, m));
    Now { local, utc: Utc.from_utc_datetime(&local), offset_s: 0 }
}

#[test]
fn reminder_times_quiet_hours_and_backups_are_kept_and_restored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = RuntimeConfig { db: Some(dir.path().join("a.sqlite3")), ..RuntimeConfig::default() };
    let mut rt = Runtime::new(cfg.clone(), at(10, 0));
    let send = |rt: &mut Runtime, c: R, now: Now| rt.handle(Command::Reminders(c), now);
    assert_eq!(rt.view().settings.reminders_detail.times, [hm(9, 0), hm(18, 0)]);
    send(&mut rt, R::Add(hm(13, 0)), at(10, 0));
    send(&mut rt, R::Change(hm(18, 0), hm(19, 30)), at(10, 0));
    send(&mut rt, R::Remove(hm(9, 0)), at(10, 0));
    send(&mut rt, R::Add(hm(13, 0)), at(10, 0));
    let v = &rt.view().settings.reminders_detail;
    assert_eq!(v.times, [hm(13, 0), hm(19, 30)]);
    assert_eq!(v.message.as_deref(), Some("There is already a reminder at 13:00."));
    assert_eq!(rt.view().today.next_due, NextDue::At(hm(13, 0)));
    send(&mut rt, R::SetQuiet(Some(QuietHours { start: hm(21, 0), end: hm(7, 0) })), at(10, 0));
    let folder = dir.path().join("backups");
    send(&mut rt, R::SetBackupDir(folder.display().to_string()), at(10, 0));
    send(&mut rt, R::BackupNow, at(10, 5));
    let v = rt.view().settings.reminders_detail.clone();
    assert!(v.message.as_deref().is_some_and(|m| m.starts_with("Backed up to ")), "{:?}", v.message);
    assert_eq!((v.backups.len(), v.backup_keep), (1, 7));
    assert!(v.last_backup.is_some());

    // A new runtime on the same database (after this app closed) sees it all; never "now" at night.
    drop(rt);
    let mut again = Runtime::new(cfg, at(22, 40));
    let v = again.view().settings.reminders_detail.clone();
    assert_eq!(v.times, [hm(13, 0), hm(19, 30)]);
    assert_eq!(v.quiet, Some(QuietHours { start: hm(21, 0), end: hm(7, 0) }));
    assert_eq!(again.view().today.next_due, NextDue::Tomorrow);
    // Restoring the backup brings its reminder times back (the 13:00 one was added before it, 19:30 too).
    send(&mut again, R::Remove(hm(13, 0)), at(22, 40));
    assert_eq!(again.view().settings.reminders_detail.times, [hm(19, 30)]);
    send(&mut again, R::Restore(v.backups[0].clone()), at(22, 41));
    let v = again.view().settings.reminders_detail.clone();
    assert!(v.message.as_deref().is_some_and(|m| m.starts_with("Restored 0 sessions")), "{:?}", v.message);
    assert_eq!(v.times, [hm(13, 0), hm(19, 30)]);
    send(&mut again, R::Restore(dir.path().join("nope.sqlite3").display().to_string()), at(22, 42));
    let m = again.view().settings.reminders_detail.message.clone().unwrap_or_default();
    assert!(m.starts_with("Not done: ") && m.contains("nope.sqlite3"), "{m}");
}
