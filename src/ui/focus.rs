//! The focus screen while exercising: the whole window, no navigation. The
//! foot, the rep counter ("7 of 10"), the cue, the hold countdown and the
//! gauge all fit one screen (phone upright or sideways, desktop), with Stop
//! (which asks first) and Sharp pain (which does not) always there.

use dioxus::prelude::*;

use super::deg;
use super::foot::{target_deg, Foot};
use crate::core::coach::{CoachView, Step};
use crate::runtime::view::{Posture, Screen, SensorView, SessionView};
use crate::runtime::Command;
use crate::sensor::capture::Side;

/// The gauge's span, degrees (down is negative).
const GAUGE_MIN: f64 = -60.0;
const GAUGE_MAX: f64 = 40.0;

/// "Left foot".
pub(super) fn foot_name(s: Side) -> &'static str {
    match s {
        Side::Left => "Left foot",
        Side::Right => "Right foot",
    }
}

fn waiting_coach() -> CoachView {
    CoachView {
        step: Step::Calibrate,
        cue: String::new(),
        countdown: None,
        reps_done: 0,
        reps_planned: 0,
        feedback: None,
        live_feedback: None,
        breathe: false,
        note: None,
    }
}

#[component]
pub fn FocusScreen(session: SessionView, sensor: SensorView, posture: Posture, send: EventHandler<Command>) -> Element {
    let mut confirm = use_signal(|| false);
    let mut leaving = use_signal(|| false);
    let coach = session.coach.clone().unwrap_or_else(waiting_coach);
    let reconnecting = sensor.state.reconnecting();
    let a = session.angle_deg;
    let target = target_deg(coach.step, session.target_up_deg, session.target_down_deg);
    let said = coach.note.clone().or_else(|| coach.feedback_shown().map(|f| f.text().to_string()));
    let extra = [said, coach.breathe.then(|| "Breathe normally.".to_string())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let side = session.side.map(foot_name).unwrap_or("");
    rsx! {
        main { class: "focus", aria_label: "Session in progress",
            div { class: "focus-top",
                p { class: "side-chip", "{side}" }
                p { class: "rep-counter", role: "status", aria_live: "polite",
                    span { class: "rep-word", "Rep " }
                    "{coach.reps_done} of {coach.reps_planned}"
                }
                if leaving() {
                    span { class: "leave-ask", role: "alertdialog", aria_label: "Leave this screen?",
                        "The session keeps running. "
                        button { onclick: move |_| { leaving.set(false); send.call(Command::Navigate(Screen::Today)) }, "Leave" }
                        button { onclick: move |_| leaving.set(false), "Stay" }
                    }
                } else {
                    button { class: "link", onclick: move |_| leaving.set(true), "Leave" }
                }
            }
            if reconnecting {
                p { class: "warning", role: "alert", "Reconnecting… the session resumes when the sensor is back." }
            }
            div { class: "focus-text",
                h1 { class: "cue", aria_live: "assertive", "{coach.cue}" }
                p {
                    class: if coach.countdown.is_some() { "countdown" } else { "countdown empty" },
                    aria_hidden: if coach.countdown.is_none() { "true" } else { "false" },
                    if let Some(n) = coach.countdown {
                        span { aria_label: "{n} seconds", "{n}" }
                    }
                }
                p { class: "focus-extra", "{extra}" }
            }
            div { class: "focus-visual",
                Foot { angle_deg: a, target: Some(target), posture }
                Gauge { angle_deg: a, up: session.target_up_deg, down: session.target_down_deg }
            }
            div { class: "controls",
                if confirm() {
                    div { class: "confirm", role: "alertdialog", aria_labelledby: "stop-q",
                        p { id: "stop-q", "Stop this session? The reps you did are kept." }
                        div { class: "row",
                            button { class: "danger filled", onclick: move |_| { confirm.set(false); send.call(Command::StopSession) }, "Stop now" }
                            button { onclick: move |_| confirm.set(false), "Keep going" }
                        }
                    }
                } else {
                    button { class: "danger filled", onclick: move |_| confirm.set(true), "Stop" }
                }
                button { class: "danger", onclick: move |_| send.call(Command::SharpPain), "Sharp pain" }
            }
        }
    }
}

/// Horizontal gauge: toes down to the left, toes up to the right; target zones shaded.
#[component]
fn Gauge(angle_deg: f64, up: f64, down: f64) -> Element {
    let pos = |a: f64| (a.clamp(GAUGE_MIN, GAUGE_MAX) - GAUGE_MIN) / (GAUGE_MAX - GAUGE_MIN) * 100.0;
    let up_zone = (pos(0.85 * up), pos(up + 5.0));
    let down_zone = (pos(-(down + 5.0)), pos(-0.85 * down));
    let now = angle_deg.round();
    let words = if angle_deg >= 0.0 { format!("{} up", deg(angle_deg)) } else { format!("{} down", deg(-angle_deg)) };
    let text = format!("{words} now; aim for {} up and {} down", deg(up), deg(down));
    rsx! {
        div { class: "gauge-wrap",
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
            p { class: "gauge-legend",
                span { "◀ toes down" }
                span { "Ankle: {words}" }
                span { "toes up ▶" }
            }
        }
    }
}
