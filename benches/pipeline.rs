//! Pipeline benchmarks. Criterion measures the streaming pipeline's
//! throughput (samples/s) and `analyze` on a 60-minute 100 Hz capture
//! in-process; then the release binary is run once on that capture and its
//! wall time and peak memory (max RSS) are printed — the targets are
//! < 0.2 s and < 50 MB.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anklepump::core::analysis::analyze;
use anklepump::core::pipeline::Pipeline;
use anklepump::sensor::capture::{format_header, format_record, CaptureReader, Record};
use anklepump::sensor::protocol::{ImuPacket, SensorConfig};
use criterion::{Criterion, Throughput};

fn trace(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/traces").join(name)
}

fn records(path: &Path) -> (SensorConfig, Vec<(u64, Vec<u8>)>) {
    let r = CaptureReader::new(BufReader::new(std::fs::File::open(path).expect("trace"))).expect("capture");
    let cfg = r.header().config;
    let recs = r
        .filter_map(|x| match x {
            Ok(Record::Notification { rx_ms, payload }) => Some((rx_ms, payload)),
            _ => None,
        })
        .collect();
    (cfg, recs)
}

/// A capture of `minutes` made by looping a real one, with sequence numbers,
/// sensor clock and receive times carried on across each seam.
fn long_capture(src: &Path, minutes: f64, out: &Path) -> usize {
    let (cfg, recs) = records(src);
    let pkts: Vec<(u64, ImuPacket)> =
        recs.iter().filter_map(|(rx, p)| ImuPacket::decode(p).ok().map(|k| (*rx, k))).collect();
    let (first, last) = (&pkts[0].1, &pkts[pkts.len() - 1].1);
    let period = 1e6 / f64::from(cfg.rate_hz);
    let span_us = last.time_us.wrapping_sub(first.time_us) as u64 + (last.samples.len() as f64 * period) as u64;
    let span_seq = u64::from(last.seq.wrapping_sub(first.seq)) + 1;
    let span_rx = pkts[pkts.len() - 1].0 + 20;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("create"));
    w.write_all(format_header(cfg, Some("APS-BEEF"), None, &[]).as_bytes()).unwrap();
    let mut samples = 0usize;
    for k in 0.. {
        if (k as f64) * span_us as f64 / 1e6 >= minutes * 60.0 {
            break;
        }
        for (rx, p) in &pkts {
            let q = ImuPacket {
                seq: (u64::from(p.seq.wrapping_sub(first.seq)) + k * span_seq) as u16,
                time_us: (u64::from(p.time_us.wrapping_sub(first.time_us)) + k * span_us) as u32,
                samples: p.samples.clone(),
            };
            samples += q.samples.len();
            w.write_all(format_record(rx + k * span_rx, &q.encode()).as_bytes()).unwrap();
        }
    }
    w.flush().unwrap();
    samples
}

fn bench_pipeline(c: &mut Criterion) {
    let (cfg, recs) = records(&trace("p02_seated_strap90.apcap"));
    let n: usize = recs.iter().filter_map(|(_, p)| ImuPacket::decode(p).ok()).map(|p| p.samples.len()).sum();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("p02_100hz_3min_samples", |b| {
        b.iter(|| {
            let mut p = Pipeline::new(cfg);
            let mut reps = 0;
            for (rx, payload) in &recs {
                reps += p.push_notification(*rx, payload).len();
            }
            reps
        })
    });
    g.finish();
}

fn bench_long(c: &mut Criterion, file: &Path) {
    let mut g = c.benchmark_group("analyze");
    g.sample_size(10);
    g.bench_function("60min_100hz_capture", |b| {
        b.iter(|| {
            let f = BufReader::new(std::fs::File::open(file).unwrap());
            analyze(f, false).unwrap().analysis.reps.len()
        })
    });
    g.finish();
}

/// Runs the release binary once and prints wall time and its peak RSS.
fn binary_figures(file: &Path) {
    let t = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .args(["analyze", file.to_str().unwrap(), "--json"])
        .output()
        .expect("run anklepump");
    let wall = t.elapsed().as_secs_f64();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // SAFETY: getrusage fills a plain struct we own.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let peak_mb = ru.ru_maxrss as f64 / 1024.0;
    println!(
        "\nanklepump analyze, 60-minute 100 Hz capture ({} samples, {} reps): wall {:.3} s, peak RSS {:.1} MB (targets < 0.2 s, < 50 MB)",
        v["samples"], v["reps"].as_array().map_or(0, |r| r.len()), wall, peak_mb
    );
}

fn main() {
    // `cargo test` runs benches once as a smoke test: keep that short.
    let full = std::env::args().any(|a| a == "--bench");
    let minutes = if full { 60.0 } else { 1.0 };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long_100hz.apcap");
    let n = long_capture(&trace("p02_seated_strap90.apcap"), minutes, &file);
    let lines = BufReader::new(std::fs::File::open(&file).unwrap()).lines().count();
    println!("generated {} ({} samples, {} lines)", file.display(), n, lines);
    let mut c = Criterion::default().configure_from_args();
    bench_pipeline(&mut c);
    bench_long(&mut c, &file);
    c.final_summary();
    if full {
        binary_figures(&file);
    }
}
