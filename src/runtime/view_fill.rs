//! Fills the screens read from the store and the plan: Settings, Today,
//! Progress (with the weekly chart the store task drew) and History.

use super::next_due::{next_due, next_reminder};
use super::records::StoreRead;
use super::view::{AppView, DayBar, NextDue, PresetChoice, RomWeek, SettingsView};
use super::Now;
use crate::core::plan::{Plan, Preset};

pub fn settings(v: &mut SettingsView, plan: &Plan) {
    v.preset = match plan.preset {
        Preset::General => PresetChoice::General,
        Preset::PostOp => PresetChoice::PostOp,
        Preset::Custom => PresetChoice::Custom,
    };
    v.band = (plan.sessions_per_day.min, plan.sessions_per_day.max);
    v.reps = plan.reps_per_session;
    v.hold_s = plan.hold_s.round().max(0.0) as u32;
    v.sides = plan.sides;
    v.reminders = !plan.reminders.is_empty();
}

pub fn from_store(v: &mut AppView, read: StoreRead, plan: &Plan, now: Now, running: bool) {
    let today = now.local.date();
    let band = (plan.sessions_per_day.min, plan.sessions_per_day.max);
    match read.history {
        Ok(sessions) => v.history.sessions = sessions,
        Err(e) => v.history.message = Some(format!("The saved sessions cannot be read: {e}")),
    }
    let report = match read.week {
        Ok(r) => r,
        Err(e) => {
            v.history.message = Some(format!("The week cannot be read: {e}"));
            return;
        }
    };
    let done = report.adherence.days.iter().find(|d| d.date == today).map_or(0, |d| d.done);
    let due = if plan.reminders.is_empty() {
        next_due(now.local, done, band, read.last_today)
    } else {
        next_reminder(now.local, done, band, &plan.reminders)
    };
    let reminder =
        (v.settings.reminders && due == NextDue::Now && !running).then(|| "It is time for your ankle pumps.".into());
    v.today.done = done;
    v.today.in_progress = running;
    v.today.band = band;
    v.today.next_due = due;
    v.today.reminder = reminder;

    let p = &mut v.progress;
    p.band = band;
    p.days = report
        .adherence
        .days
        .iter()
        .map(|d| DayBar { date: d.date, done: d.done, is_today: d.date == today })
        .collect();
    p.streak_days = report.streak.current;
    p.rom = report
        .progress
        .iter()
        .flat_map(|sp| {
            sp.weeks.iter().filter_map(move |w| {
                Some(RomWeek {
                    week: w.week.clone(),
                    side: sp.side,
                    dorsi_deg: w.mean_dorsi_deg?,
                    plantar_deg: w.mean_plantar_deg?,
                    rom_deg: w.mean_rom_deg?,
                })
            })
        })
        .collect();
    p.chart_alt = crate::chart::title(&report);
    p.chart_svg = read.chart_svg;
}
