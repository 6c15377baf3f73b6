//! Headless subcommands: argument parsing (clap) and dispatch. Each
//! subcommand's I/O glue lives in its own file; errors become one line on
//! stderr and a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;

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
}

/// Runs a headless subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Analyze { file, json, trace_out } => analyze::run(&file, json, trace_out.as_deref()),
    }
}
