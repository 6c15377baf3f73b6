//! AnklePump: companion app for the APS-1 ankle-pump foot sensor.
//! See ARCHITECTURE.md for the map of the crate.

pub mod cli;
pub mod core;
pub mod runtime;
pub mod sensor;
pub mod ui;
