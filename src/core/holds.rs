//! A bounded history of the ankle angle, and the hold measure of the
//! contract: the contiguous time around an excursion's extreme during which
//! the angle stayed within 2° of it (tremor included), with the boundaries
//! interpolated between samples.

use std::collections::VecDeque;

/// Degrees from the extreme that still count as holding.
pub const HOLD_BAND_DEG: f64 = 2.0;

/// The last `span_s` seconds of (t, angle).
#[derive(Debug, Clone)]
pub struct History {
    span_s: f64,
    buf: VecDeque<(f64, f64)>,
    /// Times of samples that were not sure (angle re-acquired after a gap).
    unsure: VecDeque<f64>,
}

impl History {
    pub fn new(span_s: f64) -> Self {
        History { span_s, buf: VecDeque::new(), unsure: VecDeque::new() }
    }

    pub fn push(&mut self, t: f64, a: f64, sure: bool) {
        self.buf.push_back((t, a));
        if !sure {
            self.unsure.push_back(t);
        }
        while self.buf.front().is_some_and(|&(t0, _)| t - t0 > self.span_s) {
            self.buf.pop_front();
        }
        while self.unsure.front().is_some_and(|&t0| t - t0 > self.span_s) {
            self.unsure.pop_front();
        }
    }

    fn is_sure(&self, t: f64) -> bool {
        self.unsure.binary_search_by(|x| x.total_cmp(&t)).is_err()
    }

    /// Mean angle over the last `window_s`.
    pub fn mean(&self, window_s: f64) -> f64 {
        let Some(&(t, _)) = self.buf.back() else { return 0.0 };
        let (sum, n) = self
            .buf
            .iter()
            .rev()
            .take_while(|&&(ti, _)| t - ti <= window_s)
            .fold((0.0, 0usize), |(s, n), &(_, a)| (s + a, n + 1));
        sum / n.max(1) as f64
    }

    /// Index of the latest sample at or before `t`.
    fn index_at(&self, t: f64) -> Option<usize> {
        let i = self.buf.partition_point(|&(ti, _)| ti <= t);
        i.checked_sub(1)
    }

    /// Largest distance of any sample in the last `window_s` from the latest one.
    pub fn net_move(&self, window_s: f64) -> f64 {
        let Some(&(t, a)) = self.buf.back() else { return 0.0 };
        if self.buf.front().is_some_and(|&(t0, _)| t - t0 < window_s) {
            return f64::INFINITY;
        }
        self.buf
            .iter()
            .rev()
            .take_while(|&&(ti, _)| t - ti <= window_s)
            .map(|&(_, x)| (x - a).abs())
            .fold(0.0, f64::max)
    }

    /// Mean angular speed (deg/s) over the last `window_s`.
    pub fn speed(&self, window_s: f64) -> f64 {
        let Some(&(t, a)) = self.buf.back() else { return 0.0 };
        let Some(i) = self.index_at(t - window_s) else { return 0.0 };
        let (t0, a0) = self.buf[i];
        if t - t0 <= 0.0 {
            0.0
        } else {
            (a - a0) / (t - t0)
        }
    }
}

/// Contiguous seconds within [`HOLD_BAND_DEG`] of `peak` around `peak_t`.
pub fn hold_around(h: &History, peak_t: f64, peak: f64) -> f64 {
    let Some(k) = h.index_at(peak_t) else { return 0.0 };
    let buf = &h.buf;
    // Unsure samples neither break nor end a hold: the hold bridges them.
    let inside = |i: usize| (buf[i].1 - peak).abs() <= HOLD_BAND_DEG || !h.is_sure(buf[i].0);
    // Time where the line between samples i (inside) and j (outside) leaves the band.
    let cross = |i: usize, j: usize| {
        let (ti, ai) = buf[i];
        let (tj, aj) = buf[j];
        let target = if aj > peak { peak + HOLD_BAND_DEG } else { peak - HOLD_BAND_DEG };
        let f = if (aj - ai).abs() > 1e-12 { ((target - ai) / (aj - ai)).clamp(0.0, 1.0) } else { 0.0 };
        ti + f * (tj - ti)
    };
    let mut l = k;
    while l > 0 && inside(l - 1) {
        l -= 1;
    }
    let left = if l > 0 { cross(l, l - 1) } else { buf[l].0 };
    let mut r = k;
    while r + 1 < buf.len() && inside(r + 1) {
        r += 1;
    }
    let right = if r + 1 < buf.len() { cross(r, r + 1) } else { buf[r].0 };
    (right - left).max(0.0)
}
