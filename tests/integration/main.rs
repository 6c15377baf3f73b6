//! The single integration-test binary (ripgrep style): one `mod` per area.

mod accuracy_sim;
mod analyze;
mod app;
mod backup;
mod ble;
mod ble_cli;
mod bluez;
mod files;
mod gen2;
mod hub;
mod hub_process;
mod notifications;
mod real;
mod remind;
mod runtime_ble;
mod runtime_link;
mod runtime_session;
mod security;
mod serve;
mod sim;
mod store;
mod store_fhir;
mod store_time;
mod support;
mod walking;
mod window;
