//! What the runtime is configured with (the database, the demo sensor's
//! capture and dropout, the orphan wait) and the time as it sees it.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};

/// Where the runtime finds things.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuntimeConfig {
    /// A capture for the demo sensor to replay instead of the simulator.
    pub demo_capture: Option<PathBuf>,
    /// The session database (`--db`); `None`: the platform's default path.
    pub db: Option<PathBuf>,
    /// A link loss the demo sensor plays out in every session.
    pub demo_dropout: Option<Dropout>,
    /// How long a session runs with no screen attached before it is saved as
    /// interrupted; `None`: `ORPHAN_AFTER`.
    pub orphan_after: Option<Duration>,
}

/// `at_s` seconds into a demo session the link drops for `len_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dropout {
    pub at_s: f64,
    pub len_s: f64,
}

impl Dropout {
    /// `AT:LEN` in seconds, e.g. `12:3`.
    pub fn parse(s: &str) -> Option<Dropout> {
        let (a, l) = s.split_once(':')?;
        let (at_s, len_s) = (a.trim().parse::<f64>().ok()?, l.trim().parse::<f64>().ok()?);
        (at_s.is_finite() && len_s.is_finite() && at_s >= 0.0 && len_s > 0.0).then_some(Dropout { at_s, len_s })
    }
}

impl RuntimeConfig {
    /// `ANKLEPUMP_DEMO_CAPTURE=FILE.apcap` makes the demo sensor replay that capture;
    /// `ANKLEPUMP_DEMO_DROPOUT=AT:LEN` makes its link drop once per session;
    /// `ANKLEPUMP_ORPHAN_AFTER_S=N` shortens the wait before a session with no screen is saved.
    pub fn from_env() -> Self {
        let orphan = std::env::var("ANKLEPUMP_ORPHAN_AFTER_S").ok().and_then(|s| s.trim().parse::<f64>().ok());
        RuntimeConfig {
            demo_capture: std::env::var_os("ANKLEPUMP_DEMO_CAPTURE").map(PathBuf::from),
            db: None,
            demo_dropout: std::env::var("ANKLEPUMP_DEMO_DROPOUT").ok().as_deref().and_then(Dropout::parse),
            orphan_after: orphan.and_then(|s| Duration::try_from_secs_f64(s).ok()),
        }
    }

    /// Uses the database at `db` (the global `--db` option), when given.
    pub fn with_db(self, db: Option<&std::path::Path>) -> Self {
        RuntimeConfig { db: db.map(PathBuf::from), ..self }
    }
}

/// The time as the runtime sees it: the wall clock, local and UTC.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Now {
    pub local: NaiveDateTime,
    pub utc: DateTime<Utc>,
    /// Seconds east of UTC in force now.
    pub offset_s: i32,
}

impl Now {
    pub fn read() -> Self {
        let l = chrono::Local::now();
        Now { local: l.naive_local(), utc: l.with_timezone(&Utc), offset_s: l.offset().local_minus_utc() }
    }
    pub fn plus(self, d: Duration) -> Self {
        let c = chrono::Duration::from_std(d).unwrap_or_default();
        Now { local: self.local + c, utc: self.utc + c, offset_s: self.offset_s }
    }
}
