//! Tests of the pipeline's live angular speed on hand-made IMU streams of
//! known angular rate: still in the calibration pose, then turning about one
//! sensor axis at a constant rate (gravity turning with it), then still.

use super::*;
use crate::sensor::protocol::RawSample;

const CFG: SensorConfig = SensorConfig { rate_hz: 100, accel_range_g: 4, gyro_range_dps: 500 };
const DT: f64 = 0.01;

/// Rates (deg/s about the sensor's x axis) of each sample: `still_s` still, then `rates`.
fn rates(still_s: f64, rates: &[(f64, f64)]) -> Vec<f64> {
    let mut out = vec![0.0; (still_s / DT).round() as usize];
    for &(rate, secs) in rates {
        out.extend(std::iter::repeat_n(rate, (secs / DT).round() as usize));
    }
    out
}

/// IMU samples turning at the given rates, from the foot flat (gravity on +z).
fn samples(rates: &[f64]) -> Vec<RawSample> {
    let (ga, gg) = (CFG.accel_scale_g(), CFG.gyro_scale_dps());
    let mut angle = 0.0_f64;
    rates
        .iter()
        .map(|&r| {
            // Held mid-step so the accelerometer agrees with the integrated rate.
            let mid = (angle + 0.5 * r * DT).to_radians();
            angle += r * DT;
            let c = |v: f64, scale: f64| (v / scale).round() as i16;
            RawSample([0, c(mid.sin(), ga), c(mid.cos(), ga), c(r, gg), 0, 0])
        })
        .collect()
}

/// Feeds the samples in notifications of `per` samples; the live state after each.
fn run(samples: &[RawSample], per: usize) -> Vec<LiveState> {
    let mut p = Pipeline::new(CFG);
    let mut out = Vec::new();
    for (k, chunk) in samples.chunks(per).enumerate() {
        let first = k * per;
        let pkt = ImuPacket { seq: k as u16, time_us: 1_000_000 + first as u32 * 10_000, samples: chunk.to_vec() };
        let rx_ms = 500 + ((first + chunk.len()) as f64 * DT * 1000.0) as u64;
        p.push_notification(rx_ms, &pkt.encode());
        out.push(p.live());
    }
    out
}

/// Turning at `rate` for 0.25 s after a 3 s pose (within an ankle's range): the live
/// speed at the end of the turn, and 0.5 s after the foot stopped.
fn check(rate: f64, expect: (f64, f64)) {
    let lives = run(&samples(&rates(3.0, &[(rate, 0.25), (0.0, 1.0)])), 5);
    let at = |t: f64| lives.iter().find(|l| l.t_s >= t).unwrap_or_else(|| panic!("no sample at {t}"));
    let (turning, after) = (at(3.235).speed_dps, at(3.75).speed_dps);
    let close = |got: f64, want: f64| (got - want).abs() <= 0.03 * rate;
    assert!(close(turning, expect.0) && close(after, expect.1), "{rate} deg/s: got ({turning:.1}, {after:.1})");
}

#[test]
fn live_speed_follows_a_known_rate_about_the_joint_axis() {
    check(20.0, (20.0, 0.0));
    check(60.0, (60.0, 0.0));
    check(150.0, (150.0, 0.0));
}

#[test]
fn the_live_speed_is_signed_toward_toes_up() {
    // Up first (which fixes the axis's sign), then down at 100 deg/s.
    let lives = run(&samples(&rates(3.0, &[(60.0, 0.5), (0.0, 0.5), (-100.0, 0.5), (0.0, 0.5)])), 5);
    let down = lives.iter().find(|l| l.t_s >= 4.485).expect("samples").speed_dps;
    assert!((down + 100.0).abs() < 3.0, "{down}");
}

#[test]
fn a_single_noisy_sample_barely_moves_the_live_speed() {
    // After a first move has fixed the axis, the foot rests; one sample reads 300 deg/s.
    let mut r = rates(3.0, &[(60.0, 0.5), (0.0, 1.5)]);
    let spike = r.len() - 100;
    r[spike] = 300.0;
    let lives = run(&samples(&r), 5);
    let late = lives.iter().filter(|l| l.t_s > 3.0 + 0.5 + 0.3);
    let most = late.map(|l| l.peak_speed_dps).fold(0.0, f64::max);
    assert!(most < 20.0, "a 3° jolt reads as at most 15 deg/s over 0.2 s, got {most:.1}");
}

#[test]
fn the_peak_speed_covers_every_sample_of_a_long_notification() {
    // 0.75 s per notification: a 0.25 s fast turn (40°) and the stop after it arrive together.
    let lives = run(&samples(&rates(3.0, &[(0.0, 0.75), (160.0, 0.25), (0.0, 0.5), (0.0, 1.5)])), 75);
    let fast = &lives[5];
    assert!(fast.speed_dps.abs() < 1.0, "the foot is still at the notification's end: {}", fast.speed_dps);
    assert!((fast.peak_speed_dps - 160.0).abs() < 6.0, "{}", fast.peak_speed_dps);
    assert!(lives[6].peak_speed_dps < 1.0, "the next notification starts afresh: {}", lives[6].peak_speed_dps);
}
