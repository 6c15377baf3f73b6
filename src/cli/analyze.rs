//! `anklepump analyze FILE.apcap [--json]`: a capture through the same
//! streaming pipeline the live screen uses, printed as the contract's JSON
//! or as a readable summary.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::core::analysis::analyze;

pub(super) fn run(file: &Path, json: bool, trace_out: Option<&Path>) -> ExitCode {
    let f = match File::open(file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("anklepump: cannot open {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let res = match analyze(BufReader::new(f), trace_out.is_some()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("anklepump: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    if let Some(path) = trace_out {
        let mut s = String::from("t,deg\n");
        for (t, a) in &res.trace {
            s.push_str(&format!("{t:.4},{a:.4}\n"));
        }
        if let Err(e) = std::fs::write(path, s) {
            eprintln!("anklepump: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    let a = &res.analysis;
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_string(a).map_err(std::io::Error::other).and_then(|s| writeln!(out, "{s}"))
    } else {
        summary(&mut out, &res)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("anklepump: cannot write output: {e}");
            ExitCode::from(1)
        }
    }
}

fn summary(out: &mut impl Write, res: &crate::core::analysis::AnalyzedCapture) -> std::io::Result<()> {
    let a = &res.analysis;
    writeln!(out, "{} reps in {:.1} s", a.reps.len(), a.duration_s)?;
    writeln!(out, "samples {}  lost {}  malformed notifications {}", a.samples, a.lost_samples, a.malformed_packets)?;
    for (i, r) in a.reps.iter().enumerate() {
        writeln!(
            out,
            "rep {:>3}  {:7.2}–{:7.2} s  up {:5.1}°  down {:5.1}°  range {:5.1}°  holds {:4.1} s / {:4.1} s",
            i + 1,
            r.start_s,
            r.end_s,
            r.peak_dorsi_deg,
            r.peak_plantar_deg,
            r.rom_deg,
            r.hold_dorsi_s,
            r.hold_plantar_s
        )?;
    }
    Ok(())
}

/// Prints the peak resident memory of this process (VmHWM) on stderr.
pub(super) fn print_peak_memory() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    match status.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
        Some(v) => eprintln!("peak memory: {}", v.trim()),
        None => eprintln!("peak memory: unknown on this platform"),
    }
}
