//! The calibration pose: the foot held still at neutral before the first
//! movement. Collects samples until the foot starts to move, then returns
//! the gyro bias and the gravity direction of the pose (angle 0). A pose
//! shorter than the minimum is discarded and collection starts again.

use nalgebra::Vector3;

/// One calibrated sample: timeline seconds, gyro (rad/s), accel (g).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImuSample {
    pub t: f64,
    pub gyro: Vector3<f64>,
    pub accel: Vector3<f64>,
    /// Seconds since the previous sample (larger after lost samples).
    pub dt: f64,
}

/// What the pose gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub gyro_bias: Vector3<f64>,
    pub gravity: Vector3<f64>,
    /// Timeline seconds where the still pose ended (motion began).
    pub end_t: f64,
    /// Seconds of stillness used.
    pub still_s: f64,
}

/// Seconds of stillness that make a calibration (the app asks for 2–3 s).
pub const CALIB_READY_S: f64 = 2.0;
/// Shortest still pose accepted when motion starts early.
pub const CALIB_MIN_S: f64 = 1.0;
/// Rotation away from the pose's mean orientation (rad) that counts as movement:
/// well above rest tremor (~0.3°), well below the smallest post-operative move.
const ONSET_RAD: f64 = 1.5 * std::f64::consts::PI / 180.0;
/// The pose ends where the rotation was last this small (rad).
const QUIET_RAD: f64 = 0.4 * std::f64::consts::PI / 180.0;
/// The pose's mean rate is taken from samples at least this long before the onset.
const PRE_ONSET_S: f64 = 1.0;
/// Rates below this (rad/s) are rest, whatever the tremor.
const REST_RATE_RAD_S: f64 = 4.0 * std::f64::consts::PI / 180.0;
/// A sudden rate this far from the pose's mean (rad/s) is movement at once.
const JOLT_RAD_S: f64 = 0.8;
/// A gap (s) across which gravity is compared, and the turn (rad) that is movement.
const GAP_S: f64 = 0.1;
const GAP_MOVE_RAD: f64 = 3.0 * std::f64::consts::PI / 180.0;
/// The bias is averaged over at most this much of the pose.
const WINDOW_S: f64 = 4.0;

/// Streaming calibration.
#[derive(Debug, Clone, Default)]
pub struct Calibrator {
    buf: Vec<ImuSample>,
    gyro_sum: Vector3<f64>,
    ready_reported: bool,
}

/// Result of feeding one sample.
#[derive(Debug, Clone, PartialEq)]
pub enum CalibStep {
    /// Still collecting; the bool is true on the sample where the pose first lasted long enough.
    Collecting { still_s: f64, just_ready: bool },
    /// The foot moved before the pose was long enough: start again.
    Restarted,
    /// Done; the buffered samples from the end of the pose on are handed back for replay.
    Done(Calibration, Vec<ImuSample>),
}

impl Calibrator {
    pub fn still_s(&self) -> f64 {
        match (self.buf.first(), self.buf.last()) {
            (Some(a), Some(b)) => b.t - a.t,
            _ => 0.0,
        }
    }

    pub fn push(&mut self, s: ImuSample) -> CalibStep {
        // A gap in the data (loss) longer than a second breaks the pose.
        if s.dt > 1.0 {
            self.reset();
        }
        // Lost samples, and gravity turned meanwhile: the foot moved while nothing arrived.
        if s.dt > GAP_S && !self.buf.is_empty() {
            let g = self.buf.iter().map(|x| x.accel).sum::<Vector3<f64>>();
            if g.angle(&s.accel) > GAP_MOVE_RAD {
                let end_t = self.buf[self.buf.len() - 1].t;
                return self.finish(end_t, s);
            }
        }
        if !self.buf.is_empty() && (s.gyro - self.gyro_sum / self.buf.len() as f64).norm() > JOLT_RAD_S {
            return self.onset_at(s);
        }
        self.gyro_sum += s.gyro;
        self.buf.push(s);
        if self.buf.len() >= 8 {
            // The rate's mean (the bias) comes from samples at least a second old, so a
            // slow move in progress is not mistaken for bias.
            let older = self.buf.iter().position(|x| x.t > s.t - PRE_ONSET_S).unwrap_or(self.buf.len());
            let upto = if older >= self.buf.len() / 4 { older } else { self.buf.len() };
            let (dev, _) = self.deviations(upto);
            if dev.last().is_some_and(|d| d.norm() > ONSET_RAD) {
                self.buf.pop();
                self.gyro_sum -= s.gyro;
                return self.onset_at(s);
            }
        }
        // Bound the buffer: keep the latest window only.
        if self.still_s() > WINDOW_S + 1.0 {
            let cut = self.buf.iter().position(|x| x.t >= s.t - WINDOW_S).unwrap_or(0);
            for x in self.buf.drain(..cut) {
                self.gyro_sum -= x.gyro;
            }
        }
        let still_s = self.still_s();
        let just_ready = !self.ready_reported && still_s >= CALIB_READY_S;
        self.ready_reported |= just_ready;
        CalibStep::Collecting { still_s, just_ready }
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.gyro_sum = Vector3::zeros();
        self.ready_reported = false;
    }

