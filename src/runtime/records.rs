//! The runtime's use of the store: the plan, the remembered sensor, and the
//! session being recorded (begun at Start, each rep committed as detected,
//! closed the moment it ends; the pain felt after it is added when the
//! question is answered), and what
//! History, Today and Progress read from it. It runs where the store work
//! runs (the hub's store task, `store_io`), never in the state owner.

use chrono::{Datelike, NaiveDate, NaiveTime, Offset};

use super::view::SessionRecord;
use super::{Now, RuntimeConfig};
use crate::core::plan::{Plan, SessionStatus, WeekReport};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;
use crate::store::lease::{AppHeld, Lease};
use crate::store::{EndSession, NewSession, SensorRecord, SessionId, Store, StoreError};

/// How many sessions History lists.
const HISTORY_LEN: usize = 100;
/// Weeks of range-of-motion trend on Progress.
const WEEKS_BACK: u32 = 8;

pub struct Records {
    store: Store,
    recording: Option<SessionId>,
    /// The session that ended last, until its pain question is answered.
    ended: Option<SessionId>,
    /// This app's hold on the database (one app per database).
    _app: Option<Lease>,
}

/// What History, Today and Progress show, read in one go.
#[derive(Debug)]
pub struct StoreRead {
    /// Newest first, in-progress sessions included; the reps of the sessions asked for loaded.
    pub history: Result<Vec<SessionRecord>, StoreError>,
    pub week: Result<WeekReport, StoreError>,
    /// The weekly chart drawn from `week`.
    pub chart_svg: Option<String>,
    /// When today's latest session started (local time).
    pub last_today: Option<NaiveTime>,
}

/// The configured database (`--db`) or the platform's default.
fn db_path(cfg: &RuntimeConfig) -> Result<std::path::PathBuf, StoreError> {
    match &cfg.db {
        Some(p) => Ok(p.clone()),
        None => Store::default_path(),
    }
}

/// The app lock on the configured database, taken as the hub starts.
pub(crate) enum AppLock {
    Held(Lease),
    /// Another app holds it (`StoreError::AnotherApp`).
    Other(StoreError),
    /// Not taken yet (no database directory yet, or no data directory): taken at open.
    Later,
}

/// Takes the app lock on the configured database.
pub(crate) fn app_lock(cfg: &RuntimeConfig) -> AppLock {
    let Ok(path) = db_path(cfg) else { return AppLock::Later };
    match Lease::app(&path) {
        Ok(Ok(l)) => AppLock::Held(l),
        Ok(Err(AppHeld { pid })) => AppLock::Other(StoreError::AnotherApp { path, pid }),
        Err(_) => AppLock::Later,
    }
}

impl Records {
    /// Opens the configured database (or the platform's default) as the app:
    /// takes the app lock (another app on it is an error saying so) and closes
    /// the sessions whose owner is gone as interrupted.
    pub(crate) fn open_app(cfg: &RuntimeConfig, lock: AppLock) -> Result<Records, StoreError> {
        let path = db_path(cfg)?;
        if let AppLock::Other(e) = lock {
            return Err(e);
        }
        let mut store = Store::open(&path)?;
        let app = match lock {
            AppLock::Held(l) => l,
            _ => match Lease::app(&path)? {
                Ok(l) => l,
                Err(AppHeld { pid }) => return Err(StoreError::AnotherApp { path, pid }),
            },
        };
        store.recover_interrupted()?;
        Ok(Records { store, recording: None, ended: None, _app: Some(app) })
    }

    pub fn plan(&self) -> Plan {
        self.store.plan().unwrap_or_default()
    }

    /// Validates and saves the plan.
    pub fn set_plan(&mut self, plan: &Plan) -> Result<(), StoreError> {
        plan.validate()?;
        self.store.set_plan(plan)
    }

    pub fn remembered(&self) -> Option<SensorRecord> {
        self.store.sensors().ok()?.into_iter().next()
    }

    pub fn remember(&mut self, id: &str, name: &str, battery: Option<u8>, now: &Now) -> Result<(), StoreError> {
        let rec = SensorRecord {
            id: id.into(),
            name: name.into(),
            firmware: None,
            last_seen_utc: Some(now.utc),
            battery_pct: battery,
        };
        self.store.upsert_sensor(&rec)
    }

    pub fn forget(&mut self, id: &str) -> Result<(), StoreError> {
        self.store.forget_sensor(id).map(|_| ())
    }

