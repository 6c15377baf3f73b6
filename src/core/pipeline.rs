//! The one streaming motion pipeline: notification bytes → timeline →
//! calibration → orientation → flexion axis → ankle angle → reps. The live
//! session screen and `anklepump analyze` both drive this same type; it is
//! handed bytes and receive times and returns events as values.
//!
//! Every sample is first checked by `core::notpump`: while the foot does
//! something that is not a pump (walking, a heel strike, the whole leg
//! moving), the rep in progress is dropped and nothing is counted; once the
//! foot has been still again the neutral is re-anchored there (a new
//! calibration pose, keeping the flexion axis: the strap did not move on the
//! foot) and counting resumes.

use nalgebra::{UnitQuaternion, Vector3};

use super::axis::AxisEstimator;
use super::calib::{CalibStep, Calibrator, ImuSample, CALIB_MIN_S};
use super::notpump::{Excluded, GuardStep, NotPump, Reason};
use super::orientation::{twist_angle, Fusion, FusionTuning};
use super::reacquire::Reacquire;
use super::reps::{LiveState, Rep, RepDetector};
use super::timeline::{Timeline, Verdict};
use crate::sensor::protocol::{ImuPacket, SensorConfig};

/// What the pipeline tells its driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The calibration pose has lasted long enough: cue the first movement.
    CalibrationReady { t_s: f64 },
    /// The foot moved before the pose was long enough: ask to hold still again.
    CalibrationRestarted { t_s: f64 },
    /// Calibration finished (the first movement began).
    Calibrated { t_s: f64 },
    /// A completed repetition.
    Rep(Rep),
    /// Samples the clock shows were sent but never arrived.
    SamplesLost { t_s: f64, count: u64 },
    /// The sensor's clock restarted; the timeline was bridged.
    SensorRebooted { t_s: f64 },
    /// The foot started doing something that is not an ankle pump (walking, …):
    /// nothing is counted until it has settled.
    NotPumping { t_s: f64, reason: Reason },
    /// The foot has settled after such a stretch: counting resumes from a new neutral.
    Resumed { t_s: f64 },
    /// A stretch in which nothing was counted, reported when it ends.
    Excluded(Excluded),
}

/// Counters of the contract (`samples`, `lost_samples`, `malformed_packets`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub samples: u64,
    pub lost_samples: u64,
    pub malformed_packets: u64,
    pub stale_packets: u64,
    pub reboots: u32,
}

enum Stage {
    /// Waiting for a still pose: the first calibration, or re-anchoring after a stretch
    /// that was not a pump (with the axis found so far).
    Calibrating {
        cal: Calibrator,
        axis: AxisEstimator,
    },
    Tracking(Box<Tracker>),
}

struct Tracker {
    fusion: Fusion,
    axis: AxisEstimator,
    /// The axis as it was at the last quiet moment: what a movement that turns out not to be
    /// a pump taught it is forgotten.
    axis_quiet: AxisEstimator,
    /// Orientations waiting for the axis (the first movement is still short).
    pending: Vec<(f64, UnitQuaternion<f64>)>,
    last_gyro: Vector3<f64>,
    /// After lost data: samples held back until gravity fixes the angle.
    reacquire: Option<Reacquire>,
}

/// Gaps longer than this re-anchor the orientation on gravity.
const REANCHOR_GAP_S: f64 = 0.3;

/// Gaps longer than this are re-acquired from gravity before the angle is used
/// (the bridge's error grows with the cube of the gap).
const UNSURE_GAP_S: f64 = 0.08;

/// Still this long (s) after a stretch that was not a pump, counting resumes (more than a
/// calibration pose needs, so the next movement re-anchors the neutral).
const RESUME_STILL_S: f64 = CALIB_MIN_S + 0.5;

