//! Small derived numbers for Today and Progress from the session records:
//! when the next session is due, the streak, mean range per side and week.
//! (To be replaced by `core::plan` when it lands.)

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::view::{EndReason, RomWeek, SessionRecord};
use crate::sensor::capture::Side;

/// The waking day sessions are spread over.
const DAY_START_H: u32 = 8;
const DAY_END_H: u32 = 20;

/// "now", "at HH:MM" or "tomorrow".
pub fn next_due(now: NaiveDateTime, done_today: u32, band: (u32, u32), last_today: Option<&str>) -> String {
    if done_today >= band.1.max(1) {
        return "tomorrow".into();
    }
    let Some(last) = last_today.and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok()) else {
        return "now".into();
    };
    let spacing_min = i64::from((DAY_END_H - DAY_START_H) * 60 / band.1.max(1));
    let due = last + chrono::Duration::minutes(spacing_min);
    let end = NaiveTime::from_hms_opt(DAY_END_H, 0, 0).unwrap_or_default();
    if due < last || due > end {
        "tomorrow".into()
    } else if due <= now.time() {
        "now".into()
    } else {
        format!("at {}", due.format("%H:%M"))
    }
}

/// Days in a row, ending today (or yesterday when today is not yet met), with at least `min` sessions.
pub fn streak(records: &[SessionRecord], min: u32, today: NaiveDate) -> u32 {
    let done = |d: NaiveDate| records.iter().filter(|r| r.date == d && r.end == EndReason::Completed).count() as u32;
    let mut day = if done(today) >= min.max(1) { today } else { today - chrono::Duration::days(1) };
    let mut n = 0;
    while done(day) >= min.max(1) {
        n += 1;
        day -= chrono::Duration::days(1);
    }
    n
}

/// Mean peaks per ISO week and side, oldest first.
pub fn rom_weeks(records: &[SessionRecord]) -> Vec<RomWeek> {
    let mut keys: Vec<(i32, u32, Side)> = Vec::new();
    for r in records.iter().filter(|r| !r.reps.is_empty()) {
        let w = r.date.iso_week();
        let k = (w.year(), w.week(), r.side);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.sort_by_key(|k| (k.0, k.1, k.2.as_str()));
    keys.into_iter()
        .map(|(y, wk, side)| {
            let reps: Vec<_> = records
                .iter()
                .filter(|r| r.side == side && r.date.iso_week().year() == y && r.date.iso_week().week() == wk)
                .flat_map(|r| r.reps.iter())
                .collect();
            let n = reps.len() as f64;
            RomWeek {
                week: format!("{y}-W{wk:02}"),
                side,
                dorsi_deg: reps.iter().map(|r| r.peak_dorsi_deg).sum::<f64>() / n,
                plantar_deg: reps.iter().map(|r| r.peak_plantar_deg).sum::<f64>() / n,
                rom_deg: reps.iter().map(|r| r.rom_deg).sum::<f64>() / n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn next_session_is_due_now_then_spaced_then_tomorrow() {
        assert_eq!(next_due(at(9, 0), 0, (3, 4), None), "now");
        assert_eq!(next_due(at(9, 0), 1, (3, 4), Some("08:30")), "at 11:30");
        assert_eq!(next_due(at(12, 0), 1, (3, 4), Some("08:30")), "now");
        assert_eq!(next_due(at(19, 0), 1, (1, 2), Some("18:00")), "tomorrow");
        assert_eq!(next_due(at(9, 0), 2, (1, 2), Some("08:30")), "tomorrow");
    }

    fn rec(date: NaiveDate, end: EndReason) -> SessionRecord {
        SessionRecord { id: 1, date, time: "09:00".into(), side: Side::Left, planned: 5, reps: vec![], pain: None, end }
    }

    #[test]
    fn streak_counts_met_days_and_forgives_an_unfinished_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let d = |n: i64| today - chrono::Duration::days(n);
        let recs = vec![rec(d(1), EndReason::Completed), rec(d(2), EndReason::Completed), rec(d(3), EndReason::Pain)];
        assert_eq!(streak(&recs, 1, today), 2);
        let mut with_today = recs.clone();
        with_today.push(rec(today, EndReason::Completed));
        assert_eq!(streak(&with_today, 1, today), 3);
        assert_eq!(streak(&recs, 2, today), 0);
    }
}
