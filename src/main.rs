//! The `anklepump` binary: no subcommand opens the app; subcommands do headless work.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = anklepump::cli::Cli::parse();
    match cli.command {
        Some(cmd) => anklepump::cli::run_with_db(cmd, cli.db),
        #[cfg(feature = "desktop")]
        None => {
            anklepump::ui::launch::desktop(anklepump::runtime::RuntimeConfig::from_env().with_db(cli.db.as_deref()));
            ExitCode::SUCCESS
        }
        #[cfg(all(feature = "mobile", not(feature = "desktop")))]
        None => {
            anklepump::ui::launch::mobile(anklepump::runtime::RuntimeConfig::from_env().with_db(cli.db.as_deref()));
            ExitCode::SUCCESS
        }
        #[cfg(not(any(feature = "desktop", feature = "mobile")))]
        None => {
            eprintln!("anklepump: built without the desktop window; try `anklepump serve`");
            ExitCode::from(2)
        }
    }
}
