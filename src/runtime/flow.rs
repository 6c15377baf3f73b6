//! A session's flow in the runtime: start (the connected sensor streams,
//! the session is recorded in the store), and the end (pain question next).
//! The notifications themselves arrive as link events (`sensor`).

use super::sensor::Effect;
use super::session::LiveSession;
use super::store_io::StoreJob;
use super::view::{EndReason, LinkState, Screen, SessionStage, SessionView};
use super::{Now, Running, Runtime};
use crate::core::coach::CoachPlan;
use crate::sensor::capture::Side;

impl Runtime {
    pub(super) fn start_session(&mut self, now: Now) {
        if self.running.is_some() {
            // One session at a time: Start leads to the one running.
            self.view.screen = Screen::Session;
            return;
        }
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
        let job = StoreJob::Begin { now, side, plan: self.plan.clone(), sensor_id: sensor.id.clone() };
        self.running = Some(Running { live, streaming_seen: false });
        self.job(job, now);
    }

    pub(super) fn stop_session(&mut self, end: EndReason, now: Now) {
        let Some(mut run) = self.running.take() else { return };
        self.effects.push(Effect::StopStreaming);
        if end != EndReason::StoppedForPain {
            // The data ended: a rep on its way back still counts.
            let reps = run.live.finish();
            self.save_reps(reps, now);
        }
        run.live.fill(&mut self.view.session);
        self.view.session.stage = SessionStage::AskPain;
        self.job(StoreJob::Finish { status: end, now }, now);
        self.refresh(now);
    }

    pub(super) fn save_reps(&mut self, reps: Vec<crate::core::reps::Rep>, now: Now) {
        for rep in reps {
            self.job(StoreJob::AddRep(rep), now);
        }
    }
}
