//! `anklepump backup` and `restore`: a backup taken while `replay-session`
//! commits reps passes SQLite's integrity check; a restore round trip gives
//! the same `history --json`, keeping the replaced database beside it; bad
//! files are refused in one line and the database stays byte-identical.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anklepump::core::plan::SessionStatus;
use anklepump::store::{check_backup, Store};

use crate::remind::add_session;
use crate::support::{anklepump, traces_dir};

fn with_db(db: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--db", db.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    anklepump(&all)
}

fn history(db: &Path) -> String {
    let out = with_db(db, &["history", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_backup_while_a_session_records_is_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.sqlite3");
    let trace = traces_dir().join("p01_lying_clean.apcap");
    let mut replay = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(&db)
        .args(["replay-session", trace.to_str().expect("path"), "--speed", "8", "--side", "left"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("replay-session");
    let mut lines = BufReader::new(replay.stdout.take().expect("stdout")).lines();
    let mut backups = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        // A backup at reps 2, 4 and 6, while the session is open and being written.
        if let Some(n) = line.strip_prefix("rep ").and_then(|r| r.split(' ').next()).and_then(|n| n.parse::<u32>().ok())
        {
            if n % 2 == 0 && n <= 6 {
                let out = dir.path().join(format!("during-{n}.sqlite3"));
                let res = with_db(&db, &["backup", "--out", out.to_str().expect("path")]);
                assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
                backups.push((n, out));
            }
        }
    }
    assert!(replay.wait().expect("wait").success());
    assert_eq!(backups.len(), 3, "the capture has at least 6 reps");
    for (n, b) in &backups {
        let info = check_backup(b).unwrap_or_else(|e| panic!("backup at rep {n}: {e}"));
        println!("backup at rep {n}: integrity ok, {} session(s)", info.sessions);
        assert_eq!(info.sessions, 1);
        let store = Store::open(b).expect("open the backup");
        let s = &store.sessions(None).expect("sessions")[0];
        assert!(s.done_reps >= *n, "the backup has the reps committed before it ({} < {n})", s.done_reps);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(b).expect("meta").permissions().mode() & 0o777, 0o600, "backups are 0600");
        }
    }
}

#[test]
fn a_restore_round_trip_gives_the_same_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.sqlite3");
    let mut store = Store::open(&db).expect("open");
    add_session(&mut store, "2026-11-19T08:05:00Z", 2, SessionStatus::Completed);
    add_session(&mut store, "2026-11-20T09:05:00Z", 1, SessionStatus::StoppedForPain);
    drop(store);
    let before = history(&db);
    let backup = dir.path().join("saved.sqlite3");
    assert!(with_db(&db, &["backup", "--out", backup.to_str().expect("path")]).status.success());
    // Life goes on: another session, then the backup is restored.
    let mut store = Store::open(&db).expect("open");
    add_session(&mut store, "2026-11-21T09:05:00Z", 2, SessionStatus::Completed);
    drop(store);
    assert_ne!(history(&db), before);
    let out = with_db(&db, &["restore", backup.to_str().expect("path")]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("restored 2 sessions"), "{said}");
    assert_eq!(history(&db), before, "the restored history is the backed-up one");
    let kept = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().contains("a.sqlite3.before-restore-"))
        .expect("the replaced database is kept beside it");
    assert_eq!(check_backup(&kept).expect("kept").sessions, 3, "the kept one has the newer session");
}

#[test]
fn restore_refuses_bad_files_and_leaves_the_database_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("a.sqlite3");
    let mut store = Store::open(&db).expect("open");
    add_session(&mut store, "2026-11-19T08:05:00Z", 2, SessionStatus::Completed);
    drop(store);
    let good = dir.path().join("good.sqlite3");
    assert!(with_db(&db, &["backup", "--out", good.to_str().expect("path")]).status.success());
    let bytes = std::fs::read(&good).expect("read");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all\n".repeat(200)).expect("write");
    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").expect("write");
    let foreign = dir.path().join("other-app.sqlite3");
    rusqlite::Connection::open(&foreign)
        .and_then(|c| c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);"))
        .expect("foreign");
    let truncated = dir.path().join("truncated.sqlite3");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let damaged = dir.path().join("damaged.sqlite3");
    let mut d = bytes.clone();
    let page = 4096;
    for b in &mut d[page..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &d).expect("write");
    let missing = dir.path().join("missing.sqlite3");

    let original = std::fs::read(&db).expect("read db");
    for bad in [&text, &empty, &foreign, &truncated, &damaged, &missing] {
        let out = with_db(&db, &["restore", bad.to_str().expect("path")]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let name = bad.file_name().expect("name").to_string_lossy().into_owned();
        assert!(!out.status.success(), "{name} must be refused");
        assert_eq!(err.lines().count(), 1, "one line for {name}: {err}");
        assert!(err.contains(&name) && err.contains("nothing restored"), "{err}");
        assert_eq!(std::fs::read(&db).expect("read db"), original, "{name}: the database is byte-identical");
        println!("{}", err.trim());
    }
    assert!(!std::fs::read_dir(dir.path())
        .expect("dir")
        .any(|e| e.map(|e| e.file_name().to_string_lossy().contains("before-restore")).unwrap_or(false)));
}
