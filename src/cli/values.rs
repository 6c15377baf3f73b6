//! The command line's value parsers (clap `value_parser`s): each turns one
//! argument into a value inside its sane range or a one-line reason. Dates
//! and weeks must lie within [`PAST_YEARS`] before and [`FUTURE_DAYS`] /
//! [`FUTURE_YEARS`] after now, so no value can overflow the calendar later.

use chrono::{DateTime, Datelike, FixedOffset, IsoWeek, Local, NaiveDate, NaiveTime, Utc};

use crate::core::plan::{parse_iso_week, DayBand};
use crate::sensor::capture::Side;

/// How far back a session, a week or a date may lie.
pub(super) const PAST_YEARS: i32 = 100;
/// How far ahead a session's start may lie (clock skew, time zones).
pub(super) const FUTURE_DAYS: i64 = 2;
/// How far ahead a week or a date may lie (planning, reports).
pub(super) const FUTURE_YEARS: i32 = 10;
/// `replay-session --speed`: 0 (as fast as possible) or within this range.
pub(super) const SPEED_RANGE: std::ops::RangeInclusive<f64> = 0.01..=10_000.0;

fn years_around(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    today.year() - PAST_YEARS..=today.year() + FUTURE_YEARS
}

pub(crate) fn parse_side(s: &str) -> Result<Side, String> {
    Side::parse(s).ok_or_else(|| format!("{s:?} is not left or right"))
}

/// An ISO week like `2026-W47` within the years around `today`.
pub(crate) fn week_near(s: &str, today: NaiveDate) -> Result<IsoWeek, String> {
    let w = parse_iso_week(s).ok_or_else(|| format!("{s:?} is not an ISO week like 2026-W47"))?;
    let years = years_around(today);
    if years.contains(&w.year()) {
        Ok(w)
    } else {
        Err(format!("{s:?} is not between {} and {}", years.start(), years.end()))
    }
}

pub(crate) fn parse_week(s: &str) -> Result<IsoWeek, String> {
    week_near(s, Local::now().date_naive())
}

/// A local date `YYYY-MM-DD` within the years around `today`.
pub(crate) fn date_near(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let d =
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date like 2026-11-17"))?;
    let years = years_around(today);
    if years.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("{s:?} is not between {} and {}", years.start(), years.end()))
    }
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    date_near(s, Local::now().date_naive())
}

/// An RFC 3339 instant with its offset, not in the future (beyond
/// [`FUTURE_DAYS`]) and not more than [`PAST_YEARS`] ago.
pub(crate) fn instant_near(s: &str, now: DateTime<Utc>) -> Result<DateTime<FixedOffset>, String> {
    let t = DateTime::parse_from_rfc3339(s.trim())
        .map_err(|_| format!("{s:?} is not a time like 2026-11-17T09:00:00+01:00"))?;
    let earliest = now.with_year(now.year() - PAST_YEARS).unwrap_or(now);
    let latest = now + chrono::Duration::days(FUTURE_DAYS);
    if t < earliest || t > latest {
        return Err(format!("{s:?} is not between {} and {}", earliest.date_naive(), latest.date_naive()));
    }
    Ok(t)
}

pub(crate) fn parse_instant(s: &str) -> Result<DateTime<FixedOffset>, String> {
    instant_near(s, Utc::now())
}

/// `--speed`: 0 or within [`SPEED_RANGE`] times real time.
pub(crate) fn parse_speed(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("{s:?} is not a number"))?;
    if v == 0.0 || SPEED_RANGE.contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{s:?} must be 0 (as fast as possible) or between {} and {}",
            SPEED_RANGE.start(),
            SPEED_RANGE.end()
        ))
    }
}

/// Sessions a day, `MIN-MAX` or one number (the plan checks the band itself).
pub(crate) fn parse_band(s: &str) -> Result<DayBand, String> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let n = |x: &str| x.trim().parse::<u32>().map_err(|_| format!("{s:?} is not MIN-MAX, e.g. 3-4"));
    Ok(DayBand { min: n(a)?, max: n(b)? })
}

pub(crate) fn parse_time_of_day(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| format!("{s:?} is not a time like 08:30"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).expect("date")
    }

    #[test]
    fn out_of_range_values_are_refused_with_a_reason() {
        assert!(week_near("262143-W01", today()).is_err());
        assert!(week_near("2026-W60", today()).is_err());
        assert_eq!(week_near("2026-W47", today()).map(|w| w.week()), Ok(47));
        let now = Utc::now();
        let err = instant_near("9999-12-31T00:00:00Z", now).expect_err("far future");
        assert!(err.contains("is not between"), "{err}");
        assert!(instant_near("1066-10-14T09:00:00Z", now).is_err());
        assert!(instant_near(&now.to_rfc3339(), now).is_ok());
        for bad in ["1e-300", "1e-12", "-1", "NaN", "inf", "1e9"] {
            assert!(parse_speed(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_speed("0"), Ok(0.0));
        assert_eq!(parse_speed("20"), Ok(20.0));
        assert!(date_near("9999-01-01", today()).is_err());
    }

    proptest! {
        #[test]
        fn no_argument_text_panics_and_accepted_values_are_in_range(s in "\\PC{0,40}|[0-9]{1,7}-[Ww][0-9]{1,3}|[0-9eE.+-]{1,12}") {
            let now = Utc::now();
            if let Ok(w) = week_near(&s, today()) {
                prop_assert!(years_around(today()).contains(&w.year()));
            }
            if let Ok(d) = date_near(&s, today()) {
                prop_assert!(years_around(today()).contains(&d.year()));
            }
            if let Ok(t) = instant_near(&s, now) {
                prop_assert!(t <= now + chrono::Duration::days(FUTURE_DAYS));
            }
            if let Ok(v) = parse_speed(&s) {
                prop_assert!(v == 0.0 || SPEED_RANGE.contains(&v));
            }
            let _ = (parse_band(&s), parse_time_of_day(&s), parse_side(&s));
        }

        #[test]
        fn any_week_of_any_year_parses_or_is_refused(y in any::<i32>(), w in any::<u32>()) {
            let s = format!("{y}-W{w:02}");
            match week_near(&s, today()) {
                Ok(week) => prop_assert_eq!((week.year(), week.week()), (y, w)),
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }

        #[test]
        fn any_instant_parses_or_is_refused(secs in any::<i64>(), off in -86_399i32..86_399) {
            let now = Utc::now();
            if let (Some(t), Some(o)) = (DateTime::from_timestamp(secs / 4, 0), FixedOffset::east_opt(off)) {
                let s = t.with_timezone(&o).to_rfc3339();
                if let Ok(got) = instant_near(&s, now) {
                    prop_assert_eq!(got, t);
                }
            }
        }
    }
}
