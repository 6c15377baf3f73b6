//! Adherence: per local calendar day, how many sessions reached their
//! planned reps against the plan's band (below / within / above), the
//! weekly adherence percentage and streaks.
//!
//! Rules:
//! - A session's day is the local date at its start, using the UTC offset
//!   stored with it (so a DST change or a flight never moves it).
//! - A session counts when it reached its planned reps, whatever its status
//!   (an interrupted session that had all its reps still counts).
//! - With both feet in the plan, a day's count is the smaller of the two
//!   feet's counts (a session is one foot's set; "done" means both feet).
//! - A day meets the plan when its count is at least the band's minimum.
//! - Weekly adherence % = days met / days elapsed. Days after "today" are
//!   not elapsed; today is elapsed only once it is met (the day is not over).
//! - The current streak is the run of met days ending today, or ending
//!   yesterday while today is not yet met.
//! - An hourly plan counts waking hours with a counting session instead of
//!   sessions (see `waking`); with both feet, hours where both feet had one.

use std::collections::BTreeMap;

use chrono::{Duration, IsoWeek, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{week_monday, DayBand, Plan, SessionFacts, SessionStatus, Sides};
use crate::sensor::capture::Side;

/// Where a day's count sits against the band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BandStatus {
    Below,
    Within,
    Above,
}

/// One local calendar day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayAdherence {
    pub date: NaiveDate,
    /// Sessions that reached their planned reps (see the module rules for two feet).
    pub done: u32,
    /// Every session started that day, complete or not.
    pub started: u32,
    /// Sessions that ended short of their planned reps.
    pub short: u32,
    pub stopped_for_pain: u32,
    pub band: DayBand,
    pub status: BandStatus,
}

impl DayAdherence {
    pub fn met(&self) -> bool {
        self.status != BandStatus::Below
    }
}

/// One ISO week, Monday to Sunday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekAdherence {
    #[serde(with = "iso_week_serde")]
    pub week: IsoWeek,
    pub days: Vec<DayAdherence>,
    pub days_elapsed: u32,
    pub days_met: u32,
    /// None when no day of the week has elapsed yet.
    pub percent: Option<f64>,
}

/// Runs of met days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Streak {
    pub current: u32,
    pub best: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    left: u32,
    right: u32,
    /// Waking hours (bit i = hour i of the waking day) with a counting session, per foot.
    left_hours: u32,
    right_hours: u32,
    started: u32,
    short: u32,
    pain: u32,
}

fn tally(sessions: &[SessionFacts], plan: &Plan) -> BTreeMap<NaiveDate, Tally> {
    let mut days: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    for s in sessions.iter().filter(|s| plan.sides.includes(s.side)) {
        let t = days.entry(s.local_date()).or_default();
        let hour_bit = plan.waking.hour_index(s.local_start().time()).map_or(0, |i| 1u32 << i);
        t.started += 1;
        if s.status == SessionStatus::StoppedForPain {
            t.pain += 1;
        }
        if !s.counts() {
            t.short += 1;
        } else {
            match s.side {
                Side::Left => (t.left += 1, t.left_hours |= hour_bit),
                Side::Right => (t.right += 1, t.right_hours |= hour_bit),
            };
        }
    }
    days
}

fn done(t: &Tally, plan: &Plan) -> u32 {
    if plan.per_hour() {
        return match plan.sides {
            Sides::Left => t.left_hours.count_ones(),
            Sides::Right => t.right_hours.count_ones(),
            Sides::Both => (t.left_hours & t.right_hours).count_ones(),
        };
    }
    match plan.sides {
        Sides::Left => t.left,
        Sides::Right => t.right,
        Sides::Both => t.left.min(t.right),
    }
}

fn day_from(date: NaiveDate, t: Option<&Tally>, plan: &Plan) -> DayAdherence {
    let t = t.copied().unwrap_or_default();
    let band = plan.sessions_per_day;
    let n = done(&t, plan);
    let status = if n < band.min {
        BandStatus::Below
    } else if n > band.max {
        BandStatus::Above
    } else {
        BandStatus::Within
    };
    DayAdherence { date, done: n, started: t.started, short: t.short, stopped_for_pain: t.pain, band, status }
}

