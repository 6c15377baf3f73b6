//! The demo sensor's notifications until the link module's demo link is
//! wired in: the core's seeded simulator (a person who holds still for the
//! "3, 2, 1" and holds each pump as long as the plan asks), or — when
//! `ANKLEPUMP_DEMO_CAPTURE` names one — a published capture replayed in real
//! time. Either way the bytes go through the real pipeline. A configured
//! dropout (`ANKLEPUMP_DEMO_DROPOUT=AT:LEN` seconds) makes the demo link go
//! down for a while: nothing arrives, then the stream resumes.

use super::replay::{ReplaySensor, SourceEvent};
use super::{Dropout, RuntimeConfig, RuntimeError};
use crate::core::sim::{Scenario, SimSensor};
use crate::sensor::protocol::SensorConfig;

/// Seconds the simulated person holds still before the first pump (the cue counts 3, 2, 1).
const SIM_CALIB_S: f64 = 3.5;
/// The simulated person holds a little past the countdown.
const SIM_HOLD_EXTRA_S: f64 = 0.4;

pub struct DemoSource {
    inner: Inner,
    dropout: Option<Dropout>,
    down: bool,
}

enum Inner {
    Sim(Box<SimSensor>),
    Replay(ReplaySensor),
}

impl DemoSource {
    /// A fresh source for one session; `hold_s` is the plan's hold, `seed` varies the person.
    pub fn open(cfg: &RuntimeConfig, hold_s: f64, seed: u64) -> Result<Self, RuntimeError> {
        let wrap = |inner| DemoSource { inner, dropout: cfg.demo_dropout, down: false };
        if let Some(path) = &cfg.demo_capture {
            return ReplaySensor::open(path).map(|r| wrap(Inner::Replay(r)));
        }
        let base = Scenario::preset("demo").map_err(|e| RuntimeError::Simulator(e.to_string()))?;
        let s = Scenario {
            seed,
            calib_s: SIM_CALIB_S,
            hold_dorsi_s: hold_s + SIM_HOLD_EXTRA_S,
            hold_plantar_s: hold_s + SIM_HOLD_EXTRA_S,
            ..base
        };
        SimSensor::new(s).map(|s| wrap(Inner::Sim(Box::new(s)))).map_err(|e| RuntimeError::Simulator(e.to_string()))
    }

    pub fn config(&self) -> SensorConfig {
        match &self.inner {
            Inner::Sim(s) => s.config(),
            Inner::Replay(r) => r.config(),
        }
    }

    /// What the Sensor screen calls it.
    pub fn name(&self) -> String {
        match &self.inner {
            Inner::Sim(_) => "Demo sensor (simulated)".into(),
            Inner::Replay(r) => format!("Demo sensor (recording {})", r.device().unwrap_or("")),
        }
    }

    /// Notifications received up to `elapsed_ms` after the session's stream began.
    pub fn due(&mut self, elapsed_ms: u64) -> Vec<SourceEvent> {
        let events = self.inner_due(elapsed_ms);
        let t = elapsed_ms as f64 / 1000.0;
        let in_gap = self.dropout.is_some_and(|d| t >= d.at_s && t < d.at_s + d.len_s);
        let mut out = Vec::new();
        if in_gap != self.down {
            self.down = in_gap;
            out.push(if in_gap { SourceEvent::LinkDown } else { SourceEvent::LinkUp });
        }
        if !in_gap {
            out.extend(events);
        }
        out
    }

    fn inner_due(&mut self, elapsed_ms: u64) -> Vec<SourceEvent> {
        match &mut self.inner {
            Inner::Sim(s) => s
                .next_notifications(elapsed_ms as f64 / 1000.0)
                .into_iter()
                .map(|n| SourceEvent::Imu { rx_ms: (n.at_s * 1000.0).round().max(0.0) as u64, payload: n.payload })
                .collect(),
            Inner::Replay(r) => r.due(elapsed_ms).to_vec(),
        }
    }

    /// A replay can end; the simulated demo person goes on.
    pub fn ended(&self) -> bool {
        match &self.inner {
            Inner::Sim(_) => false,
            Inner::Replay(r) => r.ended(),
        }
    }
}
