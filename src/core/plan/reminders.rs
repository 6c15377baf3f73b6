//! When to remind, and whether a reminder speaks. Pure: "now" and the time
//! zone are arguments (any `chrono::TimeZone`: `Local` in the app, a
//! `chrono-tz` zone in tests), so the schedule is DST-safe by construction.
//!
//! - Reminder times are local wall-clock times. A time that does not exist
//!   on a day (the spring-forward gap) fires at the first minute after the
//!   gap; a time that happens twice (fall back) fires once, the first time.
//! - At a reminder time the reminder is silent when the day's plan is met,
//!   during quiet hours, or after a session stopped for sharp pain that day.
//! - Today's "Next:" is never "now" at night: during quiet hours, or once
//!   the day's last reminder is more than an hour past, it names the next
//!   reminder instead.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};

use super::{DayAdherence, Plan};

/// Local hours without reminders; may wrap midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours { start: super::t(22, 0), end: super::t(7, 0) }
    }
}

impl QuietHours {
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// The instant a local wall-clock time names on a day, DST-safe.
fn resolve<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> Option<DateTime<Tz>> {
    // A gap is at most a few hours (24 h on a skipped calendar day).
    (0..=24 * 60).find_map(|m| match tz.from_local_datetime(&(local + Duration::minutes(m))) {
        LocalResult::Single(t) => Some(t),
        LocalResult::Ambiguous(first, _) => Some(first),
        LocalResult::None => None,
    })
}

/// The first reminder strictly after `after` (skipping quiet hours when given).
pub fn next_reminder<Tz: TimeZone>(
    times: &[NaiveTime],
    quiet: Option<&QuietHours>,
    after: &DateTime<Tz>,
) -> Option<DateTime<Tz>> {
    let tz = &after.timezone();
    let day = after.naive_local().date();
    let times: Vec<NaiveTime> = times.iter().copied().filter(|t| !quiet.is_some_and(|q| q.contains(*t))).collect();
    (-1..=2)
        .filter_map(|d| day.checked_add_signed(Duration::days(d)))
        .flat_map(|d: NaiveDate| times.iter().filter_map(move |t| resolve(tz, d.and_time(*t))).collect::<Vec<_>>())
        .filter(|t| t > after)
        .min()
}

/// Why a reminder stays silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Silence {
    PlanMet,
    QuietHours,
    PainStop,
}

impl Silence {
    pub fn reason(self) -> &'static str {
        match self {
            Silence::PlanMet => "today's plan is met",
            Silence::QuietHours => "quiet hours",
            Silence::PainStop => "a session was stopped for sharp pain today",
        }
    }
}

/// What to do at a reminder time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderDecision {
    /// Notify with this summary.
    Notify(String),
    Silent(Silence),
}

/// The decision at local time `at` on the day `day` describes.
pub fn decide(day: &DayAdherence, plan: &Plan, at: NaiveTime, quiet: Option<&QuietHours>) -> ReminderDecision {
    if quiet.is_some_and(|q| q.contains(at)) {
        return ReminderDecision::Silent(Silence::QuietHours);
    }
    if day.stopped_for_pain > 0 {
        return ReminderDecision::Silent(Silence::PainStop);
    }
    if day.met() {
        return ReminderDecision::Silent(Silence::PlanMet);
    }
    let unit = if plan.per_hour() { " hours" } else { "" };
    ReminderDecision::Notify(format!("Time for your ankle pumps — {} of {}{unit} done today", day.done, day.band.min))
}

/// Today's next session, for the Today screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextDue {
    /// A reminder has passed unanswered, in the waking day.
    Now,
    /// Later today.
    At(NaiveTime),
    /// The day is met or over: tomorrow's first reminder.
    Tomorrow(NaiveTime),
    /// No reminders set.
    None,
}

impl NextDue {
    /// "now", "13:00", "tomorrow 09:00", or "" without reminders.
    pub fn label(self) -> String {
        match self {
            NextDue::Now => "now".into(),
            NextDue::At(t) => t.format("%H:%M").to_string(),
            NextDue::Tomorrow(t) => format!("tomorrow {}", t.format("%H:%M")),
            NextDue::None => String::new(),
        }
    }
}

/// The next session due, seen at local wall-clock `now` with `done` counting sessions today.
pub fn today_next(plan: &Plan, quiet: Option<&QuietHours>, done: u32, met: bool, now: NaiveDateTime) -> NextDue {
    let mut times: Vec<NaiveTime> =
        plan.reminders.iter().copied().filter(|t| !quiet.is_some_and(|q| q.contains(*t))).collect();
    times.sort();
    times.dedup();
    let (Some(first), Some(last)) = (times.first().copied(), times.last().copied()) else { return NextDue::None };
    if met {
        return NextDue::Tomorrow(first);
    }
    let night = quiet.is_some_and(|q| q.contains(now.time())) || now.time() > last + Duration::hours(1);
    // Each counting session (an hourly plan: each hour done) answers one reminder, earliest first.
    let unanswered = times.get(done as usize).is_some_and(|t| *t <= now.time());
    if unanswered && !night {
        return NextDue::Now;
    }
    match times.iter().copied().find(|t| *t > now.time()) {
        Some(t) => NextDue::At(t),
        None => NextDue::Tomorrow(first),
    }
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
