//! What adherence and progress know about a stored session: how it ended,
//! the summary of its reps, and the local calendar day it belongs to (from
//! the UTC offset stored with it).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::core::reps::Rep;
use crate::sensor::capture::Side;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Still running (or left open by a crash, until the next start).
    Open,
    Completed,
    Stopped,
    /// Stopped because it hurt.
    StoppedForPain,
    /// Found open at the next start: the app crashed or was killed.
    Interrupted,
}

impl SessionStatus {
    /// Words for a screen ("in progress", "stopped early", …).
    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Open => "in progress",
            SessionStatus::Completed => "completed",
            SessionStatus::Stopped => "stopped early",
            SessionStatus::StoppedForPain => "stopped for pain",
            SessionStatus::Interrupted => "interrupted",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Open => "open",
            SessionStatus::Completed => "completed",
            SessionStatus::Stopped => "stopped",
            SessionStatus::StoppedForPain => "stopped_for_pain",
            SessionStatus::Interrupted => "interrupted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Completed, Self::Stopped, Self::StoppedForPain, Self::Interrupted]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Per-session summary of its reps (degrees positive, as in the contract).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RepStats {
    pub reps: u32,
    pub mean_dorsi_deg: f64,
    pub best_dorsi_deg: f64,
    pub mean_plantar_deg: f64,
    pub best_plantar_deg: f64,
    pub mean_rom_deg: f64,
    pub best_rom_deg: f64,
    pub mean_hold_dorsi_s: f64,
    pub mean_hold_plantar_s: f64,
}

impl RepStats {
    /// None when there are no reps.
    pub fn from_reps(reps: &[Rep]) -> Option<Self> {
        if reps.is_empty() {
            return None;
        }
        let n = reps.len() as f64;
        let mean = |f: fn(&Rep) -> f64| reps.iter().map(f).sum::<f64>() / n;
        let best = |f: fn(&Rep) -> f64| reps.iter().map(f).fold(f64::MIN, f64::max);
        Some(RepStats {
            reps: reps.len() as u32,
            mean_dorsi_deg: mean(|r| r.peak_dorsi_deg),
            best_dorsi_deg: best(|r| r.peak_dorsi_deg),
            mean_plantar_deg: mean(|r| r.peak_plantar_deg),
            best_plantar_deg: best(|r| r.peak_plantar_deg),
            mean_rom_deg: mean(|r| r.rom_deg),
            best_rom_deg: best(|r| r.rom_deg),
            mean_hold_dorsi_s: mean(|r| r.hold_dorsi_s),
            mean_hold_plantar_s: mean(|r| r.hold_plantar_s),
        })
    }
}

/// What adherence and progress need to know about one stored session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFacts {
    pub start_utc: DateTime<Utc>,
    /// Seconds east of UTC in force where and when the session started.
    pub utc_offset_s: i32,
    pub side: Side,
    pub planned_reps: u32,
    pub done_reps: u32,
    pub status: SessionStatus,
    pub stats: Option<RepStats>,
}

impl SessionFacts {
    /// The local calendar day the session started on.
    pub fn local_date(&self) -> NaiveDate {
        local_date(self.start_utc, self.utc_offset_s)
    }
    /// A session counts toward adherence when it reached its planned reps.
    pub fn counts(&self) -> bool {
        self.planned_reps > 0 && self.done_reps >= self.planned_reps
    }
}

/// The local calendar day of a UTC instant at a given offset (seconds east).
pub fn local_date(utc: DateTime<Utc>, utc_offset_s: i32) -> NaiveDate {
    (utc.naive_utc() + Duration::seconds(i64::from(utc_offset_s))).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_uses_the_offset_in_force() {
        let utc = DateTime::parse_from_rfc3339("2026-11-21T03:30:00Z").expect("time").with_timezone(&Utc);
        assert_eq!(local_date(utc, -5 * 3600), NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        assert_eq!(local_date(utc, 0), NaiveDate::from_ymd_opt(2026, 11, 21).unwrap());
    }

    #[test]
    fn rep_stats_mean_and_best() {
        let rep = |d: f64, p: f64| Rep {
            start_s: 0.0,
            end_s: 1.0,
            peak_dorsi_deg: d,
            peak_plantar_deg: p,
            rom_deg: d + p,
            hold_dorsi_s: 1.0,
            hold_plantar_s: 2.0,
            detected_s: 1.1,
        };
        let s = RepStats::from_reps(&[rep(10.0, 20.0), rep(20.0, 30.0)]).expect("stats");
        assert_eq!((s.reps, s.mean_dorsi_deg, s.best_dorsi_deg), (2, 15.0, 20.0));
        assert_eq!((s.mean_rom_deg, s.best_rom_deg, s.mean_hold_plantar_s), (40.0, 50.0, 2.0));
        assert!(RepStats::from_reps(&[]).is_none());
    }
}
