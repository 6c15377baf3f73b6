//! When the next session is due, for Today: at the plan's next reminder time
//! not yet covered by a session, or (without reminders) spread evenly over
//! the waking day by the plan's band.

use chrono::{NaiveDateTime, NaiveTime};

/// The waking day sessions are spread over.
const DAY_START_H: u32 = 8;
const DAY_END_H: u32 = 20;

/// "now", "at HH:MM" or "tomorrow", from the plan's reminder times.
pub fn next_reminder(now: NaiveDateTime, done_today: u32, band: (u32, u32), reminders: &[NaiveTime]) -> String {
    if done_today >= band.1.max(1) {
        return "tomorrow".into();
    }
    let mut times = reminders.to_vec();
    times.sort();
    // Each session done today answers one reminder, earliest first.
    match times.get(done_today as usize) {
        None => "tomorrow".into(),
        Some(t) if *t <= now.time() => "now".into(),
        Some(t) => format!("at {}", t.format("%H:%M")),
    }
}

/// "now", "at HH:MM" or "tomorrow", sessions spaced evenly by the band.
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

    #[test]
    fn next_session_follows_the_reminder_times() {
        let r = [NaiveTime::from_hms_opt(18, 0, 0).unwrap(), NaiveTime::from_hms_opt(9, 0, 0).unwrap()];
        assert_eq!(next_reminder(at(7, 0), 0, (1, 2), &r), "at 09:00");
        assert_eq!(next_reminder(at(10, 0), 0, (1, 2), &r), "now", "the 09:00 session is still due");
        assert_eq!(next_reminder(at(10, 0), 1, (1, 2), &r), "at 18:00");
        assert_eq!(next_reminder(at(19, 0), 1, (1, 2), &r), "now");
        assert_eq!(next_reminder(at(19, 0), 2, (1, 2), &r), "tomorrow");
    }
}
