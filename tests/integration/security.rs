//! Input that once panicked, hung, corrupted or misled, through the
//! `anklepump` binary: a damaged database is never written to, one capture
//! imported three times at once is stored once, out-of-range values and
//! files that are not captures fail at once with one line, a 50 MB line
//! costs no memory, a read-only directory still shows the history, and a
//! D-Bus that never answers does not hang `scan`.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::store::history;
use crate::support::{anklepump_db as anklepump, ok, trace};

/// Fails with exactly one line on stderr, `anklepump: ` first, mentioning `needle`.
fn one_line_failure(out: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("anklepump: ") && err.contains(needle), "{err:?} should mention {needle:?}");
}

/// Runs the binary, killing it (and failing) if it takes longer than `limit`.
fn within(limit: Duration, cmd: &mut Command) -> Output {
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let pid = child.id();
    let start = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("still running after {:?}", start.elapsed());
        }
    }
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anklepump"));
    c.env("TZ", "UTC");
    c
}

fn import_p01(db: &Path) -> Output {
    let p = trace("p01_lying_clean.apcap");
    anklepump(db, &["import", p.to_str().expect("p"), "--side", "left"])
}

#[test]
fn a_damaged_database_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    ok(&import_p01(&db));
    let mut bytes = std::fs::read(&db).expect("read");
    assert!(bytes.len() >= 3 * 4096, "a database of several pages");
    // Every page after the first gets an impossible b-tree page type.
    for page in (4096..bytes.len()).step_by(4096) {
        bytes[page] = 0x77;
    }
    std::fs::write(&db, &bytes).expect("damage it");
    let p07 = trace("p07_two_sets_rest.apcap");
    for args in [&["import", p07.to_str().expect("p"), "--side", "left"][..], &["plan", "--reps", "25"], &["history"]] {
        let out = anklepump(&db, args);
        one_line_failure(&out, 2, &format!("the database at {} is damaged", db.display()));
        assert!(String::from_utf8_lossy(&out.stderr).contains("backup"));
        assert!(!String::from_utf8_lossy(&out.stdout).contains("stored session"), "{args:?}");
    }
    assert_eq!(std::fs::read(&db).expect("read"), bytes, "not one byte written");
}

