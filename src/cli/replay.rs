//! `anklepump replay-session FILE.apcap [--speed 20] [--side left|right]`
//! (hidden): runs a capture through the live pipeline at `speed` times real
//! time as if the sensor were streaming, recording it exactly as the app
//! does: the session is begun at once and each rep is committed the moment
//! it is detected, so killing the process mid-way loses no committed rep
//! (the next start marks the session interrupted). Used by the
//! crash-recovery test and for demos.

use std::io::{BufReader, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::store::{local_offset, open, pick_side};
use super::Fail;
use crate::core::pipeline::{Event, Pipeline};
use crate::core::plan::SessionStatus;
use crate::sensor::capture::{CaptureReader, Record, Side};
use crate::store::{EndSession, NewSession, SessionId, Store};

pub(super) fn run(db: Option<&Path>, file: &Path, speed: f64, side: Option<Side>) -> Result<(), Fail> {
    replay(db, file, speed, side)
}

fn commit(store: &mut Store, id: SessionId, events: Vec<Event>) -> Result<u32, Fail> {
    let mut n = 0;
    for e in events {
        if let Event::Rep(rep) = e {
            let idx = store.add_rep(id, &rep)?;
            println!("rep {idx} committed");
            n += 1;
        }
    }
    std::io::stdout().flush()?;
    Ok(n)
}

fn replay(db: Option<&Path>, file: &Path, speed: f64, side: Option<Side>) -> Result<(), Fail> {
    let name = file.display().to_string();
    let f = super::input::open_regular(file, "")?;
    let reader = CaptureReader::new(BufReader::new(f)).map_err(|e| Fail::new(format!("{name}: {e}"), 2))?;
    let header = reader.header().clone();
    let (mut store, _) = open(db)?;
    let plan = store.plan()?;
    let side = pick_side(side, &header, &plan)?;
    let start = Utc::now();
    let id = store.begin_session(&NewSession {
        start_utc: start,
        utc_offset_s: local_offset(start),
        side,
        preset: plan.preset,
        planned_reps: plan.reps_per_session,
        hold_s: plan.hold_s,
        pain_before: None,
        capture_file: Some(name.clone()),
        sensor_id: header.device.clone(),
    })?;
    println!("session {id} started");
    let mut pipeline = Pipeline::new(header.config);
    let (clock, mut done) = (Instant::now(), 0u32);
    for rec in reader {
        match rec.map_err(|e| Fail::new(format!("{name}: {e}"), 2))? {
            Record::Notification { rx_ms, payload } => {
                if speed > 0.0 {
                    let due = Duration::from_secs_f64(rx_ms as f64 / 1000.0 / speed);
                    if let Some(wait) = due.checked_sub(clock.elapsed()) {
                        std::thread::sleep(wait);
                    }
                }
                done += commit(&mut store, id, pipeline.push_notification(rx_ms, &payload))?;
            }
            Record::BadLine { .. } => pipeline.push_malformed(),
        }
    }
    done += commit(&mut store, id, pipeline.finish())?;
    let status = if done >= plan.reps_per_session { SessionStatus::Completed } else { SessionStatus::Stopped };
    let end = Utc::now();
    store.end_session(
        id,
        &EndSession { end_utc: end, utc_offset_s: local_offset(end), status, pain_after: None, notes: String::new() },
    )?;
    println!("session {id} {}: {done} reps", status.as_str());
    Ok(())
}