    /// Orientation of each buffered sample relative to the mean orientation of
    /// the first `upto` samples, integrating the rate minus those samples'
    /// mean rate (small angles), and that mean rate.
    fn deviations(&self, upto: usize) -> (Vec<Vector3<f64>>, Vector3<f64>) {
        let upto = upto.clamp(1, self.buf.len());
        let mean = self.buf[..upto].iter().map(|x| x.gyro).sum::<Vector3<f64>>() / upto as f64;
        let mut acc = Vector3::zeros();
        let cum: Vec<Vector3<f64>> = self
            .buf
            .iter()
            .map(|x| {
                acc += (x.gyro - mean) * x.dt.min(0.1);
                acc
            })
            .collect();
        let centre = cum[..upto].iter().sum::<Vector3<f64>>() / upto as f64;
        (cum.iter().map(|c| c - centre).collect(), mean)
    }

    /// Where the pose ended, judged from samples well before the onset: the
    /// earlier of (a) the start of the monotone rise of the rotation along the
    /// movement's direction and (b) the last sample whose rate was at rest level.
    fn pose_end(&self, t_on: f64) -> usize {
        let upto = self.buf.iter().position(|x| x.t > t_on - PRE_ONSET_S).unwrap_or(self.buf.len());
        let upto = upto.max(self.buf.len() / 2).max(1);
        let (dev, mean) = self.deviations(upto);
        let Some(last) = dev.last() else { return 0 };
        let u = last.try_normalize(1e-12).unwrap_or_else(Vector3::x);
        let along: Vec<f64> = dev.iter().map(|d| d.dot(&u)).collect();
        let mut i = along.iter().rposition(|a| *a < QUIET_RAD).unwrap_or(0);
        while i > 0 && along[i - 1] < along[i] {
            i -= 1;
        }
        let rates: Vec<f64> = self.buf.iter().map(|x| (x.gyro - mean).norm()).collect();
        let rms = (rates[..upto].iter().map(|r| r * r).sum::<f64>() / upto as f64).sqrt();
        let rest = (3.0 * rms).max(REST_RATE_RAD_S);
        let j = rates.iter().rposition(|r| *r < rest).unwrap_or(0);
        i.min(j)
    }

    fn onset_at(&mut self, s: ImuSample) -> CalibStep {
        let end_t = self.buf[self.pose_end(s.t)].t;
        self.finish(end_t, s)
    }

    fn finish(&mut self, end_t: f64, s: ImuSample) -> CalibStep {
        let used: Vec<&ImuSample> = self.buf.iter().filter(|x| x.t <= end_t).collect();
        let span = match (used.first(), used.last()) {
            (Some(a), Some(b)) => b.t - a.t,
            _ => 0.0,
        };
        if span < CALIB_MIN_S {
            self.reset();
            return CalibStep::Restarted;
        }
        let n = used.len() as f64;
        let gyro_bias = used.iter().map(|x| x.gyro).sum::<Vector3<f64>>() / n;
        let gravity = used.iter().map(|x| x.accel).sum::<Vector3<f64>>() / n;
        let mut replay: Vec<ImuSample> = self.buf.iter().filter(|x| x.t > end_t).copied().collect();
        replay.push(s);
        let cal = Calibration { gyro_bias, gravity, end_t, still_s: span };
        self.reset();
        CalibStep::Done(cal, replay)
    }
}
