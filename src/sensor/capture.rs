//! `.apcap` capture files (`shared/sensor-protocol.md`, "Capture files"):
//! a streaming line reader over any `BufRead` and pure formatting helpers
//! for writing. Lines that do not parse are reported, never fatal; only a
//! file that is not a capture at all is an error. No line is held past
//! [`MAX_LINE`] bytes: a longer one is skipped (a bad line, or an unknown
//! header) as it streams by, and so is a header line that is not UTF-8.

use std::io::BufRead;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::protocol::{from_hex, to_hex, SensorConfig};

/// The longest line kept, in bytes: a data line of the largest notification
/// (244 bytes at MTU 247, 488 hex digits) with its time fits many times over.
pub const MAX_LINE: usize = 4096;

/// One line of input, bounded.
enum Line {
    Eof,
    Text(String),
    /// Not UTF-8, or longer than [`MAX_LINE`]: whether it began with `#`.
    Unreadable {
        header: bool,
    },
}

/// Reads one line, keeping at most [`MAX_LINE`] bytes of it.
fn read_bounded(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<Line> {
    buf.clear();
    let (mut seen, mut too_long) = (0usize, false);
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if seen == 0 {
                return Ok(Line::Eof);
            }
            break;
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long && buf.len() + take <= MAX_LINE {
            buf.extend_from_slice(&chunk[..take]);
        } else if !too_long {
            // Keep only the first byte: whether the line was a header.
            too_long = true;
            if buf.is_empty() {
                buf.push(chunk[0]);
            }
            buf.truncate(1);
        }
        seen += take;
        input.consume(take);
        if done {
            break;
        }
    }
    let header = buf.first() == Some(&b'#');
    if too_long {
        return Ok(Line::Unreadable { header });
    }
    match String::from_utf8(std::mem::take(buf)) {
        Ok(s) => Ok(Line::Text(s)),
        Err(_) => Ok(Line::Unreadable { header }),
    }
}

/// Which foot wears the sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "left" | "l" => Some(Side::Left),
            "right" | "r" => Some(Side::Right),
            _ => None,
        }
    }
}

/// A file that cannot be read as a capture at all.
#[derive(Debug, Error)]
pub enum CaptureError {
    #[error("not an apcap capture: the first line is not `# apcap 1`")]
    NotACapture,
    #[error("capture has no `# config` header")]
    MissingConfig,
    #[error("capture header `config` is invalid: {0}")]
    BadConfig(String),
    #[error("cannot read capture: {0}")]
    Io(#[from] std::io::Error),
}

/// The `#` headers of a capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureHeader {
    pub config: SensorConfig,
    pub device: Option<String>,
    pub side: Option<Side>,
    /// Every other `key value` header, in order (unknown keys are kept, not used).
    pub extra: Vec<(String, String)>,
}

/// One data line of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// `<rx_ms> <payload>`; the payload is not yet decoded.
    Notification { rx_ms: u64, payload: Vec<u8> },
    /// A line that does not parse (counted as a malformed notification).
    BadLine { line_no: usize },
}

/// Parses `rate_hz=50 accel_range_g=8 gyro_range_dps=500`.
pub fn parse_config(value: &str) -> Result<SensorConfig, CaptureError> {
    let (mut rate, mut acc, mut gyr) = (None, None, None);
    for kv in value.split_whitespace() {
        let (k, v) = kv.split_once('=').ok_or_else(|| CaptureError::BadConfig(kv.to_string()))?;
        let bad = || CaptureError::BadConfig(kv.to_string());
        match k {
            "rate_hz" => rate = Some(v.parse::<u16>().map_err(|_| bad())?),
            "accel_range_g" => acc = Some(v.parse::<u8>().map_err(|_| bad())?),
            "gyro_range_dps" => gyr = Some(v.parse::<u16>().map_err(|_| bad())?),
            _ => {}
        }
    }
    let missing = |name: &str| CaptureError::BadConfig(format!("missing {name}"));
    SensorConfig {
        rate_hz: rate.ok_or_else(|| missing("rate_hz"))?,
        accel_range_g: acc.ok_or_else(|| missing("accel_range_g"))?,
        gyro_range_dps: gyr.ok_or_else(|| missing("gyro_range_dps"))?,
    }
    .validate()
    .map_err(|e| CaptureError::BadConfig(e.to_string()))
}

