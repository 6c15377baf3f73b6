//! The simulated person: a motion plan (calibration pose, sets of reps,
//! rests with relaxing and fidgeting, trailing time) made of segments, and
//! the exact ankle angle and leg shift it produces at any time. Moves are
//! minimum-jerk (optionally jerky); a band-limited tremor (a sum of
//! sinusoids below `tremor_fc_hz` whose typical peak is the rest or hold
//! amplitude) rides on top. Everything is a pure function of time once
//! planned, so the body model can differentiate it.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::rng_for;
use super::scenario::Scenario;
use super::walk::Walk;

mod plan;

/// Minimum-jerk position profile on τ ∈ [0, 1].
pub fn min_jerk(tau: f64) -> f64 {
    let t = tau.clamp(0.0, 1.0);
    t * t * t * (10.0 - 15.0 * t + 6.0 * t * t)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Still,
    Move,
    /// Minimum-jerk plus a wobble of `amp` (share of the move) with `cycles` oscillations.
    Jerky {
        amp: f64,
        cycles: f64,
    },
}

/// One piece of the plan: the angle goes `from` → `to` over [t0, t1].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    t0: f64,
    t1: f64,
    from: f64,
    to: f64,
    shape: Shape,
    trem0: f64,
    trem1: f64,
}

impl Segment {
    fn progress(&self, t: f64) -> f64 {
        if self.t1 <= self.t0 {
            1.0
        } else {
            (t - self.t0) / (self.t1 - self.t0)
        }
    }
    fn base(&self, t: f64) -> f64 {
        let tau = self.progress(t).clamp(0.0, 1.0);
        let s = match self.shape {
            Shape::Still => 0.0,
            Shape::Move => min_jerk(tau),
            Shape::Jerky { amp, cycles } => {
                let env = (std::f64::consts::PI * tau).sin();
                min_jerk(tau) + amp * (2.0 * std::f64::consts::PI * cycles * tau).sin() * env * env
            }
        };
        self.from + (self.to - self.from) * s
    }
    fn tremor_amp(&self, t: f64) -> f64 {
        self.trem0 + (self.trem1 - self.trem0) * min_jerk(self.progress(t))
    }
}

/// One rep as planned: the contract's span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedRep {
    pub start_s: f64,
    pub end_s: f64,
    pub dorsi_first: bool,
}

/// Band-limited noise as a sum of sinusoids, scaled so that a tremor amplitude is its typical peak:
/// RMS 0.4, rarely beyond ±1.
#[derive(Debug, Clone)]
struct Tremor {
    comps: Vec<(f64, f64, f64)>,
}

impl Tremor {
    fn new(rng: &mut ChaCha8Rng, fc_hz: f64) -> Self {
        const K: usize = 8;
        let amp = TREMOR_RMS * (2.0 / K as f64).sqrt();
        let comps = (0..K)
            .map(|_| {
                let f = rng.random_range(0.15 * fc_hz..=fc_hz);
                (amp, 2.0 * std::f64::consts::PI * f, rng.random_range(0.0..std::f64::consts::TAU))
            })
            .collect();
        Tremor { comps }
    }
    fn value(&self, t: f64) -> f64 {
        self.comps.iter().map(|(a, w, p)| a * (w * t + p).sin()).sum()
    }
}

/// The person and the motion plan, extended block by block.
#[derive(Debug, Clone)]
pub struct Person {
    s: Scenario,
    rng: ChaCha8Rng,
    tremor: Tremor,
    segs: Vec<Segment>,
    reps: Vec<PlannedRep>,
    rests: Vec<[f64; 2]>,
    /// Leg shift: (start, end, degrees).
    shift: Option<(f64, f64, f64)>,
    /// Times the person got up and walked.
    walks: Vec<Walk>,
    next_set: usize,
    total_reps: usize,
    finished: bool,
}

/// RMS of the tremor relative to its nominal amplitude (`tremor_*_deg` is a typical peak).
const TREMOR_RMS: f64 = 0.4;
/// Seconds the knee takes to shift the leg.
const SHIFT_MOVE_S: f64 = 1.5;

