//! Progress: today against the target ("1 of 3 — 2 to go"), the streak
//! celebrated from its first day, this week's chart (drawn by `chart` for the
//! screen's width, so its text stays readable on a phone) with its plain
//! numbers beside it, and the range of motion this week against last in
//! words, weeks named in words. A day opens that day's sessions.

use chrono::NaiveDate;
use dioxus::prelude::*;

use super::today::DayGoal;
use super::{day_label, deg};
use crate::core::plan::parse_iso_week;
use crate::core::words::{compare_deg, streak_words, week_name, week_start};
use crate::runtime::patient::PatientCommand;
use crate::runtime::view::{EndReason, ProgressView, RomWeek, SessionRecord};
use crate::runtime::Command;
use crate::sensor::capture::Side;

/// Measures the chart's box, CSS px (the chart is then drawn for it).
const MEASURE_JS: &str = "const el = document.querySelector('.chart-fig'); \
    return Math.round(el ? el.clientWidth : Math.min(window.innerWidth, 960) - 64);";

/// The Monday of a "2026-W47" week.
fn monday(week: &str) -> Option<NaiveDate> {
    let w = parse_iso_week(week)?;
    NaiveDate::from_isoywd_opt(w.year(), w.week(), chrono::Weekday::Mon)
}

/// "Left foot this week: 62°, 3° more than last week" for each foot with reps this week.
pub fn rom_lines(rom: &[RomWeek], today: NaiveDate) -> Vec<String> {
    let this = week_start(today);
    let last = this - chrono::Duration::days(7);
    let of =
        |side: Side, m: NaiveDate| rom.iter().find(|w| w.side == side && monday(&w.week) == Some(m)).map(|w| w.rom_deg);
    [Side::Left, Side::Right]
        .into_iter()
        .filter_map(|side| {
            let now = of(side, this)?;
            let name = if side == Side::Left { "Left foot" } else { "Right foot" };
            Some(format!("{name} this week: {}", compare_deg(now, of(side, last), "last week")))
        })
        .collect()
}

#[component]
pub fn ProgressScreen(progress: ProgressView, sessions: Vec<SessionRecord>, send: EventHandler<Command>) -> Element {
    use_effect(move || {
        spawn(async move {
            if let Ok(w) = document::eval(MEASURE_JS).await {
                if let Some(w) = w.as_u64().filter(|w| *w > 0) {
                    send.call(Command::Patient(PatientCommand::SetChartWidth(w as u32)));
                }
            }
        });
    });
    let (min, max) = progress.band;
    let top = progress.days.iter().map(|d| d.done).max().unwrap_or(0).max(max).max(1) as f64;
    let pct = |n: f64| n / top * 100.0;
    let summary: Vec<String> = progress.days.iter().map(|d| format!("{} {}", d.date.format("%a"), d.done)).collect();
    let alt = format!("Sessions done per day this week: {}. Target {min}–{max} a day.", summary.join(", "));
    let streak = progress.streak_days;
    let open = progress.open_day;
    let today = progress.days.iter().find(|d| d.is_today).map(|d| (d.date, d.done));
    let rom_words = today.map(|(d, _)| rom_lines(&progress.rom, d)).unwrap_or_default();
    let today_date = today.map(|(d, _)| d);
    rsx! {
        h1 { "Progress" }
        section { class: "card", aria_labelledby: "p-today",
            DayGoal { done: today.map_or(0, |t| t.1), target: min, id: "p-today" }
            p { class: if streak > 0 { "streak celebrate" } else { "streak" }, "{streak_words(streak)}" }
        }
        section { class: "card", aria_labelledby: "p-week",
            h2 { id: "p-week", "This week" }
            if let Some(svg) = progress.chart_svg.clone() {
                figure { class: "chart-fig",
                    div { class: "chart-svg", role: "img", aria_label: "{progress.chart_alt}", dangerous_inner_html: svg }
                    figcaption { class: "muted", "{alt}" }
                }
            } else {
                figure { class: "chart-fig",
                    div { class: "chart", role: "img", aria_label: "{alt}",
                        div { class: "band", style: "bottom: {pct(min as f64):.0}%; height: {pct((max - min) as f64):.0}%;" }
                        for d in progress.days.iter() {
                            div { class: "bar-col", key: "{d.date}",
                                div { class: "bar", style: "height: {pct(d.done as f64):.0}%;" }
                            }
                        }
                    }
                    figcaption { class: "muted", "Bars: sessions per day. Shaded: your target of {min}–{max}." }
                }
            }
            div { class: "days",
                for d in progress.days.iter().cloned() {
                    button {
                        key: "{d.date}",
                        aria_pressed: if open == Some(d.date) { "true" } else { "false" },
                        onclick: move |_| send.call(Command::OpenDay(Some(d.date))),
                        span { "{d.date.format(\"%a\")} " }
                        br {}
                        strong { "{d.done}" }
                        span { class: "sr-only", " sessions, {d.date.format(\"%-d %B\")}" }
                    }
                }
            }
        }
        if let Some(day) = open {
            section { class: "card", aria_labelledby: "p-day",
                h2 { id: "p-day", "{day_label(day)}" }
                DaySessions { sessions: sessions.iter().filter(|s| s.date == day).cloned().collect::<Vec<_>>(), send }
            }
        }
        section { class: "card", aria_labelledby: "p-rom",
            h2 { id: "p-rom", "Range of motion" }
            if progress.rom.is_empty() {
                p { "No reps recorded yet." }
            } else {
                if rom_words.is_empty() {
                    p { "No reps this week yet." }
                }
                for (i, line) in rom_words.iter().enumerate() {
                    p { key: "{i}", class: "rom-line", "{line}" }
                }
                div { class: "table-wrap", tabindex: "0", role: "region", aria_label: "Range table",
                    table {
                        caption { class: "sr-only", "Average peaks per week and side" }
                        thead {
                            tr {
                                th { scope: "col", "Week" }
                                th { scope: "col", "Side" }
                                th { scope: "col", "Up" }
                                th { scope: "col", "Down" }
                                th { scope: "col", "Range" }
                            }
                        }
                        tbody {
                            for w in progress.rom.iter() {
                                tr { key: "{w.week}-{w.side.as_str()}",
                                    td { {monday(&w.week).zip(today_date).map_or(w.week.clone(), |(m, t)| week_name(m, t))} }
                                    td { "{w.side.as_str()}" }
                                    td { "{deg(w.dorsi_deg)}" }
                                    td { "{deg(w.plantar_deg)}" }
                                    td { "{deg(w.rom_deg)}" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A day's sessions, each opening its detail in History.
#[component]
pub fn DaySessions(sessions: Vec<SessionRecord>, send: EventHandler<Command>) -> Element {
    if sessions.is_empty() {
        return rsx! { p { "No sessions on this day." } };
    }
    rsx! {
        ul { class: "plain",
            for s in sessions.iter() {
                li { key: "{s.id}",
                    button {
                        onclick: {
                            let id = s.id;
                            move |_| send.call(Command::OpenSession(Some(id)))
                        },
                        "{session_line(s)}"
                    }
                }
            }
        }
    }
}

/// "14:05 · right foot · 3 of 3 reps · completed".
pub fn session_line(s: &SessionRecord) -> String {
    let pain = s.pain.map(|p| format!(" · pain {p}")).unwrap_or_default();
    let end = if s.end == EndReason::Completed { String::new() } else { format!(" · {}", s.end.label()) };
    format!("{} · {} foot · {} of {} reps{end}{pain}", s.time.format("%H:%M"), s.side.as_str(), s.done, s.planned)
}
