//! Runs a whole capture through the streaming pipeline and gathers the
//! result in the shape of `shared/analysis-contract.md`.

use std::io::BufRead;

use serde::{Deserialize, Serialize};

use super::notpump::Excluded;
use super::pipeline::{Event, Pipeline};
use super::reps::Rep;
use crate::sensor::capture::{CaptureError, CaptureHeader, CaptureReader, Record};

/// The contract's JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub samples: u64,
    pub lost_samples: u64,
    pub malformed_packets: u64,
    pub duration_s: f64,
    pub reps: Vec<Rep>,
    /// Stretches in which nothing was counted (walking, …), with the reason: an addition to
    /// the contract's fields.
    #[serde(default)]
    pub excluded: Vec<Excluded>,
}

/// Analysis plus what the capture said about itself.
#[derive(Debug, Clone)]
pub struct AnalyzedCapture {
    pub header: CaptureHeader,
    pub analysis: Analysis,
    pub trace: Vec<(f64, f64)>,
}

/// Streams a capture through the pipeline. Bad lines are counted; only a
/// file that is not a capture, or a read error, fails.
pub fn analyze<R: BufRead>(input: R, keep_trace: bool) -> Result<AnalyzedCapture, CaptureError> {
    let reader = CaptureReader::new(input)?;
    let header = reader.header().clone();
    let mut p = Pipeline::new(header.config);
    if keep_trace {
        p = p.with_trace();
    }
    let (mut reps, mut excluded) = (Vec::new(), Vec::new());
    let mut take = |evs: Vec<Event>| {
        for e in evs {
            match e {
                Event::Rep(r) => reps.push(r),
                Event::Excluded(x) => excluded.push(x),
                _ => {}
            }
        }
    };
    for rec in reader {
        match rec? {
            Record::Notification { rx_ms, payload } => take(p.push_notification(rx_ms, &payload)),
            Record::BadLine { .. } => p.push_malformed(),
        }
    }
    take(p.finish());
    let c = p.counters();
    let analysis = Analysis {
        samples: c.samples,
        lost_samples: c.lost_samples,
        malformed_packets: c.malformed_packets,
        duration_s: round3(p.duration_s()),
        reps: reps.into_iter().map(round_rep).collect(),
        excluded: excluded
            .into_iter()
            .map(|x| Excluded { start_s: round3(x.start_s), end_s: round3(x.end_s), ..x })
            .collect(),
    };
    Ok(AnalyzedCapture { header, analysis, trace: p.take_trace() })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn round_rep(r: Rep) -> Rep {
    Rep {
        start_s: round3(r.start_s),
        end_s: round3(r.end_s),
        peak_dorsi_deg: round3(r.peak_dorsi_deg),
        peak_plantar_deg: round3(r.peak_plantar_deg),
        rom_deg: round3(r.rom_deg),
        hold_dorsi_s: round3(r.hold_dorsi_s),
        hold_plantar_s: round3(r.hold_plantar_s),
        detected_s: round3(r.detected_s),
    }
}
