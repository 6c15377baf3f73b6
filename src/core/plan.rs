//! The user's exercise plan and the facts about sessions that adherence and
//! progress are computed from. Pure: no I/O and no clock. "Now" and the
//! local UTC offset are always arguments, and each session carries the UTC
//! offset that was in force when it started, so the local calendar day of a
//! session never changes after the fact (DST changes, travel).
//!
//! Presets follow the clinical texts: General — 1–2 sessions a day; Post-op —
//! 3–4 a day; both default to 20 reps (10–30, progressing toward 50–60) with
//! 3–5 s holds (post-op may hold up to 10 s); Custom lets the user choose.
//! Hourly (long sitting, travel, bed rest) is a short session every waking
//! hour, counted per hour: see [`waking`].

pub mod adherence;
pub mod facts;
pub mod progress;
pub mod reminders;
pub mod waking;

use chrono::{Datelike, IsoWeek, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::sensor::capture::Side;

pub use adherence::{day_adherence, streak, week_adherence, BandStatus, DayAdherence, Streak, WeekAdherence};
pub use facts::{local_date, RepStats, SessionFacts, SessionStatus};
pub use progress::{progress, SideProgress, WeekReport, WeekStats};
pub use reminders::{decide, next_reminder, today_next, NextDue, QuietHours, ReminderDecision, Silence};
pub use waking::WakingHours;

/// A starting plan from the clinical texts, or the user's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    General,
    PostOp,
    Custom,
    /// A short session every waking hour (long sitting, travel, bed rest).
    Hourly,
}

/// What a preset prescribes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PresetInfo {
    pub label: &'static str,
    /// Sessions a day (the adherence band).
    pub sessions_per_day: DayBand,
    pub reps_default: u32,
    /// Allowed reps per session.
    pub reps_range: (u32, u32),
    /// Where the reps progress toward.
    pub reps_goal: (u32, u32),
    pub hold_default_s: f64,
    /// Allowed hold seconds.
    pub hold_range_s: (f64, f64),
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::General, Preset::PostOp, Preset::Custom, Preset::Hourly];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::General => "general",
            Preset::PostOp => "post-op",
            Preset::Custom => "custom",
            Preset::Hourly => "hourly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "general" => Some(Preset::General),
            "post-op" | "postop" => Some(Preset::PostOp),
            "custom" => Some(Preset::Custom),
            "hourly" => Some(Preset::Hourly),
            _ => None,
        }
    }

    pub fn info(self) -> PresetInfo {
        let base = PresetInfo {
            label: "General",
            sessions_per_day: DayBand { min: 1, max: 2 },
            reps_default: 20,
            reps_range: (10, 60),
            reps_goal: (50, 60),
            hold_default_s: 3.0,
            hold_range_s: (3.0, 5.0),
        };
        match self {
            Preset::General => base,
            Preset::PostOp => PresetInfo {
                label: "Post-op",
                sessions_per_day: DayBand { min: 3, max: 4 },
                hold_range_s: (3.0, 10.0),
                ..base
            },
            Preset::Custom => PresetInfo {
                label: "Custom",
                reps_range: (1, 100),
                hold_default_s: 3.0,
                hold_range_s: (0.0, 10.0),
                ..base
            },
            // See `waking` for the source; the band is the default waking day's hours.
            Preset::Hourly => PresetInfo {
                label: "Hourly",
                sessions_per_day: WakingHours::default().band(),
                reps_default: 10,
                reps_range: (10, 20),
                reps_goal: (10, 20),
                ..base
            },
        }
    }
}

/// Sessions a day that count as "enough" (inclusive band).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBand {
    pub min: u32,
    pub max: u32,
}

/// Which foot or feet the plan exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sides {
    Left,
    Right,
    Both,
}

impl Sides {
    pub fn as_str(self) -> &'static str {
        match self {
            Sides::Left => "left",
            Sides::Right => "right",
            Sides::Both => "both",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "both" => Some(Sides::Both),
            other => Side::parse(other).map(Sides::from),
        }
    }
    pub fn includes(self, side: Side) -> bool {
        matches!((self, side), (Sides::Both, _) | (Sides::Left, Side::Left) | (Sides::Right, Side::Right))
    }
    /// The one side, when the plan has one.
    pub fn single(self) -> Option<Side> {
        match self {
            Sides::Left => Some(Side::Left),
            Sides::Right => Some(Side::Right),
            Sides::Both => None,
        }
    }
}

