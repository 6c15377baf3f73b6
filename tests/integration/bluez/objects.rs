//! The `org.bluez` D-Bus objects the stand-in exports, exactly the parts
//! btleplug 0.13 uses: Adapter1 (discovery), Device1 (connect/disconnect),
//! GattService1, GattCharacteristic1 (read, write with/without response,
//! notify). Values and behaviour come from the simulated sensor.

use std::collections::HashMap;
use std::time::Duration;

use anklepump::sensor::protocol::{encode_indication, CpResult, Opcode, SensorConfig};
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zbus::{interface, Connection, DBusError};

use super::sensor::{changed, lock, notify, stream, Kind, Shared};

#[derive(DBusError, Debug)]
#[zbus(prefix = "org.bluez.Error")]
pub(crate) enum BluezError {
    Failed(String),
    InProgress(String),
    NotConnected(String),
    NotSupported(String),
}

fn att_refused() -> BluezError {
    BluezError::Failed("Operation failed with ATT error: 0x80".into())
}

pub(crate) struct Adapter {
    pub powered: bool,
    pub discovering: bool,
}

#[interface(name = "org.bluez.Adapter1")]
impl Adapter {
    async fn set_discovery_filter(&self, _filter: HashMap<String, OwnedValue>) {}
    async fn start_discovery(&mut self, #[zbus(signal_emitter)] e: SignalEmitter<'_>) -> Result<(), BluezError> {
        if self.discovering {
            return Err(BluezError::InProgress("Operation already in progress".into()));
        }
        self.discovering = true;
        let _ = self.discovering_changed(&e).await;
        Ok(())
    }
    async fn stop_discovery(&mut self, #[zbus(signal_emitter)] e: SignalEmitter<'_>) {
        self.discovering = false;
        let _ = self.discovering_changed(&e).await;
    }
    #[zbus(property)]
    fn address(&self) -> String {
        "00:1A:7D:DA:71:13".into()
    }
    #[zbus(property)]
    fn address_type(&self) -> String {
        "public".into()
    }
    #[zbus(property)]
    fn name(&self) -> String {
        "standin".into()
    }
    #[zbus(property)]
    fn alias(&self) -> String {
        "standin".into()
    }
    #[zbus(property)]
    fn modalias(&self) -> String {
        "usb:v1D6Bp0246d0540".into()
    }
    #[zbus(property)]
    fn powered(&self) -> bool {
        self.powered
    }
    #[zbus(property)]
    fn set_powered(&mut self, v: bool) {
        self.powered = v;
    }
    #[zbus(property)]
    fn discovering(&self) -> bool {
        self.discovering
    }
}

pub(crate) struct Device {
    pub st: Shared,
    pub adapter: OwnedObjectPath,
}

