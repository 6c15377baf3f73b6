//! The one integration-test binary: each module is one area.

mod runtime_session;
mod serve;
