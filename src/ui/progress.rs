//! Progress: this week's adherence per day against the preset's band, the
//! streak, and the range per side and week — each chart with its plain
//! numbers beside it. A day opens that day's sessions.

use dioxus::prelude::*;

use super::{day_label, deg};
use crate::runtime::view::{EndReason, ProgressView, SessionRecord};
use crate::runtime::Command;

#[component]
pub fn ProgressScreen(progress: ProgressView, sessions: Vec<SessionRecord>, send: EventHandler<Command>) -> Element {
    let (min, max) = progress.band;
    let top = progress.days.iter().map(|d| d.done).max().unwrap_or(0).max(max).max(1) as f64;
    let pct = |n: f64| n / top * 100.0;
    let summary: Vec<String> = progress.days.iter().map(|d| format!("{} {}", d.date.format("%a"), d.done)).collect();
    let alt = format!("Sessions done per day this week: {}. Target {min}–{max} a day.", summary.join(", "));
    let streak = progress.streak_days;
    let open = progress.open_day;
    rsx! {
        h1 { "Progress" }
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
            p { {if streak == 1 { "Streak: 1 day on target.".to_string() } else { format!("Streak: {streak} days in a row on target.") }} }
        }
        if let Some(day) = open {
            section { class: "card", aria_labelledby: "p-day",
                h2 { id: "p-day", "{day_label(day)}" }
                DaySessions { sessions: sessions.iter().filter(|s| s.date == day).cloned().collect::<Vec<_>>(), send }
            }
        }
        section { class: "card", aria_labelledby: "p-rom",
            h2 { id: "p-rom", "Range of motion by week" }
            if progress.rom.is_empty() {
                p { "No reps recorded yet." }
            } else {
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
                                    td { "{w.week}" }
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
