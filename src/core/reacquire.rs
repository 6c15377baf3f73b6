//! Re-acquiring the ankle angle after lost data. Across a gap the gyro
//! cannot say how far the foot turned, so the angle has an unknown offset
//! that only gravity can fix — but while the foot pumps, the accelerometer
//! also feels the sensor's lever arm (r·ω², r·α). The samples after the gap
//! are held back while gravity is read where it is trustworthy: during a
//! still moment, or at the reversal points (ω ≈ 0, so no r·ω²), averaging
//! the toes-up and toes-down reversals so their opposite r·α errors cancel.
//! The offset is then applied to the held-back samples, which are released.

/// Angular speed (deg/s) below which the foot is at a reversal or still.
const REVERSAL_DPS: f64 = 30.0;
/// Still — the angle within this range (deg) — long enough (s) gives the offset directly.
/// A range, not a speed: 6–9 Hz physiological tremor reaches 15°/s within a degree.
const STILL_RANGE_DEG: f64 = 1.2;
const STILL_S: f64 = 0.3;
/// Samples needed at each kind of reversal.
const MIN_PER_SIDE: usize = 2;
/// Give up waiting after this long and use what there is.
const MAX_WAIT_S: f64 = 2.5;

/// One re-acquisition in progress.
#[derive(Debug, Clone)]
pub struct Reacquire {
    started: f64,
    held: Vec<(f64, f64)>,
    /// Gravity − angle of each held sample, where gravity gives an angle.
    diffs: Vec<Option<f64>>,
    /// (angle, gravity − angle) at slow samples.
    slow: Vec<(f64, f64)>,
    /// Gravity − angle over the latest still stretch.
    still: Vec<f64>,
}

impl Reacquire {
    pub fn new(t: f64) -> Self {
        Reacquire { started: t, held: Vec::new(), diffs: Vec::new(), slow: Vec::new(), still: Vec::new() }
    }

    /// Holds one sample: its time, the gyro-carried angle, the angle gravity
    /// gives (if it gives one) and the speed about the axis, all in degrees.
    /// Returns the offset to add once it is known.
    pub fn push(&mut self, t: f64, angle: f64, gravity: Option<f64>, speed_dps: f64) -> Option<f64> {
        self.held.push((t, angle));
        let diff = gravity.map(|g| g - angle);
        self.diffs.push(diff);
        if let Some(off) = self.still_offset(t) {
            return Some(off);
        }
        if speed_dps.abs() < REVERSAL_DPS {
            if let Some(d) = diff {
                self.slow.push((angle, d));
            }
        }
        let waited = t - self.started;
        if waited >= 0.5 {
            if let Some(off) = self.balanced() {
                return Some(off);
            }
        }
        if waited >= MAX_WAIT_S {
            let all: Vec<f64> = self.slow.iter().map(|x| x.1).collect();
            return Some(if all.is_empty() { 0.0 } else { mean(&all) });
        }
        None
    }

    /// The offset from the last [`STILL_S`] if the angle stayed within [`STILL_RANGE_DEG`].
    fn still_offset(&mut self, t: f64) -> Option<f64> {
        if self.held.first().is_none_or(|h| h.0 > t - STILL_S) {
            return None;
        }
        let from = self.held.partition_point(|h| h.0 < t - STILL_S);
        let (lo, hi) =
            self.held[from..].iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(x.1), h.max(x.1)));
        if hi - lo >= STILL_RANGE_DEG {
            self.still.clear();
            return None;
        }
        self.still = self.diffs[from..].iter().flatten().copied().collect();
        (!self.still.is_empty()).then(|| mean(&self.still))
    }

    /// Mean of the high-side and low-side reversal readings, once both are seen.
    fn balanced(&self) -> Option<f64> {
        let (lo, hi) = self.slow.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(x.0), h.max(x.0)));
        if hi - lo < 4.0 {
            return None;
        }
        let mid = 0.5 * (lo + hi);
        let up: Vec<f64> = self.slow.iter().filter(|x| x.0 > mid).map(|x| x.1).collect();
        let down: Vec<f64> = self.slow.iter().filter(|x| x.0 <= mid).map(|x| x.1).collect();
        (up.len() >= MIN_PER_SIDE && down.len() >= MIN_PER_SIDE).then(|| 0.5 * (mean(&up) + mean(&down)))
    }

    /// The held-back samples, (t, angle) before correction.
    pub fn into_held(self) -> Vec<(f64, f64)> {
        self.held
    }

    /// Ends early (more data was lost): the best offset so far and the held samples.
    pub fn finish_now(self) -> (f64, Vec<(f64, f64)>) {
        let off = if !self.still.is_empty() {
            mean(&self.still)
        } else if let Some(b) = self.balanced() {
            b
        } else {
            let all: Vec<f64> = self.slow.iter().map(|x| x.1).collect();
            if all.is_empty() {
                0.0
            } else {
                mean(&all)
            }
        };
        (off, self.held)
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_still_moment_gives_the_offset() {
        let mut r = Reacquire::new(0.0);
        let mut got = None;
        for i in 0..40 {
            let t = i as f64 * 0.01;
            got = got.or(r.push(t, 10.0, Some(13.0), 0.5));
        }
        assert!((got.unwrap() - 3.0).abs() < 1e-9);
    }

    #[test]
    fn pumping_reversals_cancel_the_lever_arm() {
        // The foot pumps between +20 and −40 (true); the gyro angle is 5° low. At
        // the top reversal gravity reads 2° high, at the bottom 2° low (r·α).
        let mut r = Reacquire::new(0.0);
        let mut got = None;
        for i in 0..300 {
            let t = i as f64 * 0.01;
            let phase = t * std::f64::consts::TAU / 1.5;
            let truth = -10.0 + 30.0 * phase.cos();
            let speed = -30.0 * phase.sin() * std::f64::consts::TAU / 1.5;
            let lever = 2.0 * phase.cos();
            if got.is_none() {
                got = r.push(t, truth - 5.0, Some(truth + lever), speed);
            }
        }
        assert!((got.expect("settles within a cycle") - 5.0).abs() < 0.3, "{got:?}");
    }
}
