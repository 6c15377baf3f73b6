//! Across processes: a live session is owned by its process (an owner lease
//! on the database), so other processes — `history`, `export` — never close
//! it; both writers wait on each other instead of failing "database is
//! locked"; and a second `serve` on the same database says plainly that one
//! is running.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{anklepump_db, ok, trace};

#[test]
fn history_and_export_in_another_process_never_close_a_live_replay_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let p01 = trace("p01_lying_clean.apcap");
    let expected = anklepump::core::analysis::analyze(BufReader::new(std::fs::File::open(&p01).expect("trace")), false)
        .expect("analyze")
        .analysis
        .reps
        .len();
    let mut child = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(&db)
        .args(["replay-session", p01.to_str().expect("path"), "--speed", "15", "--side", "right"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    assert!(lines.next().expect("a line").expect("read").contains("session 1 started"));

    let (mut reads, deadline) = (0, Instant::now() + Duration::from_secs(120));
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "the replay never ended");
        let h: Value = serde_json::from_str(&ok(&anklepump_db(&db, &["history", "--json"]))).expect("history JSON");
        assert_eq!(h["recovered_interrupted"], serde_json::json!([]), "a live session is never recovered");
        let status = h["sessions"][0]["status"].as_str().unwrap_or_default().to_string();
        assert_ne!(status, "interrupted", "the owner is alive");
        let out = dir.path().join(format!("export-{reads}"));
        ok(&anklepump_db(&db, &["export", "--csv", out.to_str().expect("path")]));
        reads += 1;
    }
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("reap");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("stderr");
    assert!(status.success(), "the replay failed: {err}");
    assert!(!err.contains("locked"), "{err}");
    assert!(reads >= 3, "history and export ran during the session ({reads} times)");
    let last = rest.last().cloned().unwrap_or_default();
    assert!(last.contains(&format!(": {expected} reps")) && !last.contains("interrupted"), "{last}");

    let h: Value = serde_json::from_str(&ok(&anklepump_db(&db, &["history", "--json"]))).expect("history JSON");
    let s = &h["sessions"][0];
    assert!(s["status"] == "completed" || s["status"] == "stopped", "closed by its owner: {s}");
    assert_eq!(s["done_reps"], expected, "every rep saved");
    assert_eq!(s["reps"].as_array().map(Vec::len), Some(expected));
}

#[test]
fn a_second_serve_on_the_same_database_says_one_is_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let mut first = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(first.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    assert!(line.contains("served at"), "{line}");
    // The hub takes the database as soon as it has started.
    let deadline = Instant::now() + Duration::from_secs(10);
    let second = loop {
        let out = anklepump_db(&db, &["serve", "--addr", "127.0.0.1:0"]);
        if out.status.code() == Some(1) || Instant::now() > deadline {
            break out;
        }
    };
    let _ = first.kill();
    let _ = first.wait();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(err.contains("another AnklePump app") && err.trim().lines().count() == 1, "{err}");
}
