//! `anklepump scan` / `anklepump record` as a child process against a
//! BlueZ stand-in on its own private bus (DBUS_SYSTEM_BUS_ADDRESS set for
//! the child only), and their one-line failures.

use std::io::BufReader;
use std::process::{Command, Output};
use std::time::Duration;

use anklepump::sensor::capture::{CaptureReader, Record};
use anklepump::sensor::protocol::SensorConfig;

use crate::bluez::{trace, Bus, SensorSpec, StandIn};

fn anklepump(bus: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .args(args)
        .env("DBUS_SYSTEM_BUS_ADDRESS", bus)
        .env_remove("RUST_LOG")
        .output()
        .expect("run anklepump")
}

/// The failure is exactly one line on stderr, naming the problem.
fn assert_one_line_failure(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "must fail: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("anklepump: ") && err.contains(needle), "{err:?} should mention {needle:?}");
}

fn read_capture(path: &std::path::Path) -> (anklepump::sensor::capture::CaptureHeader, Vec<(u64, Vec<u8>)>) {
    let r = CaptureReader::new(BufReader::new(std::fs::File::open(path).expect("capture written"))).expect("capture");
    let header = r.header().clone();
    let recs = r
        .map(|r| match r.expect("readable") {
            Record::Notification { rx_ms, payload } => (rx_ms, payload),
            Record::BadLine { line_no } => panic!("bad line {line_no} in the recording"),
        })
        .collect();
    (header, recs)
}

#[test]
fn record_receives_a_published_200hz_capture_byte_identical_and_in_order() {
    let standin = StandIn::start();
    let (cfg, records) = trace("p09_clock_seq_wrap.apcap");
    let h = standin.add_sensor(SensorSpec::aps("APS-9BF1", "C0:FF:EE:01:9B:F1", cfg, records.clone()));
    let dir = tempfile::tempdir().expect("tmp");
    let out_path = dir.path().join("p09.apcap");
    let out = anklepump(
        &standin.bus.address,
        &[
            "record",
            "--device",
            "APS-9BF1",
            "--seconds",
            "10",
            "--side",
            "right",
            "--out",
            out_path.to_str().expect("utf8"),
        ],
    );
    assert!(out.status.success(), "record failed: {}", String::from_utf8_lossy(&out.stderr));
    let (header, got) = read_capture(&out_path);
    assert_eq!(header.config, cfg, "the config header is what the sensor reported");
    assert_eq!(cfg.rate_hz, 200);
    assert_eq!(header.device.as_deref(), Some("APS-9BF1"));
    assert_eq!(header.side, Some(anklepump::sensor::capture::Side::Right));
    // The sensor streams until `record` writes Stop, a moment after the
    // recording ends: those last notifications were never due.
    let sent = h.sent() as usize;
    assert!(sent > 120, "10 s of a 200 Hz stream: {sent} notifications");
    let expected: Vec<&Vec<u8>> = records.iter().take(got.len()).map(|r| &r.1).collect();
    assert_eq!(got.iter().map(|r| &r.1).collect::<Vec<_>>(), expected, "byte-identical, in order, none missing");
    assert!((got.len() + 3) * 1000 >= sent * 999, "received {} of {sent} payloads", got.len());
    assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "receive times never decrease");
    let last_ms = got.last().expect("records").0;
    assert!((9_000..=11_000).contains(&last_ms), "stamped with ms since the session began: {last_ms}");
}

#[test]
fn record_rides_out_a_link_loss_and_says_so() {
    let standin = StandIn::start();
    let (cfg, records) = trace("p09_clock_seq_wrap.apcap");
    let h = standin.add_sensor(SensorSpec::aps("APS-D0D0", "C0:FF:EE:01:D0:D0", cfg, records.clone()));
    let dir = tempfile::tempdir().expect("tmp");
    let out_path = dir.path().join("drop.apcap");
    let child = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .args(["record", "--seconds", "7", "--out", out_path.to_str().expect("utf8")])
        .env("DBUS_SYSTEM_BUS_ADDRESS", &standin.bus.address)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_secs(3));
    h.drop_link(Duration::from_secs(1));
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("reconnecting…") && err.contains("connected"), "the user is told: {err}");
    let (_, got) = read_capture(&out_path);
    let idx: Vec<usize> =
        got.iter().map(|g| records.iter().position(|r| r.1 == g.1).expect("a capture payload")).collect();
    let gaps = idx.windows(2).filter(|w| w[1] != w[0] + 1).count();
    assert_eq!(gaps, 1, "one gap, at the drop");
    assert!(idx.windows(2).all(|w| w[1] > w[0]), "in order across the drop");
    assert!(got.last().expect("records").0 > 5_500, "recording continued after the drop");
    assert!(h.connects() >= 2);
}

#[test]
fn scan_json_lists_the_sensor() {
    let standin = StandIn::start();
    let spec = SensorSpec::aps("APS-7E57", "C0:FF:EE:01:7E:57", SensorConfig::default(), Vec::new());
    standin.add_sensor(spec);
    let out = anklepump(&standin.bus.address, &["scan", "--seconds", "0.5", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "APS-7E57");
    assert_eq!(list[0]["id"], "C0:FF:EE:01:7E:57");
    assert_eq!(list[0]["rssi"], -58);
}

#[test]
fn no_dbus_is_a_one_line_error() {
    let out = anklepump("unix:path=/nonexistent/anklepump-test", &["record", "--seconds", "1", "--out", "/dev/null"]);
    assert_one_line_failure(&out, "no Bluetooth available");
    let out = anklepump("unix:path=/nonexistent/anklepump-test", &["scan", "--seconds", "0.2"]);
    assert_one_line_failure(&out, "no Bluetooth available");
}

#[test]
fn a_nonsense_duration_is_a_one_line_error() {
    let out = anklepump("unix:path=/nonexistent/anklepump-test", &["record", "--seconds", "NaN", "--out", "/dev/null"]);
    assert_one_line_failure(&out, "--seconds");
    let out = anklepump("unix:path=/nonexistent/anklepump-test", &["scan", "--seconds=-1"]);
    assert_one_line_failure(&out, "--seconds");
}

#[test]
fn a_bus_without_bluez_is_a_one_line_error() {
    let bus = Bus::start();
    let out = anklepump(&bus.address, &["scan", "--seconds", "0.2"]);
    assert_one_line_failure(&out, "BlueZ");
}

#[test]
fn no_sensor_is_a_one_line_error() {
    let standin = StandIn::start();
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("none.apcap");
    let out = anklepump(&standin.bus.address, &["record", "--seconds", "1", "--out", p.to_str().expect("utf8")]);
    assert_one_line_failure(&out, "no APS-1 sensor found");
    assert!(!p.exists(), "no capture for a session that never started");
}

#[test]
fn a_sensor_that_refuses_to_stream_is_a_one_line_error() {
    let standin = StandIn::start();
    let mut spec = SensorSpec::aps("APS-0BAD", "C0:FF:EE:01:0B:AD", SensorConfig::default(), Vec::new());
    spec.refuse_start = true;
    standin.add_sensor(spec);
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("refused.apcap");
    let out = anklepump(&standin.bus.address, &["record", "--seconds", "1", "--out", p.to_str().expect("utf8")]);
    assert_one_line_failure(&out, "could not carry out");
    assert!(!p.exists(), "no empty capture is left behind");
}