#[test]
fn three_imports_of_one_capture_at_once_store_one_session() {
    for round in 0..4 {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("h.sqlite3");
        let p = trace("p01_lying_clean.apcap");
        let children: Vec<_> = (0..3)
            .map(|_| {
                bin()
                    .arg("--db")
                    .arg(&db)
                    .args(["import", p.to_str().expect("p"), "--side", "left"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let outs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().expect("wait")).collect();
        let said: Vec<String> = outs.iter().map(ok).collect();
        assert_eq!(said.iter().filter(|s| s.contains("stored session")).count(), 1, "round {round}: {said:?}");
        assert_eq!(said.iter().filter(|s| s.contains("already stored as session")).count(), 2, "{said:?}");
        assert_eq!(history(&db)["sessions"].as_array().map(Vec::len), Some(1), "round {round}");
    }
}

#[test]
fn out_of_range_values_fail_at_once_and_store_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let p = trace("p01_lying_clean.apcap");
    let p = p.to_str().expect("p");
    let svg = dir.path().join("w.svg");
    let cases: [&[&str]; 6] = [
        &["history", "--week", "262143-W01"],
        &["report", "--week", "262143-W01", "--out", svg.to_str().expect("p")],
        &["import", p, "--side", "left", "--at", "9999-12-31T23:59:59+00:00"],
        &["replay-session", p, "--side", "left", "--speed", "1e-300"],
        &["replay-session", p, "--side", "left", "--speed", "1e-12"],
        &["report", "--week", "2026-W47", "--out", svg.to_str().expect("p"), "--today", "9999-01-01"],
    ];
    for args in cases {
        let out = within(Duration::from_secs(20), bin().arg("--db").arg(&db).args(args));
        one_line_failure(&out, 2, "invalid value");
        assert!(!db.exists(), "{args:?} touched the database before refusing");
    }
    assert!(!svg.exists());
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let fifo = dir.path().join("capture.apcap");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let f = fifo.to_str().expect("p");
    for args in [
        &["analyze", f][..],
        &["import", f, "--side", "left"],
        &["replay-session", f, "--speed", "0"],
        &["analyze", "/dev/zero"],
    ] {
        let out = within(Duration::from_secs(20), bin().arg("--db").arg(&db).args(args));
        one_line_failure(&out, 2, "not a regular file");
    }
    let out = within(Duration::from_secs(20), bin().args(["--db", "/dev/null", "history"]));
    one_line_failure(&out, 2, "not a regular file");
}

fn peak_kib(stderr: &str) -> u64 {
    let line = stderr.lines().find_map(|l| l.strip_prefix("peak memory: ")).expect("peak memory line");
    line.trim_end_matches(" kB").trim().parse().expect("kB")
}

#[cfg(target_os = "linux")]
#[test]
fn a_50_mb_line_is_one_malformed_line_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("long.apcap");
    let text = std::fs::read_to_string(trace("p01_lying_clean.apcap")).expect("trace");
    let split = text.find("\n1").or_else(|| text.find("\n0")).expect("first data line");
    let (head, data) = text.split_at(split + 1);
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b'7', 50 * 1024 * 1024));
    bytes.extend_from_slice(b" 00\n");
    bytes.extend_from_slice(data.as_bytes());
    std::fs::write(&path, &bytes).expect("write");
    let out =
        within(Duration::from_secs(120), bin().args(["analyze", "--json", "--peak-memory", path.to_str().expect("p")]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let clean =
        ok(&super::support::anklepump(&["analyze", "--json", trace("p01_lying_clean.apcap").to_str().expect("p")]));
    let clean: Value = serde_json::from_str(&clean).expect("JSON");
    assert_eq!(got["malformed_packets"].as_u64(), clean["malformed_packets"].as_u64().map(|n| n + 1));
    assert_eq!(got["reps"], clean["reps"], "the rest of the capture is analyzed as before");
    let peak = peak_kib(&String::from_utf8_lossy(&out.stderr));
    assert!(peak <= 64 * 1024, "peak memory {peak} kB > 64 MB");
}

#[test]
fn a_header_that_is_not_utf8_is_skipped_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latin1.apcap");
    let text = std::fs::read(trace("p01_lying_clean.apcap")).expect("trace");
    let mut bytes = b"# apcap 1\n# note caf\xe9 \xff\xfe\n".to_vec();
    bytes.extend_from_slice(&text[b"# apcap 1\n".len()..]);
    std::fs::write(&path, &bytes).expect("write");
    let got = ok(&super::support::anklepump(&["analyze", "--json", path.to_str().expect("p")]));
    let clean =
        ok(&super::support::anklepump(&["analyze", "--json", trace("p01_lying_clean.apcap").to_str().expect("p")]));
    assert_eq!(got, clean);
}

#[cfg(unix)]
#[test]
fn history_reads_a_database_in_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("ro");
    let db = home.join("h.sqlite3");
    ok(&import_p01(&db));
    // root ignores directory modes: then the check runs as `nobody`, who owns the files.
    let root = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false);
    if root {
        for p in [dir.path(), home.as_path(), db.as_path()] {
            std::os::unix::fs::chown(p, Some(65534), Some(65534)).expect("chown");
        }
    }
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let mut cmd = bin();
    cmd.arg("--db").arg(&db).args(["history", "--json"]);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let out = within(Duration::from_secs(20), &mut cmd);
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    let h: Value = serde_json::from_str(&ok(&out)).expect("history JSON");
    assert_eq!(h["sessions"].as_array().map(Vec::len), Some(1));
    let p07 = trace("p07_two_sets_rest.apcap");
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let mut cmd = bin();
    cmd.arg("--db").arg(&db).args(["import", p07.to_str().expect("p"), "--side", "left"]);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let out = within(Duration::from_secs(20), &mut cmd);
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    one_line_failure(&out, 2, "cannot be written here");
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
}

#[cfg(unix)]
#[test]
fn scan_against_a_bus_that_never_answers_fails_in_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sock = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
    // Accepts every connection and never says a word.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let address = format!("unix:path={}", sock.display());
    for args in [&["scan", "--seconds", "1"][..], &["record", "--seconds", "1", "--out", "x.apcap"]] {
        let start = Instant::now();
        let out = within(
            Duration::from_secs(30),
            bin().args(args).env("DBUS_SYSTEM_BUS_ADDRESS", &address).current_dir(dir.path()),
        );
        one_line_failure(&out, 1, "D-Bus");
        assert!(start.elapsed() < Duration::from_secs(15), "took {:?}", start.elapsed());
    }
    assert!(!dir.path().join("x.apcap").exists());
}