/// Parses one data line; `None` when it is not `<rx_ms> <hex>`.
pub fn parse_data_line(line: &str) -> Option<(u64, Vec<u8>)> {
    let mut it = line.split_whitespace();
    let rx = it.next()?.parse::<u64>().ok()?;
    let hex = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some((rx, from_hex(hex)?))
}

/// Streams the records of a capture after reading its headers.
pub struct CaptureReader<R: BufRead> {
    input: R,
    header: CaptureHeader,
    /// The first data line, read while looking for the end of the headers.
    pending: Option<Record>,
    line_no: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> CaptureReader<R> {
    /// Reads the header block; fails only when this is not a capture.
    pub fn new(mut input: R) -> Result<Self, CaptureError> {
        let mut buf = Vec::new();
        let first = read_bounded(&mut input, &mut buf)?;
        if !matches!(&first, Line::Text(l) if l.trim_start_matches('\u{feff}').trim() == "# apcap 1") {
            return Err(CaptureError::NotACapture);
        }
        let mut line_no = 1usize;
        let (mut config, mut device, mut side, mut extra) = (None, None, None, Vec::new());
        let mut pending = None;
        loop {
            let line = match read_bounded(&mut input, &mut buf)? {
                Line::Eof => break,
                // A header that cannot be read is an unknown header: skipped.
                Line::Unreadable { header: true } => {
                    line_no += 1;
                    continue;
                }
                Line::Unreadable { header: false } => {
                    line_no += 1;
                    pending = Some(Record::BadLine { line_no });
                    break;
                }
                Line::Text(l) => l,
            };
            line_no += 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some(rest) = line.strip_prefix('#') else {
                pending = Self::classify(line, line_no);
                break;
            };
            let rest = rest.trim();
            let (key, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let value = value.trim();
            match key {
                "config" => config = Some(parse_config(value)?),
                "device" => device = Some(value.to_string()),
                "side" => side = Side::parse(value),
                _ => extra.push((key.to_string(), value.to_string())),
            }
        }
        let config = config.ok_or(CaptureError::MissingConfig)?;
        Ok(CaptureReader { input, header: CaptureHeader { config, device, side, extra }, pending, line_no, buf })
    }

    pub fn header(&self) -> &CaptureHeader {
        &self.header
    }

    fn classify(line: &str, line_no: usize) -> Option<Record> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        Some(match parse_data_line(line) {
            Some((rx_ms, payload)) => Record::Notification { rx_ms, payload },
            None => Record::BadLine { line_no },
        })
    }
}

impl<R: BufRead> Iterator for CaptureReader<R> {
    type Item = Result<Record, CaptureError>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(r) = self.pending.take() {
            return Some(Ok(r));
        }
        loop {
            match read_bounded(&mut self.input, &mut self.buf) {
                Ok(Line::Eof) => return None,
                Ok(Line::Text(line)) => {
                    self.line_no += 1;
                    if let Some(r) = Self::classify(&line, self.line_no) {
                        return Some(Ok(r));
                    }
                }
                // Not UTF-8 or too long: a bad line, not the end of the capture
                // (a `#` line among the data is a comment either way).
                Ok(Line::Unreadable { header }) => {
                    self.line_no += 1;
                    if !header {
                        return Some(Ok(Record::BadLine { line_no: self.line_no }));
                    }
                }
                Err(e) => return Some(Err(e.into())),
            }
        }
    }
}

/// The header block of a new capture, ending in a newline.
pub fn format_header(config: SensorConfig, device: Option<&str>, side: Option<Side>, extra: &[(&str, &str)]) -> String {
    let mut s = String::from("# apcap 1\n");
    if let Some(d) = device {
        s.push_str(&format!("# device {d}\n"));
    }
    if let Some(side) = side {
        s.push_str(&format!("# side {}\n", side.as_str()));
    }
    s.push_str(&format!(
        "# config rate_hz={} accel_range_g={} gyro_range_dps={}\n",
        config.rate_hz, config.accel_range_g, config.gyro_range_dps
    ));
    for (k, v) in extra {
        s.push_str(&format!("# {k} {v}\n"));
    }
    s
}

