//! Session: choose the side, then the coach's cues paced by the sensor —
//! an animated foot, a live angle gauge with the target range, the rep
//! counter, feedback and the breathe reminder, with Stop and "Sharp pain"
//! always visible. At the end: pain 0–10 and the reps' summary; sharp pain
//! shows the stop advice and the red-flag checklist.

use dioxus::prelude::*;

use super::deg;
use crate::core::coach::CoachView;
use crate::core::reps::Rep;
use crate::runtime::view::{LinkState, Screen, SensorView, SessionStage, SessionView};
use crate::runtime::Command;
use crate::sensor::capture::Side;

/// The gauge's span, degrees (down is negative).
const GAUGE_MIN: f64 = -60.0;
const GAUGE_MAX: f64 = 40.0;

#[component]
pub fn SessionScreen(
    session: SessionView,
    sensor: SensorView,
    default_side: Side,
    /// The plan exercises both feet, one session each.
    both: bool,
    send: EventHandler<Command>,
) -> Element {
    let body = match session.stage {
        SessionStage::Ready => rsx! { Ready { side: session.side.unwrap_or(default_side), both, sensor, send } },
        SessionStage::Running => rsx! { Running { session: session.clone(), sensor, send } },
        SessionStage::AskPain => rsx! { AskPain { session: session.clone(), send } },
        SessionStage::Summary => rsx! { Summary { session: session.clone(), send } },
        SessionStage::PainStop => rsx! { PainStop { pain: session.pain, send } },
    };
    rsx! {
        h1 { "Session" }
        {body}
    }
}

#[component]
fn Ready(side: Side, both: bool, sensor: SensorView, send: EventHandler<Command>) -> Element {
    let connected = sensor.state == LinkState::Connected;
    rsx! {
        if both {
            p { class: "notice", "Your plan is for both feet: one session with the sensor on each foot." }
        }
        fieldset {
            legend { "Which foot wears the sensor?" }
            div { class: "row",
                for s in [Side::Left, Side::Right] {
                    button {
                        aria_pressed: if s == side { "true" } else { "false" },
                        onclick: move |_| send.call(Command::ChooseSide(s)),
                        if s == Side::Left { "Left foot" } else { "Right foot" }
                    }
                }
            }
        }
        p { "Lie or sit comfortably with your leg straight. The app tells you when to move and how long to hold." }
        if connected {
            button { class: "primary big", onclick: move |_| send.call(Command::StartSession), "Start" }
        } else {
            p { class: "notice", "Connect your sensor first." }
            button { class: "primary big", onclick: move |_| send.call(Command::Navigate(Screen::Pair)), "Pair a sensor" }
        }
    }
}

#[component]
fn Running(session: SessionView, sensor: SensorView, send: EventHandler<Command>) -> Element {
    let coach = session.coach.clone().unwrap_or_else(|| CoachView {
        step: crate::core::coach::Step::Calibrate,
        cue: String::new(),
        countdown: None,
        reps_done: 0,
        reps_planned: 0,
        feedback: None,
        live_feedback: None,
        breathe: false,
        note: None,
    });
    let counter = format!("Rep {} of {}", coach.reps_done, coach.reps_planned);
    let reconnecting = sensor.state.reconnecting();
    let a = session.angle_deg;
    let angle_text = if a >= 0.0 { format!("{} up", deg(a)) } else { format!("{} down", deg(-a)) };
    rsx! {
        if reconnecting {
            p { class: "warning", role: "alert", "Reconnecting… the session resumes when the sensor is back." }
        }
        div { class: "session-live",
            div {
                p { class: "rep-counter", role: "status", aria_live: "polite", "{counter}" }
                p { class: "cue", aria_live: "assertive", "{coach.cue}" }
                if let Some(n) = coach.countdown {
                    p { class: "countdown", aria_label: "{n} seconds", "{n}" }
                }
                if let Some(note) = coach.note.clone() {
                    p { class: "notice", "{note}" }
                }
                if let Some(f) = coach.feedback_shown() {
                    p { class: "notice", "{f.text()}" }
                }
                if coach.breathe {
                    p { class: "muted", "Breathe normally." }
                }
            }
            div {
                Foot { angle_deg: a }
                Gauge { angle_deg: a, up: session.target_up_deg, down: session.target_down_deg }
                p { "Ankle angle: {angle_text}" }
            }
        }
        div { class: "controls",
            button { class: "danger filled", onclick: move |_| send.call(Command::StopSession), "Stop" }
            button { class: "danger", onclick: move |_| send.call(Command::SharpPain), "Sharp pain" }
        }
    }
}

/// A side view of the foot, turned by the live angle (toes up is positive).
#[component]
fn Foot(angle_deg: f64) -> Element {
    let r = -angle_deg.clamp(-70.0, 50.0);
    rsx! {
        div { class: "foot", aria_hidden: "true",
            svg { view_box: "0 0 200 160", xmlns: "http://www.w3.org/2000/svg",
                rect { x: "50", y: "0", width: "28", height: "100", rx: "12", fill: "#8a94a3" }
                g { transform: "rotate({r:.1} 64 100)",
                    path { d: "M52 88 Q64 120 84 118 L170 112 Q182 110 178 98 L150 92 Q110 86 78 84 Z", fill: "#0b4f8a" }
                }
                circle { cx: "64", cy: "100", r: "8", fill: "#111111" }
            }
        }
    }
}

