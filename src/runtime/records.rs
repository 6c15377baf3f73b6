//! The runtime's use of the store: the plan, the remembered sensor, and the
//! session being recorded (begun at Start, each rep committed as detected,
//! ended when the pain question is answered or the user moves on), and the
//! views History, Today and Progress read from it. Store errors become one
//! line for the user; they never stop a session.

use chrono::{Datelike, NaiveDate, Offset};

use super::view::{EndReason, SessionRecord};
use super::{Now, RuntimeConfig};
use crate::core::plan::{Plan, SessionStatus, WeekReport};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;
use crate::store::{EndSession, NewSession, SensorRecord, SessionId, Store, StoreError};

/// How many sessions History lists.
const HISTORY_LEN: usize = 100;
/// Weeks of range-of-motion trend on Progress.
const WEEKS_BACK: u32 = 8;

/// Databases whose interrupted sessions this process has already closed.
static RECOVERED: std::sync::Mutex<std::collections::BTreeSet<std::path::PathBuf>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

struct PendingEnd {
    id: SessionId,
    end: EndSession,
}

pub struct Records {
    store: Store,
    recording: Option<SessionId>,
    pending: Option<PendingEnd>,
}

fn msg(e: StoreError) -> String {
    e.to_string()
}

impl Records {
    /// Opens the configured database (or the platform's default), closing sessions a crash left open.
    pub fn open(cfg: &RuntimeConfig) -> Result<Records, String> {
        let path = match &cfg.db {
            Some(p) => p.clone(),
            None => Store::default_path().map_err(msg)?,
        };
        let mut store = Store::open(&path).map_err(msg)?;
        // Sessions left open are a crash's only at the process's first open of this database:
        // `serve` runs one runtime per browser connection, and a second tab must not close
        // the first one's running session.
        let first = RECOVERED.lock().map(|mut done| done.insert(path.clone())).unwrap_or(false);
        if first {
            store.recover_interrupted().map_err(msg)?;
        }
        Ok(Records { store, recording: None, pending: None })
    }

    pub fn plan(&self) -> Plan {
        self.store.plan().unwrap_or_default()
    }

    /// Validates and saves the plan; the error is a sentence for the user.
    pub fn set_plan(&mut self, plan: &Plan) -> Result<(), String> {
        plan.validate().map_err(|e| e.to_string())?;
        self.store.set_plan(plan).map_err(msg)
    }

    pub fn remembered(&self) -> Option<SensorRecord> {
        self.store.sensors().ok()?.into_iter().next()
    }

    pub fn remember(&mut self, id: &str, name: &str, battery: Option<u8>, now: &Now) -> Result<(), String> {
        let rec = SensorRecord {
            id: id.into(),
            name: name.into(),
            firmware: None,
            last_seen_utc: Some(now.utc),
            battery_pct: battery,
        };
        self.store.upsert_sensor(&rec).map_err(msg)
    }

    pub fn forget(&mut self, id: &str) -> Result<(), String> {
        self.store.forget_sensor(id).map(|_| ()).map_err(msg)
    }

    /// Starts recording a session.
    pub fn begin(&mut self, now: &Now, side: Side, plan: &Plan, sensor_id: &str) -> Result<(), String> {
        self.flush();
        let s = NewSession {
            start_utc: now.utc,
            utc_offset_s: now.offset_s,
            side,
            preset: plan.preset,
            planned_reps: plan.reps_per_session,
            hold_s: plan.hold_s,
            pain_before: None,
            capture_file: None,
            sensor_id: Some(sensor_id.into()),
        };
        self.recording = Some(self.store.begin_session(&s).map_err(msg)?);
        Ok(())
    }

    pub fn add_rep(&mut self, rep: &Rep) -> Result<(), String> {
        match self.recording {
            Some(id) => self.store.add_rep(id, rep).map(|_| ()).map_err(msg),
            None => Ok(()),
        }
    }

    /// The session ended; it is closed once the pain question is answered (or skipped).
    pub fn finish(&mut self, end: EndReason, now: &Now) {
        let Some(id) = self.recording.take() else { return };
        let status = match end {
            EndReason::Completed => SessionStatus::Completed,
            EndReason::Pain => SessionStatus::StoppedForPain,
            EndReason::Stopped | EndReason::Interrupted => SessionStatus::Stopped,
        };
        let end =
            EndSession { end_utc: now.utc, utc_offset_s: now.offset_s, status, pain_after: None, notes: String::new() };
        self.pending = Some(PendingEnd { id, end });
    }

    /// The pain after the session closes it.
    pub fn set_pain(&mut self, pain: u8) -> Result<(), String> {
        if let Some(p) = self.pending.as_mut() {
            p.end.pain_after = Some(pain);
        }
        self.close_pending()
    }

    /// Closes an ended session whose pain question was skipped.
    pub fn flush(&mut self) {
        if let Err(e) = self.close_pending() {
            tracing::warn!("cannot close the session: {e}");
        }
    }

    fn close_pending(&mut self) -> Result<(), String> {
        match self.pending.take() {
            Some(p) => self.store.end_session(p.id, &p.end).map_err(msg),
            None => Ok(()),
        }
    }

    /// Newest first, without their reps.
    pub fn history(&self) -> Result<Vec<SessionRecord>, String> {
        let mut all = self.store.sessions(None).map_err(msg)?;
        all.reverse();
        all.truncate(HISTORY_LEN);
        Ok(all.into_iter().filter(|s| s.status != SessionStatus::Open).map(to_view).collect())
    }

    pub fn reps(&self, id: u64) -> Vec<Rep> {
        self.store.reps(SessionId(id as i64)).unwrap_or_default()
    }

    pub fn week(&self, today: NaiveDate) -> Result<WeekReport, String> {
        self.store.week_report(today.iso_week(), today, WEEKS_BACK).map_err(msg)
    }

    /// Writes CSV files into `exports/` beside the database; returns what was written.
    pub fn export_csv(&self) -> Result<String, String> {
        let dir = self.export_dir();
        let s = self.store.export_csv(&dir).map_err(msg)?;
        Ok(format!("Saved {} sessions and {} reps to {}.", s.sessions, s.reps, dir.display()))
    }

    pub fn export_fhir(&self) -> Result<String, String> {
        let file = self.export_dir().join("anklepump-fhir.json");
        if let Some(d) = file.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        }
        let n = self.store.export_fhir(&file).map_err(msg)?;
        Ok(format!("Saved {n} observations to {}.", file.display()))
    }

    pub(super) fn export_dir(&self) -> std::path::PathBuf {
        self.store.path().parent().map(|p| p.join("exports")).unwrap_or_else(|| "exports".into())
    }
}

impl Drop for Records {
    fn drop(&mut self) {
        self.flush();
    }
}

fn to_view(s: crate::store::SessionRecord) -> SessionRecord {
    let offset = chrono::FixedOffset::east_opt(s.start_offset_s).unwrap_or_else(|| chrono::Utc.fix());
    let local = s.start_utc.with_timezone(&offset);
    SessionRecord {
        id: s.id.0 as u64,
        date: s.local_date,
        time: local.format("%H:%M").to_string(),
        side: s.side,
        planned: s.planned_reps,
        done: s.done_reps,
        reps: Vec::new(),
        pain: s.pain_after,
        end: match s.status {
            SessionStatus::Completed => EndReason::Completed,
            SessionStatus::StoppedForPain => EndReason::Pain,
            SessionStatus::Interrupted | SessionStatus::Open => EndReason::Interrupted,
            SessionStatus::Stopped => EndReason::Stopped,
        },
    }
}
