//! The cue state machine of a guided session: what to tell the person now.
//! Pure: it is fed the pipeline's events and live state after each
//! notification and the plan's reps and hold seconds; it never reads a
//! clock (hold and calibration times come from the pipeline's timeline).
//!
//! Calibrate ("hold your foot still at a right angle… 3, 2, 1") → "Pull your
//! toes up" → a hold countdown that starts only when the pipeline says the
//! foot is held up → "Point your toes down" → hold → back to the middle →
//! next rep, until the planned reps are done. Each finished rep gets one
//! line of feedback on range, tempo or hold; while the foot moves, moving
//! it too fast brings up "Slower" at once, until the movement calms down.
//! When the pipeline says the foot is not pumping (the person walks, or the
//! whole leg moves), the cues pause on a message that nothing is counted,
//! and resume with the next pull-up once the foot has settled.

use serde::{Deserialize, Serialize};

use super::notpump::Reason;
use super::pipeline::Event;
use super::reps::{LiveState, Phase, Rep};

/// Seconds of stillness the calibration countdown asks for ("3, 2, 1").
pub const CALIB_COUNT_S: f64 = 3.0;
/// A rep whose range is below this share of the session's best gets "a little further".
const RANGE_SHARE: f64 = 0.85;
/// A rep whose hold is below this share of the planned hold gets "hold a little longer".
const HOLD_SHARE: f64 = 0.8;
/// Seconds of movement (rep time minus holds) below which the rep was rushed.
const MIN_MOVE_S: f64 = 1.6;

/// Live tempo: the pipeline's angular speed about the ankle axis (deg/s,
/// averaged over 0.2 s, so this much speed is sustained, not one noisy
/// sample: 48° covered within 0.2 s) above which "Slower" shows at once.
/// A controlled pump takes about a second or more from neutral to a 15–30°
/// peak: ≈ 30°/s on average, ≈ 55°/s at its fastest for a smooth
/// (minimum-jerk) move, whose peak speed is 1.875× its mean. Even a whole
/// swing from toes up to toes down (60–70° in normal adults, see the motion
/// notes) done in a second peaks near 120°/s; the notes call ~200°/s a fast
/// pump. 240°/s is twice that one-second whole swing: the foot crosses its
/// range in about half a second, a flick rather than a pump. (The
/// simulator's normal pace, `demo`, stays under 205°/s in 120 seeds, `postop`
/// under 25°/s; its fast jerky pumping, `continuous`, reaches 290–340°/s.)
const FAST_DPS: f64 = 240.0;
/// Below this speed (deg/s) the movement counts as calm again (hysteresis:
/// a normal-pace pump stays under it almost always).
const CALM_DPS: f64 = 150.0;
/// Calm for this long (s) clears the live "Slower"…
const CALM_S: f64 = 1.0;
/// …once it has shown for at least this long (s), so it does not flicker.
const SLOWER_MIN_S: f64 = 2.0;

/// What the session plan asks for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoachPlan {
    pub reps: u32,
    pub hold_s: f64,
}

/// Where the person is in the guided session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Calibrate,
    PullUp,
    HoldUp,
    PointDown,
    HoldDown,
    /// Both holds done: back to the middle, the rep ends there.
    Return,
    Done,
    /// The foot is doing something that is not a pump (walking, …): the cues wait.
    Paused,
}

/// The cue while walking (or stepping, or a heel strike) stops the count.
pub const WALKING_CUE: &str = "You seem to be walking — sit or lie down to continue; walking is not counted";
/// The cue while the whole leg moves.
pub const LEG_MOVED_CUE: &str =
    "Your whole leg moved — settle it and keep the foot still to continue; this is not counted";

fn paused_cue(reason: Reason) -> &'static str {
    match reason {
        Reason::Walking | Reason::Impact | Reason::Travel | Reason::TooFast => WALKING_CUE,
        Reason::LegMoved | Reason::ImpossibleAngle => LEG_MOVED_CUE,
    }
}

/// One line of feedback on the last rep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Feedback {
    Good,
    FurtherUp,
    FurtherDown,
    Slower,
    HoldLonger,
}

impl Feedback {
    pub fn text(self) -> &'static str {
        match self {
            Feedback::Good => "Good rep.",
            Feedback::FurtherUp => "Pull up a little further.",
            Feedback::FurtherDown => "Point down a little further.",
            Feedback::Slower => "Slower — move smoothly.",
            Feedback::HoldLonger => "Hold a little longer.",
        }
    }
}

