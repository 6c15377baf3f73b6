//! The cue state machine of a guided session: what to tell the person now.
//! Pure: it is fed the pipeline's events and live state after each
//! notification and the plan's reps and hold seconds; it never reads a
//! clock (hold and calibration times come from the pipeline's timeline).
//!
//! Calibrate ("hold your foot still at a right angle… 3, 2, 1") → "Pull your
//! toes up" → a hold countdown that starts only when the pipeline says the
//! foot is held up → "Point your toes down" → hold → back to the middle →
//! next rep, until the planned reps are done. Each finished rep gets one
//! line of feedback on range, tempo or hold.

use serde::{Deserialize, Serialize};

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
    /// Show the "breathe normally" reminder.
    pub breathe: bool,
    /// A short extra line, e.g. after the foot moved during calibration.
    pub note: Option<String>,
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
        }
    }

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn reps_done(&self) -> u32 {
        self.reps
    }

    /// Feeds what one notification produced: its events, then the live state after it.
    pub fn update(&mut self, events: &[Event], live: &LiveState) {
        for e in events {
            self.on_event(e);
        }
        self.on_live(live);
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
            Event::Rep(rep) if self.step != Step::Done => self.on_rep(rep),
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

    /// What to show now.
    pub fn view(&self) -> CoachView {
        let cue = match self.step {
            Step::Calibrate => "Hold your foot still at a right angle…",
            Step::PullUp => "Pull your toes up",
            Step::HoldUp => "Hold it up",
            Step::PointDown => "Point your toes down",
            Step::HoldDown => "Hold it down",
            Step::Return => "Back to the middle",
            Step::Done => "All done — well done!",
        };
        CoachView {
            step: self.step,
            cue: cue.to_string(),
            countdown: self.countdown,
            reps_done: self.reps,
            reps_planned: self.plan.reps,
            feedback: self.feedback,
            breathe: matches!(self.step, Step::HoldUp | Step::HoldDown),
            note: self.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(phase: Phase, hold_s: f64) -> LiveState {
        LiveState { phase, hold_s, ..LiveState::default() }
    }

    fn calibrating(still_s: f64) -> LiveState {
        LiveState { calibrating: true, calibration_still_s: still_s, ..LiveState::default() }
    }

    fn rep(dorsi: f64, plantar: f64, dur_s: f64, hold_s: f64) -> Rep {
        Rep {
            start_s: 10.0,
            end_s: 10.0 + dur_s,
            peak_dorsi_deg: dorsi,
            peak_plantar_deg: plantar,
            rom_deg: dorsi + plantar,
            hold_dorsi_s: hold_s,
            hold_plantar_s: hold_s,
            detected_s: 10.0 + dur_s,
        }
    }

    /// Feeds `inputs` (events, live state) in order and compares the cue
    /// text, countdown and rep count after each with `expect`.
    fn check(plan: CoachPlan, inputs: &[(Vec<Event>, LiveState)], expect: &[(&str, Option<u32>, u32)]) {
        let mut c = Coach::new(plan);
        assert_eq!(inputs.len(), expect.len());
        for (i, ((ev, l), want)) in inputs.iter().zip(expect).enumerate() {
            c.update(ev, l);
            let v = c.view();
            assert_eq!((v.cue.as_str(), v.countdown, v.reps_done), *want, "after input {i}");
        }
    }

    const PLAN: CoachPlan = CoachPlan { reps: 2, hold_s: 2.0 };

    #[test]
    fn calibration_counts_three_two_one_then_cues_toes_up() {
        let hold = "Hold your foot still at a right angle…";
        check(
            PLAN,
            &[
                (vec![], calibrating(0.1)),
                (vec![], calibrating(1.2)),
                (vec![], calibrating(2.5)),
                (vec![], calibrating(3.0)),
            ],
            &[(hold, Some(3), 0), (hold, Some(2), 0), (hold, Some(1), 0), ("Pull your toes up", None, 0)],
        );
    }

    #[test]
    fn moving_early_during_calibration_asks_to_hold_still_and_first_move_ends_it() {
        let mut c = Coach::new(PLAN);
        c.update(&[Event::CalibrationRestarted { t_s: 0.5 }], &calibrating(0.0));
        assert_eq!(c.view().note.as_deref(), Some("You moved — hold your foot still again."));
        c.update(&[Event::Calibrated { t_s: 2.2 }], &live(Phase::MovingUp, 0.0));
        assert_eq!(c.view().cue, "Pull your toes up");
        assert_eq!(c.view().note, None);
    }

    #[test]
    fn hold_countdown_starts_only_when_the_foot_is_held_up() {
        check(
            PLAN,
            &[
                (vec![Event::Calibrated { t_s: 3.0 }], live(Phase::MovingUp, 0.0)),
                (vec![], live(Phase::MovingUp, 0.0)),
                (vec![], live(Phase::HoldingUp, 0.1)),
                (vec![], live(Phase::HoldingUp, 1.2)),
                (vec![], live(Phase::HoldingUp, 2.0)),
            ],
            &[
                ("Pull your toes up", None, 0),
                ("Pull your toes up", None, 0),
                ("Hold it up", Some(2), 0),
                ("Hold it up", Some(1), 0),
                ("Point your toes down", None, 0),
            ],
        );
    }

    #[test]
    fn a_full_rep_walks_up_hold_down_hold_back_and_counts() {
        check(
            PLAN,
            &[
                (vec![Event::Calibrated { t_s: 3.0 }], live(Phase::HoldingUp, 0.5)),
                (vec![], live(Phase::HoldingUp, 2.1)),
                (vec![], live(Phase::MovingDown, 0.0)),
                (vec![], live(Phase::HoldingDown, 0.0)),
                (vec![], live(Phase::HoldingDown, 2.0)),
                (vec![Event::Rep(rep(18.0, 40.0, 9.0, 2.2))], live(Phase::Neutral, 0.0)),
            ],
            &[
                ("Hold it up", Some(2), 0),
                ("Point your toes down", None, 0),
                ("Point your toes down", None, 0),
                ("Hold it down", Some(2), 0),
                ("Back to the middle", None, 0),
                ("Pull your toes up", None, 1),
            ],
        );
    }

    #[test]
    fn last_planned_rep_finishes_the_session_and_later_reps_do_not_count() {
        let mut c = Coach::new(PLAN);
        let r = rep(18.0, 40.0, 9.0, 2.2);
        c.update(&[Event::Calibrated { t_s: 3.0 }, Event::Rep(r.clone())], &live(Phase::Neutral, 0.0));
        c.update(&[Event::Rep(r.clone())], &live(Phase::Neutral, 0.0));
        assert_eq!(c.step(), Step::Done);
        c.update(&[Event::Rep(r)], &live(Phase::Neutral, 0.0));
        let v = c.view();
        assert_eq!((v.cue.as_str(), v.reps_done, v.reps_planned), ("All done — well done!", 2, 2));
    }

    #[test]
    fn feedback_names_range_tempo_or_hold() {
        let plan = CoachPlan { reps: 10, hold_s: 2.0 };
        let mut c = Coach::new(plan);
        let mut fb = |r: Rep| {
            c.update(&[Event::Rep(r)], &live(Phase::Neutral, 0.0));
            c.view().feedback
        };
        assert_eq!(fb(rep(20.0, 40.0, 9.0, 2.1)), Some(Feedback::Good));
        assert_eq!(fb(rep(12.0, 40.0, 9.0, 2.1)), Some(Feedback::FurtherUp));
        assert_eq!(fb(rep(20.0, 30.0, 9.0, 2.1)), Some(Feedback::FurtherDown));
        assert_eq!(fb(rep(20.0, 40.0, 5.0, 2.1)), Some(Feedback::Slower));
        assert_eq!(fb(rep(20.0, 40.0, 6.0, 1.0)), Some(Feedback::HoldLonger));
        assert_eq!(Feedback::FurtherUp.text(), "Pull up a little further.");
    }

    #[test]
    fn breathe_reminder_shows_during_holds_only() {
        let mut c = Coach::new(PLAN);
        c.update(&[Event::Calibrated { t_s: 3.0 }], &live(Phase::MovingUp, 0.0));
        assert!(!c.view().breathe);
        c.update(&[], &live(Phase::HoldingUp, 0.3));
        assert!(c.view().breathe);
    }

    #[test]
    fn a_hold_broken_by_moving_up_again_returns_to_the_pull_cue() {
        let mut c = Coach::new(PLAN);
        c.update(&[Event::Calibrated { t_s: 3.0 }], &live(Phase::HoldingUp, 0.4));
        assert_eq!(c.step(), Step::HoldUp);
        c.update(&[], &live(Phase::MovingUp, 0.0));
        assert_eq!(c.view().cue, "Pull your toes up");
        assert_eq!(c.view().countdown, None);
    }
}
