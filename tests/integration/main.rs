//! The single integration-test binary (ripgrep style): one `mod` per area.

mod analyze;
mod runtime_session;
mod serve;
mod sim;
mod support;