impl Person {
    pub fn new(s: &Scenario) -> Self {
        let mut rng = rng_for(s.seed, 1);
        let tremor = Tremor::new(&mut rng, s.tremor_fc_hz);
        let total_reps = s.sets.iter().map(|&n| n as usize).sum::<usize>().max(1);
        let mut p = Person {
            s: s.clone(),
            rng,
            tremor,
            segs: Vec::new(),
            reps: Vec::new(),
            rests: Vec::new(),
            shift: None,
            walks: Vec::new(),
            next_set: 0,
            total_reps,
            finished: false,
        };
        p.push_still(s.calib_s, 0.0, s.tremor_rest_deg);
        if let Some(t) = s.shank_shift_t {
            p.set_shift(t);
        }
        if !s.endless {
            while !p.finished {
                p.plan_block();
            }
        }
        p
    }

    /// Plans ahead so that the plan covers `t` (endless mode; a fixed plan is complete from the start).
    pub fn ensure_planned(&mut self, t: f64) {
        while !self.finished && self.plan_end() < t + 30.0 {
            self.plan_block();
        }
    }

    /// End of the plan (in endless mode: of what is planned so far).
    pub fn plan_end(&self) -> f64 {
        self.segs.last().map_or(0.0, |g| g.t1)
    }

    /// True when the plan will not grow any more.
    pub fn is_fixed(&self) -> bool {
        self.finished
    }

    pub fn reps(&self) -> &[PlannedRep] {
        &self.reps
    }

    /// Rest windows [start, end].
    pub fn rests(&self) -> &[[f64; 2]] {
        &self.rests
    }

    /// The leg shift window and size, if any.
    pub fn shift(&self) -> Option<(f64, f64, f64)> {
        self.shift
    }

    /// Ankle angle (deg, dorsiflexion positive) at time `t`.
    pub fn angle_deg(&self, t: f64) -> f64 {
        match self.segment_at(t) {
            Some(g) => g.base(t) + g.tremor_amp(t) * self.tremor.value(t),
            None => 0.0,
        }
    }

    /// Ankle angle without tremor.
    pub fn planned_angle_deg(&self, t: f64) -> f64 {
        self.segment_at(t).map_or(0.0, |g| g.base(t))
    }

    /// The walks (getting up, walking, coming back).
    pub fn walks(&self) -> &[Walk] {
        &self.walks
    }

    /// The walk under way at `t`, if any.
    pub fn walk_at(&self, t: f64) -> Option<&Walk> {
        self.walks.iter().find(|w| (w.t0..=w.end()).contains(&t))
    }

    /// How far the whole leg has rotated about the knee at `t` (deg).
    pub fn shift_deg(&self, t: f64) -> f64 {
        match self.shift {
            Some((t0, t1, deg)) => deg * min_jerk((t - t0) / (t1 - t0)),
            None => 0.0,
        }
    }

    fn segment_at(&self, t: f64) -> Option<&Segment> {
        let i = self.segs.partition_point(|g| g.t1 < t);
        self.segs.get(i).or(self.segs.last())
    }

    fn set_shift(&mut self, t: f64) {
        if self.s.shank_shift_deg != 0.0 && self.shift.is_none() {
            self.shift = Some((t, t + SHIFT_MOVE_S, self.s.shank_shift_deg));
        }
    }

    fn push(&mut self, dur: f64, to: f64, shape: Shape, trem1: f64) {
        let (t0, from, trem0) = self.segs.last().map_or((0.0, 0.0, trem1), |g| (g.t1, g.to, g.trem1));
        self.segs.push(Segment { t0, t1: t0 + dur.max(0.0), from, to, shape, trem0, trem1 });
    }

