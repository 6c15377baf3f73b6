//! Progress per foot over ISO weeks (by each session's local date): the mean
//! of the per-session means and the best single rep for dorsiflexion,
//! plantarflexion and range of motion, and the ROM trend in degrees per
//! week (least-squares slope over the weeks that have sessions).

use chrono::{Datelike, IsoWeek};
use serde::{Deserialize, Serialize};

use super::adherence::WeekAdherence;
use super::{format_iso_week, SessionFacts};
use crate::sensor::capture::Side;

/// One foot in one week. Degrees are None when the week has no reps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekStats {
    /// `2026-W47`.
    pub week: String,
    pub sessions: u32,
    pub reps: u32,
    pub mean_dorsi_deg: Option<f64>,
    pub best_dorsi_deg: Option<f64>,
    pub mean_plantar_deg: Option<f64>,
    pub best_plantar_deg: Option<f64>,
    pub mean_rom_deg: Option<f64>,
    pub best_rom_deg: Option<f64>,
}

/// One foot over a run of weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideProgress {
    pub side: Side,
    pub weeks: Vec<WeekStats>,
    /// Degrees of mean ROM gained per week; None with fewer than two weeks of data.
    pub rom_trend_deg_per_week: Option<f64>,
}

fn same_week(a: IsoWeek, b: IsoWeek) -> bool {
    a.year() == b.year() && a.week() == b.week()
}

fn week_stats(sessions: &[&SessionFacts], week: IsoWeek) -> WeekStats {
    let with_reps: Vec<_> = sessions.iter().filter_map(|s| s.stats.filter(|st| st.reps > 0)).collect();
    let n = with_reps.len() as f64;
    let mean = |f: fn(&super::RepStats) -> f64| (n > 0.0).then(|| with_reps.iter().map(f).sum::<f64>() / n);
    let best = |f: fn(&super::RepStats) -> f64| with_reps.iter().map(f).reduce(f64::max);
    WeekStats {
        week: format_iso_week(week),
        sessions: sessions.len() as u32,
        reps: with_reps.iter().map(|s| s.reps).sum(),
        mean_dorsi_deg: mean(|s| s.mean_dorsi_deg),
        best_dorsi_deg: best(|s| s.best_dorsi_deg),
        mean_plantar_deg: mean(|s| s.mean_plantar_deg),
        best_plantar_deg: best(|s| s.best_plantar_deg),
        mean_rom_deg: mean(|s| s.mean_rom_deg),
        best_rom_deg: best(|s| s.best_rom_deg),
    }
}

/// Least-squares slope of y over x; None with fewer than two points.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Progress of each foot that has sessions, over `weeks` (in order).
pub fn progress(sessions: &[SessionFacts], weeks: &[IsoWeek]) -> Vec<SideProgress> {
    [Side::Left, Side::Right]
        .into_iter()
        .filter_map(|side| {
            let mine: Vec<&SessionFacts> = sessions.iter().filter(|s| s.side == side).collect();
            let stats: Vec<WeekStats> = weeks
                .iter()
                .map(|w| {
                    let in_week: Vec<&SessionFacts> =
                        mine.iter().copied().filter(|s| same_week(s.local_date().iso_week(), *w)).collect();
                    week_stats(&in_week, *w)
                })
                .collect();
            if stats.iter().all(|w| w.sessions == 0) {
                return None;
            }
            let points: Vec<(f64, f64)> =
                stats.iter().enumerate().filter_map(|(i, w)| w.mean_rom_deg.map(|r| (i as f64, r))).collect();
            Some(SideProgress { side, weeks: stats, rom_trend_deg_per_week: slope(&points) })
        })
        .collect()
}

/// What the weekly progress screen and chart show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekReport {
    pub plan: super::Plan,
    pub adherence: WeekAdherence,
    pub streak: super::Streak,
    /// Per foot, the weeks up to and including the reported one.
    pub progress: Vec<SideProgress>,
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::super::{parse_iso_week, RepStats, SessionStatus};
    use super::*;

    fn session(rfc3339: &str, side: Side, rom: f64) -> SessionFacts {
        let t = DateTime::parse_from_rfc3339(rfc3339).expect("time");
        SessionFacts {
            start_utc: t.with_timezone(&Utc),
            utc_offset_s: t.offset().local_minus_utc(),
            side,
            planned_reps: 20,
            done_reps: 20,
            status: SessionStatus::Completed,
            stats: Some(RepStats {
                reps: 20,
                mean_dorsi_deg: rom / 2.0,
                best_dorsi_deg: rom / 2.0 + 2.0,
                mean_plantar_deg: rom / 2.0,
                best_plantar_deg: rom / 2.0 + 3.0,
                mean_rom_deg: rom,
                best_rom_deg: rom + 5.0,
                mean_hold_dorsi_s: 3.0,
                mean_hold_plantar_s: 3.0,
            }),
        }
    }

    #[test]
    fn weekly_means_bests_and_trend_per_side() {
        let weeks: Vec<IsoWeek> =
            ["2026-W45", "2026-W46", "2026-W47"].iter().filter_map(|w| parse_iso_week(w)).collect();
        let s = vec![
            session("2026-11-03T09:00:00+00:00", Side::Left, 20.0),
            session("2026-11-04T09:00:00+00:00", Side::Left, 30.0),
            session("2026-11-10T09:00:00+00:00", Side::Left, 30.0),
            session("2026-11-17T09:00:00+00:00", Side::Left, 35.0),
            session("2026-11-17T10:00:00+00:00", Side::Right, 12.0),
        ];
        let p = progress(&s, &weeks);
        assert_eq!(p.len(), 2);
        let left = &p[0];
        assert_eq!(left.side, Side::Left);
        assert_eq!(left.weeks[0].sessions, 2);
        assert_eq!(left.weeks[0].mean_rom_deg, Some(25.0));
        assert_eq!(left.weeks[0].best_rom_deg, Some(35.0));
        assert_eq!(left.weeks[0].reps, 40);
        assert_eq!(left.rom_trend_deg_per_week, Some(5.0), "25 → 30 → 35");
        let right = &p[1];
        assert_eq!(right.weeks[0].mean_rom_deg, None);
        assert_eq!(right.rom_trend_deg_per_week, None, "one week of data has no trend");
    }

    #[test]
    fn a_foot_without_sessions_is_left_out() {
        let weeks = vec![parse_iso_week("2026-W47").expect("week")];
        let s = vec![session("2026-11-17T09:00:00+00:00", Side::Right, 12.0)];
        let p = progress(&s, &weeks);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].side, Side::Right);
    }
}
