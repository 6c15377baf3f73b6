//! The simulator's scenario: every knob of the person, the body, the sensor
//! and the radio link, with the same key names as the `scenario` object of
//! the published `*.truth.json` files (so one can be read straight from a
//! truth file; unknown keys are ignored, missing keys take the defaults).
//! Also the named presets and the validation of a scenario read from a file.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::sensor::capture::Side;
use crate::sensor::protocol::{SensorConfig, ACCEL_RANGES_G, GYRO_RANGES_DPS, RATES_HZ};

mod presets;
mod random;
pub use presets::PRESETS;

/// A scenario the simulator cannot run.
#[derive(Debug, Error, PartialEq)]
pub enum SimError {
    #[error("invalid scenario: {0}")]
    Invalid(String),
    #[error("unknown preset `{0}` (known: {1})")]
    UnknownPreset(String, String),
}

/// How the person sits or lies (a label; `shank_pitch_deg` is what counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Posture {
    Lying,
    SeatedBent,
    SeatedExtended,
}

/// How the sensor sits on the foot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mount {
    /// Strap on the dorsum, rotated by `strap_rot_deg` about the dorsum normal, tilted by `strap_tilt_deg`.
    Strap,
    /// Any 3-D orientation, `mount_quat` = [w, x, y, z] (sensor frame relative to the foot frame).
    Full3d,
}

