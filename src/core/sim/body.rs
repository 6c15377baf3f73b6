//! Body and sensor physics: the leg's frames, the ankle's flexion axis, the
//! sensor's mount on the foot, and what an ideal IMU strapped there reads
//! (angular velocity and specific force in the sensor frame, lever arms
//! included), then the sensor's bias, scale error, noise and quantisation.
//!
//! Frames (all right-handed). World: x forward, y left, z up; the knee is
//! the origin. Shank: X anterior (the toes' direction at neutral), Y left,
//! Z proximal (ankle → knee); a standing person's shank frame is the world
//! frame. Foot: the shank frame rotated by the ankle angle about the
//! flexion axis (nominally −Y, so a positive angle lifts the toes toward
//! the shin: dorsiflexion); its Z is the dorsum normal. Sensor: the foot
//! frame times the mount.

use nalgebra::{Quaternion, Unit, UnitQuaternion, Vector3};
use rand_chacha::ChaCha8Rng;

use super::person::Person;
use super::scenario::{Mount, Scenario};
use super::{normal, rng_for};
use crate::sensor::capture::Side;
use crate::sensor::protocol::RawSample;

/// Standard gravity, m/s².
pub const G: f64 = 9.80665;
/// Step of the numerical derivatives, s.
const H: f64 = 1e-3;

/// The leg and the sensor's place on it.
#[derive(Debug, Clone)]
pub struct Body {
    shank0: UnitQuaternion<f64>,
    axis: Unit<Vector3<f64>>,
    mount: UnitQuaternion<f64>,
    r_foot: Vector3<f64>,
    shank_len: f64,
}

fn rot(axis: Vector3<f64>, deg: f64) -> UnitQuaternion<f64> {
    UnitQuaternion::from_axis_angle(&Unit::new_normalize(axis), deg.to_radians())
}

impl Body {
    pub fn new(s: &Scenario) -> Self {
        // external rotation turns the toes outward: to the right (−Y) on the right leg
        let roll = match s.side {
            Side::Right => -s.leg_roll_ext_deg,
            Side::Left => s.leg_roll_ext_deg,
        };
        let shank0 = rot(Vector3::y(), s.shank_pitch_deg - 90.0) * rot(Vector3::z(), roll);
        // the anatomy is mirrored between the feet; signs as in the published traces' generator
        let mirror = if s.side == Side::Left { -1.0 } else { 1.0 };
        let axis = Unit::new_normalize(
            rot(Vector3::x(), mirror * s.axis_frontal_deg)
                * rot(Vector3::z(), -mirror * s.axis_transverse_deg)
                * -Vector3::y(),
        );
        let mount = match (s.mount, s.mount_quat) {
            (Mount::Full3d, Some([w, x, y, z])) => UnitQuaternion::from_quaternion(Quaternion::new(w, x, y, z)),
            _ => {
                rot(Vector3::z(), s.strap_rot_deg)
                    * rot(Vector3::x(), s.strap_tilt_deg[0])
                    * rot(Vector3::y(), s.strap_tilt_deg[1])
            }
        };
        let [px, py, pz] = s.sensor_pos_cm;
        Body { shank0, axis, mount, r_foot: Vector3::new(px, py, pz) / 100.0, shank_len: s.shank_len_m }
    }

    /// The flexion axis in the sensor frame (positive rotation = dorsiflexion).
    pub fn axis_in_sensor(&self) -> Vector3<f64> {
        self.mount.inverse() * self.axis.into_inner()
    }

    /// Foot orientation (foot → world) and ankle position for an ankle angle and a leg shift (deg).
    fn foot(&self, ankle_deg: f64, shift_deg: f64) -> (UnitQuaternion<f64>, Vector3<f64>) {
        let shank = rot(Vector3::y(), shift_deg) * self.shank0;
        let foot = shank * UnitQuaternion::from_axis_angle(&self.axis, ankle_deg.to_radians());
        (foot, shank * Vector3::new(0.0, 0.0, -self.shank_len))
    }

    /// Sensor orientation (sensor → world) and position for an ankle angle and a leg shift (deg).
    pub fn pose(&self, ankle_deg: f64, shift_deg: f64) -> (UnitQuaternion<f64>, Vector3<f64>) {
        self.sensor(self.foot(ankle_deg, shift_deg))
    }

    fn sensor(&self, (foot, ankle): (UnitQuaternion<f64>, Vector3<f64>)) -> (UnitQuaternion<f64>, Vector3<f64>) {
        (foot * self.mount, ankle + foot * self.r_foot)
    }

