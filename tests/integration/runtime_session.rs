//! The app's runtime coroutine with the demo sensor (`link::DemoLink`: the
//! seeded simulated person who follows the cues, or a published capture
//! replayed) through the real pipeline, coach and store — driven like the
//! UI drives it, on tokio's paused clock.

use std::path::PathBuf;
use std::time::Duration;

use anklepump::core::coach::Step;
use anklepump::core::plan::Sides;
use anklepump::runtime::view::{EndReason, LinkState, PresetChoice, Screen, SessionStage};
use anklepump::runtime::{Command, Dropout, RuntimeConfig, DEMO_ID};
use anklepump::sensor::capture::Side;

use crate::app::App;
use crate::support::traces_dir;

fn capture() -> PathBuf {
    let p = traces_dir().join("p01_lying_clean.apcap");
    assert!(p.exists(), "{} is missing: the published captures belong in ../shared/traces", p.display());
    p
}

fn config(dir: &tempfile::TempDir) -> RuntimeConfig {
    RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() }
}

/// Connects the demo sensor and sets a custom plan of 3 reps with 2 s holds.
async fn pair_demo_and_plan(app: &mut App) {
    app.cmd(Command::Connect(DEMO_ID.into())).await;
    app.until(Duration::from_secs(5), |v| v.sensor.state == LinkState::Connected).await;
    assert!(app.view.sensor.demo, "the demo sensor is labelled as such");
    app.cmd(Command::SetReps(3)).await;
    assert!(app.view.settings.message.as_deref().is_some_and(|m| m.contains("10")), "General plans have 10+ reps");
    assert_eq!(app.view.settings.reps, 20);
    app.cmd(Command::SetPreset(PresetChoice::Custom)).await;
    app.cmd(Command::SetReps(3)).await;
    app.cmd(Command::SetHold(2)).await;
    assert_eq!((app.view.settings.reps, app.view.settings.message.as_deref()), (3, None));
}

/// Runs the started session to its end; the rep counter values seen, and whether a
/// hold countdown was shown while the foot was held up.
async fn follow_session(app: &mut App, within: Duration) -> (Vec<u32>, bool) {
    let (mut seen_reps, mut seen_hold_up) = (Vec::new(), false);
    app.until(within, |v| {
        if let Some(c) = v.session.coach.as_ref().filter(|_| v.session.stage == SessionStage::Running) {
            seen_hold_up |= c.step == Step::HoldUp && c.countdown.is_some();
            if seen_reps.last() != Some(&c.reps_done) {
                seen_reps.push(c.reps_done);
            }
        }
        v.session.stage != SessionStage::Running
    })
    .await;
    (seen_reps, seen_hold_up)
}

