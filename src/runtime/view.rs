//! What the screens show: plain structs the runtime fills and the UI
//! renders. No behaviour beyond small derived texts, so components stay
//! simple and testable with fixed values.

use chrono::{NaiveDate, NaiveTime};

use crate::core::coach::CoachView;
use crate::core::plan::Sides;
use crate::core::reps::Rep;
use crate::sensor::capture::Side;

/// The app's screens (the navigation bar's entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    #[default]
    Today,
    Pair,
    Session,
    Progress,
    History,
    Settings,
}

impl Screen {
    pub const ALL: [Screen; 6] =
        [Screen::Today, Screen::Pair, Screen::Session, Screen::Progress, Screen::History, Screen::Settings];
    pub fn label(self) -> &'static str {
        match self {
            Screen::Today => "Today",
            Screen::Pair => "Sensor",
            Screen::Session => "Session",
            Screen::Progress => "Progress",
            Screen::History => "History",
            Screen::Settings => "Settings",
        }
    }
}

/// The sensor connection as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkState {
    #[default]
    NotConnected,
    Connecting,
    Connected,
    Reconnecting,
    Lost,
}

impl LinkState {
    /// The link is down: a running session shows "Reconnecting…" until it is back.
    pub fn reconnecting(self) -> bool {
        matches!(self, LinkState::Reconnecting | LinkState::Lost)
    }
    pub fn label(self) -> &'static str {
        match self {
            LinkState::NotConnected => "Not connected",
            LinkState::Connecting => "Connecting…",
            LinkState::Connected => "Connected",
            LinkState::Reconnecting => "Reconnecting…",
            LinkState::Lost => "Connection lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SensorView {
    pub name: Option<String>,
    pub demo: bool,
    pub state: LinkState,
    pub battery_pct: Option<u8>,
}

/// A sessions-per-day preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PresetChoice {
    #[default]
    General,
    PostOp,
    Custom,
}

impl PresetChoice {
    pub const ALL: [PresetChoice; 3] = [PresetChoice::General, PresetChoice::PostOp, PresetChoice::Custom];
    pub fn label(self) -> &'static str {
        match self {
            PresetChoice::General => "General (1–2 a day)",
            PresetChoice::PostOp => "After surgery (3–4 a day)",
            PresetChoice::Custom => "Custom",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsView {
    pub preset: PresetChoice,
    /// Sessions a day (the preset's band).
    pub band: (u32, u32),
    pub reps: u32,
    pub hold_s: u32,
    /// The foot or feet the plan exercises (both: one session per foot).
    pub sides: Sides,
    pub reminders: bool,
    pub message: Option<String>,
}

impl Default for SettingsView {
    fn default() -> Self {
        SettingsView {
            preset: PresetChoice::General,
            band: (1, 2),
            reps: 20,
            hold_s: 3,
            sides: Sides::Right,
            reminders: true,
            message: None,
        }
    }
}

/// When the next session is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NextDue {
    #[default]
    Now,
    /// Later today, at this local time.
    At(NaiveTime),
    Tomorrow,
}

impl NextDue {
    /// "now", "at 14:30", "tomorrow".
    pub fn label(self) -> String {
        match self {
            NextDue::Now => "now".into(),
            NextDue::At(t) => format!("at {}", t.format("%H:%M")),
            NextDue::Tomorrow => "tomorrow".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TodayView {
    pub done: u32,
    pub band: (u32, u32),
    pub next_due: NextDue,
    pub reminder: Option<String>,
    /// A session is running (on this or any other screen): Today leads back to it.
    pub in_progress: bool,
}

/// One sensor in the scan list.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub rssi_dbm: Option<i16>,
    pub battery_pct: Option<u8>,
    pub demo: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairView {
    pub scanning: bool,
    pub devices: Vec<DeviceRow>,
    /// The remembered sensor's id.
    pub remembered: Option<String>,
    pub message: Option<String>,
}

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionStage {
    /// Choosing the side, Start button.
    #[default]
    Ready,
    Running,
    /// The planned reps are done (or the session was stopped): ask for pain.
    AskPain,
    /// Pain recorded: the summary.
    Summary,
    /// Sharp pain: stop advice and the red-flag checklist.
    PainStop,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionView {
    pub stage: SessionStage,
    pub side: Option<Side>,
    pub coach: Option<CoachView>,
    pub angle_deg: f64,
    /// The target range of the gauge (degrees up, degrees down), from the best reps so far.
    pub target_up_deg: f64,
    pub target_down_deg: f64,
    pub reps: Vec<Rep>,
    pub pain: Option<u8>,
    pub message: Option<String>,
}

/// How a session ended (`Open`: it is still running), as the store keeps it.
pub use crate::core::plan::SessionStatus as EndReason;

/// A stored session (finished, or in progress).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub id: u64,
    pub date: NaiveDate,
    /// Local start time.
    pub time: NaiveTime,
    pub side: Side,
    pub planned: u32,
    /// Reps done.
    pub done: u32,
    /// The reps themselves, loaded for the session opened in History.
    pub reps: Vec<Rep>,
    pub pain: Option<u8>,
    pub end: EndReason,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryView {
    /// Newest first.
    pub sessions: Vec<SessionRecord>,
    pub open: Option<u64>,
    /// A problem with the saved history, in one line.
    pub message: Option<String>,
}

/// One day of the week's adherence.
#[derive(Debug, Clone, PartialEq)]
pub struct DayBar {
    pub date: NaiveDate,
    pub done: u32,
    pub is_today: bool,
}

/// Mean peaks of one side over one week.
#[derive(Debug, Clone, PartialEq)]
pub struct RomWeek {
    pub week: String,
    pub side: Side,
    pub dorsi_deg: f64,
    pub plantar_deg: f64,
    pub rom_deg: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgressView {
    pub days: Vec<DayBar>,
    pub band: (u32, u32),
    pub streak_days: u32,
    pub rom: Vec<RomWeek>,
    pub open_day: Option<NaiveDate>,
    /// The weekly chart (SVG drawn by `chart`) and its text alternative.
    pub chart_svg: Option<String>,
    pub chart_alt: String,
}

/// Everything the app shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppView {
    pub screen: Screen,
    pub sensor: SensorView,
    pub today: TodayView,
    pub pair: PairView,
    pub session: SessionView,
    pub progress: ProgressView,
    pub history: HistoryView,
    pub settings: SettingsView,
}
