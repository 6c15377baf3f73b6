//! Reading the history: sessions with the summary of their reps (by UTC
//! range or by local date), a session's reps, the re-import guard, and the
//! weekly report (adherence, streak and per-foot progress).

use chrono::{DateTime, Datelike, Duration, IsoWeek, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row};

use super::sessions::{ms_to_utc, SessionRecord};
use super::{SessionId, Store, StoreError};
use crate::core::plan::{
    self, format_iso_week, week_monday, Preset, RepStats, SessionFacts, SessionStatus, WeekReport,
};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;

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
