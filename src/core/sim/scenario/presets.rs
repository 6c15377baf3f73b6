//! Named starting points for the simulator: one per condition the
//! published captures (and the hidden ones) cover.

use super::{Mount, Posture, Scenario, SimError};
use crate::sensor::capture::Side;

/// Names accepted by [`Scenario::preset`].
pub const PRESETS: [&str; 14] = [
    "lying",
    "seated",
    "extended",
    "mount3d",
    "postop",
    "continuous",
    "pf_first",
    "two_sets",
    "leg_shift",
    "reboot_wrap",
    "heavy_loss",
    "walk_break",
    "demo",
    "random",
];

impl Scenario {
    /// A named starting point; the caller may still change any field.
    pub fn preset(name: &str) -> Result<Scenario, SimError> {
        let d = Scenario::default();
        let s = match name {
            "lying" => d,
            "seated" => Scenario {
                posture: Posture::SeatedBent,
                shank_pitch_deg: 88.0,
                leg_roll_ext_deg: 4.0,
                side: Side::Left,
                strap_rot_deg: 90.0,
                axis_frontal_deg: 4.0,
                axis_transverse_deg: 3.0,
                ..d
            },
            "extended" => {
                Scenario { posture: Posture::SeatedExtended, shank_pitch_deg: 18.0, strap_rot_deg: 200.0, ..d }
            }
            "mount3d" => Scenario {
                posture: Posture::SeatedExtended,
                shank_pitch_deg: 18.0,
                mount: Mount::Full3d,
                mount_quat: Some([-0.594, -0.192, 0.158, -0.765]),
                ..d
            },
            "postop" => Scenario {
                dorsi_deg: 6.0,
                plantar_deg: 8.0,
                dorsi_sd: 1.0,
                plantar_sd: 1.2,
                move_s: 2.4,
                hold_dorsi_s: 6.0,
                hold_plantar_s: 6.0,
                hold_jitter: 0.08,
                pause_s: [2.0, 4.0],
                sets: vec![5, 5],
                rest_s: 40.0,
                relax_deg: [4.0, 8.0],
                ..d
            },
            "continuous" => Scenario {
                posture: Posture::SeatedBent,
                shank_pitch_deg: 90.0,
                strap_rot_deg: 160.0,
                continuous: true,
                jerky: true,
                // fast, yet within what a foot does: peaks near 450–600°/s and 2–3 g (p05: 404°/s, 2 g)
                move_s: 0.5,
                tempo_jitter: 0.12,
                hold_dorsi_s: 0.0,
                hold_plantar_s: 0.0,
                sets: vec![15, 15],
                rest_s: 30.0,
                rate_hz: 100,
                gyro_range_dps: 1000,
                ..d
            },
            "pf_first" => Scenario { pf_first: true, sets: vec![14], hold_dorsi_s: 1.0, hold_plantar_s: 1.0, ..d },
            "two_sets" => Scenario {
                sets: vec![8, 8],
                fatigue: 0.12,
                rest_s: 50.0,
                relax_deg: [10.0, 14.0],
                fidget_every_s: [2.5, 6.0],
                loss_p: 0.003,
                ..d
            },
            "leg_shift" => Scenario { sets: vec![8, 8], rest_s: 40.0, shank_shift_deg: 8.0, ..d },
            "reboot_wrap" => Scenario {
                sets: vec![6, 6],
                rest_s: 30.0,
                reboot_gap_s: 3.5,
                seq0: 65_500,
                clock0_us: u32::MAX - 15_000_000,
                rate_hz: 25,
                mtu: 23,
                conn_interval_ms: 45.0,
                gyro_bias_dps: [1.5, -1.2, 0.8],
                loss_p: 0.01,
                ..d
            },
            "heavy_loss" => Scenario {
                rate_hz: 100,
                mtu: 23,
                loss_p: 0.1,
                loss_bursts_s: vec![2.0, 1.0],
                malformed: 20,
                conn_interval_ms: 15.0,
                max_per_event: 4,
                ..d
            },
            // gets up after 4 reps, walks 14 strides with a U-turn, lies back down and goes on
            "walk_break" => Scenario { sets: vec![10], walk_after_reps: Some(4), ..d },
            // every condition at once, drawn from the scenario's seed (see `Scenario::random`)
            "random" => return Ok(Scenario::random(d.seed)),
            "demo" => Scenario { endless: true, sets: vec![10], rest_s: 20.0, ..d },
            other => return Err(SimError::UnknownPreset(other.to_string(), PRESETS.join(", "))),
        };
        Ok(Scenario { name: name.to_string(), ..s })
    }
}
