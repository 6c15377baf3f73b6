//! The person's planning: calibration, sets of reps (discrete or
//! continuous, dorsiflexion or plantarflexion first), rests with relaxing
//! and fidgeting, trailing time. Appends segments to the [`Person`]'s plan.

use rand::Rng;

use super::super::normal;
use super::super::walk::Walk;
use super::{Person, PlannedRep, Segment, Shape, SHIFT_MOVE_S};

/// Still time (s) at neutral after coming back from a walk.
const AFTER_WALK_S: f64 = 4.0;

impl Person {
    fn move_shape(&mut self) -> Shape {
        if self.s.jerky {
            // a wobble of a few degrees at 3–6 Hz: fast jerky pumping peaks near 400°/s and 2 g,
            // as the published p05 does (more is beyond what a foot does: `core::physio`)
            Shape::Jerky { amp: self.rng.random_range(0.03..0.06), cycles: self.rng.random_range(1.5..2.5) }
        } else {
            Shape::Move
        }
    }

    fn move_dur(&mut self) -> f64 {
        self.s.move_s * (1.0 + self.s.tempo_jitter * normal(&mut self.rng)).clamp(0.5, 1.6)
    }

    fn hold_dur(&mut self, base: f64) -> f64 {
        base * (1.0 + self.s.hold_jitter * normal(&mut self.rng)).clamp(0.3, 2.0)
    }

    /// A full move to `to`, then a hold there (skipped when the hold is 0).
    fn move_and_hold(&mut self, to: f64, hold_base: f64) {
        let (dur, shape) = (self.move_dur(), self.move_shape());
        let trem = if hold_base > 0.0 { self.s.tremor_hold_deg } else { self.s.tremor_rest_deg };
        self.push(dur, to, shape, trem);
        let h = self.hold_dur(hold_base);
        self.push_still(h, to, trem);
    }

    /// Peaks (dorsi, plantar), positive degrees, for the next rep.
    fn peaks(&mut self) -> (f64, f64) {
        let done = self.reps.len() % self.total_reps;
        let progress = if self.total_reps > 1 { done as f64 / (self.total_reps - 1) as f64 } else { 0.0 };
        let f = 1.0 - self.s.fatigue * progress;
        let d = (self.s.dorsi_deg + self.s.dorsi_sd * normal(&mut self.rng)).max(0.4 * self.s.dorsi_deg);
        let p = (self.s.plantar_deg + self.s.plantar_sd * normal(&mut self.rng)).max(0.4 * self.s.plantar_deg);
        (d * f, p * f)
    }

    pub(super) fn plan_block(&mut self) {
        let n_sets = self.s.sets.len();
        if !self.s.endless && self.next_set >= n_sets {
            self.push_still(self.s.trailing_s, 0.0, self.s.tremor_rest_deg);
            self.finished = true;
            return;
        }
        if self.next_set > 0 {
            self.plan_rest();
        }
        let n = self.s.sets[self.next_set % n_sets] as usize;
        let dorsi_first = self.reps.is_empty() || !self.s.pf_first;
        if self.s.continuous {
            self.plan_continuous_set(n, dorsi_first);
        } else {
            for _ in 0..n {
                let first = self.reps.is_empty() || !self.s.pf_first;
                self.plan_rep(first);
            }
        }
        self.next_set += 1;
    }

    fn pause(&mut self) {
        let [lo, hi] = self.s.pause_s;
        let d = if hi > lo { self.rng.random_range(lo..=hi) } else { lo };
        self.push_still(d, 0.0, self.s.tremor_rest_deg);
    }

    fn plan_rep(&mut self, dorsi_first: bool) {
        let (d, p) = self.peaks();
        let (a, b, ha, hb) = if dorsi_first {
            (d, -p, self.s.hold_dorsi_s, self.s.hold_plantar_s)
        } else {
            (-p, d, self.s.hold_plantar_s, self.s.hold_dorsi_s)
        };
        let start_s = self.plan_end();
        self.move_and_hold(a, ha);
        self.move_and_hold(b, hb);
        let (dur, shape) = (self.move_dur(), self.move_shape());
        self.push(dur, 0.0, shape, self.s.tremor_rest_deg);
        self.reps.push(PlannedRep { start_s, end_s: self.plan_end(), dorsi_first });
        self.pause();
        self.maybe_walk();
    }

