//! A random scenario drawn from every condition the sensor protocol and the
//! analysis contract allow (postures, strap angles, 3-D mounts, rates,
//! MTUs, ranges, biases, tempos, ranges of motion, holds, rests, fidgets,
//! leg shifts, loss, malformed lines, reboots, clock wraps): for sweeping
//! the pipeline over conditions the published captures do not cover.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::rng_for;
use super::{Mount, Posture, Scenario};
use crate::sensor::capture::Side;
use crate::sensor::protocol::{ACCEL_RANGES_G, GYRO_RANGES_DPS, RATES_HZ};

fn pick<T: Copy>(rng: &mut ChaCha8Rng, xs: &[T]) -> T {
    xs[rng.random_range(0..xs.len())]
}

fn sym(rng: &mut ChaCha8Rng, max: f64) -> f64 {
    rng.random_range(-max..=max)
}

impl Scenario {
    /// A random scenario; the same seed gives the same scenario (and the same capture).
    pub fn random(seed: u64) -> Scenario {
        let r = &mut rng_for(seed, 9);
        let d = Scenario::default();
        let (posture, pitch) = match r.random_range(0..3) {
            0 => (Posture::Lying, r.random_range(-5.0..8.0)),
            1 => (Posture::SeatedBent, r.random_range(75.0..95.0)),
            _ => (Posture::SeatedExtended, r.random_range(10.0..30.0)),
        };
        let full3d = r.random_bool(0.3);
        let quat = {
            let v: [f64; 4] = [sym(r, 1.0), sym(r, 1.0), sym(r, 1.0), sym(r, 1.0)];
            let n = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-3);
            v.map(|x| x / n)
        };
        let postop = r.random_bool(0.2);
        let continuous = r.random_bool(0.25);
        let (dorsi, plantar) = if postop {
            (r.random_range(4.0..10.0), r.random_range(5.0..12.0))
        } else {
            (r.random_range(12.0..26.0), r.random_range(25.0..50.0))
        };
        let move_s = if postop { r.random_range(1.2..3.0) } else { r.random_range(0.35..1.4) };
        let hold = if continuous && r.random_bool(0.6) {
            0.0
        } else if postop {
            r.random_range(2.0..10.0)
        } else {
            r.random_range(0.0..3.5)
        };
        let n_sets = r.random_range(1..=3usize);
        let per_set = if postop { r.random_range(3..=6) } else { r.random_range(6..=14) };
        let rate_hz = pick(r, &RATES_HZ);
        let reboot = r.random_bool(0.15) && n_sets > 1;
        let bursts = (0..r.random_range(0..=2)).map(|_| r.random_range(0.5..3.0)).collect();
        Scenario {
            name: format!("random_{seed}"),
            seed,
            posture,
            shank_pitch_deg: pitch,
            leg_roll_ext_deg: r.random_range(-5.0..20.0),
            side: if r.random_bool(0.5) { Side::Left } else { Side::Right },
            axis_frontal_deg: sym(r, 6.0),
            axis_transverse_deg: sym(r, 6.0),
            mount: if full3d { Mount::Full3d } else { Mount::Strap },
            strap_rot_deg: r.random_range(0.0..360.0),
            strap_tilt_deg: [sym(r, 12.0), sym(r, 12.0)],
            mount_quat: full3d.then_some(quat),
            sensor_pos_cm: [r.random_range(6.0..13.0), sym(r, 2.0), r.random_range(3.0..6.0)],
            rate_hz,
            mtu: pick(r, &[23, 23, 50, 100, 185, 247]),
            accel_range_g: pick(r, &ACCEL_RANGES_G),
            gyro_range_dps: if r.random_bool(0.1) { 125 } else { pick(r, &GYRO_RANGES_DPS[1..]) },
            accel_bias_mg: [sym(r, 20.0), sym(r, 20.0), sym(r, 20.0)],
            gyro_bias_dps: [sym(r, 2.0), sym(r, 2.0), sym(r, 2.0)],
            accel_scale_err: [sym(r, 0.02), sym(r, 0.02), sym(r, 0.02)],
            gyro_scale_err: [sym(r, 0.02), sym(r, 0.02), sym(r, 0.02)],
            calib_s: r.random_range(2.0..5.0),
            sets: vec![per_set; n_sets],
            continuous,
            pf_first: r.random_bool(0.25),
            dorsi_deg: dorsi,
            plantar_deg: plantar,
            dorsi_sd: 0.1 * dorsi,
            plantar_sd: 0.08 * plantar,
            fatigue: r.random_range(0.0..0.2),
            move_s,
            tempo_jitter: r.random_range(0.05..0.2),
            hold_dorsi_s: hold,
            hold_plantar_s: hold * r.random_range(0.7..1.3),
            pause_s: [0.5, r.random_range(0.8..3.0)],
            rest_s: r.random_range(20.0..70.0),
            relax_deg: [4.0, r.random_range(6.0..15.0)],
            fidget_every_s: [2.5, r.random_range(4.0..10.0)],
            jerky: r.random_bool(0.2),
            tremor_rest_deg: r.random_range(0.1..0.4),
            tremor_hold_deg: r.random_range(0.2..0.7),
            shank_shift_deg: if n_sets > 1 && r.random_bool(0.15) { sym(r, 10.0) } else { 0.0 },
            seq0: r.random(),
            clock0_us: r.random(),
            loss_p: if r.random_bool(0.3) { 0.0 } else { r.random_range(0.0..0.05) },
            loss_bursts_s: bursts,
            malformed: if r.random_bool(0.5) { 0 } else { r.random_range(1..30) },
            reboot_gap_s: if reboot { r.random_range(2.0..6.0) } else { 0.0 },
            conn_interval_ms: r.random_range(7.5..50.0),
            max_per_event: r.random_range(2..=8),
            phone_drift_ppm: sym(r, 50.0),
            ..d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_scenarios_are_valid_varied_and_repeatable() {
        let all: Vec<Scenario> = (0..200).map(Scenario::random).collect();
        assert!(all.iter().all(|s| s.validate().is_ok()));
        assert_eq!(Scenario::random(7), Scenario::random(7));
        for rate in RATES_HZ {
            assert!(all.iter().any(|s| s.rate_hz == rate));
        }
        assert!(all.iter().any(|s| s.mount == Mount::Full3d) && all.iter().any(|s| s.continuous));
        assert!(all.iter().any(|s| s.reboot_gap_s > 0.0) && all.iter().any(|s| s.shank_shift_deg != 0.0));
    }
}
