//! The `anklepump` binary: subcommands do headless work (and `serve` serves
//! the app to a browser); no subcommand opens the app — on a desktop by
//! starting `anklepump-desktop` beside this binary (the window's WebKitGTK
//! stays out of the headless commands), on a phone directly. `tracing`
//! diagnostics go to stderr (`RUST_LOG`, default `warn`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Diagnostics on stderr, warnings and worse unless `RUST_LOG` says otherwise.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let cli = anklepump::cli::Cli::parse();
    match cli.command {
        Some(cmd) => anklepump::cli::run_with_db(cmd, cli.db),
        #[cfg(feature = "desktop")]
        None => desktop_window(),
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

/// Runs `anklepump-desktop` (beside this executable) with the same arguments.
#[cfg(feature = "desktop")]
fn desktop_window() -> ExitCode {
    const APP: &str = "anklepump-desktop";
    let exe = std::env::current_exe().map(|p| p.with_file_name(format!("{APP}{}", std::env::consts::EXE_SUFFIX)));
    let Ok(app) = exe else {
        eprintln!("anklepump: cannot find where this program is, so not {APP} either; try `anklepump serve`");
        return ExitCode::from(2);
    };
    let mut cmd = std::process::Command::new(&app);
    cmd.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    let err = std::os::unix::process::CommandExt::exec(&mut cmd);
    #[cfg(not(unix))]
    let err = match cmd.status() {
        Ok(s) => return s.code().and_then(|c| u8::try_from(c).ok()).map_or(ExitCode::FAILURE, ExitCode::from),
        Err(e) => e,
    };
    eprintln!(
        "anklepump: cannot start the desktop window {}: {err} (build it with `cargo build --release`, or use `anklepump serve`)",
        app.display()
    );
    ExitCode::from(2)
}
