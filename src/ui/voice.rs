//! Voice and sound during a session: follows the session's view and plays
//! what `core::words::spoken` says each change needs, through
//! `assets/cues.js` run with `document::eval` (speechSynthesis, a WebAudio
//! tone, navigator.vibrate, the Wake Lock API). Renders nothing.

use std::cell::RefCell;
use std::rc::Rc;

use dioxus::prelude::*;

use crate::core::words::spoken::{self, CueState, Phase, Sound};
use crate::runtime::view::{SessionStage, SessionView, SoundSettings};

/// The player, installed once per page (it checks for itself).
const CUES_JS: &str = include_str!("../../assets/cues.js");

/// The voice's view of a session.
pub(super) fn cue_state(s: &SessionView) -> CueState {
    let coach = s.coach.as_ref();
    let ended = |phase| CueState {
        phase,
        reps_done: coach.map_or(0, |c| c.reps_done),
        reps_planned: coach.map_or(0, |c| c.reps_planned),
        ..CueState::idle()
    };
    match s.stage {
        SessionStage::Ready => CueState::idle(),
        SessionStage::Running => {
            coach.map_or(CueState { phase: Phase::Running, ..CueState::idle() }, CueState::running)
        }
        SessionStage::AskPain | SessionStage::Summary => {
            let complete = coach.is_some_and(|c| c.reps_planned > 0 && c.reps_done >= c.reps_planned);
            ended(if complete { Phase::Finished } else { Phase::Stopped })
        }
        SessionStage::PainStop => ended(Phase::Pain),
    }
}

/// The script that plays `sounds` with these settings.
pub(super) fn play_script(sounds: &[Sound], settings: SoundSettings) -> String {
    let list = serde_json::to_string(sounds).unwrap_or_else(|_| "[]".into());
    let opts = serde_json::json!({ "voice": settings.voice, "tones": settings.tones, "volume": settings.volume_pct });
    format!("{CUES_JS}\nwindow.anklePumpCues.play({list}, {opts});")
}

/// Plays the session's cues as the session changes.
#[component]
pub fn VoiceCues(session: SessionView, sound: SoundSettings) -> Element {
    let state = cue_state(&session);
    let prev = use_hook(|| Rc::new(RefCell::new(CueState::idle())));
    use_effect(use_reactive!(|state, sound| {
        let before = prev.replace(state.clone());
        let sounds = spoken::sounds(&before, &state);
        if !sounds.is_empty() {
            let _ = document::eval(&play_script(&sounds, sound));
        }
    }));
    rsx! {}
}