    /// Starts recording a session.
    pub fn begin(&mut self, now: &Now, side: Side, plan: &Plan, sensor_id: &str) -> Result<(), StoreError> {
        self.ended = None;
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
        self.recording = Some(self.store.begin_session(&s)?);
        Ok(())
    }

    pub fn add_rep(&mut self, rep: &Rep) -> Result<(), StoreError> {
        match self.recording {
            Some(id) => self.store.add_rep(id, rep).map(|_| ()),
            None => Ok(()),
        }
    }

    /// The session ended: it is closed now, with its status.
    pub fn finish(&mut self, status: SessionStatus, now: &Now) -> Result<(), StoreError> {
        let Some(id) = self.recording.take() else { return Ok(()) };
        let end =
            EndSession { end_utc: now.utc, utc_offset_s: now.offset_s, status, pain_after: None, notes: String::new() };
        self.store.end_session(id, &end)?;
        self.ended = Some(id);
        Ok(())
    }

    /// The pain felt after the session that just ended.
    pub fn set_pain(&mut self, pain: u8) -> Result<(), StoreError> {
        match self.ended.take() {
            Some(id) => self.store.set_pain_after(id, pain),
            None => Ok(()),
        }
    }

    /// Newest first, without their reps except those of `open`. An open session is listed
    /// only while its owner records it (in progress).
    pub fn history(&self, open: &[u64]) -> Result<Vec<SessionRecord>, StoreError> {
        let mut all = self.store.sessions(None)?;
        all.reverse();
        all.truncate(HISTORY_LEN);
        let live = self.store.live_sessions()?;
        let mut out: Vec<SessionRecord> =
            all.into_iter().filter(|s| s.status != SessionStatus::Open || live.contains(&s.id)).map(to_view).collect();
        for s in out.iter_mut().filter(|s| open.contains(&s.id)) {
            s.reps = self.store.reps(SessionId(s.id as i64))?;
        }
        Ok(out)
    }

    pub fn week(&self, today: NaiveDate) -> Result<WeekReport, StoreError> {
        self.store.week_report(today.iso_week(), today, WEEKS_BACK)
    }

    /// Everything the screens read from the store, for `today` (local).
    pub fn read(&self, today: NaiveDate, open: &[u64]) -> StoreRead {
        let week = self.week(today);
        let chart_svg = week.as_ref().ok().and_then(|w| match crate::chart::weekly_svg(w) {
            Ok(svg) => Some(svg),
            Err(e) => {
                tracing::warn!("{e}");
                None
            }
        });
        let last_today =
            self.store.sessions_on_dates(today, today).ok().and_then(|s| s.iter().map(|s| local_start(s).time()).max());
        StoreRead { history: self.history(open), week, chart_svg, last_today }
    }

    /// Writes CSV files into `exports/` beside the database; returns what was written.
    pub fn export_csv(&self) -> Result<String, StoreError> {
        let dir = self.export_dir();
        let s = self.store.export_csv(&dir)?;
        Ok(format!("Saved {} sessions and {} reps to {}.", s.sessions, s.reps, dir.display()))
    }

    pub fn export_fhir(&self) -> Result<String, StoreError> {
        let file = self.export_dir().join("anklepump-fhir.json");
        if let Some(d) = file.parent() {
            std::fs::create_dir_all(d).map_err(|e| StoreError::Io { path: d.to_owned(), source: e })?;
        }
        let n = self.store.export_fhir(&file)?;
        Ok(format!("Saved {n} observations to {}.", file.display()))
    }

    fn export_dir(&self) -> std::path::PathBuf {
        self.store.path().parent().map(|p| p.join("exports")).unwrap_or_else(|| "exports".into())
    }
}

fn local_start(s: &crate::store::SessionRecord) -> chrono::DateTime<chrono::FixedOffset> {
    let offset = chrono::FixedOffset::east_opt(s.start_offset_s).unwrap_or_else(|| chrono::Utc.fix());
    s.start_utc.with_timezone(&offset)
}

fn to_view(s: crate::store::SessionRecord) -> SessionRecord {
    SessionRecord {
        id: s.id.0 as u64,
        date: s.local_date,
        time: local_start(&s).time(),
        side: s.side,
        planned: s.planned_reps,
        done: s.done_reps,
        reps: Vec::new(),
        pain: s.pain_after,
        end: s.status,
    }
}
