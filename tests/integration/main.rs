//! The single integration-test binary (ripgrep style): one `mod` per area.

mod accuracy_sim;
mod analyze;
mod sim;
mod support;