/// One data line, ending in a newline.
pub fn format_record(rx_ms: u64, payload: &[u8]) -> String {
    format!("{rx_ms} {}\n", to_hex(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(CaptureHeader, Vec<Record>), CaptureError> {
        let r = CaptureReader::new(text.as_bytes())?;
        let h = r.header().clone();
        Ok((h, r.collect::<Result<Vec<_>, _>>()?))
    }

    #[test]
    fn headers_and_records_are_read_and_unknown_keys_kept() {
        let (h, recs) = read("# apcap 1\n# device APS-D884\n# side Right\n# firmware 1.4.0\n# config rate_hz=100 accel_range_g=4 gyro_range_dps=1000\n\n12 0A0b\n").unwrap();
        assert_eq!(h.device.as_deref(), Some("APS-D884"));
        assert_eq!(h.side, Some(Side::Right));
        assert_eq!(h.config, SensorConfig { rate_hz: 100, accel_range_g: 4, gyro_range_dps: 1000 });
        assert_eq!(h.extra, vec![("firmware".to_string(), "1.4.0".to_string())]);
        assert_eq!(recs, vec![Record::Notification { rx_ms: 12, payload: vec![0x0a, 0x0b] }]);
    }

    #[test]
    fn bad_lines_are_records_not_errors() {
        let (_, recs) = read("# apcap 1\n# config rate_hz=50 accel_range_g=8 gyro_range_dps=500\n5 abc\n6 zz\nseven 00\n8\n9 00 11\n10 00\n").unwrap();
        let bad = recs.iter().filter(|r| matches!(r, Record::BadLine { .. })).count();
        assert_eq!(bad, 5);
        assert_eq!(recs.last(), Some(&Record::Notification { rx_ms: 10, payload: vec![0] }));
    }

    #[test]
    fn a_file_that_is_not_a_capture_is_refused() {
        assert!(matches!(read("hello\n"), Err(CaptureError::NotACapture)));
        assert!(matches!(read(""), Err(CaptureError::NotACapture)));
        assert!(matches!(read("# apcap 2\n"), Err(CaptureError::NotACapture)));
        assert!(matches!(read("# apcap 1\n# device x\n1 00\n"), Err(CaptureError::MissingConfig)));
        assert!(matches!(
            read("# apcap 1\n# config rate_hz=60 accel_range_g=8 gyro_range_dps=500\n"),
            Err(CaptureError::BadConfig(_))
        ));
    }

    #[test]
    fn overlong_and_non_utf8_lines_are_skipped_not_fatal() {
        let cfg = "# config rate_hz=50 accel_range_g=8 gyro_range_dps=500\n";
        let long = "7".repeat(MAX_LINE * 3);
        let mut text = b"# apcap 1\n# device \xff\xfeAPS\n".to_vec();
        text.extend_from_slice(format!("# note {long}\n{cfg}{long} 00\n1 00\n").as_bytes());
        text.extend_from_slice(b"2 \xff\n# \xff comment\n3 01");
        let r = CaptureReader::new(&text[..]).expect("a capture");
        assert_eq!(r.header().device, None, "the unreadable device header is skipped");
        assert_eq!(r.header().config.rate_hz, 50);
        let recs: Vec<Record> = r.collect::<Result<_, _>>().expect("records");
        assert_eq!(
            recs,
            vec![
                Record::BadLine { line_no: 5 },
                Record::Notification { rx_ms: 1, payload: vec![0] },
                Record::BadLine { line_no: 7 },
                Record::Notification { rx_ms: 3, payload: vec![1] },
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_header_line_bytes_never_break_the_config(line in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut text = b"# apcap 1\n#".to_vec();
            text.extend(line.iter().map(|&b| if b == b'\n' { b' ' } else { b }));
            text.extend_from_slice(b"\n# config rate_hz=50 accel_range_g=8 gyro_range_dps=500\n1 00\n");
            match CaptureReader::new(&text[..]) {
                Ok(r) => {
                    let recs: Vec<Record> = r.collect::<Result<_, _>>().expect("records");
                    proptest::prop_assert_eq!(recs, vec![Record::Notification { rx_ms: 1, payload: vec![0] }]);
                }
                // only a header line that itself says `config` with a bad value may fail
                Err(e) => proptest::prop_assert!(matches!(e, CaptureError::BadConfig(_)), "{e}"),
            }
        }
    }

    #[test]
    fn written_headers_and_records_read_back() {
        let cfg = SensorConfig { rate_hz: 200, accel_range_g: 2, gyro_range_dps: 250 };
        let text = format_header(cfg, Some("APS-0001"), Some(Side::Left), &[("app", "anklepump 0.1")])
            + &format_record(7, &[1, 2, 255]);
        let (h, recs) = read(&text).unwrap();
        assert_eq!((h.config, h.device.as_deref(), h.side), (cfg, Some("APS-0001"), Some(Side::Left)));
        assert_eq!(recs, vec![Record::Notification { rx_ms: 7, payload: vec![1, 2, 255] }]);
    }
}
