//! The simulated person gets up, walks and comes back: the whole leg turns
//! from the exercise posture to standing, then strides of gait (foot slap
//! after each heel strike, flat stance, heel-off about the toes, a swing
//! that turns the foot through ~90° at up to ~480°/s while it travels a
//! stride length), a U-turn half-way, and back to the posture. Each heel
//! strike is an impact of several g. Pure functions of time, like the rest
//! of the person, so the body model can differentiate them.

use nalgebra::{Unit, UnitQuaternion, Vector3};

use super::person::min_jerk;

/// Seconds to get up (the leg turns to standing), and to sit or lie back down.
pub const GET_UP_S: f64 = 2.5;
/// Foot pitch (deg, toes up positive) at heel strike and at toe-off.
const HEEL_STRIKE_DEG: f64 = 25.0;
const TOE_OFF_DEG: f64 = -65.0;
/// Shares of a stride: loading (heel strike → foot flat), flat stance ends, toe-off.
const FLAT_AT: f64 = 0.1;
const HEEL_OFF_AT: f64 = 0.4;
const TOE_OFF_AT: f64 = 0.64;
/// Stride length (m), swing height (m), the toes' distance from the ankle (m).
const STRIDE_M: f64 = 1.2;
const LIFT_M: f64 = 0.1;
const TOE_M: f64 = 0.15;
/// Width (s) of a heel strike's impact.
const IMPACT_SIGMA_S: f64 = 0.01;

/// One walk away from the exercise and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Walk {
    /// Start of getting up.
    pub t0: f64,
    pub strides: u32,
    pub stride_s: f64,
    /// Peak specific force of a heel strike (g).
    pub impact_g: f64,
}

fn rot(axis: Vector3<f64>, rad: f64) -> UnitQuaternion<f64> {
    UnitQuaternion::from_axis_angle(&Unit::new_normalize(axis), rad)
}

impl Walk {
    fn gait_t0(&self) -> f64 {
        self.t0 + GET_UP_S
    }

    /// Strides, then the last heel strike's loading.
    fn gait_end(&self) -> f64 {
        self.gait_t0() + (f64::from(self.strides) + FLAT_AT) * self.stride_s
    }

    /// End of lying or sitting back down.
    pub fn end(&self) -> f64 {
        self.gait_end() + GET_UP_S
    }

    /// Heading (rad) at `t`: a U-turn over two strides half-way.
    fn heading(&self, t: f64) -> f64 {
        let turn_t = self.gait_t0() + f64::from(self.strides / 2) * self.stride_s - 0.5 * self.stride_s;
        std::f64::consts::PI * min_jerk((t - turn_t) / (2.0 * self.stride_s))
    }

    /// The direction stride `k` travels in: the heading during its swing.
    fn stride_heading(&self, k: u32) -> f64 {
        self.heading(self.gait_t0() + (f64::from(k) + 0.8) * self.stride_s)
    }

    /// Where stride `k` starts (ankle, world), from the standing start.
    fn stride_start(&self, k: u32) -> Vector3<f64> {
        (0..k).fold(Vector3::zeros(), |p, j| {
            let h = self.stride_heading(j);
            p + Vector3::new(h.cos(), h.sin(), 0.0) * STRIDE_M
        })
    }

    /// Foot pitch (rad) and ankle offset (m, world, before the heading) within a stride at share `tau`.
    fn stride_pose(&self, k: u32, tau: f64) -> (f64, Vector3<f64>) {
        let d2r = f64::to_radians;
        if tau < FLAT_AT {
            let p = if k == 0 { 0.0 } else { d2r(HEEL_STRIKE_DEG) * (1.0 - min_jerk(tau / FLAT_AT)) };
            (p, Vector3::zeros())
        } else if tau < HEEL_OFF_AT {
            (0.0, Vector3::zeros())
        } else if tau < TOE_OFF_AT {
            // Heel-off: the foot turns about the toes, lifting the ankle.
            let p = d2r(TOE_OFF_DEG) * min_jerk((tau - HEEL_OFF_AT) / (TOE_OFF_AT - HEEL_OFF_AT));
            (p, Vector3::new(TOE_M * (1.0 - p.cos()), 0.0, -TOE_M * p.sin()))
        } else {
            let s = (tau - TOE_OFF_AT) / (1.0 - TOE_OFF_AT);
            let p = d2r(TOE_OFF_DEG) + d2r(HEEL_STRIKE_DEG - TOE_OFF_DEG) * min_jerk(s);
            let (x0, z0) = (TOE_M * (1.0 - d2r(TOE_OFF_DEG).cos()), -TOE_M * d2r(TOE_OFF_DEG).sin());
            let z = z0 * (1.0 - min_jerk(s)) + LIFT_M * (std::f64::consts::PI * s).sin();
            (p, Vector3::new(x0 + (STRIDE_M - x0) * min_jerk(s), 0.0, z))
        }
    }

