//! A person who gets up mid-set, walks (heel strikes, fast swings, a U-turn)
//! and comes back: the reps before the walk are kept, none is counted
//! during it, the live session says walking is not counted, and the set
//! continues afterwards — in `analyze` and in a guided demo session driven
//! through the app's runtime on tokio's paused clock.

use std::time::Duration;

use anklepump::core::analysis::analyze;
use anklepump::core::coach::{Step, WALKING_CUE};
use anklepump::core::notpump::Reason;
use anklepump::core::sim::{simulate, Scenario, SimCapture};
use anklepump::runtime::view::{LinkState, PresetChoice, SessionStage};
use anklepump::runtime::{Command, RuntimeConfig, DEMO_ID};

use crate::app::App;

fn walk_break(seed: u64) -> SimCapture {
    let s = Scenario { seed, ..Scenario::preset("walk_break").expect("a preset") };
    simulate(&s).expect("a valid scenario")
}

/// [start, end] of the walk in the truth.
fn walk_window(cap: &SimCapture) -> [f64; 2] {
    cap.truth.scenario.facts.walks[0]
}

#[test]
fn analyze_keeps_the_reps_around_a_walk_and_counts_none_in_it() {
    for seed in [1, 2, 3] {
        let cap = walk_break(seed);
        let [w0, w1] = walk_window(&cap);
        let a = analyze(cap.apcap.as_bytes(), false).expect("a capture").analysis;
        let before = a.reps.iter().filter(|r| r.end_s < w0).count();
        let during = a.reps.iter().filter(|r| r.end_s > w0 && r.start_s < w1).count();
        let after = a.reps.iter().filter(|r| r.start_s > w1).count();
        assert_eq!((before, during, after), (4, 0, 6), "seed {seed}: {:?} walk {w0}–{w1}", a.reps);
        let walked = a.excluded.iter().find(|x| x.reason == Reason::Walking).expect("the walk is excluded");
        assert!(walked.start_s < w0 + 4.0 && walked.end_s > w1 - 3.0, "{walked:?} vs walk {w0}–{w1}");
        // The reps after the walk are measured from the re-anchored neutral.
        for (r, t) in a.reps.iter().zip(&cap.truth.reps).skip(4) {
            assert!((r.rom_deg - t.rom_deg).abs() < 3.0, "after the walk: {r:?} vs {t:?}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_guided_session_pauses_while_the_person_walks_and_continues_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("walk_break.apcap");
    std::fs::write(&path, walk_break(4).apcap).expect("write the capture");
    let cfg =
        RuntimeConfig { demo_capture: Some(path), db: Some(dir.path().join("app.sqlite3")), ..Default::default() };
    let mut app = App::start(cfg).await;
    app.cmd(Command::Connect(DEMO_ID.into())).await;
    app.until(Duration::from_secs(5), |v| v.sensor.state == LinkState::Connected).await;
    app.cmd(Command::SetPreset(PresetChoice::Custom)).await;
    app.cmd(Command::SetReps(10)).await;
    app.cmd(Command::SetHold(2)).await;
    app.cmd(Command::StartSession).await;
    // (reps when the walking message first showed, reps when it went away, counts seen while it showed)
    let (mut paused_at, mut resumed_at, mut while_paused) = (None, None, Vec::new());
    app.until(Duration::from_secs(400), |v| {
        if let Some(c) = v.session.coach.as_ref().filter(|_| v.session.stage == SessionStage::Running) {
            let walking = c.step == Step::Paused && c.cue == WALKING_CUE;
            if walking {
                paused_at.get_or_insert(c.reps_done);
                while_paused.push(c.reps_done);
            } else if paused_at.is_some() && resumed_at.is_none() {
                resumed_at = Some(c.reps_done);
            }
        }
        v.session.stage != SessionStage::Running
    })
    .await;
    assert_eq!(paused_at, Some(4), "the walking message showed after the 4 reps before the walk");
    assert!(while_paused.iter().all(|&n| n == 4), "no rep counted while walking: {while_paused:?}");
    assert_eq!(resumed_at, Some(4), "the cues came back after the walk");
    let s = &app.view.session;
    assert_eq!(s.stage, SessionStage::AskPain, "the set was finished after the walk");
    assert_eq!(s.reps.len(), 10, "4 before the walk and 6 after: {:?}", s.reps);
    app.quit().await;
}
