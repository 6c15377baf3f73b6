//! `anklepump scan [--seconds N] [--json]` and `anklepump record [--device
//! NAME] --seconds N --out FILE.apcap`: the sensor link without the app.
//! Any failure (no D-Bus, no adapter, no sensor, a refusal) is one line on
//! stderr and a non-zero exit; a recording keeps what was received.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::Fail;
use crate::link::{BleLink, CaptureRecorder, Link, LinkError, LinkEvent, LinkState};
use crate::sensor::capture::Side;

/// Runs `fut` on a fresh runtime; a task still stuck in a blocking call
/// (a bus that never answered) is left behind, not waited for.
fn block_on<T>(fut: impl std::future::Future<Output = T>) -> Result<T, Fail> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Fail::new(format!("cannot start the async runtime: {e}"), 1))?;
    let out = rt.block_on(fut);
    rt.shutdown_background();
    Ok(out)
}

/// `--seconds` as a duration: finite, ≥ 0, at most a day.
fn seconds_arg(seconds: f64) -> Result<Duration, Fail> {
    if seconds.is_finite() && (0.0..=86_400.0).contains(&seconds) {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(Fail::new(format!("--seconds must be between 0 and 86400, not {seconds}"), 2))
    }
}

pub(super) fn scan(seconds: f64, json: bool) -> Result<(), Fail> {
    let listen = seconds_arg(seconds)?;
    let found = block_on(async {
        let mut link = BleLink::new().await?;
        link.scan(listen).await
    })??;
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_string(&found).map_err(std::io::Error::other).and_then(|s| writeln!(out, "{s}"))
    } else {
        found.iter().try_for_each(|f| {
            let rssi = f.rssi.map_or("? dBm".to_string(), |r| format!("{r} dBm"));
            let battery = f.battery.map_or(String::new(), |b| format!("  battery {b}%"));
            writeln!(out, "{}  {}  {rssi}{battery}", f.name, f.id)
        })
    };
    written.map_err(|e| Fail::new(format!("cannot write output: {e}"), 1))?;
    if found.is_empty() {
        return Err(Fail::new("no APS-1 sensor found", 1));
    }
    Ok(())
}

pub(super) fn record(device: Option<&str>, seconds: f64, out: &Path, side: Option<Side>) -> Result<(), Fail> {
    let length = seconds_arg(seconds)?;
    let (n, name) = block_on(record_async(device, length, out, side))??;
    println!("recorded {n} notifications from {name} to {}", out.display());
    Ok(())
}

async fn record_async(
    device: Option<&str>,
    length: Duration,
    out: &Path,
    side: Option<Side>,
) -> Result<(u64, String), LinkError> {
    let mut link = BleLink::new().await?;
    let info = link.connect(device.unwrap_or("")).await?;
    let mut events = link.take_events().ok_or(LinkError::NotConnected)?;
    let config = link.read_config().await?;
    let version = concat!("anklepump ", env!("CARGO_PKG_VERSION"));
    let mut extra: Vec<(&str, &str)> = vec![("app", version)];
    if let Some(fw) = info.firmware.as_deref() {
        extra.push(("firmware", fw));
    }
    let mut rec = CaptureRecorder::create(out, config, Some(&info.name), side, &extra)?;
    if let Err(e) = link.start_streaming().await {
        // Nothing was recorded: leave no empty capture behind.
        drop(rec);
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    let deadline = tokio::time::Instant::now() + length;
    let mut lost = false;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => break,
            ev = events.recv() => match ev {
                Some(LinkEvent::State(s @ (LinkState::Reconnecting | LinkState::Connected))) => {
                    eprintln!("anklepump: {}", s.describe());
                }
                Some(LinkEvent::State(LinkState::Lost)) | None => {
                    lost = true;
                    break;
                }
                Some(ev) => rec.record_event(&ev)?,
            },
        }
    }
    // Whatever is still queued was received before the end.
    while let Ok(ev) = events.try_recv() {
        rec.record_event(&ev)?;
    }
    let n = rec.records();
    rec.finish()?;
    if lost {
        return Err(LinkError::Bluetooth(
            "recording",
            format!("the link to {} was lost; kept {n} notifications in {}", info.name, out.display()),
        ));
    }
    let _ = link.stop_streaming().await;
    let _ = link.disconnect().await;
    Ok((n, info.name))
}
