//! Store work as messages: the runtime asks for it (`StoreJob`), the store
//! task performs it on a blocking thread, in order, and the outcome comes
//! back as a `StoreDone` into the owner's loop. The same `perform` runs
//! inline for a runtime driven step by step (tests).

use chrono::NaiveDate;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::records::{Records, StoreRead};
use super::Now;
use crate::core::plan::{Plan, SessionStatus};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;
use crate::store::{SensorRecord, StoreError};

/// Store work the runtime asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreJob {
    Begin {
        now: Now,
        side: Side,
        plan: Plan,
        sensor_id: String,
    },
    AddRep(Rep),
    Finish {
        status: SessionStatus,
        now: Now,
    },
    SetPain(u8),
    SavePlan(Plan),
    Remember {
        id: String,
        name: String,
        battery: Option<u8>,
        now: Now,
    },
    Forget(String),
    ExportCsv,
    ExportFhir,
    /// The export as files for the browser (`patient`).
    Download {
        fhir: bool,
    },
    /// The CSV export, then its folder opened (`patient`).
    OpenExportFolder,
    /// Re-read what the screens show, for the local date `today`, with the reps of `open`.
    Read {
        today: NaiveDate,
        open: Vec<u64>,
    },
}

/// What became of store work.
#[derive(Debug)]
pub enum StoreDone {
    /// The database is open: its plan and remembered sensor.
    Opened {
        plan: Plan,
        remembered: Option<SensorRecord>,
    },
    /// It cannot be opened: sessions are not saved.
    Unavailable(StoreError),
    /// A job failed; `what` says which, for the user.
    Failed {
        what: Failure,
        error: StoreError,
    },
    Exported(String),
    /// Exported files for the browser, or why not.
    Downloads(Result<Vec<super::view::Download>, String>),
    Read(Box<StoreRead>),
}

/// Which kind of store work failed (decides where the message shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Begin,
    Rep,
    End,
    Pain,
    Plan,
    Sensor,
    Export,
}

impl Records {
    /// Does `job`; what the runtime must hear about it, if anything.
    pub fn perform(&mut self, job: StoreJob) -> Option<StoreDone> {
        let failed = |what| move |error| StoreDone::Failed { what, error };
        let res = match job {
            StoreJob::Begin { now, side, plan, sensor_id } => {
                self.begin(&now, side, &plan, &sensor_id).map_err(failed(Failure::Begin))
            }
            StoreJob::AddRep(rep) => self.add_rep(&rep).map_err(failed(Failure::Rep)),
            StoreJob::Finish { status, now } => self.finish(status, &now).map_err(failed(Failure::End)),
            StoreJob::SetPain(p) => self.set_pain(p).map_err(failed(Failure::Pain)),
            StoreJob::SavePlan(plan) => self.set_plan(&plan).map_err(failed(Failure::Plan)),
            StoreJob::Remember { id, name, battery, now } => {
                self.remember(&id, &name, battery, &now).map_err(failed(Failure::Sensor))
            }
            StoreJob::Forget(id) => self.forget(&id).map_err(failed(Failure::Sensor)),
            StoreJob::ExportCsv => {
                return Some(self.export_csv().map_or_else(failed(Failure::Export), StoreDone::Exported))
            }
            StoreJob::ExportFhir => {
                return Some(self.export_fhir().map_or_else(failed(Failure::Export), StoreDone::Exported))
            }
            StoreJob::Download { fhir } => return Some(StoreDone::Downloads(super::patient::downloads(self, fhir))),
            StoreJob::OpenExportFolder => return Some(StoreDone::Exported(super::patient::open_export_folder(self))),
            StoreJob::Read { today, open } => return Some(StoreDone::Read(Box::new(self.read(today, &open)))),
        };
        res.err()
    }

    /// What the runtime learns when the database has just been opened.
    pub fn opened(&self) -> StoreDone {
        StoreDone::Opened { plan: self.plan(), remembered: self.remembered() }
    }
}

/// The store task: opens the database, then performs jobs in order, each on
/// tokio's blocking pool (SQLite waits on disk and on other writers), sending
/// every outcome to `done`. Ends when `jobs` closes; the database is closed
/// on a blocking thread too.
pub async fn run(
    open: impl FnOnce() -> Result<Records, StoreError> + Send + 'static,
    mut jobs: UnboundedReceiver<StoreJob>,
    done: UnboundedSender<StoreDone>,
) {
    let opened = tokio::task::spawn_blocking(move || {
        open().map(|r| {
            let o = r.opened();
            (r, o)
        })
    })
    .await;
    let mut records = match opened {
        Ok(Ok((r, o))) => {
            let _ = done.send(o);
            r
        }
        Ok(Err(e)) => {
            let _ = done.send(StoreDone::Unavailable(e));
            // Nothing to do with the jobs: drain them until the owner goes.
            while jobs.recv().await.is_some() {}
            return;
        }
        // Cancelled: the process is shutting down (e.g. another app holds the database).
        Err(e) if e.is_cancelled() => return,
        Err(e) => {
            tracing::error!("the store task failed to start: {e}");
            return;
        }
    };
    while let Some(first) = jobs.recv().await {
        // Everything queued goes in one trip to the blocking pool, in order.
        let mut batch = vec![first];
        while let Ok(j) = jobs.try_recv() {
            batch.push(j);
        }
        // Reads change nothing: the last one of the batch answers for all.
        let reads = batch.iter().filter(|j| matches!(j, StoreJob::Read { .. })).count();
        let mut seen = 0;
        batch.retain(|j| {
            let read = matches!(j, StoreJob::Read { .. });
            seen += usize::from(read);
            !read || seen == reads
        });
        let res = tokio::task::spawn_blocking(move || {
            let out: Vec<StoreDone> = batch.into_iter().filter_map(|j| records.perform(j)).collect();
            (records, out)
        })
        .await;
        match res {
            Ok((r, out)) => {
                records = r;
                for d in out {
                    let _ = done.send(d);
                }
            }
            Err(e) => {
                tracing::error!("the store task failed: {e}");
                return;
            }
        }
    }
    let _ = tokio::task::spawn_blocking(move || drop(records)).await;
}
