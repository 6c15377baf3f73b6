//! The second generator's accuracy matrix: 40 captures in five families of
//! eight, aimed at what a fit to `core::sim` is likely to miss — fast jerky
//! continuous pumping in sets with fatigue; 25 Hz at MTU 247 with loss and
//! loss bursts; a full 3-D mount with a large, drifting gyro bias and a
//! reboot; post-operative ranges with slow moves, long holds and a leg
//! shift; and a mix of postures, rates, MTUs and plantar-first reps.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Case, MotionSpec};

fn base(seed: u64, name: &str) -> Case {
    Case {
        name: format!("{name}_{seed}"),
        seed,
        motion: MotionSpec {
            calib_s: 3.0,
            sets: vec![10],
            rest_s: 30.0,
            dorsi: 18.0,
            plantar: 38.0,
            spread: 0.12,
            move_s: 0.9,
            hold_s: (2.0, 2.0),
            pause_s: (0.8, 2.0),
            continuous: false,
            jerky: false,
            pf_first: false,
            fatigue: 0.0,
            tremor: 0.3,
            sag: 8.0,
            leg_shift: 0.0,
            trailing_s: 3.0,
        },
        foot_pitch_deg: -90.0,
        full3d: false,
        gyro_bias_dps: 0.5,
        rate_hz: 50,
        mtu: 185,
        accel_range_g: 8,
        gyro_range_dps: 1000,
        loss_p: 0.005,
        bursts_s: Vec::new(),
        reboot_gap_s: 0.0,
        malformed: 0,
    }
}

fn posture(r: &mut ChaCha8Rng) -> f64 {
    [-90.0, 0.0, -72.0][r.random_range(0..3)] + r.random_range(-6.0..6.0)
}

/// Case `i` (0..40) of the matrix.
fn case(i: u64) -> Case {
    let r = &mut ChaCha8Rng::seed_from_u64(7000 + i);
    let seed = 7000 + i;
    match i % 5 {
        0 => {
            let mut c = base(seed, "fast_jerky_sets");
            let m = &mut c.motion;
            (m.continuous, m.jerky, m.hold_s) = (true, true, (0.0, 0.0));
            m.sets = vec![r.random_range(8..14); r.random_range(2..=3)];
            (m.move_s, m.fatigue, m.rest_s) = (r.random_range(0.33..0.5), r.random_range(0.15..0.3), 25.0);
            (m.dorsi, m.plantar) = (r.random_range(14.0..24.0), r.random_range(25.0..42.0));
            c.foot_pitch_deg = posture(r);
            c.rate_hz = [50, 100, 100][r.random_range(0..3)];
            c.mtu = [185, 247][r.random_range(0..2)];
            c
        }
        1 => {
            let mut c = base(seed, "25hz_mtu247_bursts");
            (c.rate_hz, c.mtu, c.loss_p) = (25, 247, r.random_range(0.02..0.04));
            c.bursts_s = (0..r.random_range(1..=2)).map(|_| r.random_range(1.0..2.5)).collect();
            c.motion.sets = vec![8, 8];
            c.motion.hold_s = (r.random_range(1.0..3.0), r.random_range(1.0..3.0));
            c.foot_pitch_deg = posture(r);
            c
        }
        2 => {
            let mut c = base(seed, "mount3d_bias_reboot");
            (c.full3d, c.gyro_bias_dps, c.reboot_gap_s) = (true, r.random_range(1.0..3.0), r.random_range(2.0..5.0));
            c.rate_hz = [50, 100][r.random_range(0..2)];
            c.mtu = [23, 100, 247][r.random_range(0..3)];
            c.motion.sets = vec![6, 6];
            c.foot_pitch_deg = posture(r);
            c
        }
        3 => {
            let mut c = base(seed, "postop_slow_shift");
            let m = &mut c.motion;
            (m.dorsi, m.plantar) = (r.random_range(4.0..10.0), r.random_range(4.0..10.0));
            (m.move_s, m.hold_s) = (r.random_range(2.0..3.5), (r.random_range(5.0..12.0), r.random_range(5.0..12.0)));
            (m.sets, m.sag, m.pause_s) = (vec![4, 4], r.random_range(3.0..6.0), (2.0, 4.0));
            m.leg_shift = r.random_range(5.0..10.0) * if r.random_bool(0.5) { 1.0 } else { -1.0 };
            m.tremor = 0.2;
            c.foot_pitch_deg = [-90.0, 0.0][r.random_range(0..2)];
            c
        }
        _ => {
            let mut c = base(seed, "mixed");
            c.foot_pitch_deg = posture(r);
            c.rate_hz = [50, 100, 200][r.random_range(0..3)];
            c.mtu = [23, 100, 185][r.random_range(0..3)];
            (c.loss_p, c.malformed) = (0.01, r.random_range(0..6));
            c.motion.pf_first = r.random_bool(0.5);
            c.motion.move_s = r.random_range(0.6..1.4);
            c.motion.hold_s = (r.random_range(0.0..3.0), r.random_range(0.0..3.0));
            c
        }
    }
}

/// The 40 cases.
pub(crate) fn matrix() -> Vec<Case> {
    (0..40).map(case).collect()
}
