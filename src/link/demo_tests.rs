//! Unit tests of the demo sensor (kept beside `demo.rs`): replay timing,
//! byte identity, and the knobs (link loss, drops, malformed, refusals).

use super::*;
use crate::link::ReplaySource;
use crate::sensor::capture::{format_header, format_record};
use crate::sensor::protocol::{ImuPacket, RawSample};

/// A 50 Hz capture with one sample per notification, 20 ms apart.
fn capture(n: u16) -> (String, Vec<Vec<u8>>) {
    let cfg = SensorConfig::default();
    let mut s = format_header(cfg, Some("APS-D3M0"), None, &[]);
    let mut payloads = Vec::new();
    for i in 0..n {
        let p =
            ImuPacket { seq: i, time_us: u32::from(i) * 20_000, samples: vec![RawSample([i as i16, 0, 0, 0, 0, 0])] }
                .encode();
        s.push_str(&format_record(100 + u64::from(i) * 20, &p));
        payloads.push(p);
    }
    (s, payloads)
}

fn demo(n: u16, speed: f64) -> (DemoLink, Vec<Vec<u8>>) {
    let (text, payloads) = capture(n);
    let src = ReplaySource::from_reader(text.as_bytes()).expect("capture");
    (DemoLink::new(Box::new(src)).with_speed(speed), payloads)
}

async fn drain(rx: &mut UnboundedReceiver<LinkEvent>, d: Duration) -> Vec<LinkEvent> {
    let end = Instant::now() + d;
    let mut out = Vec::new();
    while let Ok(Some(ev)) = tokio::time::timeout_at(end, rx.recv()).await {
        out.push(ev);
    }
    out
}

fn imu(evs: &[LinkEvent]) -> Vec<Vec<u8>> {
    evs.iter()
        .filter_map(|e| if let LinkEvent::Imu { payload, .. } = e { Some(payload.clone()) } else { None })
        .collect()
}

#[test]
fn replay_hands_out_notifications_up_to_the_asked_time_once() {
    let (text, payloads) = capture(10);
    let mut src = ReplaySource::from_reader(text.as_bytes()).expect("capture");
    assert_eq!(src.name().as_deref(), Some("APS-D3M0"));
    let first = src.next(0.05);
    assert_eq!(first.iter().map(|r| r.1.clone()).collect::<Vec<_>>(), payloads[..3].to_vec());
    assert_eq!(first[0].0, 0.0, "replay starts at the first notification");
    let rest = src.next(10.0);
    assert_eq!(rest.len(), 7);
    assert!(src.next(20.0).is_empty());
}

#[tokio::test]
async fn the_demo_sensor_streams_the_capture_byte_identical_and_in_order() {
    let (mut link, payloads) = demo(100, 20.0);
    let found = link.scan(Duration::ZERO).await.expect("scan");
    assert_eq!(found[0].name, "APS-D3M0");
    let info = link.connect("demo").await.expect("connect");
    assert_eq!(info.name, "APS-D3M0");
    let mut rx = link.take_events().expect("events");
    assert_eq!(link.read_config().await.expect("config"), SensorConfig::default());
    link.start_streaming().await.expect("start");
    let evs = drain(&mut rx, Duration::from_millis(400)).await;
    assert_eq!(imu(&evs), payloads, "2 s of capture at 20x in 0.4 s");
    assert_eq!(evs[0], LinkEvent::State(LinkState::Connecting));
    assert!(evs.contains(&LinkEvent::State(LinkState::Connected)));
    let stamps: Vec<u64> =
        evs.iter().filter_map(|e| if let LinkEvent::Imu { rx_ms, .. } = e { Some(*rx_ms) } else { None }).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "receive times never decrease");
}

#[tokio::test]
async fn a_lost_link_reconnects_and_streaming_carries_on() {
    let (mut link, payloads) = demo(500, 5.0);
    let ctl = link.control();
    link.connect("demo").await.expect("connect");
    let mut rx = link.take_events().expect("events");
    link.start_streaming().await.expect("start");
    let before = imu(&drain(&mut rx, Duration::from_millis(300)).await);
    ctl.lose_link(Duration::from_millis(400));
    let evs = drain(&mut rx, Duration::from_millis(1500)).await;
    let states: Vec<_> = evs.iter().filter(|e| matches!(e, LinkEvent::State(_))).cloned().collect();
    assert_eq!(states, [LinkEvent::State(LinkState::Reconnecting), LinkEvent::State(LinkState::Connected)]);
    let after = imu(&evs);
    assert!(!before.is_empty() && !after.is_empty(), "streamed before ({}) and after ({})", before.len(), after.len());
    let first_after = payloads.iter().position(|p| *p == after[0]).expect("a capture payload");
    assert!(first_after > before.len() + 50, "what was sent while away is lost, time went on");
}

#[tokio::test]
async fn dropped_and_malformed_notifications_follow_the_knobs() {
    let (mut link, payloads) = demo(100, 20.0);
    let ctl = link.control();
    link.connect("demo").await.expect("connect");
    let mut rx = link.take_events().expect("events");
    ctl.drop_packets(3);
    ctl.send_malformed(2);
    link.start_streaming().await.expect("start");
    let got = imu(&drain(&mut rx, Duration::from_millis(400)).await);
    assert_eq!(got.len(), payloads.len() - 3 + 2);
    let bad: Vec<_> = got.iter().filter(|p| ImuPacket::decode(p).is_err()).collect();
    assert_eq!(bad.len(), 2, "two malformed notifications");
    assert_eq!(got[0], payloads[3], "the first three were lost");
}

