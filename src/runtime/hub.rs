//! The session hub: one per process, the owner of the app's state. It holds
//! the `Runtime` (the running session, the plan, the connected sensor) and
//! runs the link and the store as tasks: it hands them work and their
//! results come back as messages into its one `select!` loop, so it never
//! waits on Bluetooth or disk and a command is handled as soon as it comes.
//!
//! Screens are views attached to it ([`Hub::attach`]): each sends
//! `Command`s through its [`ViewHandle`] and follows [`Updates`], a
//! `watch` of the published state in which each part (sensor, session,
//! Today, …) sits behind its own `Arc`, replaced only when that part
//! changed — a view copies just the parts that changed. What a view has open
//! (its screen, the session opened in History, the day opened on Progress)
//! is its own; everything else is the same for every view.
//!
//! With no view attached a running session goes on; when none has been
//! attached for `RuntimeConfig::orphan_after` (2 minutes), it is saved as
//! interrupted with its reps.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::watch;
use tokio::time::Instant;

use super::link_io::{self, LinkDone};
use super::records::{app_lock, AppLock, Records};
use super::sensor::Effect;
use super::store_io;
use super::view::*;
use super::{Command, Nav, Now, Runtime, RuntimeConfig, ORPHAN_AFTER};
use crate::link::LinkEvent;

/// How often the screens read from the store are refreshed when nothing happens.
const IDLE_REFRESH: Duration = Duration::from_secs(5);

/// One attached view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ViewId(pub u64);

enum HubMsg {
    Attach(ViewId),
    Detach(ViewId),
    Command(ViewId, Command),
    Shutdown,
}

/// What the hub publishes: every part behind its own `Arc`, replaced only when it changed.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub sensor: Arc<SensorView>,
    pub today: Arc<TodayView>,
    pub pair: Arc<PairView>,
    pub session: Arc<SessionView>,
    pub progress: Arc<ProgressView>,
    pub history: Arc<HistoryView>,
    pub settings: Arc<SettingsView>,
    /// What each attached view has open.
    pub navs: Arc<BTreeMap<ViewId, Nav>>,
}

/// The process's hub; clones share it.
#[derive(Clone)]
pub struct Hub {
    tx: UnboundedSender<HubMsg>,
    rx: watch::Receiver<Published>,
    next: Arc<AtomicU64>,
    another_app: Option<Arc<str>>,
}

/// A view's way to send commands; the view detaches when the last clone is dropped.
#[derive(Clone)]
pub struct ViewHandle {
    inner: Arc<Attached>,
}

struct Attached {
    id: ViewId,
    tx: UnboundedSender<HubMsg>,
}

impl Drop for Attached {
    fn drop(&mut self) {
        let _ = self.tx.send(HubMsg::Detach(self.id));
    }
}

impl ViewHandle {
    pub fn id(&self) -> ViewId {
        self.inner.id
    }

    /// Hands the hub a command from this view.
    pub fn send(&self, c: Command) {
        let _ = self.inner.tx.send(HubMsg::Command(self.inner.id, c));
    }
}

/// A view's side of what the hub publishes.
pub struct Updates {
    id: ViewId,
    rx: watch::Receiver<Published>,
    seen: Published,
}

impl Updates {
    /// Waits for the next publication; `false` once the hub has ended.
    pub async fn changed(&mut self) -> bool {
        self.rx.changed().await.is_ok()
    }

    /// Brings `v` up to date: copies the parts that changed since the last call and
    /// this view's own screen; whether anything changed.
    pub fn apply(&mut self, v: &mut AppView) -> bool {
        let new = self.rx.borrow_and_update().clone();
        let mut changed = false;
        macro_rules! part {
            ($($f:ident),*) => {$(
                if !Arc::ptr_eq(&self.seen.$f, &new.$f) {
                    v.$f = (*new.$f).clone();
                    changed = true;
                }
            )*};
        }
        part!(sensor, today, pair, session, progress, history, settings);
        let nav = new.navs.get(&self.id).copied().unwrap_or_default();
        let old = Nav { screen: v.screen, history_open: v.history.open, open_day: v.progress.open_day };
        if changed || nav != old {
            (v.screen, v.history.open, v.progress.open_day) = (nav.screen, nav.history_open, nav.open_day);
        }
        self.seen = new;
        changed || nav != old
    }
}

