//! Ground truth of a simulated capture, exactly as `analysis-contract.md`
//! defines it, in the JSON shape of the published `*.truth.json` files:
//! the counters the sequence numbers and clock can show, the reps (span
//! from the plan; peaks and holds measured on the angle at every sample
//! the sensor took, tremor included), loss gaps, whether the leg moved,
//! and the scenario with what the generator decided.

use serde::{Deserialize, Serialize};

use super::link::MalformedKind;
use super::person::{Person, PlannedRep};
use super::scenario::Scenario;
use super::stream::SimSensor;

/// Degrees within which the angle counts as holding at an extreme.
pub const HOLD_BAND_DEG: f64 = 2.0;

/// One true rep (the contract's rep without `detected_s`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthRep {
    pub start_s: f64,
    pub end_s: f64,
    pub peak_dorsi_deg: f64,
    pub peak_plantar_deg: f64,
    pub rom_deg: f64,
    pub hold_dorsi_s: f64,
    pub hold_plantar_s: f64,
}

/// What the generator decided or derived, stored beside the scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    pub samples_per_notification: usize,
    pub duration_plan_s: f64,
    pub quiet_windows: Vec<(f64, f64, String)>,
    pub conn_interval_ms_used: f64,
    pub max_per_event_used: u32,
    pub malformed_kinds: Vec<MalformedKind>,
    pub lost_packets: u64,
    pub range_bumped: Vec<String>,
    /// When the person was up and walking: [start, end].
    pub walks: Vec<[f64; 2]>,
}

/// The scenario (with the times the generator chose filled in) plus the facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthScenario {
    #[serde(flatten)]
    pub scenario: Scenario,
    #[serde(flatten)]
    pub facts: Facts,
}

/// A `*.truth.json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub samples: u64,
    pub lost_samples: u64,
    pub malformed_packets: u64,
    pub duration_s: f64,
    pub reps: Vec<TruthRep>,
    pub loss_gaps: Vec<[f64; 2]>,
    pub leg_moved: bool,
    pub scenario: TruthScenario,
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Builds the truth of a finished fixed-plan stream.
pub fn build(sensor: &SimSensor) -> Truth {
    let log = sensor.log();
    let person = sensor.person();
    let period = 1.0 / f64::from(sensor.config().rate_hz);
    let samples = log.packets.iter().filter(|p| !p.2).map(|p| p.1 as u64).sum();
    let mut lost_samples = 0u64;
    for boot in 0..log.boots.len() {
        let of_boot: Vec<_> = log.packets.iter().filter(|p| p.0 == boot).collect();
        let first = of_boot.iter().position(|p| !p.2);
        let last = of_boot.iter().rposition(|p| !p.2);
        if let (Some(a), Some(b)) = (first, last) {
            lost_samples += of_boot[a..=b].iter().filter(|p| p.2).map(|p| p.1 as u64).sum::<u64>();
        }
    }
    let reps = person.reps().iter().map(|r| measure(person, r, &log.boots, period)).collect();
    let duration_s = log.last_rx_sample_s;
    let mut scenario = sensor.scenario().clone();
    // exact (not rounded), so that the truth's scenario reproduces the capture
    scenario.shank_shift_t = person.shift().map(|s| s.0);
    scenario.reboot_t = log.reboot_t;
    scenario.loss_bursts = sensor.loss_bursts().to_vec();
    let mut kinds = log.malformed.clone();
    kinds.sort_by_key(|k| *k as u8);
    kinds.dedup();
    let (ci, per) = sensor.link_used();
    Truth {
        samples,
        lost_samples,
        malformed_packets: log.malformed.len() as u64,
        duration_s: r3(duration_s),
        reps,
        loss_gaps: sensor.loss_bursts().iter().map(|b| b.map(r3)).collect(),
        leg_moved: person.shift().is_some_and(|s| s.0 < duration_s && s.2 != 0.0),
        scenario: TruthScenario {
            scenario,
            facts: Facts {
                samples_per_notification: sensor.samples_per_notification(),
                duration_plan_s: r3(person.plan_end()),
                quiet_windows: person.rests().iter().map(|[a, b]| (r3(*a), r3(*b), "rest".to_string())).collect(),
                conn_interval_ms_used: ci,
                max_per_event_used: per,
                malformed_kinds: kinds,
                lost_packets: log.packets.iter().filter(|p| p.2).count() as u64,
                range_bumped: sensor.range_bumped().to_vec(),
                walks: person.walks().iter().map(|w| [r3(w.t0), r3(w.end())]).collect(),
            },
        },
    }
}

/// Peaks and holds of one planned rep, on the sensor's sample times.
pub fn measure(person: &Person, r: &PlannedRep, boots: &[(f64, f64)], period: f64) -> TruthRep {
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for &(t0, t1) in boots {
        let k0 = ((r.start_s - t0) / period).ceil().max(0.0) as u64;
        let mut k = k0;
        loop {
            let t = t0 + k as f64 * period;
            if t > r.end_s + 1e-9 || t > t1 + 1e-9 {
                break;
            }
            pts.push((t, person.angle_deg(t)));
            k += 1;
        }
    }
    let (dorsi, hold_d) = extreme(&pts, 1.0);
    let (plantar, hold_p) = extreme(&pts, -1.0);
    TruthRep {
        start_s: r3(r.start_s),
        end_s: r3(r.end_s),
        peak_dorsi_deg: r3(dorsi),
        peak_plantar_deg: r3(plantar),
        rom_deg: r3(dorsi + plantar),
        hold_dorsi_s: r3(hold_d),
        hold_plantar_s: r3(hold_p),
    }
}

/// The extreme of `sign × angle` and the contiguous time around it within the hold band.
fn extreme(pts: &[(f64, f64)], sign: f64) -> (f64, f64) {
    let Some((i, peak)) = pts.iter().map(|p| sign * p.1).enumerate().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return (0.0, 0.0);
    };
    let thr = peak - HOLD_BAND_DEG;
    let v = |j: usize| sign * pts[j].1;
    let edge = |inside: usize, outside: usize| {
        let (ti, vi, to, vo) = (pts[inside].0, v(inside), pts[outside].0, v(outside));
        ti + (to - ti) * (vi - thr) / (vi - vo)
    };
    let mut a = i;
    while a > 0 && v(a - 1) >= thr {
        a -= 1;
    }
    let left = if a > 0 { edge(a, a - 1) } else { pts[a].0 };
    let mut b = i;
    while b + 1 < pts.len() && v(b + 1) >= thr {
        b += 1;
    }
    let right = if b + 1 < pts.len() { edge(b, b + 1) } else { pts[b].0 };
    (peak, right - left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hold_is_the_time_within_two_degrees_of_the_extreme() {
        // a trapezoid: up 10 deg/s to 20, stay 2 s, down
        let f = |t: f64| {
            if t < 2.0 {
                10.0 * t
            } else if t < 4.0 {
                20.0
            } else {
                20.0 - 10.0 * (t - 4.0)
            }
        };
        let pts: Vec<(f64, f64)> = (0..=600).map(|k| (k as f64 * 0.01, f(k as f64 * 0.01))).collect();
        let (peak, hold) = extreme(&pts, 1.0);
        assert!((peak - 20.0).abs() < 1e-9);
        // within 2 deg from t = 1.8 to t = 4.2
        assert!((hold - 2.4).abs() < 1e-6, "{hold}");
        let (trough, _) = extreme(&pts, -1.0);
        assert!(trough.abs() < 1e-9);
    }
}
