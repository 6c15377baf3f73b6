//! Importing a capture once: each imported session keeps the SHA-256 of its
//! capture's bytes under a UNIQUE index (schema v3), so the same capture
//! imported twice — one after the other or at the same moment from several
//! processes — is stored once; the database, not a check-then-insert,
//! decides.

use std::io::Read;

use rusqlite::params;
use sha2::{Digest, Sha256};

use super::sessions::{close_session, insert_rep, insert_session, EndSession, NewSession};
use super::{SessionId, Store, StoreError};
use crate::core::reps::Rep;

/// A reader that hashes what passes through it.
pub struct CaptureDigest<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> CaptureDigest<R> {
    pub fn new(inner: R) -> Self {
        CaptureDigest { inner, hash: Sha256::new() }
    }

    /// The hex SHA-256 of every byte read.
    pub fn finish(self) -> String {
        self.hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl<R: Read> Read for CaptureDigest<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// What [`Store::import_capture`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    Stored(SessionId),
    /// This capture was stored before, as this session; nothing was added.
    Already(SessionId),
}

impl Store {
    /// Stores an imported capture's session in one transaction, unless a
    /// session with the same capture digest (`sha256`, hex) exists.
    pub fn import_capture(
        &mut self,
        sha256: &str,
        s: &NewSession,
        reps: &[Rep],
        end: &EndSession,
    ) -> Result<Imported, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = insert_session(&tx, s, None)?;
        match tx.execute("UPDATE sessions SET capture_sha256 = ?2 WHERE id = ?1", params![id.0, sha256]) {
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                drop(tx);
                let first: i64 =
                    self.conn.query_row("SELECT id FROM sessions WHERE capture_sha256 = ?1", [sha256], |r| r.get(0))?;
                return Ok(Imported::Already(SessionId(first)));
            }
            other => other?,
        };
        for r in reps {
            insert_rep(&tx, id, r)?;
        }
        close_session(&tx, id, end)?;
        tx.commit()?;
        Ok(Imported::Stored(id))
    }
}