#[tokio::test]
async fn config_writes_while_streaming_are_refused_and_identify_is_counted() {
    let (mut link, _) = demo(10, 1.0);
    assert!(matches!(link.identify().await, Err(LinkError::NotConnected)));
    link.connect("APS-D3M0").await.expect("connect by name");
    link.identify().await.expect("identify");
    assert_eq!(link.control().identifies(), 1);
    link.write_config(SensorConfig::default()).await.expect("same config while idle");
    link.start_streaming().await.expect("start");
    let e = link.write_config(SensorConfig::default()).await.expect_err("refused");
    assert!(e.to_string().contains("refused"), "{e}");
    assert!(matches!(link.connect("APS-OTHER").await, Err(LinkError::NotFound(_))));
}

#[tokio::test]
async fn the_simulated_person_streams_pumps_that_the_pipeline_counts() {
    use crate::core::pipeline::{Event, Pipeline};
    use crate::core::sim::{Scenario, SimSensor};
    let mut sc = Scenario::preset("lying").expect("preset");
    sc.sets = vec![3];
    sc.seed = 7;
    let sim = SimSensor::new(sc).expect("scenario");
    let mut link = DemoLink::new(Box::new(sim)).with_speed(40.0);
    link.connect("demo").await.expect("connect");
    let mut rx = link.take_events().expect("events");
    let cfg = link.read_config().await.expect("config");
    link.start_streaming().await.expect("start");
    let mut p = Pipeline::new(cfg);
    let mut reps = 0;
    let end = Instant::now() + Duration::from_secs(4);
    while reps < 3 {
        match tokio::time::timeout_at(end, rx.recv()).await {
            Ok(Some(LinkEvent::Imu { rx_ms, payload })) => {
                reps += p.push_notification(rx_ms, &payload).iter().filter(|e| matches!(e, Event::Rep(_))).count()
            }
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    assert_eq!(reps, 3, "three simulated pumps arrive as three reps");
}

#[tokio::test(start_paused = true)]
async fn a_replay_at_its_end_says_it_stopped_streaming_after_its_last_notification() {
    let (mut link, payloads) = demo(20, 20.0);
    link.connect("demo").await.expect("connect");
    let mut rx = link.take_events().expect("events");
    link.start_streaming().await.expect("start");
    let evs = drain(&mut rx, Duration::from_millis(300)).await;
    let stopped = LinkEvent::Status(Status { streaming: false, charging: false, worn: true });
    let started = LinkEvent::Status(Status { streaming: true, charging: false, worn: true });
    let at = |e: &LinkEvent| evs.iter().rposition(|x| x == e);
    let last_imu = evs.iter().rposition(|e| matches!(e, LinkEvent::Imu { .. }));
    assert_eq!(imu(&evs), payloads);
    assert!(at(&started).is_some(), "{evs:?}");
    assert!(at(&stopped) > last_imu, "stopped after the last notification: {evs:?}");
}

#[tokio::test(start_paused = true)]
async fn while_stopped_nothing_is_sent_and_time_goes_on() {
    let (mut link, payloads) = demo(200, 10.0);
    link.connect("demo").await.expect("connect");
    let mut rx = link.take_events().expect("events");
    link.start_streaming().await.expect("start");
    let first = imu(&drain(&mut rx, Duration::from_millis(100)).await);
    link.stop_streaming().await.expect("stop");
    let idle = imu(&drain(&mut rx, Duration::from_millis(300)).await);
    link.start_streaming().await.expect("start again");
    let again = imu(&drain(&mut rx, Duration::from_millis(100)).await);
    assert!(idle.len() <= 1, "at most one in flight after Stop: {}", idle.len());
    let resumed_at = payloads.iter().position(|p| Some(p) == again.first()).expect("a capture payload");
    assert!(resumed_at > first.len() + idle.len() + 100, "no backlog after a pause: resumed at {resumed_at}");
}

#[tokio::test(start_paused = true)]
async fn a_new_source_starts_from_its_beginning_and_a_planned_loss_comes_on_time() {
    let (mut link, payloads) = demo(200, 10.0);
    let ctl = link.control();
    link.connect("demo").await.expect("connect");
    let mut rx = link.take_events().expect("events");
    link.start_streaming().await.expect("start");
    drain(&mut rx, Duration::from_millis(200)).await;
    link.stop_streaming().await.expect("stop");
    let (text, _) = capture(200);
    link.set_source(Box::new(ReplaySource::from_reader(text.as_bytes()).expect("capture")));
    ctl.lose_link_after(Duration::from_millis(150), Duration::from_millis(300));
    link.start_streaming().await.expect("start");
    let evs = drain(&mut rx, Duration::from_millis(100)).await;
    assert_eq!(imu(&evs).first(), Some(&payloads[0]), "the new source plays from its start");
    assert!(!evs.contains(&LinkEvent::State(LinkState::Reconnecting)), "not yet");
    let evs = drain(&mut rx, Duration::from_millis(900)).await;
    let states: Vec<_> = evs.iter().filter(|e| matches!(e, LinkEvent::State(_))).cloned().collect();
    assert_eq!(states, [LinkEvent::State(LinkState::Reconnecting), LinkEvent::State(LinkState::Connected)]);
}