impl From<Side> for Sides {
    fn from(s: Side) -> Self {
        match s {
            Side::Left => Sides::Left,
            Side::Right => Sides::Right,
        }
    }
}

/// The user's plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub preset: Preset,
    pub sides: Sides,
    pub reps_per_session: u32,
    pub hold_s: f64,
    /// The adherence band; the preset's own unless Custom.
    pub sessions_per_day: DayBand,
    /// Local times of day for reminders.
    pub reminders: Vec<NaiveTime>,
    /// The waking day an hourly plan spreads its sessions over.
    #[serde(default)]
    pub waking: WakingHours,
}

/// A plan the presets do not allow.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlanError {
    #[error("{preset} plans allow {min}–{max} reps per session, not {got}")]
    Reps { preset: &'static str, min: u32, max: u32, got: u32 },
    #[error("{preset} plans allow holds of {min}–{max} s, not {got}")]
    Hold { preset: &'static str, min: f64, max: f64, got: f64 },
    #[error("sessions per day must be 1–12 with min ≤ max, not {min}–{max}")]
    Band { min: u32, max: u32 },
    #[error("a {preset} plan keeps its own band of {min}–{max} sessions a day")]
    PresetBand { preset: &'static str, min: u32, max: u32 },
    #[error("waking hours must start before they end, within 00–24, not {start:02}–{end:02}")]
    Waking { start: u32, end: u32 },
}

impl Plan {
    /// The preset's defaults for the given feet.
    pub fn from_preset(preset: Preset, sides: Sides) -> Self {
        let info = preset.info();
        let waking = WakingHours::default();
        let reminders = match preset {
            Preset::PostOp => vec![t(8, 0), t(12, 0), t(16, 0), t(20, 0)],
            Preset::Hourly => waking.hour_starts(),
            _ => vec![t(9, 0), t(18, 0)],
        };
        Plan {
            preset,
            sides,
            reps_per_session: info.reps_default,
            hold_s: info.hold_default_s,
            sessions_per_day: info.sessions_per_day,
            reminders,
            waking,
        }
    }

    /// The plan with another waking day; an hourly plan's band and reminders follow it.
    pub fn with_waking(self, waking: WakingHours) -> Self {
        if self.preset == Preset::Hourly {
            Plan { sessions_per_day: waking.band(), reminders: waking.hour_starts(), waking, ..self }
        } else {
            Plan { waking, ..self }
        }
    }

    /// Adherence counts waking hours with a session, not sessions.
    pub fn per_hour(&self) -> bool {
        self.preset == Preset::Hourly
    }

    /// Checks the plan against its preset's limits.
    pub fn validate(&self) -> Result<(), PlanError> {
        let info = self.preset.info();
        let (rmin, rmax) = info.reps_range;
        if !(rmin..=rmax).contains(&self.reps_per_session) {
            return Err(PlanError::Reps { preset: info.label, min: rmin, max: rmax, got: self.reps_per_session });
        }
        let (hmin, hmax) = info.hold_range_s;
        if !(self.hold_s.is_finite() && self.hold_s >= hmin && self.hold_s <= hmax) {
            return Err(PlanError::Hold { preset: info.label, min: hmin, max: hmax, got: self.hold_s });
        }
        self.waking.validate()?;
        let band = self.sessions_per_day;
        if self.preset == Preset::Hourly {
            let b = self.waking.band();
            return if band == b {
                Ok(())
            } else {
                Err(PlanError::PresetBand { preset: info.label, min: b.min, max: b.max })
            };
        }
        if band.min == 0 || band.min > band.max || band.max > 12 {
            return Err(PlanError::Band { min: band.min, max: band.max });
        }
        if self.preset != Preset::Custom && band != info.sessions_per_day {
            let b = info.sessions_per_day;
            return Err(PlanError::PresetBand { preset: info.label, min: b.min, max: b.max });
        }
        Ok(())
    }
}

impl Default for Plan {
    fn default() -> Self {
        Plan::from_preset(Preset::General, Sides::Left)
    }
}

pub(crate) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Parses `2026-W47` (ISO 8601 week).
pub fn parse_iso_week(s: &str) -> Option<IsoWeek> {
    let (y, w) = s.trim().split_once(['-'])?;
    let w = w.strip_prefix('W').or_else(|| w.strip_prefix('w'))?;
    let d = NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, Weekday::Mon)?;
    Some(d.iso_week())
}

/// Formats an ISO week as `2026-W47`.
pub fn format_iso_week(w: IsoWeek) -> String {
    format!("{}-W{:02}", w.year(), w.week())
}

/// The Monday of an ISO week.
pub fn week_monday(w: IsoWeek) -> NaiveDate {
    NaiveDate::from_isoywd_opt(w.year(), w.week(), Weekday::Mon).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_follow_the_clinical_texts() {
        let g = Plan::from_preset(Preset::General, Sides::Left);
        assert_eq!(g.sessions_per_day, DayBand { min: 1, max: 2 });
        assert_eq!(g.reps_per_session, 20);
        let p = Plan::from_preset(Preset::PostOp, Sides::Both);
        assert_eq!(p.sessions_per_day, DayBand { min: 3, max: 4 });
        assert!(g.validate().is_ok() && p.validate().is_ok());
        assert!(Plan { hold_s: 10.0, ..p.clone() }.validate().is_ok(), "post-op may hold 10 s");
        assert!(matches!(Plan { hold_s: 10.0, ..g.clone() }.validate(), Err(PlanError::Hold { .. })));
        assert!(matches!(Plan { reps_per_session: 5, ..g.clone() }.validate(), Err(PlanError::Reps { .. })));
        assert!(Plan { reps_per_session: 55, ..g.clone() }.validate().is_ok(), "progressing toward 50–60");
        let band = DayBand { min: 2, max: 5 };
        assert!(matches!(Plan { sessions_per_day: band, ..g.clone() }.validate(), Err(PlanError::PresetBand { .. })));
        let custom = Plan { preset: Preset::Custom, sessions_per_day: band, reps_per_session: 5, ..g };
        assert!(custom.validate().is_ok());
    }

    #[test]
    fn the_hourly_preset_is_a_short_session_every_waking_hour() {
        let h = Plan::from_preset(Preset::Hourly, Sides::Left);
        assert_eq!(h.sessions_per_day, DayBand { min: 12, max: 12 }, "08:00–20:00 is 12 waking hours");
        assert_eq!(h.reminders.len(), 12);
        assert_eq!((h.reminders[0], h.reminders[11]), (t(8, 0), t(19, 0)));
        assert_eq!(h.reps_per_session, 10);
        assert!(h.validate().is_ok());
        assert!(matches!(Plan { reps_per_session: 25, ..h.clone() }.validate(), Err(PlanError::Reps { .. })));
        let longer = h.clone().with_waking(WakingHours { start_h: 7, end_h: 23 });
        assert_eq!((longer.sessions_per_day.max, longer.reminders.len()), (16, 16));
        assert!(longer.validate().is_ok(), "an hourly plan may have more than 12 sessions");
        let bad = Plan { waking: WakingHours { start_h: 20, end_h: 8 }, ..h.clone() };
        assert!(matches!(bad.validate(), Err(PlanError::Waking { .. })));
        let general = Plan::default().with_waking(WakingHours { start_h: 7, end_h: 23 });
        assert_eq!(general.sessions_per_day, DayBand { min: 1, max: 2 }, "other presets keep their band");
    }

    #[test]
    fn names_round_trip() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Some(p));
        }
        assert_eq!(Sides::parse("R"), Some(Sides::Right));
        assert_eq!(Sides::parse("both"), Some(Sides::Both));
        assert_eq!(SessionStatus::parse("stopped_for_pain"), Some(SessionStatus::StoppedForPain));
        assert_eq!(SessionStatus::parse("nope"), None);
    }

    #[test]
    fn iso_weeks_parse_and_format() {
        let w = parse_iso_week("2026-W47").expect("valid week");
        assert_eq!(format_iso_week(w), "2026-W47");
        assert_eq!(week_monday(w), NaiveDate::from_ymd_opt(2026, 11, 16).expect("date"));
        assert!(parse_iso_week("2026-W54").is_none());
        assert!(parse_iso_week("2026-47").is_none());
        assert_eq!(
            week_monday(parse_iso_week("2027-W01").expect("week")),
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
        );
    }
}
