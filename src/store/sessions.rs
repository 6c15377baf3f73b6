//! Sessions and reps: the recorder API (one transaction per call, so every
//! committed rep survives a crash), crash recovery, atomic import, and the
//! history and weekly queries.

use chrono::{DateTime, Datelike, Duration, IsoWeek, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::{SessionId, Store, StoreError};
use crate::core::plan::{
    self, format_iso_week, week_monday, Preset, RepStats, SessionFacts, SessionStatus, WeekReport,
};
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

fn insert_session(tx: &Transaction<'_>, s: &NewSession) -> Result<SessionId, StoreError> {
    check_pain(s.pain_before)?;
    if !s.hold_s.is_finite() || s.hold_s < 0.0 {
        return Err(StoreError::Invalid(format!("hold must be a positive number of seconds, not {}", s.hold_s)));
    }
    tx.execute(
        "INSERT INTO sessions (start_utc_ms, start_offset_s, side, preset, planned_reps, hold_s, status,
            pain_before, capture_file, sensor_id, done_reps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, 0)",
        params![
            s.start_utc.timestamp_millis(),
            s.utc_offset_s,
            s.side.as_str(),
            s.preset.as_str(),
            s.planned_reps,
            s.hold_s,
            s.pain_before,
            s.capture_file,
            s.sensor_id
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

const SELECT_SESSIONS: &str = "SELECT s.id, s.start_utc_ms, s.start_offset_s, s.end_utc_ms, s.end_offset_s, s.side,
    s.preset, s.planned_reps, s.done_reps, s.hold_s, s.status, s.pain_before, s.pain_after, s.notes, s.capture_file,
    s.sensor_id, COUNT(r.idx), AVG(r.peak_dorsi_deg), MAX(r.peak_dorsi_deg), AVG(r.peak_plantar_deg),
    MAX(r.peak_plantar_deg), AVG(r.rom_deg), MAX(r.rom_deg), AVG(r.hold_dorsi_s), AVG(r.hold_plantar_s)
    FROM sessions s LEFT JOIN reps r ON r.session_id = s.id";

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<Result<SessionRecord, StoreError>> {
    let side: String = row.get(5)?;
    let preset: String = row.get(6)?;
    let status: String = row.get(10)?;
    let rep_count: u32 = row.get(16)?;
    let stats = if rep_count == 0 {
        None
    } else {
        Some(RepStats {
            reps: rep_count,
            mean_dorsi_deg: row.get(17)?,
            best_dorsi_deg: row.get(18)?,
            mean_plantar_deg: row.get(19)?,
            best_plantar_deg: row.get(20)?,
            mean_rom_deg: row.get(21)?,
            best_rom_deg: row.get(22)?,
            mean_hold_dorsi_s: row.get(23)?,
            mean_hold_plantar_s: row.get(24)?,
        })
    };
    let (start_ms, start_offset_s, end_ms): (i64, i32, Option<i64>) = (row.get(1)?, row.get(2)?, row.get(3)?);
    let fields = (row.get(0)?, row.get(4)?, row.get(7)?, row.get(8)?, row.get(9)?);
    let (id, end_offset_s, planned_reps, done_reps, hold_s) = fields;
    let texts = (row.get(11)?, row.get(12)?, row.get(13)?, row.get(14)?, row.get(15)?);
    let (pain_before, pain_after, notes, capture_file, sensor_id) = texts;
    Ok((|| {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("session {id}: unknown {what} {v:?}"));
        let start_utc = ms_to_utc(start_ms)?;
        Ok(SessionRecord {
            id: SessionId(id),
            start_utc,
            start_offset_s,
            end_utc: end_ms.map(ms_to_utc).transpose()?,
            end_offset_s,
            local_date: plan::local_date(start_utc, start_offset_s),
            side: Side::parse(&side).ok_or_else(|| bad("side", &side))?,
            preset: Preset::parse(&preset).ok_or_else(|| bad("preset", &preset))?,
            planned_reps,
            done_reps,
            hold_s,
            status: SessionStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
            pain_before,
            pain_after,
            notes,
            capture_file,
            sensor_id,
            stats,
        })
    })())
}

/// Widest UTC offsets in use (−12 h … +14 h), to turn local dates into a UTC query window.
const MAX_OFFSET_MS: i64 = 14 * 3_600_000;

impl Store {
    /// Starts recording a session; it stays `open` until [`Store::end_session`].
    pub fn begin_session(&mut self, s: &NewSession) -> Result<SessionId, StoreError> {
        let tx = self.conn.transaction()?;
        let id = insert_session(&tx, s)?;
        tx.commit()?;
        Ok(id)
    }

    /// Commits one rep of an open session at once; returns its 1-based index.
    pub fn add_rep(&mut self, id: SessionId, rep: &Rep) -> Result<u32, StoreError> {
        let tx = self.conn.transaction()?;
        let idx = insert_rep(&tx, id, rep)?;
        tx.commit()?;
        Ok(idx)
    }

    /// Closes an open session.
    pub fn end_session(&mut self, id: SessionId, end: &EndSession) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        close_session(&tx, id, end)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores a whole session (an imported capture) in one transaction.
    pub fn import_session(&mut self, s: &NewSession, reps: &[Rep], end: &EndSession) -> Result<SessionId, StoreError> {
        let tx = self.conn.transaction()?;
        let id = insert_session(&tx, s)?;
        for r in reps {
            insert_rep(&tx, id, r)?;
        }
        close_session(&tx, id, end)?;
        tx.commit()?;
        Ok(id)
    }

    /// Closes every session left open (by a crash or a kill) as `interrupted`,
    /// keeping its reps; its end is the end of its last rep. Call at start-up.
    pub fn recover_interrupted(&mut self) -> Result<Vec<SessionId>, StoreError> {
        let tx = self.conn.transaction()?;
        let open: Vec<(i64, i64, i32, Option<f64>)> = {
            let mut st = tx.prepare(
                "SELECT s.id, s.start_utc_ms, s.start_offset_s, (SELECT MAX(end_s) FROM reps WHERE session_id = s.id)
                 FROM sessions s WHERE s.status = 'open' ORDER BY s.id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, start_ms, offset, last_end_s) in &open {
            let end_ms = start_ms + (last_end_s.unwrap_or(0.0).max(0.0) * 1000.0).round() as i64;
            tx.execute(
                "UPDATE sessions SET status = 'interrupted', end_utc_ms = ?2, end_offset_s = ?3 WHERE id = ?1",
                params![id, end_ms, offset],
            )?;
        }
        tx.commit()?;
        Ok(open.into_iter().map(|o| SessionId(o.0)).collect())
    }

    /// One session.
    pub fn session(&self, id: SessionId) -> Result<Option<SessionRecord>, StoreError> {
        let sql = format!("{SELECT_SESSIONS} WHERE s.id = ?1 GROUP BY s.id");
        let row = self.conn.query_row(&sql, [id.0], session_from_row).optional()?;
        row.transpose()
    }

    /// Sessions that started in `[from, to)` (UTC), oldest first; all with `None`.
    pub fn sessions(&self, range: Option<(DateTime<Utc>, DateTime<Utc>)>) -> Result<Vec<SessionRecord>, StoreError> {
        let (from, to) = range.map_or((i64::MIN, i64::MAX), |(a, b)| (a.timestamp_millis(), b.timestamp_millis()));
        let sql = format!(
            "{SELECT_SESSIONS} WHERE s.start_utc_ms >= ?1 AND s.start_utc_ms < ?2 GROUP BY s.id ORDER BY s.start_utc_ms, s.id"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map([from, to], session_from_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r??);
        }
        Ok(out)
    }

    /// Sessions whose local start date lies in `[first, last]`.
    pub fn sessions_on_dates(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<SessionRecord>, StoreError> {
        let day_ms = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis());
        let from = ms_to_utc(day_ms(first) - MAX_OFFSET_MS)?;
        let to = ms_to_utc(day_ms(last + Duration::days(1)) + MAX_OFFSET_MS)?;
        let mut all = self.sessions(Some((from, to)))?;
        all.retain(|s| s.local_date >= first && s.local_date <= last);
        Ok(all)
    }

    /// Sessions whose local start date lies in an ISO week.
    pub fn sessions_in_week(&self, week: IsoWeek) -> Result<Vec<SessionRecord>, StoreError> {
        let monday = week_monday(week);
        self.sessions_on_dates(monday, monday + Duration::days(6))
    }

    /// A session's reps, in order.
    pub fn reps(&self, id: SessionId) -> Result<Vec<Rep>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT start_s, end_s, peak_dorsi_deg, peak_plantar_deg, rom_deg, hold_dorsi_s, hold_plantar_s, detected_s
             FROM reps WHERE session_id = ?1 ORDER BY idx",
        )?;
        let rows = st.query_map([id.0], |r| {
            Ok(Rep {
                start_s: r.get(0)?,
                end_s: r.get(1)?,
                peak_dorsi_deg: r.get(2)?,
                peak_plantar_deg: r.get(3)?,
                rom_deg: r.get(4)?,
                hold_dorsi_s: r.get(5)?,
                hold_plantar_s: r.get(6)?,
                detected_s: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Facts (no rep statistics) of every session up to the local date `until`, for streaks.
    fn facts_until(&self, until: NaiveDate) -> Result<Vec<SessionFacts>, StoreError> {
        let end =
            until.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map_or(i64::MAX, |t| t.and_utc().timestamp_millis());
        let mut st = self.conn.prepare_cached(
            "SELECT start_utc_ms, start_offset_s, side, planned_reps, done_reps, status FROM sessions
             WHERE start_utc_ms < ?1 ORDER BY start_utc_ms",
        )?;
        let rows = st.query_map([end.saturating_add(MAX_OFFSET_MS)], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get::<_, String>(5)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (ms, utc_offset_s, side, planned_reps, done_reps, status) = row?;
            let bad = || StoreError::Corrupt(format!("a session has side {side:?} / status {status:?}"));
            out.push(SessionFacts {
                start_utc: ms_to_utc(ms)?,
                utc_offset_s,
                side: Side::parse(&side).ok_or_else(bad)?,
                planned_reps,
                done_reps,
                status: SessionStatus::parse(&status).ok_or_else(bad)?,
                stats: None,
            });
        }
        Ok(out)
    }

    /// The weekly progress screen: adherence for `week` seen from the local
    /// date `today`, the streak as of the week's end (or today, if earlier),
    /// and per-foot progress over `weeks_back` weeks ending with `week`.
    pub fn week_report(&self, week: IsoWeek, today: NaiveDate, weeks_back: u32) -> Result<WeekReport, StoreError> {
        let plan = self.plan()?;
        let monday = week_monday(week);
        let weeks: Vec<IsoWeek> =
            (0..weeks_back.max(1)).rev().map(|i| (monday - Duration::weeks(i64::from(i))).iso_week()).collect();
        let first = weeks.first().map_or(monday, |w| week_monday(*w));
        let in_range = self.sessions_on_dates(first, monday + Duration::days(6))?;
        let facts: Vec<SessionFacts> =
            in_range.iter().filter(|s| plan.sides.includes(s.side)).map(|s| s.facts()).collect();
        let adherence = plan::week_adherence(&facts, &plan, week, today);
        let as_of = today.min(monday + Duration::days(6));
        let streak = plan::streak(&self.facts_until(as_of)?, &plan, as_of);
        let progress = plan::progress(&facts, &weeks);
        tracing::debug!("week report {} with {} sessions", format_iso_week(week), facts.len());
        Ok(WeekReport { plan, adherence, streak, progress })
    }
}
