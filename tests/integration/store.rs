//! The session history through the `anklepump` binary: import (atomic),
//! crash recovery of a killed live session, CSV round trip, the weekly
//! chart, and databases that are not ours.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anklepump::core::analysis::analyze;
use anklepump::core::plan::SessionStatus;
use anklepump::core::reps::Rep;
use anklepump::store::{parse_reps_csv, parse_sessions_csv, Store};
use serde_json::Value;

use crate::support::{anklepump_db as anklepump, ok, trace};

fn history(db: &Path) -> Value {
    serde_json::from_str(&ok(&anklepump(db, &["history", "--json"]))).expect("history JSON")
}

fn analyzed(name: &str) -> Vec<Rep> {
    let f = std::fs::File::open(trace(name)).expect("trace");
    analyze(std::io::BufReader::new(f), false).expect("analyze").analysis.reps
}

fn json_rep(v: &Value) -> Rep {
    serde_json::from_value(v.clone()).expect("rep fields")
}

#[test]
fn import_stores_the_capture_as_a_session_with_every_rep() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let p01 = trace("p01_lying_clean.apcap");
    let out = anklepump(
        &db,
        &[
            "import",
            p01.to_str().expect("path"),
            "--side",
            "left",
            "--at",
            "2026-11-17T09:00:00-05:00",
            "--pain-before",
            "4",
            "--pain-after",
            "2",
        ],
    );
    assert!(ok(&out).contains("stored session 1"));
    let h = history(&db);
    let s = &h["sessions"][0];
    let expected = analyzed("p01_lying_clean.apcap");
    assert_eq!(s["side"], "left");
    assert_eq!(s["status"], "completed", "{} reps ≥ 20 planned", expected.len());
    assert_eq!(s["done_reps"], expected.len());
    assert_eq!((s["start_offset_s"].as_i64(), s["local_date"].as_str()), (Some(-18000), Some("2026-11-17")));
    assert_eq!((s["pain_before"].as_u64(), s["pain_after"].as_u64()), (Some(4), Some(2)));
    let reps: Vec<Rep> = s["reps"].as_array().expect("reps").iter().map(json_rep).collect();
    assert_eq!(reps, expected, "every field of the analysis contract is kept");

    let again = anklepump(&db, &["import", p01.to_str().expect("path"), "--at", "2026-11-17T09:00:00-05:00"]);
    assert!(ok(&again).contains("already stored as session 1"));
    assert_eq!(history(&db)["sessions"].as_array().map(Vec::len), Some(1), "importing twice adds nothing");
}

