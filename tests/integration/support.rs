//! Helpers shared by the integration tests: paths and running the binary.

use std::path::PathBuf;
use std::process::{Command, Output};

/// `shared/` beside the repository (CI clones main with shared/ next to it).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared")
}

pub fn traces_dir() -> PathBuf {
    shared_dir().join("traces")
}

/// Runs the built `anklepump` binary with `args`.
pub fn anklepump(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anklepump")).args(args).output().expect("run anklepump")
}
