//! The demo sensor: a `Link` with no radio that sends the same protocol
//! bytes a real APS-1 would, from a `NotificationSource` (the core's seeded
//! simulator, or a `.apcap` replayed by `replay::ReplaySource`). Knobs on
//! `DemoControl` make it drop packets, send malformed ones, lose the link
//! for a while, or reboot — the app offers it when no sensor is around.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

use super::supervisor::{retry, Backoff};
use super::{DeviceInfo, Found, Link, LinkError, LinkEvent, LinkState};
use crate::sensor::protocol::{SensorConfig, Status};

/// Where the demo sensor's notifications come from.
pub trait NotificationSource: Send {
    /// The configuration the sensor reports.
    fn config(&self) -> SensorConfig;
    /// Notifications sent up to `until_s` seconds after streaming began, in
    /// order, as (send time in s, payload bytes).
    fn next(&mut self, until_s: f64) -> Vec<(f64, Vec<u8>)>;
    /// The sensor restarts (clock and sequence number from zero). A replay
    /// cannot change its recorded bytes and ignores this.
    fn reboot(&mut self) {}
    /// The advertised name, if the source knows one.
    fn name(&self) -> Option<String> {
        None
    }
    /// Nothing more will come (a replay at its end): the sensor stops streaming.
    fn ended(&self) -> bool {
        false
    }
}

/// The seeded person-doing-pumps simulator as the demo sensor's source.
impl NotificationSource for crate::core::sim::SimSensor {
    fn config(&self) -> SensorConfig {
        crate::core::sim::SimSensor::config(self)
    }
    fn next(&mut self, until_s: f64) -> Vec<(f64, Vec<u8>)> {
        self.next_notifications(until_s).into_iter().map(|n| (n.at_s, n.payload)).collect()
    }
    fn reboot(&mut self) {
        crate::core::sim::SimSensor::reboot(self)
    }
    fn name(&self) -> Option<String> {
        self.scenario().device.clone()
    }
}

#[derive(Default)]
struct Knobs {
    /// Out of reach from `away.0` until `away.1`.
    away: Option<(Instant, Instant)>,
    reboot_pending: bool,
    drop_next: u32,
    malformed_next: u32,
    identifies: u32,
}

/// Test and demo controls of a `DemoLink` (cheap to clone).
#[derive(Clone, Default)]
pub struct DemoControl(Arc<Mutex<Knobs>>);

impl DemoControl {
    fn knobs(&self) -> MutexGuard<'_, Knobs> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// True while the sensor is out of reach.
    fn away(&self, now: Instant) -> bool {
        self.knobs().away.is_some_and(|(from, until)| now >= from && now < until)
    }
    /// The link drops now and the sensor is out of reach for `away`.
    pub fn lose_link(&self, away: Duration) {
        self.lose_link_after(Duration::ZERO, away);
    }
    /// The link drops `after` from now, for `away`.
    pub fn lose_link_after(&self, after: Duration, away: Duration) {
        let from = Instant::now() + after;
        self.knobs().away = Some((from, from + away));
    }
    /// The sensor reboots: the link drops for a moment and its clock restarts.
    pub fn reboot(&self) {
        self.lose_link(Duration::from_millis(1500));
        self.knobs().reboot_pending = true;
    }
    /// The next `n` notifications are lost on the air.
    pub fn drop_packets(&self, n: u32) {
        self.knobs().drop_next += n;
    }
    /// The next `n` notifications are each followed by a malformed one.
    pub fn send_malformed(&self, n: u32) {
        self.knobs().malformed_next += n;
    }
    /// How many times the sensor was asked to identify itself.
    pub fn identifies(&self) -> u32 {
        self.knobs().identifies
    }
}

struct Shared {
    source: Box<dyn NotificationSource>,
    connected: bool,
    streaming: bool,
    /// Sensor time origin (first Start) and session origin for `rx_ms`.
    t0: Option<Instant>,
}

