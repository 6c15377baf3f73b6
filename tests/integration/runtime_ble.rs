//! The app's runtime coroutine with a real sensor through the real btleplug
//! link and the BlueZ stand-in: the Sensor screen's scan lists it with its
//! signal, Connect shows its battery, a guided session counts its reps live,
//! a forced link loss shows "reconnecting…" and the session resumes, the
//! sensor stops streaming at the end, and the next start reconnects it.

use std::time::Duration;

use anklepump::runtime::view::{EndReason, LinkState, PresetChoice, Screen, SessionStage};
use anklepump::runtime::{Command, RuntimeConfig};

use crate::app::App;
use crate::bluez::{global, trace, SensorSpec};

const ADDR: &str = "C0:FF:EE:00:0A:01";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_pairs_a_real_sensor_runs_a_session_through_a_link_loss_and_reconnects_it_next_time() {
    let (cfg, records) = trace("p01_lying_clean.apcap");
    let mut spec = SensorSpec::aps("APS-A001", ADDR, cfg, records);
    spec.speed = 2.0;
    let h = global().add_sensor(spec);
    let dir = tempfile::tempdir().unwrap();
    let config = RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() };
    let mut app = App::start(config.clone()).await;

    app.cmd(Command::Scan).await;
    let v = app.until(Duration::from_secs(15), |v| !v.pair.scanning).await;
    let row = v.pair.devices.iter().find(|d| d.id == ADDR).unwrap_or_else(|| panic!("listed: {:?}", v.pair));
    assert_eq!((row.name.as_str(), row.rssi_dbm, row.demo), ("APS-A001", Some(-58), false));
    assert!(v.pair.devices.iter().any(|d| d.demo), "the demo sensor stays offered");
    assert!(v.pair.devices.iter().all(|d| d.demo || d.name.starts_with("APS-")), "{:?}", v.pair.devices);

    app.cmd(Command::Connect(ADDR.into())).await;
    let v = app.until(Duration::from_secs(15), |v| v.sensor.state != LinkState::Connecting).await;
    assert_eq!(v.sensor.state, LinkState::Connected, "{:?}", v.pair.message);
    assert_eq!((v.sensor.name.as_deref(), v.sensor.battery_pct, v.sensor.demo), (Some("APS-A001"), Some(87), false));
    assert_eq!(v.pair.remembered.as_deref(), Some(ADDR));

    app.cmd(Command::SetPreset(PresetChoice::Custom)).await;
    app.cmd(Command::SetReps(3)).await;
    app.cmd(Command::SetHold(2)).await;
    app.cmd(Command::StartSession).await;
    assert_eq!(app.view.session.stage, SessionStage::Running);
    let (mut seen_reps, mut dropped, mut down, mut back) = (Vec::new(), false, false, false);
    app.until(Duration::from_secs(40), |v| {
        let done = v.session.coach.as_ref().map_or(0, |c| c.reps_done);
        if seen_reps.last() != Some(&done) {
            seen_reps.push(done);
        }
        if done == 1 && !dropped {
            dropped = true;
            h.drop_link(Duration::from_secs(1));
        }
        down |= v.sensor.state == LinkState::Reconnecting;
        back |= down && v.sensor.state == LinkState::Connected;
        v.session.stage != SessionStage::Running
    })
    .await;
    assert_eq!(seen_reps, vec![0, 1, 2, 3], "counted live, one by one");
    assert!(down && back, "reconnecting… was shown, then the session resumed");
    let s = &app.view.session;
    assert_eq!((s.stage, s.reps.len()), (SessionStage::AskPain, 3));
    assert!(s.reps.iter().all(|r| r.rom_deg > 40.0), "{:?}", s.reps);
    let end = tokio::time::Instant::now() + Duration::from_secs(5);
    while h.streaming() && tokio::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!h.streaming(), "the app told the sensor to stop streaming");
    app.cmd(Command::SetPain(0)).await;
    let h0 = &app.view.history.sessions[0];
    assert_eq!((h0.done, h0.end), (3, EndReason::Completed));
    app.quit().await;

    // Next start: the remembered sensor is connected without asking.
    let mut app = App::start(config).await;
    let v = app.until(Duration::from_secs(15), |v| v.sensor.state == LinkState::Connected).await;
    assert_eq!((v.sensor.name.as_deref(), v.sensor.battery_pct), (Some("APS-A001"), Some(87)));
    app.cmd(Command::Forget).await;
    assert_eq!(app.view.pair.remembered, None);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_handled_while_a_bluetooth_scan_is_in_flight() {
    let _bluez = global();
    let dir = tempfile::tempdir().unwrap();
    let config = RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() };
    let mut app = App::start(config).await;
    app.cmd(Command::Scan).await;
    assert!(app.view.pair.scanning, "{:?}", app.view.pair);
    // The scan listens for 4 s; meanwhile the app answers every command.
    app.cmd(Command::SetPreset(PresetChoice::Custom)).await;
    app.cmd(Command::SetReps(3)).await;
    app.cmd(Command::Navigate(Screen::Settings)).await;
    assert_eq!((app.view.screen, app.view.settings.reps), (Screen::Settings, 3));
    assert!(app.view.pair.scanning, "handled while the scan was still in flight");
    app.until(Duration::from_secs(15), |v| !v.pair.scanning).await;
    app.quit().await;
}
