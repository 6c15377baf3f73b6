//! A second, independently written generator of test captures, so that the
//! accuracy matrix does not only measure a fit to `core::sim`: its own
//! motion model (`motion`), leg and sensor error model (`body`), and here
//! the sensor's packing (sequence and clock with wraps, a reboot that
//! loses its partial notification), a radio with burst loss (a run of
//! lost notifications as in a fading link), random loss, connection events
//! with several notifications each and jittered receive times, malformed
//! lines, and the ground truth in the shape `shared/tools/score.py` reads.

mod body;
mod cases;
mod motion;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use anklepump::sensor::capture::{format_header, format_record};
use anklepump::sensor::protocol::{ImuPacket, RawSample, SensorConfig};

use body::{Imu, Leg};
pub(crate) use cases::matrix;
use motion::Motion;
pub(crate) use motion::MotionSpec;

/// A standard normal deviate.
pub(crate) fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Everything about one capture of the second generator.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub name: String,
    pub seed: u64,
    pub motion: MotionSpec,
    /// 0 seated (foot flat), −90 lying (toes up), in between legs extended.
    pub foot_pitch_deg: f64,
    pub full3d: bool,
    pub gyro_bias_dps: f64,
    pub rate_hz: u16,
    pub mtu: u16,
    pub accel_range_g: u8,
    pub gyro_range_dps: u16,
    pub loss_p: f64,
    /// Durations of bursts in which every notification is lost.
    pub bursts_s: Vec<f64>,
    /// Seconds without data at a reboot in the first rest (0: none).
    pub reboot_gap_s: f64,
    pub malformed: u32,
}

/// The capture's text and its truth.
pub(crate) struct Made {
    pub apcap: String,
    pub truth: Value,
}

struct Sent {
    seq: u16,
    time_us: u32,
    samples: Vec<RawSample>,
    /// Sensor-on time (s, the capture's timeline) of its last sample.
    t_last: f64,
    boot: usize,
    lost: bool,
}

