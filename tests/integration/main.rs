//! The single integration-test binary (ripgrep style): one `mod` per area.

mod analyze;
mod sim;
mod support;
