//! A capture replayed as the demo sensor's `NotificationSource`: every
//! notification of an `.apcap`, handed out at its recorded receive time
//! (from the first one); lines that do not parse are skipped. When the
//! recording is over the sensor stops streaming.

use std::io::BufRead;
use std::path::Path;

use super::demo::NotificationSource;
use super::LinkError;
use crate::sensor::capture::{CaptureReader, Record};
use crate::sensor::protocol::SensorConfig;

/// Replays a capture's notifications at their recorded receive times.
pub struct ReplaySource {
    config: SensorConfig,
    device: Option<String>,
    records: Vec<(f64, Vec<u8>)>,
    pos: usize,
}

impl ReplaySource {
    /// Reads a whole capture; lines that do not parse are skipped.
    pub fn from_reader(input: impl BufRead) -> Result<Self, LinkError> {
        let reader = CaptureReader::new(input)?;
        let header = reader.header().clone();
        let mut records = Vec::new();
        for rec in reader {
            if let Record::Notification { rx_ms, payload } = rec? {
                records.push((rx_ms as f64 / 1e3, payload));
            }
        }
        // Replay from the first notification, not from the capture's t = 0.
        let t0 = records.first().map_or(0.0, |r| r.0);
        records.iter_mut().for_each(|r| r.0 -= t0);
        Ok(ReplaySource { config: header.config, device: header.device, records, pos: 0 })
    }
    pub fn open(path: &Path) -> Result<Self, LinkError> {
        Self::from_reader(std::io::BufReader::new(std::fs::File::open(path)?))
    }
}

impl NotificationSource for ReplaySource {
    fn config(&self) -> SensorConfig {
        self.config
    }
    fn next(&mut self, until_s: f64) -> Vec<(f64, Vec<u8>)> {
        let start = self.pos;
        while self.pos < self.records.len() && self.records[self.pos].0 <= until_s {
            self.pos += 1;
        }
        self.records[start..self.pos].to_vec()
    }
    fn name(&self) -> Option<String> {
        self.device.clone()
    }
    fn ended(&self) -> bool {
        self.pos >= self.records.len()
    }
}
