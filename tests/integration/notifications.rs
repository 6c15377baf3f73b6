//! A stand-in freedesktop Notifications service for the reminder tests: a
//! private `dbus-daemon` (the BlueZ stand-in's `Bus`) and a zbus service
//! owning `org.freedesktop.Notifications` on it that records every
//! `Notify` call. Each test starts its own, so counts never mix.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::interface;
use zbus::zvariant::OwnedValue;

use crate::bluez::Bus;

/// One notification as the service received it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shown {
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
}

type Log = Arc<Mutex<Vec<Shown>>>;

struct Service {
    shown: Log,
}

#[interface(name = "org.freedesktop.Notifications")]
impl Service {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut log = self.shown.lock().unwrap_or_else(|p| p.into_inner());
        log.push(Shown { app_name, summary, body, actions });
        log.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("stand-in".into(), "anklepump tests".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// The stand-in: its bus address and what it was asked to show.
pub(crate) struct NotifyStandIn {
    rt: Option<tokio::runtime::Runtime>,
    _conn: zbus::Connection,
    shown: Log,
    pub bus: Bus,
}

impl NotifyStandIn {
    pub(crate) fn start() -> NotifyStandIn {
        let bus = Bus::start();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
        let shown: Log = Arc::default();
        let service = Service { shown: shown.clone() };
        let conn = rt.block_on(async {
            zbus::connection::Builder::address(bus.address.as_str())
                .expect("address")
                .name("org.freedesktop.Notifications")
                .expect("name")
                .serve_at("/org/freedesktop/Notifications", service)
                .expect("serve")
                .build()
                .await
                .expect("connect the stand-in to its bus")
        });
        NotifyStandIn { rt: Some(rt), _conn: conn, shown, bus }
    }

    pub(crate) fn shown(&self) -> Vec<Shown> {
        self.shown.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for NotifyStandIn {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}
