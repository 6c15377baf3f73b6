//! Today: sessions done against the preset's target, when the next one is
//! due, the sensor's state and battery, and one big Start button.

use dioxus::prelude::*;

use crate::runtime::view::{LinkState, SensorView, TodayView};
use crate::runtime::Command;

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
    rsx! {
        h1 { "Today" }
        if let Some(r) = today.reminder.clone() {
            p { class: "notice", role: "status", "{r}" }
        }
        section { class: "card", aria_labelledby: "today-count",
            h2 { id: "today-count", class: "big-number", "{done} of {max} today" }
            p { "Your plan: {target} sessions a day." }
            p { "{next}" }
        }
        if in_progress {
            p { class: "notice", role: "status", "Session in progress — back to it" }
        }
        // A running session is never restarted from here: Start leads back to it.
        button {
            class: "primary big",
            onclick: move |_| send.call(if in_progress { Command::Navigate(crate::runtime::view::Screen::Session) } else { Command::StartSession }),
            if in_progress { "Back to the session" } else { "Start a session" }
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
