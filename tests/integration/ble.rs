//! The real btleplug link (`anklepump::link::BleLink`) driven in-process
//! against the BlueZ stand-in: scan, device information, streaming at
//! 200 Hz without loss, forced link loss and automatic resume with reps
//! continuing, malformed notifications, identify, refusals.

use std::time::Duration;

use anklepump::core::analysis::analyze;
use anklepump::core::pipeline::{Event, Pipeline};
use anklepump::core::reps::Rep;
use anklepump::link::{BleLink, CaptureRecorder, Link, LinkError, LinkEvent, LinkState};
use anklepump::sensor::protocol::{CpResult, ImuPacket, Opcode, SensorConfig};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{timeout, Instant};

use crate::bluez::{global, trace, SensorHandle, SensorSpec};

/// Adds a sensor replaying `trace_name` to the shared stand-in.
fn sensor(name: &str, addr: &str, trace_name: &str, tweak: impl FnOnce(&mut SensorSpec)) -> SensorHandle {
    let (cfg, records) = trace(trace_name);
    let mut spec = SensorSpec::aps(name, addr, cfg, records);
    tweak(&mut spec);
    global().add_sensor(spec)
}

async fn link() -> BleLink {
    global();
    BleLink::new().await.expect("btleplug reaches the stand-in").with_reconnect_give_up(Duration::from_secs(20))
}

/// Collects events for `d`.
async fn collect(rx: &mut UnboundedReceiver<LinkEvent>, d: Duration) -> Vec<LinkEvent> {
    let end = Instant::now() + d;
    let mut out = Vec::new();
    while let Ok(Some(ev)) = tokio::time::timeout_at(end, rx.recv()).await {
        out.push(ev);
    }
    out
}

