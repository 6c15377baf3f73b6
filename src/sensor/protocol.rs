//! APS-1 BLE profile v1 (`shared/sensor-protocol.md`): UUIDs, Sensor Config,
//! IMU Data notifications, Control Point and Status — decoding *and*
//! encoding, as pure functions over bytes. The BLE adapter, the simulated
//! sensor and the capture reader all go through here, so there is one
//! definition of every byte.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// 128-bit UUIDs as `u128`, so this module needs no UUID crate.
pub mod uuids {
    /// Motion Service.
    pub const MOTION_SERVICE: u128 = 0x858e0001_6e91_49be_84ce_adf663d09d37;
    /// IMU Data (notify).
    pub const IMU_DATA: u128 = 0x858e0002_6e91_49be_84ce_adf663d09d37;
    /// Control Point (write with response, indicate).
    pub const CONTROL_POINT: u128 = 0x858e0003_6e91_49be_84ce_adf663d09d37;
    /// Sensor Config (read, write).
    pub const SENSOR_CONFIG: u128 = 0x858e0004_6e91_49be_84ce_adf663d09d37;
    /// Status (read, notify).
    pub const STATUS: u128 = 0x858e0005_6e91_49be_84ce_adf663d09d37;
    /// Expands a 16-bit SIG UUID onto the Bluetooth base UUID.
    pub const fn sig(short: u16) -> u128 {
        ((short as u128) << 96) | 0x0000_0000_0000_1000_8000_0080_5f9b_34fb
    }
    pub const DEVICE_INFORMATION: u128 = sig(0x180A);
    pub const MANUFACTURER_NAME: u128 = sig(0x2A29);
    pub const MODEL_NUMBER: u128 = sig(0x2A24);
    pub const SERIAL_NUMBER: u128 = sig(0x2A25);
    pub const FIRMWARE_REVISION: u128 = sig(0x2A26);
    pub const BATTERY_SERVICE: u128 = sig(0x180F);
    pub const BATTERY_LEVEL: u128 = sig(0x2A19);
}

/// Sample rates the sensor accepts, Hz.
pub const RATES_HZ: [u16; 4] = [25, 50, 100, 200];
/// Accelerometer ranges, ±g.
pub const ACCEL_RANGES_G: [u8; 4] = [2, 4, 8, 16];
/// Gyroscope ranges, ±deg/s.
pub const GYRO_RANGES_DPS: [u16; 5] = [125, 250, 500, 1000, 2000];
/// IMU Data format byte.
pub const IMU_FORMAT: u8 = 0x01;
/// Header bytes before the samples of an IMU Data notification.
pub const IMU_HEADER_LEN: usize = 8;
/// Bytes per sample (six i16).
pub const SAMPLE_LEN: usize = 12;

/// Everything that can be wrong with bytes from the sensor.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("sensor config must be 6 bytes, got {0}")]
    ConfigLength(usize),
    #[error("sample rate {0} Hz is not one of 25, 50, 100, 200")]
    BadRate(u16),
    #[error("accelerometer range ±{0} g is not one of 2, 4, 8, 16")]
    BadAccelRange(u8),
    #[error("gyroscope range ±{0} °/s is not one of 125, 250, 500, 1000, 2000")]
    BadGyroRange(u16),
    #[error("IMU packet too short ({0} bytes)")]
    ImuTooShort(usize),
    #[error("IMU packet format 0x{0:02x} is not 0x01")]
    ImuFormat(u8),
    #[error("IMU packet announces 0 samples")]
    ImuNoSamples,
    #[error("IMU packet length {len} does not match 8 + 12·{n}")]
    ImuLength { len: usize, n: u8 },
    #[error("control point indication malformed ({0} bytes)")]
    IndicationMalformed(usize),
    #[error("status must be at least 1 byte")]
    StatusEmpty,
    #[error("battery level must be 1 byte, got {0}")]
    BatteryLength(usize),
}

/// The sensor's configuration (characteristic `858e0004`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorConfig {
    pub rate_hz: u16,
    pub accel_range_g: u8,
    pub gyro_range_dps: u16,
}

impl Default for SensorConfig {
    fn default() -> Self {
        SensorConfig { rate_hz: 50, accel_range_g: 8, gyro_range_dps: 500 }
    }
}

impl SensorConfig {
    /// Checks every field against the allowed values.
    pub fn validate(self) -> Result<Self, ProtocolError> {
        if !RATES_HZ.contains(&self.rate_hz) {
            return Err(ProtocolError::BadRate(self.rate_hz));
        }
        if !ACCEL_RANGES_G.contains(&self.accel_range_g) {
            return Err(ProtocolError::BadAccelRange(self.accel_range_g));
        }
        if !GYRO_RANGES_DPS.contains(&self.gyro_range_dps) {
            return Err(ProtocolError::BadGyroRange(self.gyro_range_dps));
        }
        Ok(self)
    }
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        if bytes.len() != 6 {
            return Err(ProtocolError::ConfigLength(bytes.len()));
        }
        SensorConfig {
            rate_hz: u16::from_le_bytes([bytes[0], bytes[1]]),
            accel_range_g: bytes[2],
            gyro_range_dps: u16::from_le_bytes([bytes[3], bytes[4]]),
        }
        .validate()
    }
    pub fn encode(self) -> [u8; 6] {
        let r = self.rate_hz.to_le_bytes();
        let g = self.gyro_range_dps.to_le_bytes();
        [r[0], r[1], self.accel_range_g, g[0], g[1], 0]
    }
    /// Microseconds between two samples.
    pub fn period_us(self) -> f64 {
        1e6 / f64::from(self.rate_hz)
    }
    pub fn accel_scale_g(self) -> f64 {
        f64::from(self.accel_range_g) / 32768.0
    }
    pub fn gyro_scale_dps(self) -> f64 {
        f64::from(self.gyro_range_dps) / 32768.0
    }
    /// Samples that fit one notification at this ATT MTU.
    pub fn samples_per_notification(mtu: u16) -> usize {
        let payload = usize::from(mtu.max(23)) - 3;
        ((payload - IMU_HEADER_LEN) / SAMPLE_LEN).max(1)
    }
}

