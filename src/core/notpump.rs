//! Not-a-pump detection, streaming: walking, stepping, standing up, heel
//! strikes, the whole leg moving, the sensor travelling through space, and
//! speeds or angles no ankle pump has. Each sample is checked for evidence
//! that the foot is doing something else than turning at the ankle; while
//! such a stretch lasts nothing is counted, and it ends once the foot has
//! been still again (the pipeline then re-anchors the neutral there).
//!
//! The evidence, all physics of walking rather than of any one recording
//! (limits in `core::physio`): an impact of several g (a heel strike), an
//! angular speed no ankle makes (the swing), a net rotation about axes
//! other than the ankle's (turning, the leg lifting or swinging round), and
//! the sensor's speed through space (the foot travels metres; a pump only
//! turns it on a 10 cm arc). Two or more impacts close together, or impacts
//! with swings, are walking.

use std::collections::VecDeque;

use nalgebra::{UnitQuaternion, Vector3};
use serde::{Deserialize, Serialize};

use super::physio::{IMPACT_G, OFF_AXIS_DEG, PUMP_MAX_DPS, TRAVEL_MPS};

/// Why a stretch is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Impacts in a rhythm (heel strikes), with swings: walking or stepping.
    Walking,
    /// A single jolt of several g.
    Impact,
    /// The foot turned faster than any ankle pump.
    TooFast,
    /// The foot turned about other axes than the ankle's: the whole leg moved.
    LegMoved,
    /// The sensor moved through space faster than a pump can move it.
    Travel,
    /// An angle no ankle makes.
    ImpossibleAngle,
}

impl Reason {
    /// Stronger evidence replaces weaker: walking explains everything else.
    fn rank(self) -> u8 {
        match self {
            Reason::Walking => 5,
            Reason::Travel => 4,
            Reason::Impact => 3,
            Reason::TooFast => 2,
            Reason::LegMoved => 1,
            Reason::ImpossibleAngle => 0,
        }
    }
}

/// A stretch of the timeline in which nothing was counted, and why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub start_s: f64,
    pub end_s: f64,
    pub reason: Reason,
}

/// Angular speed (deg/s) and |‖a‖ − 1 g| under which the foot is quiet.
const QUIET_DPS: f64 = 15.0;
const QUIET_G: f64 = 0.1;
/// Impacts this close together (s) are steps.
const STEP_WINDOW_S: f64 = 4.0;
/// Leak (s) of the off-axis rotation and of the sensor's velocity: slow
/// enough to keep a swing or a turn, fast enough to forget a bias.
const OFF_AXIS_LEAK_S: f64 = 2.0;
const VELOCITY_LEAK_S: f64 = 0.3;
/// Time constant (s) of the acceleration's slow mean.
const ACCEL_MEAN_S: f64 = 1.0;
/// Gain (1/s) pulling the free attitude toward gravity while the reading is near 1 g.
const TILT_GAIN: f64 = 2.0;
/// Free-attitude accuracy is only claimed within this long (s) of a quiet moment.
const FREE_ATTITUDE_S: f64 = 3.0;
/// Standard gravity, m/s².
const G: f64 = 9.80665;

/// The stretch in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Active {
    start_s: f64,
    reason: Reason,
    last_evidence_s: f64,
}

/// What one sample changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GuardStep {
    /// Nothing new.
    Same,
    /// A stretch began (the foot started doing something else at `start_s`).
    Started { start_s: f64, reason: Reason },
}

/// The streaming detector.
#[derive(Debug, Clone)]
pub struct NotPump {
    active: Option<Active>,
    impacts: VecDeque<f64>,
    /// Last time the foot was quiet.
    quiet_t: f64,
    quiet_now: bool,
    /// Leaky net rotation off the ankle axis (rad, sensor frame).
    off_axis: Vector3<f64>,
    /// Sensor → world attitude (world z up), free of the hinge constraint.
    attitude: Option<UnitQuaternion<f64>>,
    /// Leaky velocity of the sensor through space (m/s, world frame).
    velocity: Vector3<f64>,
    /// Slow mean of the acceleration (m/s²): the lever arm's r·ω² toward the ankle and a
    /// tilt error are steady, travel is not.
    accel_mean: Vector3<f64>,
}

