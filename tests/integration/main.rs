//! The single integration-test binary (ripgrep style): one `mod` per area.

mod accuracy_sim;
mod analyze;
mod app;
mod ble;
mod ble_cli;
mod bluez;
mod gen2;
mod hub;
mod hub_process;
mod real;
mod runtime_ble;
mod runtime_link;
mod runtime_session;
mod serve;
mod sim;
mod store;
mod store_fhir;
mod store_time;
mod support;
mod walking;
mod window;
