//! The end of a session: the count first ("10 of 10 — well done"), the pain
//! question with words at its ends and middle, a summary in words compared
//! with the last session on that foot, when the next session is due, and
//! every rep in a table for those who want it. Also the red-flag signs.

use dioxus::prelude::*;

use super::deg;
use crate::core::reps::Rep;
use crate::core::words::{pain_word, summary};
use crate::runtime::view::{Screen, SessionStage, SessionView};
use crate::runtime::Command;
use crate::sensor::capture::Side;

#[component]
pub fn EndOfSession(session: SessionView, next_due: String, send: EventHandler<Command>) -> Element {
    let (done, planned) =
        session.coach.as_ref().map_or((session.reps.len() as u32, 0), |c| (c.reps_done, c.reps_planned));
    let planned = planned.max(done);
    let headline = summary::headline(done, planned);
    let side = session.side.unwrap_or(Side::Right);
    let words = summary::sentences(&session.reps, session.hold_s, side, session.previous.as_ref());
    let asking = session.stage == SessionStage::AskPain;
    let pain = session.pain;
    rsx! {
        p { class: "end-headline", role: "status", "{headline}" }
        if let Some(m) = session.message.clone() {
            p { class: "notice", "{m}" }
        }
        if asking {
            PainScale { pain, send }
        } else {
            h2 { "Summary" }
            if let Some(p) = pain {
                p { "Pain: {p} of 10 — {pain_word(p)}." }
            }
            if pain.is_some_and(|p| p >= 7) {
                p { "That is a lot of pain. Rest, and contact your care team if it does not settle." }
                RedFlags {}
            }
        }
        ul { class: "summary-words",
            for (i, w) in words.iter().enumerate() {
                li { key: "{i}", "{w}" }
            }
        }
        p { class: "next-due", {next_line(&next_due)} }
        details { class: "reps-details",
            summary { "Every rep" }
            RepSummary { reps: session.reps.clone() }
        }
        if !asking {
            div { class: "row",
                button { class: "primary", onclick: move |_| send.call(Command::Navigate(Screen::Today)), "Back to Today" }
                button { onclick: move |_| send.call(Command::NewSession), "Another session" }
            }
        }
    }
}

/// "Next session: at 14:30" / "Next session: tomorrow".
pub(super) fn next_line(next_due: &str) -> String {
    match next_due {
        "" => String::new(),
        "now" => "Next session: whenever you are ready.".into(),
        d => format!("Next session: {d}."),
    }
}

#[component]
pub fn PainScale(pain: Option<u8>, send: EventHandler<Command>) -> Element {
    rsx! {
        fieldset {
            legend { id: "pain-q", "How much pain did you feel? 0 is no pain, 10 is the worst pain." }
            div { class: "pain-scale", role: "group", aria_labelledby: "pain-q",
                for n in 0..=10u8 {
                    // The name comes from the content ("Pain 0 of 10, no pain"), its visible part included.
                    button {
                        aria_pressed: if pain == Some(n) { "true" } else { "false" },
                        onclick: move |_| send.call(Command::SetPain(n)),
                        span { class: "sr-only", "Pain " }
                        span { class: "n", "{n}" }
                        if matches!(n, 0 | 5 | 10) {
                            span { class: "sr-only", " of 10, " }
                            span { class: "pain-word", "{pain_word(n)}" }
                        } else {
                            span { class: "sr-only", " of 10, {pain_word(n)}" }
                        }
                    }
                }
            }
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

/// Signs of a blood clot in the leg (DVT) or the lung (pulmonary embolism): seek care now.
/// Source: NHS, "Deep vein thrombosis (DVT)" — symptoms and when to get urgent help,
/// <https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/>; NHS, "Pulmonary embolism",
/// <https://www.nhs.uk/conditions/pulmonary-embolism/>.
#[component]
pub fn RedFlags() -> Element {
    rsx! {
        section { class: "warning", aria_labelledby: "red-flags",
            h3 { id: "red-flags", "Get help now if you have:" }
            ul {
                li { "Pain, throbbing or swelling in your calf or thigh — call your care team or 111 today" }
                li { "Red or darkened, warm skin on your leg — call your care team or 111 today" }
                li { "Sudden breathlessness or chest pain, or coughing up blood — call 999 (112 in Europe) now" }
            }
        }
    }
}
