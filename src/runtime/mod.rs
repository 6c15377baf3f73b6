//! The app's one I/O owner. The UI's root coroutine hands `run` its stream
//! of `Command`s and a `publish` callback; `run` owns the sensor source, the
//! live session (pipeline + coach) and the session records, reads the clock,
//! and publishes a fresh `AppView` whenever something changed. `Runtime`
//! itself takes the time as an argument, so tests drive it step by step.
//!
//! Until the link and store modules land, the demo sensor is the core's
//! simulator (or a published capture replayed in real time, see `demo`) and
//! finished sessions live in memory for as long as the app runs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use futures::{Stream, StreamExt};
use thiserror::Error;

use crate::core::coach::CoachPlan;
use crate::sensor::capture::Side;

pub mod demo;
mod progress;
pub mod replay;
pub mod session;
pub mod view;

use demo::DemoSource;
use replay::SourceEvent;
use session::LiveSession;
use view::*;

/// The id of the always-offered demo sensor.
pub const DEMO_ID: &str = "demo";

#[derive(Debug, Error)]
pub enum RuntimeError {
    #[error("the demo recording {0} cannot be read: {1}")]
    DemoCapture(String, String),
    #[error("the demo sensor's simulator cannot start: {0}")]
    Simulator(String),
}

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
    SetDefaultSide(Side),
    SetReminders(bool),
    OpenDay(Option<NaiveDate>),
    OpenSession(Option<u64>),
}

/// Where the runtime finds things.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeConfig {
    /// A capture for the demo sensor to replay instead of the simulator.
    pub demo_capture: Option<PathBuf>,
    /// The session database (`--db`); `None`: the platform's default path.
    pub db: Option<PathBuf>,
}

impl RuntimeConfig {
    /// `ANKLEPUMP_DEMO_CAPTURE=FILE.apcap` makes the demo sensor replay that capture.
    pub fn from_env() -> Self {
        RuntimeConfig { demo_capture: std::env::var_os("ANKLEPUMP_DEMO_CAPTURE").map(PathBuf::from), db: None }
    }

    /// Uses the database at `db` (the global `--db` option), when given.
    pub fn with_db(self, db: Option<&std::path::Path>) -> Self {
        RuntimeConfig { db: db.map(PathBuf::from), ..self }
    }
}

/// The time as the runtime sees it: a monotonic instant and the local wall clock.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    pub instant: Instant,
    pub local: NaiveDateTime,
}

impl Now {
    pub fn read() -> Self {
        Now { instant: Instant::now(), local: chrono::Local::now().naive_local() }
    }
    pub fn plus(self, d: Duration) -> Self {
        Now { instant: self.instant + d, local: self.local + chrono::Duration::from_std(d).unwrap_or_default() }
    }
}

struct Running {
    source: DemoSource,
    started: Instant,
    live: LiveSession,
    start_local: NaiveDateTime,
}

/// The state the coroutine owns.
pub struct Runtime {
    cfg: RuntimeConfig,
    view: AppView,
    /// The demo sensor is connected.
    demo: bool,
    running: Option<Running>,
    records: Vec<SessionRecord>,
    next_id: u64,
}

impl Runtime {
    pub fn new(cfg: RuntimeConfig, now: Now) -> Self {
        let mut rt =
            Runtime { cfg, view: AppView::default(), demo: false, running: None, records: Vec::new(), next_id: 1 };
        rt.view.pair.devices = vec![demo_row()];
        rt.refresh(now);
        rt
    }

    pub fn view(&self) -> &AppView {
        &self.view
    }

