//! The foot drawing: a side view that shows what to do — a dashed ghost foot
//! at the target of the current movement with an arrow from the live foot
//! to it, and the live foot over it — drawn lying (leg flat, toes to the
//! ceiling) or seated (shin upright) as the session's posture says.

use dioxus::prelude::*;

use crate::core::coach::Step;
use crate::runtime::view::Posture;

/// The foot outline around the ankle at (0, 0), pointing along +x, sole at +y.
const FOOT: &str = "M-12 -12 Q0 20 20 18 L106 12 Q118 10 114 -2 L86 -8 Q46 -14 14 -16 Z";
/// The toes' point in the foot's own frame (where the arrow aims).
const TOE: (f64, f64) = (110.0, 2.0);
/// The arrow runs on this radius around the ankle.
const ARROW_R: f64 = 124.0;
/// No arrow once the live foot is this close to the target (degrees).
const ON_TARGET_DEG: f64 = 6.0;

/// The target angle of a step (toes up positive), from the gauge's targets.
pub(super) fn target_deg(step: Step, up: f64, down: f64) -> f64 {
    match step {
        Step::PullUp | Step::HoldUp => up,
        Step::PointDown | Step::HoldDown => -down,
        Step::Calibrate | Step::Return | Step::Done | Step::Paused => 0.0,
    }
}

/// Where the ankle sits and how the neutral foot is turned, per posture.
fn frame(p: Posture) -> ((f64, f64), f64) {
    match p {
        // Leg flat along the bed, head to the left: a neutral foot points at the ceiling.
        Posture::Lying => ((150.0, 150.0), -90.0),
        // Shin upright: a neutral foot points forward.
        Posture::Seated => ((70.0, 120.0), 0.0),
    }
}

/// The drawing's rotation for an ankle angle (SVG turns clockwise; toes up turns toward the shin).
fn rotation(p: Posture, angle_deg: f64) -> f64 {
    frame(p).1 - angle_deg.clamp(-70.0, 50.0)
}

fn toe_at(p: Posture, rot_deg: f64) -> (f64, f64) {
    let ((ax, ay), _) = frame(p);
    let (s, c) = rot_deg.to_radians().sin_cos();
    let r = ARROW_R / (TOE.0.hypot(TOE.1));
    (ax + r * (TOE.0 * c - TOE.1 * s), ay + r * (TOE.0 * s + TOE.1 * c))
}

#[component]
pub fn Foot(angle_deg: f64, target: Option<f64>, posture: Posture) -> Element {
    let ((ax, ay), _) = frame(posture);
    let live = rotation(posture, angle_deg);
    let leg = match posture {
        Posture::Lying => {
            rsx! { rect { x: "0", y: "{ay - 14.0}", width: "{ax}", height: "28", rx: "12", fill: "#8a94a3" } }
        }
        Posture::Seated => {
            rsx! { rect { x: "{ax - 14.0}", y: "0", width: "28", height: "{ay}", rx: "12", fill: "#8a94a3" } }
        }
    };
    let arrow = target.map(|t| (t, rotation(posture, t))).filter(|(t, _)| (t - angle_deg).abs() > ON_TARGET_DEG).map(
        |(_, tr)| {
            let (from, to) = (toe_at(posture, live), toe_at(posture, tr));
            let sweep = u8::from(tr > live);
            format!("M{:.1} {:.1} A{ARROW_R} {ARROW_R} 0 0 {sweep} {:.1} {:.1}", from.0, from.1, to.0, to.1)
        },
    );
    let posture_name = match posture {
        Posture::Lying => "lying",
        Posture::Seated => "seated",
    };
    rsx! {
        div { class: "foot", aria_hidden: "true", "data-posture": posture_name,
            svg { view_box: "0 0 300 300", xmlns: "http://www.w3.org/2000/svg",
                defs {
                    marker { id: "arrowhead", view_box: "0 0 10 10", ref_x: "5", ref_y: "5", marker_width: "5", marker_height: "5", orient: "auto-start-reverse",
                        path { d: "M0 0 L10 5 L0 10 Z", fill: "#b35c00" }
                    }
                }
                {leg}
                if let Some(t) = target {
                    g { class: "ghost", "data-target-deg": "{t:.0}", transform: "translate({ax} {ay}) rotate({rotation(posture, t):.1})",
                        path { d: FOOT, fill: "none", stroke: "#b35c00", stroke_width: "4", stroke_dasharray: "10 6" }
                    }
                }
                if let Some(d) = arrow {
                    path { class: "arrow", d: "{d}", fill: "none", stroke: "#b35c00", stroke_width: "6", marker_end: "url(#arrowhead)" }
                }
                g { class: "live", transform: "translate({ax} {ay}) rotate({live:.1})",
                    path { d: FOOT, fill: "#0b4f8a" }
                }
                circle { cx: "{ax}", cy: "{ay}", r: "8", fill: "#111111" }
            }
        }
    }
}