/// Adherence on one local day.
pub fn day_adherence(sessions: &[SessionFacts], plan: &Plan, date: NaiveDate) -> DayAdherence {
    let days = tally(sessions, plan);
    day_from(date, days.get(&date), plan)
}

/// Adherence over one ISO week, seen from the local date `today`.
pub fn week_adherence(sessions: &[SessionFacts], plan: &Plan, week: IsoWeek, today: NaiveDate) -> WeekAdherence {
    let tallies = tally(sessions, plan);
    let monday = week_monday(week);
    let days: Vec<DayAdherence> =
        (0..7).map(|i| monday + Duration::days(i)).map(|d| day_from(d, tallies.get(&d), plan)).collect();
    let elapsed: Vec<&DayAdherence> = days.iter().filter(|d| d.date < today || (d.date == today && d.met())).collect();
    let days_elapsed = elapsed.len() as u32;
    let days_met = elapsed.iter().filter(|d| d.met()).count() as u32;
    let percent = (days_elapsed > 0).then(|| 100.0 * f64::from(days_met) / f64::from(days_elapsed));
    WeekAdherence { week, days, days_elapsed, days_met, percent }
}

/// Current and best streaks of met days, seen from the local date `today`.
pub fn streak(sessions: &[SessionFacts], plan: &Plan, today: NaiveDate) -> Streak {
    let tallies = tally(sessions, plan);
    let met: Vec<NaiveDate> = tallies
        .iter()
        .filter(|(d, t)| **d <= today && done(t, plan) >= plan.sessions_per_day.min)
        .map(|(d, _)| *d)
        .collect();
    let (mut best, mut run, mut prev) = (0u32, 0u32, None::<NaiveDate>);
    for d in &met {
        run = match prev {
            Some(p) if *d - p == Duration::days(1) => run + 1,
            _ => 1,
        };
        best = best.max(run);
        prev = Some(*d);
    }
    let yesterday = today - Duration::days(1);
    let current = match prev {
        Some(last) if last == today || last == yesterday => run,
        _ => 0,
    };
    Streak { current, best }
}

