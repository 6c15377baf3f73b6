//! Drives the app's runtime coroutine (`runtime::run`) the way the UI does:
//! commands in, every published view out. With tokio's clock paused the
//! demo sensor's minutes pass in moments; against the BlueZ stand-in the
//! clock is real.

use std::time::Duration;

use anklepump::runtime::view::AppView;
use anklepump::runtime::{run, Command, RuntimeConfig};
use futures::channel::mpsc::{unbounded, UnboundedSender};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

pub struct App {
    commands: UnboundedSender<Command>,
    views: UnboundedReceiver<AppView>,
    /// The last view published.
    pub view: AppView,
    task: tokio::task::JoinHandle<()>,
}

impl App {
    pub async fn start(cfg: RuntimeConfig) -> App {
        let (commands, rx) = unbounded();
        let (tx, mut views) = unbounded_channel();
        let task = tokio::spawn(run(cfg, rx, move |v: &AppView| {
            let _ = tx.send(v.clone());
        }));
        let view = views.recv().await.expect("the runtime publishes its first view");
        App { commands, views, view, task }
    }

    /// Sends a command and lets the runtime act on it.
    pub async fn cmd(&mut self, c: Command) -> &AppView {
        self.commands.unbounded_send(c).expect("the runtime is running");
        tokio::time::sleep(Duration::from_millis(50)).await;
        while let Ok(v) = self.views.try_recv() {
            self.view = v;
        }
        &self.view
    }

    /// Every view published until one satisfies `done` (which sees them all,
    /// in order); panics after `within`.
    pub async fn until(&mut self, within: Duration, mut done: impl FnMut(&AppView) -> bool) -> &AppView {
        let end = tokio::time::Instant::now() + within;
        if done(&self.view) {
            return &self.view;
        }
        loop {
            match tokio::time::timeout_at(end, self.views.recv()).await {
                Ok(Some(v)) => {
                    self.view = v;
                    if done(&self.view) {
                        return &self.view;
                    }
                }
                Ok(None) => panic!("the runtime stopped"),
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

    /// Closes the app (the command stream ends, the runtime returns).
    pub async fn quit(self) {
        drop(self.commands);
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
    }
}