/// Peak (sign × angle) and the contiguous time within 2° of it, edges interpolated.
fn peak_and_hold(pts: &[(f64, f64)], sign: f64) -> (f64, f64) {
    let v: Vec<f64> = pts.iter().map(|p| sign * p.1).collect();
    let Some(i) = (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])) else { return (0.0, 0.0) };
    let floor = v[i] - 2.0;
    let edge = |a: usize, b: usize| pts[a].0 + (pts[b].0 - pts[a].0) * (v[a] - floor) / (v[a] - v[b]);
    let (mut l, mut r) = (i, i);
    while l > 0 && v[l - 1] >= floor {
        l -= 1;
    }
    while r + 1 < v.len() && v[r + 1] >= floor {
        r += 1;
    }
    let left = if l > 0 { edge(l, l - 1) } else { pts[l].0 };
    let right = if r + 1 < v.len() { edge(r, r + 1) } else { pts[r].0 };
    (v[i], right - left)
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Makes the capture of `case`.
pub(crate) fn make(case: &Case) -> Made {
    let rng = &mut ChaCha8Rng::seed_from_u64(case.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5eed);
    let m = Motion::plan(&case.motion, rng);
    let leg = Leg::new(rng, case.foot_pitch_deg, case.full3d);
    let imu = Imu::new(rng, case.gyro_bias_dps, f64::from(case.accel_range_g), f64::from(case.gyro_range_dps));
    let cfg =
        SensorConfig { rate_hz: case.rate_hz, accel_range_g: case.accel_range_g, gyro_range_dps: case.gyro_range_dps };
    let per = SensorConfig::samples_per_notification(case.mtu);
    let period = 1.0 / f64::from(case.rate_hz);
    let reboot = (case.reboot_gap_s > 0.0).then(|| m.rests.first().map(|&(a, z)| 0.5 * (a + z))).flatten();
    let bursts: Vec<[f64; 2]> = case
        .bursts_s
        .iter()
        .map(|&d| {
            let t = rng.random_range(case.motion.calib_s + 3.0..(m.end - d - 5.0).max(case.motion.calib_s + 4.0));
            [t, t + d]
        })
        .collect();
    // The sensor: samples (with instant jitter) packed into notifications.
    let mut sent: Vec<Sent> = Vec::new();
    let (mut seq, mut clock0, mut boot_t0, mut boot) = (rng.random::<u16>(), rng.random::<u32>(), 0.0, 0usize);
    let mut pending: Vec<RawSample> = Vec::new();
    let mut pending_t0 = 0.0;
    let mut truth_pts: Vec<(f64, f64)> = Vec::new();
    let mut k = 0u64;
    let mut rebooted = false;
    loop {
        let t = boot_t0 + k as f64 * period;
        if t > m.end {
            break;
        }
        if let Some(r) = reboot.filter(|&r| !rebooted && t >= r) {
            rebooted = true;
            pending.clear();
            boot_t0 = r + case.reboot_gap_s;
            (seq, clock0, boot, k) = (0, rng.random_range(100_000..800_000), boot + 1, 0);
            continue;
        }
        let jitter = 2e-4 * gauss(rng);
        let (acc, w) = leg.ideal(&m, t + jitter);
        if pending.is_empty() {
            pending_t0 = t;
        }
        pending.push(RawSample(imu.measure(rng, t, acc, w)));
        truth_pts.push((t, m.angle(t)));
        k += 1;
        if pending.len() == per {
            let off_us = ((pending_t0 - boot_t0) * 1e6).round() as u64;
            let time_us = clock0.wrapping_add(off_us as u32);
            let in_burst = bursts.iter().any(|b| pending_t0 >= b[0] && t <= b[1]);
            let lost = sent.len() > 2 && t < m.end - 1.0 && (in_burst || rng.random_bool(case.loss_p));
            sent.push(Sent { seq, time_us, samples: std::mem::take(&mut pending), t_last: t, boot, lost });
            seq = seq.wrapping_add(1);
        }
    }
    // The radio: connection events, a few notifications each, latency and jitter.
    let ci = rng.random_range(0.0075..0.05f64);
    let per_event = rng.random_range(2..6usize).max((1.4 * ci / (per as f64 * period)).ceil() as usize);
    let latency = rng.random_range(0.004..0.02);
    let drift = 1.0 + rng.random_range(-40e-6..40e-6);
    let offset = rng.random_range(0.05..0.4);
    let mut lines = Vec::new();
    let (mut event_t, mut in_event, mut last_ms) = (0.0f64, 0usize, 0u64);
    for s in sent.iter().filter(|s| !s.lost) {
        let ready = s.t_last + 0.002;
        if ready > event_t || in_event >= per_event {
            event_t = (event_t + ci).max(ci * (ready / ci).ceil());
            in_event = 0;
        }
        in_event += 1;
        let rx = offset + (event_t + latency + 0.002 * gauss(rng).abs()) * drift;
        let rx_ms = ((rx * 1000.0).floor() as u64).max(last_ms);
        last_ms = rx_ms;
        let payload = ImuPacket { seq: s.seq, time_us: s.time_us, samples: s.samples.clone() }.encode();
        lines.push(format_record(rx_ms, &payload));
    }
    let mut malformed = 0u64;
    for i in 0..case.malformed {
        let at = rng.random_range(3..lines.len().saturating_sub(3).max(4));
        let ms: u64 = lines[at].split(' ').next().and_then(|x| x.parse().ok()).unwrap_or(0);
        let bad = match i % 3 {
            0 => format!("{ms} 02{}\n", "00".repeat(19)),
            1 => format!("{ms} 01000000000000000000\n"),
            _ => format!("{ms} 01zz\n"),
        };
        lines.insert(at + 1, bad);
        malformed += 1;
    }
    let mut apcap = format_header(cfg, Some("APS-2E2E"), None, &[("sim", "gen2")]);
    apcap.extend(lines);
    // Truth, as the contract counts it.
    let received: u64 = sent.iter().filter(|s| !s.lost).map(|s| s.samples.len() as u64).sum();
    let mut lost_samples = 0u64;
    for b in 0..=boot {
        let of: Vec<&Sent> = sent.iter().filter(|s| s.boot == b).collect();
        if let (Some(a), Some(z)) = (of.iter().position(|s| !s.lost), of.iter().rposition(|s| !s.lost)) {
            lost_samples += of[a..=z].iter().filter(|s| s.lost).map(|s| s.samples.len() as u64).sum::<u64>();
        }
    }
    let duration = sent.iter().rfind(|s| !s.lost).map_or(0.0, |s| s.t_last);
    let reps: Vec<Value> = m
        .reps
        .iter()
        .map(|&(a, z)| {
            let pts: Vec<(f64, f64)> =
                truth_pts.iter().copied().filter(|p| p.0 >= a - 1e-9 && p.0 <= z + 1e-9).collect();
            let (d, hd) = peak_and_hold(&pts, 1.0);
            let (p, hp) = peak_and_hold(&pts, -1.0);
            json!({"start_s": r3(a), "end_s": r3(z), "peak_dorsi_deg": r3(d), "peak_plantar_deg": r3(p),
                   "rom_deg": r3(d + p), "hold_dorsi_s": r3(hd), "hold_plantar_s": r3(hp)})
        })
        .collect();
    let truth = json!({
        "samples": received, "lost_samples": lost_samples, "malformed_packets": malformed,
        "duration_s": r3(duration), "reps": reps,
        "loss_gaps": bursts.iter().map(|b| [r3(b[0]), r3(b[1])]).collect::<Vec<_>>(),
        "leg_moved": m.shift.is_some(),
        "scenario": {"generator": "gen2", "name": case.name, "seed": case.seed, "rate_hz": case.rate_hz,
                     "mtu": case.mtu, "samples_per_notification": per, "reboot_t": reboot},
    });
    Made { apcap, truth }
}