fn payloads(evs: &[LinkEvent]) -> Vec<Vec<u8>> {
    evs.iter()
        .filter_map(|e| match e {
            LinkEvent::Imu { payload, .. } => Some(payload.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_lists_aps_sensors_with_signal_and_skips_other_devices() {
    let _h = sensor("APS-5CA1", "C0:FF:EE:00:00:01", "p01_lying_clean.apcap", |_| {});
    let mut l = link().await;
    let found = l.scan(Duration::from_millis(500)).await.expect("scan");
    let me = found.iter().find(|f| f.name == "APS-5CA1").expect("our sensor is listed");
    assert_eq!(me.id, "C0:FF:EE:00:00:01");
    assert_eq!(me.rssi, Some(-58));
    assert!(found.iter().all(|f| f.name.starts_with("APS-")), "non-APS devices are filtered out: {found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_200hz_without_loss_then_resumes_after_a_forced_drop() {
    let (cfg, records) = trace("p09_clock_seq_wrap.apcap");
    let h = sensor("APS-0209", "C0:FF:EE:00:02:09", "p09_clock_seq_wrap.apcap", |_| {});
    let mut l = link().await;
    let info = l.connect("APS-0209").await.expect("connect");
    assert_eq!(info.model.as_deref(), Some("APS-1"));
    assert_eq!(info.manufacturer.as_deref(), Some("APS"));
    assert_eq!(info.firmware.as_deref(), Some("1.4.2"));
    assert_eq!(info.battery, Some(87));
    let mut rx = l.take_events().expect("events");
    let read = l.read_config().await.expect("config");
    assert_eq!(read, cfg, "the scales come from the sensor");
    assert_eq!(read.rate_hz, 200);
    l.start_streaming().await.expect("start");

    let mut evs = collect(&mut rx, Duration::from_secs(10)).await;
    let sent = h.sent() as usize;
    // What was in flight at the 10 s mark.
    evs.extend(collect(&mut rx, Duration::from_millis(200)).await);
    let got = payloads(&evs);
    let expect: Vec<Vec<u8>> = records.iter().take(got.len()).map(|r| r.1.clone()).collect();
    assert!(sent > 120, "10 s at 200 Hz / 14 samples per notification: sent {sent}");
    assert_eq!(got, expect, "every payload arrives byte-identical and in order");
    assert!(got.len() >= sent, "nothing the sensor sent in 10 s was lost: {} of {sent}", got.len());

    h.drop_link(Duration::from_secs(1));
    let evs = collect(&mut rx, Duration::from_secs(5)).await;
    let states: Vec<LinkState> =
        evs.iter().filter_map(|e| if let LinkEvent::State(s) = e { Some(*s) } else { None }).collect();
    assert_eq!(states, [LinkState::Reconnecting, LinkState::Connected], "the user sees reconnecting…, then connected");
    let after = payloads(&evs);
    assert!(after.len() > 30, "streaming resumed: {} notifications", after.len());
    // Resumed payloads are a contiguous later run of the capture.
    let first = records.iter().position(|r| r.1 == after[0]).expect("a capture payload");
    assert!(first > expect.len());
    assert_eq!(after, records[first..first + after.len()].iter().map(|r| r.1.clone()).collect::<Vec<_>>());
    let (back, resumed) = h.resume_times();
    let (back, resumed) = (back.expect("dropped"), resumed.expect("resumed"));
    assert!(resumed - back < Duration::from_secs(3), "resumed {:?} after the sensor reappeared", resumed - back);
    l.disconnect().await.expect("disconnect");
}

/// Feeds link events to the pipeline (and the session's capture),
/// collecting reps.
fn feed(pipeline: &mut Pipeline, rec: &mut CaptureRecorder, evs: Vec<LinkEvent>, reps: &mut Vec<Rep>) {
    for ev in evs {
        rec.record_event(&ev).expect("record");
        if let LinkEvent::Imu { rx_ms, payload } = ev {
            for e in pipeline.push_notification(rx_ms, &payload) {
                if let Event::Rep(r) = e {
                    reps.push(r);
                }
            }
        }
    }
}

/// Streams `trace_name` in real time, interrupts it after `first` with
/// `interrupt`, streams `second` more; returns (reps before, all reps, pipeline).
async fn session_across(
    name: &str,
    addr: &str,
    tweak: impl FnOnce(&mut SensorSpec),
    first: Duration,
    interrupt: impl FnOnce(&SensorHandle),
    second: Duration,
) -> (Vec<Rep>, Vec<Rep>, Pipeline) {
    let h = sensor(name, addr, "p05_fast_jerky_30.apcap", tweak);
    let mut l = link().await;
    l.connect(addr).await.expect("connect by address");
    let mut rx = l.take_events().expect("events");
    let cfg = l.read_config().await.expect("config");
    let mut pipeline = Pipeline::new(cfg);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("session.apcap");
    let mut rec = CaptureRecorder::create(&path, cfg, Some(name), None, &[]).expect("capture");
    l.start_streaming().await.expect("start");
    let mut reps = Vec::new();
    feed(&mut pipeline, &mut rec, collect(&mut rx, first).await, &mut reps);
    let before = reps.clone();
    interrupt(&h);
    feed(&mut pipeline, &mut rec, collect(&mut rx, second).await, &mut reps);
    l.disconnect().await.expect("disconnect");
    rec.finish().expect("finish");
    // The session's capture re-analyses to the same reps (for bug reports).
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("open"));
    let again = analyze(file, false).expect("analyze").analysis.reps;
    let key = |r: &Rep| [r.start_s, r.end_s, r.rom_deg].map(|v| (v * 100.0).round() as i64);
    let (again, live): (Vec<_>, Vec<_>) = (again.iter().map(key).collect(), reps.iter().map(key).collect());
    assert!(again.len() >= live.len() && again[..live.len()] == live[..], "{again:?}\n vs {live:?}");
    (before, reps, pipeline)
}

fn assert_reps_continue(before: &[Rep], reps: &[Rep]) {
    assert!(before.len() >= 2, "reps before the interruption: {}", before.len());
    assert_eq!(&reps[..before.len()], before, "no rep already counted is lost");
    assert!(reps.len() >= before.len() + 2, "counting continues: {} → {}", before.len(), reps.len());
    let last_before = before.last().expect("rep").end_s;
    let spans: Vec<(f64, f64)> = reps.iter().map(|r| (r.start_s, r.end_s)).collect();
    assert!(reps[before.len()].start_s >= last_before, "the session timeline continues: {spans:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reps_counted_before_a_link_loss_stay_counted_and_counting_continues() {
    let (before, reps, p) = session_across(
        "APS-4E95",
        "C0:FF:EE:00:4E:95",
        |_| {},
        Duration::from_millis(6500),
        |h| h.drop_link(Duration::from_secs(1)),
        Duration::from_secs(7),
    )
    .await;
    assert_reps_continue(&before, &reps);
    let c = p.counters();
    assert_eq!(c.reboots, 0);
    assert!(c.lost_samples >= 100, "the gap (≥ 1 s at 100 Hz) shows as lost samples: {c:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_reboot_mid_session_is_bridged_and_reps_continue() {
    let (before, reps, p) = session_across(
        "APS-B007",
        "C0:FF:EE:00:B0:07",
        |_| {},
        Duration::from_millis(6500),
        |h| h.reboot(Duration::from_secs(1)),
        Duration::from_secs(7),
    )
    .await;
    assert_reps_continue(&before, &reps);
    assert_eq!(p.counters().reboots, 1, "{:?}", p.counters());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_bluez_forgot_is_found_again_by_scanning() {
    let (cfg, _) = trace("p09_clock_seq_wrap.apcap");
    let h = sensor("APS-F0E7", "C0:FF:EE:00:F0:E7", "p09_clock_seq_wrap.apcap", |s| s.forget_on_loss = true);
    let mut l = link().await;
    l.connect("APS-F0E7").await.expect("connect");
    let mut rx = l.take_events().expect("events");
    l.start_streaming().await.expect("start");
    let before = payloads(&collect(&mut rx, Duration::from_secs(2)).await);
    h.drop_link(Duration::from_secs(1));
    let evs = collect(&mut rx, Duration::from_secs(5)).await;
    assert!(evs.contains(&LinkEvent::State(LinkState::Reconnecting)));
    assert!(evs.contains(&LinkEvent::State(LinkState::Connected)), "{:?}", &evs[..evs.len().min(5)]);
    assert!(!before.is_empty() && payloads(&evs).len() > 10, "streaming resumed");
    assert_eq!(l.read_config().await.expect("config after re-discovery"), cfg);
    l.disconnect().await.expect("disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_notifications_are_delivered_and_counted_not_fatal() {
    let h = sensor("APS-BAD1", "C0:FF:EE:00:BA:D1", "p09_clock_seq_wrap.apcap", |s| {
        s.speed = 4.0;
        s.malformed_every = Some(10);
    });
    let mut l = link().await;
    l.connect("APS-BAD1").await.expect("connect");
    let mut rx = l.take_events().expect("events");
    let mut pipeline = Pipeline::new(l.read_config().await.expect("config"));
    l.start_streaming().await.expect("start");
    let evs = collect(&mut rx, Duration::from_secs(3)).await;
    l.stop_streaming().await.expect("stop");
    let evs = [evs, collect(&mut rx, Duration::from_millis(300)).await].concat();
    let (mut valid, mut valid_samples) = (0u64, 0u64);
    for ev in &evs {
        if let LinkEvent::Imu { rx_ms, payload } = ev {
            if let Ok(p) = ImuPacket::decode(payload) {
                valid += 1;
                valid_samples += p.samples.len() as u64;
            }
            pipeline.push_notification(*rx_ms, payload);
        }
    }
    let c = pipeline.counters();
    assert!(h.malformed_sent() >= 10, "malformed sent: {}", h.malformed_sent());
    assert_eq!(c.malformed_packets, h.malformed_sent(), "every malformed notification is counted");
    assert_eq!(valid, h.sent(), "the valid ones all arrive");
    assert_eq!(c.samples, valid_samples, "and all reach the pipeline: {c:?}");
    assert!(!h.streaming(), "stop was acted on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identify_is_confirmed_by_the_sensor() {
    let h = sensor("APS-1D00", "C0:FF:EE:00:1D:00", "p01_lying_clean.apcap", |_| {});
    let mut l = link().await;
    l.connect("APS-1D00").await.expect("connect");
    l.identify().await.expect("identify");
    assert_eq!(h.identifies(), 1);
    l.disconnect().await.expect("disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_writes_are_refused_while_streaming_with_a_readable_error() {
    let _h = sensor("APS-C0F1", "C0:FF:EE:00:C0:F1", "p01_lying_clean.apcap", |_| {});
    let mut l = link().await;
    l.connect("APS-C0F1").await.expect("connect");
    let new = SensorConfig { rate_hz: 100, accel_range_g: 4, gyro_range_dps: 1000 };
    l.write_config(new).await.expect("allowed while idle");
    assert_eq!(l.read_config().await.expect("config"), new);
    let bad = SensorConfig { rate_hz: 30, ..new };
    let e = l.write_config(bad).await.expect_err("30 Hz is not allowed");
    assert!(matches!(e, LinkError::Refused(_)), "{e}");
    l.start_streaming().await.expect("start");
    let e = l.write_config(SensorConfig::default()).await.expect_err("refused while streaming");
    let msg = e.to_string();
    assert!(msg.contains("refused") && msg.contains("while streaming"), "{msg}");
    assert_eq!(l.read_config().await.expect("config"), new, "the refused write changed nothing");
    l.disconnect().await.expect("disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_that_refuses_start_gives_a_readable_error() {
    let _h = sensor("APS-0FF0", "C0:FF:EE:00:0F:F0", "p01_lying_clean.apcap", |s| s.refuse_start = true);
    let mut l = link().await;
    l.connect("APS-0FF0").await.expect("connect");
    let e = l.start_streaming().await.expect_err("refused");
    assert!(matches!(e, LinkError::Command { op: Opcode::StartStreaming, result: CpResult::Failed }), "{e}");
    assert!(e.to_string().contains("could not carry out"), "{e}");
    let r = timeout(Duration::from_secs(5), l.disconnect()).await;
    assert!(matches!(r, Ok(Ok(()))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_information_and_battery_are_optional() {
    let h = sensor("APS-0D15", "C0:FF:EE:00:0D:15", "p09_clock_seq_wrap.apcap", |s| s.hide_dis_battery = true);
    let mut l = link().await;
    let info = l.connect("APS-0D15").await.expect("connects without DIS and Battery");
    assert_eq!((info.model, info.firmware, info.battery), (None, None, None));
    assert_eq!(info.name, "APS-0D15");
    let mut rx = l.take_events().expect("events");
    l.start_streaming().await.expect("start");
    let got = payloads(&collect(&mut rx, Duration::from_secs(1)).await);
    assert!(!got.is_empty() && got.len() as u64 == h.sent(), "streams all the same");
    l.disconnect().await.expect("disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_loss_bluez_never_announces_is_noticed_and_recovered() {
    let h = sensor("APS-5113", "C0:FF:EE:00:51:13", "p09_clock_seq_wrap.apcap", |s| s.silent_loss = true);
    let mut l = link().await;
    l.connect("APS-5113").await.expect("connect");
    let mut rx = l.take_events().expect("events");
    l.start_streaming().await.expect("start");
    let before = payloads(&collect(&mut rx, Duration::from_secs(1)).await);
    h.drop_link(Duration::from_secs(1));
    let evs = collect(&mut rx, Duration::from_secs(8)).await;
    assert!(evs.contains(&LinkEvent::State(LinkState::Reconnecting)), "the silence is noticed");
    assert!(evs.contains(&LinkEvent::State(LinkState::Connected)));
    assert!(!before.is_empty() && payloads(&evs).len() > 10, "streaming resumed");
    l.disconnect().await.expect("disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_already_under_way_is_waited_for() {
    let h = sensor("APS-2C2C", "C0:FF:EE:00:2C:2C", "p01_lying_clean.apcap", |_| {});
    let (mut a, mut b) = (link().await, link().await);
    let (ra, rb) = tokio::join!(a.connect("APS-2C2C"), b.connect("APS-2C2C"));
    ra.expect("first connect");
    rb.expect("second connect waits for the first (BlueZ says InProgress)");
    assert_eq!(h.connects(), 1, "one link-layer connection");
    assert_eq!(b.read_config().await.expect("config"), a.read_config().await.expect("config"));
}
