//! The demo sensor until the link module lands: a published capture
//! replayed through the real pipeline, paced by the caller's wall time.
//! Reads the whole capture at open; `due` hands out the notifications whose
//! receive time has come, with their original receive stamps.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::RuntimeError;
use crate::sensor::capture::{CaptureReader, Record};
use crate::sensor::protocol::SensorConfig;

/// What a sensor source reports (the link's events, as far as the runtime needs them).
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    Imu {
        rx_ms: u64,
        payload: Vec<u8>,
    },
    /// A line of the capture that could not be read.
    Malformed,
    /// The (demo) link dropped: nothing arrives until `LinkUp`.
    LinkDown,
    LinkUp,
}

/// A capture replayed in real time.
#[derive(Debug, Clone)]
pub struct ReplaySensor {
    config: SensorConfig,
    device: Option<String>,
    records: Vec<SourceEvent>,
    first_rx_ms: u64,
    next: usize,
}

impl ReplaySensor {
    pub fn open(path: &Path) -> Result<Self, RuntimeError> {
        let file =
            File::open(path).map_err(|e| RuntimeError::DemoCapture(path.display().to_string(), e.to_string()))?;
        let reader = CaptureReader::new(BufReader::new(file))
            .map_err(|e| RuntimeError::DemoCapture(path.display().to_string(), e.to_string()))?;
        let config = reader.header().config;
        let device = reader.header().device.clone();
        let mut records = Vec::new();
        for r in reader {
            match r.map_err(|e| RuntimeError::DemoCapture(path.display().to_string(), e.to_string()))? {
                Record::Notification { rx_ms, payload } => {
                    records.push(SourceEvent::Imu { rx_ms, payload });
                }
                // A bad line keeps its place in time, right after the previous notification.
                Record::BadLine { .. } => records.push(SourceEvent::Malformed),
            }
        }
        let first_rx_ms = records
            .iter()
            .find_map(|r| match r {
                SourceEvent::Imu { rx_ms, .. } => Some(*rx_ms),
                _ => None,
            })
            .unwrap_or(0);
        Ok(ReplaySensor { config, device, records, first_rx_ms, next: 0 })
    }

    pub fn config(&self) -> SensorConfig {
        self.config
    }

    /// The recorded sensor's name, if the capture names it.
    pub fn device(&self) -> Option<&str> {
        self.device.as_deref()
    }

    /// Starts again from the first notification.
    pub fn rewind(&mut self) {
        self.next = 0;
    }

    /// Notifications received up to `elapsed_ms` after the replay started.
    pub fn due(&mut self, elapsed_ms: u64) -> &[SourceEvent] {
        let start = self.next;
        let until = self.first_rx_ms.saturating_add(elapsed_ms);
        while let Some(r) = self.records.get(self.next) {
            match r {
                SourceEvent::Imu { rx_ms, .. } if *rx_ms > until => break,
                _ => self.next += 1,
            }
        }
        &self.records[start..self.next]
    }

    pub fn ended(&self) -> bool {
        self.next >= self.records.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn hands_out_notifications_as_their_time_comes() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(f, "# apcap 1\n# config rate_hz=50 accel_range_g=8 gyro_range_dps=500\n1000 0100\n1040 zz\n1080 0102\n")
            .unwrap();
        let mut r = ReplaySensor::open(f.path()).unwrap();
        assert_eq!(r.config().rate_hz, 50);
        // the bad line follows its predecessor at once
        assert_eq!(
            r.due(0).to_vec(),
            vec![SourceEvent::Imu { rx_ms: 1000, payload: vec![1, 0] }, SourceEvent::Malformed]
        );
        assert!(r.due(79).is_empty());
        assert!(!r.ended());
        assert_eq!(r.due(80).to_vec(), vec![SourceEvent::Imu { rx_ms: 1080, payload: vec![1, 2] }]);
        assert!(r.ended());
    }

    #[test]
    fn a_missing_file_is_a_readable_error() {
        let e = ReplaySensor::open(Path::new("/nonexistent/x.apcap")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.apcap"), "{e}");
    }
}
