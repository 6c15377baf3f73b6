//! The second generator's leg and sensor: the foot turns about an oblique
//! ankle axis, the leg about a knee axis a little off the ankle's, the
//! sensor sits anywhere on the foot in any orientation. Angular velocity is
//! taken analytically from the joint rates; specific force from a
//! five-point stencil of the sensor's position. The sensor's own errors are
//! a full 3×3 scale-and-misalignment matrix per sensor, a gyro bias that
//! drifts as the part warms up, white noise, sample-instant jitter,
//! quantisation and clipping.

use nalgebra::{Matrix3, Unit, UnitQuaternion, Vector3};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::gauss;
use super::motion::Motion;

const G: f64 = 9.80665;

fn rot(axis: Vector3<f64>, deg: f64) -> UnitQuaternion<f64> {
    UnitQuaternion::from_axis_angle(&Unit::new_normalize(axis), deg.to_radians())
}

/// Where the leg is and how the sensor sits on it.
#[derive(Debug, Clone)]
pub(super) struct Leg {
    /// Foot → world at neutral.
    foot0: UnitQuaternion<f64>,
    /// Ankle flexion axis, foot frame (dorsiflexion positive).
    ankle_axis: Vector3<f64>,
    /// Knee axis, world frame; the knee's position relative to the ankle.
    knee_axis: Vector3<f64>,
    knee: Vector3<f64>,
    /// Sensor → foot, and its position in the foot frame (m).
    mount: UnitQuaternion<f64>,
    r: Vector3<f64>,
}

impl Leg {
    /// `foot_pitch_deg`: 0 with the foot flat (seated), −90 with the toes to the ceiling (lying).
    pub(super) fn new(rng: &mut ChaCha8Rng, foot_pitch_deg: f64, full3d: bool) -> Leg {
        let yaw = rng.random_range(-15.0..15.0);
        // Foot frame: x to the toes, y to the left, z out of the dorsum.
        let foot0 = rot(Vector3::z(), yaw) * rot(Vector3::y(), foot_pitch_deg);
        let lateral = rot(Vector3::x(), rng.random_range(-7.0..7.0)) * rot(Vector3::z(), rng.random_range(-7.0..7.0));
        let ankle_axis = lateral * -Vector3::y();
        let knee_axis = foot0 * (rot(Vector3::z(), rng.random_range(-10.0..10.0)) * -Vector3::y());
        let knee = foot0 * Vector3::new(-0.03, 0.0, 0.42);
        let mount = if full3d {
            let v = Vector3::new(gauss(rng), gauss(rng), gauss(rng));
            rot(v, rng.random_range(0.0..360.0))
        } else {
            rot(Vector3::z(), rng.random_range(0.0..360.0)) * rot(Vector3::x(), rng.random_range(-10.0..10.0))
        };
        let r = Vector3::new(rng.random_range(0.07..0.14), rng.random_range(-0.02..0.02), rng.random_range(0.03..0.06));
        Leg { foot0, ankle_axis, knee_axis, knee, mount, r }
    }

    fn foot(&self, m: &Motion, t: f64) -> (UnitQuaternion<f64>, Vector3<f64>) {
        let shift = rot(self.knee_axis, m.shift_deg(t));
        let foot = shift * self.foot0 * rot(self.ankle_axis, m.angle(t));
        let ankle = self.knee - shift * self.knee;
        (foot, ankle + foot * self.r)
    }

    /// Ideal readings at `t`: specific force (g) and angular rate (deg/s), sensor frame.
    pub(super) fn ideal(&self, m: &Motion, t: f64) -> (Vector3<f64>, Vector3<f64>) {
        let (foot, _) = self.foot(m, t);
        let d = |f: &dyn Fn(f64) -> f64, h: f64| (f(t + h) - f(t - h)) / (2.0 * h);
        let (ang_rate, shift_rate) = (d(&|x| m.angle(x), 1e-4), d(&|x| m.shift_deg(x), 1e-4));
        let shift = rot(self.knee_axis, m.shift_deg(t));
        let w_world = (shift * self.foot0 * self.ankle_axis) * ang_rate + self.knee_axis * shift_rate;
        let h = 2e-3;
        let p = |k: f64| self.foot(m, t + k * h).1;
        let acc = (-p(2.0) + 16.0 * p(1.0) - 30.0 * p(0.0) + 16.0 * p(-1.0) - p(-2.0)) / (12.0 * h * h);
        let q = foot * self.mount;
        let inv = q.inverse();
        (inv * (acc + Vector3::new(0.0, 0.0, G)) / G, inv * w_world)
    }
}

/// One sensor's errors.
#[derive(Debug, Clone)]
pub(super) struct Imu {
    acc_m: Matrix3<f64>,
    gyr_m: Matrix3<f64>,
    acc_bias: Vector3<f64>,
    gyr_bias: Vector3<f64>,
    /// Warm-up drift of the gyro bias (deg/s reached) and its time constant (s).
    gyr_warm: Vector3<f64>,
    warm_tau: f64,
    acc_noise: f64,
    gyr_noise: f64,
    pub range_g: f64,
    pub range_dps: f64,
}

fn misalign(rng: &mut ChaCha8Rng, scale: f64, cross: f64) -> Matrix3<f64> {
    Matrix3::from_fn(
        |i, j| if i == j { 1.0 + rng.random_range(-scale..scale) } else { rng.random_range(-cross..cross) },
    )
}

impl Imu {
    pub(super) fn new(rng: &mut ChaCha8Rng, bias_dps: f64, range_g: f64, range_dps: f64) -> Imu {
        let mut v = |m: f64| Vector3::new(rng.random_range(-m..m), rng.random_range(-m..m), rng.random_range(-m..m));
        let (acc_bias, gyr_bias, gyr_warm) = (v(0.025), v(bias_dps), v(0.4));
        Imu {
            acc_m: misalign(rng, 0.02, 0.01),
            gyr_m: misalign(rng, 0.02, 0.015),
            acc_bias,
            gyr_bias,
            gyr_warm,
            warm_tau: rng.random_range(60.0..150.0),
            acc_noise: rng.random_range(0.002..0.004),
            gyr_noise: rng.random_range(0.05..0.15),
            range_g,
            range_dps,
        }
    }

    /// Raw counts for ideal readings at sensor-on time `t`.
    pub(super) fn measure(&self, rng: &mut ChaCha8Rng, t: f64, acc: Vector3<f64>, w: Vector3<f64>) -> [i16; 6] {
        let bias = self.gyr_bias + self.gyr_warm * (1.0 - (-t / self.warm_tau).exp());
        let a = self.acc_m * acc + self.acc_bias;
        let g = self.gyr_m * w + bias;
        let q = |x: f64, range: f64| (x / range * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        let mut out = [0i16; 6];
        for k in 0..3 {
            out[k] = q(a[k] + self.acc_noise * gauss(rng), self.range_g);
            out[k + 3] = q(g[k] + self.gyr_noise * gauss(rng), self.range_dps);
        }
        out
    }
}
