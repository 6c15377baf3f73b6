//! The pump of an open btleplug connection: forwards notifications and,
//! when the link drops mid-session (announced by BlueZ, or a silent stream
//! on a link that reports itself down), reconnects with the supervisor's
//! backoff, finds the sensor again if BlueZ forgot it, re-subscribes and
//! writes Start again — on the same session clock, so `rx_ms` continues.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use btleplug::api::{Central, CentralEvent, Peripheral as _, WriteType};
use btleplug::platform::{Adapter, PeripheralId};
use futures::StreamExt;
use tokio::time::Instant;

use super::ble::{call, motion_uuid};
use super::ble_conn::{CentralEvents, Notes, Shared, INDICATION_TIMEOUT};
use super::supervisor::{retry, Backoff};
use super::{Found, LinkError, LinkEvent, LinkState};
use crate::sensor::protocol::{control_point_write, parse_indication, uuids, CpResult, Opcode};

/// A streaming link this long without an IMU notification is checked: a
/// loss BlueZ never announced must not leave the user waiting forever.
const SILENCE: Duration = Duration::from_secs(3);

enum Step {
    Lost,
    Ended,
    Continue,
}

/// Forwards notifications; on a link loss (announced by BlueZ, or noticed
/// as a silent stream on a link that says it is down) reconnects and resumes.
pub(super) async fn pump(
    shared: Arc<Shared>,
    adapter: Adapter,
    id: PeripheralId,
    found: Found,
    mut central: CentralEvents,
    mut notes: Notes,
    give_up: Duration,
) {
    let mut backoff = Backoff::standard(found.id.bytes().fold(0x9e37_79b9_u64, |h, b| h.rotate_left(5) ^ u64::from(b)));
    let mut last_imu = Instant::now();
    let mut watchdog = tokio::time::interval(Duration::from_secs(1));
    loop {
        let step = tokio::select! {
            n = notes.next() => {
                match n {
                    Some(n) => {
                        if n.uuid.as_u128() == uuids::IMU_DATA {
                            last_imu = Instant::now();
                        }
                        shared.dispatch(n);
                    }
                    None => notes = Box::pin(futures::stream::pending()),
                }
                Step::Continue
            }
            ev = central.next() => match ev {
                Some(CentralEvent::DeviceDisconnected(d)) if d == id => Step::Lost,
                Some(_) => Step::Continue,
                None => Step::Ended,
            },
            _ = watchdog.tick() => {
                let silent = shared.streaming.load(Ordering::SeqCst) && last_imu.elapsed() > SILENCE;
                if silent && !call("asking whether connected", shared.peripheral().is_connected()).await.unwrap_or(false) {
                    tracing::warn!("{} went silent and is not connected", found.name);
                    Step::Lost
                } else {
                    Step::Continue
                }
            }
        };
        match step {
            Step::Continue => {}
            Step::Ended => {
                shared.emit(LinkEvent::State(LinkState::Lost));
                return;
            }
            Step::Lost if shared.closing.load(Ordering::SeqCst) => return,
            Step::Lost => {
                tracing::info!("link to {} lost; reconnecting", found.name);
                shared.emit(LinkEvent::State(LinkState::Reconnecting));
                match retry(&mut backoff, give_up, |n| reattach(&shared, &adapter, &id, &found, n)).await {
                    Ok(new_notes) => {
                        notes = new_notes;
                        last_imu = Instant::now();
                        tracing::info!("link to {} back", found.name);
                        shared.emit(LinkEvent::State(LinkState::Connected));
                    }
                    Err(e) => {
                        tracing::warn!("giving up on {}: {e}", found.name);
                        shared.emit(LinkEvent::State(LinkState::Lost));
                        return;
                    }
                }
            }
        }
    }
}

/// One reconnect attempt: find the device again if BlueZ forgot it,
/// connect, re-subscribe, and write Start again if the session streams.
async fn reattach(
    shared: &Shared,
    adapter: &Adapter,
    id: &PeripheralId,
    found: &Found,
    attempt: u32,
) -> Result<Notes, LinkError> {
    tracing::debug!("reconnect attempt {attempt} to {}", found.name);
    let p = match call("finding the sensor", adapter.peripheral(id)).await {
        Ok(p) => p,
        Err(_) => {
            // BlueZ removed the device object: scan again for it.
            let _ = call(
                "starting a scan",
                adapter.start_scan(btleplug::api::ScanFilter { services: vec![motion_uuid()] }),
            )
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let p = call("finding the sensor again", adapter.peripheral(id)).await?;
            let _ = call("stopping the scan", adapter.stop_scan()).await;
            p
        }
    };
    let mut notes = shared.attach(&p).await?;
    *shared.peripheral.lock().unwrap_or_else(|e| e.into_inner()) = p.clone();
    if shared.streaming.load(Ordering::SeqCst) {
        let op = control_point_write(Opcode::StartStreaming);
        call("control point write", p.write(&shared.chars.cp, &op, WriteType::WithResponse)).await?;
        // The pump is busy here, so wait for the indication inline,
        // forwarding whatever else arrives meanwhile.
        let deadline = Instant::now() + INDICATION_TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, notes.next()).await {
                Err(_) | Ok(None) => return Err(LinkError::NoConfirmation(Opcode::StartStreaming)),
                Ok(Some(n)) if n.uuid.as_u128() == uuids::CONTROL_POINT => match parse_indication(&n.value) {
                    Ok((o, CpResult::Success)) if o == Opcode::StartStreaming as u8 => break,
                    Ok((o, result)) if o == Opcode::StartStreaming as u8 => {
                        return Err(LinkError::Command { op: Opcode::StartStreaming, result })
                    }
                    _ => {}
                },
                Ok(Some(n)) => shared.dispatch(n),
            }
        }
    }
    Ok(notes)
}
