//! Sessions and reps: the recorder API (one IMMEDIATE transaction per call,
//! so every committed rep survives a crash and two writers queue behind the
//! busy timeout), recovery of sessions whose owner is gone, and atomic import.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::lease::{owner_alive, Lease};
use super::{SessionId, Store, StoreError};
use crate::core::plan::{Preset, RepStats, SessionFacts, SessionStatus};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;

/// A session about to start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    pub start_utc: DateTime<Utc>,
    /// Seconds east of UTC in force at the start.
    pub utc_offset_s: i32,
    pub side: Side,
    pub preset: Preset,
    pub planned_reps: u32,
    pub hold_s: f64,
    pub pain_before: Option<u8>,
    pub capture_file: Option<String>,
    pub sensor_id: Option<String>,
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndSession {
    pub end_utc: DateTime<Utc>,
    pub utc_offset_s: i32,
    pub status: SessionStatus,
    pub pain_after: Option<u8>,
    pub notes: String,
}

/// A stored session with the summary of its reps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: SessionId,
    pub start_utc: DateTime<Utc>,
    pub start_offset_s: i32,
    pub end_utc: Option<DateTime<Utc>>,
    pub end_offset_s: Option<i32>,
    /// The local calendar day it started on.
    pub local_date: NaiveDate,
    pub side: Side,
    pub preset: Preset,
    pub planned_reps: u32,
    pub done_reps: u32,
    pub hold_s: f64,
    pub status: SessionStatus,
    pub pain_before: Option<u8>,
    pub pain_after: Option<u8>,
    pub notes: String,
    pub capture_file: Option<String>,
    pub sensor_id: Option<String>,
    pub stats: Option<RepStats>,
}

impl SessionRecord {
    /// What adherence and progress need.
    pub fn facts(&self) -> SessionFacts {
        SessionFacts {
            start_utc: self.start_utc,
            utc_offset_s: self.start_offset_s,
            side: self.side,
            planned_reps: self.planned_reps,
            done_reps: self.done_reps,
            status: self.status,
            stats: self.stats,
        }
    }
}

fn check_pain(p: Option<u8>) -> Result<(), StoreError> {
    match p {
        Some(v) if v > 10 => Err(StoreError::Invalid(format!("pain must be 0–10, not {v}"))),
        _ => Ok(()),
    }
}

fn check_rep(r: &Rep) -> Result<(), StoreError> {
    let all = [r.start_s, r.end_s, r.peak_dorsi_deg, r.peak_plantar_deg, r.rom_deg, r.hold_dorsi_s, r.hold_plantar_s];
    if all.iter().chain([&r.detected_s]).all(|x| x.is_finite()) {
        Ok(())
    } else {
        Err(StoreError::Invalid("a rep has a value that is not a finite number".into()))
    }
}

pub(super) fn ms_to_utc(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms} ms is out of range")))
}

fn insert_session(tx: &Transaction<'_>, s: &NewSession, owner: Option<&str>) -> Result<SessionId, StoreError> {
    check_pain(s.pain_before)?;
    if !s.hold_s.is_finite() || s.hold_s < 0.0 {
        return Err(StoreError::Invalid(format!("hold must be a positive number of seconds, not {}", s.hold_s)));
    }
    tx.execute(
        "INSERT INTO sessions (start_utc_ms, start_offset_s, side, preset, planned_reps, hold_s, status,
            pain_before, capture_file, sensor_id, done_reps, owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, 0, ?10)",
        params![
            s.start_utc.timestamp_millis(),
            s.utc_offset_s,
            s.side.as_str(),
            s.preset.as_str(),
            s.planned_reps,
            s.hold_s,
            s.pain_before,
            s.capture_file,
            s.sensor_id,
            owner
        ],
    )?;
    Ok(SessionId(tx.last_insert_rowid()))
}

fn insert_rep(tx: &Transaction<'_>, id: SessionId, r: &Rep) -> Result<u32, StoreError> {
    check_rep(r)?;
    let status: Option<String> =
        tx.query_row("SELECT status FROM sessions WHERE id = ?1", [id.0], |row| row.get(0)).optional()?;
    match status.as_deref() {
        None => return Err(StoreError::NoSession(id)),
        Some("open") => {}
        Some(_) => return Err(StoreError::Closed(id)),
    }
    tx.execute("UPDATE sessions SET done_reps = done_reps + 1 WHERE id = ?1", [id.0])?;
    let idx: u32 = tx.query_row("SELECT done_reps FROM sessions WHERE id = ?1", [id.0], |row| row.get(0))?;
    tx.execute(
        "INSERT INTO reps (session_id, idx, start_s, end_s, peak_dorsi_deg, peak_plantar_deg, rom_deg,
            hold_dorsi_s, hold_plantar_s, detected_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id.0,
            idx,
            r.start_s,
            r.end_s,
            r.peak_dorsi_deg,
            r.peak_plantar_deg,
            r.rom_deg,
            r.hold_dorsi_s,
            r.hold_plantar_s,
            r.detected_s
        ],
    )?;
    Ok(idx)
}