#[test]
fn a_bad_capture_stores_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let bad = dir.path().join("bad.apcap");
    std::fs::write(&bad, "# apcap 1\n# side left\n12 0102\n").expect("write");
    let out = anklepump(&db, &["import", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("nothing stored"), "{err}");
    let out = anklepump(&db, &["import", dir.path().join("missing.apcap").to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(history(&db)["sessions"].as_array().map(Vec::len), Some(0));
}

fn open_session_reps(db: &Path) -> Option<u32> {
    if std::fs::metadata(db).map(|m| m.len()).unwrap_or(0) == 0 {
        return None;
    }
    let store = Store::open(db).ok()?;
    let sessions = store.sessions(None).ok()?;
    sessions.iter().find(|s| s.status == SessionStatus::Open).map(|s| s.done_reps)
}

#[test]
fn a_killed_live_session_keeps_every_committed_rep() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let p01 = trace("p01_lying_clean.apcap");
    let mut child = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(&db)
        .args(["replay-session", p01.to_str().expect("path"), "--speed", "20", "--side", "right"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    while open_session_reps(&db).unwrap_or(0) < 2 {
        assert!(Instant::now() < deadline, "the replay never committed two reps");
        assert!(child.try_wait().expect("wait").is_none(), "replay ended before it was killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let committed = open_session_reps(&db).expect("the session is still open after the kill");
    assert!(committed >= 2);
    let expected = analyzed("p01_lying_clean.apcap");
    assert!((committed as usize) < expected.len(), "killed mid-session");

    let h = history(&db);
    assert_eq!(h["recovered_interrupted"], serde_json::json!([1]));
    let s = &h["sessions"][0];
    assert_eq!(s["status"], "interrupted");
    assert_eq!(s["done_reps"], committed);
    let reps: Vec<Rep> = s["reps"].as_array().expect("reps").iter().map(json_rep).collect();
    assert_eq!(reps.len(), committed as usize, "no committed rep lost");
    for (got, want) in reps.iter().zip(&expected) {
        assert!(
            (got.rom_deg - want.rom_deg).abs() < 1e-3 && (got.end_s - want.end_s).abs() < 1e-3,
            "{got:?} vs {want:?}"
        );
    }
    assert!(s["end_utc"].is_string(), "closed with an end time");
    let again = history(&db);
    assert_eq!(again["recovered_interrupted"], serde_json::json!([]), "recovered once");
}

#[test]
fn csv_export_reads_back_to_the_same_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    for (name, at, notes) in [
        ("p01_lying_clean.apcap", "2026-11-16T08:15:00+01:00", "felt fine, a bit \"stiff\"\nsecond line"),
        ("p07_two_sets_rest.apcap", "2026-11-16T18:40:00+01:00", ""),
    ] {
        let p = trace(name);
        ok(&anklepump(&db, &["import", p.to_str().expect("path"), "--at", at, "--notes", notes, "--pain-before", "1"]));
    }
    let out = dir.path().join("export");
    ok(&anklepump(&db, &["export", "--csv", out.to_str().expect("path")]));
    let sessions =
        parse_sessions_csv(&std::fs::read_to_string(out.join("sessions.csv")).expect("read")).expect("parse");
    let reps = parse_reps_csv(&std::fs::read_to_string(out.join("reps.csv")).expect("read")).expect("parse");
    let store = Store::open(&db).expect("open");
    let stored: Vec<_> = store
        .sessions(None)
        .expect("sessions")
        .into_iter()
        .map(|s| anklepump::store::SessionRecord { stats: None, ..s })
        .collect();
    assert_eq!(sessions, stored);
    assert_eq!(sessions[0].notes, "felt fine, a bit \"stiff\"\nsecond line");
    let mut n = 0;
    for s in &stored {
        let mine: Vec<Rep> = reps.iter().filter(|r| r.session_id == s.id).map(|r| r.rep.clone()).collect();
        assert_eq!(mine, store.reps(s.id).expect("reps"));
        n += mine.len();
    }
    assert_eq!(n, reps.len());
    let leftovers: Vec<_> =
        std::fs::read_dir(&out).expect("dir").filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left: {leftovers:?}");
}

#[test]
fn the_weekly_report_is_drawn_as_svg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let p = trace("p01_lying_clean.apcap");
    ok(&anklepump(&db, &["import", p.to_str().expect("path"), "--side", "left", "--at", "2026-11-17T09:00:00+00:00"]));
    let svg = dir.path().join("w.svg");
    let out = ok(&anklepump(
        &db,
        &["report", "--week", "2026-W47", "--out", svg.to_str().expect("path"), "--today", "2026-11-18"],
    ));
    assert!(out.contains("adherence 50% (1 of 2 days)"), "{out}");
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.starts_with("<svg") && text.contains("Tue 17") && text.contains("left foot"));
    let png = dir.path().join("w.png");
    ok(&anklepump(&db, &["report", "--week", "2026-W47", "--out", png.to_str().expect("path")]));
    assert!(std::fs::read(&png).expect("png").starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    let gif = dir.path().join("w.gif");
    let out = anklepump(&db, &["report", "--week", "2026-W47", "--out", gif.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!gif.exists());
    let out = anklepump(&db, &["report", "--week", "2026-W60", "--out", svg.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "a week that does not exist is refused");
}

#[test]
fn a_database_that_is_not_ours_is_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("notes.txt");
    let text = b"SQLite format 3? no, just my shopping list\n".repeat(20);
    std::fs::write(&db, &text).expect("write");
    for args in [&["history"][..], &["export", "--csv", "out"], &["plan", "--preset", "post-op"]] {
        let out = anklepump(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a SQLite database") && err.trim().lines().count() == 1, "{err}");
    }
    assert_eq!(std::fs::read(&db).expect("read"), text);
}

#[test]
fn the_plan_is_kept_and_checked_against_its_preset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    ok(&anklepump(&db, &["plan", "--preset", "post-op", "--sides", "both", "--reminders", "07:30,21:00"]));
    let out = anklepump(&db, &["plan", "--reps", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("10–60 reps"));
    let shown = ok(&anklepump(&db, &["plan"]));
    assert_eq!(
        shown.trim(),
        "Post-op plan, both feet: 20 reps a session, 3 s holds, 3–4 sessions a day, reminders 07:30, 21:00"
    );
    let h = history(&db);
    assert_eq!(h["plan"]["preset"], "post-op");
    assert_eq!(h["plan"]["sessions_per_day"]["min"], 3);
}
