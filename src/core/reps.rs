//! Streaming rep detection on the ankle angle. A rep is one dorsiflexion
//! and one plantarflexion excursion (either order), from leaving neutral to
//! returning — or, when pumping continuously, to rising through neutral
//! again. Zone thresholds adapt to the person's own range so fidgets stay
//! below them for a full range and post-operative ranges stay above them;
//! a one-sided excursion (the foot relaxing into plantarflexion during a
//! rest) never pairs with the next set's first move, and a foot that rests
//! toes up and then moves on further up is starting from a new neutral.
//! Each rep is emitted as soon as it ends, with its peaks and holds.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::holds::{hold_around, History};
use super::notpump::Reason;
use super::physio::{plausible_peaks, DORSI_LIMIT_DEG, PLANTAR_LIMIT_DEG};

/// One repetition, as in the analysis contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rep {
    pub start_s: f64,
    pub end_s: f64,
    pub peak_dorsi_deg: f64,
    pub peak_plantar_deg: f64,
    pub rom_deg: f64,
    pub hold_dorsi_s: f64,
    pub hold_plantar_s: f64,
    pub detected_s: f64,
}

/// Where the foot is in a pump, for the cue screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Phase {
    #[default]
    Neutral,
    MovingUp,
    HoldingUp,
    MovingDown,
    HoldingDown,
}

/// Live values for the cue screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveState {
    pub calibrating: bool,
    pub calibration_still_s: f64,
    pub angle_deg: f64,
    pub phase: Phase,
    /// Seconds in the current hold (0 when not holding).
    pub hold_s: f64,
    pub reps: u32,
    /// Timeline seconds of the latest angle sample.
    pub t_s: f64,
    /// Angular speed about the joint axis (deg/s, + toward toes up): the mean over the
    /// last [`SPEED_WINDOW_S`], so a single noisy sample cannot make it jump.
    pub speed_dps: f64,
    /// The largest `|speed_dps|` of the samples since the driver's last
    /// [`RepDetector::begin_batch`] (the pipeline calls it per notification, which
    /// may carry up to 0.75 s of samples, so a fast stretch inside one is not missed).
    pub peak_speed_dps: f64,
    /// The foot is doing something that is not a pump (walking, …): nothing is counted.
    #[serde(default)]
    pub not_pumping: Option<Reason>,
}

/// Smallest zone threshold (fidgets are a few degrees).
const ENTER_MIN_DEG: f64 = 3.0;
/// Zone threshold for the very first movement after calibration.
const ENTER_FIRST_DEG: f64 = 2.0;
/// Speed (deg/s) toward an extreme that makes an excursion a deliberate pump.
const DELIBERATE_SPEED: f64 = 25.0;
/// A gap in the data at least this long (s) breaks a rep in progress.
const REP_BREAKING_GAP_S: f64 = 1.0;
/// Largest zone threshold.
const ENTER_MAX_DEG: f64 = 6.0;
/// Zone threshold as a share of the person's smaller recent peak.
const ENTER_SHARE: f64 = 0.3;
/// Net movement (deg) within `SETTLE_S` below which the foot is settled.
const SETTLE_DEG: f64 = 1.0;
const SETTLE_S: f64 = 0.25;
/// A return has ended when the foot settles at least this share of the way back.
const RETURN_SHARE: f64 = 0.6;
/// Share of the way back, and speed (deg/s) below which a return is over.
const NEAR_HOME_SHARE: f64 = 0.9;
const NEAR_HOME_SPEED: f64 = 15.0;
/// The rest level within this long after a rep becomes the neutral.
const ADOPT_NEUTRAL_S: f64 = 1.5;
/// Settled this long half-way back (outside the neutral band) is a new neutral; so is a
/// rest this long with the toes up that the foot then leaves further up.
const NEW_NEUTRAL_S: f64 = 1.5;
/// A one-sided excursion back at neutral for this long is dropped…
const ONE_SIDED_S: f64 = 1.0;
/// …if the foot moved less than this (deg) meanwhile: a slow post-operative move passing
/// through neutral on its way to the other side (3–8°/s) is not a rest.
const AT_REST_DEG: f64 = 2.0;
/// Speed (deg/s) below which the foot counts as holding.
const HOLD_SPEED: f64 = 6.0;
/// Seconds over which the live speed is averaged.
pub const SPEED_WINDOW_S: f64 = 0.2;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Excursion {
    side: f64,
    /// Fastest speed (deg/s) toward the extreme: a pump is deliberate, a relax drifts.
    max_speed: f64,
    /// Time the foot left neutral for it.
    depart_t: f64,
    peak_t: f64,
    peak: f64,
}

