//! Orientation of the foot relative to the calibration pose, from
//! accelerometer + gyroscope, with the `ahrs` crate's Mahony filter. The
//! gyroscope carries the motion; gravity corrects tilt drift, with a gain
//! that falls while the foot moves (the sensor sits ~10 cm from the ankle, so
//! during pumps the accelerometer also feels r·ω² and r·α). The filter's
//! integral term tracks the residual gyro bias left after calibration.

use ahrs::{Ahrs, Mahony};
use nalgebra::{UnitQuaternion, Vector3};

/// Stillness (s) after a gap after which the angle counts as re-acquired.
const REACQUIRED_S: f64 = 0.3;

/// Tuning of the fusion, in one place.
#[derive(Debug, Clone, Copy)]
pub struct FusionTuning {
    /// Proportional gain while the foot is still (1/s).
    pub kp_still: f64,
    /// Integral gain (bias tracking) while still.
    pub ki_still: f64,
    /// Proportional gain while re-acquiring the angle after a gap in the data.
    pub kp_reacquire: f64,
    /// How long (s) re-acquiring lasts.
    pub reacquire_s: f64,
    /// Angular speed (rad/s) above which gravity is not trusted at all.
    pub moving_rad_s: f64,
    /// |‖a‖ − 1 g| above which gravity is not trusted.
    pub accel_tol_g: f64,
}

impl Default for FusionTuning {
    fn default() -> Self {
        FusionTuning {
            kp_still: 0.5,
            ki_still: 0.02,
            kp_reacquire: 5.0,
            reacquire_s: 2.0,
            moving_rad_s: 0.35,
            accel_tol_g: 0.06,
        }
    }
}

/// Streaming fusion state.
#[derive(Debug, Clone)]
pub struct Fusion {
    filter: Mahony<f64>,
    q_cal: UnitQuaternion<f64>,
    bias: Vector3<f64>,
    tuning: FusionTuning,
    dt: f64,
    /// Samples left in which gravity is trusted with a high gain (after a gap).
    reacquire: u32,
    /// Consecutive still samples while re-acquiring.
    still_run: u32,
}

impl Fusion {
    /// Starts at the calibration pose: `gravity` is the mean accelerometer
    /// reading (g) and `gyro_bias` the mean gyro reading (rad/s) while still.
    pub fn new(dt: f64, gravity: Vector3<f64>, gyro_bias: Vector3<f64>, tuning: FusionTuning) -> Self {
        let z = Vector3::z();
        let q_cal = UnitQuaternion::rotation_between(&gravity, &z)
            .unwrap_or_else(|| UnitQuaternion::from_axis_angle(&Vector3::x_axis(), std::f64::consts::PI));
        let filter = Mahony::new_with_quat(dt, tuning.kp_still, tuning.ki_still, q_cal);
        Fusion { filter, q_cal, bias: gyro_bias, tuning, dt, reacquire: 0, still_run: 0 }
    }

    /// Advances by one sample (`dt` may be larger after lost samples).
    /// `gyro` in rad/s, `accel` in g, both in the sensor frame.
    pub fn update(&mut self, gyro: Vector3<f64>, accel: Vector3<f64>, dt: f64) {
        if (dt - self.dt).abs() > 1e-12 {
            *self.filter.sample_period_mut() = dt;
            self.dt = dt;
        }
        let w = gyro - self.bias;
        let t = &self.tuning;
        let still = w.norm() < t.moving_rad_s && (accel.norm() - 1.0).abs() < t.accel_tol_g;
        if self.reacquire > 0 {
            self.reacquire -= 1;
        }
        let kp = if self.reacquire > 0 { t.kp_reacquire } else { t.kp_still };
        if (self.filter.kp() - kp).abs() > 1e-12 {
            *self.filter.kp_mut() = kp;
        }
        self.still_run = if still { self.still_run.saturating_add(1) } else { 0 };
        if self.reacquire > 0 && f64::from(self.still_run) * self.dt >= REACQUIRED_S {
            self.reacquire = 0;
        }
        if still && self.filter.update_imu(&w, &accel).is_ok() {
            return;
        }
        // Keep the bias the filter has learnt while integrating the gyro alone.
        let corr = self.filter.e_int() * t.ki_still;
        self.filter.update_gyro(&(w + corr));
    }

