//! What AnklePump leaves on disk: private modes (database, `-wal`/`-shm`,
//! exports, reports, the directories it makes), exports that refuse to
//! write through a link or onto something that is not a regular file, CSV
//! cells that cannot run as spreadsheet formulas, and a FHIR Patient that
//! is a different person in every database.

use std::path::Path;
use std::process::Command;

use anklepump::store::{parse_sessions_csv, Store};
use serde_json::Value;

use crate::support::{anklepump_db as anklepump, ok, trace};

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

fn import(db: &Path, name: &str, extra: &[&str]) {
    let p = trace(name);
    let mut args = vec!["import", p.to_str().expect("path"), "--side", "left", "--at", "2026-11-17T09:00:00+00:00"];
    args.extend_from_slice(extra);
    ok(&anklepump(db, &args));
}

#[cfg(unix)]
#[test]
fn the_database_its_journal_and_every_export_are_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("made/by/app/h.sqlite3");
    import(&db, "p01_lying_clean.apcap", &[]);
    // A store held open keeps the -wal and -shm files in place to look at.
    let store = Store::open(&db).expect("open");
    store.sessions(None).expect("read");
    for f in ["h.sqlite3", "h.sqlite3-wal", "h.sqlite3-shm"] {
        assert_eq!(mode(&dir.path().join("made/by/app").join(f)), 0o600, "{f}");
    }
    drop(store);
    for d in ["made", "made/by", "made/by/app"] {
        assert_eq!(mode(&dir.path().join(d)), 0o700, "{d}");
    }
    let csv = dir.path().join("out/csv");
    let fhir = dir.path().join("out2/bundle.json");
    ok(&anklepump(&db, &["export", "--csv", csv.to_str().expect("p"), "--fhir", fhir.to_str().expect("p")]));
    let svg = dir.path().join("w.svg");
    ok(&anklepump(&db, &["report", "--week", "2026-W47", "--out", svg.to_str().expect("p")]));
    for f in [csv.join("sessions.csv"), csv.join("reps.csv"), fhir.clone(), svg] {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    for d in [dir.path().join("out"), csv, dir.path().join("out2")] {
        assert_eq!(mode(&d), 0o700, "{}", d.display());
    }

    // A database an older build left world-readable is narrowed on the next open.
    let old = dir.path().join("old.sqlite3");
    std::fs::copy(&db, &old).expect("copy");
    std::fs::set_permissions(&old, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod");
    ok(&anklepump(&old, &["history"]));
    assert_eq!(mode(&old), 0o600);
}

#[cfg(unix)]
#[test]
fn exports_refuse_links_fifos_devices_and_directories_and_leave_them_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    import(&db, "p01_lying_clean.apcap", &[]);
    let planted = dir.path().join("planted.txt");
    std::fs::write(&planted, "the attacker's file").expect("write");
    let link = dir.path().join("bundle.json");
    std::os::unix::fs::symlink(&planted, &link).expect("symlink");
    let fifo = dir.path().join("fifo.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let folder = dir.path().join("folder.json");
    std::fs::create_dir(&folder).expect("dir");
    let mut targets =
        vec![(link.clone(), "symbolic link"), (fifo.clone(), "not a regular file"), (folder, "directory")];
    // A device node of our own (as /dev/null), where this user may make one.
    let dev = dir.path().join("null.json");
    if Command::new("mknod").arg(&dev).args(["c", "1", "3"]).status().is_ok_and(|s| s.success()) {
        targets.push((dev.clone(), "not a regular file"));
    }
    for (target, why) in &targets {
        let out = anklepump(&db, &["export", "--fhir", target.to_str().expect("p")]);
        assert_eq!(out.status.code(), Some(1), "{}", target.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(why) && err.contains(&*target.to_string_lossy()), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&planted).expect("read"), "the attacker's file");
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::metadata(&fifo).expect("fifo").file_type()));
    let svg_link = dir.path().join("w.svg");
    std::os::unix::fs::symlink(&planted, &svg_link).expect("symlink");
    let out = anklepump(&db, &["report", "--week", "2026-W47", "--out", svg_link.to_str().expect("p")]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
    assert_eq!(std::fs::read_to_string(&planted).expect("read"), "the attacker's file");
    let csv_dir = dir.path().join("csv");
    std::fs::create_dir(&csv_dir).expect("dir");
    std::os::unix::fs::symlink(&planted, csv_dir.join("reps.csv")).expect("symlink");
    let out = anklepump(&db, &["export", "--csv", csv_dir.to_str().expect("p")]);
    assert!(!out.status.success());
    assert!(!csv_dir.join("sessions.csv").exists(), "nothing written when one target is refused");
    let leftovers = std::fs::read_dir(dir.path()).expect("ls").filter_map(Result::ok);
    let partial: Vec<_> = leftovers.filter(|e| e.file_name().to_string_lossy().contains("partial")).collect();
    assert!(partial.is_empty(), "no temporary file left: {partial:?}");
}

