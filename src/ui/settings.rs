//! Settings: the preset with its clinical guidance, reps, hold time, side,
//! in-app reminders, voice and sound, exports for the clinician, and
//! forgetting the sensor. Each message appears beside the control that
//! caused it; steppers stop at the preset's limits and say why.

use dioxus::prelude::*;

use crate::core::plan::Sides;
use crate::runtime::patient::PatientCommand;
use crate::runtime::view::{Download, PresetChoice, SensorView, SettingsField, SettingsView};
use crate::runtime::Command;

/// The guidance the presets follow, as the patient reads it (the figures
/// `core::plan::Preset::info` encodes). Sources for ankle pumps in bed:
/// Sunnybrook Health Sciences Centre, "Leg exercises" (lie flat, legs
/// straight; hold each position 3 seconds),
/// <https://sunnybrook.ca/content/?page=patcar-prep-legs>; University of Utah
/// Health, joint replacement patient guide, "Physical therapy exercises"
/// (slow pumps, 10 repetitions at least five times a day; breathe normally
/// while holding), <https://healthcare.utah.edu/orthopaedics/specialties/joint-replacement/patient-guide/after-hip-replacement/exercises>;
/// anklepain.info, "Ankle pump exercises" (10–30 reps many times a day),
/// <http://anklepain.info/ankle-pump-exercises/>. The 10 s post-operative
/// hold limit is the plan presets' own (see `core::plan`).
pub const GUIDANCE: &str =
    "10–30 slow reps; holds 3–5 s, up to 10 s after surgery. General: 1–2 sessions a day; after surgery: 3–4 a day.";

#[component]
pub fn SettingsScreen(settings: SettingsView, sensor: SensorView, send: EventHandler<Command>) -> Element {
    let reps = settings.reps;
    let hold = settings.hold_s;
    let reminders = settings.reminders;
    let (bmin, bmax) = settings.band;
    let msg = |f: SettingsField| settings.message.clone().filter(|_| settings.message_at == Some(f));
    let general = settings.message_at.is_none().then(|| settings.message.clone()).flatten();
    let (rmin, rmax) = settings.reps_range;
    let (hmin, hmax) = settings.hold_range;
    let sound = settings.sound;
    rsx! {
        h1 { "Settings" }
        if let Some(m) = general {
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
            p { class: "guidance", "Clinical guidance: {GUIDANCE}" }
            Message { text: msg(SettingsField::Plan) }
        }
        Stepper {
            label: "Reps per session",
            value: "{reps}",
            fewer: (reps > rmin).then_some(Command::SetReps(reps.saturating_sub(1))),
            more: (reps < rmax).then_some(Command::SetReps(reps + 1)),
            limit: limit_text(reps, rmin, rmax, "reps"),
            message: msg(SettingsField::Reps),
            send,
        }
        Stepper {
            label: "Hold time",
            value: "{hold} s",
            fewer: (hold > hmin).then_some(Command::SetHold(hold.saturating_sub(1))),
            more: (hold < hmax).then_some(Command::SetHold(hold + 1)),
            limit: limit_text(hold, hmin, hmax, "s holds"),
            message: msg(SettingsField::Hold),
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
            Message { text: msg(SettingsField::Sides) }
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
            Message { text: msg(SettingsField::Reminders) }
        }
        fieldset {
            legend { "Voice and sound" }
            label { class: "check",
                input {
                    r#type: "checkbox",
                    checked: sound.voice,
                    onchange: move |e: FormEvent| send.call(Command::Patient(PatientCommand::SetVoice(e.checked()))),
                }
                "Speak the cues"
            }
            label { class: "check",
                input {
                    r#type: "checkbox",
                    checked: sound.tones,
                    onchange: move |e: FormEvent| send.call(Command::Patient(PatientCommand::SetTones(e.checked()))),
                }
                "A tone at the start and end of each hold"
            }
            label { class: "volume",
                "Volume"
                input {
                    r#type: "range",
                    min: "0",
                    max: "100",
                    step: "10",
                    value: "{sound.volume_pct}",
                    aria_valuetext: "{sound.volume_pct} percent",
                    onchange: move |e: FormEvent| {
                        if let Ok(v) = e.value().parse::<u8>() {
                            send.call(Command::Patient(PatientCommand::SetVolume(v)));
                        }
                    },
                }
                output { "{sound.volume_pct}%" }
            }
        }
        super::reminders::ReminderSettings { view: settings.reminders_detail.clone(), send }
        fieldset {
            legend { "Export for your clinician" }
            div { class: "row",
                button { onclick: move |_| send.call(Command::Patient(PatientCommand::Download { fhir: false })), "Download CSV" }
                button { onclick: move |_| send.call(Command::Patient(PatientCommand::Download { fhir: true })), "Download FHIR" }
            }
            p { class: "muted", "Or keep them in the app's own folder on this computer:" }
            div { class: "row",
                button { onclick: move |_| send.call(Command::ExportCsv), "Export CSV" }
                button { onclick: move |_| send.call(Command::ExportFhir), "Export FHIR" }
                button { onclick: move |_| send.call(Command::Patient(PatientCommand::OpenExportFolder)), "Open the folder" }
            }
            Message { text: msg(SettingsField::Export) }
            Downloads { files: settings.downloads.clone(), seq: settings.download_seq }
        }
        if sensor.name.is_some() {
            fieldset {
                legend { "Sensor" }
                button { class: "danger", onclick: move |_| send.call(Command::Forget), "Forget sensor" }
            }
        }
    }
}