#[interface(name = "org.bluez.Device1")]
impl Device {
    async fn connect(&self, #[zbus(connection)] conn: &Connection) -> Result<(), BluezError> {
        let (away, already, path) = {
            let s = lock(&self.st);
            (s.away() || !s.spec.gatt, s.connected, s.device_path.clone())
        };
        if away {
            tokio::time::sleep(Duration::from_millis(150)).await;
            return Err(BluezError::Failed("le-connection-abort-by-local".into()));
        }
        if already {
            return Ok(());
        }
        {
            let mut s = lock(&self.st);
            if s.connecting {
                return Err(BluezError::InProgress("Operation already in progress".into()));
            }
            s.connecting = true;
        }
        // Link-layer connection and service resolution take a moment.
        tokio::time::sleep(Duration::from_millis(60)).await;
        {
            let mut s = lock(&self.st);
            s.connecting = false;
            s.connected = true;
            s.connects += 1;
        }
        changed(
            conn,
            &path,
            "org.bluez.Device1",
            vec![("Connected", Value::from(true)), ("ServicesResolved", Value::from(true))],
        )
        .await;
        Ok(())
    }
    async fn disconnect(&self, #[zbus(connection)] conn: &Connection) {
        let path = {
            let mut s = lock(&self.st);
            s.connected = false;
            s.streaming = false;
            s.notifying.clear();
            s.generation += 1;
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
    #[zbus(property)]
    fn address(&self) -> String {
        lock(&self.st).spec.address.clone()
    }
    #[zbus(property)]
    fn address_type(&self) -> String {
        "random".into()
    }
    #[zbus(property)]
    fn name(&self) -> String {
        lock(&self.st).spec.name.clone()
    }
    #[zbus(property)]
    fn alias(&self) -> String {
        lock(&self.st).spec.name.clone()
    }
    #[zbus(property, name = "UUIDs")]
    fn uuids(&self) -> Vec<String> {
        lock(&self.st).spec.uuids.clone()
    }
    #[zbus(property, name = "RSSI")]
    fn rssi(&self) -> i16 {
        -58
    }
    #[zbus(property)]
    fn adapter(&self) -> OwnedObjectPath {
        self.adapter.clone()
    }
    #[zbus(property)]
    fn connected(&self) -> bool {
        lock(&self.st).connected
    }
    #[zbus(property)]
    fn services_resolved(&self) -> bool {
        lock(&self.st).connected
    }
    #[zbus(property)]
    fn paired(&self) -> bool {
        false
    }
    #[zbus(property)]
    fn trusted(&self) -> bool {
        false
    }
    #[zbus(property)]
    fn blocked(&self) -> bool {
        false
    }
    #[zbus(property)]
    fn legacy_pairing(&self) -> bool {
        false
    }
}

pub(crate) struct Service {
    pub uuid: String,
    pub device: OwnedObjectPath,
}

#[interface(name = "org.bluez.GattService1")]
impl Service {
    #[zbus(property, name = "UUID")]
    fn uuid(&self) -> String {
        self.uuid.clone()
    }
    #[zbus(property)]
    fn primary(&self) -> bool {
        true
    }
    #[zbus(property)]
    fn device(&self) -> OwnedObjectPath {
        self.device.clone()
    }
}

pub(crate) struct Characteristic {
    pub st: Shared,
    pub kind: Kind,
    pub uuid: String,
    pub service: OwnedObjectPath,
    pub flags: Vec<String>,
}

impl Characteristic {
    fn value(&self) -> Vec<u8> {
        let s = lock(&self.st);
        match self.kind {
            Kind::Manufacturer => b"APS".to_vec(),
            Kind::Model => b"APS-1".to_vec(),
            Kind::Serial => format!("{:0>8}", s.spec.name.trim_start_matches("APS-")).into_bytes(),
            Kind::Firmware => b"1.4.2".to_vec(),
            Kind::Battery => vec![BATTERY],
            Kind::Imu | Kind::ControlPoint => Vec::new(),
            Kind::Config => s.config.encode().to_vec(),
            Kind::Status => s.status(),
        }
    }
    fn path(&self) -> String {
        lock(&self.st).paths[&self.kind].clone()
    }
}

#[interface(name = "org.bluez.GattCharacteristic1")]
impl Characteristic {
    async fn read_value(
        &self,
        _options: HashMap<String, OwnedValue>,
        #[zbus(connection)] conn: &Connection,
    ) -> Result<Vec<u8>, BluezError> {
        if !lock(&self.st).connected {
            return Err(BluezError::NotConnected("Not connected".into()));
        }
        let v = self.value();
        // On BlueZ a read also shows up as a value change.
        notify(conn, &self.path(), v.clone()).await;
        Ok(v)
    }

    async fn write_value(
        &self,
        value: Vec<u8>,
        options: HashMap<String, OwnedValue>,
        #[zbus(connection)] conn: &Connection,
    ) -> Result<(), BluezError> {
        if !lock(&self.st).connected {
            return Err(BluezError::NotConnected("Not connected".into()));
        }
        let command = options.get("type").and_then(|v| <&str>::try_from(v).ok()) == Some("command");
        match self.kind {
            Kind::Config => {
                let mut s = lock(&self.st);
                match SensorConfig::decode(&value) {
                    Ok(cfg) if !s.streaming => {
                        s.config = cfg;
                        Ok(())
                    }
                    _ => Err(att_refused()),
                }
            }
            Kind::ControlPoint if command => Ok(()), // not acted on, as the datasheet says
            Kind::ControlPoint => {
                self.control_point(&value, conn).await;
                Ok(())
            }
            _ => Err(BluezError::NotSupported("Write not permitted".into())),
        }
    }

    async fn start_notify(&self) -> Result<(), BluezError> {
        let mut s = lock(&self.st);
        if !s.connected {
            return Err(BluezError::NotConnected("Not connected".into()));
        }
        s.notifying.insert(self.kind);
        Ok(())
    }

    async fn stop_notify(&self) {
        lock(&self.st).notifying.remove(&self.kind);
    }

    #[zbus(property, name = "UUID")]
    fn uuid(&self) -> String {
        self.uuid.clone()
    }
    #[zbus(property)]
    fn service(&self) -> OwnedObjectPath {
        self.service.clone()
    }
    #[zbus(property)]
    fn flags(&self) -> Vec<String> {
        self.flags.clone()
    }
    #[zbus(property)]
    fn notifying(&self) -> bool {
        lock(&self.st).notifying.contains(&self.kind)
    }
    #[zbus(property, name = "MTU")]
    fn mtu(&self) -> u16 {
        185
    }
}

impl Characteristic {
    /// Acts on a Control Point command and indicates the result a few ms
    /// later (only to a subscribed client).
    async fn control_point(&self, value: &[u8], conn: &Connection) {
        let op = value.first().copied().unwrap_or(0);
        let mut start_gen = None;
        let result = {
            let mut s = lock(&self.st);
            match Opcode::from_u8(op) {
                Some(Opcode::StartStreaming) if s.spec.refuse_start => CpResult::Failed,
                Some(Opcode::StartStreaming) => {
                    start_gen = Some(s.start());
                    CpResult::Success
                }
                Some(Opcode::StopStreaming) => {
                    s.streaming = false;
                    s.generation += 1;
                    CpResult::Success
                }
                Some(Opcode::Identify) => {
                    s.identifies += 1;
                    CpResult::Success
                }
                None => CpResult::NotSupported,
            }
        };
        let (st, conn) = (self.st.clone(), conn.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let (cp, status, status_path) = {
                let s = lock(&st);
                let cp = s.notifying.contains(&Kind::ControlPoint).then(|| s.paths[&Kind::ControlPoint].clone());
                (cp, s.status(), s.notifying.contains(&Kind::Status).then(|| s.paths[&Kind::Status].clone()))
            };
            if let Some(p) = cp {
                notify(&conn, &p, encode_indication(op, result).to_vec()).await;
            }
            if let Some(p) = status_path {
                notify(&conn, &p, status).await;
            }
            if let Some(g) = start_gen {
                stream(st, conn, g).await;
            }
        });
    }
}

/// Battery level of the stand-in, percent.
pub(crate) const BATTERY: u8 = 87;
