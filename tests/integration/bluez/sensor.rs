//! The simulated APS-1 behind the stand-in's GATT objects: its state, the
//! replay clock that streams a capture's payloads at their recorded times,
//! and the knobs (link loss, malformed notifications, refused Start).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anklepump::sensor::protocol::{ImuPacket, SensorConfig, Status};
use tokio::time::Instant;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::Value;
use zbus::Connection;

/// What the stand-in serves as one sensor.
#[derive(Clone)]
pub(crate) struct SensorSpec {
    pub name: String,
    /// `AA:BB:CC:DD:EE:FF`.
    pub address: String,
    pub config: SensorConfig,
    /// (ms from the first notification, payload) to stream after Start.
    pub records: Vec<(u64, Vec<u8>)>,
    /// Replay speed (1.0 = the capture's own timing).
    pub speed: f64,
    /// After every `n`-th notification, also send a malformed one.
    pub malformed_every: Option<u32>,
    /// Answer Start with "operation failed".
    pub refuse_start: bool,
    /// Advertised service UUIDs (the decoy uses others).
    pub uuids: Vec<String>,
    /// Serve the GATT services (false for a decoy).
    pub gatt: bool,
    /// On link loss BlueZ forgets the device (its objects go away until the
    /// sensor advertises again), so the app must scan again.
    pub forget_on_loss: bool,
    /// BlueZ keeps Device Information and Battery to itself (some versions do).
    pub hide_dis_battery: bool,
    /// A link loss BlueZ does not announce (no PropertiesChanged).
    pub silent_loss: bool,
}

impl SensorSpec {
    pub(crate) fn aps(name: &str, address: &str, config: SensorConfig, records: Vec<(u64, Vec<u8>)>) -> Self {
        SensorSpec {
            name: name.into(),
            address: address.into(),
            config,
            records,
            speed: 1.0,
            malformed_every: None,
            refuse_start: false,
            uuids: vec![
                "858e0001-6e91-49be-84ce-adf663d09d37".into(),
                "0000180a-0000-1000-8000-00805f9b34fb".into(),
                "0000180f-0000-1000-8000-00805f9b34fb".into(),
            ],
            gatt: true,
            forget_on_loss: false,
            hide_dis_battery: false,
            silent_loss: false,
        }
    }
}

/// The characteristics of the APS-1 profile.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Kind {
    Manufacturer,
    Model,
    Serial,
    Firmware,
    Battery,
    Imu,
    ControlPoint,
    Config,
    Status,
}

/// The sensor's clock as the replay reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Clock {
    /// The capture's own sequence numbers and times.
    Original,
    /// Rebooted: the next payload restarts sequence and time.
    Rebooted,
    /// After a reboot: subtract these from sequence number and time.
    Rebased(u16, u32),
}

pub(crate) struct State {
    pub spec: SensorSpec,
    pub config: SensorConfig,
    pub connected: bool,
    pub connecting: bool,
    pub away_until: Option<Instant>,
    pub streaming: bool,
    pub notifying: HashSet<Kind>,
    /// Object path of each characteristic (for notifications).
    pub paths: HashMap<Kind, String>,
    pub device_path: String,
    /// Replay clock origin (first Start); keeps running across link losses.
    pub origin: Option<Instant>,
    pub pos: usize,
    /// Bumped on every Start/Stop/loss so stale streaming tasks end.
    pub generation: u64,
    pub clock: Clock,
    pub sent: u64,
    pub malformed_sent: u64,
    pub identifies: u32,
    pub connects: u32,
    pub reappeared_at: Option<Instant>,
    pub first_after_reconnect: Option<Instant>,
}

pub(crate) type Shared = Arc<Mutex<State>>;

pub(crate) fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub(crate) fn new(spec: SensorSpec, device_path: String) -> Self {
        State {
            config: spec.config,
            spec,
            connected: false,
            connecting: false,
            away_until: None,
            streaming: false,
            notifying: HashSet::new(),
            paths: HashMap::new(),
            device_path,
            origin: None,
            pos: 0,
            generation: 0,
            clock: Clock::Original,
            sent: 0,
            malformed_sent: 0,
            identifies: 0,
            connects: 0,
            reappeared_at: None,
            first_after_reconnect: None,
        }
    }
    pub(crate) fn away(&self) -> bool {
        self.away_until.is_some_and(|t| Instant::now() < t)
    }
    pub(crate) fn status(&self) -> Vec<u8> {
        Status { streaming: self.streaming, charging: false, worn: true }.encode().to_vec()
    }
    /// Replay position in capture ms.
    fn now_ms(&self) -> u64 {
        self.origin.map_or(0, |o| ((Instant::now() - o).as_secs_f64() * 1e3 * self.spec.speed) as u64)
    }
    /// Start: the replay clock starts (first time) or skips what was "sent"
    /// while the link was down.
    pub(crate) fn start(&mut self) -> u64 {
        if self.origin.is_none() {
            self.origin = Some(Instant::now());
        } else {
            let now = self.now_ms();
            while self.pos < self.spec.records.len() && self.spec.records[self.pos].0 < now {
                self.pos += 1;
            }
        }
        self.streaming = true;
        self.generation += 1;
        self.generation
    }
}