impl Default for NotPump {
    fn default() -> Self {
        NotPump {
            active: None,
            impacts: VecDeque::new(),
            quiet_t: f64::NEG_INFINITY,
            quiet_now: false,
            off_axis: Vector3::zeros(),
            attitude: None,
            velocity: Vector3::zeros(),
            accel_mean: Vector3::zeros(),
        }
    }
}

impl NotPump {
    /// The reason of the stretch in progress, if one is.
    pub fn reason(&self) -> Option<Reason> {
        self.active.map(|a| a.reason)
    }

    /// True on a sample where the foot was quiet.
    pub fn quiet(&self) -> bool {
        self.quiet_now
    }

    /// Timeline seconds of the last evidence in the stretch in progress.
    pub fn last_evidence_s(&self) -> Option<f64> {
        self.active.map(|a| a.last_evidence_s)
    }

    /// Ends the stretch in progress at `end_s` (the foot is still again).
    pub fn end(&mut self, end_s: f64) -> Option<Excluded> {
        let a = self.active.take()?;
        self.impacts.clear();
        Some(Excluded { start_s: a.start_s, end_s: end_s.max(a.start_s), reason: a.reason })
    }

    /// Checks one sample: `accel` in g, `w` the bias-corrected rate (rad/s), both in the
    /// sensor frame; `axis` the ankle's flexion axis once known; `rel_deg` the ankle angle
    /// from neutral when it is tracked, and whether it is beyond what an ankle can do.
    pub fn push(
        &mut self,
        t: f64,
        dt: f64,
        accel: Vector3<f64>,
        w: Vector3<f64>,
        axis: Option<&Vector3<f64>>,
        impossible_angle: bool,
    ) -> GuardStep {
        let dt = dt.clamp(1e-4, 0.1);
        let (speed_dps, g) = (w.norm().to_degrees(), accel.norm());
        self.quiet_now = speed_dps < QUIET_DPS && (g - 1.0).abs() < QUIET_G;
        let mut reason: Option<Reason> = None;
        let note = |reason: &mut Option<Reason>, r: Reason| {
            if reason.is_none_or(|x| r.rank() > x.rank()) {
                *reason = Some(r);
            }
        };
        if g > IMPACT_G {
            self.impacts.push_back(t);
            note(&mut reason, Reason::Impact);
        }
        while self.impacts.front().is_some_and(|&t0| t - t0 > STEP_WINDOW_S) {
            self.impacts.pop_front();
        }
        // Several impacts within a few seconds are steps, whatever else the foot did.
        if self.impacts.len() >= 2 && reason.is_some() {
            note(&mut reason, Reason::Walking);
        }
        if speed_dps > PUMP_MAX_DPS {
            note(&mut reason, if self.impacts.is_empty() { Reason::TooFast } else { Reason::Walking });
        }
        if let Some(u) = axis {
            let perp = w - u * w.dot(u);
            self.off_axis = self.off_axis * (1.0 - dt / OFF_AXIS_LEAK_S) + perp * dt;
            if self.off_axis.norm().to_degrees() > OFF_AXIS_DEG {
                note(&mut reason, Reason::LegMoved);
            }
        }
        if self.travel(t, dt, accel, w) > TRAVEL_MPS {
            note(&mut reason, if self.impacts.is_empty() { Reason::Travel } else { Reason::Walking });
        }
        if impossible_angle {
            note(&mut reason, Reason::ImpossibleAngle);
        }
        if self.quiet_now {
            self.quiet_t = t;
            self.off_axis = Vector3::zeros();
        }
        let Some(r) = reason else { return GuardStep::Same };
        match self.active.as_mut() {
            Some(a) => {
                a.last_evidence_s = t;
                if r.rank() > a.reason.rank() {
                    a.reason = r;
                }
                GuardStep::Same
            }
            None => {
                // The movement that turned out not to be a pump began when the foot was last quiet.
                let start_s = self.quiet_t.max(t - 2.0).min(t);
                self.active = Some(Active { start_s, reason: r, last_evidence_s: t });
                GuardStep::Started { start_s, reason: r }
            }
        }
    }