    /// The foot's pose (foot → world, ankle position) at `t`, given its pose in the
    /// exercise posture; `None` outside the walk.
    pub fn foot_pose(
        &self,
        t: f64,
        posture: (UnitQuaternion<f64>, Vector3<f64>),
    ) -> Option<(UnitQuaternion<f64>, Vector3<f64>)> {
        if t < self.t0 || t > self.end() {
            return None;
        }
        let (q0, p0) = posture;
        // Standing beside the bed or chair, foot flat, facing forward.
        let stand = p0 + Vector3::new(0.3, 0.5, -0.35);
        let standing = |k: u32, tau: f64, h: f64| {
            let (pitch, off) = self.stride_pose(k, tau);
            let way = rot(Vector3::z(), self.stride_heading(k.min(self.strides.saturating_sub(1))));
            // pitch about −Y: toes up is positive, as at the ankle
            (rot(Vector3::z(), h) * rot(-Vector3::y(), pitch), stand + self.stride_start(k) + way * off)
        };
        if t < self.gait_t0() {
            let s = min_jerk((t - self.t0) / GET_UP_S);
            let (q1, p1) = standing(0, 0.0, 0.0);
            return Some((q0.slerp(&q1, s), p0 + (p1 - p0) * s));
        }
        if t > self.gait_end() {
            let s = min_jerk((t - self.gait_end()) / GET_UP_S);
            let (q1, p1) = standing(self.strides, FLAT_AT, self.heading(self.gait_end()));
            return Some((q1.slerp(&q0, s), p1 + (p0 - p1) * s));
        }
        let x = (t - self.gait_t0()) / self.stride_s;
        let k = (x.floor() as u32).min(self.strides);
        Some(standing(k, x - f64::from(k), self.heading(t)))
    }

    /// Specific force (g, world frame) the heel strikes add at `t`.
    pub fn impact(&self, t: f64) -> Vector3<f64> {
        if t < self.t0 || t > self.end() {
            return Vector3::zeros();
        }
        let x = (t - self.gait_t0()) / self.stride_s;
        let k = x.round();
        if k < 1.0 || k > f64::from(self.strides) {
            return Vector3::zeros();
        }
        let dt = t - (self.gait_t0() + k * self.stride_s);
        let h = self.heading(t);
        let pulse = self.impact_g * (-0.5 * (dt / IMPACT_SIGMA_S).powi(2)).exp();
        // Mostly up through the heel, a little backward (braking).
        Vector3::new(-0.3 * h.cos(), -0.3 * h.sin(), 1.0) * pulse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk() -> Walk {
        Walk { t0: 10.0, strides: 12, stride_s: 1.1, impact_g: 4.0 }
    }

    #[test]
    fn the_walk_starts_and_ends_in_the_exercise_posture() {
        let w = walk();
        let posture = (rot(Vector3::y(), -1.5), Vector3::new(0.1, 0.0, -0.4));
        for t in [w.t0, w.end()] {
            let (q, p) = w.foot_pose(t, posture).expect("inside the walk");
            assert!(q.angle_to(&posture.0) < 1e-6 && (p - posture.1).norm() < 1e-6);
        }
        assert!(w.foot_pose(w.t0 - 0.1, posture).is_none());
    }

    #[test]
    fn strides_travel_swing_fast_and_land_with_impacts() {
        let w = walk();
        let posture = (UnitQuaternion::identity(), Vector3::zeros());
        let (dt, mut fastest, mut far) = (0.002, 0.0f64, 0.0f64);
        let mut impacts = 0;
        let mut t = w.gait_t0();
        while t < w.gait_end() {
            let (q0, p0) = w.foot_pose(t, posture).unwrap();
            let (q1, _) = w.foot_pose(t + dt, posture).unwrap();
            fastest = fastest.max(q1.angle_to(&q0).to_degrees() / dt);
            far = far.max((p0 - w.foot_pose(w.gait_t0(), posture).unwrap().1).norm());
            if w.impact(t).norm() > 3.0 && w.impact(t - dt).norm() <= 3.0 {
                impacts += 1;
            }
            t += dt;
        }
        assert!((400.0..700.0).contains(&fastest), "swing {fastest:.0}°/s");
        assert!(far > 5.0, "walked {far:.1} m");
        assert_eq!(impacts, 12, "a heel strike ends every stride");
    }
}
