//! When the next session is due, for Today: at the plan's next reminder time
//! not yet covered by a session, or (without reminders) spread evenly over
//! the waking day by the plan's band.

use chrono::{NaiveDateTime, NaiveTime};

use super::view::NextDue;

/// The waking day sessions are spread over.
const DAY_START_H: u32 = 8;
const DAY_END_H: u32 = 20;

/// From the plan's reminder times.
pub(super) fn next_reminder(now: NaiveDateTime, done_today: u32, band: (u32, u32), reminders: &[NaiveTime]) -> NextDue {
    if done_today >= band.1.max(1) {
        return NextDue::Tomorrow;
    }
    let mut times = reminders.to_vec();
    times.sort();
    // Each session done today answers one reminder, earliest first.
    match times.get(done_today as usize) {
        None => NextDue::Tomorrow,
        Some(t) if *t <= now.time() => NextDue::Now,
        Some(t) => NextDue::At(*t),
    }
}

/// Sessions spaced evenly by the band after today's latest (`last_today`, local start time).
pub(super) fn next_due(
    now: NaiveDateTime,
    done_today: u32,
    band: (u32, u32),
    last_today: Option<NaiveTime>,
) -> NextDue {
    if done_today >= band.1.max(1) {
        return NextDue::Tomorrow;
    }
    let Some(last) = last_today else { return NextDue::Now };
    let spacing_min = i64::from((DAY_END_H - DAY_START_H) * 60 / band.1.max(1));
    let due = last + chrono::Duration::minutes(spacing_min);
    let end = NaiveTime::from_hms_opt(DAY_END_H, 0, 0).unwrap_or_default();
    if due < last || due > end {
        NextDue::Tomorrow
    } else if due <= now.time() {
        NextDue::Now
    } else {
        NextDue::At(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn next_session_is_due_now_then_spaced_then_tomorrow() {
        assert_eq!(next_due(at(9, 0), 0, (3, 4), None), NextDue::Now);
        assert_eq!(next_due(at(9, 0), 1, (3, 4), Some(hm(8, 30))), NextDue::At(hm(11, 30)));
        assert_eq!(next_due(at(12, 0), 1, (3, 4), Some(hm(8, 30))), NextDue::Now);
        assert_eq!(next_due(at(19, 0), 1, (1, 2), Some(hm(18, 0))), NextDue::Tomorrow);
        assert_eq!(next_due(at(9, 0), 2, (1, 2), Some(hm(8, 30))), NextDue::Tomorrow);
    }

    #[test]
    fn next_session_follows_the_reminder_times() {
        let r = [hm(18, 0), hm(9, 0)];
        assert_eq!(next_reminder(at(7, 0), 0, (1, 2), &r), NextDue::At(hm(9, 0)));
        assert_eq!(next_reminder(at(10, 0), 0, (1, 2), &r), NextDue::Now, "the 09:00 session is still due");
        assert_eq!(next_reminder(at(10, 0), 1, (1, 2), &r), NextDue::At(hm(18, 0)));
        assert_eq!(next_reminder(at(19, 0), 1, (1, 2), &r), NextDue::Now);
        assert_eq!(next_reminder(at(19, 0), 2, (1, 2), &r), NextDue::Tomorrow);
    }
}
