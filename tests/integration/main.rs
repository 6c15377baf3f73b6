//! The single integration-test binary (ripgrep style): one `mod` per area.

mod accuracy_sim;
mod analyze;
mod sim;
mod support;
mod store;
mod store_fhir;
mod store_time;
