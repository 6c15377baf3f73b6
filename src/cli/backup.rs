//! `anklepump backup --out FILE` (a consistent copy, even while a session
//! records) and `anklepump restore FILE` (checked first; the current
//! database is kept beside it; anything else is refused in one line and the
//! current database is left byte-identical).

use std::path::Path;

use super::Fail;
use crate::store::{restore, Store};

fn db_path(db: Option<&Path>) -> Result<std::path::PathBuf, Fail> {
    match db {
        Some(p) => Ok(p.to_owned()),
        None => Store::default_path().map_err(|e| Fail::new(e.to_string(), 2)),
    }
}

pub(super) fn backup(db: Option<&Path>, out: &Path) -> Result<(), Fail> {
    (|| {
        // Not `open`: a session another process is recording is not a crash's.
        let store = Store::open(&db_path(db)?).map_err(|e| Fail::new(e.to_string(), 2))?;
        store.backup_to(out).map_err(|e| Fail::new(e.to_string(), 1))?;
        println!("backed up {} to {}", store.path().display(), out.display());
        Ok(())
    })()
}

pub(super) fn restore_cmd(db: Option<&Path>, file: &Path) -> Result<(), Fail> {
    (|| {
        let current = db_path(db)?;
        let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S").to_string();
        let r = restore(&current, file, &stamp).map_err(|e| {
            let (msg, name) = (e.to_string(), file.display().to_string());
            let msg = if msg.contains(&name) { msg } else { format!("{name}: {msg}") };
            Fail::new(format!("{msg}; nothing restored, {} unchanged", current.display()), 2)
        })?;
        println!("restored {} sessions from {} into {}", r.info.sessions, file.display(), current.display());
        if let Some(k) = r.kept {
            println!("the database it replaced is kept as {}", k.display());
        }
        Ok(())
    })()
}
