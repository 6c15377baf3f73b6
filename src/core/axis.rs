//! The ankle's flexion axis in the sensor frame, found from the motion
//! itself: the principal direction of the angular velocity while the foot
//! moves (Seel, Raisch & Schauer 2014), whatever way the strap sits. The
//! sign is fixed by the rule that the first movement after calibration is
//! dorsiflexion (toes up).

use nalgebra::{Matrix3, SymmetricEigen, Vector3};

/// Streaming estimator of the flexion axis.
#[derive(Debug, Clone)]
pub struct AxisEstimator {
    scatter: Matrix3<f64>,
    /// Integrated rotation (rad) of the first movement, as a vector, to fix the sign.
    first_move: Vector3<f64>,
    motion_rad: f64,
    axis: Option<Vector3<f64>>,
    since_refit: u32,
}

/// Angular speed (rad/s) counted as motion (slow post-operative moves are ~4°/s).
const MOTION_RAD_S: f64 = 0.03;
/// Net rotation (rad) of the first movement needed before the axis is trusted.
const FIRST_MOVE_RAD: f64 = 0.035;

impl Default for AxisEstimator {
    fn default() -> Self {
        AxisEstimator {
            scatter: Matrix3::zeros(),
            first_move: Vector3::zeros(),
            motion_rad: 0.0,
            axis: None,
            since_refit: 0,
        }
    }
}

impl AxisEstimator {
    /// Feeds one bias-corrected angular velocity (rad/s) over `dt` seconds.
    /// Returns true when the axis was found or refined by this sample.
    pub fn push(&mut self, w: Vector3<f64>, dt: f64) -> bool {
        let speed = w.norm();
        if self.axis.is_none() {
            // Every sample counts toward the net first movement: a slow
            // post-operative toes-up can stay under the motion threshold.
            self.first_move += w * dt;
        }
        if speed < MOTION_RAD_S {
            return false;
        }
        // Weight by rotation travelled so slow and fast moves count by angle.
        self.scatter += (w * w.transpose()) * (dt / speed);
        self.motion_rad += speed * dt;
        if self.axis.is_none() {
            if self.first_move.norm() >= FIRST_MOVE_RAD {
                let mut a = self.principal();
                if a.dot(&self.first_move) < 0.0 {
                    a = -a;
                }
                self.axis = Some(a);
                return true;
            }
            return false;
        }
        self.since_refit += 1;
        if self.since_refit >= 16 {
            self.since_refit = 0;
            let prev = self.axis.unwrap_or_else(Vector3::x);
            let mut a = self.principal();
            if a.dot(&prev) < 0.0 {
                a = -a;
            }
            self.axis = Some(a);
            return true;
        }
        false
    }

    /// The first movement happened while samples were lost: its rotation (rad, as a
    /// vector) is known only from gravity, before (`g0`) and after (`g1`) the gap.
    pub fn moved_unseen(&mut self, g0: Vector3<f64>, g1: Vector3<f64>) {
        if self.axis.is_none() {
            // Gravity seen from the sensor turns opposite to the sensor.
            let (a, b) = (g0.normalize(), g1.normalize());
            self.first_move -= a.cross(&b).normalize() * a.angle(&b);
        }
    }

    fn principal(&self) -> Vector3<f64> {
        let eig = SymmetricEigen::new(self.scatter);
        let i = eig.eigenvalues.imax();
        eig.eigenvectors.column(i).into_owned().normalize()
    }

    /// The unit axis, positive = dorsiflexion, once known.
    pub fn axis(&self) -> Option<Vector3<f64>> {
        self.axis
    }
}