/// Everything the simulator needs. Angles in degrees, times in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    // --- body
    pub posture: Posture,
    /// Angle of the shank (knee → ankle) below the horizontal: ~0 lying, ~90 seated with the knee bent.
    pub shank_pitch_deg: f64,
    /// External rotation of the leg about the shank's long axis.
    pub leg_roll_ext_deg: f64,
    pub side: Side,
    pub shank_len_m: f64,
    /// Tilt of the ankle flexion axis in the frontal plane (about the anterior axis).
    pub axis_frontal_deg: f64,
    /// Tilt of the ankle flexion axis in the transverse plane (about the shank's long axis).
    pub axis_transverse_deg: f64,
    pub mount: Mount,
    pub strap_rot_deg: f64,
    /// Tilt of the strap about the foot's long axis and about its mediolateral axis.
    pub strap_tilt_deg: [f64; 2],
    pub mount_quat: Option<[f64; 4]>,
    /// Sensor position from the ankle, in the foot frame (cm): toward the toes, to the left, off the dorsum.
    pub sensor_pos_cm: [f64; 3],
    // --- sensor
    pub rate_hz: u16,
    pub mtu: u16,
    pub accel_range_g: u8,
    pub gyro_range_dps: u16,
    /// Raise a range that the motion would clip to the next allowed one (as a careful setup would).
    pub auto_range: bool,
    pub accel_noise_mg: f64,
    pub gyro_noise_dps: f64,
    pub accel_bias_mg: [f64; 3],
    pub gyro_bias_dps: [f64; 3],
    pub accel_scale_err: [f64; 3],
    pub gyro_scale_err: [f64; 3],
    // --- the person's plan
    pub calib_s: f64,
    /// Reps per set.
    pub sets: Vec<u32>,
    /// Keep planning sets forever (the demo sensor); `simulate` refuses it.
    pub endless: bool,
    pub continuous: bool,
    /// Reps after the first may start with plantarflexion.
    pub pf_first: bool,
    pub dorsi_deg: f64,
    pub plantar_deg: f64,
    pub dorsi_sd: f64,
    pub plantar_sd: f64,
    /// Share of the range lost by the end of the session.
    pub fatigue: f64,
    pub move_s: f64,
    /// Relative SD of each move's duration.
    pub tempo_jitter: f64,
    pub hold_dorsi_s: f64,
    pub hold_plantar_s: f64,
    pub hold_jitter: f64,
    /// Still time at neutral between reps, uniform in [min, max].
    pub pause_s: [f64; 2],
    pub rest_s: f64,
    /// How far the foot relaxes into plantarflexion during a rest, uniform in [min, max].
    pub relax_deg: [f64; 2],
    pub fidget_deg: f64,
    pub fidget_every_s: [f64; 2],
    pub jerky: bool,
    /// Typical peak of the physiological tremor at rest / during holds (RMS 0.4× that), below `tremor_fc_hz`.
    pub tremor_rest_deg: f64,
    pub tremor_hold_deg: f64,
    pub tremor_fc_hz: f64,
    pub trailing_s: f64,
    /// The whole leg rotates about the knee by this much during a rest, and stays.
    pub shank_shift_deg: f64,
    /// When (None: the middle of the first rest).
    pub shank_shift_t: Option<f64>,
    /// After this many reps the person gets up, walks (`walk_strides` strides of
    /// `stride_s`, a U-turn half-way, heel strikes of `heel_strike_g`) and comes back.
    pub walk_after_reps: Option<u32>,
    pub walk_strides: u32,
    pub stride_s: f64,
    pub heel_strike_g: f64,
    // --- link
    pub seq0: u16,
    pub clock0_us: u32,
    pub loss_p: f64,
    /// Durations of loss bursts, placed at random.
    pub loss_bursts_s: Vec<f64>,
    /// Explicit burst windows [start, end] (overrides the random placement of `loss_bursts_s`).
    pub loss_bursts: Vec<[f64; 2]>,
    /// Number of malformed lines added.
    pub malformed: u32,
    /// Sensor reboot: seconds without notifications, then clock and sequence restart (0 = none).
    pub reboot_gap_s: f64,
    /// When (None: the middle of the first rest).
    pub reboot_t: Option<f64>,
    pub conn_interval_ms: f64,
    pub max_per_event: u32,
    pub latency_ms: f64,
    pub jitter_ms: f64,
    pub phone_drift_ppm: f64,
    /// Receive time of the first notification, uniform in [min, max] ms.
    pub rx_first_ms: [f64; 2],
    pub device: Option<String>,
    pub extra_headers: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "lying_default".into(),
            seed: 1,
            posture: Posture::Lying,
            shank_pitch_deg: 2.0,
            leg_roll_ext_deg: 10.0,
            side: Side::Right,
            shank_len_m: 0.42,
            axis_frontal_deg: 0.0,
            axis_transverse_deg: 0.0,
            mount: Mount::Strap,
            strap_rot_deg: 20.0,
            strap_tilt_deg: [3.0, -2.0],
            mount_quat: None,
            sensor_pos_cm: [10.0, 0.0, 5.0],
            rate_hz: 50,
            mtu: 185,
            accel_range_g: 8,
            gyro_range_dps: 500,
            auto_range: true,
            accel_noise_mg: 3.0,
            gyro_noise_dps: 0.1,
            accel_bias_mg: [5.0, -8.0, 3.0],
            gyro_bias_dps: [0.2, -0.1, 0.15],
            accel_scale_err: [0.0; 3],
            gyro_scale_err: [0.0; 3],
            calib_s: 3.0,
            sets: vec![12],
            endless: false,
            continuous: false,
            pf_first: false,
            dorsi_deg: 20.0,
            plantar_deg: 42.0,
            dorsi_sd: 2.0,
            plantar_sd: 3.0,
            fatigue: 0.0,
            move_s: 0.9,
            tempo_jitter: 0.12,
            hold_dorsi_s: 2.0,
            hold_plantar_s: 2.0,
            hold_jitter: 0.2,
            pause_s: [1.0, 2.0],
            rest_s: 60.0,
            relax_deg: [5.0, 15.0],
            fidget_deg: 2.5,
            fidget_every_s: [3.0, 10.0],
            jerky: false,
            tremor_rest_deg: 0.3,
            tremor_hold_deg: 0.5,
            tremor_fc_hz: 2.0,
            trailing_s: 3.0,
            shank_shift_deg: 0.0,
            shank_shift_t: None,
            walk_after_reps: None,
            walk_strides: 14,
            stride_s: 1.1,
            heel_strike_g: 4.0,
            seq0: 0,
            clock0_us: 1_000_000,
            loss_p: 0.0,
            loss_bursts_s: Vec::new(),
            loss_bursts: Vec::new(),
            malformed: 0,
            reboot_gap_s: 0.0,
            reboot_t: None,
            conn_interval_ms: 30.0,
            max_per_event: 6,
            latency_ms: 8.0,
            jitter_ms: 1.5,
            phone_drift_ppm: 0.0,
            rx_first_ms: [0.0, 300.0],
            device: Some("APS-51A0".into()),
            extra_headers: true,
        }
    }
}

