//! Launchers: the desktop window (no subcommand) and `anklepump serve`, the
//! same app served to a browser through Dioxus liveview over axum. Each
//! starts the process's one session hub (`runtime::Hub`) and gives it to
//! every app root as context: the window and every browser tab are views of
//! the same hub. A second app on a database another one runs on is refused
//! with one line. The liveview socket is at `/ws`; `GET /` answers with the
//! page that loads the liveview glue (the library's own catch-all route does
//! not answer `/`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use dioxus::prelude::*;
use dioxus_liveview::{axum_socket, interpreter_glue, LiveViewPool};
use thiserror::Error;

use super::App;
use crate::runtime::{Hub, RuntimeConfig};

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{0}")]
    AnotherApp(String),
}

/// Opens the app in a desktop window; returns when the window closes, at once
/// when another app runs on the same database.
#[cfg(feature = "desktop")]
pub fn desktop(cfg: RuntimeConfig) -> Result<(), ServeError> {
    use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
    let hub = Hub::start(cfg);
    if let Some(m) = hub.another_app() {
        return Err(ServeError::AnotherApp(m.to_string()));
    }
    let window = WindowBuilder::new().with_title("AnklePump").with_inner_size(LogicalSize::new(1100.0, 860.0));
    // No menu bar: the app's own navigation is the only one a patient needs.
    let config = Config::new().with_window(window).with_menu(None);
    dioxus::LaunchBuilder::desktop().with_cfg(config).with_context(hub).launch(App);
    Ok(())
}

/// Opens the app on a phone: `dx bundle --platform android|ios --no-default-features --features mobile`.
#[cfg(all(feature = "mobile", not(feature = "desktop")))]
pub fn mobile(cfg: RuntimeConfig) {
    dioxus::LaunchBuilder::mobile().with_context(Hub::start(cfg)).launch(App);
}

/// The page `GET /` serves: language, title, viewport, and the liveview glue.
pub fn index_html() -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AnklePump</title>
</head>
<body><div id="main"></div>
{}
</body>
</html>
"#,
        interpreter_glue("/ws")
    )
}

/// The axum router: `/` (page) and `/ws` (liveview socket), one virtual DOM per
/// socket, each a view of a hub started for `cfg`.
pub fn router(cfg: RuntimeConfig) -> Router {
    router_for(Hub::start(cfg))
}

/// The axum router for the views of `hub`.
pub fn router_for(hub: Hub) -> Router {
    let pool = Arc::new(LiveViewPool::new());
    let page = index_html();
    Router::new().route("/", get(move || async move { Html(page) })).route(
        "/ws",
        get(move |ws: WebSocketUpgrade| {
            let (pool, hub) = (pool.clone(), hub.clone());
            async move {
                ws.on_upgrade(move |socket| async move {
                    let res = pool
                        .launch_virtualdom(axum_socket(socket), move || VirtualDom::new(App).with_root_context(hub))
                        .await;
                    if let Err(e) = res {
                        tracing::debug!("liveview session ended: {e}");
                    }
                })
            }
        }),
    )
}

/// Serves the app on `addr` until Ctrl-C.
pub async fn serve(addr: SocketAddr, cfg: RuntimeConfig) -> Result<(), ServeError> {
    let hub = Hub::start(cfg);
    if let Some(m) = hub.another_app() {
        return Err(ServeError::AnotherApp(m.to_string()));
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| ServeError::Bind(addr, e))?;
    let local = listener.local_addr().map_err(ServeError::Serve)?;
    println!("AnklePump is served at http://{local}/");
    if !local.ip().is_loopback() {
        eprintln!("anklepump: warning: {local} is reachable from other machines");
    }
    let res = axum::serve(listener, router_for(hub.clone()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Serve);
    // Close the session hub cleanly (a finished session's record, the sensor).
    hub.shutdown().await;
    res
}

/// `serve` on a fresh multi-thread tokio runtime.
pub fn serve_blocking(addr: SocketAddr, cfg: RuntimeConfig) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Runtime)?;
    rt.block_on(serve(addr, cfg))
}
