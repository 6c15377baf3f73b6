//! The waking day of the Hourly preset: a short set of ankle pumps every
//! waking hour, for long sitting, travel and bed rest.
//!
//! Source: the clinical texts the presets follow ask for ankle pumps "every
//! 1–2 hours if sedentary or post-surgery", "at least once an hour" on long
//! sitting, and "5 minutes every hour" after surgery; the WHO Research Into
//! Global Hazards of Travel (WRIGHT) project (WHO, 2007) and the CDC's
//! "Blood Clots and Travel" advice recommend exercising the calf muscles
//! (flexing the ankles) during long journeys to lower the risk of deep-vein
//! thrombosis. Hence 10–20 reps (about 2–5 minutes) once every hour awake,
//! 08:00–20:00 by default.
//!
//! Adherence counts waking hours, not sessions: an hour is done when a
//! session that reached its planned reps started in it (by the wall clock
//! in force at its start), so two sessions in one hour count once and a
//! day with sessions in 9 of its 12 hours reads "9 of 12".

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::{t, DayBand, PlanError};

/// Whole local hours `start_h..end_h` (e.g. 8..20 is 08:00–20:00, 12 hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WakingHours {
    pub start_h: u32,
    pub end_h: u32,
}

impl Default for WakingHours {
    fn default() -> Self {
        WakingHours { start_h: 8, end_h: 20 }
    }
}

impl WakingHours {
    /// How many waking hours the day has.
    pub fn hours(self) -> u32 {
        self.end_h.saturating_sub(self.start_h)
    }

    /// One session per waking hour.
    pub fn band(self) -> DayBand {
        DayBand { min: self.hours(), max: self.hours() }
    }

    /// The start of every waking hour (the hourly plan's reminders).
    pub fn hour_starts(self) -> Vec<NaiveTime> {
        (self.start_h..self.end_h.min(24)).map(|h| t(h, 0)).collect()
    }

    /// The waking hour (0-based from `start_h`) a local time falls in.
    pub fn hour_index(self, time: NaiveTime) -> Option<u32> {
        let h = time.hour();
        (self.start_h..self.end_h).contains(&h).then(|| h - self.start_h)
    }

    pub fn validate(self) -> Result<(), PlanError> {
        if self.start_h < self.end_h && self.end_h <= 24 {
            Ok(())
        } else {
            Err(PlanError::Waking { start: self.start_h, end: self.end_h })
        }
    }

    /// `08-20`.
    pub fn format(self) -> String {
        format!("{:02}-{:02}", self.start_h, self.end_h)
    }

    /// Parses `08-20` (or `8-20`); None unless it validates.
    pub fn parse(s: &str) -> Option<Self> {
        let (a, b) = s.trim().split_once('-')?;
        let w = WakingHours { start_h: a.trim().parse().ok()?, end_h: b.trim().parse().ok()? };
        w.validate().ok().map(|()| w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_of_the_waking_day() {
        let w = WakingHours::default();
        assert_eq!(w.hours(), 12);
        assert_eq!(w.hour_index(t(8, 0)), Some(0));
        assert_eq!(w.hour_index(t(19, 59)), Some(11));
        assert_eq!(w.hour_index(t(20, 0)), None, "20:00 is the end of the day");
        assert_eq!(w.hour_index(t(7, 59)), None);
        assert_eq!(WakingHours::parse("7-22"), Some(WakingHours { start_h: 7, end_h: 22 }));
        assert_eq!(WakingHours::parse(&w.format()), Some(w));
        assert_eq!(WakingHours::parse("20-08"), None);
        assert_eq!(WakingHours::parse("8-25"), None);
    }
}
