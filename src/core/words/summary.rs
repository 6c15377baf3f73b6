//! The end of a session in words: the count first ("10 of 10 — well done"),
//! then reps, average and best range, holds kept, and the comparison with
//! the last session on the same foot.

use super::compare_deg;
use crate::core::reps::Rep;
use crate::sensor::capture::Side;

/// A hold counts as kept at this share of the plan's hold (the coach's own timing is whole seconds).
const HOLD_KEPT_SHARE: f64 = 0.9;

/// The last session on the same foot, for the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    /// "Sat 21 Nov".
    pub day: String,
    pub mean_rom_deg: f64,
}

/// The headline: "10 of 10 — well done", or "6 of 10 — stopped early".
pub fn headline(done: u32, planned: u32) -> String {
    if done >= planned {
        format!("{done} of {planned} — well done")
    } else if done == 0 {
        format!("0 of {planned} — no reps this time")
    } else {
        format!("{done} of {planned} — stopped early, well done for trying")
    }
}

/// The summary's sentences.
pub fn sentences(reps: &[Rep], hold_s: f64, side: Side, previous: Option<&Previous>) -> Vec<String> {
    if reps.is_empty() {
        return vec!["No complete reps were recorded.".into()];
    }
    let n = reps.len();
    let mean = reps.iter().map(|r| r.rom_deg).sum::<f64>() / n as f64;
    let best = reps.iter().map(|r| r.rom_deg).fold(f64::MIN, f64::max);
    let need = hold_s * HOLD_KEPT_SHARE;
    let kept =
        reps.iter().map(|r| u32::from(r.hold_dorsi_s >= need) + u32::from(r.hold_plantar_s >= need)).sum::<u32>();
    let mut out = vec![
        format!("You did {n} {}.", if n == 1 { "rep" } else { "reps" }),
        format!("Average range {mean:.0}°, best {best:.0}°."),
        format!("You kept {kept} of {} holds for {hold_s:.0} s.", 2 * n),
    ];
    out.push(match previous {
        Some(p) => format!(
            "Average range {} on your {} foot ({}).",
            compare_deg(mean, Some(p.mean_rom_deg), "last time"),
            side.as_str(),
            p.day
        ),
        None => format!("This is your first session on your {} foot.", side.as_str()),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(rom: f64, hold: f64) -> Rep {
        Rep {
            start_s: 0.0,
            end_s: 8.0,
            peak_dorsi_deg: 20.0,
            peak_plantar_deg: rom - 20.0,
            rom_deg: rom,
            hold_dorsi_s: hold,
            hold_plantar_s: 3.0,
            detected_s: 8.1,
        }
    }

    #[test]
    fn the_count_comes_first_and_says_well_done() {
        assert_eq!(headline(10, 10), "10 of 10 — well done");
        assert!(headline(6, 10).starts_with("6 of 10 — stopped early"));
    }

    #[test]
    fn the_summary_is_in_words_and_compares_with_last_time() {
        let reps = [rep(60.0, 3.0), rep(64.0, 1.0), rep(56.0, 3.0)];
        let prev = Previous { day: "Sat 21 Nov".into(), mean_rom_deg: 57.0 };
        let s = sentences(&reps, 3.0, Side::Left, Some(&prev));
        assert_eq!(s[0], "You did 3 reps.");
        assert_eq!(s[1], "Average range 60°, best 64°.");
        assert_eq!(s[2], "You kept 5 of 6 holds for 3 s.");
        assert_eq!(s[3], "Average range 60°, 3° more than last time on your left foot (Sat 21 Nov).");
        let first = sentences(&reps, 3.0, Side::Right, None);
        assert_eq!(first[3], "This is your first session on your right foot.");
    }
}
