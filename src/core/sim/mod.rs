//! A seeded simulator of a person doing ankle pumps with an APS-1 strapped
//! on the foot: the person's motion plan (`person`), the body and sensor
//! physics (`body`), getting up and walking (`walk`), the sensor's notifications and the radio link
//! (`stream`, `link`) and the exact ground truth (`truth`). Same seed, same
//! bytes. [`simulate`] writes a whole capture and its truth;
//! [`SimSensor`] streams notifications for the app's demo sensor.

pub mod body;
pub mod link;
pub mod person;
pub mod scenario;
pub mod stream;
pub mod truth;
pub mod walk;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use link::{MalformedKind, SimNotification};
pub use scenario::{Mount, Posture, Scenario, SimError, PRESETS};
pub use stream::SimSensor;
pub use truth::{Truth, TruthRep};

use crate::sensor::capture::{format_header, format_record};

/// A simulated capture file and its ground truth.
#[derive(Debug, Clone)]
pub struct SimCapture {
    /// The `.apcap` text.
    pub apcap: String,
    pub truth: Truth,
}

/// An independent random stream of a scenario (1 person, 2 sensor noise, 3 radio, 4 link faults, 5 placement).
pub(crate) fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A standard normal deviate.
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Runs a fixed-plan scenario to its end: the capture file's text and its ground truth.
pub fn simulate(s: &Scenario) -> Result<SimCapture, SimError> {
    if s.endless {
        return Err(SimError::Invalid("an endless scenario has no end to write; set endless to false".into()));
    }
    let mut sensor = SimSensor::new(s.clone())?;
    let notes = sensor.next_notifications(f64::INFINITY);
    let seed = s.seed.to_string();
    let extra: Vec<(&str, &str)> = if s.extra_headers {
        vec![("firmware", "1.4.2"), ("app", "anklepump-simulate"), ("sim_seed", &seed), ("sim_name", &s.name)]
    } else {
        Vec::new()
    };
    let mut apcap = format_header(sensor.config(), s.device.as_deref(), Some(s.side), &extra);
    apcap.reserve(notes.len() * 64);
    for n in &notes {
        let rx_ms = (n.at_s * 1000.0).floor().max(0.0) as u64;
        match &n.raw_hex {
            Some(text) => apcap.push_str(&format!("{rx_ms} {text}\n")),
            None => apcap.push_str(&format_record(rx_ms, &n.payload)),
        }
    }
    Ok(SimCapture { apcap, truth: truth::build(&sensor) })
}