    /// After the scenario's number of reps, once: get up, walk, come back, settle.
    fn maybe_walk(&mut self) {
        let Some(after) = self.s.walk_after_reps else { return };
        if !self.walks.is_empty() || (self.reps.len() as u32) < after {
            return;
        }
        let w = Walk {
            t0: self.plan_end(),
            strides: self.s.walk_strides,
            stride_s: self.s.stride_s,
            impact_g: self.s.heel_strike_g,
        };
        let rest = self.s.tremor_rest_deg;
        self.push_still(w.end() - w.t0 + AFTER_WALK_S, 0.0, rest);
        self.walks.push(w);
    }

    fn plan_continuous_set(&mut self, n: usize, dorsi_first: bool) {
        let mut start_s = self.plan_end();
        for i in 0..n {
            let (d, p) = self.peaks();
            let (a, b, ha, hb) = if dorsi_first {
                (d, -p, self.s.hold_dorsi_s, self.s.hold_plantar_s)
            } else {
                (-p, d, self.s.hold_plantar_s, self.s.hold_dorsi_s)
            };
            self.move_and_hold(a, ha);
            if i > 0 {
                // the move that just ended crossed neutral: the previous rep ends there.
                let cross = self.segs.iter().rev().find(|g| g.shape != Shape::Still).map_or(start_s, crossing);
                if let Some(last) = self.reps.last_mut() {
                    last.end_s = cross;
                }
                start_s = cross;
            }
            self.move_and_hold(b, hb);
            self.reps.push(PlannedRep { start_s, end_s: f64::NAN, dorsi_first });
        }
        let (dur, shape) = (self.move_dur(), self.move_shape());
        self.push(dur, 0.0, shape, self.s.tremor_rest_deg);
        let end = self.plan_end();
        if let Some(last) = self.reps.last_mut() {
            last.end_s = end;
        }
        self.pause();
        self.maybe_walk();
    }

    fn plan_rest(&mut self) {
        let start = self.plan_end();
        let total = self.s.rest_s;
        let end = start + total;
        let rest_amp = self.s.tremor_rest_deg;
        if total >= 8.0 {
            self.push_still(1.0, 0.0, rest_amp);
            let [lo, hi] = self.s.relax_deg;
            let relax = -if hi > lo { self.rng.random_range(lo..=hi) } else { lo };
            let relax_dur = self.rng.random_range(3.0..6.0_f64).min(total - 5.0).max(1.0);
            self.push(relax_dur, relax, Shape::Move, rest_amp);
            let back_at = end - 3.0;
            loop {
                let [flo, fhi] = self.s.fidget_every_s;
                let gap = if fhi > flo { self.rng.random_range(flo..=fhi) } else { flo };
                let (m1, h, m2) =
                    (self.rng.random_range(0.4..0.8), self.rng.random_range(0.3..1.2), self.rng.random_range(0.4..0.8));
                let t = self.plan_end();
                if self.s.fidget_deg <= 0.0 || t + gap + m1 + h + m2 > back_at {
                    self.push_still(back_at - t, relax, rest_amp);
                    break;
                }
                self.push_still(gap, relax, rest_amp);
                let off = self.rng.random_range(-self.s.fidget_deg..=self.s.fidget_deg);
                self.push(m1, relax + off, Shape::Move, rest_amp);
                self.push_still(h, relax + off, rest_amp);
                self.push(m2, relax, Shape::Move, rest_amp);
            }
            self.push(1.5, 0.0, Shape::Move, rest_amp);
            let t = self.plan_end();
            self.push_still(end - t, 0.0, rest_amp);
        } else {
            self.push_still(total, 0.0, rest_amp);
        }
        self.rests.push([start, end]);
        if self.rests.len() == 1 {
            self.set_shift(start + 0.5 * total - 0.5 * SHIFT_MOVE_S);
        }
    }
}

/// Where a move between peaks of opposite sign crosses neutral (plan, no tremor).
fn crossing(g: &Segment) -> f64 {
    let (mut lo, mut hi) = (g.t0, g.t1);
    let up = g.to > g.from;
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if (g.base(mid) < 0.0) == up {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}
