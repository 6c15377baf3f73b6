//! When the next session is due, for Today: sessions spread evenly over the
//! waking day by the plan's band.

use chrono::{NaiveDateTime, NaiveTime};

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

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
}
