//! The Dioxus app: the root component is a view attached to the process's
//! session hub (`runtime::Hub`, given as context by the launcher): one
//! signal holds the `AppView` it keeps up to date from the hub's updates
//! (copying only the parts that changed), and every screen is a component
//! rendering its slice of that view and sending `Command`s to the hub.
//! Launchers for the desktop window and for the liveview server (`serve`)
//! live in `launch`.

use dioxus::prelude::*;

use crate::core::plan::Sides;
use crate::runtime::view::{AppView, LinkState, Screen};
use crate::runtime::{Command, Hub};
use crate::sensor::capture::Side;

pub mod history;
pub mod launch;
pub mod pair;
pub mod progress;
pub mod session;
pub mod settings;
#[cfg(test)]
mod tests;
pub mod today;

/// The stylesheet, inlined so desktop, liveview and tests render the same.
pub const CSS: &str = include_str!("../../assets/app.css");

/// The root: a view of the hub (its handle, and the view signal its updates keep current).
#[component]
pub fn App() -> Element {
    let mut view = use_signal(AppView::default);
    let handle = use_hook(move || {
        let (handle, mut updates) = consume_context::<Hub>().attach();
        // Ends with the component; dropping the handle with it detaches the view.
        spawn(async move {
            loop {
                let mut v = view.peek().clone();
                if updates.apply(&mut v) {
                    view.set(v);
                }
                if !updates.changed().await {
                    break;
                }
            }
        });
        handle
    });
    let send = use_callback(move |c: Command| handle.send(c));
    rsx! {
        Shell { view: view(), send }
    }
}

/// Header, navigation and the current screen, for a given view.
#[component]
pub fn Shell(view: AppView, send: EventHandler<Command>) -> Element {
    let sensor = &view.sensor;
    let chip = match (&sensor.name, sensor.state) {
        (Some(name), state) if state != LinkState::NotConnected => {
            let battery = sensor.battery_pct.map(|b| format!(", battery {b}%")).unwrap_or_default();
            format!("{name}: {}{battery}", state.label())
        }
        _ => "No sensor connected".to_string(),
    };
    let screen = view.screen;
    rsx! {
        style { dangerous_inner_html: CSS }
        div { class: "app",
            header { class: "app-header",
                p { class: "brand", "AnklePump" }
                p { class: "sensor-chip", role: "status", "{chip}" }
            }
            nav { aria_label: "Screens",
                ul {
                    for s in Screen::ALL {
                        li { key: "{s.label()}",
                            button {
                                aria_current: if s == screen { "page" } else { "false" },
                                onclick: move |_| {
                                    send.call(Command::Navigate(s));
                                    // A new screen starts at its top.
                                    let _ = document::eval("window.scrollTo(0, 0)");
                                },
                                "{s.label()}"
                            }
                        }
                    }
                }
            }
            main {
                match screen {
                    Screen::Today => rsx! { today::TodayScreen { today: view.today.clone(), sensor: view.sensor.clone(), send } },
                    Screen::Pair => rsx! { pair::PairScreen { pair: view.pair.clone(), sensor: view.sensor.clone(), send } },
                    Screen::Session => rsx! { session::SessionScreen { session: view.session.clone(), sensor: view.sensor.clone(), default_side: view.settings.sides.single().unwrap_or(Side::Right), both: view.settings.sides == Sides::Both, send } },
                    Screen::Progress => rsx! { progress::ProgressScreen { progress: view.progress.clone(), sessions: view.history.sessions.clone(), send } },
                    Screen::History => rsx! { history::HistoryScreen { history: view.history.clone(), send } },
                    Screen::Settings => rsx! { settings::SettingsScreen { settings: view.settings.clone(), sensor: view.sensor.clone(), send } },
                }
            }
        }
    }
}

/// "12.5°" with one decimal.
pub fn deg(v: f64) -> String {
    format!("{v:.1}°")
}

/// "Sat 21 Nov".
pub fn day_label(d: chrono::NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}
