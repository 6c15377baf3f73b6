//! Helpers shared by the integration tests (and `benches/store.rs`): where
//! `../shared` is, running the binary, and fixtures. A missing published
//! capture fails the test that needs it, with its path: never a skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anklepump::core::reps::Rep;

/// `shared/` beside the repository (CI clones main with shared/ next to it).
pub(crate) fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared")
}

pub(crate) fn traces_dir() -> PathBuf {
    shared_dir().join("traces")
}

/// A published capture; panics (naming it) when it is missing.
pub(crate) fn trace(name: &str) -> PathBuf {
    let p = traces_dir().join(name);
    assert!(p.exists(), "{} is missing: the published captures belong in ../shared/traces", p.display());
    p
}

/// Runs the built `anklepump` binary with `args`.
pub(crate) fn anklepump(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anklepump")).args(args).output().expect("run anklepump")
}

/// Runs `anklepump --db DB ARGS…` in UTC.
pub(crate) fn anklepump_db(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("run anklepump")
}

/// Its stdout; panics with its stderr when it failed.
pub(crate) fn ok(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `i`-th of a run of plausible reps, 10 s apart.
pub(crate) fn rep(i: u32) -> Rep {
    let f = f64::from(i);
    Rep {
        start_s: f * 10.0,
        end_s: f * 10.0 + 8.0,
        peak_dorsi_deg: 15.0,
        peak_plantar_deg: 30.0,
        rom_deg: 45.0,
        hold_dorsi_s: 3.0,
        hold_plantar_s: 3.0,
        detected_s: f * 10.0 + 8.2,
    }
}
