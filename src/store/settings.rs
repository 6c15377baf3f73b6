//! The user's plan (one row), the paired sensors, and the settings kept as
//! keys and values: quiet hours, the hourly plan's waking day, and the
//! automatic backups' folder, how many to keep and when the last was made.

use std::path::PathBuf;

use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::sessions::ms_to_utc;
use super::{Store, StoreError};
use crate::core::plan::{DayBand, Plan, Preset, QuietHours, Sides, WakingHours};

/// Automatic daily backups.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupSettings {
    /// The folder they go to (e.g. a synced one); None: no automatic backups.
    pub dir: Option<PathBuf>,
    /// How many to keep (the oldest beyond are deleted).
    pub keep: u32,
    pub last_utc: Option<DateTime<Utc>>,
}

/// Backups kept when the user has not chosen.
pub const DEFAULT_BACKUP_KEEP: u32 = 7;

const QUIET: &str = "quiet_hours";
const WAKING: &str = "waking_hours";
const BACKUP_DIR: &str = "backup_dir";
const BACKUP_KEEP: &str = "backup_keep";
const LAST_BACKUP: &str = "last_backup_utc_ms";

/// A paired sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensorRecord {
    /// The platform's id for the device (BLE address or UUID).
    pub id: String,
    pub name: String,
    pub firmware: Option<String>,
    pub last_seen_utc: Option<DateTime<Utc>>,
    pub battery_pct: Option<u8>,
}

fn format_reminders(r: &[NaiveTime]) -> String {
    r.iter().map(|t| t.format("%H:%M").to_string()).collect::<Vec<_>>().join(",")
}

fn parse_reminders(s: &str) -> Result<Vec<NaiveTime>, StoreError> {
    s.split(',')
        .filter(|x| !x.trim().is_empty())
        .map(|x| {
            NaiveTime::parse_from_str(x.trim(), "%H:%M")
                .map_err(|_| StoreError::Corrupt(format!("reminder time {x:?} is not HH:MM")))
        })
        .collect()
}