    fn push_still(&mut self, dur: f64, at: f64, trem: f64) {
        if dur > 0.0 {
            let t0 = self.plan_end();
            self.segs.push(Segment {
                t0,
                t1: t0 + dur,
                from: at,
                to: at,
                shape: Shape::Still,
                trem0: trem,
                trem1: trem,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario { sets: vec![3, 3], rest_s: 30.0, ..Scenario::default() }
    }

    #[test]
    fn still_at_neutral_during_calibration_then_dorsiflexion_first() {
        for pf_first in [false, true] {
            let s = Scenario { pf_first, ..scenario() };
            let p = Person::new(&s);
            for k in 0..(s.calib_s * 50.0) as usize {
                assert!(p.angle_deg(k as f64 / 50.0).abs() < 4.0 * s.tremor_rest_deg);
            }
            let r0 = p.reps()[0];
            assert!(r0.dorsi_first);
            assert!((r0.start_s - s.calib_s).abs() < 1e-9);
            // the first clear excursion after calibration is upward
            let t = (0..2000).map(|k| s.calib_s + k as f64 * 0.01).find(|&t| p.planned_angle_deg(t).abs() > 3.0);
            assert!(p.planned_angle_deg(t.unwrap()) > 0.0);
            if pf_first {
                assert!(p.reps()[1..].iter().all(|r| !r.dorsi_first));
            }
        }
    }

    #[test]
    fn plan_has_the_sets_the_rest_and_reaches_the_amplitudes() {
        let s = scenario();
        let p = Person::new(&s);
        assert_eq!(p.reps().len(), 6);
        assert_eq!(p.rests().len(), 1);
        let [r0, r1] = p.rests()[0];
        assert!((r1 - r0 - s.rest_s).abs() < 1e-9);
        // the relaxed foot sits in plantarflexion in mid-rest, and no rep lies inside the rest
        assert!(p.planned_angle_deg(0.5 * (r0 + r1)) <= -s.relax_deg[0] + s.fidget_deg);
        assert!(p.reps().iter().all(|r| r.end_s <= r0 + 1e-9 || r.start_s >= r1 - 1e-9));
        for r in p.reps() {
            let n = ((r.end_s - r.start_s) * 100.0) as usize;
            let ang: Vec<f64> = (0..=n).map(|k| p.planned_angle_deg(r.start_s + k as f64 * 0.01)).collect();
            let hi = ang.iter().cloned().fold(f64::MIN, f64::max);
            let lo = ang.iter().cloned().fold(f64::MAX, f64::min);
            assert!(hi > 0.4 * s.dorsi_deg && hi < 2.0 * s.dorsi_deg, "{hi}");
            assert!(-lo > 0.4 * s.plantar_deg && -lo < 2.0 * s.plantar_deg, "{lo}");
        }
    }

    #[test]
    fn continuous_reps_abut_at_upward_neutral_crossings() {
        let s = Scenario { continuous: true, sets: vec![5], hold_dorsi_s: 0.0, hold_plantar_s: 0.0, ..scenario() };
        let p = Person::new(&s);
        let reps = p.reps();
        assert_eq!(reps.len(), 5);
        for w in reps.windows(2) {
            assert_eq!(w[0].end_s, w[1].start_s);
            let t = w[0].end_s;
            assert!(p.planned_angle_deg(t).abs() < 1e-6);
            assert!(p.planned_angle_deg(t + 0.02) > p.planned_angle_deg(t - 0.02), "rises through neutral");
        }
    }

    #[test]
    fn leg_shift_happens_in_the_rest_and_stays() {
        let s = Scenario { shank_shift_deg: 8.0, ..scenario() };
        let p = Person::new(&s);
        let (t0, t1, deg) = p.shift().unwrap();
        let [r0, r1] = p.rests()[0];
        assert!(t0 > r0 && t1 < r1 && deg == 8.0);
        assert_eq!(p.shift_deg(t0 - 1.0), 0.0);
        assert_eq!(p.shift_deg(p.plan_end()), 8.0);
    }

    #[test]
    fn endless_plans_keep_coming() {
        let s = Scenario { endless: true, ..scenario() };
        let mut p = Person::new(&s);
        p.ensure_planned(600.0);
        assert!(p.plan_end() >= 600.0);
        assert!(p.reps().len() > 20);
    }
}
