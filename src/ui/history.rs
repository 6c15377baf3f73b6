//! History: the list of sessions, newest first, and a session's detail with
//! a bar per rep and the numbers.

use dioxus::prelude::*;

use super::progress::session_line;
use super::session::RepSummary;
use super::{day_label, deg};
use crate::runtime::view::HistoryView;
use crate::runtime::Command;

#[component]
pub fn HistoryScreen(history: HistoryView, send: EventHandler<Command>) -> Element {
    let open = history.open.and_then(|id| history.sessions.iter().find(|s| s.id == id).cloned());
    if let Some(s) = open {
        let top = s.reps.iter().map(|r| r.rom_deg).fold(1.0_f64, f64::max);
        let alt: Vec<String> =
            s.reps.iter().enumerate().map(|(i, r)| format!("rep {} {}", i + 1, deg(r.rom_deg))).collect();
        let alt = format!("Range per rep: {}.", alt.join(", "));
        return rsx! {
            h1 { "Session on {day_label(s.date)}" }
            p { "{session_line(&s)}" }
            button { onclick: move |_| send.call(Command::OpenSession(None)), "Back to all sessions" }
            h2 { "Range per rep" }
            div { class: "rep-bars", role: "img", aria_label: "{alt}",
                for (i, r) in s.reps.iter().enumerate() {
                    div { class: "rep-bar", key: "{i}",
                        span { aria_hidden: "true", "{i + 1}" }
                        div { class: "fill", style: "width: {r.rom_deg / top * 80.0:.0}%;" }
                        span { aria_hidden: "true", "{deg(r.rom_deg)}" }
                    }
                }
            }
            RepSummary { reps: s.reps.clone() }
        };
    }
    rsx! {
        h1 { "History" }
        if history.sessions.is_empty() {
            p { "No sessions yet. Start one from Today." }
        } else {
            ul { class: "plain",
                for s in history.sessions.iter() {
                    li { key: "{s.id}",
                        button {
                            onclick: {
                                let id = s.id;
                                move |_| send.call(Command::OpenSession(Some(id)))
                            },
                            "{day_label(s.date)} {session_line(s)}"
                        }
                    }
                }
            }
        }
        if let Some(m) = history.message.clone() {
            p { class: "warning", role: "alert", "{m}" }
        }
    }
}
