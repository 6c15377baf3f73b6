//! Tests of the cue state machine, fed hand-made events and live states
//! (`check` style).

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
