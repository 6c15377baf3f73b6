//! Settings: the preset, reps, hold time, side, in-app reminders, and
//! forgetting the sensor.

use dioxus::prelude::*;

use crate::core::plan::Sides;
use crate::runtime::view::{PresetChoice, SensorView, SettingsView};
use crate::runtime::Command;

#[component]
pub fn SettingsScreen(settings: SettingsView, sensor: SensorView, send: EventHandler<Command>) -> Element {
    let reps = settings.reps;
    let hold = settings.hold_s;
    let reminders = settings.reminders;
    let (bmin, bmax) = settings.band;
    rsx! {
        h1 { "Settings" }
        if let Some(m) = settings.message.clone() {
            p { class: "notice", role: "status", "{m}" }
        }
        fieldset {
            legend { "Plan" }
            div { class: "row",
                for p in PresetChoice::ALL {
                    button {
                        aria_pressed: if p == settings.preset { "true" } else { "false" },
                        onclick: move |_| send.call(Command::SetPreset(p)),
                        "{p.label()}"
                    }
                }
            }
            p { "{bmin}–{bmax} sessions a day." }
        }
        Stepper {
            label: "Reps per session",
            value: "{reps}",
            fewer: Command::SetReps(reps.saturating_sub(1)),
            more: Command::SetReps(reps + 1),
            send,
        }
        Stepper {
            label: "Hold time",
            value: "{hold} s",
            fewer: Command::SetHold(hold.saturating_sub(1)),
            more: Command::SetHold(hold + 1),
            send,
        }
        fieldset {
            legend { "Foot" }
            div { class: "row",
                for (s, label) in [(Sides::Left, "Left"), (Sides::Right, "Right"), (Sides::Both, "Both feet")] {
                    button {
                        aria_pressed: if s == settings.sides { "true" } else { "false" },
                        onclick: move |_| send.call(Command::SetSides(s)),
                        "{label}"
                    }
                }
            }
        }
        fieldset {
            legend { "Reminders" }
            label { class: "check",
                input {
                    r#type: "checkbox",
                    checked: reminders,
                    onchange: move |e: FormEvent| send.call(Command::SetReminders(e.checked())),
                }
                "Remind me in the app when a session is due"
            }
        }
        super::reminders::ReminderSettings { view: settings.reminders_detail.clone(), send }
        fieldset {
            legend { "Export for your clinician" }
            div { class: "row",
                button { onclick: move |_| send.call(Command::ExportCsv), "Export CSV" }
                button { onclick: move |_| send.call(Command::ExportFhir), "Export FHIR" }
            }
        }
        if sensor.name.is_some() {
            fieldset {
                legend { "Sensor" }
                button { class: "danger", onclick: move |_| send.call(Command::Forget), "Forget sensor" }
            }
        }
    }
}

#[component]
fn Stepper(label: &'static str, value: String, fewer: Command, more: Command, send: EventHandler<Command>) -> Element {
    rsx! {
        fieldset {
            legend { "{label}" }
            div { class: "stepper",
                button {
                    aria_label: "Fewer: {label}",
                    onclick: move |_| send.call(fewer.clone()),
                    "−"
                }
                output { aria_live: "polite", "{value}" }
                button { aria_label: "More: {label}", onclick: move |_| send.call(more.clone()), "+" }
            }
        }
    }
}
