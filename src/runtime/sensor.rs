//! Sensors through the link module: what the runtime asks the link to do
//! (`Effect`, executed by `link_io` in the coroutine, since link calls are
//! async) and what it does with the answers and the link's events: the scan
//! list, connecting and remembering (the demo sensor like any other),
//! battery and link state ("reconnecting…" during a session, which resumes
//! when the link is back), and IMU notifications into the running session.

use super::store_io::StoreJob;
use super::view::{DeviceRow, EndReason, LinkState, Screen};
use super::{Now, Runtime, DEMO_ID};
use crate::link::{DeviceInfo, Found, LinkError, LinkEvent, LinkState as WireState};
use crate::sensor::protocol::SensorConfig;

/// A link operation the coroutine performs for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Scan,
    /// Connect to a scanned sensor, or to the demo sensor (`DEMO_ID`).
    Connect(String),
    Identify,
    /// Start streaming for a session; the demo's simulated person holds each pump `hold_s`.
    StartStreaming {
        hold_s: f64,
    },
    StopStreaming,
    Disconnect,
}

/// The connected sensor.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectedSensor {
    pub id: String,
    pub name: String,
    pub config: SensorConfig,
}

impl ConnectedSensor {
    pub fn is_demo(&self) -> bool {
        self.id == DEMO_ID
    }
}

impl Runtime {
    /// The link operations asked for since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn on_scan(&mut self, res: Result<Vec<Found>, LinkError>) {
        let p = &mut self.view.pair;
        p.scanning = false;
        match res {
            Ok(found) => {
                p.devices.retain(|d| d.demo);
                p.devices.extend(found.into_iter().map(|f| DeviceRow {
                    id: f.id,
                    name: f.name,
                    rssi_dbm: f.rssi,
                    battery_pct: f.battery,
                    demo: false,
                }));
                p.message = Some(format!("Found {} sensor(s).", p.devices.len()));
            }
            Err(e) => p.message = Some(format!("Bluetooth scan failed: {e}. The demo sensor is still available.")),
        }
    }

    pub fn on_connected(&mut self, id: &str, res: Result<(DeviceInfo, SensorConfig), LinkError>, now: Now) {
        match res {
            Ok((info, config)) => {
                let demo = id == DEMO_ID;
                let name = if !demo {
                    info.name
                } else if self.cfg.demo_capture.is_some() {
                    format!("Demo sensor (recording {})", info.name)
                } else {
                    "Demo sensor (simulated)".to_string()
                };
                let battery = info.battery;
                self.job(StoreJob::Remember { id: id.to_string(), name: name.clone(), battery, now }, now);
                let v = &mut self.view;
                v.sensor.name = Some(name.clone());
                v.sensor.demo = demo;
                v.sensor.state = LinkState::Connected;
                v.sensor.battery_pct = if demo { None } else { info.battery };
                v.pair.remembered = Some(id.to_string());
                v.pair.message = Some(format!("Connected to {}.", if demo { "the demo sensor" } else { &name }));
                self.sensor = Some(ConnectedSensor { id: id.to_string(), name, config });
            }
            Err(e) => {
                self.view.sensor.state = LinkState::NotConnected;
                self.view.pair.message = Some(format!("Cannot connect: {e}"));
            }
        }
    }

    pub fn on_link_event(&mut self, ev: LinkEvent, now: Now) {
        match ev {
            LinkEvent::Imu { rx_ms, payload } => {
                let Some(run) = self.running.as_mut() else { return };
                let reps = run.live.push_notification(rx_ms, &payload);
                run.live.fill(&mut self.view.session);
                let done = run.live.done();
                self.save_reps(reps, now);
                if done {
                    self.stop_session(EndReason::Completed, now);
                }
            }
            LinkEvent::Battery(b) if !self.sensor.as_ref().is_some_and(ConnectedSensor::is_demo) => {
                self.view.sensor.battery_pct = Some(b)
            }
            LinkEvent::Battery(_) => {}
            LinkEvent::Status(s) => self.on_status(s.streaming, now),
            LinkEvent::State(s) => {
                let state = match s {
                    WireState::Connecting => LinkState::Connecting,
                    WireState::Connected => LinkState::Connected,
                    WireState::Reconnecting => LinkState::Reconnecting,
                    WireState::Lost => LinkState::Lost,
                };
                self.view.sensor.state = state;
                if let Some(run) = self.running.as_mut().filter(|_| state != LinkState::Connected) {
                    // Until the sensor streams again on the new link.
                    run.streaming_seen = false;
                }
                if state == LinkState::Lost {
                    self.stop_session(EndReason::Stopped, now);
                    self.view.session.message = Some("The sensor was lost; the reps so far are saved.".into());
                }
            }
        }
    }

    /// The sensor's Status: when it stops streaming on its own during a session
    /// (a replayed recording at its end, a sensor switched off by its button),
    /// the session ends with the reps so far, rather than waiting for data forever.
    fn on_status(&mut self, streaming: bool, now: Now) {
        let Some(run) = self.running.as_mut() else { return };
        if streaming {
            run.streaming_seen = true;
            return;
        }
        if !run.streaming_seen || self.view.sensor.state != LinkState::Connected {
            return;
        }
        self.stop_session(EndReason::Stopped, now);
        self.view.session.message = Some("The sensor stopped sending data; the reps so far are saved.".into());
    }

    /// A link operation failed: one line on the Sensor screen.
    pub fn on_link_error(&mut self, what: &str, e: LinkError) {
        self.view.pair.message = Some(format!("Cannot {what}: {e}"));
    }

    /// A sensor (or the demo sensor) was chosen on the Sensor screen, or is remembered.
    pub(super) fn connect(&mut self, id: &str) {
        self.view.sensor.state = LinkState::Connecting;
        self.view.pair.message = Some("Connecting…".into());
        self.effects.push(Effect::Connect(id.to_string()));
    }

    /// Disconnects the connected sensor; its id, if there was one.
    pub(super) fn disconnect(&mut self) -> Option<String> {
        let sensor = self.sensor.take()?;
        self.effects.push(Effect::Disconnect);
        Some(sensor.id)
    }

    pub(super) fn identify(&mut self, id: &str) {
        if id == DEMO_ID {
            self.view.pair.message = Some("The demo sensor has no motor: a real sensor vibrates now.".into());
        } else if self.sensor.as_ref().is_some_and(|r| r.id == id) {
            self.effects.push(Effect::Identify);
            self.view.pair.message = Some("The sensor vibrates now.".into());
        } else {
            self.view.pair.message = Some("Connect to that sensor first, then Identify.".into());
        }
    }

    /// Where to send the user when there is no sensor to start with.
    pub(super) fn need_sensor(&mut self) {
        self.view.pair.message = Some("Connect a sensor first.".into());
        self.view.screen = Screen::Pair;
    }
}
