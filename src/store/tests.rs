//! Unit tests of the store: opening foreign files, migrations from every
//! earlier schema, the recorder and crash recovery.

use chrono::{DateTime, Utc};

use super::*;
use crate::core::plan::{Plan, Preset, SessionStatus, Sides};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
}

fn rep(i: u32) -> Rep {
    let f = f64::from(i);
    Rep {
        start_s: 4.0 + 10.0 * f,
        end_s: 12.5 + 10.0 * f,
        peak_dorsi_deg: 10.0 + f,
        peak_plantar_deg: 20.25 + f,
        rom_deg: 30.25 + 2.0 * f,
        hold_dorsi_s: 3.125,
        hold_plantar_s: 2.5,
        detected_s: 12.75 + 10.0 * f,
    }
}

fn new_session(start: &str, side: Side) -> NewSession {
    NewSession {
        start_utc: utc(start),
        utc_offset_s: 3600,
        side,
        preset: Preset::General,
        planned_reps: 3,
        hold_s: 3.0,
        pain_before: Some(2),
        capture_file: None,
        sensor_id: Some("AA:BB".into()),
    }
}

fn end(at: &str, status: SessionStatus) -> EndSession {
    EndSession { end_utc: utc(at), utc_offset_s: 3600, status, pain_after: Some(1), notes: "fine, \"easy\"".into() }
}

#[test]
fn a_new_database_is_created_at_the_latest_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/dir/a.sqlite3");
    let store = Store::open(&path).expect("open");
    assert_eq!(store.schema_version().expect("version"), Store::latest_schema_version());
    assert!(path.exists());
    let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    drop(store);
    assert!(Store::open(&path).is_ok(), "reopening our own database works");
}

fn assert_untouched(path: &std::path::Path, err: StoreError, before: &[u8]) -> String {
    assert_eq!(std::fs::read(path).expect("read"), before, "file must be left byte-for-byte untouched");
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "one-line message: {msg}");
    msg
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.sqlite3");
    let text = "these are my notes, not a database\n".repeat(40);
    std::fs::write(&path, &text).expect("write");
    let Err(e) = Store::open(&path) else { panic!("must refuse") };
    assert!(matches!(e, StoreError::NotADatabase(_)));
    let msg = assert_untouched(&path, e, text.as_bytes());
    assert!(msg.contains("not a SQLite database"), "{msg}");
}

#[test]
fn a_foreign_sqlite_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).expect("create");
        c.execute_batch(
            "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup'); PRAGMA user_version = 1;",
        )
        .expect("sql");
    }
    let before = std::fs::read(&path).expect("read");
    let Err(e) = Store::open(&path) else { panic!("must refuse") };
    assert!(matches!(e, StoreError::Foreign(_)), "{e}");
    assert_untouched(&path, e, &before);
}

#[test]
fn a_newer_schema_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("future.sqlite3");
    let store = Store::open(&path).expect("open");
    let future = Store::latest_schema_version() + 1;
    store
        .execute_batch_for_tests(&format!("PRAGMA user_version = {future}; PRAGMA wal_checkpoint(TRUNCATE);"))
        .expect("sql");
    store.execute_batch_for_tests("PRAGMA journal_mode = DELETE").expect("sql");
    drop(store);
    let before = std::fs::read(&path).expect("read");
    let Err(e) = Store::open(&path) else { panic!("must refuse") };
    assert!(matches!(e, StoreError::TooNew { found, .. } if found == future), "{e}");
    assert_untouched(&path, e, &before);
}

/// Rows written with the v1 schema (no done_reps, no sensor_id).
const V1_DATA: &str = "
INSERT INTO plan VALUES (1, 'post-op', 'both', 25, 5.0, 3, 4, '08:00,20:00');
INSERT INTO sensors VALUES ('AA:BB', 'APS-36C0', '1.4.0', 1763700000000, 80);
INSERT INTO sessions (id, start_utc_ms, start_offset_s, end_utc_ms, end_offset_s, side, preset, planned_reps, hold_s,
    status, pain_before, pain_after, notes, capture_file)
    VALUES (7, 1763712000000, -18000, 1763712300000, -18000, 'right', 'post-op', 2, 5.0, 'completed', 3, 2, 'ok', 'a.apcap');
INSERT INTO reps VALUES (7, 1, 1.0, 9.0, 10.0, 20.0, 30.0, 3.0, 3.5, 9.2);
INSERT INTO reps VALUES (7, 2, 10.0, 19.0, 12.0, 22.0, 34.0, 3.0, 3.5, 19.2);
";

