//! Component tests for the patient's presentation: the focus screen, the
//! foot's target, the end of a session, Today after sharp pain, the week
//! view and the Settings messages beside their controls.

use chrono::NaiveDate;

use crate::core::coach::{CoachView, Step};
use crate::core::reps::Rep;
use crate::core::words::summary::Previous;
use crate::runtime::view::*;
use crate::sensor::capture::Side;

use super::tests::render;

fn coach(step: Step, cue: &str, countdown: Option<u32>, done: u32, planned: u32) -> CoachView {
    CoachView {
        step,
        cue: cue.into(),
        countdown,
        reps_done: done,
        reps_planned: planned,
        feedback: None,
        live_feedback: None,
        breathe: false,
        note: None,
    }
}

fn running(step: Step, cue: &str) -> AppView {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.sensor.state = LinkState::Connected;
    v.session = SessionView {
        stage: SessionStage::Running,
        side: Some(Side::Left),
        coach: Some(coach(step, cue, Some(3), 7, 10)),
        angle_deg: 12.0,
        target_up_deg: 18.0,
        target_down_deg: 35.0,
        ..SessionView::default()
    };
    v
}

fn rep(rom: f64) -> Rep {
    Rep {
        start_s: 0.0,
        end_s: 8.0,
        peak_dorsi_deg: 20.0,
        peak_plantar_deg: rom - 20.0,
        rom_deg: rom,
        hold_dorsi_s: 3.0,
        hold_plantar_s: 3.0,
        detected_s: 8.1,
    }
}

