mod store;
mod store_fhir;
mod store_time;
