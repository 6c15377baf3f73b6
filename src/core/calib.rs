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
/// Deviation from the pose's mean rate (rad/s) that counts as movement.
const ONSET_RAD_S: f64 = 0.30;
/// Samples right before the onset are left out (the move is already starting).
const ONSET_GUARD_S: f64 = 0.25;
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
        if !self.buf.is_empty() {
            let mean = self.gyro_sum / self.buf.len() as f64;
            if (s.gyro - mean).norm() > ONSET_RAD_S {
                return self.onset(s);
            }
        }
        self.gyro_sum += s.gyro;
        self.buf.push(s);
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

    fn onset(&mut self, s: ImuSample) -> CalibStep {
        let end_t = s.t - ONSET_GUARD_S;
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