/// Rows written with the v2 schema (no session owner), one session left open.
const V2_DATA: &str = "
INSERT INTO plan VALUES (1, 'post-op', 'both', 25, 5.0, 3, 4, '08:00,20:00');
INSERT INTO sensors VALUES ('AA:BB', 'APS-36C0', '1.4.0', 1763700000000, 80);
INSERT INTO sessions (id, start_utc_ms, start_offset_s, end_utc_ms, end_offset_s, side, preset, planned_reps, hold_s,
    status, pain_before, pain_after, notes, capture_file, done_reps, sensor_id)
    VALUES (7, 1763712000000, -18000, 1763712300000, -18000, 'right', 'post-op', 2, 5.0, 'completed', 3, 2, 'ok',
        'a.apcap', 2, 'AA:BB'),
    (8, 1763800000000, -18000, NULL, NULL, 'right', 'post-op', 2, 5.0, 'open', NULL, NULL, '', NULL, 1, 'AA:BB');
INSERT INTO reps VALUES (7, 1, 1.0, 9.0, 10.0, 20.0, 30.0, 3.0, 3.5, 9.2);
INSERT INTO reps VALUES (7, 2, 10.0, 19.0, 12.0, 22.0, 34.0, 3.0, 3.5, 19.2);
INSERT INTO reps VALUES (8, 1, 1.0, 9.0, 10.0, 20.0, 30.0, 3.0, 3.5, 9.2);
";

#[test]
fn every_earlier_schema_migrates_up_keeping_its_data() {
    let versions: Vec<(usize, &str)> = vec![(1, V1_DATA), (2, V2_DATA)];
    assert_eq!(versions.len(), Store::latest_schema_version() - 1, "add a case for each new schema version");
    for (version, data) in versions {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.sqlite3");
        let old = Store::open_at_version(&path, version).expect("old schema");
        assert_eq!(old.schema_version().expect("v"), version);
        old.execute_batch_for_tests(data).expect("old rows");
        drop(old);
        let store = Store::open(&path).expect("migrate");
        assert_eq!(store.schema_version().expect("v"), Store::latest_schema_version());
        let plan = store.plan().expect("plan");
        assert_eq!((plan.preset, plan.sides, plan.reps_per_session), (Preset::PostOp, Sides::Both, 25));
        let s = store.session(SessionId(7)).expect("query").expect("session kept");
        assert_eq!((s.side, s.done_reps, s.status), (Side::Right, 2, SessionStatus::Completed));
        assert_eq!(s.local_date.to_string(), "2025-11-21", "offset kept: 06:00 UTC is 01:00 in New York");
        assert_eq!(s.stats.expect("stats").best_rom_deg, 34.0);
        assert_eq!(store.reps(SessionId(7)).expect("reps").len(), 2);
        assert_eq!(store.sensors().expect("sensors")[0].battery_pct, Some(80));
        if version == 2 {
            let mut store = store;
            assert_eq!(store.recover_interrupted().expect("recover"), vec![SessionId(8)], "no owner: recovered");
        }
    }
}

#[test]
fn a_session_whose_owner_holds_its_lease_is_never_recovered_by_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.sqlite3");
    let mut owner = Store::open(&path).expect("open");
    let id = owner.begin_session(&new_session("2026-11-16T08:00:00Z", Side::Left)).expect("begin");
    owner.add_rep(id, &rep(0)).expect("rep");
    let mut other = Store::open(&path).expect("a second connection, as another process would");
    assert!(other.recover_interrupted().expect("recover").is_empty(), "the owner is alive");
    assert_eq!(other.live_sessions().expect("live"), vec![id]);
    owner.add_rep(id, &rep(1)).expect("the owner goes on");
    drop(owner);
    assert_eq!(other.recover_interrupted().expect("recover"), vec![id], "the owner is gone");
    let s = other.session(id).expect("q").expect("s");
    assert_eq!((s.status, s.done_reps), (SessionStatus::Interrupted, 2));
}