impl Excursion {
    fn new(side: f64, depart_t: f64, t: f64, a: f64) -> Self {
        Excursion { side, max_speed: 0.0, depart_t, peak_t: t, peak: a }
    }
    fn deliberate(&self) -> bool {
        self.max_speed >= DELIBERATE_SPEED
    }
    fn note_speed(&mut self, speed: f64) {
        self.max_speed = self.max_speed.max(speed * self.side);
    }
    fn update(&mut self, t: f64, a: f64) {
        if (a - self.peak) * self.side > 0.0 {
            self.peak = a;
            self.peak_t = t;
        }
    }
}

/// A stretch of an excursion during which the foot stayed at one level.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rest {
    since: f64,
    until: f64,
    /// Where it came to rest, and where it rests now.
    anchor: f64,
    level: f64,
}

/// The foot's rests out on an excursion: the one in progress, and the last that
/// lasted [`NEW_NEUTRAL_S`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Rests {
    run: Option<Rest>,
    held: Option<Rest>,
}

impl Rests {
    /// Follows the foot at `a` (mean `level` over the settle window); a rest begins when
    /// it settles and lasts while it stays within `band` of where it came to rest.
    fn follow(&mut self, t: f64, a: f64, level: f64, settled: bool, band: f64) {
        self.run = match self.run {
            Some(r) if (a - r.anchor).abs() < band => {
                Some(Rest { until: t, level: if settled { level } else { r.level }, ..r })
            }
            _ if settled => Some(Rest { since: t, until: t, anchor: level, level }),
            _ => None,
        };
        if let Some(r) = self.run.filter(|r| r.until - r.since >= NEW_NEUTRAL_S) {
            self.held = Some(r);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    /// At or near neutral.
    Idle,
    /// In (or back from) the first excursion; `back_t` is when it came back inside the band;
    /// `rests` are where the foot has rested out there.
    First { ex: Excursion, back_t: Option<f64>, rests: Rests },
    /// In the second excursion.
    Second { first: Excursion, ex: Excursion },
    /// Coming back from the second excursion.
    Returning { first: Excursion, second: Excursion, since: f64 },
}

/// The streaming detector.
#[derive(Debug, Clone)]
pub struct RepDetector {
    state: State,
    neutral: f64,
    hist: History,
    /// Smaller peak (deg from neutral) of recent reps, for the adaptive threshold.
    recent: VecDeque<f64>,
    /// Last time the foot was at rest near neutral or crossed it.
    depart_t: f64,
    live: LiveState,
    hold_start: Option<f64>,
    last_end_t: f64,
    /// An excursion has been entered since calibration.
    first_seen: bool,
}

impl Default for RepDetector {
    fn default() -> Self {
        RepDetector {
            state: State::Idle,
            neutral: 0.0,
            hist: History::new(40.0),
            recent: VecDeque::new(),
            depart_t: 0.0,
            live: LiveState::default(),
            hold_start: None,
            last_end_t: f64::NEG_INFINITY,
            first_seen: false,
        }
    }
}

impl RepDetector {
    pub fn live(&self) -> LiveState {
        self.live.clone()
    }

    /// A new batch of samples begins (one notification): the live peak speed restarts.
    pub fn begin_batch(&mut self) {
        self.live.peak_speed_dps = 0.0;
    }

    /// Before tracking starts (calibration): nothing to do but keep time.
    pub fn idle(&mut self, t: f64) {
        self.depart_t = t;
    }

    /// Tracking starts at the end of the calibration pose.
    pub fn start(&mut self, t: f64) {
        self.depart_t = t;
    }

    /// The foot is not pumping: the rep in progress is dropped and the angle's reference
    /// is gone (a new calibration pose will give the neutral). The person's range is kept.
    pub fn abort(&mut self, t: f64) {
        self.state = State::Idle;
        self.neutral = 0.0;
        self.hist = History::new(40.0);
        self.depart_t = t;
        self.hold_start = None;
        self.last_end_t = f64::NEG_INFINITY;
        self.first_seen = !self.recent.is_empty();
        let reps = self.live.reps;
        self.live = LiveState { reps, t_s: t, ..LiveState::default() };
    }

    /// The latest angle is further from neutral than an ankle goes.
    pub fn beyond_limits(&self) -> bool {
        let rel = self.live.angle_deg - self.neutral;
        !(-PLANTAR_LIMIT_DEG..=DORSI_LIMIT_DEG).contains(&rel)
    }

    /// A gap in the data from `t0` to `t1` (lost notifications). Across a
    /// long one the foot may have done anything: a rep that already has both
    /// excursions ends where the data stopped; a one-sided one carries on.
    pub fn gap(&mut self, t0: f64, t1: f64, now: f64) -> Option<Rep> {
        if t1 - t0 < REP_BREAKING_GAP_S {
            return None;
        }
        self.depart_t = t1;
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Second { first, ex } | State::Returning { first, second: ex, .. } => {
                let rep = self.finish_rep(first, ex, t0, now);
                self.last_end_t = t0;
                rep
            }
            first @ State::First { .. } => {
                self.state = first;
                None
            }
            State::Idle => None,
        }
    }

    fn enter_deg(&self) -> f64 {
        if self.recent.is_empty() {
            // The first movement after calibration is known to be toes up (the
            // first cue asks for it), so it may be small.
            return if self.live.reps == 0 && self.first_seen { ENTER_MIN_DEG } else { ENTER_FIRST_DEG };
        }
        let mut v: Vec<f64> = self.recent.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2] * ENTER_SHARE).clamp(ENTER_MIN_DEG, ENTER_MAX_DEG)
    }

    /// How far (0 at the extreme, 1 at neutral) the foot has come back from `ex`.
    fn back_share(&self, ex: &Excursion, a: f64) -> f64 {
        let span = (ex.peak - self.neutral).abs().max(1e-6);
        (ex.peak - a) * ex.side / span
    }

    /// Feeds one angle sample (deg); `now` is when the driver sees it.
    pub fn push(&mut self, t: f64, a: f64, now: f64) -> Option<Rep> {
        self.hist.push(t, a);
        let rel = a - self.neutral;
        let enter = self.enter_deg();
        let exit = enter * 0.5;
        let zone = if rel > enter {
            1.0
        } else if rel < -enter {
            -1.0
        } else {
            0.0
        };
        let settled = self.hist.net_move(SETTLE_S) < SETTLE_DEG;
        let speed = self.hist.speed(0.1);
        self.update_live(t, a, zone);
        let mut out = None;
        self.state = match std::mem::replace(&mut self.state, State::Idle) {
            State::Idle => {
                if zone != 0.0 {
                    self.first_seen = true;
                    let mut ex = Excursion::new(zone, self.depart_t, t, a);
                    ex.note_speed(speed);
                    State::First { ex, back_t: None, rests: Rests::default() }
                } else {
                    if settled || rel.abs() < exit * 0.5 {
                        self.depart_t = t;
                    }
                    if settled && t - self.last_end_t < ADOPT_NEUTRAL_S {
                        // Where the foot came to rest right after a rep is neutral now.
                        self.neutral = self.hist.mean(SETTLE_S);
                    }
                    State::Idle
                }
            }
            State::First { mut ex, back_t, rests } => {
                let back = self.back_share(&ex, a);
                if zone == -ex.side {
                    let mut second = Excursion::new(zone, t, t, a);
                    second.note_speed(speed);
                    State::Second { first: ex, ex: second }
                } else if back > 0.5 || rel.abs() < exit {
                    // Came back without crossing: a one-sided excursion once the foot
                    // settles. Settled away from the old neutral (after a rest in which
                    // the whole leg shifted), that level is the neutral now.
                    let since = back_t.unwrap_or(t);
                    let needed = if rel.abs() < exit { ONE_SIDED_S } else { NEW_NEUTRAL_S };
                    if settled && t - since >= needed && self.hist.net_move(needed) < AT_REST_DEG {
                        if rel.abs() >= exit {
                            self.neutral = self.hist.mean(SETTLE_S);
                        }
                        self.depart_t = t;
                        State::Idle
                    } else {
                        State::First { ex, back_t: Some(since), rests: Rests::default() }
                    }
                } else if let Some(r) = rests.held.filter(|r| ex.side > 0.0 && a - r.level > enter) {
                    // Rested with the toes up, then on further up: an excursion does not stop
                    // and go on, so the rest was a new neutral (the leg shifted during a rest,
                    // or the old neutral was taken mid-move) and a move starts from it. Not
                    // toes down: a relaxed foot rests there and may sink further (or the leg
                    // may shift) without being a move.
                    self.neutral = r.level;
                    let mut ex = Excursion::new(ex.side, r.until, t, a);
                    ex.note_speed(speed);
                    State::First { ex, back_t: None, rests: Rests::default() }
                } else {
                    ex.update(t, a);
                    ex.note_speed(speed);
                    let mut rests = rests;
                    rests.follow(t, a, self.hist.mean(SETTLE_S), settled, exit);
                    State::First { ex, back_t: None, rests }
                }
            }
            State::Second { first, mut ex } => {
                ex.update(t, a);
                ex.note_speed(speed);
                if self.back_share(&ex, a) > 0.5 {
                    State::Returning { first, second: ex, since: t }
                } else {
                    State::Second { first, ex }
                }
            }
            State::Returning { first, second, since } => {
                let crossed = rel * second.side < 0.0;
                let back = self.back_share(&second, a);
                if back < 0.25 {
                    // Out to the extreme again: still the same excursion.
                    let mut ex = second;
                    ex.update(t, a);
                    State::Second { first, ex }
                } else if first.side > 0.0 && crossed {
                    // Rising through neutral: the rep ends here; a new one may begin.
                    out = self.finish_rep(first, second, t, now);
                    self.depart_t = t;
                    State::Idle
                } else if first.side < 0.0 && crossed && first.deliberate() {
                    // A plantar-first pump, continuing: falling through neutral ends it.
                    out = self.finish_rep(first, second, t, now);
                    self.depart_t = t;
                    State::Idle
                } else if first.side < 0.0 && zone == first.side {
                    // Down again after the up: the first (plantar) excursion was one-sided;
                    // this is a dorsi-first rep in progress.
                    let d = Excursion { depart_t: second.depart_t.min(since), ..second };
                    State::Second { first: d, ex: Excursion::new(zone, t, t, a) }
                } else if back > NEAR_HOME_SHARE && self.hist.speed(0.1).abs() < NEAR_HOME_SPEED {
                    // Almost home and slowing down: show the rep now, without waiting
                    // for the foot to settle (notifications may carry up to 0.75 s).
                    out = self.finish_rep(first, second, t, now);
                    self.last_end_t = t;
                    self.depart_t = t;
                    State::Idle
                } else if settled && back > RETURN_SHARE {
                    // Settled back, away from the extreme: the return is over, and where
                    // the foot rests now is neutral (it moves when the whole leg shifts).
                    let end = (t - SETTLE_S).max(since);
                    out = self.finish_rep(first, second, end, now);
                    self.neutral = self.hist.mean(SETTLE_S);
                    self.last_end_t = t;
                    self.depart_t = t;
                    State::Idle
                } else {
                    State::Returning { first, second, since }
                }
            }
        };
        out
    }

    /// End of the stream: a rep that has both excursions and is on its way back counts.
    pub fn finish(&mut self, t: f64) -> Option<Rep> {
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Returning { first, second, .. } => self.finish_rep(first, second, t, t),
            _ => None,
        }
    }

    /// The rep made of two excursions, unless its angles are ones no ankle makes.
    fn finish_rep(&mut self, first: Excursion, second: Excursion, end: f64, now: f64) -> Option<Rep> {
        let (d, p) = if first.side > 0.0 { (first, second) } else { (second, first) };
        let peak_dorsi = d.peak;
        let peak_plantar = -p.peak;
        if !plausible_peaks(peak_dorsi, peak_plantar) {
            return None;
        }
        self.recent.push_back((d.peak - self.neutral).min(self.neutral - p.peak));
        if self.recent.len() > 5 {
            self.recent.pop_front();
        }
        self.live.reps += 1;
        Some(Rep {
            start_s: first.depart_t,
            end_s: end.max(second.peak_t),
            peak_dorsi_deg: peak_dorsi,
            peak_plantar_deg: peak_plantar,
            rom_deg: peak_dorsi + peak_plantar,
            hold_dorsi_s: hold_around(&self.hist, d.peak_t, d.peak),
            hold_plantar_s: hold_around(&self.hist, p.peak_t, p.peak),
            detected_s: now,
        })
    }

    fn update_live(&mut self, t: f64, a: f64, zone: f64) {
        let speed = self.hist.speed(SPEED_WINDOW_S);
        self.live.angle_deg = a;
        self.live.t_s = t;
        self.live.speed_dps = speed;
        self.live.peak_speed_dps = self.live.peak_speed_dps.max(speed.abs());
        let holding = speed.abs() < HOLD_SPEED && zone != 0.0;
        if holding {
            let start = *self.hold_start.get_or_insert(t);
            self.live.hold_s = t - start;
        } else {
            self.hold_start = None;
            self.live.hold_s = 0.0;
        }
        self.live.phase = match (holding, zone) {
            (true, z) if z > 0.0 => Phase::HoldingUp,
            (true, _) => Phase::HoldingDown,
            (false, _) if speed > HOLD_SPEED => Phase::MovingUp,
            (false, _) if speed < -HOLD_SPEED => Phase::MovingDown,
            _ => Phase::Neutral,
        };
    }
}
