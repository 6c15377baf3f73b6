//! Records a streaming session as an `.apcap` capture (header with
//! `config`, `device`, `side`), through `sensor::capture`'s formatters.
//! Flushed at least every quarter second, so killing the app loses at most
//! the last moments.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{LinkError, LinkEvent};
use crate::sensor::capture::{format_header, format_record, Side};
use crate::sensor::protocol::SensorConfig;

const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// An open capture being written.
pub struct CaptureRecorder {
    out: BufWriter<File>,
    path: PathBuf,
    last_flush: Instant,
    records: u64,
    last_rx_ms: u64,
}

impl CaptureRecorder {
    /// Creates `path` (replacing it) and writes the header.
    pub fn create(
        path: &Path,
        config: SensorConfig,
        device: Option<&str>,
        side: Option<Side>,
        extra: &[(&str, &str)],
    ) -> Result<Self, LinkError> {
        let mut out = BufWriter::new(File::create(path)?);
        out.write_all(format_header(config, device, side, extra).as_bytes())?;
        out.flush()?;
        Ok(CaptureRecorder { out, path: path.to_path_buf(), last_flush: Instant::now(), records: 0, last_rx_ms: 0 })
    }

    /// Appends one notification. Receive times never decrease in a capture,
    /// so an out-of-order stamp is clamped to the previous one.
    pub fn record(&mut self, rx_ms: u64, payload: &[u8]) -> Result<(), LinkError> {
        let rx_ms = rx_ms.max(self.last_rx_ms);
        self.last_rx_ms = rx_ms;
        self.out.write_all(format_record(rx_ms, payload).as_bytes())?;
        self.records += 1;
        if self.last_flush.elapsed() >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Records the event if it is an IMU notification; other events are not
    /// part of a capture.
    pub fn record_event(&mut self, ev: &LinkEvent) -> Result<(), LinkError> {
        match ev {
            LinkEvent::Imu { rx_ms, payload } => self.record(*rx_ms, payload),
            _ => Ok(()),
        }
    }

    pub fn flush(&mut self) -> Result<(), LinkError> {
        self.out.flush()?;
        self.last_flush = Instant::now();
        Ok(())
    }

    /// Notifications written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and closes the file.
    pub fn finish(mut self) -> Result<PathBuf, LinkError> {
        self.flush()?;
        self.out.get_ref().sync_all()?;
        Ok(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensor::capture::{CaptureReader, Record};
    use crate::sensor::protocol::{ImuPacket, RawSample};

    fn packet(seq: u16) -> Vec<u8> {
        ImuPacket { seq, time_us: u32::from(seq) * 20_000, samples: vec![RawSample([seq as i16, 2, 3, 4, 5, 6])] }
            .encode()
    }

    #[test]
    fn a_recording_reads_back_as_the_same_capture() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.apcap");
        let cfg = SensorConfig { rate_hz: 100, accel_range_g: 4, gyro_range_dps: 1000 };
        let mut rec = CaptureRecorder::create(&path, cfg, Some("APS-00AA"), Some(Side::Left), &[]).unwrap();
        let sent: Vec<(u64, Vec<u8>)> = (0..50u16).map(|i| (u64::from(i) * 10, packet(i))).collect();
        for (rx, p) in &sent {
            rec.record_event(&LinkEvent::Imu { rx_ms: *rx, payload: p.clone() }).unwrap();
        }
        rec.record_event(&LinkEvent::Battery(50)).unwrap();
        assert_eq!(rec.records(), 50);
        rec.finish().unwrap();

        let reader = CaptureReader::new(std::io::BufReader::new(File::open(&path).unwrap())).unwrap();
        assert_eq!(reader.header().config, cfg);
        assert_eq!(reader.header().device.as_deref(), Some("APS-00AA"));
        assert_eq!(reader.header().side, Some(Side::Left));
        let got: Vec<(u64, Vec<u8>)> = reader
            .filter_map(|r| match r.unwrap() {
                Record::Notification { rx_ms, payload } => Some((rx_ms, payload)),
                Record::BadLine { .. } => None,
            })
            .collect();
        assert_eq!(got, sent);
    }

    #[test]
    fn receive_times_never_go_backwards_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.apcap");
        let mut rec = CaptureRecorder::create(&path, SensorConfig::default(), None, None, &[]).unwrap();
        rec.record(100, &packet(1)).unwrap();
        rec.record(90, &packet(2)).unwrap();
        rec.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let stamps: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).map(|l| &l[..3]).collect();
        assert_eq!(stamps, ["100", "100"]);
    }
}
