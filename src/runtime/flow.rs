//! A session's flow in the runtime: start (demo source or the real sensor's
//! stream, recorded in the store), the notifications of each tick, and the
//! end (pain question next).

use super::demo::DemoSource;
use super::replay::SourceEvent;
use super::sensor::Effect;
use super::session::LiveSession;
use super::view::{EndReason, LinkState, Screen, SessionStage, SessionView};
use super::{Now, Running, Runtime, DEMO_ID};
use crate::core::coach::CoachPlan;
use crate::sensor::capture::Side;

impl Runtime {
    pub(super) fn start_session(&mut self, now: Now) {
        let real = self.real.as_ref().filter(|_| self.view.sensor.state == LinkState::Connected).map(|r| r.config);
        if !self.demo && real.is_none() {
            self.need_sensor();
            return;
        }
        let v = &mut self.view;
        let side = v.session.side.or(self.plan.sides.single()).unwrap_or(Side::Right);
        let plan = CoachPlan { reps: self.plan.reps_per_session, hold_s: self.plan.hold_s };
        self.sessions_started += 1;
        let (source, config) = match real {
            Some(config) => {
                self.effects.push(Effect::StartStreaming);
                (None, config)
            }
            None => match DemoSource::open(&self.cfg, plan.hold_s, self.sessions_started) {
                Ok(s) => {
                    let c = s.config();
                    (Some(s), c)
                }
                Err(e) => {
                    v.session.message = Some(e.to_string());
                    return;
                }
            },
        };
        let live = LiveSession::new(config, plan, side);
        v.session = SessionView { stage: SessionStage::Running, side: Some(side), ..SessionView::default() };
        live.fill(&mut v.session);
        v.screen = Screen::Session;
        let sensor_id = self.real.as_ref().map_or(DEMO_ID, |r| r.id.as_str());
        if let Some(Err(e)) = self.records.as_mut().map(|r| r.begin(&now, side, &self.plan, sensor_id)) {
            v.session.message = Some(format!("This session cannot be saved: {e}"));
        }
        self.running = Some(Running { source, started: now.instant, live });
    }

    pub(super) fn stop_session(&mut self, end: EndReason, now: Now) {
        let Some(mut run) = self.running.take() else { return };
        if run.source.is_none() {
            self.effects.push(Effect::StopStreaming);
        }
        if end == EndReason::Completed {
            let reps = run.live.finish();
            self.save_reps(&reps);
        }
        run.live.fill(&mut self.view.session);
        self.view.session.stage = SessionStage::AskPain;
        if let Some(r) = self.records.as_mut() {
            r.finish(end, &now);
        }
        self.refresh(now);
    }

    pub(super) fn save_reps(&mut self, reps: &[crate::core::reps::Rep]) {
        for rep in reps {
            if let Some(Err(e)) = self.records.as_mut().map(|r| r.add_rep(rep)) {
                self.view.session.message = Some(format!("A rep could not be saved: {e}"));
            }
        }
    }

    /// Feeds the notifications whose time has come.
    pub fn tick(&mut self, now: Now) {
        let Some(run) = self.running.as_mut() else { return };
        let Some(source) = run.source.as_mut() else { return };
        let elapsed = now.instant.saturating_duration_since(run.started).as_millis() as u64;
        let mut reps = Vec::new();
        for e in source.due(elapsed) {
            match e {
                SourceEvent::Imu { rx_ms, payload } => reps.extend(run.live.push_notification(rx_ms, &payload)),
                SourceEvent::Malformed => run.live.push_malformed(),
                SourceEvent::LinkDown | SourceEvent::LinkUp => {
                    let down = e == SourceEvent::LinkDown;
                    self.view.sensor.state = if down { LinkState::Reconnecting } else { LinkState::Connected };
                    self.view.session.reconnecting = down;
                }
            }
        }
        run.live.fill(&mut self.view.session);
        let (done, ended) = (run.live.done(), source.ended());
        self.save_reps(&reps);
        if done {
            self.stop_session(EndReason::Completed, now);
        } else if ended {
            self.stop_session(EndReason::Completed, now);
            if self.view.session.coach.as_ref().is_none_or(|c| c.reps_done < c.reps_planned) {
                self.view.session.message = Some("The demo recording ended before the planned reps.".into());
            }
        }
    }
}
