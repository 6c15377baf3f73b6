//! The reminder loop shared by `anklepump remind` and the running app: at
//! each reminder time (core's DST-safe schedule) it asks core whether the
//! reminder speaks and, if so, notifies; once a day it makes the automatic
//! backup. One process reminds at a time: whoever holds the exclusive lock
//! file beside the database (`<db>.remind.lock`, `File::try_lock`) reminds,
//! the others wait for it to be free.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local};
use futures::StreamExt;

use crate::core::plan::{day_adherence, decide, next_reminder, ReminderDecision, SessionFacts};
use crate::notify::{Notification, Notifier};
use crate::store::Store;

/// The longest sleep: settings changed elsewhere are seen within this.
const TICK: Duration = Duration::from_secs(20);

/// The wall clock, or (tests, demos) a pretend one that starts at a given
/// instant and runs at real speed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    skew: chrono::Duration,
}

impl Clock {
    pub fn real() -> Self {
        Clock::default()
    }
    pub fn starting_at<Tz: chrono::TimeZone>(t: &DateTime<Tz>) -> Self {
        Clock { skew: t.with_timezone(&Local) - Local::now() }
    }
    pub fn now(&self) -> DateTime<Local> {
        Local::now() + self.skew
    }
}

/// The lock file that makes one process the reminder.
pub fn lock_path(db: &Path) -> PathBuf {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    db.with_file_name(format!("{name}.remind.lock"))
}

/// Takes the reminder lock if it is free; None while another process holds it.
fn try_lock(db: &Path) -> Option<File> {
    let path = lock_path(db);
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).ok()?;
    file.try_lock().ok().map(|()| file)
}

/// What the loop needs to know and may do.
pub struct Options {
    pub db: PathBuf,
    pub clock: Clock,
    /// Start the app when a notification's default action is invoked (`remind`; not the app itself).
    pub open_app: bool,
}

/// Reminds until the future is dropped; `say` gets one line per event.
pub async fn run(opts: Options, mut say: impl FnMut(&str)) -> Result<(), String> {
    let mut store = Store::open(&opts.db).map_err(|e| e.to_string())?;
    let mut lock: Option<File> = None;
    let mut waiting_said = false;
    let mut notifier: Option<Notifier> = None;
    let mut opened: Option<futures::stream::BoxStream<'static, u32>> = None;
    let mut since = opts.clock.now();
    loop {
        let now = opts.clock.now();
        if lock.is_none() {
            lock = try_lock(&opts.db);
            if lock.is_none() && !waiting_said {
                say("another AnklePump process is reminding; waiting for it to stop");
            }
            waiting_said = lock.is_none();
        }
        let plan = store.plan().map_err(|e| e.to_string())?;
        // Every reminder due since the last look; after a sleep or suspend only the latest speaks.
        let mut due = None;
        let mut t = since;
        while let Some(d) = next_reminder(&plan.reminders, None, &t).filter(|d| *d <= now) {
            due = Some(d);
            t = d;
        }
        since = now;
        if lock.is_some() {
            if let Some(at) = due {
                let line = remind(&store, at, &mut notifier).await;
                say(&line);
                if opts.open_app && opened.is_none() {
                    if let Some(n) = &notifier {
                        opened = n.opened().await.ok().map(StreamExt::boxed);
                    }
                }
            }
            match store.auto_backup(now.to_utc(), &now.format("%Y-%m-%d_%H%M%S").to_string()) {
                Ok(Some(p)) => say(&format!("automatic backup written to {}", p.display())),
                Ok(None) => {}
                Err(e) => say(&format!("automatic backup failed: {e}")),
            }
        }
        let wait = next_reminder(&plan.reminders, None, &now)
            .and_then(|n| (n - now).to_std().ok())
            .map_or(TICK, |d| d.min(TICK));
        match opened.as_mut() {
            Some(stream) => tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                Some(_) = stream.next() => open_app(&opts.db, &mut say),
            },
            None => tokio::time::sleep(wait).await,
        }
    }
}

/// Decides and, when it speaks, notifies; the line describing what happened.
async fn remind(store: &Store, at: DateTime<Local>, notifier: &mut Option<Notifier>) -> String {
    let local = at.naive_local();
    let hhmm = local.format("%H:%M");
    let (plan, quiet) = match (store.plan(), store.quiet_hours()) {
        (Ok(p), Ok(q)) => (p, q),
        (Err(e), _) | (_, Err(e)) => return format!("{hhmm} reminder not sent: {e}"),
    };
    let facts: Vec<SessionFacts> = match store.sessions_on_dates(local.date(), local.date()) {
        Ok(s) => s.iter().map(|s| s.facts()).collect(),
        Err(e) => return format!("{hhmm} reminder not sent: {e}"),
    };
    let day = day_adherence(&facts, &plan, local.date());
    let summary = match decide(&day, &plan, local.time(), quiet.as_ref()) {
        ReminderDecision::Silent(why) => return format!("{hhmm} reminder silent: {}", why.reason()),
        ReminderDecision::Notify(s) => s,
    };
    if notifier.is_none() {
        match Notifier::connect().await {
            Ok(n) => *notifier = Some(n),
            Err(e) => return format!("{hhmm} reminder not sent: {e}"),
        }
    }
    let Some(n) = notifier.as_ref() else { return format!("{hhmm} reminder not sent") };
    match n.send(&Notification::reminder(summary.clone())).await {
        Ok(_) => format!("{hhmm} reminder sent: {summary}"),
        Err(e) => {
            *notifier = None;
            format!("{hhmm} reminder not sent: {e}")
        }
    }
}

/// Starts the app (`anklepump` beside this program, same database).
fn open_app(db: &Path, say: &mut impl FnMut(&str)) {
    let exe = std::env::current_exe().map(|p| p.with_file_name(format!("anklepump{}", std::env::consts::EXE_SUFFIX)));
    let res = exe.and_then(|exe| std::process::Command::new(exe).arg("--db").arg(db).spawn());
    match res {
        Ok(_) => say("opening the app"),
        Err(e) => say(&format!("cannot open the app: {e}")),
    }
}