fn close_session(tx: &Transaction<'_>, id: SessionId, e: &EndSession) -> Result<(), StoreError> {
    check_pain(e.pain_after)?;
    if e.status == SessionStatus::Open {
        return Err(StoreError::Invalid("a session cannot end as `open`".into()));
    }
    let n = tx.execute(
        "UPDATE sessions SET end_utc_ms = ?2, end_offset_s = ?3, status = ?4, pain_after = ?5, notes = ?6
         WHERE id = ?1 AND status = 'open'",
        params![id.0, e.end_utc.timestamp_millis(), e.utc_offset_s, e.status.as_str(), e.pain_after, e.notes],
    )?;
    if n == 0 {
        let exists: Option<i64> =
            tx.query_row("SELECT id FROM sessions WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
        return Err(if exists.is_some() { StoreError::Closed(id) } else { StoreError::NoSession(id) });
    }
    Ok(())
}

/// An open session as recovery sees it: id, start (ms, offset), its last rep's end (s), its owner.
type OpenRow = (i64, i64, i32, Option<f64>, Option<String>);

impl Store {
    fn write(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Starts recording a session; it stays `open` until [`Store::end_session`],
    /// owned by this process (its lease is taken on the first session).
    pub fn begin_session(&mut self, s: &NewSession) -> Result<SessionId, StoreError> {
        if self.lease.is_none() {
            self.lease = Some(Lease::owner(&self.path)?);
        }
        let owner = self.lease.as_ref().map(|l| l.token().to_owned());
        let tx = self.write()?;
        let id = insert_session(&tx, s, owner.as_deref())?;
        tx.commit()?;
        Ok(id)
    }

    /// Commits one rep of an open session at once; returns its 1-based index.
    pub fn add_rep(&mut self, id: SessionId, rep: &Rep) -> Result<u32, StoreError> {
        let tx = self.write()?;
        let idx = insert_rep(&tx, id, rep)?;
        tx.commit()?;
        Ok(idx)
    }

    /// Closes an open session.
    pub fn end_session(&mut self, id: SessionId, end: &EndSession) -> Result<(), StoreError> {
        let tx = self.write()?;
        close_session(&tx, id, end)?;
        tx.commit()?;
        Ok(())
    }

    /// Records the pain felt after a session that has ended (the question comes after its end).
    pub fn set_pain_after(&mut self, id: SessionId, pain: u8) -> Result<(), StoreError> {
        check_pain(Some(pain))?;
        let tx = self.write()?;
        let n =
            tx.execute("UPDATE sessions SET pain_after = ?2 WHERE id = ?1 AND status != 'open'", params![id.0, pain])?;
        if n == 0 {
            return Err(StoreError::NoSession(id));
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores a whole session (an imported capture) in one transaction.
    pub fn import_session(&mut self, s: &NewSession, reps: &[Rep], end: &EndSession) -> Result<SessionId, StoreError> {
        let tx = self.write()?;
        let id = insert_session(&tx, s, None)?;
        for r in reps {
            insert_rep(&tx, id, r)?;
        }
        close_session(&tx, id, end)?;
        tx.commit()?;
        Ok(id)
    }

    /// Closes every session left open by an owner that is gone (killed,
    /// crashed, or from before owners were recorded) as `interrupted`, keeping
    /// its reps; its end is the end of its last rep. Sessions of a live owner
    /// (this process included) are left alone.
    pub fn recover_interrupted(&mut self) -> Result<Vec<SessionId>, StoreError> {
        let mine = self.lease.as_ref().map(|l| l.token().to_owned());
        let path = self.path.clone();
        let tx = self.write()?;
        let open: Vec<OpenRow> = {
            let mut st = tx.prepare(
                "SELECT s.id, s.start_utc_ms, s.start_offset_s, (SELECT MAX(end_s) FROM reps WHERE session_id = s.id),
                        s.owner
                 FROM sessions s WHERE s.status = 'open' ORDER BY s.id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut done = Vec::new();
        for (id, start_ms, offset, last_end_s, owner) in open {
            let owner = owner.unwrap_or_default();
            if mine.as_deref() == Some(owner.as_str()) || owner_alive(&path, &owner) {
                continue;
            }
            let end_ms = start_ms + (last_end_s.unwrap_or(0.0).max(0.0) * 1000.0).round() as i64;
            tx.execute(
                "UPDATE sessions SET status = 'interrupted', end_utc_ms = ?2, end_offset_s = ?3 WHERE id = ?1",
                params![id, end_ms, offset],
            )?;
            done.push(SessionId(id));
        }
        tx.commit()?;
        Ok(done)
    }

    /// The open sessions some live process (this one included) is recording.
    pub fn live_sessions(&self) -> Result<Vec<SessionId>, StoreError> {
        let mine = self.lease.as_ref().map(|l| l.token().to_owned());
        let mut st = self.conn.prepare("SELECT id, owner FROM sessions WHERE status = 'open' ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)))?;
        let mut live = Vec::new();
        for row in rows {
            let (id, owner) = row?;
            let owner = owner.unwrap_or_default();
            if mine.as_deref() == Some(owner.as_str()) || owner_alive(&self.path, &owner) {
                live.push(SessionId(id));
            }
        }
        Ok(live)
    }
}