    /// True while a session streams (the loop then ticks often).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    pub fn handle(&mut self, cmd: Command, now: Now) {
        let v = &mut self.view;
        match cmd {
            Command::Navigate(s) => v.screen = s,
            Command::Scan => {
                v.pair.devices = vec![demo_row()];
                v.pair.message = Some(format!("Found {} sensor(s).", v.pair.devices.len()));
            }
            Command::Identify(id) => {
                v.pair.message = Some(if id == DEMO_ID {
                    "The demo sensor has no motor: a real sensor vibrates now.".into()
                } else {
                    "That sensor is not in range.".into()
                });
            }
            Command::Connect(id) => self.connect(&id),
            Command::Forget => {
                self.stop_session(EndReason::Stopped, now);
                self.demo = false;
                self.view.pair.remembered = None;
                self.view.sensor = SensorView::default();
                self.view.pair.message = Some("Sensor forgotten.".into());
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
                if let Some(r) = self.records.last_mut() {
                    r.pain = Some(p);
                }
                if v.session.stage == SessionStage::AskPain {
                    v.session.stage = SessionStage::Summary;
                }
            }
            Command::NewSession => {
                let side = v.session.side;
                v.session = SessionView { side, ..SessionView::default() };
            }
            Command::SetPreset(p) => v.settings.preset = p,
            Command::SetReps(n) => v.settings.reps = n.clamp(1, 60),
            Command::SetHold(s) => v.settings.hold_s = s.clamp(1, 10),
            Command::SetDefaultSide(s) => {
                v.settings.side = s;
                v.session.side = Some(s);
            }
            Command::SetReminders(on) => v.settings.reminders = on,
            Command::OpenDay(d) => v.progress.open_day = d,
            Command::OpenSession(id) => {
                v.history.open = id;
                if id.is_some() {
                    v.screen = Screen::History;
                }
            }
        }
        self.refresh(now);
    }

    fn connect(&mut self, id: &str) {
        let v = &mut self.view;
        if id != DEMO_ID {
            v.pair.message = Some("That sensor is not in range.".into());
            return;
        }
        match DemoSource::open(&self.cfg, 1.0, 0) {
            Ok(s) => {
                v.sensor =
                    SensorView { name: Some(s.name()), demo: true, state: LinkState::Connected, battery_pct: None };
                v.pair.remembered = Some(DEMO_ID.into());
                v.pair.message = Some("Connected to the demo sensor.".into());
                self.demo = true;
            }
            Err(e) => v.pair.message = Some(e.to_string()),
        }
    }

    fn start_session(&mut self, now: Now) {
        let v = &mut self.view;
        if !self.demo {
            v.pair.message = Some("Connect a sensor first.".into());
            v.screen = Screen::Pair;
            return;
        }
        let side = v.session.side.unwrap_or(v.settings.side);
        let plan = CoachPlan { reps: v.settings.reps, hold_s: f64::from(v.settings.hold_s) };
        let source = match DemoSource::open(&self.cfg, plan.hold_s, self.next_id) {
            Ok(s) => s,
            Err(e) => {
                v.session.message = Some(e.to_string());
                return;
            }
        };
        let live = LiveSession::new(source.config(), plan, side);
        v.session = SessionView { stage: SessionStage::Running, side: Some(side), ..SessionView::default() };
        live.fill(&mut v.session);
        v.screen = Screen::Session;
        self.running = Some(Running { source, started: now.instant, live, start_local: now.local });
    }

    fn stop_session(&mut self, end: EndReason, now: Now) {
        let Some(mut run) = self.running.take() else { return };
        if end == EndReason::Completed {
            run.live.finish();
        }
        run.live.fill(&mut self.view.session);
        self.view.session.stage = SessionStage::AskPain;
        self.records.push(SessionRecord {
            id: self.next_id,
            date: run.start_local.date(),
            time: run.start_local.format("%H:%M").to_string(),
            side: run.live.side,
            planned: run.live.planned,
            reps: run.live.reps().to_vec(),
            pain: None,
            end,
        });
        self.next_id += 1;
        self.refresh(now);
    }

    /// Feeds the notifications whose time has come.
    pub fn tick(&mut self, now: Now) {
        let Some(run) = self.running.as_mut() else { return };
        let elapsed = now.instant.saturating_duration_since(run.started).as_millis() as u64;
        for e in run.source.due(elapsed) {
            match e {
                SourceEvent::Imu { rx_ms, payload } => run.live.push_notification(rx_ms, &payload),
                SourceEvent::Malformed => run.live.push_malformed(),
            }
        }
        run.live.fill(&mut self.view.session);
        if run.live.done() {
            self.stop_session(EndReason::Completed, now);
        } else if run.source.ended() {
            run.live.finish();
            let done = run.live.done();
            self.stop_session(if done { EndReason::Completed } else { EndReason::Stopped }, now);
            if !done {
                self.view.session.message = Some("The demo recording ended before the planned reps.".into());
            }
        }
    }

    /// Recomputes the derived screens (today, progress, history).
    fn refresh(&mut self, now: Now) {
        let today = now.local.date();
        let band = self.view.settings.preset.band();
        let done = self.records.iter().filter(|r| r.date == today && r.end == EndReason::Completed).count() as u32;
        let last_today = self.records.iter().rev().find(|r| r.date == today).map(|r| r.time.clone());
        let next_due = progress::next_due(now.local, done, band, last_today.as_deref());
        let reminder = (self.view.settings.reminders && next_due == "now" && self.running.is_none())
            .then(|| "It is time for your ankle pumps.".to_string());
        self.view.today = TodayView { done, band, next_due, reminder };
        let monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
        self.view.progress.band = band;
        self.view.progress.days = (0..7)
            .map(|i| {
                let date = monday + chrono::Duration::days(i);
                let done = self.records.iter().filter(|r| r.date == date && r.end == EndReason::Completed).count();
                DayBar { date, done: done as u32, is_today: date == today }
            })
            .collect();
        self.view.progress.streak_days = progress::streak(&self.records, band.0, today);
        self.view.progress.rom = progress::rom_weeks(&self.records);
        let mut sessions = self.records.clone();
        sessions.reverse();
        self.view.history.sessions = sessions;
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
    let mut rt = Runtime::new(cfg, Now::read());
    let mut last = rt.view().clone();
    publish(&last);
    loop {
        let tick = if rt.busy() { Duration::from_millis(50) } else { Duration::from_secs(5) };
        tokio::select! {
            cmd = commands.next() => match cmd {
                Some(c) => rt.handle(c, Now::read()),
                None => break,
            },
            _ = tokio::time::sleep(tick) => {
                let now = Now::read();
                rt.tick(now);
                if !rt.busy() {
                    rt.refresh(now);
                }
            }
        }
        if *rt.view() != last {
            last = rt.view().clone();
            publish(&last);
        }
    }
}
