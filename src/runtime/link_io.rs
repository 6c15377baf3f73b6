//! The coroutine's side of real sensors: performs the runtime's `Effect`s
//! with the BLE link (opened on first use; no Bluetooth is a readable
//! message, never a crash) and hands the link's event stream to the loop.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;

use super::sensor::Effect;
use super::{Now, Runtime};
use crate::link::{BleLink, Link, LinkError, LinkEvent};

/// How long a scan listens.
const SCAN: Duration = Duration::from_secs(4);

#[derive(Default)]
pub struct LinkIo {
    link: Option<BleLink>,
    events: Option<UnboundedReceiver<LinkEvent>>,
}

impl LinkIo {
    /// The next event of the connected sensor; never resolves while there is none.
    pub async fn next_event(&mut self) -> Option<LinkEvent> {
        match self.events.as_mut() {
            Some(rx) => {
                let ev = rx.recv().await;
                if ev.is_none() {
                    self.events = None;
                }
                ev
            }
            None => std::future::pending().await,
        }
    }

    async fn link(&mut self) -> Result<&mut BleLink, LinkError> {
        if self.link.is_none() {
            self.link = Some(BleLink::new().await?);
        }
        self.link.as_mut().ok_or(LinkError::NoAdapter)
    }

    pub async fn perform(&mut self, effect: Effect, rt: &mut Runtime) {
        match effect {
            Effect::Scan => {
                let res = match self.link().await {
                    Ok(l) => l.scan(SCAN).await,
                    Err(e) => Err(e),
                };
                rt.on_scan(res);
            }
            Effect::Connect(id) => {
                let res = async {
                    let l = self.link().await?;
                    let info = l.connect(&id).await?;
                    let cfg = l.read_config().await?;
                    Ok::<_, LinkError>((info, cfg, l.take_events()))
                }
                .await;
                let res = res.map(|(info, cfg, events)| {
                    self.events = events;
                    (info, cfg)
                });
                rt.on_connected(&id, res, Now::read());
            }
            Effect::Identify => self.op(rt, "identify the sensor", |l| Box::pin(l.identify())).await,
            Effect::StartStreaming => self.op(rt, "start streaming", |l| Box::pin(l.start_streaming())).await,
            Effect::StopStreaming => self.op(rt, "stop streaming", |l| Box::pin(l.stop_streaming())).await,
            Effect::Disconnect => {
                self.op(rt, "disconnect", |l| Box::pin(l.disconnect())).await;
                self.events = None;
            }
        }
    }

    async fn op<F>(&mut self, rt: &mut Runtime, what: &str, f: F)
    where
        F: for<'a> FnOnce(
            &'a mut BleLink,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), LinkError>> + 'a>>,
    {
        let res = match self.link.as_mut() {
            Some(l) => f(l).await,
            None => Err(LinkError::NotConnected),
        };
        if let Err(e) = res {
            rt.on_link_error(what, e);
        }
    }
}
