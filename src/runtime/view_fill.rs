//! Fills the screens read from the store and the plan: Settings, Today,
//! Progress (with the weekly chart the store task drew) and History.

use super::next_due::{next_due, next_reminder};
use super::records::StoreRead;
use super::view::{AppView, DayBar, NextDue, RomWeek, SettingsView};
use super::Now;
use crate::core::plan::Plan;
use crate::core::words::summary::Previous;

pub(super) fn settings(v: &mut SettingsView, plan: &Plan) {
    v.preset = plan.preset;
    v.band = (plan.sessions_per_day.min, plan.sessions_per_day.max);
    v.reps = plan.reps_per_session;
    v.hold_s = plan.hold_s.round().max(0.0) as u32;
    v.sides = plan.sides;
    v.reminders = !plan.reminders.is_empty();
    let info = plan.preset.info();
    v.reps_range = info.reps_range;
    v.hold_range = (info.hold_range_s.0.round() as u32, info.hold_range_s.1.round() as u32);
}

/// Today's side, the rest after a sharp-pain stop, and the last session on this foot.
fn patient(v: &mut AppView, plan: &Plan, today: chrono::NaiveDate) {
    use super::view::{EndReason, SessionStage};
    v.today.side = v.session.side.or(plan.sides.single()).or(Some(crate::sensor::capture::Side::Right));
    v.today.rest_today = v.history.sessions.iter().any(|s| s.date == today && s.end == EndReason::StoppedForPain);
    if v.today.rest_today {
        v.today.reminder = None;
        v.today.next_due = NextDue::Tomorrow;
    }
    // While it runs the current session is still open: the last one on this foot is the newest closed one
    // (its reps are read because `Runtime::refresh` asks for them, see `patient::previous_id`).
    if v.session.stage == SessionStage::Running {
        v.session.hold_s = plan.hold_s;
        v.session.previous = super::patient::previous(&v.history.sessions, v.session.side).and_then(|s| {
            (!s.reps.is_empty()).then(|| Previous {
                day: s.date.format("%a %-d %b").to_string(),
                mean_rom_deg: s.reps.iter().map(|r| r.rom_deg).sum::<f64>() / s.reps.len() as f64,
            })
        });
    }
}

pub(super) fn from_store(v: &mut AppView, read: StoreRead, plan: &Plan, now: Now, running: bool) {
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
    patient(v, plan, today);

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
    p.chart_svg = if p.chart_width > 0 {
        // Drawn for the screen's width (measured by Progress), so its text stays readable.
        crate::chart::weekly_svg_for_width(&report, p.chart_width).ok().or(read.chart_svg)
    } else {
        read.chart_svg
    };
}