    /// Integrates the gyro alone over `dt` (bridging lost samples).
    pub fn update_gyro_only(&mut self, gyro: Vector3<f64>, dt: f64) {
        *self.filter.sample_period_mut() = dt;
        let corr = self.filter.e_int() * self.tuning.ki_still;
        self.filter.update_gyro(&(gyro - self.bias + corr));
        *self.filter.sample_period_mut() = self.dt;
    }

    /// Trusts gravity with a high gain until the foot has been still a moment.
    pub fn start_reacquire(&mut self) {
        self.reacquire = (self.tuning.reacquire_s / self.dt).round() as u32;
        self.still_run = 0;
    }

    /// True while the angle is still being re-acquired after a gap in the data.
    pub fn reacquiring(&self) -> bool {
        self.reacquire > 0
    }

    /// Rotation from the calibration pose to now, in the sensor frame.
    pub fn relative(&self) -> UnitQuaternion<f64> {
        self.q_cal.inverse() * self.filter.quat
    }

    /// Bias-corrected angular velocity for a raw gyro reading (rad/s).
    pub fn corrected(&self, gyro: Vector3<f64>) -> Vector3<f64> {
        gyro - self.bias
    }
}

/// Rotation angle of `q` about the unit `axis` (swing–twist), radians in (−π, π].
pub fn twist_angle(q: &UnitQuaternion<f64>, axis: &Vector3<f64>) -> f64 {
    let q = q.quaternion();
    let p = q.imag().dot(axis);
    let mut a = 2.0 * p.atan2(q.w);
    if a > std::f64::consts::PI {
        a -= 2.0 * std::f64::consts::PI;
    } else if a <= -std::f64::consts::PI {
        a += 2.0 * std::f64::consts::PI;
    }
    a
}

impl Fusion {
    /// Keeps the orientation on the ankle hinge: relative to the calibration
    /// pose the foot only turns about the flexion `axis`, so whatever the
    /// filter accumulated about other axes (heading, which gravity cannot
    /// see) is error and is dropped.
    pub fn constrain(&mut self, axis: &Vector3<f64>) {
        let theta = twist_angle(&self.relative(), axis);
        self.filter.quat = self.q_cal * hinge(axis, theta);
    }

    /// Hinge angle (rad) that gravity alone gives for an accelerometer reading.
    pub fn gravity_angle(&self, accel: Vector3<f64>, axis: &Vector3<f64>) -> Option<f64> {
        let g0 = self.q_cal.inverse() * Vector3::z();
        let perp = |v: Vector3<f64>| v - axis * v.dot(axis);
        let (a, g) = (perp(accel.try_normalize(1e-9)?), perp(g0));
        if a.norm() < 0.2 || g.norm() < 0.2 {
            return None; // gravity nearly along the axis: no information
        }
        Some(axis.dot(&a.cross(&g)).atan2(a.dot(&g)))
    }

    /// After a long gap in the data: take the angle from gravity now.
    pub fn reanchor(&mut self, accel: Vector3<f64>, axis: Option<&Vector3<f64>>) {
        self.start_reacquire();
        match axis {
            Some(axis) => {
                if let Some(theta) = self.gravity_angle(accel, axis) {
                    self.filter.quat = self.q_cal * hinge(axis, theta);
                }
            }
            None => {
                let q = self.filter.quat;
                let v = q.inverse() * Vector3::z();
                if let Some(r) = UnitQuaternion::rotation_between(&accel, &v) {
                    self.filter.quat = q * r;
                }
            }
        }
    }
}

fn hinge(axis: &Vector3<f64>, theta: f64) -> UnitQuaternion<f64> {
    UnitQuaternion::from_axis_angle(&nalgebra::Unit::new_normalize(*axis), theta)
}