    /// The sensor's speed through space (m/s): its free attitude (gyro, pulled toward
    /// gravity while the reading is near 1 g) takes gravity out of the accelerometer and
    /// the rest is integrated with a leak; zero while the foot is quiet.
    fn travel(&mut self, t: f64, dt: f64, accel: Vector3<f64>, w: Vector3<f64>) -> f64 {
        let up = Vector3::z();
        let q = match self.attitude {
            Some(q) => q * UnitQuaternion::from_scaled_axis(w * dt),
            None if self.quiet_now => match UnitQuaternion::rotation_between(&accel, &up) {
                Some(q) => q,
                None => return 0.0,
            },
            None => return 0.0,
        };
        let g = accel.norm();
        let q = if (g - 1.0).abs() < QUIET_G {
            // Nudge the attitude so that the reading points up.
            let err = (q * accel).normalize().cross(&up);
            UnitQuaternion::from_scaled_axis(err * (TILT_GAIN * dt).min(1.0)) * q
        } else {
            q
        };
        self.attitude = Some(q);
        if self.quiet_now {
            self.velocity = Vector3::zeros();
            self.accel_mean = Vector3::zeros();
            return 0.0;
        }
        if t - self.quiet_t > FREE_ATTITUDE_S {
            // Long without a quiet moment: the attitude may have drifted; claim nothing.
            self.velocity = Vector3::zeros();
            return 0.0;
        }
        let lin = (q * accel - up) * G;
        self.accel_mean += (lin - self.accel_mean) * (dt / ACCEL_MEAN_S);
        self.velocity = self.velocity * (1.0 - dt / VELOCITY_LEAK_S) + (lin - self.accel_mean) * dt;
        self.velocity.norm()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DT: f64 = 0.01;

    fn run(g: &mut NotPump, from: f64, secs: f64, f: impl Fn(f64) -> (Vector3<f64>, Vector3<f64>)) -> Vec<GuardStep> {
        let n = (secs / DT) as usize;
        (0..n)
            .map(|k| {
                let t = from + k as f64 * DT;
                let (a, w) = f(t);
                g.push(t, DT, a, w, Some(&Vector3::y()), false)
            })
            .collect()
    }

    fn still(_: f64) -> (Vector3<f64>, Vector3<f64>) {
        (Vector3::z(), Vector3::zeros())
    }

    #[test]
    fn a_fast_pump_about_the_axis_is_not_flagged() {
        let mut g = NotPump::default();
        run(&mut g, 0.0, 1.0, still);
        // ±30° at 1.2 Hz about the axis: peaks near 230°/s, with the lever arm's r·ω² (r = 12 cm).
        let steps = run(&mut g, 1.0, 10.0, |t| {
            let f = 1.2 * std::f64::consts::TAU;
            let th = 0.5 * (f * t).sin();
            let w = Vector3::y() * 0.5 * f * (f * t).cos();
            let lever = 0.12 * w.norm_squared() / G;
            (Vector3::new(-th.sin(), 0.0, th.cos()) + Vector3::new(0.0, 0.0, lever), w)
        });
        assert!(steps.iter().all(|s| *s == GuardStep::Same), "{:?}", g.reason());
    }

    #[test]
    fn heel_strikes_are_walking_and_the_stretch_starts_where_the_foot_left_rest() {
        let mut g = NotPump::default();
        run(&mut g, 0.0, 1.0, still);
        let steps = run(&mut g, 1.0, 3.0, |t| {
            let phase = (t - 1.0) % 1.1;
            let a = if (0.5..0.52).contains(&phase) { Vector3::z() * 4.0 } else { Vector3::z() };
            (a, Vector3::y() * if phase < 0.51 { 3.0 } else { 0.0 })
        });
        let started = steps.iter().find_map(|s| match s {
            GuardStep::Started { start_s, .. } => Some(*start_s),
            _ => None,
        });
        assert!(started.is_some_and(|s| (s - 1.0).abs() < 0.05), "{started:?}");
        assert_eq!(g.reason(), Some(Reason::Walking));
    }

    #[test]
    fn turning_the_whole_leg_about_another_axis_is_a_leg_movement() {
        let mut g = NotPump::default();
        run(&mut g, 0.0, 1.0, still);
        // 40° about the shank's long axis over a second (at 40°/s: not fast, no impact).
        run(&mut g, 1.0, 1.0, |_| (Vector3::z(), Vector3::z() * 40f64.to_radians()));
        assert_eq!(g.reason(), Some(Reason::LegMoved));
        assert!(g.end(2.5).is_some_and(|e| e.reason == Reason::LegMoved && e.start_s < 1.05));
        assert_eq!(g.reason(), None);
    }
}
