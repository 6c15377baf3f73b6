//! Today: sessions done against the day's target ("1 of 3 — 2 to go", with a
//! bar), when the next one is due, the sensor's state and battery, and one
//! big Start button naming the foot ("Left foot · change"). After a
//! sharp-pain stop today: rest advice and the red-flag signs instead.

use dioxus::prelude::*;

use super::focus::foot_name;
use super::session::SideLine;
use super::summary::RedFlags;
use crate::core::words::today_count;
use crate::runtime::patient::PatientCommand;
use crate::runtime::view::{LinkState, SensorView, TodayView};
use crate::runtime::Command;
use crate::sensor::capture::Side;

/// Today's count against the target, as words and a bar.
#[component]
pub fn DayGoal(done: u32, target: u32, id: &'static str) -> Element {
    let target = target.max(1);
    let pct = (f64::from(done.min(target)) / f64::from(target) * 100.0).round();
    rsx! {
        h2 { id, class: "big-number", "{today_count(done, target)}" }
        div { class: "goal-bar", role: "img", aria_label: "{done} of {target} sessions done today",
            div { class: "fill", style: "width: {pct}%;" }
        }
    }
}

#[component]
pub fn TodayScreen(today: TodayView, sensor: SensorView, send: EventHandler<Command>) -> Element {
    let (min, max) = today.band;
    let done = today.done;
    let target = if min == max { format!("{max}") } else { format!("{min}–{max}") };
    let connected = sensor.state == LinkState::Connected;
    let sensor_line = match &sensor.name {
        Some(name) => format!("{name} — {}", sensor.state.label()),
        None => "No sensor connected".to_string(),
    };
    let battery = sensor.battery_pct.map_or("Battery: not reported".to_string(), |b| format!("Battery: {b}%"));
    let next = format!("Next session: {}", today.next_due.label());
    let in_progress = today.in_progress;
    let side = today.side.unwrap_or(Side::Right);
    rsx! {
        h1 { "Today" }
        if today.rest_today {
            section { class: "warning", aria_labelledby: "today-rest",
                h2 { id: "today-rest", "Rest today" }
                p { "You stopped a session for sharp pain today. Rest your leg and do not do more exercises today." }
                p { "If the pain stays or gets worse, contact your care team (your doctor, nurse or physiotherapist)." }
            }
            RedFlags {}
        } else if let Some(r) = today.reminder.clone() {
            p { class: "notice", role: "status", "{r}" }
        }
        section { class: "card", aria_labelledby: "today-count",
            DayGoal { done, target: min, id: "today-count" }
            p { "Your plan: {target} sessions a day." }
            p { "{next}" }
        }
        if in_progress {
            p { class: "notice", role: "status", "Session in progress — back to it" }
            // A running session is never restarted from here: Start leads back to it.
            button {
                class: "primary big",
                onclick: move |_| send.call(Command::Navigate(crate::runtime::view::Screen::Session)),
                "Back to the session"
            }
        } else if !today.rest_today {
            SideLine { side, send }
            button {
                class: "primary big",
                onclick: move |_| send.call(Command::Patient(PatientCommand::StartFor(side))),
                "Start a session · {foot_name(side)}"
            }
        }
        section { class: "card", aria_labelledby: "today-sensor",
            h2 { id: "today-sensor", "Sensor" }
            p { "{sensor_line}" }
            p { "{battery}" }
            if !connected {
                button { onclick: move |_| send.call(Command::Navigate(crate::runtime::view::Screen::Pair)), "Pair a sensor" }
            }
        }
    }
}
