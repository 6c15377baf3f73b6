//! Session: before the start, which foot ("Left foot · change") and how the
//! patient lies or sits, then the focus screen (`focus`) while exercising,
//! the end of the session (`summary`), and after sharp pain the stop advice
//! with the red-flag signs.

use dioxus::prelude::*;

use super::focus::{foot_name, FocusScreen};
pub use super::summary::RepSummary;
use super::summary::{EndOfSession, PainScale, RedFlags};
use crate::runtime::patient::PatientCommand;
use crate::runtime::view::{LinkState, Posture, Screen, SensorView, SessionStage, SessionView};
use crate::runtime::Command;
use crate::sensor::capture::Side;

#[component]
pub fn SessionScreen(
    session: SessionView,
    sensor: SensorView,
    default_side: Side,
    /// The plan exercises both feet, one session each.
    both: bool,
    posture: Posture,
    /// Today's "next session" ("at 14:30", "tomorrow").
    next_due: String,
    /// A sharp-pain stop today.
    rest_today: bool,
    send: EventHandler<Command>,
) -> Element {
    if session.stage == SessionStage::Running {
        return rsx! { FocusScreen { session, sensor, posture, send } };
    }
    let body = match session.stage {
        SessionStage::PainStop => rsx! { PainStop { pain: session.pain, send } },
        SessionStage::AskPain | SessionStage::Summary => {
            rsx! { EndOfSession { session: session.clone(), next_due, send } }
        }
        _ => rsx! { Ready { side: session.side.unwrap_or(default_side), both, posture, sensor, rest_today, send } },
    };
    rsx! {
        h1 { "Session" }
        {body}
    }
}

/// "Left foot · change": the foot the session is recorded for, and the other one a tap away.
#[component]
pub fn SideLine(side: Side, send: EventHandler<Command>) -> Element {
    let other = match side {
        Side::Left => Side::Right,
        Side::Right => Side::Left,
    };
    rsx! {
        p { class: "side-line",
            strong { "{foot_name(side)}" }
            " · "
            button { class: "link", aria_label: "Change to the {foot_name(other).to_lowercase()}", onclick: move |_| send.call(Command::ChooseSide(other)), "change" }
        }
    }
}

#[component]
fn Ready(
    side: Side,
    both: bool,
    posture: Posture,
    sensor: SensorView,
    rest_today: bool,
    send: EventHandler<Command>,
) -> Element {
    let connected = sensor.state == LinkState::Connected;
    let how = match posture {
        Posture::Lying => "Lie on your back with your leg straight. The app tells you when to move and how long to hold — you can listen instead of watching.",
        Posture::Seated => "Sit with your foot off the floor. The app tells you when to move and how long to hold — you can listen instead of watching.",
    };
    rsx! {
        if rest_today {
            p { class: "warning", "You stopped for sharp pain today. Resting is advised until tomorrow." }
        }
        if both {
            p { class: "notice", "Your plan is for both feet: one session with the sensor on each foot." }
        }
        section { class: "card", aria_label: "This session",
            SideLine { side, send }
            fieldset {
                legend { "How are you exercising?" }
                div { class: "row",
                    for (p, label) in [(Posture::Lying, "Lying down"), (Posture::Seated, "Sitting")] {
                        button {
                            aria_pressed: if p == posture { "true" } else { "false" },
                            onclick: move |_| send.call(Command::Patient(PatientCommand::SetPosture(p))),
                            "{label}"
                        }
                    }
                }
            }
            p { "{how}" }
        }
        if connected {
            button { class: "primary big", onclick: move |_| send.call(Command::Patient(PatientCommand::StartFor(side))), "Start · {foot_name(side)}" }
        } else {
            p { class: "notice", "Connect your sensor first." }
            button { class: "primary big", onclick: move |_| send.call(Command::Navigate(Screen::Pair)), "Pair a sensor" }
        }
    }
}

#[component]
fn PainStop(pain: Option<u8>, send: EventHandler<Command>) -> Element {
    rsx! {
        h2 { class: "cue", "Stop the exercise now" }
        p { "Rest your leg. Do not do more exercises today. If the pain stays or gets worse, contact your care team (your doctor, nurse or physiotherapist)." }
        RedFlags {}
        PainScale { pain, send }
        div { class: "row",
            button { class: "primary", onclick: move |_| send.call(Command::Navigate(Screen::Today)), "Back to Today" }
            button { onclick: move |_| send.call(Command::NewSession), "New session (only once the pain has gone)" }
        }
    }
}
