//! One open btleplug connection to an APS-1: service discovery,
//! subscriptions, Control Point commands checked against their
//! indications; notification routing and session-clock stamping. The pump
//! task that forwards them and reconnects lives in `ble_pump`.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use btleplug::api::{Central, CentralEvent, Characteristic, Peripheral as _, ValueNotification, WriteType};
use btleplug::platform::{Adapter, Peripheral};
use futures::Stream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;
use uuid::Uuid;

use super::ble::{bt_error, call, motion_uuid};
use super::{DeviceInfo, Found, LinkError, LinkEvent, LinkState};
use crate::sensor::protocol::{
    control_point_write, decode_battery, parse_indication, uuids, CpResult, Opcode, SensorConfig, Status,
};

pub(super) type Notes = Pin<Box<dyn Stream<Item = ValueNotification> + Send>>;
pub(super) type CentralEvents = Pin<Box<dyn Stream<Item = CentralEvent> + Send>>;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(super) const INDICATION_TIMEOUT: Duration = Duration::from_secs(3);

/// The characteristics the app uses (stable across reconnects).
#[derive(Clone)]
pub(super) struct Chars {
    pub(super) imu: Characteristic,
    pub(super) cp: Characteristic,
    pub(super) config: Characteristic,
    pub(super) status: Characteristic,
    pub(super) battery: Option<Characteristic>,
}

impl Chars {
    fn find(p: &Peripheral, name: &str) -> Result<Self, LinkError> {
        let all: Vec<Characteristic> = p.services().into_iter().flat_map(|s| s.characteristics).collect();
        let get = |u: u128| all.iter().find(|c| c.uuid == Uuid::from_u128(u)).cloned();
        let need = |u: u128, what: &'static str| get(u).ok_or_else(|| LinkError::NotAnAps(name.to_string(), what));
        Ok(Chars {
            imu: need(uuids::IMU_DATA, "IMU Data characteristic")?,
            cp: need(uuids::CONTROL_POINT, "Control Point characteristic")?,
            config: need(uuids::SENSOR_CONFIG, "Sensor Config characteristic")?,
            status: need(uuids::STATUS, "Status characteristic")?,
            battery: get(uuids::BATTERY_LEVEL),
        })
    }
}

/// State shared by the link handle and its pump.
pub(super) struct Shared {
    pub(super) peripheral: Mutex<Peripheral>,
    pub(super) chars: Chars,
    /// The user wants streaming (so a reconnect writes Start again).
    pub(super) streaming: AtomicBool,
    /// The user is disconnecting: a drop is not a loss.
    pub(super) closing: AtomicBool,
    /// Session clock origin for `rx_ms` (first Start).
    pub(super) t0: Mutex<Option<Instant>>,
    pub(super) tx: UnboundedSender<LinkEvent>,
    pub(super) cp_tx: UnboundedSender<Vec<u8>>,
}

impl Shared {
    pub(super) fn peripheral(&self) -> Peripheral {
        self.peripheral.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub(super) fn emit(&self, ev: LinkEvent) {
        let _ = self.tx.send(ev);
    }
    /// Routes one notification by characteristic UUID (BlueZ also reports
    /// reads as notifications, hence the filter).
    pub(super) fn dispatch(&self, n: ValueNotification) {
        let u = n.uuid.as_u128();
        if u == uuids::IMU_DATA {
            let t0 = *self.t0.lock().unwrap_or_else(|e| e.into_inner());
            let rx_ms = t0.map_or(0, |t| (Instant::now() - t).as_millis() as u64);
            self.emit(LinkEvent::Imu { rx_ms, payload: n.value });
        } else if u == uuids::CONTROL_POINT {
            let _ = self.cp_tx.send(n.value);
        } else if u == uuids::STATUS {
            match Status::decode(&n.value) {
                Ok(s) => self.emit(LinkEvent::Status(s)),
                Err(e) => tracing::warn!("ignoring status notification: {e}"),
            }
        } else if u == uuids::BATTERY_LEVEL {
            match decode_battery(&n.value) {
                Ok(b) => self.emit(LinkEvent::Battery(b)),
                Err(e) => tracing::warn!("ignoring battery notification: {e}"),
            }
        }
    }

    /// Connects (bounded), discovers services, opens the notification
    /// stream and subscribes. Returns the stream.
    pub(super) async fn attach(&self, p: &Peripheral) -> Result<Notes, LinkError> {
        ensure_connected(p).await?;
        call("discovering services", p.discover_services()).await?;
        let notes = call("listening for notifications", p.notifications()).await?;
        let c = &self.chars;
        for ch in [Some(&c.imu), Some(&c.status), Some(&c.cp), c.battery.as_ref()].into_iter().flatten() {
            call("subscribing", p.subscribe(ch)).await?;
        }
        Ok(notes)
    }
}

/// An open connection.
pub(super) struct Conn {
    shared: Arc<Shared>,
    cp_rx: tokio::sync::Mutex<UnboundedReceiver<Vec<u8>>>,
    task: tokio::task::JoinHandle<()>,
}

/// Connects unless already connected (bounded). A connect already under
/// way (BlueZ answers `InProgress`) is waited for, not treated as failure.
async fn ensure_connected(p: &Peripheral) -> Result<(), LinkError> {
    if call("asking whether connected", p.is_connected()).await.unwrap_or(false) {
        return Ok(());
    }
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    match tokio::time::timeout_at(deadline, p.connect()).await {
        Err(_) => Err(LinkError::Timeout("connecting")),
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) if e.to_string().contains("InProgress") || e.to_string().contains("already in progress") => {
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if call("asking whether connected", p.is_connected()).await.unwrap_or(false) {
                    return Ok(());
                }
            }
            Err(LinkError::Timeout("connecting"))
        }
        Ok(Err(e)) => Err(bt_error("connecting", e)),
    }
}