impl Hub {
    /// Starts the hub for `cfg`: on the caller's tokio runtime when there is one
    /// (`serve`, tests), else on a thread of its own (the desktop window).
    /// The database's app lock is taken at once: when another app holds it, the
    /// hub runs without saving and [`Hub::another_app`] says so.
    pub fn start(cfg: RuntimeConfig) -> Hub {
        let (tx, msgs) = unbounded_channel();
        let (out, rx) = watch::channel(Published::default());
        let lock = app_lock(&cfg);
        let another_app = match &lock {
            AppLock::Other(e) => Some(Arc::from(e.to_string())),
            _ => None,
        };
        let owner = own(cfg, lock, msgs, out);
        match tokio::runtime::Handle::try_current() {
            Ok(h) => drop(h.spawn(owner)),
            Err(_) => {
                let started = std::thread::Builder::new().name("anklepump-hub".into()).spawn(move || {
                    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                        Ok(rt) => rt.block_on(owner),
                        Err(e) => tracing::error!("cannot start the session hub: {e}"),
                    }
                });
                if let Err(e) = started {
                    tracing::error!("cannot start the session hub: {e}");
                }
            }
        }
        Hub { tx, rx, next: Arc::new(AtomicU64::new(1)), another_app }
    }

    /// Another app already runs on this database: why this one does not save, in one line.
    pub fn another_app(&self) -> Option<&str> {
        self.another_app.as_deref()
    }

    /// Attaches a new view: its command handle and its updates.
    pub fn attach(&self) -> (ViewHandle, Updates) {
        let id = ViewId(self.next.fetch_add(1, Ordering::Relaxed));
        let _ = self.tx.send(HubMsg::Attach(id));
        let handle = ViewHandle { inner: Arc::new(Attached { id, tx: self.tx.clone() }) };
        let mut rx = self.rx.clone();
        rx.mark_changed();
        (handle, Updates { id, rx, seen: Published::default() })
    }

    /// Ends the hub (the database closed, the sensor disconnected) and waits until it has.
    pub async fn shutdown(self) {
        let _ = self.tx.send(HubMsg::Shutdown);
        let mut rx = self.rx.clone();
        while rx.changed().await.is_ok() {}
    }
}

/// The next message of a channel; never resolves once it is closed.
async fn next<T>(rx: &mut UnboundedReceiver<T>) -> T {
    match rx.recv().await {
        Some(x) => x,
        None => std::future::pending().await,
    }
}

/// The next event of the connected sensor; never resolves while there is none.
async fn next_event(events: &mut Option<UnboundedReceiver<LinkEvent>>) -> Option<LinkEvent> {
    match events.as_mut() {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Replaces the published parts that differ from the runtime's view.
fn publish(rt: &Runtime, last: &mut Published, out: &watch::Sender<Published>) {
    let v = rt.view();
    let mut changed = false;
    macro_rules! part {
        ($($f:ident),*) => {$(
            if *last.$f != v.$f {
                last.$f = Arc::new(v.$f.clone());
                changed = true;
            }
        )*};
    }
    part!(sensor, today, pair, session, progress, history, settings);
    if *last.navs != *rt.navs() {
        last.navs = Arc::new(rt.navs().clone());
        changed = true;
    }
    if changed {
        out.send_replace(last.clone());
    }
}

/// The owner's loop.
async fn own(cfg: RuntimeConfig, lock: AppLock, mut msgs: UnboundedReceiver<HubMsg>, out: watch::Sender<Published>) {
    let orphan_after = cfg.orphan_after.unwrap_or(ORPHAN_AFTER);
    let mut rt = Runtime::queued(cfg.clone());
    let (effects, effects_rx) = unbounded_channel();
    let (link_tx, mut link_rx) = unbounded_channel();
    let link = tokio::spawn(link_io::run(cfg.clone(), effects_rx, link_tx));
    let (jobs, jobs_rx) = unbounded_channel();
    let (done_tx, mut done_rx) = unbounded_channel();
    let store_cfg = cfg.clone();
    let store = tokio::spawn(store_io::run(move || Records::open_app(&store_cfg, lock), jobs_rx, done_tx));
    let mut events: Option<UnboundedReceiver<LinkEvent>> = None;
    let mut last = Published::default();
    let mut alone_since = Some(Instant::now());
    rt.tick(Now::read());
    loop {
        for e in rt.take_effects() {
            if matches!(e, Effect::Connect(_) | Effect::Disconnect) {
                events = None;
            }
            let _ = effects.send(e);
        }
        for j in rt.take_jobs() {
            let _ = jobs.send(j);
        }
        publish(&rt, &mut last, &out);
        if rt.navs().is_empty() {
            alone_since.get_or_insert_with(Instant::now);
        } else {
            alone_since = None;
        }
        let orphan_at = alone_since.filter(|_| rt.running()).map(|t| t + orphan_after);
        tokio::select! {
            msg = msgs.recv() => match msg {
                Some(HubMsg::Command(id, c)) => rt.handle_from(id, c, Now::read()),
                Some(HubMsg::Attach(id)) => rt.attach(id),
                Some(HubMsg::Detach(id)) => rt.detach(id),
                Some(HubMsg::Shutdown) | None => break,
            },
            done = next(&mut link_rx) => match done {
                LinkDone::Scanned(res) => rt.on_scan(res),
                LinkDone::Connected { id, res, events: ev } => {
                    events = ev;
                    rt.on_connected(&id, res, Now::read());
                }
                LinkDone::Failed(what, e) => rt.on_link_error(what, e),
            },
            ev = next_event(&mut events) => match ev {
                Some(ev) => rt.on_link_event(ev, Now::read()),
                None => events = None,
            },
            done = next(&mut done_rx) => rt.on_store(done, Now::read()),
            _ = tokio::time::sleep_until(orphan_at.unwrap_or_else(Instant::now)), if orphan_at.is_some() => {
                tracing::info!("no screen attached for {orphan_after:?}: the session is saved as interrupted");
                rt.interrupt(Now::read());
            }
            // Today's "next session due" moves on with the clock.
            _ = tokio::time::sleep(IDLE_REFRESH), if !rt.running() => rt.tick(Now::read()),
        }
    }
    // What the last commands asked for is still done, then the tasks end with their channels.
    for j in rt.take_jobs() {
        let _ = jobs.send(j);
    }
    drop((effects, jobs));
    let _ = store.await;
    let _ = tokio::time::timeout(Duration::from_secs(5), link).await;
    drop(out);
}
