//! What the app says and plays during a session, so a patient lying flat can
//! follow it without watching the screen: each change of the coach's state
//! becomes a list of `Sound`s (a spoken phrase, a tone at the start and end
//! of each hold, a vibration at the end of a hold). Pure: the UI hands it
//! the previous and the current state and plays what comes back.

use serde::Serialize;

use super::count_spoken;
use crate::core::coach::{CoachView, Step};

/// Where the session is, as far as the voice cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not in a session (ready, or looking at another screen).
    Idle,
    Running,
    /// All planned reps done.
    Finished,
    /// Stopped by the patient before the end.
    Stopped,
    /// Stopped for sharp pain.
    Pain,
}

/// The part of the session the voice follows.
#[derive(Debug, Clone, PartialEq)]
pub struct CueState {
    pub phase: Phase,
    pub step: Option<Step>,
    pub countdown: Option<u32>,
    pub reps_done: u32,
    pub reps_planned: u32,
    pub breathe: bool,
}

impl CueState {
    pub fn idle() -> Self {
        CueState { phase: Phase::Idle, step: None, countdown: None, reps_done: 0, reps_planned: 0, breathe: false }
    }
    pub fn running(c: &CoachView) -> Self {
        CueState {
            phase: Phase::Running,
            step: Some(c.step),
            countdown: c.countdown,
            reps_done: c.reps_done,
            reps_planned: c.reps_planned,
            breathe: c.breathe,
        }
    }
}

/// A tone's purpose (each has its own pitch in the player).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    HoldStart,
    HoldEnd,
}

/// One thing to play.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sound {
    Say(String),
    Tone(Tone),
    /// Vibrate for this many milliseconds.
    Vibrate(u32),
    /// Keep the screen awake (true while a session runs).
    Awake(bool),
}

/// The countdown is spoken from this many seconds down.
const SPOKEN_FROM_S: u32 = 3;
/// The vibration at the end of a hold.
const HOLD_END_VIBRATE_MS: u32 = 200;

fn holding(s: Option<Step>) -> bool {
    matches!(s, Some(Step::HoldUp | Step::HoldDown))
}

fn say(s: &str) -> Sound {
    Sound::Say(s.to_string())
}

/// What to play on the way from `prev` to `now`, in order.
pub fn sounds(prev: &CueState, now: &CueState) -> Vec<Sound> {
    let mut out = Vec::new();
    let was_running = prev.phase == Phase::Running;
    match now.phase {
        Phase::Running => {
            if !was_running {
                out.push(Sound::Awake(true));
            }
            running(prev, now, &mut out);
        }
        Phase::Idle if was_running => out.push(Sound::Awake(false)),
        Phase::Idle => {}
        ended if was_running => {
            if holding(prev.step) {
                out.push(Sound::Tone(Tone::HoldEnd));
            }
            if now.reps_done > prev.reps_done {
                out.push(Sound::Say(count_spoken(now.reps_done, now.reps_planned)));
            }
            match ended {
                Phase::Finished => out.push(say("Well done")),
                Phase::Pain => out.push(say("Stop. Rest your leg.")),
                _ => out.push(say("Stop")),
            }
            out.push(Sound::Awake(false));
        }
        _ => {}
    }
    out
}

