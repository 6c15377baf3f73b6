//! The runtime with a real sensor, the link's side played by the test:
//! connect, stream a session whose notifications arrive as link events
//! (from the seeded simulator), survive "reconnecting…", stop streaming at
//! the end, and reconnect the remembered sensor at the next start.

use std::time::Duration;

use anklepump::core::sim::{Scenario, SimSensor};
use anklepump::link::{DeviceInfo, LinkEvent, LinkState as Wire};
use anklepump::runtime::sensor::Effect;
use anklepump::runtime::view::{LinkState, PresetChoice, SessionStage};
use anklepump::runtime::{Command, Now, Runtime, RuntimeConfig};

const ID: &str = "C0:FF:EE:00:00:01";

#[test]
fn a_real_sensor_session_runs_on_link_events_and_survives_reconnecting() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() };
    let mut now = Now::read();
    let mut rt = Runtime::new(cfg.clone(), now);
    rt.handle(Command::Connect(ID.into()), now);
    assert_eq!(rt.take_effects(), vec![Effect::Connect(ID.into())]);
    assert_eq!(rt.view().sensor.state, LinkState::Connecting);

    let scenario =
        Scenario { seed: 7, calib_s: 3.5, hold_dorsi_s: 2.4, hold_plantar_s: 2.4, ..Scenario::preset("demo").unwrap() };
    let mut sim = SimSensor::new(scenario).unwrap();
    let info = DeviceInfo { name: "APS-3F2A".into(), id: ID.into(), battery: Some(77), ..DeviceInfo::default() };
    rt.on_connected(ID, Ok((info, sim.config())), now);
    assert_eq!(rt.view().sensor.state, LinkState::Connected);
    assert_eq!(rt.view().sensor.battery_pct, Some(77));

    rt.handle(Command::SetPreset(PresetChoice::Custom), now);
    rt.handle(Command::SetReps(2), now);
    rt.handle(Command::SetHold(2), now);
    rt.handle(Command::StartSession, now);
    assert_eq!(rt.take_effects(), vec![Effect::StartStreaming { hold_s: 2.0 }]);
    assert_eq!(rt.view().session.stage, SessionStage::Running);

    let mut saw_reconnecting = false;
    for step in 1..=900 {
        let t = f64::from(step) * 0.1;
        now = now.plus(Duration::from_millis(100));
        if step == 100 {
            rt.on_link_event(LinkEvent::State(Wire::Reconnecting), now);
            saw_reconnecting = rt.view().sensor.state == LinkState::Reconnecting;
        }
        if step == 120 {
            rt.on_link_event(LinkEvent::State(Wire::Connected), now);
            assert!(!rt.view().sensor.state.reconnecting(), "the session resumes when the link is back");
        }
        for n in sim.next_notifications(t) {
            let rx_ms = (n.at_s * 1000.0) as u64;
            if (100..120).contains(&step) {
                continue; // nothing arrives while the link is down
            }
            rt.on_link_event(LinkEvent::Imu { rx_ms, payload: n.payload }, now);
        }
        if rt.view().session.stage != SessionStage::Running {
            break;
        }
    }
    assert!(saw_reconnecting, "the session screen showed reconnecting…");
    assert_eq!(rt.view().session.stage, SessionStage::AskPain);
    assert_eq!(rt.view().session.reps.len(), 2);
    assert_eq!(rt.take_effects(), vec![Effect::StopStreaming]);
    rt.handle(Command::SetPain(1), now);
    assert_eq!(rt.view().history.sessions[0].done, 2);
    drop(rt);

    let mut rt = Runtime::new(cfg, Now::read());
    assert_eq!(rt.take_effects(), vec![Effect::Connect(ID.into())], "the remembered sensor is reconnected at start");
    rt.handle(Command::Forget, Now::read());
    assert_eq!(rt.view().pair.remembered, None);
}

#[test]
fn identify_needs_the_sensor_connected_and_scan_failures_keep_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = RuntimeConfig { db: Some(dir.path().join("app.sqlite3")), ..Default::default() };
    let now = Now::read();
    let mut rt = Runtime::new(cfg, now);
    rt.handle(Command::Identify(ID.into()), now);
    assert!(rt.take_effects().is_empty());
    assert_eq!(rt.view().pair.message.as_deref(), Some("Connect to that sensor first, then Identify."));
    rt.handle(Command::Scan, now);
    assert_eq!(rt.take_effects(), vec![Effect::Scan]);
    rt.on_scan(Err(anklepump::link::LinkError::NoAdapter));
    assert!(rt.view().pair.message.as_deref().unwrap().contains("The demo sensor is still available."));
    assert!(rt.view().pair.devices.iter().any(|d| d.demo));
}
