//! The APS-1 sensor's wire and file formats: pure encode/decode, no I/O.

pub mod capture;
pub mod protocol;

#[cfg(test)]
mod protocol_tests;
