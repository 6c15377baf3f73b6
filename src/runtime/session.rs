//! One guided session in progress: the pipeline fed with notifications,
//! the coach fed with what the pipeline says, and the reps collected.

use crate::core::coach::{Coach, CoachPlan, Step};
use crate::core::pipeline::Pipeline;
use crate::core::reps::Rep;
use crate::sensor::capture::Side;
use crate::sensor::protocol::SensorConfig;

use super::view::SessionView;

/// Gauge target before any rep gives the person's own range (degrees).
const DEFAULT_UP_DEG: f64 = 15.0;
const DEFAULT_DOWN_DEG: f64 = 30.0;

pub struct LiveSession {
    pipeline: Pipeline,
    coach: Coach,
    reps: Vec<Rep>,
    pub side: Side,
    pub planned: u32,
}

impl LiveSession {
    pub fn new(config: SensorConfig, plan: CoachPlan, side: Side) -> Self {
        LiveSession {
            pipeline: Pipeline::new(config),
            coach: Coach::new(plan),
            reps: Vec::new(),
            side,
            planned: plan.reps,
        }
    }

    /// Feeds one notification; returns the reps it completed that count (up to the planned number).
    pub fn push_notification(&mut self, rx_ms: u64, payload: &[u8]) -> Vec<Rep> {
        let events = self.pipeline.push_notification(rx_ms, payload);
        self.take(events)
    }

    fn take(&mut self, events: Vec<crate::core::pipeline::Event>) -> Vec<Rep> {
        let before = self.reps().len();
        for e in &events {
            if let crate::core::pipeline::Event::Rep(r) = e {
                self.reps.push(r.clone());
            }
        }
        self.coach.update(&events, &self.pipeline.live());
        self.reps()[before..].to_vec()
    }

    pub fn push_malformed(&mut self) {
        self.pipeline.push_malformed();
    }

    /// The data ended: a rep on its way back still counts.
    pub fn finish(&mut self) -> Vec<Rep> {
        let events = self.pipeline.finish();
        self.take(events)
    }

    pub fn done(&self) -> bool {
        self.coach.step() == Step::Done
    }

    /// The reps that count (at most the planned number).
    pub fn reps(&self) -> &[Rep] {
        &self.reps[..self.reps.len().min(self.planned as usize)]
    }

    pub fn fill(&self, v: &mut SessionView) {
        let live = self.pipeline.live();
        v.side = Some(self.side);
        v.coach = Some(self.coach.view());
        v.angle_deg = live.angle_deg;
        v.reps = self.reps().to_vec();
        let best = |f: fn(&Rep) -> f64, d: f64| {
            self.reps.iter().map(f).fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))).unwrap_or(d)
        };
        v.target_up_deg = best(|r| r.peak_dorsi_deg, DEFAULT_UP_DEG);
        v.target_down_deg = best(|r| r.peak_plantar_deg, DEFAULT_DOWN_DEG);
    }
}