fn running(prev: &CueState, now: &CueState, out: &mut Vec<Sound>) {
    let same_step = prev.phase == Phase::Running && prev.step == now.step;
    if now.reps_done > prev.reps_done && prev.phase == Phase::Running {
        out.push(Sound::Say(count_spoken(now.reps_done, now.reps_planned)));
    }
    if !same_step {
        if holding(prev.step) && prev.phase == Phase::Running {
            out.push(Sound::Tone(Tone::HoldEnd));
            out.push(Sound::Vibrate(HOLD_END_VIBRATE_MS));
        }
        match now.step {
            Some(Step::Calibrate) => out.push(say("Hold your foot still")),
            Some(Step::PullUp) => out.push(say("Pull your toes up")),
            Some(Step::PointDown) => out.push(say("Point your toes down")),
            Some(Step::HoldUp | Step::HoldDown) => {
                out.push(Sound::Tone(Tone::HoldStart));
                out.push(say("Hold"));
            }
            Some(Step::Return) => out.push(say("Back to the middle")),
            Some(Step::Done) => out.push(say("Well done")),
            // Walking or a whole-leg movement (the screen says which): not counted.
            Some(Step::Paused) => out.push(say("Paused. Sit or lie down and keep your foot still to go on")),
            None => {}
        }
    }
    // Once, at the first hold: more would crowd the countdown.
    let first_hold = now.reps_done == 0 && now.step == Some(Step::HoldUp);
    if now.breathe && first_hold && !(prev.breathe && prev.phase == Phase::Running) {
        out.push(say("Breathe normally"));
    }
    if holding(now.step) || now.step == Some(Step::Calibrate) {
        if let Some(n) = now.countdown.filter(|n| (1..=SPOKEN_FROM_S).contains(n)) {
            if !same_step || prev.countdown != Some(n) {
                out.push(Sound::Say(n.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(step: Step, countdown: Option<u32>, done: u32) -> CueState {
        CueState {
            phase: Phase::Running,
            step: Some(step),
            countdown,
            reps_done: done,
            reps_planned: 10,
            breathe: false,
        }
    }

    fn said(s: &[Sound]) -> Vec<String> {
        s.iter().filter_map(|s| if let Sound::Say(t) = s { Some(t.clone()) } else { None }).collect()
    }

    #[test]
    fn a_rep_is_spoken_with_tones_at_each_hold_and_the_count() {
        let steps = [
            at(Step::PullUp, None, 6),
            at(Step::HoldUp, Some(3), 6),
            at(Step::HoldUp, Some(3), 6), // unchanged: nothing again
            at(Step::HoldUp, Some(2), 6),
            at(Step::HoldUp, Some(1), 6),
            at(Step::PointDown, None, 6),
            at(Step::HoldDown, Some(3), 6),
            at(Step::Return, None, 6),
            at(Step::PullUp, None, 7),
        ];
        let mut all = Vec::new();
        let mut prev = at(Step::Return, None, 6);
        for s in steps {
            all.extend(sounds(&prev, &s));
            prev = s;
        }
        assert_eq!(
            said(&all),
            [
                "Pull your toes up",
                "Hold",
                "3",
                "2",
                "1",
                "Point your toes down",
                "Hold",
                "3",
                "Back to the middle",
                "seven of ten",
                "Pull your toes up"
            ]
        );
        let tones: Vec<_> = all.iter().filter(|s| matches!(s, Sound::Tone(_))).cloned().collect();
        assert_eq!(
            tones,
            [
                Sound::Tone(Tone::HoldStart),
                Sound::Tone(Tone::HoldEnd),
                Sound::Tone(Tone::HoldStart),
                Sound::Tone(Tone::HoldEnd)
            ]
        );
        assert_eq!(all.iter().filter(|s| matches!(s, Sound::Vibrate(_))).count(), 2, "a vibration ends each hold");
    }

    #[test]
    fn the_screen_stays_awake_while_running_and_the_end_is_spoken() {
        let start = sounds(&CueState::idle(), &at(Step::Calibrate, Some(3), 0));
        assert_eq!(start, [Sound::Awake(true), say("Hold your foot still"), say("3")]);
        let done = CueState { phase: Phase::Finished, reps_done: 10, reps_planned: 10, ..CueState::idle() };
        assert_eq!(
            sounds(&at(Step::Return, None, 9), &done),
            [say("ten of ten"), say("Well done"), Sound::Awake(false)]
        );
        assert_eq!(sounds(&at(Step::Return, None, 10), &done), [say("Well done"), Sound::Awake(false)]);
        let pain = CueState { phase: Phase::Pain, ..CueState::idle() };
        assert_eq!(
            sounds(&at(Step::HoldUp, Some(2), 3), &pain),
            [Sound::Tone(Tone::HoldEnd), say("Stop. Rest your leg."), Sound::Awake(false)]
        );
        assert!(sounds(&done, &done).is_empty(), "an ended session says nothing more");
    }

    #[test]
    fn breathe_is_said_at_the_first_hold_only() {
        let pull = at(Step::PullUp, None, 0);
        let mut hold = at(Step::HoldUp, Some(5), 0);
        hold.breathe = true;
        assert_eq!(said(&sounds(&pull, &hold)), ["Hold", "Breathe normally"]);
        assert!(said(&sounds(&hold, &hold)).is_empty(), "not again while it lasts");
        let mut later = at(Step::HoldUp, Some(5), 2);
        later.breathe = true;
        assert_eq!(said(&sounds(&at(Step::PullUp, None, 2), &later)), ["Hold"]);
    }
}
