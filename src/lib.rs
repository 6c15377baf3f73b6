//! AnklePump: companion app for the APS-1 ankle-pump foot sensor.
//! See ARCHITECTURE.md for the map of the crate.

pub mod chart;
pub mod cli;
pub mod core;
pub mod link;
pub mod notify;
pub mod runtime;
pub mod sensor;
pub mod store;
pub mod ui;
