//! The command line's one failure type: a one-line message and an exit
//! code (1 for a failure while working, 2 for refused input), printed by
//! [`Fail::exit`] in `main`, the one exit path.

use std::process::ExitCode;

/// A failed subcommand.
#[derive(Debug)]
pub struct Fail {
    /// `None` when the subcommand already said why on stderr.
    msg: Option<String>,
    code: ExitCode,
}

impl Fail {
    pub(crate) fn new(msg: impl Into<String>, code: u8) -> Fail {
        Fail { msg: Some(msg.into()), code: ExitCode::from(code) }
    }

    /// The outcome of a subcommand that reports its own failure on stderr.
    pub(crate) fn reported(code: ExitCode) -> Result<(), Fail> {
        if code == ExitCode::SUCCESS {
            Ok(())
        } else {
            Err(Fail { msg: None, code })
        }
    }

    /// Prints the message (one line, `anklepump: ` first) and gives the exit code.
    pub fn exit(self) -> ExitCode {
        if let Some(msg) = self.msg {
            eprintln!("anklepump: {msg}");
        }
        self.code
    }
}

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail::new(e.to_string(), 1)
    }
}
