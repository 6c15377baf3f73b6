//! The app's one I/O owner. The UI's root coroutine hands `run` its stream
//! of `Command`s and a `publish` callback; `run` owns the sensor source, the
//! live session (pipeline + coach) and the session records, reads the clock,
//! and publishes a fresh `AppView` whenever something changed. `Runtime`
//! itself takes the time as an argument, so tests drive it step by step.
//!
//! Sessions, the plan and the remembered sensor are kept in the store
//! (`records`). Every sensor — a real APS-1 over BLE, or the demo sensor
//! (`link::DemoLink`: a simulated person who follows the cues, or a capture
//! replayed in real time) — is reached through the link module by
//! `link_io`, and its data arrives as link events.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use futures::{Stream, StreamExt};

use crate::core::plan::{Plan, Preset, Sides};
use crate::sensor::capture::Side;

mod flow;
mod link_io;
pub mod patient;
mod progress;
pub mod records;
pub mod sensor;
pub mod session;
pub mod view;
mod view_fill;

use records::Records;
use sensor::{ConnectedSensor, Effect};
use session::LiveSession;
use view::*;

/// How often the screens read from the store are refreshed when nothing happens.
const IDLE_REFRESH: Duration = Duration::from_secs(5);

/// The id of the always-offered demo sensor.
pub const DEMO_ID: &str = "demo";

/// Everything a component can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Navigate(Screen),
    Scan,
    Identify(String),
    Connect(String),
    Forget,
    ChooseSide(Side),
    StartSession,
    StopSession,
    SharpPain,
    /// Pain 0–10 after the session.
    SetPain(u8),
    NewSession,
    SetPreset(PresetChoice),
    SetReps(u32),
    SetHold(u32),
    /// The plan's foot, or both feet.
    SetSides(Sides),
    SetReminders(bool),
    ExportCsv,
    ExportFhir,
    OpenDay(Option<NaiveDate>),
    OpenSession(Option<u64>),
    /// The patient's presentation: side at start, posture, voice, downloads (`patient`).
    Patient(patient::PatientCommand),
}

/// Where the runtime finds things.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuntimeConfig {
    /// A capture for the demo sensor to replay instead of the simulator.
    pub demo_capture: Option<PathBuf>,
    /// The session database (`--db`); `None`: the platform's default path.
    pub db: Option<PathBuf>,
    /// A link loss the demo sensor plays out in every session.
    pub demo_dropout: Option<Dropout>,
}

/// `at_s` seconds into a demo session the link drops for `len_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dropout {
    pub at_s: f64,
    pub len_s: f64,
}

impl Dropout {
    /// `AT:LEN` in seconds, e.g. `12:3`.
    pub fn parse(s: &str) -> Option<Dropout> {
        let (a, l) = s.split_once(':')?;
        let (at_s, len_s) = (a.trim().parse::<f64>().ok()?, l.trim().parse::<f64>().ok()?);
        (at_s.is_finite() && len_s.is_finite() && at_s >= 0.0 && len_s > 0.0).then_some(Dropout { at_s, len_s })
    }
}

impl RuntimeConfig {
    /// `ANKLEPUMP_DEMO_CAPTURE=FILE.apcap` makes the demo sensor replay that capture;
    /// `ANKLEPUMP_DEMO_DROPOUT=AT:LEN` makes its link drop once per session.
    pub fn from_env() -> Self {
        RuntimeConfig {
            demo_capture: std::env::var_os("ANKLEPUMP_DEMO_CAPTURE").map(PathBuf::from),
            db: None,
            demo_dropout: std::env::var("ANKLEPUMP_DEMO_DROPOUT").ok().as_deref().and_then(Dropout::parse),
        }
    }

    /// Uses the database at `db` (the global `--db` option), when given.
    pub fn with_db(self, db: Option<&std::path::Path>) -> Self {
        RuntimeConfig { db: db.map(PathBuf::from), ..self }
    }
}

/// The time as the runtime sees it: the wall clock, local and UTC.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    pub local: NaiveDateTime,
    pub utc: DateTime<Utc>,
    /// Seconds east of UTC in force now.
    pub offset_s: i32,
}

