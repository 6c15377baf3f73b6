//! Words for the patient: pain levels, numbers spoken aloud, week names,
//! comparisons with last week or last session, and today's count. Pure:
//! dates come in as arguments.

pub mod spoken;
pub mod summary;

use chrono::{Datelike, Duration, NaiveDate};

/// The word under a pain score (0–10 numeric rating scale; anchors at 0, 5 and 10).
pub fn pain_word(n: u8) -> &'static str {
    match n {
        0 => "no pain",
        1..=3 => "mild",
        4..=6 => "moderate",
        7..=9 => "severe",
        _ => "worst pain",
    }
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// A number as spoken, "seven", "twenty-one" (digits beyond 99).
pub fn number_word(n: u32) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// "7 of 10" spoken: "seven of ten".
pub fn count_spoken(done: u32, planned: u32) -> String {
    format!("{} of {}", number_word(done), number_word(planned))
}

/// The Monday starting the week of `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// A week named in words: "This week", "Last week", or its days, "24–30 Nov" / "29 Dec – 4 Jan".
pub fn week_name(monday: NaiveDate, today: NaiveDate) -> String {
    let this = week_start(today);
    if monday == this {
        return "This week".into();
    }
    if monday == this - Duration::days(7) {
        return "Last week".into();
    }
    let sunday = monday + Duration::days(6);
    if monday.month() == sunday.month() {
        format!("{}–{} {}", monday.day(), sunday.day(), sunday.format("%b"))
    } else {
        format!("{} {} – {} {}", monday.day(), monday.format("%b"), sunday.day(), sunday.format("%b"))
    }
}

/// "62°, 3° more than last week"; "the same as" within half a degree; just "62°" without a last week.
pub fn compare_deg(now: f64, before: Option<f64>, than: &str) -> String {
    let head = format!("{now:.0}°");
    match before {
        None => head,
        Some(b) => {
            let d = (now - b).round();
            if d.abs() < 1.0 {
                format!("{head}, the same as {than}")
            } else if d > 0.0 {
                format!("{head}, {d:.0}° more than {than}")
            } else {
                format!("{head}, {:.0}° less than {than}", -d)
            }
        }
    }
}

/// Today's sessions against the daily target: "1 of 3 — 2 to go", "3 of 3 — done for today".
pub fn today_count(done: u32, target: u32) -> String {
    let target = target.max(1);
    if done >= target {
        format!("{done} of {target} — done for today")
    } else {
        format!("{done} of {target} — {} to go", target - done)
    }
}

/// The streak in words, celebrating from the first day the target is met.
pub fn streak_words(days: u32) -> String {
    match days {
        0 => "Meet today's target to start a streak.".into(),
        1 => "Day 1 of your streak — well done!".into(),
        n => format!("{n} days in a row on target — keep it up!"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn pain_words_name_the_ends_and_the_middle() {
        assert_eq!(pain_word(0), "no pain");
        assert_eq!(pain_word(5), "moderate");
        assert_eq!(pain_word(10), "worst pain");
        assert_eq!(pain_word(2), "mild");
        assert_eq!(pain_word(8), "severe");
    }

    #[test]
    fn numbers_are_spoken_as_words() {
        assert_eq!(count_spoken(7, 10), "seven of ten");
        assert_eq!(number_word(21), "twenty-one");
        assert_eq!(number_word(60), "sixty");
        assert_eq!(number_word(100), "100");
    }

    #[test]
    fn weeks_are_named_in_words() {
        let today = d(2026, 12, 2); // a Wednesday
        assert_eq!(week_name(d(2026, 11, 30), today), "This week");
        assert_eq!(week_name(d(2026, 11, 23), today), "Last week");
        assert_eq!(week_name(d(2026, 11, 16), today), "16–22 Nov");
        assert_eq!(week_name(d(2025, 12, 29), today), "29 Dec – 4 Jan");
        assert_eq!(week_start(today), d(2026, 11, 30));
    }

    #[test]
    fn comparisons_say_more_less_or_the_same() {
        assert_eq!(compare_deg(62.2, Some(59.0), "last week"), "62°, 3° more than last week");
        assert_eq!(compare_deg(55.0, Some(58.4), "last time"), "55°, 3° less than last time");
        assert_eq!(compare_deg(55.0, Some(55.3), "last week"), "55°, the same as last week");
        assert_eq!(compare_deg(55.0, None, "last week"), "55°");
    }

    #[test]
    fn today_and_streak_encourage() {
        assert_eq!(today_count(1, 3), "1 of 3 — 2 to go");
        assert_eq!(today_count(3, 3), "3 of 3 — done for today");
        assert_eq!(streak_words(0), "Meet today's target to start a streak.");
        assert!(streak_words(1).starts_with("Day 1"));
        assert!(streak_words(4).starts_with("4 days in a row"));
    }
}