/// The streaming pipeline.
pub struct Pipeline {
    cfg: SensorConfig,
    timeline: Timeline,
    malformed: u64,
    stage: Stage,
    reps: RepDetector,
    guard: NotPump,
    /// Gyro bias of the latest calibration pose (rad/s).
    bias: Vector3<f64>,
    /// End of the latest rep emitted: an excluded stretch never reaches back into it.
    last_rep_end: f64,
    last_t: Option<f64>,
    /// Optional per-sample angle trace (t, degrees), for diagnostics.
    trace: Option<Vec<(f64, f64)>>,
}

impl Pipeline {
    pub fn new(cfg: SensorConfig) -> Self {
        Pipeline {
            cfg,
            timeline: Timeline::new(cfg.rate_hz),
            malformed: 0,
            stage: Stage::Calibrating { cal: Calibrator::default(), axis: AxisEstimator::default() },
            reps: RepDetector::default(),
            guard: NotPump::default(),
            bias: Vector3::zeros(),
            last_rep_end: f64::NEG_INFINITY,
            last_t: None,
            trace: None,
        }
    }

    /// Keeps every (t, angle) for diagnostics.
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        self
    }

    pub fn take_trace(&mut self) -> Vec<(f64, f64)> {
        self.trace.take().unwrap_or_default()
    }

    pub fn counters(&self) -> Counters {
        Counters {
            samples: self.timeline.samples,
            lost_samples: self.timeline.lost_samples,
            malformed_packets: self.malformed,
            stale_packets: self.timeline.stale_packets,
            reboots: self.timeline.reboots,
        }
    }

    /// Timeline seconds of the last sample.
    pub fn duration_s(&self) -> f64 {
        self.timeline.last_sample_s().unwrap_or(0.0)
    }

    /// What the cue screen shows now. Its `peak_speed_dps` covers the samples of
    /// the last notification (or nothing, after `finish`).
    pub fn live(&self) -> LiveState {
        let mut s = self.reps.live();
        if let Stage::Calibrating { cal, .. } = &self.stage {
            s.calibrating = true;
            s.calibration_still_s = cal.still_s();
        }
        s.not_pumping = self.guard.reason();
        s
    }

    /// A line or payload that could not be read: counted, nothing else.
    pub fn push_malformed(&mut self) {
        self.malformed += 1;
    }

    /// Feeds one IMU Data notification received at `rx_ms`.
    pub fn push_notification(&mut self, rx_ms: u64, payload: &[u8]) -> Vec<Event> {
        self.reps.begin_batch();
        let Ok(pkt) = ImuPacket::decode(payload) else {
            self.malformed += 1;
            return Vec::new();
        };
        let place = match self.timeline.place(rx_ms, &pkt) {
            Verdict::Place(p) => p,
            Verdict::Stale => return Vec::new(),
        };
        let mut events = Vec::new();
        if place.after_reboot {
            events.push(Event::SensorRebooted { t_s: place.t0_s });
        } else if place.lost_before > 0 {
            events.push(Event::SamplesLost { t_s: place.t0_s, count: place.lost_before });
        }
        let (ga, gg) = (self.cfg.accel_scale_g(), self.cfg.gyro_scale_dps().to_radians());
        let n = pkt.samples.len();
        let packet_end = place.t0_s + (n.saturating_sub(1)) as f64 * place.dt_s;
        for (i, raw) in pkt.samples.iter().enumerate() {
            let v = raw.0.map(f64::from);
            let t = place.t0_s + i as f64 * place.dt_s;
            let dt = self.last_t.map_or(place.dt_s, |lt| (t - lt).max(1e-6));
            self.last_t = Some(t);
            let s = ImuSample {
                t,
                dt,
                accel: Vector3::new(v[0], v[1], v[2]) * ga,
                gyro: Vector3::new(v[3], v[4], v[5]) * gg,
            };
            self.push_sample(s, packet_end, &mut events);
        }
        if let Some(end) = events.iter().rev().find_map(|e| if let Event::Rep(r) = e { Some(r.end_s) } else { None }) {
            self.last_rep_end = end;
        }
        events
    }

    /// Ends the stream: a rep still open is closed if it is complete; a stretch that was
    /// not a pump ends with the data.
    pub fn finish(&mut self) -> Vec<Event> {
        self.reps.begin_batch();
        let t = self.duration_s();
        let mut events: Vec<Event> = self.reps.finish(t).into_iter().map(Event::Rep).collect();
        events.extend(self.end_excluded(t).map(Event::Excluded));
        events
    }

    /// The flexion axis, once known.
    fn axis(&self) -> Option<Vector3<f64>> {
        match &self.stage {
            Stage::Calibrating { axis, .. } => axis.axis(),
            Stage::Tracking(tr) => tr.axis.axis(),
        }
    }

    fn end_excluded(&mut self, end_s: f64) -> Option<Excluded> {
        let mut ex = self.guard.end(end_s)?;
        ex.start_s = ex.start_s.max(self.last_rep_end).min(ex.end_s);
        Some(ex)
    }

    /// Not a pump: the rep in progress is dropped, and the pipeline waits for a still pose,
    /// keeping what the axis knew at the last quiet moment.
    fn stop_tracking(&mut self, t: f64) {
        let fresh = Stage::Calibrating { cal: Calibrator::default(), axis: AxisEstimator::default() };
        let axis = match std::mem::replace(&mut self.stage, fresh) {
            Stage::Tracking(tr) => tr.axis_quiet,
            Stage::Calibrating { axis, .. } => axis,
        };
        self.stage = Stage::Calibrating { cal: Calibrator::default(), axis };
        self.reps.abort(t);
    }

    /// While not pumping: wait until the foot has been still long enough, then resume.
    fn settle(&mut self, s: ImuSample, events: &mut Vec<Event>) {
        self.reps.idle(s.t);
        let Stage::Calibrating { cal, .. } = &mut self.stage else { return };
        if let CalibStep::Done(..) = cal.push(s) {
            // It moved again: the pose starts afresh.
            *cal = Calibrator::default();
        }
        let still_since = s.t - cal.still_s();
        let calm = self.guard.last_evidence_s().is_some_and(|e| e < still_since);
        if cal.still_s() >= RESUME_STILL_S && calm {
            events.extend(self.end_excluded(still_since).map(Event::Excluded));
            events.push(Event::Resumed { t_s: s.t });
        }
    }

    fn push_sample(&mut self, s: ImuSample, detected_t: f64, events: &mut Vec<Event>) {
        let axis = self.axis();
        let beyond = self.reps.beyond_limits();
        let w = s.gyro - self.bias;
        if let GuardStep::Started { reason, .. } = self.guard.push(s.t, s.dt, s.accel, w, axis.as_ref(), beyond) {
            events.push(Event::NotPumping { t_s: s.t, reason });
            self.stop_tracking(s.t);
        }
        if self.guard.reason().is_some() {
            self.settle(s, events);
            return;
        }
        self.track(s, detected_t, events);
    }

    /// One sample of a foot that may be pumping: calibration, then the angle and the reps.
    fn track(&mut self, s: ImuSample, detected_t: f64, events: &mut Vec<Event>) {
        let quiet = self.guard.quiet();
        match &mut self.stage {
            Stage::Calibrating { cal, axis } => match cal.push(s) {
                CalibStep::Collecting { just_ready, .. } => {
                    if just_ready {
                        events.push(Event::CalibrationReady { t_s: s.t });
                    }
                    self.reps.idle(s.t);
                }
                CalibStep::Restarted => events.push(Event::CalibrationRestarted { t_s: s.t }),
                CalibStep::Done(c, replay) => {
                    events.push(Event::Calibrated { t_s: c.end_t });
                    let dt = self.timeline.dt_s();
                    let fusion = Fusion::new(dt, c.gravity, c.gyro_bias, FusionTuning::default());
                    self.bias = c.gyro_bias;
                    self.reps.start(c.end_t);
                    let mut axis = std::mem::take(axis);
                    if let Some(first) = replay.first().filter(|r| r.dt > REANCHOR_GAP_S) {
                        axis.moved_unseen(c.gravity, first.accel);
                    }
                    self.stage = Stage::Tracking(Box::new(Tracker {
                        fusion,
                        axis_quiet: axis.clone(),
                        axis,
                        pending: Vec::new(),
                        last_gyro: c.gyro_bias,
                        reacquire: None,
                    }));
                    for r in replay {
                        self.track(r, detected_t, events);
                    }
                }
            },
            Stage::Tracking(tr) => {
                // Across a short gap the rate is assumed steady (the mean of the rates
                // either side); after a long one the angle is first taken from gravity.
                // Either way, past a few samples the angle is re-acquired before use.
                let period = self.timeline.dt_s();
                let mut dt = s.dt;
                let mut lost = false;
                if s.dt > REANCHOR_GAP_S {
                    // Whatever was still held back from an earlier gap goes out first.
                    if let Some(re) = tr.reacquire.take() {
                        let (off, held) = re.finish_now();
                        for (t, a) in held {
                            Self::emit(&mut self.reps, &mut self.trace, t, a + off, detected_t, events);
                        }
                    }
                    tr.fusion.reanchor(s.accel, tr.axis.axis().as_ref());
                    if let Some(rep) = self.reps.gap(s.t - s.dt, s.t, detected_t) {
                        events.push(Event::Rep(rep));
                    }
                    (dt, lost) = (period, true);
                } else if s.dt > 1.5 * period {
                    let bridge = (tr.last_gyro + s.gyro) * 0.5;
                    tr.fusion.update_gyro_only(bridge, s.dt - period);
                    (dt, lost) = (period, s.dt > UNSURE_GAP_S);
                }
                tr.last_gyro = s.gyro;
                tr.fusion.update(s.gyro, s.accel, dt);
                if let Some(axis) = tr.axis.axis() {
                    tr.fusion.constrain(&axis);
                }
                let w = tr.fusion.corrected(s.gyro);
                tr.axis.push(w, dt);
                if quiet {
                    tr.axis_quiet.clone_from(&tr.axis);
                }
                let q = tr.fusion.relative();
                let Some(axis) = tr.axis.axis() else {
                    tr.pending.push((s.t, q));
                    return;
                };
                let mut ready: Vec<(f64, f64)> = std::mem::take(&mut tr.pending)
                    .into_iter()
                    .map(|(t, q)| (t, twist_angle(&q, &axis).to_degrees()))
                    .collect();
                let a = twist_angle(&q, &axis).to_degrees();
                if lost && tr.reacquire.is_none() {
                    tr.reacquire = Some(Reacquire::new(s.t));
                }
                match tr.reacquire.as_mut() {
                    Some(re) => {
                        let g = tr.fusion.gravity_angle(s.accel, &axis).map(f64::to_degrees);
                        if let Some(off) = re.push(s.t, a, g, w.dot(&axis).to_degrees()) {
                            tr.fusion.shift(&axis, off.to_radians());
                            let held = tr.reacquire.take().map(Reacquire::into_held).unwrap_or_default();
                            ready.extend(held.into_iter().map(|(t, a)| (t, a + off)));
                        }
                    }
                    None => ready.push((s.t, a)),
                }
                for (t, a) in ready {
                    Self::emit(&mut self.reps, &mut self.trace, t, a, detected_t, events);
                }
            }
        }
    }

    /// One angle sample to the rep detector (and the diagnostic trace).
    fn emit(
        reps: &mut RepDetector,
        trace: &mut Option<Vec<(f64, f64)>>,
        t: f64,
        a: f64,
        now: f64,
        events: &mut Vec<Event>,
    ) {
        if let Some(tr) = trace.as_mut() {
            tr.push((t, a));
        }
        if let Some(rep) = reps.push(t, a, now) {
            events.push(Event::Rep(rep));
        }
    }
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