/// What the cue screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachView {
    pub step: Step,
    /// The big cue text.
    pub cue: String,
    /// Seconds left in the calibration pose or the current hold (whole, rounded up).
    pub countdown: Option<u32>,
    pub reps_done: u32,
    pub reps_planned: u32,
    pub feedback: Option<Feedback>,
    /// Feedback on the movement in progress (`Slower` while the foot moves too
    /// fast); shown instead of `feedback` while it lasts.
    #[serde(default)]
    pub live_feedback: Option<Feedback>,
    /// Show the "breathe normally" reminder.
    pub breathe: bool,
    /// A short extra line, e.g. after the foot moved during calibration.
    pub note: Option<String>,
}

impl CoachView {
    /// The feedback line on screen: the live one while it lasts, else the last rep's.
    pub fn feedback_shown(&self) -> Option<Feedback> {
        self.live_feedback.or(self.feedback)
    }
}

/// The cue state machine.
#[derive(Debug, Clone)]
pub struct Coach {
    plan: CoachPlan,
    step: Step,
    reps: u32,
    best_up: f64,
    best_down: f64,
    feedback: Option<Feedback>,
    note: Option<String>,
    countdown: Option<u32>,
    /// Timeline seconds since which the live "Slower" shows.
    slower_since: Option<f64>,
    /// Timeline seconds when the movement was last above [`CALM_DPS`].
    busy_t: f64,
    /// Why the cues wait, and the step they resume at.
    paused: Option<(Reason, Step)>,
}

impl Coach {
    pub fn new(plan: CoachPlan) -> Self {
        let plan = CoachPlan { reps: plan.reps.max(1), hold_s: plan.hold_s.max(0.0) };
        Coach {
            plan,
            step: Step::Calibrate,
            reps: 0,
            best_up: 0.0,
            best_down: 0.0,
            feedback: None,
            note: None,
            countdown: Some(CALIB_COUNT_S.ceil() as u32),
            slower_since: None,
            busy_t: f64::NEG_INFINITY,
            paused: None,
        }
    }

    pub fn step(&self) -> Step {
        self.step
    }

    /// Feeds what one notification produced: its events, then the live state after it.
    pub fn update(&mut self, events: &[Event], live: &LiveState) {
        for e in events {
            self.on_event(e);
        }
        self.on_live(live);
        self.on_tempo(live);
    }

    fn on_event(&mut self, e: &Event) {
        match e {
            Event::CalibrationRestarted { .. } if self.step == Step::Calibrate => {
                self.note = Some("You moved — hold your foot still again.".into());
            }
            Event::Calibrated { .. } if self.step == Step::Calibrate => {
                self.note = None;
                self.step = Step::PullUp;
            }
            Event::Rep(rep) if !matches!(self.step, Step::Done | Step::Paused) => self.on_rep(rep),
            Event::NotPumping { reason, .. } if self.step != Step::Done => {
                let resume = match self.paused {
                    Some((_, r)) => r,
                    None if self.step == Step::Calibrate => Step::Calibrate,
                    None => Step::PullUp,
                };
                self.paused = Some((*reason, resume));
                self.step = Step::Paused;
                self.slower_since = None;
            }
            Event::Resumed { .. } => {
                if let Some((_, resume)) = self.paused.take() {
                    self.step = resume;
                }
            }
            _ => {}
        }
    }

    fn on_rep(&mut self, rep: &Rep) {
        self.reps += 1;
        self.feedback = Some(self.judge(rep));
        self.best_up = self.best_up.max(rep.peak_dorsi_deg);
        self.best_down = self.best_down.max(rep.peak_plantar_deg);
        self.step = if self.reps >= self.plan.reps { Step::Done } else { Step::PullUp };
    }

    fn judge(&self, rep: &Rep) -> Feedback {
        let holds = rep.hold_dorsi_s + rep.hold_plantar_s;
        if self.reps > 1 && rep.peak_dorsi_deg < RANGE_SHARE * self.best_up {
            Feedback::FurtherUp
        } else if self.reps > 1 && rep.peak_plantar_deg < RANGE_SHARE * self.best_down {
            Feedback::FurtherDown
        } else if (rep.end_s - rep.start_s) - holds < MIN_MOVE_S {
            Feedback::Slower
        } else if rep.hold_dorsi_s.min(rep.hold_plantar_s) < HOLD_SHARE * self.plan.hold_s {
            Feedback::HoldLonger
        } else {
            Feedback::Good
        }
    }

