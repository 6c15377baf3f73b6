//! Drives the app's session hub (`runtime::Hub`) the way a screen does: a
//! view attached to it, commands in, every update applied to its own
//! `AppView`. With tokio's clock paused the demo sensor's minutes pass in
//! moments; against the BlueZ stand-in the clock is real.

use std::time::Duration;

use anklepump::runtime::view::AppView;
use anklepump::runtime::{Command, Hub, RuntimeConfig, Updates, ViewHandle};

/// One view of a hub.
pub(crate) struct App {
    pub hub: Hub,
    handle: ViewHandle,
    updates: Updates,
    /// The view as this screen sees it.
    pub view: AppView,
}

impl App {
    /// Starts a hub and attaches a first view.
    pub(crate) async fn start(cfg: RuntimeConfig) -> App {
        App::attach(Hub::start(cfg)).await
    }

    /// A view of `hub` (a second tab, a reload).
    pub(crate) async fn attach(hub: Hub) -> App {
        let (handle, mut updates) = hub.attach();
        let mut view = AppView::default();
        updates.apply(&mut view);
        let mut app = App { hub, handle, updates, view };
        app.settle().await;
        app
    }

    /// Applies what the hub published meanwhile.
    pub(crate) async fn settle(&mut self) -> &AppView {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.updates.apply(&mut self.view);
        &self.view
    }

    /// Sends a command and lets the hub act on it.
    pub(crate) async fn cmd(&mut self, c: Command) -> &AppView {
        self.handle.send(c);
        self.settle().await
    }

    /// Every update until the view satisfies `done` (which sees each one, in
    /// order); panics after `within`.
    pub(crate) async fn until(&mut self, within: Duration, mut done: impl FnMut(&AppView) -> bool) -> &AppView {
        let end = tokio::time::Instant::now() + within;
        self.updates.apply(&mut self.view);
        if done(&self.view) {
            return &self.view;
        }
        loop {
            match tokio::time::timeout_at(end, self.updates.changed()).await {
                Ok(true) => {
                    self.updates.apply(&mut self.view);
                    if done(&self.view) {
                        return &self.view;
                    }
                }
                Ok(false) => panic!("the hub stopped"),
                Err(_) => {
                    let v = &self.view;
                    panic!(
                        "not reached within {within:?}; last view: {:?}, sensor {:?}, pair {:?}, session {:?} {:?} {:?}",
                        v.screen, v.sensor, v.pair, v.session.stage, v.session.coach, v.session.message
                    )
                }
            }
        }
    }

    /// Closes this view only (a tab closed); the hub goes on.
    pub(crate) fn close(self) -> Hub {
        self.hub
    }

    /// Closes the app: the view detaches and the hub ends (its database closed).
    pub(crate) async fn quit(self) {
        let App { hub, handle, .. } = self;
        drop(handle);
        let _ = tokio::time::timeout(Duration::from_secs(10), hub.shutdown()).await;
    }
}
