//! Reminder schedule and hourly adherence across DST changes (real zone
//! rules from chrono-tz: Europe/Berlin springs forward on 2026-03-29 at
//! 02:00 and falls back on 2026-10-25 at 03:00).

use chrono::{DateTime, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;

use super::super::{day_adherence, t, Plan, Preset, SessionFacts, SessionStatus, Sides, WakingHours};
use super::*;
use crate::sensor::capture::Side;

fn berlin(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Tz> {
    Berlin.with_ymd_and_hms(y, mo, d, h, mi, 0).earliest().expect("a Berlin time")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A session started at a Berlin wall-clock time, with the offset in force then.
fn session_at(local: DateTime<Tz>, side: Side, done: u32, status: SessionStatus) -> SessionFacts {
    use chrono::Offset;
    SessionFacts {
        start_utc: local.with_timezone(&Utc),
        utc_offset_s: local.offset().fix().local_minus_utc(),
        side,
        planned_reps: 10,
        done_reps: done,
        status,
        stats: None,
    }
}

#[test]
fn reminders_follow_the_wall_clock_across_dst() {
    let times = [t(2, 30), t(13, 0)];
    // Spring forward: 02:30 does not exist on 29 March; it fires at 03:00 CEST.
    let n = next_reminder(&times, None, &berlin(2026, 3, 29, 0, 0)).expect("next");
    assert_eq!((n.hour(), n.minute()), (3, 0));
    assert_eq!(n.with_timezone(&Utc), Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
    // 13:00 is 13:00 on the wall clock on both sides of the change (11:00 UTC after, 12:00 before).
    let n = next_reminder(&times, None, &n).expect("next");
    assert_eq!(n.with_timezone(&Utc), Utc.with_ymd_and_hms(2026, 3, 29, 11, 0, 0).unwrap());
    let before = next_reminder(&[t(13, 0)], None, &berlin(2026, 3, 28, 0, 0)).expect("next");
    assert_eq!(before.with_timezone(&Utc), Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap());
    // Fall back: 02:30 happens twice on 25 October; it fires once, the first time.
    let first = next_reminder(&times, None, &berlin(2026, 10, 25, 0, 0)).expect("next");
    assert_eq!(first.with_timezone(&Utc), Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
    let after = next_reminder(&times, None, &first).expect("next");
    assert_eq!((after.hour(), after.minute()), (13, 0), "the second 02:30 does not fire again");
}

#[test]
fn the_next_reminder_skips_quiet_hours_and_wraps_to_tomorrow() {
    let quiet = QuietHours::default();
    let times = [t(6, 30), t(9, 0), t(18, 0), t(23, 0)];
    let n = next_reminder(&times, Some(&quiet), &berlin(2026, 11, 20, 18, 0)).expect("next");
    assert_eq!((n.day(), n.hour()), (21, 9), "23:00 and 06:30 are in quiet hours");
    assert_eq!(next_reminder(&times, None, &berlin(2026, 11, 20, 18, 0)).map(|n| n.hour()), Some(23));
    assert!(next_reminder(&[], None, &berlin(2026, 11, 20, 18, 0)).is_none());
    assert!(quiet.contains(t(22, 0)) && quiet.contains(t(6, 59)) && !quiet.contains(t(7, 0)));
}

use chrono::Datelike;

fn day(plan: &Plan, sessions: &[SessionFacts], d: &str) -> DayAdherence {
    day_adherence(sessions, plan, date(d))
}

#[test]
fn a_reminder_speaks_unless_met_quiet_or_after_sharp_pain() {
    let plan = Plan::from_preset(Preset::PostOp, Sides::Left);
    let quiet = QuietHours::default();
    let one = [session_at(berlin(2026, 11, 20, 8, 10), Side::Left, 20, SessionStatus::Completed)];
    let d = day(&plan, &one, "2026-11-20");
    assert_eq!(
        decide(&d, &plan, t(13, 0), Some(&quiet)),
        ReminderDecision::Notify("Time for your ankle pumps — 1 of 3 done today".into())
    );
    assert_eq!(decide(&d, &plan, t(22, 30), Some(&quiet)), ReminderDecision::Silent(Silence::QuietHours));
    let three: Vec<_> = [8, 12, 16]
        .iter()
        .map(|h| session_at(berlin(2026, 11, 20, *h, 0), Side::Left, 20, SessionStatus::Completed))
        .collect();
    assert_eq!(
        decide(&day(&plan, &three, "2026-11-20"), &plan, t(20, 0), None),
        ReminderDecision::Silent(Silence::PlanMet)
    );
    let pain = [session_at(berlin(2026, 11, 20, 8, 10), Side::Left, 4, SessionStatus::StoppedForPain)];
    assert_eq!(
        decide(&day(&plan, &pain, "2026-11-20"), &plan, t(13, 0), None),
        ReminderDecision::Silent(Silence::PainStop)
    );
    assert!(matches!(decide(&day(&plan, &pain, "2026-11-21"), &plan, t(8, 0), None), ReminderDecision::Notify(_)));
}

#[test]
fn today_is_never_due_now_at_night() {
    let plan = Plan::default(); // 09:00 and 18:00
    let quiet = QuietHours::default();
    let at = |h, m| date("2026-11-20").and_hms_opt(h, m, 0).expect("time");
    assert_eq!(today_next(&plan, Some(&quiet), 0, false, at(7, 0)), NextDue::At(t(9, 0)));
    assert_eq!(today_next(&plan, Some(&quiet), 0, false, at(10, 0)), NextDue::Now);
    assert_eq!(today_next(&plan, Some(&quiet), 1, false, at(10, 0)), NextDue::At(t(18, 0)));
    assert_eq!(today_next(&plan, Some(&quiet), 0, false, at(22, 40)), NextDue::Tomorrow(t(9, 0)));
    assert_eq!(today_next(&plan, None, 0, false, at(21, 30)), NextDue::Tomorrow(t(9, 0)), "late without quiet hours");
    assert_eq!(today_next(&plan, Some(&quiet), 1, true, at(12, 0)), NextDue::Tomorrow(t(9, 0)));
    assert_eq!(NextDue::At(t(13, 0)).label(), "13:00");
    let none = Plan { reminders: vec![], ..Plan::default() };
    assert_eq!(today_next(&none, None, 0, false, at(10, 0)), NextDue::None);
}

#[test]
fn hourly_adherence_counts_waking_hours_across_dst() {
    let plan = Plan::from_preset(Preset::Hourly, Sides::Left);
    for (y, m, d) in [(2026, 3, 29), (2026, 10, 25), (2026, 11, 20)] {
        let mut s: Vec<SessionFacts> =
            (8..17).map(|h| session_at(berlin(y, m, d, h, 20), Side::Left, 10, SessionStatus::Completed)).collect();
        // A second session in the same hour, one before waking and one short: none adds an hour.
        s.push(session_at(berlin(y, m, d, 9, 50), Side::Left, 12, SessionStatus::Completed));
        s.push(session_at(berlin(y, m, d, 6, 30), Side::Left, 10, SessionStatus::Completed));
        s.push(session_at(berlin(y, m, d, 18, 5), Side::Left, 3, SessionStatus::Stopped));
        let a = day_adherence(&s, &plan, NaiveDate::from_ymd_opt(y, m, d).expect("date"));
        assert_eq!((a.done, a.band.max), (9, 12), "9 of 12 on {y}-{m}-{d}");
        assert!(!a.met());
        let reminder = decide(&a, &plan, t(17, 0), None);
        assert_eq!(reminder, ReminderDecision::Notify("Time for your ankle pumps — 9 of 12 hours done today".into()));
    }
    // Both feet: an hour counts when both feet had a session in it.
    let both = Plan::from_preset(Preset::Hourly, Sides::Both);
    let s = vec![
        session_at(berlin(2026, 3, 29, 8, 0), Side::Left, 10, SessionStatus::Completed),
        session_at(berlin(2026, 3, 29, 8, 30), Side::Right, 10, SessionStatus::Completed),
        session_at(berlin(2026, 3, 29, 9, 0), Side::Left, 10, SessionStatus::Completed),
    ];
    assert_eq!(day_adherence(&s, &both, date("2026-03-29")).done, 1);
    // A changed waking day: 06–22 is 16 hours.
    let long = plan.with_waking(WakingHours { start_h: 6, end_h: 22 });
    let s: Vec<_> =
        (6..22).map(|h| session_at(berlin(2026, 10, 25, h, 0), Side::Left, 10, SessionStatus::Completed)).collect();
    let a = day_adherence(&s, &long, date("2026-10-25"));
    assert_eq!((a.done, a.band.min, a.met()), (16, 16, true));
}