impl Now {
    pub fn read() -> Self {
        let l = chrono::Local::now();
        Now { local: l.naive_local(), utc: l.with_timezone(&Utc), offset_s: l.offset().local_minus_utc() }
    }
    pub fn plus(self, d: Duration) -> Self {
        let c = chrono::Duration::from_std(d).unwrap_or_default();
        Now { local: self.local + c, utc: self.utc + c, offset_s: self.offset_s }
    }
}

struct Running {
    live: LiveSession,
    /// The sensor said it is streaming since the link was last (re)made.
    streaming_seen: bool,
}

/// The state the coroutine owns.
pub struct Runtime {
    cfg: RuntimeConfig,
    view: AppView,
    running: Option<Running>,
    records: Option<Records>,
    plan: Plan,
    /// The connected sensor (real or demo), if any.
    sensor: Option<ConnectedSensor>,
    effects: Vec<Effect>,
}

impl Runtime {
    pub fn new(cfg: RuntimeConfig, now: Now) -> Self {
        let (records, problem) = match Records::open(&cfg) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(format!("Sessions cannot be saved: {e}"))),
        };
        let plan = records.as_ref().map(Records::plan).unwrap_or_default();
        let mut rt =
            Runtime { cfg, view: AppView::default(), running: None, records, plan, sensor: None, effects: Vec::new() };
        rt.view.history.message = problem;
        rt.view.pair.devices = vec![demo_row()];
        // The remembered sensor is reconnected at start.
        if let Some(s) = rt.records.as_ref().and_then(Records::remembered) {
            rt.connect(&s.id);
        }
        rt.refresh(now);
        rt
    }

    pub fn view(&self) -> &AppView {
        &self.view
    }

    pub fn handle(&mut self, cmd: Command, now: Now) {
        if !matches!(cmd, Command::SetPain(_) | Command::Navigate(Screen::Session)) {
            // Moving on without answering the pain question closes the session without it.
            if let Some(r) = self.records.as_mut() {
                r.flush();
            }
        }
        let field = patient::settings_field(&cmd);
        let v = &mut self.view;
        match cmd {
            Command::Navigate(s) => v.screen = s,
            Command::Scan => {
                v.pair.scanning = true;
                v.pair.message = Some("Scanning for sensors…".into());
                self.effects.push(Effect::Scan);
            }
            Command::Identify(id) => self.identify(&id),
            Command::Connect(id) => self.connect(&id),
            Command::Forget => {
                self.stop_session(EndReason::Stopped, now);
                let id = self.disconnect().or_else(|| self.view.pair.remembered.clone());
                let res = match (self.records.as_mut(), id) {
                    (Some(r), Some(id)) => r.forget(&id),
                    _ => Ok(()),
                };
                self.view.pair.remembered = None;
                self.view.sensor = SensorView::default();
                self.view.pair.message = Some(res.err().unwrap_or_else(|| "Sensor forgotten.".into()));
            }
            Command::ChooseSide(s) => v.session.side = Some(s),
            Command::StartSession => self.start_session(now),
            Command::StopSession => self.stop_session(EndReason::Stopped, now),
            Command::SharpPain => {
                self.stop_session(EndReason::Pain, now);
                self.view.session.stage = SessionStage::PainStop;
                self.view.screen = Screen::Session;
            }
            Command::SetPain(p) => {
                let p = p.min(10);
                v.session.pain = Some(p);
                if v.session.stage == SessionStage::AskPain {
                    v.session.stage = SessionStage::Summary;
                }
                if let Some(Err(e)) = self.records.as_mut().map(|r| r.set_pain(p)) {
                    self.view.session.message = Some(e);
                }
            }
            Command::NewSession => {
                // Both feet: the next session is for the other foot.
                let side = match (self.plan.sides, v.session.side) {
                    (Sides::Both, Some(Side::Left)) => Some(Side::Right),
                    (Sides::Both, Some(Side::Right)) => Some(Side::Left),
                    (_, side) => side,
                };
                v.session = SessionView { side, ..SessionView::default() };
            }
            Command::SetPreset(p) => {
                let preset = match p {
                    PresetChoice::General => Preset::General,
                    PresetChoice::PostOp => Preset::PostOp,
                    PresetChoice::Custom => Preset::Custom,
                };
                self.update_plan(Plan::from_preset(preset, self.plan.sides));
            }
            Command::SetReps(n) => self.update_plan(Plan { reps_per_session: n, ..self.plan.clone() }),
            Command::SetHold(s) => self.update_plan(Plan { hold_s: f64::from(s), ..self.plan.clone() }),
            Command::SetSides(sides) => {
                v.session.side = sides.single().or(v.session.side);
                self.update_plan(Plan { sides, ..self.plan.clone() });
            }
            Command::SetReminders(on) => {
                let reminders =
                    if on { Plan::from_preset(self.plan.preset, self.plan.sides).reminders } else { vec![] };
                self.update_plan(Plan { reminders, ..self.plan.clone() });
            }
            Command::ExportCsv | Command::ExportFhir => {
                let res = match (&self.records, &cmd) {
                    (None, _) => Err("Sessions are not being saved, so there is nothing to export.".to_string()),
                    (Some(r), Command::ExportCsv) => r.export_csv(),
                    (Some(r), _) => r.export_fhir(),
                };
                self.view.settings.message = Some(res.unwrap_or_else(|e| e));
            }
            Command::OpenDay(d) => v.progress.open_day = d,
            Command::OpenSession(id) => {
                v.history.open = id;
                if id.is_some() {
                    v.screen = Screen::History;
                }
            }
            Command::Patient(c) => self.patient(c, now),
        }
        if field.is_some() {
            self.view.settings.message_at = field;
        }
        self.refresh(now);
    }

    fn update_plan(&mut self, plan: Plan) {
        let res = match self.records.as_mut() {
            Some(r) => r.set_plan(&plan),
            None => plan.validate().map_err(|e| e.to_string()),
        };
        match res {
            Ok(()) => {
                self.plan = plan;
                self.view.settings.message = None;
            }
            Err(e) => self.view.settings.message = Some(e),
        }
    }

    /// Recomputes the screens read from the store (Today, Progress, History) and Settings.
    fn refresh(&mut self, now: Now) {
        view_fill::settings(&mut self.view.settings, &self.plan);
        let Some(records) = self.records.as_ref() else { return };
        view_fill::from_store(&mut self.view, records, &self.plan, now, self.running.is_some());
    }
}