/// Horizontal gauge: down (plantar) to the left, up (dorsi) to the right; target zones shaded.
#[component]
fn Gauge(angle_deg: f64, up: f64, down: f64) -> Element {
    let pos = |a: f64| (a.clamp(GAUGE_MIN, GAUGE_MAX) - GAUGE_MIN) / (GAUGE_MAX - GAUGE_MIN) * 100.0;
    let up_zone = (pos(0.85 * up), pos(up + 5.0));
    let down_zone = (pos(-(down + 5.0)), pos(-0.85 * down));
    let now = angle_deg.round();
    let text = format!("{} now; aim for {} up and {} down", deg(angle_deg), deg(up), deg(down));
    rsx! {
        div {
            class: "gauge",
            role: "meter",
            aria_label: "Ankle angle",
            aria_valuemin: "{GAUGE_MIN}",
            aria_valuemax: "{GAUGE_MAX}",
            aria_valuenow: "{now}",
            aria_valuetext: "{text}",
            div { class: "target", style: "left: {down_zone.0:.1}%; width: {down_zone.1 - down_zone.0:.1}%;" }
            div { class: "target", style: "left: {up_zone.0:.1}%; width: {up_zone.1 - up_zone.0:.1}%;" }
            div { class: "zero", style: "left: {pos(0.0):.1}%;" }
            div { class: "needle", style: "left: calc({pos(angle_deg):.1}% - 3px);" }
        }
        p { class: "muted", "Shaded: your target range. Left is toes down, right is toes up." }
    }
}

#[component]
fn AskPain(session: SessionView, send: EventHandler<Command>) -> Element {
    rsx! {
        p { class: "cue", "Well done." }
        if let Some(m) = session.message.clone() {
            p { class: "notice", "{m}" }
        }
        PainScale { pain: session.pain, send }
        RepSummary { reps: session.reps.clone() }
    }
}

#[component]
fn PainScale(pain: Option<u8>, send: EventHandler<Command>) -> Element {
    rsx! {
        fieldset {
            legend { id: "pain-q", "How much pain did you feel? 0 is none, 10 is the worst." }
            div { class: "pain-scale", role: "group", aria_labelledby: "pain-q",
                for n in 0..=10u8 {
                    button {
                        aria_label: "Pain {n} of 10",
                        aria_pressed: if pain == Some(n) { "true" } else { "false" },
                        onclick: move |_| send.call(Command::SetPain(n)),
                        "{n}"
                    }
                }
            }
        }
    }
}

#[component]
fn Summary(session: SessionView, send: EventHandler<Command>) -> Element {
    let pain = session.pain.unwrap_or(0);
    rsx! {
        h2 { "Summary" }
        p { "{session.reps.len()} reps done. Pain: {pain} of 10." }
        if pain >= 7 {
            RedFlags {}
        }
        RepSummary { reps: session.reps.clone() }
        div { class: "row",
            button { class: "primary", onclick: move |_| send.call(Command::Navigate(Screen::Today)), "Back to Today" }
            button { onclick: move |_| send.call(Command::NewSession), "Another session" }
        }
    }
}

/// Column headers: short on screen, spelled out for screen readers.
const REP_COLUMNS: [(&str, &str); 6] = [
    ("#", "Rep"),
    ("Up", "Up, degrees"),
    ("Down", "Down, degrees"),
    ("ROM", "Range of motion, degrees"),
    ("Hold ↑", "Hold up, seconds"),
    ("Hold ↓", "Hold down, seconds"),
];

/// The reps as a table: range and holds.
#[component]
pub fn RepSummary(reps: Vec<Rep>) -> Element {
    if reps.is_empty() {
        return rsx! { p { "No complete reps were recorded." } };
    }
    let n = reps.len() as f64;
    let mean_rom = reps.iter().map(|r| r.rom_deg).sum::<f64>() / n;
    let mean_up = reps.iter().map(|r| r.hold_dorsi_s).sum::<f64>() / n;
    let mean_down = reps.iter().map(|r| r.hold_plantar_s).sum::<f64>() / n;
    rsx! {
        p { "Average range {deg(mean_rom)}; average holds {mean_up:.1} s up and {mean_down:.1} s down." }
        div { class: "table-wrap", tabindex: "0", role: "region", aria_label: "Reps table",
            table {
                caption { class: "sr-only", "Your reps" }
                thead {
                    tr {
                        for (short, long) in REP_COLUMNS {
                            th { scope: "col",
                                span { aria_hidden: "true", "{short}" }
                                span { class: "sr-only", "{long}" }
                            }
                        }
                    }
                }
                tbody {
                    for (i, r) in reps.iter().enumerate() {
                        tr { key: "{i}",
                            td { "{i + 1}" }
                            td { "{r.peak_dorsi_deg:.1}" }
                            td { "{r.peak_plantar_deg:.1}" }
                            td { "{r.rom_deg:.1}" }
                            td { "{r.hold_dorsi_s:.1}" }
                            td { "{r.hold_plantar_s:.1}" }
                        }
                    }
                }
            }
        }
        p { class: "muted", "Up, Down and ROM in degrees; holds in seconds." }
    }
}

#[component]
fn PainStop(pain: Option<u8>, send: EventHandler<Command>) -> Element {
    rsx! {
        h2 { class: "cue", "Stop the exercise now" }
        p { "Rest your leg. Do not continue the exercises today while it hurts. If the pain stays or gets worse, call your doctor, nurse or physiotherapist." }
        RedFlags {}
        PainScale { pain, send }
        button { class: "primary", onclick: move |_| send.call(Command::Navigate(Screen::Today)), "Back to Today" }
    }
}

/// Signs of a blood clot or embolism: seek care now.
#[component]
fn RedFlags() -> Element {
    rsx! {
        section { class: "warning", aria_labelledby: "red-flags",
            h3 { id: "red-flags", "Seek care now (call emergency services) if you have:" }
            ul {
                li { "Pain, swelling, warmth or redness in the calf" }
                li { "Sudden breathlessness" }
                li { "Chest pain, or coughing up blood" }
            }
        }
    }
}