    fn pose_at(&self, p: &Person, t: f64) -> (UnitQuaternion<f64>, Vector3<f64>) {
        let shift = p.shift_deg(t);
        match p.walk_at(t).and_then(|w| w.foot_pose(t, self.foot(0.0, shift))) {
            Some(foot) => self.sensor(foot),
            None => self.pose(p.angle_deg(t), shift),
        }
    }

    /// What an ideal IMU reads at `t`: (specific force in g, angular rate in deg/s), sensor frame.
    pub fn ideal_imu(&self, p: &Person, t: f64) -> (Vector3<f64>, Vector3<f64>) {
        let (q_m, p_m) = self.pose_at(p, t - H);
        let (q, p0) = self.pose_at(p, t);
        let (q_p, p_p) = self.pose_at(p, t + H);
        let w_world = (q_p * q_m.inverse()).scaled_axis() / (2.0 * H);
        let a_world = (p_p - 2.0 * p0 + p_m) / (H * H);
        let impact = p.walk_at(t).map_or(Vector3::zeros(), |w| w.impact(t));
        let f = a_world + Vector3::new(0.0, 0.0, G) + impact * G;
        let inv = q.inverse();
        (inv * f / G, (inv * w_world).map(f64::to_degrees))
    }
}

/// The sensor's own errors and its analogue-to-digital conversion.
#[derive(Debug, Clone)]
pub struct Imu {
    accel_range_g: f64,
    gyro_range_dps: f64,
    accel_bias_g: [f64; 3],
    gyro_bias_dps: [f64; 3],
    accel_scale: [f64; 3],
    gyro_scale: [f64; 3],
    accel_noise_g: f64,
    gyro_noise_dps: f64,
    rng: ChaCha8Rng,
}