/// "Fewest: 10 reps (the preset's limit)" at a limit, else the range.
fn limit_text(v: u32, min: u32, max: u32, unit: &str) -> String {
    if v <= min {
        format!("Fewest allowed: {min} {unit} (this plan's limit).")
    } else if v >= max {
        format!("Most allowed: {max} {unit} (this plan's limit).")
    } else {
        format!("Allowed: {min}–{max} {unit}.")
    }
}

/// A message beside its control.
#[component]
fn Message(text: Option<String>) -> Element {
    rsx! {
        if let Some(t) = text {
            p { class: "notice inline", role: "status", "{t}" }
        }
    }
}

/// Hands the exported files to the browser (a Blob and an `<a download>` per file), once per export.
#[component]
fn Downloads(files: Vec<Download>, seq: u32) -> Element {
    use_effect(use_reactive!(|seq| {
        if seq == 0 {
            return;
        }
        for f in files.iter() {
            let js = format!(
                "const b = new Blob([{}], {{ type: {} }}); const a = document.createElement('a'); \
                 a.href = URL.createObjectURL(b); a.download = {}; a.textContent = a.download; a.hidden = true; \
                 document.body.appendChild(a); a.click(); \
                 setTimeout(() => {{ URL.revokeObjectURL(a.href); a.remove(); }}, 1000);",
                serde_json::Value::from(f.content.as_str()),
                serde_json::Value::from(f.mime.as_str()),
                serde_json::Value::from(f.name.as_str())
            );
            let _ = document::eval(&js);
        }
    }));
    rsx! {}
}

#[component]
fn Stepper(
    label: &'static str,
    value: String,
    fewer: Option<Command>,
    more: Option<Command>,
    limit: String,
    message: Option<String>,
    send: EventHandler<Command>,
) -> Element {
    let (f, m) = (fewer.clone(), more.clone());
    rsx! {
        fieldset {
            legend { "{label}" }
            div { class: "stepper",
                button {
                    aria_label: "Fewer: {label}",
                    disabled: fewer.is_none(),
                    onclick: move |_| if let Some(c) = f.clone() { send.call(c) },
                    "−"
                }
                output { aria_live: "polite", "{value}" }
                button {
                    aria_label: "More: {label}",
                    disabled: more.is_none(),
                    onclick: move |_| if let Some(c) = m.clone() { send.call(c) },
                    "+"
                }
                span { class: "limit", "{limit}" }
            }
            Message { text: message }
        }
    }
}
