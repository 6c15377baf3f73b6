//! Headless subcommands: argument parsing (clap) and dispatch. Each
//! subcommand's I/O glue lives in its own file; errors become one line on
//! stderr and a non-zero exit code.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;
mod simulate;

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
    /// Write a simulated capture (person + APS-1 + link) and its ground truth.
    Simulate {
        /// Random seed (overrides the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Scenario JSON: a bare scenario or a *.truth.json (its `scenario` object); overrides the preset.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Starting point: lying, seated, extended, mount3d, postop, continuous, pf_first, two_sets,
        /// leg_shift, reboot_wrap, heavy_loss.
        #[arg(long)]
        preset: Option<String>,
        /// The .apcap to write.
        #[arg(long)]
        out: PathBuf,
        /// Where to write the ground truth JSON.
        #[arg(long)]
        truth: Option<PathBuf>,
    },
    /// Serve the app to a browser (Dioxus liveview), on loopback by default.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        addr: SocketAddr,
    },
}

/// Runs a headless subcommand.
pub fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Analyze { file, json, trace_out } => analyze::run(&file, json, trace_out.as_deref()),
        Command::Simulate { seed, scenario, preset, out, truth } => {
            simulate::run(seed, scenario.as_deref(), preset.as_deref(), &out, truth.as_deref())
        }
        Command::Serve { addr } => {
            match crate::ui::launch::serve_blocking(addr, crate::runtime::RuntimeConfig::from_env()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("anklepump: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}
