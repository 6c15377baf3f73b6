//! The runtime driven like the app drives it: the demo sensor (the seeded
//! simulator, or a published capture replayed) through the real pipeline
//! and coach, with the time advanced by the test.

use std::path::PathBuf;
use std::time::Duration;

use anklepump::core::coach::Step;
use anklepump::runtime::view::{EndReason, LinkState, PresetChoice, Screen, SessionStage};
use anklepump::runtime::{Command, Now, Runtime, RuntimeConfig, DEMO_ID};

fn capture() -> Option<PathBuf> {
    let p = PathBuf::from(std::env::var("ANKLEPUMP_TRACES").unwrap_or_else(|_| "/work/shared/traces".into()))
        .join("p01_lying_clean.apcap");
    p.exists().then_some(p)
}

#[test]
fn simulated_demo_session_counts_reps_to_the_plan_then_asks_for_pain_and_lists_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.sqlite3");
    guided_session(RuntimeConfig { db: Some(db.clone()), ..Default::default() }, 2.0);
    // A new start of the app (a new runtime on the same database) finds the session,
    // and reconnects the remembered demo sensor.
    let rt = Runtime::new(RuntimeConfig { db: Some(db), ..Default::default() }, Now::read());
    let h = &rt.view().history.sessions;
    assert_eq!((h.len(), h[0].done, h[0].pain, h[0].end), (1, 3, Some(2), EndReason::Completed));
    assert_eq!(rt.view().sensor.state, LinkState::Connected, "the remembered sensor is reconnected");
    assert_eq!(rt.view().settings.reps, 3, "the plan is kept");
}

#[test]
fn replayed_demo_session_counts_reps_to_the_plan() {
    let Some(path) = capture() else {
        eprintln!("skipped: p01_lying_clean.apcap not found (set ANKLEPUMP_TRACES)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    guided_session(
        RuntimeConfig { demo_capture: Some(path), db: Some(dir.path().join("app.sqlite3")), ..Default::default() },
        40.0,
    );
}

/// Pairs the demo sensor, runs 3 reps with 2 s holds, answers pain 2; `min_rom` is the
/// range every rep must show (the simulated person's range is smaller than p01's).
fn guided_session(cfg: RuntimeConfig, min_rom: f64) {
    let mut now = Now::read();
    let mut rt = Runtime::new(cfg, now);
    rt.handle(Command::StartSession, now);
    assert_eq!(rt.view().screen, Screen::Pair, "no sensor yet: the app sends the user to pair");
    rt.handle(Command::Connect(DEMO_ID.into()), now);
    assert_eq!(rt.view().sensor.state, LinkState::Connected);
    rt.handle(Command::SetReps(3), now);
    assert!(rt.view().settings.message.as_deref().is_some_and(|m| m.contains("10")), "General plans have 10+ reps");
    assert_eq!(rt.view().settings.reps, 20);
    rt.handle(Command::SetPreset(PresetChoice::Custom), now);
    rt.handle(Command::SetReps(3), now);
    rt.handle(Command::SetHold(2), now);
    rt.handle(Command::StartSession, now);
    assert_eq!(rt.view().session.stage, SessionStage::Running);
    let coach = |rt: &Runtime| rt.view().session.coach.clone().unwrap();
    assert_eq!(coach(&rt).step, Step::Calibrate);
    let mut seen_reps = Vec::new();
    let mut seen_hold_up = false;
    for _ in 0..600 {
        now = now.plus(Duration::from_millis(100));
        rt.tick(now);
        if rt.view().session.stage != SessionStage::Running {
            break;
        }
        let c = coach(&rt);
        seen_hold_up |= c.step == Step::HoldUp && c.countdown.is_some();
        if seen_reps.last() != Some(&c.reps_done) {
            seen_reps.push(c.reps_done);
        }
    }
    assert_eq!(seen_reps, vec![0, 1, 2], "the rep counter counts up one by one");
    assert!(seen_hold_up, "a hold countdown was shown while the foot was held up");
    let s = &rt.view().session;
    assert_eq!(s.stage, SessionStage::AskPain);
    assert_eq!(s.reps.len(), 3);
    assert!(s.reps.iter().all(|r| r.rom_deg > min_rom), "{:?}", s.reps);
    rt.handle(Command::SetPain(2), now);
    assert_eq!(rt.view().session.stage, SessionStage::Summary);
    let h = &rt.view().history.sessions;
    assert_eq!(h.len(), 1);
    assert_eq!((h[0].end, h[0].pain, h[0].done), (EndReason::Completed, Some(2), 3));
    assert_eq!(rt.view().today.done, 1);
    assert!(rt.view().progress.days.iter().any(|d| d.is_today && d.done == 1));
}

#[test]
fn sharp_pain_stops_the_session_and_records_it_as_stopped_for_pain() {
    let dir = tempfile::tempdir().unwrap();
    let now = Now::read();
    let mut rt = Runtime::new(RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() }, now);
    rt.handle(Command::Connect(DEMO_ID.into()), now);
    rt.handle(Command::StartSession, now);
    rt.tick(now.plus(Duration::from_secs(5)));
    rt.handle(Command::SharpPain, now.plus(Duration::from_secs(5)));
    rt.handle(Command::Navigate(Screen::Today), now.plus(Duration::from_secs(6)));
    assert_eq!(rt.view().session.stage, SessionStage::PainStop);
    assert_eq!(rt.view().history.sessions[0].end, EndReason::Pain);
    assert_eq!(rt.view().today.done, 0, "a session stopped for pain does not count as done");
}

#[test]
fn a_demo_link_dropout_shows_reconnecting_and_the_session_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let dropout = Some(anklepump::runtime::Dropout { at_s: 8.0, len_s: 3.0 });
    let cfg = RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), demo_dropout: dropout, ..Default::default() };
    let mut now = Now::read();
    let mut rt = Runtime::new(cfg, now);
    rt.handle(Command::Connect(DEMO_ID.into()), now);
    rt.handle(Command::SetPreset(PresetChoice::Custom), now);
    rt.handle(Command::SetReps(3), now);
    rt.handle(Command::SetHold(2), now);
    rt.handle(Command::StartSession, now);
    let (mut down, mut back) = (false, false);
    for _ in 0..900 {
        now = now.plus(Duration::from_millis(100));
        rt.tick(now);
        let v = rt.view();
        if v.session.reconnecting && v.sensor.state == LinkState::Reconnecting {
            down = true;
        } else if down && v.sensor.state == LinkState::Connected {
            back = true;
        }
        if v.session.stage != SessionStage::Running {
            break;
        }
    }
    assert!(down && back, "reconnecting… was shown, then the link came back");
    assert_eq!(rt.view().session.stage, SessionStage::AskPain, "the session resumed and finished");
    assert_eq!(rt.view().session.reps.len(), 3);
}
