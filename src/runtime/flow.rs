//! A session's flow in the runtime: start (the connected sensor streams,
//! the session is recorded in the store), and the end (pain question next).
//! The notifications themselves arrive as link events (`sensor`).

use super::sensor::Effect;
use super::session::LiveSession;
use super::view::{EndReason, LinkState, Screen, SessionStage, SessionView};
use super::{Now, Running, Runtime};
use crate::core::coach::CoachPlan;
use crate::sensor::capture::Side;

impl Runtime {
    pub(super) fn start_session(&mut self, now: Now) {
        let Some(sensor) = self.sensor.as_ref().filter(|_| self.view.sensor.state == LinkState::Connected) else {
            self.need_sensor();
            return;
        };
        let v = &mut self.view;
        let side = v.session.side.or(self.plan.sides.single()).unwrap_or(Side::Right);
        let plan = CoachPlan { reps: self.plan.reps_per_session, hold_s: self.plan.hold_s };
        self.effects.push(Effect::StartStreaming { hold_s: plan.hold_s });
        let live = LiveSession::new(sensor.config, plan, side);
        v.session = SessionView { stage: SessionStage::Running, side: Some(side), ..SessionView::default() };
        live.fill(&mut v.session);
        v.screen = Screen::Session;
        if let Some(Err(e)) = self.records.as_mut().map(|r| r.begin(&now, side, &self.plan, &sensor.id)) {
            v.session.message = Some(format!("This session cannot be saved: {e}"));
        }
        self.running = Some(Running { live, streaming_seen: false });
    }

    pub(super) fn stop_session(&mut self, end: EndReason, now: Now) {
        let Some(mut run) = self.running.take() else { return };
        self.effects.push(Effect::StopStreaming);
        if end != EndReason::Pain {
            // The data ended: a rep on its way back still counts.
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
}
