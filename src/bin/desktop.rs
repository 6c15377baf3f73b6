//! `anklepump-desktop`: the app in a desktop window (and every subcommand of
//! `anklepump`). It is a binary of its own so that `anklepump` — which runs
//! `analyze` and the other headless commands — does not load WebKitGTK and
//! GTK at every start (about 45 MB of libraries and 70 ms): `anklepump` with
//! no subcommand starts this binary, which sits beside it.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = anklepump::cli::Cli::parse();
    match cli.command {
        Some(cmd) => anklepump::cli::run_with_db(cmd, cli.db),
        None => match anklepump::ui::launch::desktop(
            anklepump::runtime::RuntimeConfig::from_env().with_db(cli.db.as_deref()),
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("anklepump: {e}");
                ExitCode::from(1)
            }
        },
    }
}