impl Scenario {
    /// The sensor configuration the capture header announces.
    pub fn config(&self) -> SensorConfig {
        SensorConfig { rate_hz: self.rate_hz, accel_range_g: self.accel_range_g, gyro_range_dps: self.gyro_range_dps }
    }

    /// Samples in one IMU Data notification at this MTU.
    pub fn samples_per_notification(&self) -> usize {
        SensorConfig::samples_per_notification(self.mtu)
    }

    /// Checks what a file could get wrong; the simulator assumes a valid scenario.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |m: String| Err(SimError::Invalid(m));
        if !RATES_HZ.contains(&self.rate_hz) {
            return bad(format!("rate_hz {} is not one of {RATES_HZ:?}", self.rate_hz));
        }
        if !ACCEL_RANGES_G.contains(&self.accel_range_g) {
            return bad(format!("accel_range_g {} is not one of {ACCEL_RANGES_G:?}", self.accel_range_g));
        }
        if !GYRO_RANGES_DPS.contains(&self.gyro_range_dps) {
            return bad(format!("gyro_range_dps {} is not one of {GYRO_RANGES_DPS:?}", self.gyro_range_dps));
        }
        if !(23..=247).contains(&self.mtu) {
            return bad(format!(
                "mtu {} is outside 23..=247 (the APS-1 packs at most 19 samples, at MTU 247)",
                self.mtu
            ));
        }
        if self.calib_s < 2.0 || self.calib_s > 60.0 {
            return bad(format!("calib_s {} must be within 2..60 (the contract needs >= 2 s still)", self.calib_s));
        }
        if self.sets.is_empty() || self.sets.contains(&0) || self.sets.iter().map(|&n| u64::from(n)).sum::<u64>() > 2000
        {
            return bad("sets must list 1..2000 reps in all, none empty".into());
        }
        let finite_pos = [
            ("move_s", self.move_s, 0.1, 20.0),
            ("dorsi_deg", self.dorsi_deg, 1.0, 60.0),
            ("plantar_deg", self.plantar_deg, 1.0, 80.0),
            ("shank_len_m", self.shank_len_m, 0.1, 1.0),
            ("tremor_fc_hz", self.tremor_fc_hz, 0.2, 20.0),
            ("conn_interval_ms", self.conn_interval_ms, 7.5, 4000.0),
            ("stride_s", self.stride_s, 0.6, 3.0),
            ("heel_strike_g", self.heel_strike_g, 0.0, 16.0),
        ];
        for (name, v, lo, hi) in finite_pos {
            if !(v.is_finite() && v >= lo && v <= hi) {
                return bad(format!("{name} {v} must be within {lo}..{hi}"));
            }
        }
        let nonneg = [
            ("dorsi_sd", self.dorsi_sd),
            ("plantar_sd", self.plantar_sd),
            ("tempo_jitter", self.tempo_jitter),
            ("hold_dorsi_s", self.hold_dorsi_s),
            ("hold_plantar_s", self.hold_plantar_s),
            ("hold_jitter", self.hold_jitter),
            ("rest_s", self.rest_s),
            ("fidget_deg", self.fidget_deg),
            ("tremor_rest_deg", self.tremor_rest_deg),
            ("tremor_hold_deg", self.tremor_hold_deg),
            ("trailing_s", self.trailing_s),
            ("accel_noise_mg", self.accel_noise_mg),
            ("gyro_noise_dps", self.gyro_noise_dps),
            ("reboot_gap_s", self.reboot_gap_s),
            ("latency_ms", self.latency_ms),
            ("jitter_ms", self.jitter_ms),
        ];
        for (name, v) in nonneg {
            if !(0.0..1e5).contains(&v) {
                return bad(format!("{name} {v} must be a non-negative number"));
            }
        }
        if !(0.0..0.9).contains(&self.loss_p) || !(0.0..0.9).contains(&self.fatigue) {
            return bad("loss_p and fatigue must be within 0..0.9".into());
        }
        for (name, r) in [
            ("pause_s", self.pause_s),
            ("relax_deg", self.relax_deg),
            ("fidget_every_s", self.fidget_every_s),
            ("rx_first_ms", self.rx_first_ms),
        ] {
            if !(r[0].is_finite() && r[1].is_finite() && 0.0 <= r[0] && r[0] <= r[1] && r[1] < 1e5) {
                return bad(format!("{name} {r:?} must be [min, max] with 0 <= min <= max"));
            }
        }
        if self.fidget_every_s[0] < 0.5 {
            return bad("fidget_every_s must be at least 0.5 s".into());
        }
        if !(2..=200).contains(&self.walk_strides) {
            return bad(format!("walk_strides {} must be within 2..200", self.walk_strides));
        }
        if self.max_per_event == 0 {
            return bad("max_per_event must be at least 1".into());
        }
        if self.mount == Mount::Full3d {
            match self.mount_quat {
                Some(q) if q.iter().all(|v| v.is_finite()) && q.iter().map(|v| v * v).sum::<f64>() > 1e-6 => {}
                _ => return bad("mount full3d needs a non-zero mount_quat [w, x, y, z]".into()),
            }
        }
        let all_finite = self.shank_pitch_deg.is_finite()
            && self.leg_roll_ext_deg.is_finite()
            && self.strap_rot_deg.is_finite()
            && self.shank_shift_deg.abs() < 45.0
            && self.phone_drift_ppm.abs() < 1000.0
            && self.axis_frontal_deg.abs() < 45.0
            && self.axis_transverse_deg.abs() < 45.0;
        if !all_finite {
            return bad("an angle or the phone drift is out of range".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_unknown_names_are_refused() {
        for p in PRESETS {
            let s = Scenario::preset(p).unwrap();
            assert_eq!(s.validate(), Ok(()), "{p}");
        }
        assert!(matches!(Scenario::preset("nope"), Err(SimError::UnknownPreset(..))));
    }

    #[test]
    fn reads_the_scenario_object_of_a_truth_file() {
        let json = r#"{"posture": "seated_bent", "shank_pitch_deg": 86.0, "side": "left", "mount": "full3d",
            "mount_quat": [0.5, 0.5, 0.5, 0.5], "rate_hz": 100, "mtu": 247, "sets": [28, 28],
            "accel_bias_mg": [5, -8, 3], "auto_range": true, "quiet_windows": [[1.0, 2.0, "rest"]], "seed": 7}"#;
        let s: Scenario = serde_json::from_str(json).unwrap();
        assert_eq!(s.posture, Posture::SeatedBent);
        assert_eq!(s.side, Side::Left);
        assert_eq!(s.sets, vec![28, 28]);
        assert_eq!(s.accel_bias_mg, [5.0, -8.0, 3.0]);
        assert_eq!(s.move_s, Scenario::default().move_s);
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn bad_values_get_a_clear_message() {
        let s = Scenario { rate_hz: 60, ..Scenario::default() };
        assert!(s.validate().unwrap_err().to_string().contains("rate_hz 60"));
        let s = Scenario { calib_s: 1.0, ..Scenario::default() };
        assert!(s.validate().unwrap_err().to_string().contains("calib_s"));
        let s = Scenario { mount: Mount::Full3d, mount_quat: None, ..Scenario::default() };
        assert!(s.validate().is_err());
    }
}