impl Store {
    /// The user's plan; the General preset for the left foot until one is set.
    pub fn plan(&self) -> Result<Plan, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT preset, sides, reps_per_session, hold_s, sessions_min, sessions_max, reminders FROM plan WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?;
        let waking = match self.setting(WAKING)? {
            None => WakingHours::default(),
            Some(w) => WakingHours::parse(&w).ok_or_else(|| StoreError::Corrupt(format!("waking hours {w:?}")))?,
        };
        let Some((preset, sides, reps_per_session, hold_s, min, max, reminders)) = row else {
            return Ok(Plan::default().with_waking(waking));
        };
        Ok(Plan {
            preset: Preset::parse(&preset).ok_or_else(|| StoreError::Corrupt(format!("unknown preset {preset:?}")))?,
            sides: Sides::parse(&sides).ok_or_else(|| StoreError::Corrupt(format!("unknown sides {sides:?}")))?,
            reps_per_session,
            hold_s,
            sessions_per_day: DayBand { min, max },
            reminders: parse_reminders(&reminders)?,
            waking,
        })
    }

    /// Replaces the plan after checking it against its preset.
    pub fn set_plan(&mut self, plan: &Plan) -> Result<(), StoreError> {
        plan.validate()?;
        self.set_setting(WAKING, Some(&plan.waking.format()))?;
        self.conn.execute(
            "INSERT OR REPLACE INTO plan (id, preset, sides, reps_per_session, hold_s, sessions_min, sessions_max, reminders)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                plan.preset.as_str(),
                plan.sides.as_str(),
                plan.reps_per_session,
                plan.hold_s,
                plan.sessions_per_day.min,
                plan.sessions_per_day.max,
                format_reminders(&plan.reminders)
            ],
        )?;
        Ok(())
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)", [key, v])?,
            None => self.conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }

    /// Quiet hours (no reminders); 22:00–07:00 until the user changes them, None when turned off.
    pub fn quiet_hours(&self) -> Result<Option<QuietHours>, StoreError> {
        let Some(v) = self.setting(QUIET)? else { return Ok(Some(QuietHours::default())) };
        if v == "off" {
            return Ok(None);
        }
        let bad = || StoreError::Corrupt(format!("quiet hours {v:?} are not HH:MM-HH:MM"));
        let (a, b) = v.split_once('-').ok_or_else(bad)?;
        let time = |x: &str| NaiveTime::parse_from_str(x, "%H:%M").map_err(|_| bad());
        Ok(Some(QuietHours { start: time(a)?, end: time(b)? }))
    }

    pub fn set_quiet_hours(&mut self, q: Option<QuietHours>) -> Result<(), StoreError> {
        let v = q.map_or("off".to_string(), |q| format!("{}-{}", q.start.format("%H:%M"), q.end.format("%H:%M")));
        self.set_setting(QUIET, Some(&v))
    }

    /// Where automatic backups go, how many are kept, and when the last was made.
    pub fn backup_settings(&self) -> Result<BackupSettings, StoreError> {
        let keep = match self.setting(BACKUP_KEEP)? {
            None => DEFAULT_BACKUP_KEEP,
            Some(k) => k.parse().map_err(|_| StoreError::Corrupt(format!("backups to keep {k:?}")))?,
        };
        let last_utc = match self.setting(LAST_BACKUP)? {
            None => None,
            Some(ms) => Some(ms_to_utc(ms.parse().map_err(|_| StoreError::Corrupt(format!("last backup {ms:?}")))?)?),
        };
        Ok(BackupSettings { dir: self.setting(BACKUP_DIR)?.map(PathBuf::from), keep, last_utc })
    }

    /// Sets (or, with None, turns off) the automatic backups' folder.
    pub fn set_backup_dir(&mut self, dir: Option<&std::path::Path>) -> Result<(), StoreError> {
        let dir = dir.map(|d| d.to_str().ok_or_else(|| StoreError::Invalid(format!("{}: not UTF-8", d.display()))));
        self.set_setting(BACKUP_DIR, dir.transpose()?)
    }

    pub fn set_backup_keep(&mut self, keep: u32) -> Result<(), StoreError> {
        if !(1..=365).contains(&keep) {
            return Err(StoreError::Invalid(format!("backups to keep must be 1–365, not {keep}")));
        }
        self.set_setting(BACKUP_KEEP, Some(&keep.to_string()))
    }

    pub(super) fn set_last_backup(&mut self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.set_setting(LAST_BACKUP, Some(&at.timestamp_millis().to_string()))
    }

    /// Adds a sensor or updates what is known about it.
    pub fn upsert_sensor(&mut self, s: &SensorRecord) -> Result<(), StoreError> {
        if s.battery_pct.is_some_and(|b| b > 100) {
            return Err(StoreError::Invalid(format!("battery must be 0–100 %, not {:?}", s.battery_pct)));
        }
        self.conn.execute(
            "INSERT INTO sensors (id, name, firmware, last_seen_utc_ms, battery_pct) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                firmware = COALESCE(excluded.firmware, firmware),
                last_seen_utc_ms = COALESCE(excluded.last_seen_utc_ms, last_seen_utc_ms),
                battery_pct = COALESCE(excluded.battery_pct, battery_pct)",
            params![s.id, s.name, s.firmware, s.last_seen_utc.map(|t| t.timestamp_millis()), s.battery_pct],
        )?;
        Ok(())
    }

    /// Forgets a paired sensor (its sessions stay); false if it was unknown.
    pub fn forget_sensor(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM sensors WHERE id = ?1", [id])? > 0)
    }

    /// Paired sensors, most recently seen first.
    pub fn sensors(&self) -> Result<Vec<SensorRecord>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, name, firmware, last_seen_utc_ms, battery_pct FROM sensors
             ORDER BY last_seen_utc_ms IS NULL, last_seen_utc_ms DESC, id",
        )?;
        let rows =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, Option<i64>>(3)?, r.get(4)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, firmware, seen, battery_pct) = row?;
            out.push(SensorRecord { id, name, firmware, last_seen_utc: seen.map(ms_to_utc).transpose()?, battery_pct });
        }
        Ok(out)
    }
}