/// Counts for a physical value at a ±`range` full scale, clipped.
pub fn quantise(v: f64, range: f64) -> i16 {
    (v / range * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

impl Imu {
    pub fn new(s: &Scenario) -> Self {
        Imu {
            accel_range_g: f64::from(s.accel_range_g),
            gyro_range_dps: f64::from(s.gyro_range_dps),
            accel_bias_g: s.accel_bias_mg.map(|b| b / 1000.0),
            gyro_bias_dps: s.gyro_bias_dps,
            accel_scale: s.accel_scale_err.map(|e| 1.0 + e),
            gyro_scale: s.gyro_scale_err.map(|e| 1.0 + e),
            accel_noise_g: s.accel_noise_mg / 1000.0,
            gyro_noise_dps: s.gyro_noise_dps,
            rng: rng_for(s.seed, 2),
        }
    }

    /// One raw sample from ideal readings.
    pub fn measure(&mut self, accel_g: Vector3<f64>, gyro_dps: Vector3<f64>) -> RawSample {
        let mut out = [0i16; 6];
        for k in 0..3 {
            let a =
                accel_g[k] * self.accel_scale[k] + self.accel_bias_g[k] + self.accel_noise_g * normal(&mut self.rng);
            let g =
                gyro_dps[k] * self.gyro_scale[k] + self.gyro_bias_dps[k] + self.gyro_noise_dps * normal(&mut self.rng);
            out[k] = quantise(a, self.accel_range_g);
            out[k + 3] = quantise(g, self.gyro_range_dps);
        }
        RawSample(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn still() -> Scenario {
        Scenario { tremor_rest_deg: 0.0, tremor_hold_deg: 0.0, sets: vec![2], ..Scenario::default() }
    }

    #[test]
    fn at_rest_the_accelerometer_reads_one_g_up_and_the_gyro_nothing() {
        for (pitch, strap) in [(0.0, 0.0), (88.0, 90.0), (18.0, 250.0)] {
            let s = Scenario { shank_pitch_deg: pitch, strap_rot_deg: strap, ..still() };
            let (b, p) = (Body::new(&s), Person::new(&s));
            let (a, w) = b.ideal_imu(&p, 1.0);
            assert!((a.norm() - 1.0).abs() < 1e-6, "{a}");
            assert!(w.norm() < 1e-6);
            // gravity points up in the world, whatever the strap does
            let (q, _) = b.pose(0.0, 0.0);
            assert!(((q * a) - Vector3::z()).norm() < 1e-6);
        }
    }

    #[test]
    fn lying_toes_point_to_the_ceiling_and_seated_the_foot_is_flat() {
        let lying = Body::new(&Scenario {
            shank_pitch_deg: 0.0,
            leg_roll_ext_deg: 0.0,
            strap_rot_deg: 0.0,
            strap_tilt_deg: [0.0; 2],
            ..still()
        });
        let (q, _) = lying.pose(0.0, 0.0);
        assert!((q * Vector3::x() - Vector3::z()).norm() < 1e-9, "toes up");
        let seated = Body::new(&Scenario {
            shank_pitch_deg: 90.0,
            leg_roll_ext_deg: 0.0,
            strap_rot_deg: 0.0,
            strap_tilt_deg: [0.0; 2],
            ..still()
        });
        let (q, pos) = seated.pose(0.0, 0.0);
        assert!((q * Vector3::z() - Vector3::z()).norm() < 1e-9, "dorsum up");
        assert!(pos.z < -0.3, "the foot is below the knee");
        // dorsiflexion lifts the toes toward the shin
        let (q, _) = seated.pose(20.0, 0.0);
        assert!((q * Vector3::x()).z > 0.3);
    }

    #[test]
    fn the_gyro_integrated_about_the_ankle_axis_gives_the_ankle_angle() {
        let s = Scenario { strap_rot_deg: 135.0, axis_frontal_deg: 5.0, axis_transverse_deg: 4.0, ..still() };
        let (b, p) = (Body::new(&s), Person::new(&s));
        let u = b.axis_in_sensor();
        let dt = 0.005;
        let mut integ = 0.0;
        let end = p.reps()[0].end_s + 1.0;
        let mut worst: f64 = 0.0;
        let mut t = 0.0;
        while t < end {
            let (_, w0) = b.ideal_imu(&p, t);
            let (_, w1) = b.ideal_imu(&p, t + dt);
            integ += 0.5 * (w0.dot(&u) + w1.dot(&u)) * dt;
            t += dt;
            worst = worst.max((integ - p.angle_deg(t)).abs());
        }
        assert!(worst < 0.2, "max error {worst} deg");
    }

    #[test]
    fn fast_moves_show_the_lever_arm_in_the_accelerometer() {
        let s = Scenario { move_s: 0.4, ..still() };
        let (b, p) = (Body::new(&s), Person::new(&s));
        let r = p.reps()[0];
        let peak = (0..((r.end_s - r.start_s) * 200.0) as usize)
            .map(|k| (b.ideal_imu(&p, r.start_s + k as f64 * 0.005).0.norm() - 1.0).abs())
            .fold(0.0, f64::max);
        assert!(peak > 0.05, "specific force deviates from 1 g during a fast pump: {peak}");
    }

    /// Gravity at rest and the flexion axis, in the sensor frame, as measured from the published
    /// captures p03 (full 3-D mount, oblique axis, right foot) and p02 (strap 90°, oblique axis, left
    /// foot): calibration-pose mean of the accelerometer and principal axis of the gyro in the first rep.
    #[test]
    fn frames_match_the_published_captures() {
        let p03 = Scenario {
            shank_pitch_deg: 18.0,
            leg_roll_ext_deg: 12.0,
            axis_frontal_deg: 5.0,
            axis_transverse_deg: 4.0,
            mount: Mount::Full3d,
            mount_quat: Some([-0.5944447511357391, -0.19198309587366788, 0.15788690876417233, -0.7647546356752767]),
            ..still()
        };
        let p02 = Scenario {
            shank_pitch_deg: 86.0,
            leg_roll_ext_deg: 3.0,
            side: Side::Left,
            axis_frontal_deg: 4.0,
            axis_transverse_deg: 3.0,
            strap_rot_deg: 90.0,
            strap_tilt_deg: [-6.0, 5.0],
            ..still()
        };
        let cases = [
            (p03, [0.117, -0.963, 0.279], [-0.87, 0.31, 0.383]),
            (p02, [-0.084, -0.183, 0.983], [-0.998, -0.059, -0.023]),
        ];
        for (s, gravity, axis) in cases {
            let b = Body::new(&s);
            let (a, _) = b.ideal_imu(&Person::new(&s), 0.5);
            assert!((a - Vector3::from(gravity)).norm() < 0.02, "gravity {a}");
            let u = b.axis_in_sensor();
            let want = Vector3::from(axis);
            assert!((u - want).norm().min((u + want).norm()) < 0.03, "axis {u}");
        }
    }

    #[test]
    fn quantisation_scales_and_clips_at_full_scale() {
        assert_eq!(quantise(1.0, 8.0), 4096);
        assert_eq!(quantise(-2.0, 2.0), -32768);
        assert_eq!(quantise(9.0, 8.0), 32767);
        assert_eq!(quantise(-250.0, 125.0), -32768);
    }
}
