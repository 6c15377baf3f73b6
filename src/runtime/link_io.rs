//! The link task: performs the runtime's `Effect`s with the link module, in
//! order — the BLE link (opened on first use; no Bluetooth is a readable
//! message, never a crash) or the demo sensor (`link::DemoLink`) — and
//! sends each outcome back to the hub as a `LinkDone`, with the connected
//! link's event stream, which the hub reads itself. For each
//! session the demo sensor gets a fresh simulated person who holds still
//! for the "3, 2, 1" and holds each pump as long as the plan asks (or the
//! configured capture from its start), and the configured dropout.

use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::sensor::Effect;
use super::{RuntimeConfig, DEMO_ID};
use crate::core::sim::{Scenario, SimSensor};
use crate::link::{BleLink, DemoLink, DeviceInfo, Found, Link, LinkError, LinkEvent, NotificationSource, ReplaySource};
use crate::sensor::protocol::SensorConfig;

/// What became of a link operation.
#[derive(Debug)]
pub(super) enum LinkDone {
    Scanned(Result<Vec<Found>, LinkError>),
    /// `events`: the new link's event stream.
    Connected {
        id: String,
        res: Result<(DeviceInfo, SensorConfig), LinkError>,
        events: Option<UnboundedReceiver<LinkEvent>>,
    },
    /// An operation failed: what the user was doing, and why.
    Failed(&'static str, LinkError),
}

/// How long a scan listens.
const SCAN: Duration = Duration::from_secs(4);
/// Seconds the simulated person holds still before the first pump (the cue counts 3, 2, 1).
const SIM_CALIB_S: f64 = 3.5;
/// The simulated person holds a little past the countdown.
const SIM_HOLD_EXTRA_S: f64 = 0.4;
/// The demo's hold before the first session says otherwise.
const SIM_DEFAULT_HOLD_S: f64 = 3.0;

struct LinkIo {
    cfg: RuntimeConfig,
    ble: Option<BleLink>,
    demo: Option<DemoLink>,
    /// The demo sensor is the connected one.
    on_demo: bool,
    /// Varies the simulated person from session to session.
    sessions: u64,
}

/// Runs `$e` with `$l` bound to the connected link, whichever kind it is.
macro_rules! on_link {
    ($io:expr, $l:ident => $e:expr) => {
        match ($io.on_demo, $io.demo.as_mut(), $io.ble.as_mut()) {
            (true, Some($l), _) => $e,
            (false, _, Some($l)) => $e,
            _ => Err(LinkError::NotConnected),
        }
    };
}

impl LinkIo {
    async fn ble(&mut self) -> Result<&mut BleLink, LinkError> {
        if self.ble.is_none() {
            self.ble = Some(BleLink::new().await?);
        }
        self.ble.as_mut().ok_or(LinkError::NoAdapter)
    }

    /// The demo sensor's source: the configured capture from its start, or a new simulated person.
    fn demo_source(&mut self, hold_s: f64) -> Result<Box<dyn NotificationSource>, LinkError> {
        if let Some(path) = &self.cfg.demo_capture {
            return Ok(Box::new(ReplaySource::open(path)?));
        }
        self.sessions += 1;
        let base = Scenario::preset("demo").map_err(|e| LinkError::Demo(e.to_string()))?;
        let s = Scenario {
            seed: self.sessions,
            calib_s: SIM_CALIB_S,
            hold_dorsi_s: hold_s + SIM_HOLD_EXTRA_S,
            hold_plantar_s: hold_s + SIM_HOLD_EXTRA_S,
            ..base
        };
        Ok(Box::new(SimSensor::new(s).map_err(|e| LinkError::Demo(e.to_string()))?))
    }

    async fn connect(
        &mut self,
        id: &str,
    ) -> (Result<(DeviceInfo, SensorConfig), LinkError>, Option<UnboundedReceiver<LinkEvent>>) {
        match self.try_connect(id).await {
            Ok((info, config, events)) => (Ok((info, config)), events),
            Err(e) => (Err(e), None),
        }
    }

    async fn try_connect(
        &mut self,
        id: &str,
    ) -> Result<(DeviceInfo, SensorConfig, Option<UnboundedReceiver<LinkEvent>>), LinkError> {
        // One sensor at a time.
        let _ = on_link!(self, l => l.disconnect().await);
        self.on_demo = id == DEMO_ID;
        let info = if self.on_demo {
            let source = self.demo_source(SIM_DEFAULT_HOLD_S)?;
            let l = self.demo.insert(DemoLink::new(source));
            l.connect(DEMO_ID).await?
        } else {
            self.ble().await?.connect(id).await?
        };
        let config = on_link!(self, l => l.read_config().await)?;
        let events = on_link!(self, l => Ok(l.take_events()))?;
        Ok((info, config, events))
    }

    async fn perform(&mut self, effect: Effect) -> Option<LinkDone> {
        let (what, res) = match effect {
            Effect::Scan => {
                let res = match self.ble().await {
                    Ok(l) => l.scan(SCAN).await,
                    Err(e) => Err(e),
                };
                return Some(LinkDone::Scanned(res));
            }
            Effect::Connect(id) => {
                let (res, events) = self.connect(&id).await;
                return Some(LinkDone::Connected { id, res, events });
            }
            Effect::Identify => ("identify the sensor", on_link!(self, l => l.identify().await)),
            Effect::StartStreaming { hold_s } => ("start streaming", self.start(hold_s).await),
            Effect::StopStreaming => ("stop streaming", on_link!(self, l => l.stop_streaming().await)),
            Effect::Disconnect => ("disconnect", on_link!(self, l => l.disconnect().await)),
        };
        res.err().map(|e| LinkDone::Failed(what, e))
    }

    async fn start(&mut self, hold_s: f64) -> Result<(), LinkError> {
        if self.on_demo {
            let source = self.demo_source(hold_s)?;
            let dropout = self.cfg.demo_dropout;
            let l = self.demo.as_mut().ok_or(LinkError::NotConnected)?;
            l.set_source(source);
            if let Some(d) = dropout {
                let secs = |s: f64| Duration::try_from_secs_f64(s).unwrap_or_default();
                l.control().lose_link_after(secs(d.at_s), secs(d.len_s));
            }
        }
        on_link!(self, l => l.start_streaming().await)
    }
}

/// The link task: performs `effects` in order until the channel closes.
pub(super) async fn run(cfg: RuntimeConfig, mut effects: UnboundedReceiver<Effect>, done: UnboundedSender<LinkDone>) {
    let mut io = LinkIo { cfg, ble: None, demo: None, on_demo: false, sessions: 0 };
    while let Some(effect) = effects.recv().await {
        if let Some(d) = io.perform(effect).await {
            if done.send(d).is_err() {
                break;
            }
        }
    }
    let _ = on_link!(io, l => l.disconnect().await);
}