async fn guided_session(cfg: RuntimeConfig, min_rom: f64) {
    let mut app = App::start(cfg).await;
    app.cmd(Command::StartSession).await;
    assert_eq!(app.view.screen, Screen::Pair, "no sensor yet: the app sends the user to pair");
    pair_demo_and_plan(&mut app).await;
    app.cmd(Command::StartSession).await;
    assert_eq!(app.view.session.stage, SessionStage::Running);
    assert_eq!(app.view.session.coach.as_ref().map(|c| c.step), Some(Step::Calibrate));
    let (seen_reps, seen_hold_up) = follow_session(&mut app, Duration::from_secs(90)).await;
    assert_eq!(seen_reps, vec![0, 1, 2], "the rep counter counts up one by one");
    assert!(seen_hold_up, "a hold countdown was shown while the foot was held up");
    let s = &app.view.session;
    assert_eq!(s.stage, SessionStage::AskPain);
    assert_eq!(s.reps.len(), 3);
    assert!(s.reps.iter().all(|r| r.rom_deg > min_rom), "{:?}", s.reps);
    app.cmd(Command::SetPain(2)).await;
    assert_eq!(app.view.session.stage, SessionStage::Summary);
    let h = &app.view.history.sessions;
    assert_eq!(h.len(), 1);
    assert_eq!((h[0].end, h[0].pain, h[0].done), (EndReason::Completed, Some(2), 3));
    assert_eq!(app.view.today.done, 1);
    assert!(app.view.progress.days.iter().any(|d| d.is_today && d.done == 1));
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn simulated_demo_session_counts_reps_to_the_plan_then_asks_for_pain_and_lists_the_session() {
    let dir = tempfile::tempdir().unwrap();
    guided_session(config(&dir), 2.0).await;
    // A new start of the app on the same database finds the session and
    // reconnects the remembered demo sensor.
    let mut app = App::start(config(&dir)).await;
    app.until(Duration::from_secs(5), |v| v.sensor.state == LinkState::Connected).await;
    let h = &app.view.history.sessions;
    assert_eq!((h.len(), h[0].done, h[0].pain, h[0].end), (1, 3, Some(2), EndReason::Completed));
    assert_eq!(app.view.settings.reps, 3, "the plan is kept");
    // A second session gets a fresh simulated person and counts from zero again.
    app.cmd(Command::StartSession).await;
    let (seen_reps, _) = follow_session(&mut app, Duration::from_secs(90)).await;
    assert_eq!(seen_reps, vec![0, 1, 2]);
    assert_eq!(app.view.session.reps.len(), 3);
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn replayed_demo_session_counts_reps_to_the_plan() {
    let path = capture();
    let dir = tempfile::tempdir().unwrap();
    guided_session(RuntimeConfig { demo_capture: Some(path), ..config(&dir) }, 40.0).await;
}

#[tokio::test(start_paused = true)]
async fn a_replay_that_ends_before_the_plan_ends_the_session_with_the_reps_so_far() {
    let path = capture();
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::start(RuntimeConfig { demo_capture: Some(path.clone()), ..config(&dir) }).await;
    app.cmd(Command::Connect(DEMO_ID.into())).await;
    app.until(Duration::from_secs(5), |v| v.sensor.state == LinkState::Connected).await;
    assert!(app.view.sensor.name.as_deref().is_some_and(|n| n.starts_with("Demo sensor (recording")));
    app.cmd(Command::SetReps(60)).await; // more than the recording holds
    app.cmd(Command::StartSession).await;
    app.until(Duration::from_secs(400), |v| v.session.stage != SessionStage::Running).await;
    let s = &app.view.session;
    assert_eq!(s.stage, SessionStage::AskPain);
    assert!(s.message.as_deref().is_some_and(|m| m.contains("stopped sending")), "{:?}", s.message);
    let truth = path.with_extension("truth.json");
    let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
    let recorded = truth["reps"].as_array().unwrap().len();
    assert_eq!(s.reps.len(), recorded, "every rep of the recording counts");
    app.cmd(Command::Navigate(Screen::History)).await;
    let h = &app.view.history.sessions[0];
    assert_eq!((h.done as usize, h.end), (recorded, EndReason::Stopped));
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn sharp_pain_stops_the_session_and_records_it_as_stopped_for_pain() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::start(config(&dir)).await;
    app.cmd(Command::Connect(DEMO_ID.into())).await;
    app.until(Duration::from_secs(5), |v| v.sensor.state == LinkState::Connected).await;
    app.cmd(Command::StartSession).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    app.cmd(Command::SharpPain).await;
    app.cmd(Command::Navigate(Screen::Today)).await;
    assert_eq!(app.view.session.stage, SessionStage::PainStop);
    assert_eq!(app.view.history.sessions[0].end, EndReason::StoppedForPain);
    assert_eq!(app.view.today.done, 0, "a session stopped for pain does not count as done");
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn a_demo_link_dropout_shows_reconnecting_and_the_session_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let dropout = Some(Dropout { at_s: 8.0, len_s: 3.0 });
    let mut app = App::start(RuntimeConfig { demo_dropout: dropout, ..config(&dir) }).await;
    pair_demo_and_plan(&mut app).await;
    app.cmd(Command::StartSession).await;
    let (mut down, mut back) = (false, false);
    app.until(Duration::from_secs(120), |v| {
        if v.sensor.state == LinkState::Reconnecting {
            down = true;
        } else if down && v.sensor.state == LinkState::Connected {
            back = true;
        }
        v.session.stage != SessionStage::Running
    })
    .await;
    assert!(down && back, "reconnecting… was shown, then the link came back");
    assert_eq!(app.view.session.stage, SessionStage::AskPain, "the session resumed and finished");
    assert_eq!(app.view.session.reps.len(), 3);
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn with_both_feet_the_next_session_is_for_the_other_foot_and_a_day_counts_when_both_are_done() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::start(config(&dir)).await;
    pair_demo_and_plan(&mut app).await;
    app.cmd(Command::SetSides(Sides::Both)).await;
    assert_eq!(app.view.settings.sides, Sides::Both);
    app.cmd(Command::ChooseSide(Side::Left)).await;
    for (foot, done_today) in [(Side::Left, 0), (Side::Right, 1)] {
        app.cmd(Command::StartSession).await;
        assert_eq!(app.view.session.side, Some(foot));
        follow_session(&mut app, Duration::from_secs(90)).await;
        app.cmd(Command::SetPain(0)).await;
        assert_eq!(app.view.today.done, done_today, "after the {foot:?} foot");
        app.cmd(Command::NewSession).await;
    }
    assert_eq!(app.view.session.side, Some(Side::Left), "and back to the left foot");
    app.quit().await;
}
