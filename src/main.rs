//! The `anklepump` binary: no subcommand opens the app; subcommands do headless work.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = anklepump::cli::Cli::parse();
    match cli.command {
        Some(cmd) => anklepump::cli::run_with_db(cmd, cli.db),
        None => {
            eprintln!("anklepump: the app window is not built yet; try `anklepump analyze FILE.apcap`");
            ExitCode::from(2)
        }
    }
}
