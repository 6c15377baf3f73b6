//! Unit tests of the demo sensor (kept beside `demo.rs`).
use super::*;
