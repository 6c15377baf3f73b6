//! The app's state and its one I/O owner per process. `Runtime` is the
//! state: it takes `Command`s (from a view, `ViewId`), link events and the
//! outcomes of store work, with the time as an argument, and asks for link
//! work (`Effect`s) and store work (`StoreJob`s) as values — so tests drive
//! it step by step. The `hub` owns one `Runtime` for the whole process, runs
//! the link and the store as tasks whose results come back as messages, and
//! publishes what changed to every attached view (the desktop window, each
//! browser tab of `serve`).
//!
//! Sessions, the plan and the remembered sensor are kept in the store
//! (`records`, through `store_io`). Every sensor — a real APS-1 over BLE, or
//! the demo sensor (`link::DemoLink`: a simulated person who follows the
//! cues, or a capture replayed in real time) — is reached through the link
//! module by `link_io`, and its data arrives as link events.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;

use crate::core::plan::{Plan, Sides};
use crate::sensor::capture::Side;

mod config;
mod flow;
pub mod hub;
mod link_io;
mod next_due;
pub mod patient;
pub mod records;
pub mod reminders;
pub mod sensor;
pub mod session;
pub mod store_io;
pub mod view;
mod view_fill;

pub use config::{Dropout, Now, RuntimeConfig};
pub use hub::{Hub, Updates, ViewHandle, ViewId};
use records::Records;
use sensor::{ConnectedSensor, Effect};
use session::LiveSession;
use store_io::{StoreDone, StoreJob};
use view::*;

/// How long a running session goes on with no screen attached before it is saved as interrupted.
pub const ORPHAN_AFTER: Duration = Duration::from_secs(120);

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
    /// Reminder times, quiet hours, test notification, backups (Settings).
    Reminders(reminders::ReminderCommand),
}

struct Running {
    live: LiveSession,
    /// The sensor said it is streaming since the link was last (re)made.
    streaming_seen: bool,
}

/// Where the runtime's store work goes.
enum StorePort {
    /// Performed at once (a runtime driven step by step); `None`: sessions are not saved.
    Inline(Option<Box<Records>>),
    /// Queued for the hub's store task (`take_jobs`); `open`: the database answered that it is open.
    Queued { jobs: Vec<StoreJob>, open: Option<bool> },
}

/// What one screen has open: the per-view part of `AppView`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Nav {
    pub screen: Screen,
    /// The session opened in History.
    pub history_open: Option<u64>,
    /// The day opened on Progress.
    pub open_day: Option<NaiveDate>,
}

/// The app's state: what every view shows, the running session, the plan.
pub struct Runtime {
    cfg: RuntimeConfig,
    view: AppView,
    running: Option<Running>,
    store: StorePort,
    plan: Plan,
    /// The connected sensor (real or demo), if any.
    sensor: Option<ConnectedSensor>,
    effects: Vec<Effect>,
    /// What each attached view has open.
    navs: BTreeMap<ViewId, Nav>,
    reminders: reminders::Reminders,
}

impl Runtime {
    /// A runtime whose store work is done at once, in `handle` (tests, one view).
    pub fn new(cfg: RuntimeConfig, now: Now) -> Self {
        let (records, done) = match Records::open_app(&cfg, records::app_lock(&cfg)) {
            Ok(r) => {
                let done = r.opened();
                (Some(Box::new(r)), done)
            }
            Err(e) => (None, StoreDone::Unavailable(e)),
        };
        let mut rt = Runtime::with_port(cfg, StorePort::Inline(records));
        rt.navs.insert(ViewId::default(), Nav::default());
        rt.on_store(done, now);
        rt
    }

    /// A runtime whose store work is queued (`take_jobs`) for the hub's store task.
    pub(crate) fn queued(cfg: RuntimeConfig) -> Self {
        Runtime::with_port(cfg, StorePort::Queued { jobs: Vec::new(), open: None })
    }

    fn with_port(cfg: RuntimeConfig, store: StorePort) -> Self {
        let reminders = reminders::Reminders::open(&cfg);
        let mut rt = Runtime {
            cfg,
            view: AppView::default(),
            running: None,
            store,
            plan: Plan::default(),
            sensor: None,
            effects: Vec::new(),
            navs: BTreeMap::new(),
            reminders,
        };
        rt.view.pair.devices = vec![demo_row()];
        view_fill::settings(&mut rt.view.settings, &rt.plan);
        rt
    }