fn demo_row() -> DeviceRow {
    DeviceRow {
        id: DEMO_ID.into(),
        name: "Demo sensor (no hardware)".into(),
        rssi_dbm: None,
        battery_pct: None,
        demo: true,
    }
}

/// The coroutine body: owns the runtime until the command stream ends.
pub async fn run<S, F>(cfg: RuntimeConfig, mut commands: S, mut publish: F)
where
    S: Stream<Item = Command> + Unpin,
    F: FnMut(&AppView),
{
    let mut rt = Runtime::new(cfg.clone(), Now::read());
    let mut io = link_io::LinkIo::new(&cfg);
    let mut last = rt.view().clone();
    publish(&last);
    loop {
        // Link work asked for (at start: reconnecting the remembered sensor). Show
        // "Scanning…"/"Connecting…" before the slow part, then its outcome.
        for effect in rt.take_effects() {
            if *rt.view() != last {
                last = rt.view().clone();
                publish(&last);
            }
            io.perform(effect, &mut rt).await;
        }
        if *rt.view() != last {
            last = rt.view().clone();
            publish(&last);
        }
        tokio::select! {
            cmd = commands.next() => match cmd {
                Some(c) => rt.handle(c, Now::read()),
                None => break,
            },
            Some(ev) = io.next_event() => rt.on_link_event(ev, Now::read()),
            // Today's "next session due" moves on with the clock.
            _ = tokio::time::sleep(IDLE_REFRESH), if rt.running.is_none() => rt.refresh(Now::read()),
        }
    }
}
