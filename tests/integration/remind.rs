//! `anklepump remind` against the stand-in notification service: at a
//! reminder time on a day not yet met it notifies ("AnklePump", the day's
//! count, a default action); it stays silent on a met day, in quiet hours
//! and after a sharp-pain stop; two running at once notify once. The clock
//! is the hidden `--now` (a pretend clock started just before 13:00) in UTC.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anklepump::core::plan::{Plan, Preset, QuietHours, SessionStatus, Sides};
use anklepump::core::reps::Rep;
use anklepump::sensor::capture::Side;
use anklepump::store::{EndSession, NewSession, Store};
use chrono::{DateTime, NaiveTime, Utc};

use crate::notifications::NotifyStandIn;

fn rep(i: u32) -> Rep {
    let s = f64::from(i) * 10.0;
    Rep {
        start_s: s,
        end_s: s + 8.0,
        peak_dorsi_deg: 15.0,
        peak_plantar_deg: 30.0,
        rom_deg: 45.0,
        hold_dorsi_s: 3.0,
        hold_plantar_s: 3.0,
        detected_s: s + 8.5,
    }
}

/// A session of 2 planned reps at `at` (UTC), ended with `status` after `done` reps.
pub(crate) fn add_session(store: &mut Store, at: &str, done: u32, status: SessionStatus) {
    let start: DateTime<Utc> = at.parse().expect("time");
    let new = NewSession {
        start_utc: start,
        utc_offset_s: 0,
        side: Side::Left,
        preset: Preset::PostOp,
        planned_reps: 2,
        hold_s: 3.0,
        pain_before: None,
        capture_file: None,
        sensor_id: None,
    };
    let reps: Vec<Rep> = (0..done).map(rep).collect();
    let end = EndSession {
        end_utc: start + chrono::Duration::minutes(3),
        utc_offset_s: 0,
        status,
        pain_after: None,
        notes: String::new(),
    };
    store.import_session(&new, &reps, &end).expect("session");
}

fn hm(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").expect("time")
}

/// A database with `preset`'s plan reminding at `times`.
fn db(dir: &Path, preset: Preset, times: &[&str]) -> (PathBuf, Store) {
    let path = dir.join("a.sqlite3");
    let mut store = Store::open(&path).expect("open");
    let plan = Plan { reminders: times.iter().map(|t| hm(t)).collect(), ..Plan::from_preset(preset, Sides::Left) };
    store.set_plan(&plan).expect("plan");
    (path, store)
}

struct Remind {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Remind {
    fn start(db: &Path, bus: &str, now: &str) -> Remind {
        let mut child = Command::new(env!("CARGO_BIN_EXE_anklepump"))
            .arg("--db")
            .arg(db)
            .args(["remind", "--now", now])
            .env("TZ", "UTC")
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start remind");
        let out = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Remind { child, lines }
    }

    /// The first line containing `what` (waiting up to 20 s); every line seen on the way.
    fn wait_for(&self, what: &str) -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(20)) {
            let hit = line.contains(what);
            seen.push(line);
            if hit {
                return seen;
            }
        }
        panic!("remind never said {what:?}; it said {seen:?}");
    }
}

impl Drop for Remind {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn remind_notifies_at_a_reminder_time_on_a_day_not_met() {
    let bus = NotifyStandIn::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut store) = db(dir.path(), Preset::PostOp, &["08:00", "13:00"]);
    add_session(&mut store, "2026-11-20T08:05:00Z", 2, SessionStatus::Completed);
    add_session(&mut store, "2026-11-19T13:05:00Z", 2, SessionStatus::Completed);
    let r = Remind::start(&path, &bus.bus.address, "2026-11-20T12:59:58Z");
    let lines = r.wait_for("13:00 reminder");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("13:00 reminder sent: Time for your ankle pumps — 1 of 3 done today")
    );
    let shown = bus.shown();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].app_name, "AnklePump");
    assert_eq!(shown[0].summary, "Time for your ankle pumps — 1 of 3 done today");
    assert!(
        shown[0].actions.chunks(2).any(|a| a[0] == "default"),
        "a default action opens the app: {:?}",
        shown[0].actions
    );
    assert!(
        !lines.iter().any(|l| l.contains("08:00")),
        "a reminder already past at the start does not fire: {lines:?}"
    );
}

#[test]
fn remind_is_silent_on_a_met_day_in_quiet_hours_and_after_sharp_pain() {
    let bus = NotifyStandIn::start();
    let cases: [(&str, &str, &str, &str); 3] = [
        ("met", "13:00", "2026-11-20T12:59:58Z", "13:00 reminder silent: today's plan is met"),
        ("quiet", "22:30", "2026-11-20T22:29:58Z", "22:30 reminder silent: quiet hours"),
        ("pain", "13:00", "2026-11-20T12:59:58Z", "13:00 reminder silent: a session was stopped for sharp pain today"),
    ];
    let running: Vec<_> = cases
        .iter()
        .map(|(case, time, now, expect)| {
            let dir = tempfile::tempdir().expect("tempdir");
            let (path, mut store) = db(dir.path(), Preset::General, &[time]);
            match *case {
                "met" => add_session(&mut store, "2026-11-20T08:05:00Z", 2, SessionStatus::Completed),
                "quiet" => store.set_quiet_hours(Some(QuietHours::default())).expect("quiet"),
                _ => add_session(&mut store, "2026-11-20T08:05:00Z", 1, SessionStatus::StoppedForPain),
            }
            (dir, Remind::start(&path, &bus.bus.address, now), *expect)
        })
        .collect();
    for (_dir, r, expect) in &running {
        let lines = r.wait_for("reminder");
        assert_eq!(lines.last().map(String::as_str), Some(*expect));
    }
    assert_eq!(bus.shown(), Vec::new(), "nothing was shown");
}

#[test]
fn two_reminders_running_at_once_notify_once() {
    let bus = NotifyStandIn::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, _store) = db(dir.path(), Preset::General, &["13:00"]);
    let first = Remind::start(&path, &bus.bus.address, "2026-11-20T12:59:57Z");
    first.wait_for("reminding from");
    let second = Remind::start(&path, &bus.bus.address, "2026-11-20T12:59:57Z");
    second.wait_for("another AnklePump process is reminding");
    first.wait_for("13:00 reminder sent");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(bus.shown().len(), 1, "one notification, not two: {:?}", bus.shown());
    assert!(second.lines.try_iter().all(|l| !l.contains("reminder")), "the second stays quiet");
}

#[test]
fn remind_install_writes_an_autostart_entry_and_a_user_unit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("my data.sqlite3");
    let out = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(&db)
        .args(["remind", "--install"])
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let unit = std::fs::read_to_string(dir.path().join("systemd/user/anklepump-remind.service")).expect("unit");
    let desktop = std::fs::read_to_string(dir.path().join("autostart/anklepump-remind.desktop")).expect("desktop");
    for text in [&unit, &desktop] {
        assert!(text.contains("remind"), "{text}");
        assert!(text.contains("my data.sqlite3\" remind"), "the database is passed, quoted: {text}");
    }
    assert!(unit.contains("ExecStart=\"") && desktop.contains("Exec=\""));
}
