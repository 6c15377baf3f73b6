//! The user's plan (one row) and the paired sensors.

use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::sessions::ms_to_utc;
use super::{Store, StoreError};
use crate::core::plan::{DayBand, Plan, Preset, Sides};

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
        let Some((preset, sides, reps_per_session, hold_s, min, max, reminders)) = row else {
            return Ok(Plan::default());
        };
        Ok(Plan {
            preset: Preset::parse(&preset).ok_or_else(|| StoreError::Corrupt(format!("unknown preset {preset:?}")))?,
            sides: Sides::parse(&sides).ok_or_else(|| StoreError::Corrupt(format!("unknown sides {sides:?}")))?,
            reps_per_session,
            hold_s,
            sessions_per_day: DayBand { min, max },
            reminders: parse_reminders(&reminders)?,
        })
    }

    /// Replaces the plan after checking it against its preset.
    pub fn set_plan(&mut self, plan: &Plan) -> Result<(), StoreError> {
        plan.validate()?;
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
