//! The database schema as its history of migrations (rusqlite_migration,
//! versioned by `PRAGMA user_version`). Never edit a released migration:
//! add a new one, and a test that migrates data up from every earlier
//! version (`tests/integration/store.rs`).

use rusqlite_migration::{Migrations, M};

/// `PRAGMA application_id` of AnklePump databases ("ANKP").
pub(super) const APPLICATION_ID: i32 = 0x414E_4B50;

/// v1: sensors, the plan, sessions and reps.
const V1: &str = "
CREATE TABLE sensors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    firmware TEXT,
    last_seen_utc_ms INTEGER,
    battery_pct INTEGER CHECK (battery_pct BETWEEN 0 AND 100)
);
CREATE TABLE plan (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    preset TEXT NOT NULL,
    sides TEXT NOT NULL,
    reps_per_session INTEGER NOT NULL,
    hold_s REAL NOT NULL,
    sessions_min INTEGER NOT NULL,
    sessions_max INTEGER NOT NULL,
    reminders TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    start_utc_ms INTEGER NOT NULL,
    start_offset_s INTEGER NOT NULL,
    end_utc_ms INTEGER,
    end_offset_s INTEGER,
    side TEXT NOT NULL CHECK (side IN ('left', 'right')),
    preset TEXT NOT NULL,
    planned_reps INTEGER NOT NULL,
    hold_s REAL NOT NULL,
    status TEXT NOT NULL,
    pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
    pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
    notes TEXT NOT NULL DEFAULT '',
    capture_file TEXT
);
CREATE TABLE reps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    peak_dorsi_deg REAL NOT NULL,
    peak_plantar_deg REAL NOT NULL,
    rom_deg REAL NOT NULL,
    hold_dorsi_s REAL NOT NULL,
    hold_plantar_s REAL NOT NULL,
    detected_s REAL NOT NULL,
    PRIMARY KEY (session_id, idx)
);
";

/// v2: the rep count kept on the session (weekly queries stay fast with a
/// year of data), which sensor recorded it, and an index by start time.
const V2: &str = "
ALTER TABLE sessions ADD COLUMN done_reps INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET done_reps = (SELECT COUNT(*) FROM reps WHERE reps.session_id = sessions.id);
ALTER TABLE sessions ADD COLUMN sensor_id TEXT;
CREATE INDEX sessions_by_start ON sessions(start_utc_ms);
CREATE INDEX sessions_open ON sessions(status) WHERE status = 'open';
";

/// v3: the owner of an open session (the token of its recording process's
/// lease, `store::lease`), so recovery never closes a live one.
const V3: &str = "ALTER TABLE sessions ADD COLUMN owner TEXT;";

/// v4: settings as keys and values (quiet hours, the waking day, automatic backups).
const V4: &str = "
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
";

/// v5: the SHA-256 of an imported session's capture, unique (the same
/// capture is stored once), and the install's random FHIR Patient id.
const V5: &str = "
ALTER TABLE sessions ADD COLUMN capture_sha256 TEXT;
CREATE UNIQUE INDEX sessions_by_capture ON sessions(capture_sha256) WHERE capture_sha256 IS NOT NULL;
CREATE TABLE install (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    patient_uuid TEXT NOT NULL
);
INSERT INTO install (id, patient_uuid)
SELECT 1, substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
    || substr('89ab', 1 + abs(random() % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12)
FROM (SELECT lower(hex(randomblob(16))) AS h);
";

const MIGRATIONS: &[M<'static>] = &[M::up(V1), M::up(V2), M::up(V3), M::up(V4), M::up(V5)];

/// Every migration, oldest first.
pub(super) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build writes.
pub(super) const LATEST: usize = MIGRATIONS.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }
}
