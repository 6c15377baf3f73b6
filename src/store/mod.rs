//! Storage adapter: the session history in SQLite (rusqlite, bundled). This
//! is the only module that imports rusqlite, rusqlite_migration and
//! directories. Nothing here reads the clock: every instant is an argument.
//!
//! # API
//!
//! Opening:
//! - [`Store::open`]`(path)` — creates the file (and its directory) if
//!   missing, WAL, foreign keys on, a busy timeout, then migrates to the
//!   latest schema. A file that is not SQLite, a SQLite database that is not
//!   ours, or a schema newer than this build fails with a one-line
//!   [`StoreError`] and the file is left byte-for-byte untouched.
//! - [`Store::default_path`]`()` — the platform data dir
//!   (`ProjectDirs::from("org", "AnklePump", "anklepump")`) + `anklepump.sqlite3`.
//!
//! Recording a live session (each call is its own transaction, so whatever
//! was committed survives a crash or kill):
//! - [`Store::recover_interrupted`]`() -> Vec<SessionId>` — sessions left
//!   `open` by an owner that is gone become `interrupted`, keeping their reps;
//!   their end is the end of their last rep. A session whose owner process
//!   still holds its lease (`lease`) is never touched.
//! - [`Store::begin_session`]`(&NewSession) -> SessionId`
//! - [`Store::add_rep`]`(id, &Rep) -> u32` — the rep's 1-based index.
//! - [`Store::end_session`]`(id, &EndSession)`
//! - [`Store::import_session`]`(&NewSession, &[Rep], &EndSession)` — all or nothing.
//!
//! Reading: [`Store::session`], [`Store::sessions`] (by UTC range),
//! [`Store::sessions_on_dates`] / [`Store::sessions_in_week`] (by local
//! date), [`Store::reps`], [`Store::find_import`] (re-import guard),
//! [`Store::week_report`] (adherence, streak and per-foot progress for the
//! weekly screen and chart).
//!
//! Settings: [`Store::plan`] / [`Store::set_plan`]; sensors:
//! [`Store::upsert_sensor`], [`Store::forget_sensor`], [`Store::sensors`].
//!
//! Exports (written to a temporary file, then renamed): [`Store::export_csv`]
//! (`sessions.csv`, `reps.csv`) and [`Store::export_fhir`] (a FHIR R4 Bundle).
//!
//! Concurrency: every write is an IMMEDIATE transaction behind a busy
//! timeout, so two writers serialise instead of failing "database is
//! locked". Each recording process holds an owner lease (`lease`); its open
//! sessions are safe from every other process's recovery.

mod csv;
mod fhir;
pub mod lease;
mod queries;
mod schema;
mod sessions;
mod settings;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::plan::PlanError;

pub use csv::{parse_reps_csv, parse_sessions_csv, CsvRep, ExportSummary};
pub use fhir::fhir_bundle;
pub use sessions::{EndSession, NewSession, SessionRecord};
pub use settings::SensorRecord;

/// Database file name inside the data directory.
pub const DB_FILE: &str = "anklepump.sqlite3";

/// A stored session's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub i64);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Everything that can go wrong at the storage boundary.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{0}: not a SQLite database (left untouched)")]
    NotADatabase(PathBuf),
    #[error("{0}: a SQLite database that is not AnklePump's (left untouched)")]
    Foreign(PathBuf),
    #[error("{path}: written by a newer AnklePump (schema v{found}, this build knows v{supported}); left untouched")]
    TooNew { path: PathBuf, found: usize, supported: usize },
    #[error("this platform has no data directory; pass --db PATH")]
    NoDataDir,
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database error: {0}")]
    Db(String),
    #[error("no session {0}")]
    NoSession(SessionId),
    #[error("session {0} is already closed")]
    Closed(SessionId),
    #[error("invalid plan: {0}")]
    Plan(#[from] PlanError),
    #[error("invalid value: {0}")]
    Invalid(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("another AnklePump app{} is already running on {}: use that one, or close it first", .pid.map(|p| format!(" (process {p})")).unwrap_or_default(), .path.display())]
    AnotherApp { path: PathBuf, pid: Option<u32> },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        StoreError::Db(format!("migration: {e}"))
    }
}

/// The session history.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// This process's owner lease, taken when it first begins a session (`lease`).
    lease: Option<lease::Lease>,
}

/// What a read-only look at an existing file found.
enum Existing {
    /// Missing or empty: a new database.
    Fresh,
    Ours,
}

fn inspect(path: &Path) -> Result<Existing, StoreError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Fresh),
        Err(e) => return Err(StoreError::Io { path: path.to_owned(), source: e }),
        Ok(m) if m.is_dir() => {
            let source = std::io::Error::other("is a directory, not a database file");
            return Err(StoreError::Io { path: path.to_owned(), source });
        }
        Ok(m) if m.len() == 0 => return Ok(Existing::Fresh),
        Ok(_) => {}
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let not_db = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase(path.to_owned()),
        _ => StoreError::from(e),
    };
    let conn = Connection::open_with_flags(path, flags).map_err(not_db)?;
    let tables: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0)).map_err(not_db)?;
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(not_db)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(not_db)?;
    if tables == 0 && app_id == 0 && version == 0 {
        return Ok(Existing::Fresh);
    }
    if app_id != schema::APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_owned()));
    }
    let found = usize::try_from(version).unwrap_or(usize::MAX);
    if found > schema::LATEST {
        return Err(StoreError::TooNew { path: path.to_owned(), found, supported: schema::LATEST });
    }
    Ok(Existing::Ours)
}

impl Store {
    /// The default database path in the platform's data directory.
    pub fn default_path() -> Result<PathBuf, StoreError> {
        let dirs = directories::ProjectDirs::from("org", "AnklePump", "anklepump").ok_or(StoreError::NoDataDir)?;
        Ok(dirs.data_dir().join(DB_FILE))
    }

    /// Opens (creating if missing) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_at_version(path, schema::LATEST)
    }

    /// Opens the database migrated only up to `version` (for migration tests;
    /// the app always uses [`Store::open`]).
    #[doc(hidden)]
    pub fn open_at_version(path: &Path, version: usize) -> Result<Store, StoreError> {
        let existing = inspect(path)?;
        if matches!(existing, Existing::Fresh) {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Io { path: dir.to_owned(), source: e })?;
            }
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            tracing::warn!("database journal mode is {mode}, not WAL");
        }
        if matches!(existing, Existing::Fresh) {
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
        }
        // Two processes opening a new file at once race to migrate it; the
        // loser sees a busy snapshot or an existing table: retry, and find
        // the work done.
        let mut attempt = 0;
        while let Err(e) = schema::migrations().to_version(&mut conn, version) {
            attempt += 1;
            if attempt > 20 {
                return Err(e.into());
            }
            tracing::debug!("migration attempt {attempt} failed ({e}); retrying");
            std::thread::sleep(Duration::from_millis(25));
        }
        Ok(Store { conn, path: path.to_owned(), lease: None })
    }

    /// Where this database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        let v: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok(usize::try_from(v).unwrap_or(0))
    }

    /// The latest schema version this build knows.
    pub fn latest_schema_version() -> usize {
        schema::LATEST
    }

    /// Runs raw SQL (for migration tests that must write old-schema rows).
    #[doc(hidden)]
    pub fn execute_batch_for_tests(&self, sql: &str) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch(sql)?)
    }
}

#[cfg(test)]
mod tests;
