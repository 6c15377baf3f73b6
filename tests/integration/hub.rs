//! The session hub with the demo sensor on tokio's paused clock: two views
//! see one session, a reload reattaches to it, Start never restarts it,
//! History lists it in progress, and with no view attached it goes on and is
//! saved as interrupted after two minutes with every rep.

use std::path::Path;
use std::time::Duration;

use anklepump::core::plan::SessionStatus;
use anklepump::runtime::view::{EndReason, LinkState, PresetChoice, Screen, SessionStage};
use anklepump::runtime::{Command, RuntimeConfig, DEMO_ID};
use anklepump::store::Store;

use crate::app::App;

fn config(dir: &tempfile::TempDir) -> RuntimeConfig {
    RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() }
}

fn reps_done(app: &App) -> u32 {
    app.view.session.coach.as_ref().map_or(0, |c| c.reps_done)
}

/// The demo sensor paired and a custom plan of `reps` reps with 2 s holds, then Start.
async fn start_demo_session(app: &mut App, reps: u32) {
    app.cmd(Command::Connect(DEMO_ID.into())).await;
    app.until(Duration::from_secs(5), |v| v.sensor.state == LinkState::Connected).await;
    app.cmd(Command::SetPreset(PresetChoice::Custom)).await;
    app.cmd(Command::SetReps(reps)).await;
    app.cmd(Command::SetHold(2)).await;
    app.cmd(Command::StartSession).await;
    assert_eq!(app.view.session.stage, SessionStage::Running);
}

/// The open session in the database: its id and reps committed so far.
fn open_session(db: &Path) -> Option<(i64, u32)> {
    let store = Store::open(db).expect("open");
    let s = store.sessions(None).expect("sessions");
    s.iter().find(|s| s.status == SessionStatus::Open).map(|s| (s.id.0, s.done_reps))
}

#[tokio::test(start_paused = true)]
async fn two_views_see_one_session_a_reload_reattaches_and_start_does_not_restart_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = App::start(config(&dir)).await;
    start_demo_session(&mut a, 4).await;
    a.until(Duration::from_secs(60), |v| v.session.coach.as_ref().is_some_and(|c| c.reps_done >= 1)).await;

    // A second tab: it opens on the running session and sees the same count.
    let mut b = App::attach(a.hub.clone()).await;
    assert_eq!(b.view.screen, Screen::Session, "a view attached mid-session opens on it");
    assert_eq!(b.view.session.stage, SessionStage::Running);
    assert_eq!(reps_done(&b), reps_done(&a));
    assert!(b.view.today.in_progress, "Today knows a session is in progress");
    b.cmd(Command::Navigate(Screen::History)).await;
    let h = &b.view.history.sessions[0];
    assert_eq!((h.end, h.end.label()), (EndReason::Open, "in progress"), "History lists it in progress");
    a.settle().await;
    assert_eq!(a.view.screen, Screen::Session, "what a view has open is its own");

    // Reload the first tab: the old view goes, a new one attaches to the same session.
    let before = reps_done(&a);
    let hub = a.close();
    let mut a = App::attach(hub).await;
    assert_eq!((a.view.screen, a.view.session.stage), (Screen::Session, SessionStage::Running));
    assert!(reps_done(&a) >= before, "nothing counted was lost");
    // Start on Today leads to the running session and does not restart it.
    a.cmd(Command::Navigate(Screen::Today)).await;
    let counted = reps_done(&a);
    a.cmd(Command::StartSession).await;
    assert_eq!(a.view.screen, Screen::Session);
    assert_eq!(a.view.session.stage, SessionStage::Running);
    assert!(reps_done(&a) >= counted && counted >= 1, "still counting from {counted}, not from 0");

    // It keeps counting, and both views see it end.
    a.until(Duration::from_secs(120), |v| v.session.stage == SessionStage::AskPain).await;
    b.until(Duration::from_secs(5), |v| v.session.stage == SessionStage::AskPain).await;
    assert_eq!((a.view.session.reps.len(), b.view.session.reps.len()), (4, 4));
    b.cmd(Command::SetPain(1)).await;
    a.until(Duration::from_secs(5), |v| v.history.sessions.first().is_some_and(|s| s.pain == Some(1))).await;
    let h = &a.view.history.sessions;
    assert_eq!(h.len(), 1, "one session, never restarted: {h:?}");
    assert_eq!((h[0].end, h[0].done), (EndReason::Completed, 4));
    b.close();
    a.quit().await;
}

#[tokio::test(start_paused = true)]
async fn with_no_view_the_session_goes_on_and_after_two_minutes_is_saved_as_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.sqlite3");
    let mut app = App::start(config(&dir)).await;
    start_demo_session(&mut app, 60).await;
    app.until(Duration::from_secs(60), |v| v.session.coach.as_ref().is_some_and(|c| c.reps_done >= 1)).await;
    let hub = app.close();

    tokio::time::sleep(Duration::from_secs(60)).await;
    let (id, at_60s) = open_session(&db).expect("still open a minute after the last view went");
    tokio::time::sleep(Duration::from_secs(50)).await;
    let (_, at_110s) = open_session(&db).expect("still open before two minutes");
    assert!(at_110s > at_60s, "reps are counted and committed with no view: {at_60s} then {at_110s}");

    tokio::time::sleep(Duration::from_secs(15)).await;
    assert_eq!(open_session(&db), None, "two minutes with no view: the session is closed");
    let store = Store::open(&db).expect("open");
    let s = store.session(anklepump::store::SessionId(id)).expect("query").expect("the session");
    assert_eq!(s.status, SessionStatus::Interrupted);
    assert!(s.done_reps >= at_110s && s.done_reps as usize == store.reps(s.id).expect("reps").len());

    // The next view finds it in History, with every rep, and no session running.
    let mut app = App::attach(hub).await;
    app.until(Duration::from_secs(5), |v| !v.history.sessions.is_empty()).await;
    let h = &app.view.history.sessions[0];
    assert_eq!((h.end, h.done), (EndReason::Interrupted, s.done_reps));
    assert_eq!(app.view.screen, Screen::Today);
    assert!(!app.view.today.in_progress);
    app.quit().await;
}

#[tokio::test(start_paused = true)]
async fn a_second_app_on_the_same_database_is_refused_in_one_plain_line() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(config(&dir)).await;
    let second = anklepump::runtime::Hub::start(config(&dir));
    let msg = second.another_app().expect("the first app holds the database").to_string();
    assert!(msg.contains("another AnklePump app") && msg.contains("is already running"), "{msg}");
    let mut view = App::attach(second.clone()).await;
    view.until(Duration::from_secs(5), |v| v.history.message.is_some()).await;
    assert!(view.view.history.message.as_deref().is_some_and(|m| m.contains("another AnklePump app")));
    view.quit().await;
    app.quit().await;
    let third = anklepump::runtime::Hub::start(config(&dir));
    assert_eq!(third.another_app(), None, "free again once the first has ended");
    third.shutdown().await;
}
