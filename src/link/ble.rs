//! The real sensor link over btleplug (this module, `ble_conn` and, on
//! Android, `android` are the only importers of btleplug): scan filtered by
//! the Motion Service UUID, connect by address or name, and the `Link`
//! operations on the open connection. See `shared/notes/btleplug-on-bluez.md`
//! for the behaviours of BlueZ handled here.

use std::time::Duration;

use btleplug::api::{Central, Manager as _, Peripheral as _, ScanFilter};
use btleplug::platform::{Adapter, Manager, Peripheral};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use uuid::Uuid;

use super::ble_conn::Conn;
use super::{DeviceInfo, Found, Link, LinkError, LinkEvent};
use crate::sensor::protocol::{uuids, Opcode, SensorConfig};

/// How long `connect` scans for a sensor BlueZ does not know yet.
const FIND_TIMEOUT: Duration = Duration::from_secs(6);

/// What failed when btleplug's `Manager` cannot be created.
const MANAGER_FAILED: &str =
    if cfg!(target_os = "android") { "cannot open Android's Bluetooth service" } else { "cannot reach D-Bus" };

/// Maps a btleplug error to a readable one; a refused ATT write (BlueZ's
/// text holds `ATT error: 0x80`) becomes `Refused`.
pub(super) fn bt_error(what: &'static str, e: btleplug::Error) -> LinkError {
    let text = e.to_string();
    if text.contains("ATT error: 0x80") {
        LinkError::Refused(what)
    } else if text.contains("org.freedesktop.DBus.Error.ServiceUnknown") || text.contains("was not provided") {
        LinkError::NoBluetooth("BlueZ (org.bluez) is not running".into())
    } else {
        LinkError::Bluetooth(what, text)
    }
}

/// How long one call to BlueZ over D-Bus may take (a bus that accepts and
/// never answers must not hang a command).
pub(super) const DBUS_TIMEOUT: Duration = Duration::from_secs(5);

/// One BlueZ call bounded by [`DBUS_TIMEOUT`], its error mapped by [`bt_error`].
pub(super) async fn call<T>(
    what: &'static str,
    fut: impl std::future::Future<Output = Result<T, btleplug::Error>>,
) -> Result<T, LinkError> {
    match tokio::time::timeout(DBUS_TIMEOUT, fut).await {
        Ok(r) => r.map_err(|e| bt_error(what, e)),
        Err(_) => Err(LinkError::Timeout(what)),
    }
}

pub(super) fn motion_uuid() -> Uuid {
    Uuid::from_u128(uuids::MOTION_SERVICE)
}

/// A btleplug-backed link to one APS-1 sensor.
pub struct BleLink {
    adapter: Adapter,
    conn: Option<Conn>,
    info: Option<DeviceInfo>,
    events: Option<UnboundedReceiver<LinkEvent>>,
    give_up: Duration,
}

impl BleLink {
    /// Opens the first Bluetooth adapter.
    pub async fn new() -> Result<Self, LinkError> {
        // btleplug's Android backend needs the JVM before the first Manager.
        #[cfg(target_os = "android")]
        super::android::init_btleplug()?;
        // btleplug connects to the bus synchronously (libdbus): on a task of
        // its own, so a bus that never answers is given up, not waited for.
        let manager = match tokio::time::timeout(DBUS_TIMEOUT, tokio::spawn(Manager::new())).await {
            Ok(Ok(m)) => m.map_err(|e| LinkError::NoBluetooth(format!("{MANAGER_FAILED} ({e})")))?,
            Ok(Err(e)) => return Err(LinkError::NoBluetooth(format!("{MANAGER_FAILED} ({e})"))),
            Err(_) => return Err(LinkError::Timeout("connecting to D-Bus (no answer in 5 s)")),
        };
        let adapters =
            call("listing adapters (D-Bus did not answer in 5 s)", manager.adapters()).await.map_err(|e| match e {
                LinkError::Bluetooth(_, t) => LinkError::NoBluetooth(t),
                other => other,
            })?;
        let adapter = adapters.into_iter().next().ok_or(LinkError::NoAdapter)?;
        Ok(BleLink { adapter, conn: None, info: None, events: None, give_up: Duration::from_secs(120) })
    }

    /// How long to keep reconnecting after a link loss before reporting
    /// `LinkState::Lost` (default 2 minutes).
    pub fn with_reconnect_give_up(mut self, give_up: Duration) -> Self {
        self.give_up = give_up;
        self
    }

    async fn start_scan(&self) -> Result<(), LinkError> {
        let start = self.adapter.start_scan(ScanFilter { services: vec![motion_uuid()] });
        match tokio::time::timeout(DBUS_TIMEOUT, start).await {
            Err(_) => Err(LinkError::Timeout("starting a scan (BlueZ did not answer in 5 s)")),
            Ok(Ok(())) => Ok(()),
            // Another client (or an earlier scan) is already discovering.
            Ok(Err(e)) if e.to_string().contains("InProgress") || e.to_string().contains("already in progress") => {
                Ok(())
            }
            Ok(Err(e)) => Err(bt_error("starting a scan", e)),
        }
    }