/// One raw IMU sample: `ax ay az gx gy gz` in counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RawSample(pub [i16; 6]);

/// A decoded IMU Data notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImuPacket {
    pub seq: u16,
    /// µs since the sensor booted, of the first sample.
    pub time_us: u32,
    pub samples: Vec<RawSample>,
}

impl ImuPacket {
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        if bytes.len() < IMU_HEADER_LEN {
            return Err(ProtocolError::ImuTooShort(bytes.len()));
        }
        if bytes[0] != IMU_FORMAT {
            return Err(ProtocolError::ImuFormat(bytes[0]));
        }
        let n = bytes[7];
        if n == 0 {
            return Err(ProtocolError::ImuNoSamples);
        }
        if bytes.len() != IMU_HEADER_LEN + SAMPLE_LEN * usize::from(n) {
            return Err(ProtocolError::ImuLength { len: bytes.len(), n });
        }
        let samples = bytes[IMU_HEADER_LEN..]
            .chunks_exact(SAMPLE_LEN)
            .map(|c| {
                let mut v = [0i16; 6];
                for (k, out) in v.iter_mut().enumerate() {
                    *out = i16::from_le_bytes([c[2 * k], c[2 * k + 1]]);
                }
                RawSample(v)
            })
            .collect();
        Ok(ImuPacket {
            seq: u16::from_le_bytes([bytes[1], bytes[2]]),
            time_us: u32::from_le_bytes([bytes[3], bytes[4], bytes[5], bytes[6]]),
            samples,
        })
    }
    /// Encodes; `samples` must hold 1..=255 samples.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.samples.len().min(255);
        let mut out = Vec::with_capacity(IMU_HEADER_LEN + SAMPLE_LEN * n);
        out.push(IMU_FORMAT);
        out.extend_from_slice(&self.seq.to_le_bytes());
        out.extend_from_slice(&self.time_us.to_le_bytes());
        out.push(n as u8);
        for s in &self.samples[..n] {
            for v in s.0 {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }
}

/// Control Point opcodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Opcode {
    StartStreaming = 0x01,
    StopStreaming = 0x02,
    Identify = 0x03,
}

impl Opcode {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0x01 => Some(Opcode::StartStreaming),
            0x02 => Some(Opcode::StopStreaming),
            0x03 => Some(Opcode::Identify),
            _ => None,
        }
    }
}

/// Result codes of a Control Point indication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CpResult {
    Success,
    NotSupported,
    InvalidParameter,
    Failed,
    Other(u8),
}

impl CpResult {
    pub fn from_u8(v: u8) -> Self {
        match v {
            0x01 => CpResult::Success,
            0x02 => CpResult::NotSupported,
            0x03 => CpResult::InvalidParameter,
            0x04 => CpResult::Failed,
            x => CpResult::Other(x),
        }
    }
    pub fn to_u8(self) -> u8 {
        match self {
            CpResult::Success => 1,
            CpResult::NotSupported => 2,
            CpResult::InvalidParameter => 3,
            CpResult::Failed => 4,
            CpResult::Other(x) => x,
        }
    }
    /// A sentence a user can read.
    pub fn describe(self) -> &'static str {
        match self {
            CpResult::Success => "done",
            CpResult::NotSupported => "the sensor does not support this command",
            CpResult::InvalidParameter => "the sensor rejected the command's parameters",
            CpResult::Failed => "the sensor could not carry out the command",
            CpResult::Other(_) => "the sensor answered with an unknown result code",
        }
    }
}

/// Control Point write for `op` (no parameters are defined in v1).
pub fn control_point_write(op: Opcode) -> Vec<u8> {
    vec![op as u8]
}

/// Parses an indication `[0x80, opcode, result]`; returns (opcode byte, result).
pub fn parse_indication(bytes: &[u8]) -> Result<(u8, CpResult), ProtocolError> {
    match bytes {
        [0x80, op, res, ..] => Ok((*op, CpResult::from_u8(*res))),
        _ => Err(ProtocolError::IndicationMalformed(bytes.len())),
    }
}

/// Encodes an indication (the simulated sensor answers with this).
pub fn encode_indication(op: u8, result: CpResult) -> [u8; 3] {
    [0x80, op, result.to_u8()]
}

/// Status characteristic flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Status {
    pub streaming: bool,
    pub charging: bool,
    pub worn: bool,
}

impl Status {
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        let b = *bytes.first().ok_or(ProtocolError::StatusEmpty)?;
        Ok(Status { streaming: b & 1 != 0, charging: b & 2 != 0, worn: b & 4 != 0 })
    }
    pub fn encode(self) -> [u8; 2] {
        [u8::from(self.streaming) | u8::from(self.charging) << 1 | u8::from(self.worn) << 2, 0]
    }
}

/// Battery Level: percent, clamped to 0–100.
pub fn decode_battery(bytes: &[u8]) -> Result<u8, ProtocolError> {
    match bytes {
        [b] => Ok((*b).min(100)),
        _ => Err(ProtocolError::BatteryLength(bytes.len())),
    }
}

/// Lower-case hex of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

/// Parses hex of either case; `None` for odd length or a non-hex digit.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    fn nib(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    b.chunks_exact(2).map(|p| Some(nib(p[0])? << 4 | nib(p[1])?)).collect()
}
