//! The sensor link: our own narrow interface to an APS-1 sensor (scan,
//! connect, device information, config, start/stop streaming, identify,
//! disconnect, one stream of events) and its implementations: the real BLE
//! link over btleplug (`ble`, the only importer of btleplug, with `android`
//! for btleplug's one-time JVM start-up on Android) and the demo sensor
//! (`demo`: the simulator, or a capture replayed by `replay`; same protocol
//! bytes). Reconnection policy lives in `supervisor`, `.apcap` recording in
//! `recorder`.

use std::time::Duration;

use thiserror::Error;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::sensor::capture::CaptureError;
use crate::sensor::protocol::{CpResult, Opcode, ProtocolError, SensorConfig, Status};

#[cfg(target_os = "android")]
mod android;
pub mod ble;
mod ble_conn;
mod ble_pump;
pub mod demo;
pub mod recorder;
pub mod replay;
pub mod supervisor;

pub use ble::BleLink;
pub use demo::{DemoControl, DemoLink, NotificationSource};
pub use recorder::CaptureRecorder;
pub use replay::ReplaySource;

/// A sensor seen while scanning.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    /// Advertised name, e.g. `APS-3F2A`.
    pub name: String,
    /// What `connect` takes (the Bluetooth address for a real sensor).
    pub id: String,
    /// Signal strength, dBm, when known.
    pub rssi: Option<i16>,
    /// Battery percent, when known.
    pub battery: Option<u8>,
}

/// What the sensor says about itself (Device Information and Battery are
/// optional on some stacks, so every field but the name may be missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeviceInfo {
    pub name: String,
    pub id: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub battery: Option<u8>,
}

/// The state of the link, as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Connected,
    /// The link dropped; retrying with backoff ("reconnecting…").
    Reconnecting,
    /// Gave up (or the user disconnected); a new `connect` is needed.
    Lost,
}

impl LinkState {
    /// Words for a status line.
    pub fn describe(self) -> &'static str {
        match self {
            LinkState::Connecting => "connecting…",
            LinkState::Connected => "connected",
            LinkState::Reconnecting => "reconnecting…",
            LinkState::Lost => "sensor lost",
        }
    }
}

/// Everything a connected link reports, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// An IMU Data notification, untouched, stamped with ms since the session
    /// began (what `.apcap` stores and `Pipeline::push_notification` takes).
    Imu {
        rx_ms: u64,
        payload: Vec<u8>,
    },
    Battery(u8),
    Status(Status),
    State(LinkState),
}

/// Errors of the link boundary; every message is one readable line.
#[derive(Debug, Error)]
pub enum LinkError {
    #[error("no Bluetooth available: {0}")]
    NoBluetooth(String),
    #[error("no Bluetooth adapter found")]
    NoAdapter,
    #[error("no APS-1 sensor found{0}")]
    NotFound(String),
    #[error("not connected to a sensor")]
    NotConnected,
    #[error("{0} is not an APS-1 sensor (no {1})")]
    NotAnAps(String, &'static str),
    #[error("the sensor refused the {0} (ATT error 0x80: not allowed while streaming, or a value it does not accept)")]
    Refused(&'static str),
    #[error("the sensor answered {op:?} with: {}", result.describe())]
    Command { op: Opcode, result: CpResult },
    #[error("the sensor did not confirm {0:?} in time")]
    NoConfirmation(Opcode),
    #[error("timed out while {0}")]
    Timeout(&'static str),
    #[error("the sensor sent bad data: {0}")]
    Protocol(#[from] ProtocolError),
    #[error("Bluetooth error while {0}: {1}")]
    Bluetooth(&'static str, String),
    #[error("capture: {0}")]
    Capture(#[from] CaptureError),
    #[error("cannot write capture: {0}")]
    Io(#[from] std::io::Error),
    #[error("the demo sensor cannot start: {0}")]
    Demo(String),
}

/// The narrow interface every sensor link offers. One link talks to one
/// sensor at a time; `take_events` hands out its event stream once per
/// connection.
#[allow(async_fn_in_trait)]
pub trait Link {
    /// Sensors in range after listening for `duration`.
    async fn scan(&mut self, duration: Duration) -> Result<Vec<Found>, LinkError>;
    /// Connects to `id` (a `Found::id` or name), reads Device Information,
    /// Battery and the Sensor Config, subscribes to notifications.
    async fn connect(&mut self, id: &str) -> Result<DeviceInfo, LinkError>;
    /// The connected sensor's information.
    fn device_info(&self) -> Option<&DeviceInfo>;
    /// Reads the Sensor Config (never assume the scales).
    async fn read_config(&mut self) -> Result<SensorConfig, LinkError>;
    /// Writes the Sensor Config; refused while streaming.
    async fn write_config(&mut self, cfg: SensorConfig) -> Result<(), LinkError>;
    /// Writes Start; notifications follow as `LinkEvent::Imu`.
    async fn start_streaming(&mut self) -> Result<(), LinkError>;
    async fn stop_streaming(&mut self) -> Result<(), LinkError>;
    /// Makes the sensor vibrate for 2 s.
    async fn identify(&mut self) -> Result<(), LinkError>;
    async fn disconnect(&mut self) -> Result<(), LinkError>;
    /// The event stream of the current connection (once).
    fn take_events(&mut self) -> Option<UnboundedReceiver<LinkEvent>>;
}