async fn read_text(p: &Peripheral, u: u128) -> Option<String> {
    let all = p.characteristics();
    let ch = all.iter().find(|c| c.uuid == Uuid::from_u128(u))?;
    let bytes = call("reading device information", p.read(ch)).await.ok()?;
    Some(String::from_utf8_lossy(&bytes).trim_end_matches('\0').to_string())
}

impl Conn {
    pub(super) async fn open(
        adapter: Adapter,
        p: Peripheral,
        found: Found,
        tx: UnboundedSender<LinkEvent>,
        give_up: Duration,
    ) -> Result<(Conn, DeviceInfo), LinkError> {
        let _ = tx.send(LinkEvent::State(LinkState::Connecting));
        let central = call("watching the adapter", adapter.events()).await?;
        ensure_connected(&p).await?;
        match Self::setup(adapter, &p, found, tx, central, give_up).await {
            Ok(v) => Ok(v),
            Err(e) => {
                // Leave no half-open connection behind.
                let _ = call("disconnecting", p.disconnect()).await;
                Err(e)
            }
        }
    }

    async fn setup(
        adapter: Adapter,
        p: &Peripheral,
        found: Found,
        tx: UnboundedSender<LinkEvent>,
        central: CentralEvents,
        give_up: Duration,
    ) -> Result<(Conn, DeviceInfo), LinkError> {
        call("discovering services", p.discover_services()).await?;
        if !p.services().iter().any(|s| s.uuid == motion_uuid()) {
            return Err(LinkError::NotAnAps(found.name, "Motion Service"));
        }
        let chars = Chars::find(p, &found.name)?;
        // Device Information and Battery are optional on some stacks.
        let mut info = DeviceInfo {
            name: found.name.clone(),
            id: found.id.clone(),
            manufacturer: read_text(p, uuids::MANUFACTURER_NAME).await,
            model: read_text(p, uuids::MODEL_NUMBER).await,
            serial: read_text(p, uuids::SERIAL_NUMBER).await,
            firmware: read_text(p, uuids::FIRMWARE_REVISION).await,
            battery: None,
        };
        if let Some(b) = &chars.battery {
            info.battery = call("reading the battery", p.read(b)).await.ok().and_then(|v| decode_battery(&v).ok());
        }
        let (cp_tx, cp_rx) = unbounded_channel();
        let shared = Arc::new(Shared {
            peripheral: Mutex::new(p.clone()),
            chars,
            streaming: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            t0: Mutex::new(None),
            tx,
            cp_tx,
        });
        let notes = shared.attach(p).await?;
        shared.emit(LinkEvent::State(LinkState::Connected));
        if let Some(b) = info.battery {
            shared.emit(LinkEvent::Battery(b));
        }
        let task = tokio::spawn(super::ble_pump::pump(shared.clone(), adapter, p.id(), found, central, notes, give_up));
        Ok((Conn { shared, cp_rx: tokio::sync::Mutex::new(cp_rx), task }, info))
    }

    pub(super) async fn read_config(&self) -> Result<SensorConfig, LinkError> {
        let p = self.shared.peripheral();
        let bytes = call("reading the sensor config", p.read(&self.shared.chars.config)).await?;
        Ok(SensorConfig::decode(&bytes)?)
    }

    pub(super) async fn write_config(&self, cfg: SensorConfig) -> Result<(), LinkError> {
        let p = self.shared.peripheral();
        call("sensor config write", p.write(&self.shared.chars.config, &cfg.encode(), WriteType::WithResponse)).await
    }

    /// Writes a Control Point command with response and waits for its
    /// indication; a result other than success is an error.
    pub(super) async fn command(&self, op: Opcode) -> Result<(), LinkError> {
        let mut rx = self.cp_rx.lock().await;
        while rx.try_recv().is_ok() {}
        let p = self.shared.peripheral();
        call("control point write", p.write(&self.shared.chars.cp, &control_point_write(op), WriteType::WithResponse))
            .await?;
        let deadline = Instant::now() + INDICATION_TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Err(_) => return Err(LinkError::NoConfirmation(op)),
                Ok(None) => return Err(LinkError::NotConnected),
                Ok(Some(bytes)) => match parse_indication(&bytes) {
                    Ok((o, CpResult::Success)) if o == op as u8 => return Ok(()),
                    Ok((o, result)) if o == op as u8 => return Err(LinkError::Command { op, result }),
                    _ => continue,
                },
            }
        }
    }

    pub(super) async fn start(&self) -> Result<(), LinkError> {
        self.shared.t0.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(Instant::now);
        self.shared.streaming.store(true, Ordering::SeqCst);
        let r = self.command(Opcode::StartStreaming).await;
        if r.is_err() {
            self.shared.streaming.store(false, Ordering::SeqCst);
        }
        r
    }

    pub(super) async fn stop(&self) -> Result<(), LinkError> {
        self.shared.streaming.store(false, Ordering::SeqCst);
        self.command(Opcode::StopStreaming).await
    }

    pub(super) async fn close(self) -> Result<(), LinkError> {
        self.shared.closing.store(true, Ordering::SeqCst);
        if self.shared.streaming.load(Ordering::SeqCst) {
            let _ = self.stop().await;
        }
        let r = call("disconnecting", self.shared.peripheral().disconnect()).await;
        self.task.abort();
        self.shared.emit(LinkEvent::State(LinkState::Lost));
        r
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}
