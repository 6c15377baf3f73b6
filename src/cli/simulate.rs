//! `anklepump simulate`: writes a simulated capture (and its ground truth)
//! from a preset and/or a scenario JSON file (a bare scenario, or a
//! `*.truth.json` whose `scenario` object is used).

use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use crate::core::sim::{simulate, Scenario};

/// The scenario from a preset, overlaid by the keys of a scenario file, then the seed.
pub(super) fn load_scenario(
    preset: Option<&str>,
    file_text: Option<&str>,
    seed: Option<u64>,
) -> Result<Scenario, String> {
    let base = match preset {
        // the random conditions are drawn from the seed asked for
        Some("random") => Scenario::random(seed.unwrap_or(1)),
        Some(p) => Scenario::preset(p).map_err(|e| e.to_string())?,
        None => Scenario::default(),
    };
    let mut s = match file_text {
        Some(text) => {
            let v: Value = serde_json::from_str(text).map_err(|e| format!("scenario is not JSON: {e}"))?;
            let obj = match v.get("scenario") {
                Some(inner) => inner.clone(),
                None => v,
            };
            let Value::Object(over) = obj else {
                return Err("scenario must be a JSON object".into());
            };
            let mut merged = serde_json::to_value(&base).map_err(|e| e.to_string())?;
            if let Value::Object(m) = &mut merged {
                m.extend(over);
            }
            serde_json::from_value(merged).map_err(|e| format!("bad scenario: {e}"))?
        }
        None => base,
    };
    if let Some(seed) = seed {
        s.seed = seed;
    }
    s.validate().map_err(|e| e.to_string())?;
    Ok(s)
}

pub(super) fn run(
    seed: Option<u64>,
    scenario: Option<&Path>,
    preset: Option<&str>,
    out: &Path,
    truth: Option<&Path>,
) -> ExitCode {
    let text = match scenario.map(std::fs::read_to_string).transpose() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("anklepump: cannot read the scenario file: {e}");
            return ExitCode::from(2);
        }
    };
    let s = match load_scenario(preset, text.as_deref(), seed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("anklepump: {e}");
            return ExitCode::from(2);
        }
    };
    let cap = match simulate(&s) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("anklepump: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(out, &cap.apcap) {
        eprintln!("anklepump: cannot write {}: {e}", out.display());
        return ExitCode::from(1);
    }
    if let Some(path) = truth {
        let json = match serde_json::to_string_pretty(&cap.truth) {
            Ok(j) => j,
            Err(e) => {
                eprintln!("anklepump: cannot encode the truth: {e}");
                return ExitCode::from(1);
            }
        };
        if let Err(e) = std::fs::write(path, json + "\n") {
            eprintln!("anklepump: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let t = &cap.truth;
    println!(
        "{}: {} reps, {} samples ({} lost), {} malformed, {:.1} s",
        out.display(),
        t.reps.len(),
        t.samples,
        t.lost_samples,
        t.malformed_packets,
        t.duration_s
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_override_the_preset_and_truth_files_are_accepted() {
        let s = load_scenario(Some("postop"), Some(r#"{"scenario": {"rate_hz": 100, "seed": 5}}"#), None).unwrap();
        assert_eq!(s.rate_hz, 100);
        assert_eq!(s.seed, 5);
        assert_eq!(s.dorsi_deg, 6.0, "kept from the preset");
        let s = load_scenario(None, Some(r#"{"mtu": 23}"#), Some(9)).unwrap();
        assert_eq!((s.mtu, s.seed), (23, 9));
        let (a, b) = (
            load_scenario(Some("random"), None, Some(3)).unwrap(),
            load_scenario(Some("random"), None, Some(4)).unwrap(),
        );
        assert_eq!(a, Scenario::random(3));
        assert!(a.strap_rot_deg != b.strap_rot_deg, "other seed, other conditions");
    }

    #[test]
    fn bad_input_gets_one_clear_line() {
        assert!(load_scenario(Some("nope"), None, None).unwrap_err().contains("unknown preset"));
        assert!(load_scenario(None, Some("{"), None).unwrap_err().contains("not JSON"));
        assert!(load_scenario(None, Some(r#"{"rate_hz": 60}"#), None).unwrap_err().contains("rate_hz"));
        assert!(load_scenario(None, Some(r#"{"sets": "x"}"#), None).unwrap_err().contains("bad scenario"));
    }
}
