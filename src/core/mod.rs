//! The pure core: no I/O, no clock, no UI, no BLE, no database. It takes
//! bytes, samples and timestamps as arguments and returns values.

pub mod analysis;
pub mod axis;
pub mod calib;
pub mod coach;
pub mod holds;
pub mod notpump;
pub mod orientation;
pub mod physio;
pub mod pipeline;
pub mod plan;
pub mod reacquire;
pub mod reps;
#[cfg(test)]
mod reps_tests;
pub mod sim;
pub mod timeline;
pub mod words;

#[cfg(test)]
mod timeline_tests;