#[test]
fn reps_are_committed_one_by_one_and_sessions_close_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("a.sqlite3")).expect("open");
    let id = store.begin_session(&new_session("2026-11-16T08:00:00Z", Side::Left)).expect("begin");
    assert_eq!(store.add_rep(id, &rep(0)).expect("rep"), 1);
    assert_eq!(store.add_rep(id, &rep(1)).expect("rep"), 2);
    let open = store.session(id).expect("q").expect("s");
    assert_eq!((open.status, open.done_reps), (SessionStatus::Open, 2));
    store.end_session(id, &end("2026-11-16T08:05:00Z", SessionStatus::StoppedForPain)).expect("end");
    assert!(matches!(store.add_rep(id, &rep(2)), Err(StoreError::Closed(_))));
    assert!(matches!(
        store.end_session(id, &end("2026-11-16T08:06:00Z", SessionStatus::Completed)),
        Err(StoreError::Closed(_))
    ));
    assert!(matches!(store.add_rep(SessionId(999), &rep(0)), Err(StoreError::NoSession(_))));
    let s = store.session(id).expect("q").expect("s");
    assert_eq!(s.status, SessionStatus::StoppedForPain);
    assert_eq!((s.pain_before, s.pain_after), (Some(2), Some(1)));
    assert_eq!(store.reps(id).expect("reps"), vec![rep(0), rep(1)], "every field of every rep is kept");
}

#[test]
fn bad_values_are_refused_without_storing_anything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("a.sqlite3")).expect("open");
    let mut s = new_session("2026-11-16T08:00:00Z", Side::Left);
    s.pain_before = Some(11);
    assert!(matches!(store.begin_session(&s), Err(StoreError::Invalid(_))));
    let s = new_session("2026-11-16T08:00:00Z", Side::Left);
    let bad = Rep { rom_deg: f64::NAN, ..rep(1) };
    let r = store.import_session(&s, &[rep(0), bad], &end("2026-11-16T08:05:00Z", SessionStatus::Completed));
    assert!(r.is_err());
    assert!(store.sessions(None).expect("q").is_empty(), "a failed import stores nothing");
}

#[test]
fn open_sessions_are_recovered_as_interrupted_with_their_reps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.sqlite3");
    let (open_id, done_id) = {
        let mut store = Store::open(&path).expect("open");
        let done = store
            .import_session(
                &new_session("2026-11-15T08:00:00Z", Side::Left),
                &[rep(0)],
                &end("2026-11-15T08:02:00Z", SessionStatus::Stopped),
            )
            .expect("import");
        let id = store.begin_session(&new_session("2026-11-16T08:00:00Z", Side::Left)).expect("begin");
        for i in 0..3 {
            store.add_rep(id, &rep(i)).expect("rep");
        }
        (id, done)
    };
    let mut store = Store::open(&path).expect("reopen");
    assert_eq!(store.recover_interrupted().expect("recover"), vec![open_id]);
    assert!(store.recover_interrupted().expect("again").is_empty());
    let s = store.session(open_id).expect("q").expect("s");
    assert_eq!((s.status, s.done_reps), (SessionStatus::Interrupted, 3));
    assert_eq!(s.end_utc, Some(utc("2026-11-16T08:00:32.500Z")), "ends with its last rep");
    assert_eq!(store.reps(open_id).expect("reps").len(), 3);
    assert_eq!(store.session(done_id).expect("q").expect("s").status, SessionStatus::Stopped);
}

#[test]
fn plan_and_sensors_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("a.sqlite3")).expect("open");
    assert_eq!(store.plan().expect("plan"), Plan::default());
    let plan = Plan::from_preset(Preset::PostOp, Sides::Both);
    store.set_plan(&plan).expect("set");
    assert_eq!(store.plan().expect("plan"), plan);
    let bad = Plan { reps_per_session: 500, ..plan.clone() };
    assert!(matches!(store.set_plan(&bad), Err(StoreError::Plan(_))));
    assert_eq!(store.plan().expect("plan"), plan, "a refused plan changes nothing");
    let sensor = SensorRecord {
        id: "AA:BB".into(),
        name: "APS-36C0".into(),
        firmware: Some("1.4.0".into()),
        last_seen_utc: Some(utc("2026-11-16T08:00:00Z")),
        battery_pct: Some(90),
    };
    store.upsert_sensor(&sensor).expect("upsert");
    let seen_again = SensorRecord { battery_pct: Some(85), firmware: None, ..sensor.clone() };
    store.upsert_sensor(&seen_again).expect("upsert");
    let listed = store.sensors().expect("list");
    assert_eq!(listed, vec![SensorRecord { battery_pct: Some(85), ..sensor }]);
    assert!(store.forget_sensor("AA:BB").expect("forget"));
    assert!(!store.forget_sensor("AA:BB").expect("forget"));
    assert!(store.sensors().expect("list").is_empty());
}