    fn on_live(&mut self, live: &LiveState) {
        // The pipeline learns more as the stretch goes on (getting up, then steps): walking.
        if let (Some(p), Some(r)) = (self.paused.as_mut(), live.not_pumping) {
            p.0 = r;
        }
        let hold_left = |held: f64| Some((self.plan.hold_s - held).max(0.0).ceil() as u32);
        self.countdown = None;
        match self.step {
            Step::Calibrate => {
                let left = (CALIB_COUNT_S - live.calibration_still_s).ceil().max(1.0);
                self.countdown = Some(left as u32);
                if live.calibration_still_s >= CALIB_COUNT_S {
                    self.step = Step::PullUp;
                    self.countdown = None;
                }
            }
            Step::PullUp if live.phase == Phase::HoldingUp => {
                self.step = Step::HoldUp;
                self.countdown = hold_left(live.hold_s);
            }
            Step::HoldUp => match live.phase {
                Phase::HoldingUp if live.hold_s < self.plan.hold_s => self.countdown = hold_left(live.hold_s),
                Phase::HoldingUp | Phase::MovingDown | Phase::HoldingDown => self.step = Step::PointDown,
                // Still moving up (or back at neutral): the countdown waits for a real hold.
                Phase::MovingUp | Phase::Neutral => self.step = Step::PullUp,
            },
            Step::PointDown if live.phase == Phase::HoldingDown => {
                self.step = Step::HoldDown;
                self.countdown = hold_left(live.hold_s);
            }
            Step::HoldDown => match live.phase {
                Phase::HoldingDown if live.hold_s < self.plan.hold_s => self.countdown = hold_left(live.hold_s),
                Phase::HoldingDown | Phase::MovingUp | Phase::Neutral => self.step = Step::Return,
                Phase::MovingDown | Phase::HoldingUp => self.step = Step::PointDown,
            },
            _ => {}
        }
    }

    /// The live "Slower": on as soon as the speed over a notification's samples
    /// reaches [`FAST_DPS`]; off once it has shown [`SLOWER_MIN_S`] and the
    /// movement has stayed under [`CALM_DPS`] for [`CALM_S`]. Only between
    /// calibration and the end of the session.
    fn on_tempo(&mut self, live: &LiveState) {
        if matches!(self.step, Step::Calibrate | Step::Done | Step::Paused) {
            self.slower_since = None;
            return;
        }
        let t = live.t_s;
        if live.peak_speed_dps >= CALM_DPS {
            self.busy_t = t;
        }
        match self.slower_since {
            None if live.peak_speed_dps >= FAST_DPS => self.slower_since = Some(t),
            Some(since) if t - since >= SLOWER_MIN_S && t - self.busy_t >= CALM_S => self.slower_since = None,
            _ => {}
        }
    }

    /// What to show now.
    pub fn view(&self) -> CoachView {
        let cue = match (self.step, self.paused) {
            (Step::Paused, Some((reason, _))) => paused_cue(reason),
            _ => self.step_cue(),
        };
        CoachView {
            step: self.step,
            cue: cue.to_string(),
            countdown: self.countdown,
            reps_done: self.reps,
            reps_planned: self.plan.reps,
            feedback: self.feedback,
            live_feedback: self.slower_since.map(|_| Feedback::Slower),
            breathe: matches!(self.step, Step::HoldUp | Step::HoldDown),
            note: self.note.clone(),
        }
    }

    fn step_cue(&self) -> &'static str {
        match self.step {
            Step::Calibrate => "Hold your foot still at a right angle…",
            Step::PullUp => "Pull your toes up",
            Step::HoldUp => "Hold it up",
            Step::PointDown => "Point your toes down",
            Step::HoldDown => "Hold it down",
            Step::Return => "Back to the middle",
            Step::Done => "All done — well done!",
            Step::Paused => WALKING_CUE,
        }
    }
}

#[cfg(test)]
#[path = "coach_tests.rs"]
mod tests;