#[test]
fn csv_cells_that_would_be_formulas_are_neutralised_and_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let capture = dir.path().join("evil.apcap");
    let text = std::fs::read_to_string(trace("p01_lying_clean.apcap")).expect("trace");
    let device = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let (first, rest) = text.split_once('\n').expect("lines");
    let rest: String = rest.lines().filter(|l| !l.starts_with("# device")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&capture, format!("{first}\n# device {device}\n{rest}")).expect("write");
    let notes = "-2+3 felt @fine";
    let p = capture.to_str().expect("p");
    let notes_arg = format!("--notes={notes}");
    ok(&anklepump(&db, &["import", p, "--side", "left", "--at", "2026-11-17T09:00:00+00:00", &notes_arg]));
    let out = dir.path().join("csv");
    ok(&anklepump(&db, &["export", "--csv", out.to_str().expect("p")]));
    let raw = std::fs::read_to_string(out.join("sessions.csv")).expect("csv");
    let row = raw.lines().nth(1).expect("a row");
    assert!(row.contains(",'-2+3 felt @fine,"), "{row}");
    assert!(row.contains("\"'=HYPERLINK("), "{row}");
    for cell in raw.lines().skip(1).flat_map(|l| l.split(',')) {
        let cell = cell.trim_start_matches('"');
        assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "a formula cell: {cell:?} in {row}");
    }
    let back = parse_sessions_csv(&raw).expect("parse");
    assert_eq!((back[0].notes.as_str(), back[0].sensor_id.as_deref()), (notes, Some(device)));
    assert_eq!(back[0].start_offset_s, 0);
    let reps = std::fs::read_to_string(out.join("reps.csv")).expect("reps");
    for cell in reps.lines().skip(1).flat_map(|l| l.split(',')) {
        assert!(cell.parse::<f64>().is_ok(), "numbers stay numbers: {cell:?}");
    }
}

fn bundle(db: &Path, file: &Path) -> Value {
    ok(&anklepump(db, &["export", "--fhir", file.to_str().expect("p")]));
    serde_json::from_str(&std::fs::read_to_string(file).expect("bundle")).expect("JSON")
}

fn urls(b: &Value) -> Vec<String> {
    let entries = b["entry"].as_array().expect("entries");
    entries.iter().map(|e| e["fullUrl"].as_str().expect("url").to_string()).collect()
}

#[test]
fn two_databases_are_two_patients_with_distinct_observations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
    import(&a, "p01_lying_clean.apcap", &[]);
    import(&b, "p01_lying_clean.apcap", &[]);
    let (ua, ub) = (urls(&bundle(&a, &dir.path().join("a.json"))), urls(&bundle(&b, &dir.path().join("b.json"))));
    assert_ne!(ua[0], ub[0], "two installs, two Patient ids");
    assert!(ua.iter().all(|u| !ub.contains(u)), "no Observation id is shared across installs");
    let again = urls(&bundle(&a, &dir.path().join("a2.json")));
    assert_eq!(ua, again, "the same database exports the same ids");
}