    pub fn view(&self) -> &AppView {
        &self.view
    }

    /// What each attached view has open.
    pub fn navs(&self) -> &BTreeMap<ViewId, Nav> {
        &self.navs
    }

    /// A session is running.
    pub fn running(&self) -> bool {
        self.running.is_some()
    }

    /// The store work asked for since the last call (queued runtimes only).
    pub fn take_jobs(&mut self) -> Vec<StoreJob> {
        match &mut self.store {
            StorePort::Queued { jobs, .. } => std::mem::take(jobs),
            StorePort::Inline(_) => Vec::new(),
        }
    }

    fn job(&mut self, job: StoreJob, now: Now) {
        match &mut self.store {
            StorePort::Queued { jobs, .. } => jobs.push(job),
            StorePort::Inline(records) => {
                let done = records.as_mut().and_then(|r| r.perform(job));
                if let Some(d) = done {
                    self.on_store(d, now);
                }
            }
        }
    }

    /// Sessions are being saved (or may be: the database has not answered yet).
    fn saving(&self) -> bool {
        match &self.store {
            StorePort::Inline(r) => r.is_some(),
            StorePort::Queued { open, .. } => *open != Some(false),
        }
    }

    /// A view attached: it starts on Today, or on the session while one runs.
    pub fn attach(&mut self, id: ViewId) {
        let screen = if self.running.is_some() { Screen::Session } else { Screen::Today };
        self.navs.insert(id, Nav { screen, ..Nav::default() });
    }

    pub fn detach(&mut self, id: ViewId) {
        self.navs.remove(&id);
    }

    /// A command from the only view (a runtime driven step by step).
    pub fn handle(&mut self, cmd: Command, now: Now) {
        self.handle_from(ViewId::default(), cmd, now);
    }

    /// A command from the view `from`.
    pub fn handle_from(&mut self, from: ViewId, cmd: Command, now: Now) {
        let nav = self.navs.get(&from).copied().unwrap_or_default();
        self.view.screen = nav.screen;
        self.view.history.open = nav.history_open;
        self.view.progress.open_day = nav.open_day;
        self.command(cmd, now);
        let v = &mut self.view;
        let nav = Nav { screen: v.screen, history_open: v.history.open, open_day: v.progress.open_day };
        // What a view has open is its own (`navs`), not part of what every view shows.
        (v.screen, v.history.open, v.progress.open_day) = Default::default();
        self.navs.insert(from, nav);
        self.refresh(now);
    }

