//! Pair: the scan list (name, signal, battery) with Identify and Connect,
//! and Forget for the remembered sensor. The demo sensor is always offered.

use dioxus::prelude::*;

use crate::runtime::view::{LinkState, PairView, SensorView};
use crate::runtime::Command;

#[component]
pub fn PairScreen(pair: PairView, sensor: SensorView, send: EventHandler<Command>) -> Element {
    let connected = sensor.state == LinkState::Connected;
    rsx! {
        h1 { "Sensor" }
        if let Some(m) = pair.message.clone() {
            p { class: "notice", role: "status", "{m}" }
        }
        button { class: "primary", onclick: move |_| send.call(Command::Scan), "Scan for sensors" }
        h2 { "Sensors nearby" }
        ul { class: "plain",
            for d in pair.devices.iter().cloned() {
                li { key: "{d.id}", class: "card device",
                    div {
                        p { strong { "{d.name}" } }
                        p { class: "muted",
                            {
                                let signal = d.rssi_dbm.map_or("Signal: —".to_string(), |r| format!("Signal: {r} dBm"));
                                let battery = d.battery_pct.map_or("battery not reported".to_string(), |b| format!("battery {b}%"));
                                format!("{signal}, {battery}")
                            }
                        }
                    }
                    div { class: "row",
                        button {
                            aria_label: "Identify {d.name}",
                            onclick: {
                                let id = d.id.clone();
                                move |_| send.call(Command::Identify(id.clone()))
                            },
                            "Identify"
                        }
                        if connected && pair.remembered.as_deref() == Some(d.id.as_str()) {
                            span { class: "sensor-chip", "Connected" }
                        } else {
                            button {
                                class: "primary",
                                aria_label: "Connect to {d.name}",
                                onclick: {
                                    let id = d.id.clone();
                                    move |_| send.call(Command::Connect(id.clone()))
                                },
                                "Connect"
                            }
                        }
                    }
                }
            }
        }
        if pair.remembered.is_some() {
            h2 { "Remembered sensor" }
            button { class: "danger", onclick: move |_| send.call(Command::Forget), "Forget this sensor" }
        }
    }
}
