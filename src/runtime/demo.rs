//! The demo sensor's notifications until the link module's demo link is
//! wired in: the core's seeded simulator (a person who holds still for the
//! "3, 2, 1" and holds each pump as long as the plan asks), or — when
//! `ANKLEPUMP_DEMO_CAPTURE` names one — a published capture replayed in real
//! time. Either way the bytes go through the real pipeline.

use super::replay::{ReplaySensor, SourceEvent};
use super::{RuntimeConfig, RuntimeError};
use crate::core::sim::{Scenario, SimSensor};
use crate::sensor::protocol::SensorConfig;

/// Seconds the simulated person holds still before the first pump (the cue counts 3, 2, 1).
const SIM_CALIB_S: f64 = 3.5;
/// The simulated person holds a little past the countdown.
const SIM_HOLD_EXTRA_S: f64 = 0.4;

pub enum DemoSource {
    Sim(Box<SimSensor>),
    Replay(ReplaySensor),
}

impl DemoSource {
    /// A fresh source for one session; `hold_s` is the plan's hold, `seed` varies the person.
    pub fn open(cfg: &RuntimeConfig, hold_s: f64, seed: u64) -> Result<Self, RuntimeError> {
        if let Some(path) = &cfg.demo_capture {
            return ReplaySensor::open(path).map(DemoSource::Replay);
        }
        let base = Scenario::preset("demo").map_err(|e| RuntimeError::Simulator(e.to_string()))?;
        let s = Scenario {
            seed,
            calib_s: SIM_CALIB_S,
            hold_dorsi_s: hold_s + SIM_HOLD_EXTRA_S,
            hold_plantar_s: hold_s + SIM_HOLD_EXTRA_S,
            ..base
        };
        SimSensor::new(s).map(|s| DemoSource::Sim(Box::new(s))).map_err(|e| RuntimeError::Simulator(e.to_string()))
    }

    pub fn config(&self) -> SensorConfig {
        match self {
            DemoSource::Sim(s) => s.config(),
            DemoSource::Replay(r) => r.config(),
        }
    }

    /// What the Sensor screen calls it.
    pub fn name(&self) -> String {
        match self {
            DemoSource::Sim(_) => "Demo sensor (simulated)".into(),
            DemoSource::Replay(r) => format!("Demo sensor (recording {})", r.device().unwrap_or("")),
        }
    }

    /// Notifications received up to `elapsed_ms` after the session's stream began.
    pub fn due(&mut self, elapsed_ms: u64) -> Vec<SourceEvent> {
        match self {
            DemoSource::Sim(s) => s
                .next_notifications(elapsed_ms as f64 / 1000.0)
                .into_iter()
                .map(|n| SourceEvent::Imu { rx_ms: (n.at_s * 1000.0).round().max(0.0) as u64, payload: n.payload })
                .collect(),
            DemoSource::Replay(r) => r.due(elapsed_ms).to_vec(),
        }
    }

    /// A replay can end; the simulated demo person goes on.
    pub fn ended(&self) -> bool {
        match self {
            DemoSource::Sim(_) => false,
            DemoSource::Replay(r) => r.ended(),
        }
    }
}