    fn command(&mut self, cmd: Command, now: Now) {
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
                if let Some(id) = self.disconnect().or_else(|| self.view.pair.remembered.clone()) {
                    self.job(StoreJob::Forget(id), now);
                }
                self.view.pair.remembered = None;
                self.view.sensor = SensorView::default();
                self.view.pair.message = Some("Sensor forgotten.".into());
            }
            Command::ChooseSide(s) => v.session.side = Some(s),
            Command::StartSession => self.start_session(now),
            Command::StopSession => self.stop_session(EndReason::Stopped, now),
            Command::SharpPain => {
                if self.running.is_some() {
                    self.stop_session(EndReason::StoppedForPain, now);
                    self.view.session.stage = SessionStage::PainStop;
                }
                self.view.screen = Screen::Session;
            }
            Command::SetPain(p) => {
                let p = p.min(10);
                v.session.pain = Some(p);
                if v.session.stage == SessionStage::AskPain {
                    v.session.stage = SessionStage::Summary;
                }
                self.job(StoreJob::SetPain(p), now);
            }
            Command::NewSession => {
                if self.running.is_some() {
                    return;
                }
                // Both feet: the next session is for the other foot.
                let side = match (self.plan.sides, v.session.side) {
                    (Sides::Both, Some(Side::Left)) => Some(Side::Right),
                    (Sides::Both, Some(Side::Right)) => Some(Side::Left),
                    (_, side) => side,
                };
                v.session = SessionView { side, ..SessionView::default() };
            }
            Command::SetPreset(p) => {
                self.update_plan(Plan::from_preset(p, self.plan.sides).with_waking(self.plan.waking), now)
            }
            Command::SetReps(n) => self.update_plan(Plan { reps_per_session: n, ..self.plan.clone() }, now),
            Command::SetHold(s) => self.update_plan(Plan { hold_s: f64::from(s), ..self.plan.clone() }, now),
            Command::SetSides(sides) => {
                v.session.side = sides.single().or(v.session.side);
                self.update_plan(Plan { sides, ..self.plan.clone() }, now);
            }
            Command::SetReminders(on) => {
                let reminders =
                    if on { Plan::from_preset(self.plan.preset, self.plan.sides).reminders } else { vec![] };
                self.update_plan(Plan { reminders, ..self.plan.clone() }, now);
            }
            Command::ExportCsv | Command::ExportFhir => {
                if !self.saving() {
                    self.view.settings.message =
                        Some("Sessions are not being saved, so there is nothing to export.".to_string());
                    return;
                }
                let job = if cmd == Command::ExportCsv { StoreJob::ExportCsv } else { StoreJob::ExportFhir };
                self.job(job, now);
            }
            Command::OpenDay(d) => v.progress.open_day = d,
            Command::Reminders(c) => reminders::handle(self, c, now),
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
    }

    fn update_plan(&mut self, plan: Plan, now: Now) {
        match plan.validate() {
            Ok(()) => {
                self.view.settings.message = None;
                self.plan = plan.clone();
                self.job(StoreJob::SavePlan(plan), now);
            }
            Err(e) => self.view.settings.message = Some(e.to_string()),
        }
    }

    /// Outcomes of store work.
    pub fn on_store(&mut self, done: StoreDone, now: Now) {
        use store_io::Failure;
        match done {
            StoreDone::Opened { plan, remembered } => {
                if let StorePort::Queued { open, .. } = &mut self.store {
                    *open = Some(true);
                }
                self.plan = plan;
                // The remembered sensor is reconnected at start.
                if let Some(s) = remembered.filter(|_| self.sensor.is_none()) {
                    self.connect(&s.id);
                }
            }
            StoreDone::Unavailable(e) => {
                if let StorePort::Queued { open, .. } = &mut self.store {
                    *open = Some(false);
                }
                self.view.history.message = Some(format!("Sessions cannot be saved: {e}"));
            }
            StoreDone::Failed { what, error } => {
                let v = &mut self.view;
                match what {
                    Failure::Begin => v.session.message = Some(format!("This session cannot be saved: {error}")),
                    Failure::Rep => v.session.message = Some(format!("A rep could not be saved: {error}")),
                    Failure::End => v.session.message = Some(format!("The session's end could not be saved: {error}")),
                    Failure::Pain => v.session.message = Some(error.to_string()),
                    Failure::Plan | Failure::Export => v.settings.message = Some(error.to_string()),
                    Failure::Sensor => v.pair.message = Some(format!("The sensor list cannot be saved: {error}")),
                }
            }
            StoreDone::Exported(msg) => self.view.settings.message = Some(msg),
            StoreDone::Downloads(res) => self.got_downloads(res),
            StoreDone::Read(read) => {
                view_fill::from_store(&mut self.view, *read, &self.plan, now, self.running.is_some());
                reminders::fill(self, now);
                return;
            }
        }
        self.refresh(now);
    }

    /// Recomputes Settings and asks the store for what Today, Progress and History show.
    pub(super) fn refresh(&mut self, now: Now) {
        view_fill::settings(&mut self.view.settings, &self.plan);
        self.view.today.in_progress = self.running.is_some();
        reminders::fill(self, now);
        let mut open: Vec<u64> = self.navs.values().filter_map(|n| n.history_open).collect();
        open.extend(self.previous_id());
        self.job(StoreJob::Read { today: now.local.date(), open }, now);
    }

    /// The clock moved on with nothing else happening (Today's "next due").
    pub fn tick(&mut self, now: Now) {
        self.refresh(now);
    }

    /// No screen has been attached for too long: the running session is saved
    /// as interrupted with its reps.
    pub fn interrupt(&mut self, now: Now) {
        if self.running.is_none() {
            return;
        }
        self.stop_session(EndReason::Interrupted, now);
        self.view.session = SessionView {
            side: self.view.session.side,
            message: Some("The last session was left with no screen open; it is saved as interrupted.".into()),
            ..SessionView::default()
        };
        self.refresh(now);
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