mod iso_week_serde {
    use chrono::IsoWeek;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(w: &IsoWeek, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::super::format_iso_week(*w))
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<IsoWeek, D::Error> {
        let s = String::deserialize(d)?;
        super::super::parse_iso_week(&s).ok_or_else(|| serde::de::Error::custom(format!("bad ISO week {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::super::{parse_iso_week, Preset};
    use super::*;

    fn at(rfc3339: &str) -> (DateTime<Utc>, i32) {
        let t = DateTime::parse_from_rfc3339(rfc3339).expect("time");
        (t.with_timezone(&Utc), t.offset().local_minus_utc())
    }

    fn session(rfc3339: &str, side: Side, done: u32) -> SessionFacts {
        let (start_utc, utc_offset_s) = at(rfc3339);
        SessionFacts {
            start_utc,
            utc_offset_s,
            side,
            planned_reps: 20,
            done_reps: done,
            status: if done >= 20 { SessionStatus::Completed } else { SessionStatus::Stopped },
            stats: None,
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn days_are_below_within_or_above_the_band() {
        let plan = Plan::from_preset(Preset::General, Sides::Left);
        let s = vec![
            session("2026-11-16T09:00:00+00:00", Side::Left, 20),
            session("2026-11-17T09:00:00+00:00", Side::Left, 20),
            session("2026-11-17T12:00:00+00:00", Side::Left, 20),
            session("2026-11-17T15:00:00+00:00", Side::Left, 25),
            session("2026-11-18T09:00:00+00:00", Side::Left, 12),
        ];
        assert_eq!(day_adherence(&s, &plan, date("2026-11-16")).status, BandStatus::Within);
        assert_eq!(day_adherence(&s, &plan, date("2026-11-17")).status, BandStatus::Above);
        let short = day_adherence(&s, &plan, date("2026-11-18"));
        assert_eq!(
            (short.status, short.done, short.started),
            (BandStatus::Below, 0, 1),
            "12 of 20 reps does not count"
        );
    }

    #[test]
    fn both_feet_need_both_sides() {
        let plan = Plan::from_preset(Preset::General, Sides::Both);
        let s = vec![
            session("2026-11-16T09:00:00+00:00", Side::Left, 20),
            session("2026-11-16T09:10:00+00:00", Side::Left, 20),
        ];
        assert_eq!(day_adherence(&s, &plan, date("2026-11-16")).status, BandStatus::Below);
        let mut s2 = s.clone();
        s2.push(session("2026-11-16T09:20:00+00:00", Side::Right, 20));
        assert_eq!(day_adherence(&s2, &plan, date("2026-11-16")).done, 1);
    }

    #[test]
    fn weekly_percent_counts_only_elapsed_days() {
        let plan = Plan::from_preset(Preset::General, Sides::Right);
        let s = vec![
            session("2026-11-16T09:00:00+00:00", Side::Right, 20),
            session("2026-11-18T09:00:00+00:00", Side::Right, 20),
            session("2026-11-19T09:00:00+00:00", Side::Left, 20),
        ];
        let w = parse_iso_week("2026-W47").expect("week");
        // Thursday, not yet done today: Mon–Wed elapsed, 2 of 3 met.
        let wa = week_adherence(&s, &plan, w, date("2026-11-19"));
        assert_eq!((wa.days_elapsed, wa.days_met), (3, 2));
        assert!((wa.percent.expect("pct") - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(wa.days.len(), 7);
        // Seen from Wednesday (done): Mon–Wed elapsed.
        let wa = week_adherence(&s, &plan, w, date("2026-11-18"));
        assert_eq!((wa.days_elapsed, wa.days_met), (3, 2));
        // A future week has no percentage.
        let next = parse_iso_week("2026-W48").expect("week");
        assert_eq!(week_adherence(&s, &plan, next, date("2026-11-18")).percent, None);
    }

    proptest::proptest! {
        /// Wherever each session happened (any offset in use on Earth), it
        /// counts on the calendar day its own wall clock showed.
        #[test]
        fn each_session_counts_on_its_wall_clock_day(
            raw in proptest::collection::vec((0i64..14, 0i64..1440, -48i32..=56, 0u32..30), 0..40)
        ) {
            let plan = Plan::from_preset(Preset::General, Sides::Left);
            let first = date("2026-03-23");
            let sessions: Vec<SessionFacts> = raw
                .iter()
                .map(|&(day, minute, quarter_hours, done)| {
                    let offset = quarter_hours * 900;
                    let local = (first + Duration::days(day)).and_hms_opt(0, 0, 0).expect("midnight")
                        + Duration::minutes(minute);
                    let utc = (local - Duration::seconds(i64::from(offset))).and_utc();
                    let status = SessionStatus::Completed;
                    SessionFacts { start_utc: utc, utc_offset_s: offset, side: Side::Left, planned_reps: 20, done_reps: done, status, stats: None }
                })
                .collect();
            for day in 0..14 {
                let expected = raw.iter().filter(|r| r.0 == day && r.3 >= 20).count() as u32;
                let got = day_adherence(&sessions, &plan, first + Duration::days(day));
                proptest::prop_assert_eq!(got.done, expected);
                proptest::prop_assert_eq!(got.started, raw.iter().filter(|r| r.0 == day).count() as u32);
            }
        }
    }

    #[test]
    fn streaks_run_over_consecutive_met_days() {
        let plan = Plan::from_preset(Preset::General, Sides::Left);
        let mut s: Vec<SessionFacts> = ["10", "11", "12", "14", "15", "16", "17"]
            .iter()
            .map(|d| session(&format!("2026-11-{d}T09:00:00+01:00"), Side::Left, 20))
            .collect();
        assert_eq!(streak(&s, &plan, date("2026-11-17")), Streak { current: 4, best: 4 });
        // Today (18th) not done yet: the streak is still alive.
        assert_eq!(streak(&s, &plan, date("2026-11-18")).current, 4);
        // A missed day breaks it.
        assert_eq!(streak(&s, &plan, date("2026-11-19")).current, 0);
        s.push(session("2026-11-13T09:00:00+01:00", Side::Left, 5));
        assert_eq!(streak(&s, &plan, date("2026-11-17")).best, 4, "a short session does not bridge a gap");
    }
}
