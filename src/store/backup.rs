//! Backups and restore: SQLite's online backup (rusqlite `backup`), so a
//! copy is consistent even while a session is being recorded; a restore
//! checks the file before touching the current database, keeps the current
//! one beside it, then copies the backup in (also with the online backup,
//! so a running app sees the restored history) and migrates it. Automatic
//! daily backups go to the folder in the settings, keeping the last N.
//! Every file written here is 0600 (health data).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{files, inspect, schema, Existing, Store, StoreError};

/// What a good backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub schema_version: usize,
    pub sessions: u64,
}

/// A finished restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Where the database it replaced was kept (None: there was none).
    pub kept: Option<PathBuf>,
    pub info: BackupInfo,
}

/// Automatic backups are named `anklepump-<stamp>.sqlite3`.
const PREFIX: &str = "anklepump-";
const SUFFIX: &str = ".sqlite3";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_owned(), source }
}

/// Creates a new empty file only its owner may read and write (`files`); one
/// already there is an error, never written through.
fn create_private(path: &Path) -> Result<(), StoreError> {
    if files::create_private_file(path)? {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("{} exists already; not written", path.display())))
    }
}

/// Copies every page in one step (one read snapshot), retrying while the destination is busy.
fn copy_all(from: &Connection, to: &mut Connection) -> Result<(), StoreError> {
    let b = Backup::new(from, to)?;
    for _ in 0..200 {
        match b.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => std::thread::sleep(Duration::from_millis(25)),
            _ => std::thread::sleep(Duration::from_millis(25)),
        }
    }
    Err(StoreError::Db("the database stayed busy; backup not made".into()))
}

/// Reads a file without changing it: an AnklePump database in good order?
pub fn check_backup(path: &Path) -> Result<BackupInfo, StoreError> {
    std::fs::metadata(path).map_err(io(path))?;
    match inspect(path)? {
        Existing::Fresh => {
            return Err(StoreError::Invalid(format!("{}: empty, not an AnklePump database", path.display())))
        }
        Existing::Ours => {}
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    let damaged = |e: rusqlite::Error| StoreError::Corrupt(format!("{}: {e}; not restored", path.display()));
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(damaged)?;
    if check != "ok" {
        let check = check.lines().map(str::trim).filter(|l| !l.starts_with("***")).collect::<Vec<_>>().join("; ");
        return Err(StoreError::Corrupt(format!("{}: fails SQLite's integrity check ({check})", path.display())));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(damaged)?;
    let sessions: i64 = conn.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0)).map_err(damaged)?;
    Ok(BackupInfo {
        schema_version: usize::try_from(version).unwrap_or(0),
        sessions: u64::try_from(sessions).unwrap_or(0),
    })
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "anklepump".into());
    path.with_file_name(format!("{name}{suffix}"))
}

/// Replaces the database at `current` with the backup `from`, after checking
/// it; the database it replaces is kept as `<current>.before-restore-<stamp>`.
/// A refused file leaves `current` untouched.
pub fn restore(current: &Path, from: &Path, stamp: &str) -> Result<Restored, StoreError> {
    let info = check_backup(from)?;
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if same(current, from) {
        return Err(StoreError::Invalid(format!("{} is the current database itself", from.display())));
    }
    let had_one = std::fs::metadata(current).is_ok_and(|m| m.len() > 0);
    let kept = had_one.then(|| sibling(current, &format!(".before-restore-{stamp}")));
    let mut store = match (&kept, Store::open(current)) {
        (Some(k), Ok(s)) => {
            s.backup_to(k)?;
            s
        }
        (Some(k), Err(_)) => {
            // Not a database we can open: keep its bytes and start afresh.
            create_private(k)?;
            std::fs::copy(current, k).map_err(io(current))?;
            std::fs::remove_file(current).map_err(io(current))?;
            Store::open(current)?
        }
        (None, res) => res?,
    };
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    copy_all(&src, &mut store.conn)?;
    schema::migrations().to_latest(&mut store.conn)?;
    Ok(Restored { kept, info })
}

impl Store {
    /// Writes a consistent copy of the database to `out` (0600), through a
    /// temporary file beside it, as one self-contained file (no WAL).
    pub fn backup_to(&self, out: &Path) -> Result<(), StoreError> {
        files::check_target(out)?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::create_private_dir_all(dir)?;
        }
        let tmp = sibling(out, &format!(".partial-{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        create_private(&tmp)?;
        let res = (|| {
            let mut dst = Connection::open(&tmp)?;
            copy_all(&self.conn, &mut dst)?;
            let _: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
            drop(dst);
            std::fs::rename(&tmp, out).map_err(io(out))
        })();
        if res.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        res
    }

    /// A backup into the settings' folder now, keeping the last N; None without a folder.
    pub fn backup_now(&mut self, now: DateTime<Utc>, stamp: &str) -> Result<Option<PathBuf>, StoreError> {
        let s = self.backup_settings()?;
        let Some(dir) = s.dir else { return Ok(None) };
        let out = dir.join(format!("{PREFIX}{stamp}{SUFFIX}"));
        self.backup_to(&out)?;
        self.set_last_backup(now)?;
        for old in list_backups(&dir)?.into_iter().skip(s.keep as usize) {
            std::fs::remove_file(&old).map_err(io(&old))?;
        }
        Ok(Some(out))
    }

    /// The daily automatic backup, when a folder is set and the last one is a day old.
    pub fn auto_backup(&mut self, now: DateTime<Utc>, stamp: &str) -> Result<Option<PathBuf>, StoreError> {
        let last = self.backup_settings()?.last_utc;
        if last.is_some_and(|l| now - l < chrono::Duration::hours(24) && l <= now) {
            return Ok(None);
        }
        self.backup_now(now, stamp)
    }
}

/// The automatic backups in `dir`, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        r => r.map_err(io(dir))?,
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX) && !n.contains(".partial-"))
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    Ok(names.into_iter().map(|n| dir.join(n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_backups_are_daily_0600_and_keep_the_last_n() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("a.sqlite3")).expect("open");
        let folder = dir.path().join("synced");
        let t0: DateTime<Utc> = "2026-11-20T08:00:00Z".parse().expect("time");
        assert_eq!(store.auto_backup(t0, "x").expect("no folder"), None);
        store.set_backup_dir(Some(&folder)).expect("dir");
        store.set_backup_keep(2).expect("keep");
        for day in 0..4 {
            let now = t0 + chrono::Duration::days(day);
            let made = store.auto_backup(now, &format!("2026-11-2{day}_080000")).expect("backup");
            assert!(made.is_some(), "day {day}");
            let again = store.auto_backup(now + chrono::Duration::hours(3), "later").expect("backup");
            assert_eq!(again, None, "once a day");
        }
        let kept = list_backups(&folder).expect("list");
        let names: Vec<_> = kept.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["anklepump-2026-11-23_080000.sqlite3", "anklepump-2026-11-22_080000.sqlite3"]);
        assert_eq!(store.backup_settings().expect("s").last_utc, Some(t0 + chrono::Duration::days(3)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&kept[0]).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(check_backup(&kept[0]).expect("good").schema_version, Store::latest_schema_version());
    }
}
