//! Headless subcommands: argument parsing (clap) and dispatch. Each
//! subcommand's I/O glue lives in its own file; errors become one line on
//! stderr and a non-zero exit code.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;
mod link;
mod replay;
mod report;
mod simulate;
mod store;

#[derive(Debug, Parser)]
#[command(name = "anklepump", version, about = "Ankle-pump companion for the APS-1 foot sensor")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The session database (default: the platform's data directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
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
        /// Print this process's peak memory on stderr when done (benchmarks; Linux).
        #[arg(long, hide = true)]
        peak_memory: bool,
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
        /// leg_shift, reboot_wrap, heavy_loss, demo (endless: refused here), random (every condition, drawn from --seed).
        #[arg(long)]
        preset: Option<String>,
        /// The .apcap to write.
        #[arg(long)]
        out: PathBuf,
        /// Where to write the ground truth JSON.
        #[arg(long)]
        truth: Option<PathBuf>,
    },
    /// Analyze a capture and store it as a session (all or nothing).
    Import {
        /// The .apcap file.
        file: PathBuf,
        /// Which foot (default: the capture's `side` header, else the plan's foot).
        #[arg(long, value_parser = store::parse_side)]
        side: Option<crate::sensor::capture::Side>,
        /// When the session started, RFC 3339 with its local offset (default: the file's time minus its length).
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// Pain before the session, 0–10.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
        pain_before: Option<u8>,
        /// Pain after the session, 0–10.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
        pain_after: Option<u8>,
        /// The session was stopped because of pain.
        #[arg(long)]
        stopped_for_pain: bool,
        /// A note for the physiotherapist.
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// List stored sessions (closing any a crash left open as interrupted).
    History {
        /// Print JSON (sessions with their reps) instead of a table.
        #[arg(long)]
        json: bool,
        /// Only sessions whose local date is in this ISO week, with its adherence, e.g. 2026-W47.
        #[arg(long, value_parser = store::parse_week)]
        week: Option<chrono::IsoWeek>,
    },
    /// Export every session for a clinician: CSV files and/or a FHIR R4 Bundle.
    #[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["csv", "fhir"])))]
    Export {
        /// Write DIR/sessions.csv and DIR/reps.csv.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// Write a FHIR R4 Bundle of Observations as JSON.
        #[arg(long, value_name = "FILE.json")]
        fhir: Option<PathBuf>,
    },
    /// Draw the weekly progress chart (adherence per day, ROM trend per foot).
    Report {
        /// ISO week, e.g. 2026-W47.
        #[arg(long, value_parser = store::parse_week)]
        week: chrono::IsoWeek,
        /// The chart file: .svg or .png.
        #[arg(long, value_name = "FILE.svg|FILE.png")]
        out: PathBuf,
        /// The local date to judge the week from (default: today).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Show the exercise plan, or change it.
    Plan {
        /// general, post-op or custom (resets the other values to the preset's).
        #[arg(long, value_parser = |s: &str| crate::core::plan::Preset::parse(s).ok_or(format!("{s:?} is not general, post-op or custom")))]
        preset: Option<crate::core::plan::Preset>,
        /// left, right or both.
        #[arg(long, value_parser = |s: &str| crate::core::plan::Sides::parse(s).ok_or(format!("{s:?} is not left, right or both")))]
        sides: Option<crate::core::plan::Sides>,
        /// Reps per session.
        #[arg(long)]
        reps: Option<u32>,
        /// Hold seconds at each end.
        #[arg(long)]
        hold: Option<f64>,
        /// Sessions a day, MIN-MAX (custom plans only).
        #[arg(long, value_parser = store::parse_band)]
        sessions: Option<crate::core::plan::DayBand>,
        /// Reminder times, local HH:MM, comma-separated (e.g. 08:00,20:00).
        #[arg(long, value_delimiter = ',', value_parser = store::parse_time_of_day)]
        reminders: Option<Vec<chrono::NaiveTime>>,
    },
    /// Replay a capture as a live session, committing each rep as it is detected (tests, demos).
    #[command(hide = true)]
    ReplaySession {
        file: PathBuf,
        /// Times real time; 0 = as fast as possible.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        #[arg(long, value_parser = store::parse_side)]
        side: Option<crate::sensor::capture::Side>,
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
    /// Serve the app to a browser (Dioxus liveview), on loopback by default.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        addr: SocketAddr,
    },
}

fn parse_side(s: &str) -> Result<crate::sensor::capture::Side, String> {
    crate::sensor::capture::Side::parse(s).ok_or_else(|| format!("`{s}` is not left or right"))
}

/// Runs a headless subcommand; `db` is the global `--db` option.
pub fn run_with_db(cmd: Command, db: Option<PathBuf>) -> ExitCode {
    let db = db.as_deref();
    match cmd {
        Command::Analyze { file, json, trace_out, peak_memory } => {
            let code = analyze::run(&file, json, trace_out.as_deref());
            if peak_memory {
                analyze::print_peak_memory();
            }
            code
        }
        Command::Simulate { seed, scenario, preset, out, truth } => {
            simulate::run(seed, scenario.as_deref(), preset.as_deref(), &out, truth.as_deref())
        }
        Command::Import { file, side, at, pain_before, pain_after, stopped_for_pain, notes } => {
            store::import(db, store::ImportArgs { file, side, at, pain_before, pain_after, stopped_for_pain, notes })
        }
        Command::History { json, week } => store::history(db, json, week),
        Command::Export { csv, fhir } => store::export(db, csv.as_deref(), fhir.as_deref()),
        Command::Report { week, out, today } => report::run(db, week, &out, today),
        Command::Plan { preset, sides, reps, hold, sessions, reminders } => {
            store::plan(db, store::PlanArgs { preset, sides, reps, hold, sessions, reminders })
        }
        Command::ReplaySession { file, speed, side } => replay::run(db, &file, speed, side),
        Command::Scan { seconds, json } => link::scan(seconds, json),
        Command::Record { device, seconds, out, side } => link::record(device.as_deref(), seconds, &out, side),
        Command::Serve { addr } => {
            let cfg = crate::runtime::RuntimeConfig::from_env().with_db(db);
            match crate::ui::launch::serve_blocking(addr, cfg) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("anklepump: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}