    /// Known peripherals that advertise the Motion Service, with what they
    /// advertise (btleplug does not filter by UUID on BlueZ: we do).
    async fn sensors(&self) -> Result<Vec<(Peripheral, Found)>, LinkError> {
        let battery_uuid = Uuid::from_u128(uuids::BATTERY_SERVICE);
        let mut out = Vec::new();
        for p in call("listing devices", self.adapter.peripherals()).await? {
            let Ok(Some(props)) = call("reading a device's properties", p.properties()).await else { continue };
            if !props.services.contains(&motion_uuid()) {
                continue;
            }
            let found = Found {
                name: props.local_name.clone().unwrap_or_else(|| props.address.to_string()),
                id: props.address.to_string(),
                rssi: props.rssi,
                battery: props.service_data.get(&battery_uuid).and_then(|d| d.first().copied()),
            };
            out.push((p, found));
        }
        out.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        Ok(out)
    }

    /// Finds the sensor whose address or name is `id` (any sensor when
    /// `id` is empty), scanning for it if BlueZ does not know it yet.
    pub(super) async fn find(&self, id: &str) -> Result<(Peripheral, Found), LinkError> {
        let matches = |f: &Found| id.is_empty() || f.id.eq_ignore_ascii_case(id) || f.name == id;
        let deadline = tokio::time::Instant::now() + FIND_TIMEOUT;
        let mut scanning = false;
        loop {
            if let Some(hit) = self.sensors().await?.into_iter().find(|(_, f)| matches(f)) {
                if scanning {
                    let _ = call("stopping the scan", self.adapter.stop_scan()).await;
                }
                return Ok(hit);
            }
            if tokio::time::Instant::now() >= deadline {
                if scanning {
                    let _ = call("stopping the scan", self.adapter.stop_scan()).await;
                }
                let what = if id.is_empty() { String::new() } else { format!(" named {id}") };
                return Err(LinkError::NotFound(what));
            }
            if !scanning {
                self.start_scan().await?;
                scanning = true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    fn conn(&self) -> Result<&Conn, LinkError> {
        self.conn.as_ref().ok_or(LinkError::NotConnected)
    }
}

impl Link for BleLink {
    async fn scan(&mut self, duration: Duration) -> Result<Vec<Found>, LinkError> {
        self.start_scan().await?;
        tokio::time::sleep(duration).await;
        let _ = call("stopping the scan", self.adapter.stop_scan()).await;
        Ok(self.sensors().await?.into_iter().map(|(_, f)| f).collect())
    }

    async fn connect(&mut self, id: &str) -> Result<DeviceInfo, LinkError> {
        if self.conn.is_some() {
            self.disconnect().await?;
        }
        let (peripheral, found) = self.find(id).await?;
        let (tx, rx) = unbounded_channel();
        let (conn, info) = Conn::open(self.adapter.clone(), peripheral, found, tx, self.give_up).await?;
        self.conn = Some(conn);
        self.info = Some(info.clone());
        self.events = Some(rx);
        Ok(info)
    }

    fn device_info(&self) -> Option<&DeviceInfo> {
        self.info.as_ref()
    }

    async fn read_config(&mut self) -> Result<SensorConfig, LinkError> {
        self.conn()?.read_config().await
    }

    async fn write_config(&mut self, cfg: SensorConfig) -> Result<(), LinkError> {
        self.conn()?.write_config(cfg).await
    }

    async fn start_streaming(&mut self) -> Result<(), LinkError> {
        self.conn()?.start().await
    }

    async fn stop_streaming(&mut self) -> Result<(), LinkError> {
        self.conn()?.stop().await
    }

    async fn identify(&mut self) -> Result<(), LinkError> {
        self.conn()?.command(Opcode::Identify).await
    }

    async fn disconnect(&mut self) -> Result<(), LinkError> {
        match self.conn.take() {
            Some(conn) => conn.close().await,
            None => Ok(()),
        }
    }

    fn take_events(&mut self) -> Option<UnboundedReceiver<LinkEvent>> {
        self.events.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_att_write_reads_as_a_refusal() {
        let e = btleplug::Error::Other("Operation failed with ATT error: 0x80 (org.bluez.Error.Failed)".into());
        let msg = bt_error("sensor config write", e).to_string();
        assert!(msg.contains("refused the sensor config write"), "{msg}");
        let other = bt_error("reading", btleplug::Error::Other("Not connected".into()));
        assert!(matches!(other, LinkError::Bluetooth("reading", _)));
    }
}
