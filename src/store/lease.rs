//! Who owns a live session, across processes: an owner lease is an
//! exclusive lock (`File::try_lock`) on a small file beside the database,
//! `<db>.owner-<token>`, held for as long as the recording process lives;
//! the OS drops the lock when the process ends, however it ends. A session
//! row records its owner's token; recovery closes an open session only when
//! its owner's lock is free (or its file gone), never one a live process
//! holds. The app lock (`<db>.app-lock`) is the same idea for "one app per
//! database": the second app finds it held and says so.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// An exclusive lock on a file; released (and the file removed) on drop.
#[derive(Debug)]
pub struct Lease {
    file: File,
    path: PathBuf,
    token: String,
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "anklepump".into());
    db.with_file_name(format!("{name}{suffix}"))
}

fn open_lock_file(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Io { path: path.to_owned(), source: e }
}

impl Lease {
    /// A fresh owner lease for this process on the database at `db`.
    pub fn owner(db: &Path) -> Result<Lease, StoreError> {
        let token = format!("{}-{:016x}", std::process::id(), rand::random::<u64>());
        let path = sibling(db, &format!(".owner-{token}"));
        let file = open_lock_file(&path).map_err(io(&path))?;
        file.try_lock().map_err(|e| match e {
            TryLockError::Error(e) => io(&path)(e),
            TryLockError::WouldBlock => io(&path)(std::io::Error::other("already locked")),
        })?;
        Ok(Lease { file, path, token })
    }

    /// The app lock of the database at `db`; `Ok(Err(held))` when another process holds it.
    pub fn app(db: &Path) -> Result<Result<Lease, AppHeld>, StoreError> {
        let path = sibling(db, ".app-lock");
        let mut file = open_lock_file(&path).map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                return Ok(Err(AppHeld { pid: pid.trim().parse().ok() }));
            }
            Err(TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
        file.set_len(0).map_err(io(&path))?;
        write!(file, "{}", std::process::id()).map_err(io(&path))?;
        Ok(Ok(Lease { file, path, token: String::new() }))
    }

    /// What the session rows of this owner record.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Remove first: a process that opens the file after this sees it gone, not free.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Another process holds the app lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppHeld {
    pub pid: Option<u32>,
}

/// Whether the owner `token` of the database at `db` still holds its lease.
/// A missing file or a free lock means the owner is gone (its stale file is removed).
pub(super) fn owner_alive(db: &Path, token: &str) -> bool {
    if token.is_empty() || token.contains(['/', '\\']) {
        return false;
    }
    let path = sibling(db, &format!(".owner-{token}"));
    let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else { return false };
    match file.try_lock() {
        Ok(()) => {
            let _ = std::fs::remove_file(&path);
            false
        }
        Err(TryLockError::WouldBlock) => true,
        // Cannot tell: treat as alive, so a live session is never closed by mistake.
        Err(TryLockError::Error(_)) => true,
    }
}
