//! The second generator's motion model, written apart from `core::sim`:
//! strokes with raised-cosine, skewed (fast-start or slow-start) and
//! rippled (jerky) profiles instead of minimum-jerk; fatigue that decays
//! the range exponentially within each set and slows the tempo; 6–9 Hz
//! physiological tremor plus a slow sway during holds; rests in which the
//! foot sags and fidgets; a whole-leg shift about a knee axis that is not
//! quite the ankle's. The reps' spans follow the contract.

use std::f64::consts::PI;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// How one stroke moves from its start to its end (s ∈ [0, 1] → [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Profile {
    Cosine,
    /// Raised cosine of s^k: k < 1 starts fast and creeps in, k > 1 starts slow.
    Skewed(f64),
    /// Raised cosine with a ripple of `amp` (share of the stroke) and `cycles` wobbles.
    Ripple {
        amp: f64,
        cycles: f64,
    },
}

impl Profile {
    fn at(self, s: f64) -> f64 {
        let s = s.clamp(0.0, 1.0);
        let cos = |x: f64| 0.5 - 0.5 * (PI * x).cos();
        match self {
            Profile::Cosine => cos(s),
            Profile::Skewed(k) => cos(s.powf(k)),
            Profile::Ripple { amp, cycles } => cos(s) + amp * (2.0 * PI * cycles * s).sin() * (PI * s).sin().powi(2),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Stroke {
    t0: f64,
    t1: f64,
    from: f64,
    to: f64,
    profile: Profile,
    /// Slow sway (deg) riding on a hold.
    sway: f64,
}

/// What the person does.
#[derive(Debug, Clone)]
pub(crate) struct MotionSpec {
    pub calib_s: f64,
    pub sets: Vec<u32>,
    pub rest_s: f64,
    pub dorsi: f64,
    pub plantar: f64,
    /// Relative spread of each rep's peaks.
    pub spread: f64,
    pub move_s: f64,
    pub hold_s: (f64, f64),
    pub pause_s: (f64, f64),
    pub continuous: bool,
    pub jerky: bool,
    pub pf_first: bool,
    /// Share of the range lost within a set (exponential, time constant a third of the set).
    pub fatigue: f64,
    /// Peak amplitude (deg) of the 6–9 Hz tremor.
    pub tremor: f64,
    /// How far the foot sags during a rest (deg).
    pub sag: f64,
    /// The whole leg turns this much (deg) about the knee during the first rest.
    pub leg_shift: f64,
    pub trailing_s: f64,
}

/// The planned motion, as pure functions of time.
#[derive(Debug, Clone)]
pub(super) struct Motion {
    strokes: Vec<Stroke>,
    tremor: Vec<(f64, f64, f64)>,
    /// True rep spans.
    pub reps: Vec<(f64, f64)>,
    pub rests: Vec<(f64, f64)>,
    /// Leg shift: (start, end, degrees).
    pub shift: Option<(f64, f64, f64)>,
    pub end: f64,
}

struct Builder<'a> {
    spec: &'a MotionSpec,
    rng: &'a mut ChaCha8Rng,
    strokes: Vec<Stroke>,
    reps: Vec<(f64, f64)>,
    rests: Vec<(f64, f64)>,
}

impl Builder<'_> {
    fn now(&self) -> (f64, f64) {
        self.strokes.last().map_or((0.0, 0.0), |s| (s.t1, s.to))
    }
    fn go(&mut self, dur: f64, to: f64, profile: Profile) {
        let (t0, from) = self.now();
        self.strokes.push(Stroke { t0, t1: t0 + dur.max(0.02), from, to, profile, sway: 0.0 });
    }
    fn stay(&mut self, dur: f64, sway: f64) {
        let (t0, at) = self.now();
        if dur > 0.0 {
            self.strokes.push(Stroke { t0, t1: t0 + dur, from: at, to: at, profile: Profile::Cosine, sway });
        }
    }
    fn profile(&mut self) -> Profile {
        if self.spec.jerky {
            Profile::Ripple { amp: self.rng.random_range(0.03..0.06), cycles: self.rng.random_range(1.5..2.5) }
        } else {
            match self.rng.random_range(0..3) {
                0 => Profile::Cosine,
                1 => Profile::Skewed(self.rng.random_range(0.6..0.85)),
                _ => Profile::Skewed(self.rng.random_range(1.2..1.6)),
            }
        }
    }
    /// Peaks of rep `k` of a set of `n` (fatigue), and its tempo factor.
    fn peaks(&mut self, k: usize, n: usize) -> (f64, f64, f64) {
        let s = self.spec;
        let tired = s.fatigue * (1.0 - (-(k as f64) / (n as f64 / 3.0).max(1.0)).exp());
        let mut jit = |x: f64| x * (1.0 + s.spread * self.rng.random_range(-1.0..1.0));
        let d = jit(s.dorsi) * (1.0 - tired);
        let p = jit(s.plantar) * (1.0 - tired);
        (d.max(0.5 * s.dorsi), p.max(0.5 * s.plantar), 1.0 + 0.5 * tired)
    }
    fn dur(&mut self, base: f64) -> f64 {
        base * self.rng.random_range(0.8..1.25)
    }
    fn set(&mut self, n: usize, first_set: bool) {
        let s = self.spec;
        let mut start = self.now().0;
        for k in 0..n {
            let (d, p, slow) = self.peaks(k, n);
            let pf = s.pf_first && !s.continuous && !(first_set && k == 0);
            let (a, b, ha, hb) = if pf { (-p, d, s.hold_s.1, s.hold_s.0) } else { (d, -p, s.hold_s.0, s.hold_s.1) };
            if !s.continuous {
                start = self.now().0;
            }
            let (m1, prof) = (self.dur(s.move_s * slow), self.profile());
            self.go(m1, a, prof);
            if s.continuous && k > 0 {
                // The stroke that just ended rose through neutral: the previous rep ended there.
                let cross = self.strokes.last().map_or(start, crossing);
                if let Some(r) = self.reps.last_mut() {
                    r.1 = cross;
                }
                start = cross;
            }
            let h = self.dur(ha);
            self.stay(h, 0.4);
            let (m2, prof) = (self.dur(s.move_s * slow * 1.6), self.profile());
            self.go(m2, b, prof);
            let h = self.dur(hb);
            self.stay(h, 0.4);
            if !s.continuous {
                let (m3, prof) = (self.dur(s.move_s * slow), self.profile());
                self.go(m3, 0.0, prof);
                self.reps.push((start, self.now().0));
                let pause = self.rng.random_range(s.pause_s.0..=s.pause_s.1);
                self.stay(pause, 0.0);
            } else {
                self.reps.push((start, f64::NAN));
            }
        }
        if s.continuous {
            let (m3, prof) = (self.dur(s.move_s), self.profile());
            self.go(m3, 0.0, prof);
            let end = self.now().0;
            if let Some(r) = self.reps.last_mut() {
                r.1 = end;
            }
            self.stay(self.spec.pause_s.1, 0.0);
        }
    }
    fn rest(&mut self) {
        let s = self.spec;
        let t0 = self.now().0;
        let sag = -s.sag * self.rng.random_range(0.7..1.0);
        self.stay(1.0, 0.0);
        let d = self.rng.random_range(3.0..6.0);
        self.go(d, sag, Profile::Skewed(0.7));
        while self.now().0 < t0 + s.rest_s - 6.0 {
            let gap = self.rng.random_range(2.0..8.0);
            self.stay(gap, 0.3);
            let f = sag + self.rng.random_range(-2.0..2.0);
            let (d1, d2) = (self.rng.random_range(0.4..0.9), self.rng.random_range(0.4..0.9));
            self.go(d1, f, Profile::Cosine);
            self.go(d2, sag, Profile::Cosine);
        }
        self.go(2.0, 0.0, Profile::Cosine);
        let left = t0 + s.rest_s - self.now().0;
        self.stay(left.max(1.0), 0.0);
        self.rests.push((t0, self.now().0));
    }
}

/// Where a stroke between peaks of opposite sign crosses neutral.
fn crossing(s: &Stroke) -> f64 {
    let (mut lo, mut hi) = (s.t0, s.t1);
    let up = s.to > s.from;
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        let v = s.from + (s.to - s.from) * s.profile.at((mid - s.t0) / (s.t1 - s.t0));
        if (v < 0.0) == up {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl Motion {
    pub(super) fn plan(spec: &MotionSpec, rng: &mut ChaCha8Rng) -> Motion {
        let mut b = Builder { spec, rng, strokes: Vec::new(), reps: Vec::new(), rests: Vec::new() };
        b.stay(spec.calib_s, 0.0);
        for (i, &n) in spec.sets.iter().enumerate() {
            if i > 0 {
                b.rest();
            }
            b.set(n as usize, i == 0);
        }
        b.stay(spec.trailing_s, 0.0);
        let shift = (spec.leg_shift != 0.0)
            .then(|| b.rests.first().map(|&(a, z)| (0.5 * (a + z) - 1.0, 0.5 * (a + z) + 1.0, spec.leg_shift)))
            .flatten();
        let tremor = (0..4)
            .map(|_| (spec.tremor * 0.35, 2.0 * PI * b.rng.random_range(6.0..9.0), b.rng.random_range(0.0..2.0 * PI)))
            .collect();
        let end = b.now().0;
        Motion { strokes: b.strokes, tremor, reps: b.reps, rests: b.rests, shift, end }
    }

    /// Ankle angle (deg, toes up positive) at `t`.
    pub(super) fn angle(&self, t: f64) -> f64 {
        let i = self.strokes.partition_point(|s| s.t1 < t).min(self.strokes.len().saturating_sub(1));
        let Some(s) = self.strokes.get(i) else { return 0.0 };
        let x = ((t - s.t0) / (s.t1 - s.t0)).clamp(0.0, 1.0);
        let base = s.from + (s.to - s.from) * s.profile.at(x);
        let sway = s.sway * (2.0 * PI * 0.45 * t).sin() * (PI * x).sin();
        let tremor: f64 = self.tremor.iter().map(|(a, w, p)| a * (w * t + p).sin()).sum();
        base + sway + tremor
    }

    /// How far (deg) the whole leg has turned about the knee at `t`.
    pub(super) fn shift_deg(&self, t: f64) -> f64 {
        match self.shift {
            Some((a, z, deg)) => deg * Profile::Cosine.at((t - a) / (z - a)),
            None => 0.0,
        }
    }
}