/// The `rotate(…)` of the group with this class.
fn rotation_of(html: &str, class: &str) -> f64 {
    let at = html.find(&format!(r#"class="{class}""#)).unwrap_or_else(|| panic!("no {class} in {html}"));
    let rest = &html[at..];
    let r = &rest[rest.find("rotate(").expect("rotate") + 7..];
    r[..r.find(')').expect(")")].parse().expect("number")
}

#[test]
fn the_focus_screen_has_no_navigation_and_shows_foot_counter_cue_countdown_and_the_two_buttons() {
    let html = render(running(Step::HoldUp, "Hold it up"));
    assert!(!html.contains("<nav"), "no navigation while exercising: {html}");
    assert!(!html.contains("<header"), "no header while exercising");
    assert!(html.contains(r#"class="focus""#));
    assert!(html.contains("Left foot"), "the side is shown");
    assert!(html.contains("7 of 10"), "the rep counter");
    assert!(html.contains(r#"class="cue""#) && html.contains("Hold it up"));
    assert!(html.contains(r#"class="countdown""#) && html.contains(">3<"));
    assert!(html.contains(r#"role="meter""#), "the gauge");
    assert!(html.contains(r#"class="foot""#), "the foot");
    assert!(html.contains(">Stop<") && html.contains(">Sharp pain<"));
    assert!(!html.contains("Stop this session?"), "Stop asks only once pressed");
}

#[test]
fn the_foot_shows_the_next_movements_target_for_the_posture() {
    // After "Point your toes down" the ghost is toes down while the live foot is still up.
    let mut v = running(Step::PointDown, "Point your toes down");
    v.settings.posture = Posture::Lying;
    let html = render(v.clone());
    assert!(html.contains(r#"data-posture="lying""#));
    assert!(html.contains(r#"data-target-deg="-35""#), "{html}");
    let (ghost, live) = (rotation_of(&html, "ghost"), rotation_of(&html, "live"));
    assert!(ghost > live + 40.0, "the ghost is turned toes down of the live foot: {ghost} vs {live}");
    assert!(html.contains(r#"class="arrow""#), "an arrow leads to the target");
    // Lying: a neutral foot points at the ceiling (−90°); seated it points ahead (0°).
    assert!((live - (-90.0 - 12.0)).abs() < 0.01, "{live}");
    v.settings.posture = Posture::Seated;
    let html = render(v.clone());
    assert!(html.contains(r#"data-posture="seated""#));
    assert!((rotation_of(&html, "live") - -12.0).abs() < 0.01);
    // On target: no arrow.
    v.session.angle_deg = -34.0;
    assert!(!render(v).contains(r#"class="arrow""#));
    let up = render(running(Step::PullUp, "Pull your toes up"));
    assert!(up.contains(r#"data-target-deg="18""#));
}

#[test]
fn the_end_says_the_count_first_then_pain_with_words_then_the_summary_in_words() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.today.next_due = NextDue::At(chrono::NaiveTime::from_hms_opt(14, 30, 0).unwrap());
    v.session = SessionView {
        stage: SessionStage::AskPain,
        side: Some(Side::Left),
        coach: Some(coach(Step::Done, "All done — well done!", None, 10, 10)),
        reps: (0..10).map(|i| rep(55.0 + f64::from(i))).collect(),
        hold_s: 3.0,
        previous: Some(Previous { day: "Sat 21 Nov".into(), mean_rom_deg: 56.0 }),
        ..SessionView::default()
    };
    let html = render(v.clone());
    let headline = html.find("10 of 10 — well done").expect("headline");
    let pain = html.find("How much pain did you feel?").expect("pain question");
    assert!(headline < pain, "the count comes before anything else");
    for w in ["no pain", "moderate", "worst pain"] {
        assert!(html.contains(&format!(r#"class="pain-word">{w}<"#)), "pain word {w}: {html}");
    }
    assert!(html.contains("You did 10 reps."));
    assert!(html.contains("Average range 60°, best 64°."), "{html}");
    assert!(html.contains("You kept 20 of 20 holds for 3 s."));
    assert!(html.contains("Average range 60°, 4° more than last time on your left foot (Sat 21 Nov)."));
    assert!(html.contains("Next session: at 14:30."));
    v.session.stage = SessionStage::Summary;
    v.session.pain = Some(2);
    let html = render(v);
    assert!(html.contains("Pain: 2 of 10 — mild."));
    assert!(html.find("10 of 10 — well done") < html.find("Summary"));
}

#[test]
fn today_after_a_sharp_pain_stop_says_rest_with_red_flags_and_no_start() {
    let mut v = AppView {
        today: TodayView {
            done: 1,
            band: (3, 4),
            next_due: NextDue::Tomorrow,
            rest_today: true,
            ..TodayView::default()
        },
        ..AppView::default()
    };
    let html = render(v.clone());
    assert!(html.contains("Rest today"));
    assert!(html.contains("contact your care team"));
    assert!(html.contains("calf") && html.contains("Sudden breathlessness or chest pain"));
    assert!(!html.contains("Start a session"), "no nudge to exercise");
    assert!(html.contains("Next session: tomorrow"), "the next session is tomorrow");
    v.today.rest_today = false;
    v.today.side = Some(Side::Left);
    let html = render(v);
    assert!(html.contains("Start a session · Left foot"), "the side on the Start button");
    assert!(html.contains("<strong>Left foot</strong>") && html.contains(">change<"));
    assert!(html.contains("1 of 3 — 2 to go"));
}

#[test]
fn the_week_encourages_in_words() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let mut v = AppView { screen: Screen::Progress, ..AppView::default() };
    v.progress.band = (3, 4);
    v.progress.streak_days = 1;
    v.progress.days = (0..7)
        .map(|i| {
            let date = today + chrono::Duration::days(i - 2);
            DayBar { date, done: u32::from(date == today), is_today: date == today }
        })
        .collect();
    let week = |w: &str, rom: f64| RomWeek {
        week: w.into(),
        side: Side::Left,
        dorsi_deg: 20.0,
        plantar_deg: rom - 20.0,
        rom_deg: rom,
    };
    v.progress.rom = vec![week("2026-W47", 55.0), week("2026-W48", 59.0), week("2026-W49", 62.0)];
    let html = render(v);
    assert!(html.contains("1 of 3 — 2 to go"), "{html}");
    assert!(html.contains(r#"class="goal-bar""#));
    assert!(html.contains("Day 1 of your streak — well done!"));
    assert!(html.contains("Left foot this week: 62°, 3° more than last week"));
    for name in ["<td>This week</td>", "<td>Last week</td>", "<td>16–22 Nov</td>"] {
        assert!(html.contains(name), "missing {name}");
    }
    assert!(!html.contains("2026-W4"), "weeks are named in words");
}

#[test]
fn settings_messages_sit_beside_their_control_and_steppers_stop_at_limits() {
    let mut v = AppView { screen: Screen::Settings, ..AppView::default() };
    v.settings.reps = 10;
    v.settings.reps_range = (10, 60);
    v.settings.hold_s = 5;
    v.settings.hold_range = (3, 5);
    v.settings.message = Some("Saved 2 sessions and 20 reps to /tmp/x.".into());
    v.settings.message_at = Some(SettingsField::Export);
    let html = render(v);
    let fewer = html.find(r#"aria-label="Fewer: Reps per session""#).expect("fewer");
    let tag = &html[html[..fewer].rfind("<button").expect("button")..fewer + 120];
    assert!(tag.contains("disabled"), "fewer reps is disabled at 10: {tag}");
    assert!(html.contains("Fewest allowed: 10 reps (this plan"), "{html}");
    assert!(html.contains("Most allowed: 5 s holds (this plan"));
    let export = html.find("Export for your clinician").expect("export");
    let msg = html.find("Saved 2 sessions").expect("message");
    assert!(msg > export, "the export's message is in the export's box, not at the top");
    assert!(html.contains(">Download CSV<") && html.contains(">Download FHIR<"));
    assert!(html.contains("10–30 slow reps; holds 3–5 s, up to 10 s after surgery"));
    assert!(html.contains("Speak the cues") && html.contains("Volume"));
}