impl State {
    /// Rewrites a payload's sequence number and time after a reboot (the
    /// sensor's clock restarted 1 s before its first notification).
    fn rebase(&mut self, payload: Vec<u8>) -> Vec<u8> {
        let Ok(mut pkt) = ImuPacket::decode(&payload) else { return payload };
        let (seq0, t0) = match self.clock {
            Clock::Original => return payload,
            Clock::Rebooted => (pkt.seq, pkt.time_us.wrapping_sub(1_000_000)),
            Clock::Rebased(s, t) => (s, t),
        };
        self.clock = Clock::Rebased(seq0, t0);
        pkt.seq = pkt.seq.wrapping_sub(seq0);
        pkt.time_us = pkt.time_us.wrapping_sub(t0);
        pkt.encode()
    }
}

/// Emits `PropertiesChanged(iface, {name: value})` on `path`.
pub(crate) async fn changed(conn: &Connection, path: &str, iface: &'static str, props: Vec<(&'static str, Value<'_>)>) {
    let Ok(emitter) = SignalEmitter::new(conn, path.to_string()) else { return };
    let props: HashMap<&str, Value<'_>> = props.into_iter().collect();
    let name = zbus::names::InterfaceName::from_static_str_unchecked(iface);
    let _ = zbus::fdo::Properties::properties_changed(&emitter, name, props, std::borrow::Cow::Borrowed(&[])).await;
}

/// A characteristic value notification (what BlueZ turns a notification or
/// indication into).
pub(crate) async fn notify(conn: &Connection, path: &str, value: Vec<u8>) {
    changed(conn, path, "org.bluez.GattCharacteristic1", vec![("Value", Value::from(value))]).await;
}

/// Streams the replay while this Start's generation lasts.
pub(crate) async fn stream(st: Shared, conn: Connection, generation: u64) {
    let mut every = 0u32;
    loop {
        let (due, imu_path, wait, malformed_every) = {
            let mut s = lock(&st);
            if s.generation != generation || !s.streaming || !s.connected {
                return;
            }
            let now = s.now_ms();
            let mut due = Vec::new();
            while s.pos < s.spec.records.len() && s.spec.records[s.pos].0 <= now {
                let p = s.spec.records[s.pos].1.clone();
                let p = s.rebase(p);
                due.push(p);
                s.pos += 1;
            }
            let wait = match s.spec.records.get(s.pos) {
                Some((ms, _)) => Duration::from_secs_f64(((ms - now) as f64 / 1e3 / s.spec.speed).min(0.05)),
                None => Duration::from_millis(50),
            };
            let path = s.notifying.contains(&Kind::Imu).then(|| s.paths[&Kind::Imu].clone());
            if path.is_some() && !due.is_empty() {
                s.sent += due.len() as u64;
                if s.first_after_reconnect.is_none() && s.reappeared_at.is_some() {
                    s.first_after_reconnect = Some(Instant::now());
                }
            }
            (due, path, wait, s.spec.malformed_every)
        };
        if let Some(path) = imu_path {
            for payload in due {
                let bad = malformed_every.filter(|n| {
                    every += 1;
                    every.is_multiple_of(*n)
                });
                if bad.is_some() {
                    let mut b = payload.clone();
                    b[0] = 0x7f; // not format 0x01
                    notify(&conn, &path, payload).await;
                    notify(&conn, &path, b).await;
                    lock(&st).malformed_sent += 1;
                } else {
                    notify(&conn, &path, payload).await;
                }
            }
        }
        tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
    }
}

/// The link drops now; the sensor is out of reach for `away`.
pub(crate) async fn drop_link(st: &Shared, conn: &Connection, away: Duration) {
    let path = {
        let mut s = lock(st);
        s.connected = false;
        s.streaming = false;
        s.notifying.clear();
        s.generation += 1;
        s.away_until = Some(Instant::now() + away);
        s.reappeared_at = Some(Instant::now() + away);
        s.first_after_reconnect = None;
        if s.spec.silent_loss {
            return;
        }
        s.device_path.clone()
    };
    changed(
        conn,
        &path,
        "org.bluez.Device1",
        vec![("Connected", Value::from(false)), ("ServicesResolved", Value::from(false))],
    )
    .await;
}
