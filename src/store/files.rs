//! Private files: everything AnklePump writes that holds health data — the
//! database and its `-wal`/`-shm`, backups, exports, reports — is created
//! readable by its owner only (0600 on Unix; directories the app creates
//! 0700), and written whole or not at all.
//!
//! - [`create_private_dir_all`] — a directory (and missing parents) 0700.
//! - [`create_private_file`] — an empty file 0600 if missing (SQLite then
//!   gives `-wal`/`-shm` the main file's mode).
//! - [`make_private`] — an existing file narrowed to 0600.
//! - [`write_private`] — bytes to a path through an unpredictable temporary
//!   file in the same directory (created exclusively, 0600, never following
//!   a link: `tempfile`), synced, then renamed over the target. A target that
//!   exists and is not a regular file (a directory, FIFO, device or symbolic
//!   link) is refused and left as it is.
//!
//! Elsewhere than Unix the modes are the platform's defaults (on Windows, the
//! user's profile directory is already private to the user).

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file operation that failed, naming the path and the cause.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}: {1}; nothing written")]
    NotRegular(PathBuf, &'static str),
    #[error("{path}: {}", describe(source))]
    Io { path: PathBuf, source: std::io::Error },
}

/// An I/O error in words a patient can act on.
pub(crate) fn describe(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(28) if cfg!(unix) => "the disk is full (no space left on the device)".into(),
        Some(30) if cfg!(unix) => "the file system is read-only".into(),
        _ if e.kind() == std::io::ErrorKind::PermissionDenied => format!("permission denied ({e})"),
        _ => e.to_string(),
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> FileError + '_ {
    move |source| FileError::Io { path: path.to_owned(), source }
}

/// Creates `dir` and its missing parents, each new one 0700.
pub fn create_private_dir_all(dir: &Path) -> Result<(), FileError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(io(dir))
}

/// Creates an empty file 0600 unless one exists; true when it was created.
pub fn create_private_file(path: &Path) -> Result<bool, FileError> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io(path)(e)),
    }
}

/// Narrows an existing regular file to 0600 (a missing one is left missing).
pub fn make_private(path: &Path) -> Result<(), FileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() && m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(path)(e)),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Refuses a target that exists and is not a regular file.
pub fn check_target(path: &Path) -> Result<(), FileError> {
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(path)(e)),
    };
    let t = m.file_type();
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_symlink() {
        "is a symbolic link, refusing to write through it"
    } else if t.is_dir() {
        "is a directory, not a file"
    } else {
        "is not a regular file (a device, FIFO or socket)"
    };
    Err(FileError::NotRegular(path.to_owned(), what))
}

/// Writes `bytes` to `path` whole or not at all, 0600 (see the module docs).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    check_target(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp =
        tempfile::Builder::new().prefix(".anklepump-").suffix(".partial").tempfile_in(dir).map_err(io(dir))?;
    tmp.write_all(bytes).map_err(io(path))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    // Checked again just before the rename, so a target swapped meanwhile is not replaced.
    check_target(path)?;
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn written_files_are_whole_and_private_and_links_are_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let target = dir.path().join("sub/deeper/out.csv");
        create_private_dir_all(target.parent().expect("parent")).expect("dirs");
        write_private(&target, b"a,b\n").expect("write");
        write_private(&target, b"c,d\n").expect("overwrite");
        assert_eq!(std::fs::read(&target).expect("read"), b"c,d\n");
        #[cfg(unix)]
        {
            assert_eq!(mode(&target), 0o600);
            assert_eq!(mode(&dir.path().join("sub")), 0o700);
            assert_eq!(mode(&dir.path().join("sub/deeper")), 0o700);
            let elsewhere = dir.path().join("elsewhere");
            std::fs::write(&elsewhere, b"keep").expect("write");
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
            let err = write_private(&link, b"health data").expect_err("refused").to_string();
            assert!(err.contains("symbolic link"), "{err}");
            assert_eq!(std::fs::read(&elsewhere).expect("read"), b"keep");
        }
        let err = write_private(dir.path(), b"x").expect_err("a directory").to_string();
        assert!(err.contains("is a directory"), "{err}");
        let left: Vec<_> = std::fs::read_dir(target.parent().expect("p")).expect("ls").collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }
}
