//! The single integration-test binary: one module per area.

mod store;
mod store_fhir;
mod store_time;