/// The demo sensor as a `Link`.
pub struct DemoLink {
    name: String,
    speed: f64,
    control: DemoControl,
    shared: Arc<Mutex<Shared>>,
    info: Option<DeviceInfo>,
    events: Option<UnboundedReceiver<LinkEvent>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

fn lock(s: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

impl DemoLink {
    pub fn new(source: Box<dyn NotificationSource>) -> Self {
        let name = source.name().unwrap_or_else(|| "APS-DEMO".to_string());
        DemoLink {
            name,
            speed: 1.0,
            control: DemoControl::default(),
            shared: Arc::new(Mutex::new(Shared { source, connected: false, streaming: false, t0: None })),
            info: None,
            events: None,
            task: None,
        }
    }
    /// Plays the source `speed` times faster than real time (tests, demos).
    pub fn with_speed(mut self, speed: f64) -> Self {
        self.speed = speed.max(0.01);
        self
    }
    pub fn control(&self) -> DemoControl {
        self.control.clone()
    }
    /// Puts another source in the sensor (the demo's simulated person for a
    /// new session); its clock starts at the next Start.
    pub fn set_source(&mut self, source: Box<dyn NotificationSource>) {
        let mut s = lock(&self.shared);
        s.source = source;
        s.t0 = None;
    }
    fn connected(&self) -> Result<(), LinkError> {
        if lock(&self.shared).connected {
            Ok(())
        } else {
            Err(LinkError::NotConnected)
        }
    }
}

impl Drop for DemoLink {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

impl Link for DemoLink {
    async fn scan(&mut self, _duration: Duration) -> Result<Vec<Found>, LinkError> {
        Ok(vec![Found { name: self.name.clone(), id: "demo".into(), rssi: None, battery: Some(100) }])
    }

    async fn connect(&mut self, id: &str) -> Result<DeviceInfo, LinkError> {
        if id != "demo" && id != self.name {
            return Err(LinkError::NotFound(format!(" named {id}")));
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
        let (tx, rx) = unbounded_channel();
        let _ = tx.send(LinkEvent::State(LinkState::Connecting));
        lock(&self.shared).connected = true;
        let _ = tx.send(LinkEvent::State(LinkState::Connected));
        let _ = tx.send(LinkEvent::Battery(100));
        self.task = Some(tokio::spawn(run(self.shared.clone(), self.control.clone(), tx, self.speed)));
        self.events = Some(rx);
        let info = DeviceInfo {
            name: self.name.clone(),
            id: "demo".into(),
            manufacturer: Some("AnklePump".into()),
            model: Some("APS-1 demo sensor".into()),
            serial: None,
            firmware: None,
            battery: Some(100),
        };
        self.info = Some(info.clone());
        Ok(info)
    }

    fn device_info(&self) -> Option<&DeviceInfo> {
        self.info.as_ref()
    }

    async fn read_config(&mut self) -> Result<SensorConfig, LinkError> {
        self.connected()?;
        Ok(lock(&self.shared).source.config())
    }

    async fn write_config(&mut self, cfg: SensorConfig) -> Result<(), LinkError> {
        self.connected()?;
        let s = lock(&self.shared);
        // A replay or simulation has one fixed configuration: accept only it,
        // and nothing while streaming, as the sensor does.
        if s.streaming || cfg.validate().is_err() || cfg != s.source.config() {
            return Err(LinkError::Refused("sensor config write"));
        }
        Ok(())
    }

    async fn start_streaming(&mut self) -> Result<(), LinkError> {
        self.connected()?;
        let mut s = lock(&self.shared);
        s.streaming = true;
        s.t0.get_or_insert_with(Instant::now);
        Ok(())
    }

    async fn stop_streaming(&mut self) -> Result<(), LinkError> {
        self.connected()?;
        lock(&self.shared).streaming = false;
        Ok(())
    }

    async fn identify(&mut self) -> Result<(), LinkError> {
        self.connected()?;
        self.control.knobs().identifies += 1;
        Ok(())
    }

    async fn disconnect(&mut self) -> Result<(), LinkError> {
        if let Some(t) = self.task.take() {
            t.abort();
        }
        let mut s = lock(&self.shared);
        s.connected = false;
        s.streaming = false;
        Ok(())
    }

    fn take_events(&mut self) -> Option<UnboundedReceiver<LinkEvent>> {
        self.events.take()
    }
}

const TICK: Duration = Duration::from_millis(10);

/// The demo sensor and its link: sends due notifications every tick,
/// applies the knobs, and reconnects through the supervisor after a loss.
async fn run(shared: Arc<Mutex<Shared>>, control: DemoControl, tx: UnboundedSender<LinkEvent>, speed: f64) {
    let mut backoff = Backoff::standard(0x5eed);
    let mut last_status = None;
    loop {
        tokio::time::sleep(TICK).await;
        if tx.is_closed() {
            return;
        }
        if control.away(Instant::now()) {
            let _ = tx.send(LinkEvent::State(LinkState::Reconnecting));
            let back = retry(&mut backoff, Duration::from_secs(120), |_| async {
                if control.away(Instant::now()) {
                    Err(())
                } else {
                    Ok(())
                }
            })
            .await;
            if back.is_err() {
                let _ = tx.send(LinkEvent::State(LinkState::Lost));
                return;
            }
            // Everything the sensor sent while out of reach is lost.
            let reboot = std::mem::take(&mut control.knobs().reboot_pending);
            let mut s = lock(&shared);
            if reboot {
                s.source.reboot();
            }
            if let Some(t0) = s.t0 {
                let now_s = (Instant::now() - t0).as_secs_f64() * speed;
                s.source.next(now_s);
            }
            let _ = tx.send(LinkEvent::State(LinkState::Connected));
            continue;
        }
        let (batch, t0, streaming) = {
            let mut s = lock(&shared);
            match s.t0 {
                Some(t0) => {
                    let now_s = (Instant::now() - t0).as_secs_f64() * speed;
                    // While stopped the sensor's clock (and the person) go on; nothing is sent.
                    let due = s.source.next(now_s);
                    let streaming = s.streaming && !s.source.ended();
                    (if s.streaming { due } else { Vec::new() }, t0, streaming)
                }
                None => (Vec::new(), Instant::now(), false),
            }
        };
        let rx_ms = (Instant::now() - t0).as_millis() as u64;
        for (_, payload) in batch {
            let (drop, malformed) = {
                let mut k = control.knobs();
                let drop = k.drop_next > 0;
                k.drop_next = k.drop_next.saturating_sub(1);
                let malformed = !drop && k.malformed_next > 0;
                if malformed {
                    k.malformed_next -= 1;
                }
                (drop, malformed)
            };
            if drop {
                continue;
            }
            let _ = tx.send(LinkEvent::Imu { rx_ms, payload: payload.clone() });
            if malformed {
                // Wrong length for its sample count.
                let mut bad = payload;
                bad.truncate(bad.len().saturating_sub(5));
                let _ = tx.send(LinkEvent::Imu { rx_ms, payload: bad });
            }
        }
        // After the batch: a replay's last notifications come before it says it stopped.
        if last_status != Some(streaming) {
            last_status = Some(streaming);
            let _ = tx.send(LinkEvent::Status(Status { streaming, charging: false, worn: true }));
        }
    }
}

#[cfg(test)]
#[path = "demo_tests.rs"]
mod tests;
