//! Headless subcommands: argument parsing (clap) and dispatch. Each
//! subcommand's I/O glue lives in its own file; errors become one line on
//! stderr and a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;
mod link;

#[derive(Debug, Parser)]
#[command(name = "anklepump", version, about = "Ankle-pump companion for the APS-1 foot sensor")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze a capture with the same pipeline the live screen uses.
    Analyze {
        /// The .apcap file.
        file: PathBuf,
        /// Print the contract's JSON object instead of a summary.
        #[arg(long)]
        json: bool,
        /// Write the per-sample ankle angle as CSV (t,deg), for diagnostics.
        #[arg(long, hide = true)]
        trace_out: Option<PathBuf>,
    },
    /// List APS-1 sensors in range (Bluetooth).
    Scan {
        /// How long to listen.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Print JSON (`[{name, id, rssi, battery}]`).
        #[arg(long)]
        json: bool,
    },
    /// Record a sensor's stream to an .apcap capture (Bluetooth).
    Record {
        /// The sensor's name or address (default: the first APS-1 found).
        #[arg(long)]
        device: Option<String>,
        /// How long to record.
        #[arg(long)]
        seconds: f64,
        /// The capture file to write.
        #[arg(long)]
        out: PathBuf,
        /// Which foot wears the sensor (left or right), written to the header.
        #[arg(long, value_parser = parse_side)]
        side: Option<crate::sensor::capture::Side>,
    },
}

fn parse_side(s: &str) -> Result<crate::sensor::capture::Side, String> {
    crate::sensor::capture::Side::parse(s).ok_or_else(|| format!("`{s}` is not left or right"))
}

/// Runs a headless subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Analyze { file, json, trace_out } => analyze::run(&file, json, trace_out.as_deref()),
        Command::Scan { seconds, json } => link::scan(seconds, json),
        Command::Record { device, seconds, out, side } => link::record(device.as_deref(), seconds, &out, side),
    }
}
