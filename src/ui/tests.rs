//! Component tests: screens rendered to HTML with dioxus-ssr from fixed
//! views, checking the labels, texts and numbers a user would see.

use chrono::NaiveDate;
use dioxus::prelude::*;

use super::Shell;
use crate::core::coach::{CoachView, Feedback, Step};
use crate::core::plan::Sides;
use crate::core::reps::Rep;
use crate::runtime::view::*;
use crate::sensor::capture::Side;

#[component]
fn Wrap(view: AppView) -> Element {
    rsx! { Shell { view, send: move |_| {} } }
}

/// The whole app shell for `view`, as HTML (shared with `tests_patient`).
pub(super) fn render(view: AppView) -> String {
    let mut dom = VirtualDom::new_with_props(Wrap, WrapProps { view });
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

fn rep(rom: f64) -> Rep {
    Rep {
        start_s: 3.0,
        end_s: 10.0,
        peak_dorsi_deg: 18.0,
        peak_plantar_deg: rom - 18.0,
        rom_deg: rom,
        hold_dorsi_s: 2.5,
        hold_plantar_s: 2.2,
        detected_s: 10.2,
    }
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

fn record() -> SessionRecord {
    SessionRecord {
        id: 7,
        date: date(),
        time: chrono::NaiveTime::from_hms_opt(9, 15, 0).unwrap(),
        side: Side::Left,
        planned: 3,
        done: 3,
        reps: vec![rep(60.0), rep(55.5), rep(62.0)],
        pain: Some(2),
        end: EndReason::Completed,
    }
}

#[test]
fn today_shows_sessions_against_target_next_due_and_sensor_battery() {
    let v = AppView {
        today: TodayView {
            done: 2,
            band: (3, 4),
            next_due: NextDue::At(chrono::NaiveTime::from_hms_opt(14, 30, 0).unwrap()),
            ..TodayView::default()
        },
        sensor: SensorView {
            name: Some("APS-1 7F".into()),
            demo: false,
            state: LinkState::Connected,
            battery_pct: Some(81),
        },
        ..AppView::default()
    };
    let html = render(v);
    assert!(html.contains("2 of 3 — 1 to go"), "{html}");
    assert!(html.contains("Your plan: 3–4 sessions a day."));
    assert!(html.contains("Next session: at 14:30"));
    assert!(html.contains("Battery: 81%"));
    assert!(html.contains("Start a session"));
    assert!(html.contains(r#"aria-current="page""#), "the current screen is marked for screen readers");
}

#[test]
fn pair_offers_the_demo_sensor_with_labelled_identify_and_connect() {
    let mut v = AppView { screen: Screen::Pair, ..AppView::default() };
    v.pair.devices = vec![DeviceRow {
        id: "demo".into(),
        name: "Demo sensor (no hardware)".into(),
        rssi_dbm: None,
        battery_pct: None,
        demo: true,
    }];
    let html = render(v);
    assert!(html.contains("Demo sensor (no hardware)"));
    assert!(html.contains(r#"aria-label="Identify Demo sensor (no hardware)""#));
    assert!(html.contains(r#"aria-label="Connect to Demo sensor (no hardware)""#));
    assert!(!html.contains("Forget this sensor"), "nothing to forget before pairing");
}

#[test]
fn running_session_shows_cue_countdown_counter_feedback_breathe_and_stop() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.sensor.state = LinkState::Connected;
    v.session = SessionView {
        stage: SessionStage::Running,
        side: Some(Side::Right),
        coach: Some(CoachView {
            step: Step::HoldUp,
            cue: "Hold it up".into(),
            countdown: Some(2),
            reps_done: 4,
            reps_planned: 10,
            feedback: Some(Feedback::FurtherUp),
            live_feedback: None,
            breathe: true,
            note: None,
        }),
        angle_deg: 17.4,
        target_up_deg: 18.0,
        target_down_deg: 40.0,
        ..SessionView::default()
    };
    let html = render(v);
    for want in
        ["4 of 10", "Hold it up", ">2<", "Pull up a little further.", "Breathe normally.", ">Stop<", "Sharp pain"]
    {
        assert!(html.contains(want), "missing {want:?} in {html}");
    }
    assert!(html.contains("Ankle: 17.4° up"));
    assert!(html.contains(r#"role="meter""#) && html.contains(r#"aria-valuenow="17""#));
    assert!(!html.contains("Reconnecting"));
}

#[test]
fn moving_too_fast_shows_the_live_slower_in_place_of_the_last_reps_feedback() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.sensor.state = LinkState::Connected;
    v.session.stage = SessionStage::Running;
    v.session.coach = Some(CoachView {
        step: Step::PointDown,
        cue: "Point your toes down".into(),
        countdown: None,
        reps_done: 2,
        reps_planned: 10,
        feedback: Some(Feedback::Good),
        live_feedback: Some(Feedback::Slower),
        breathe: false,
        note: None,
    });
    let html = render(v);
    assert!(html.contains("Slower — move smoothly."), "{html}");
    assert!(!html.contains("Good rep."), "one feedback line at a time");
}

#[test]
fn a_lost_link_shows_reconnecting_during_a_session() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.sensor.state = LinkState::Reconnecting;
    v.session.stage = SessionStage::Running;
    assert!(render(v).contains("Reconnecting… the session resumes when the sensor is back."));
}

#[test]
fn the_end_asks_for_pain_0_to_10_and_lists_the_reps() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.session =
        SessionView { stage: SessionStage::AskPain, reps: vec![rep(60.0), rep(50.0)], ..SessionView::default() };
    let html = render(v);
    assert!(html.contains("How much pain did you feel?"));
    assert!(html.contains(r#"<span class="sr-only">Pain </span><span class="n">0</span>"#), "{html}");
    assert!(html.contains(
        r#"<span class="n">10</span><span class="sr-only"> of 10, </span><span class="pain-word">worst pain</span>"#
    ));
    assert!(html.contains("Average range 55.0°"), "{html}");
    assert!(html.contains("<td>60.0</td>") && html.contains("<td>50.0</td>"));
}

#[test]
fn sharp_pain_shows_stop_advice_and_the_red_flags() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.session.stage = SessionStage::PainStop;
    let html = render(v);
    assert!(html.contains("Stop the exercise now"));
    for flag in ["calf", "Sudden breathlessness", "chest pain"] {
        assert!(html.contains(flag), "missing red flag {flag}");
    }
}

#[test]
fn progress_has_a_text_alternative_per_chart_and_opens_a_day() {
    let mut v = AppView { screen: Screen::Progress, ..AppView::default() };
    v.progress = ProgressView {
        days: (0..7)
            .map(|i| DayBar {
                date: date() + chrono::Duration::days(i - 5),
                done: u32::from(i == 5) * 2,
                is_today: i == 5,
            })
            .collect(),
        band: (1, 2),
        streak_days: 3,
        rom: vec![RomWeek {
            week: "2026-W47".into(),
            side: Side::Left,
            dorsi_deg: 18.0,
            plantar_deg: 41.0,
            rom_deg: 59.0,
        }],
        open_day: Some(date()),
        ..ProgressView::default()
    };
    v.history.sessions = vec![record()];
    let html = render(v);
    assert!(html.contains(
        "Sessions done per day this week: Mon 0, Tue 0, Wed 0, Thu 0, Fri 0, Sat 2, Sun 0. Target 1–2 a day."
    ));
    assert!(html.contains("3 days in a row on target — keep it up!"));
    assert!(html.contains("<td>This week</td>") && html.contains("59.0°"));
    assert!(html.contains("09:15 · left foot · 3 of 3 reps · pain 2"), "the open day lists its session");
}

#[test]
fn history_lists_sessions_and_a_detail_has_a_bar_per_rep() {
    let mut v = AppView { screen: Screen::History, ..AppView::default() };
    v.history.sessions = vec![record()];
    let html = render(v.clone());
    assert!(html.contains("Sat 21 Nov 09:15 · left foot · 3 of 3 reps · pain 2"));
    v.history.open = Some(7);
    let html = render(v);
    assert!(html.contains("Session on Sat 21 Nov"));
    assert_eq!(html.matches(r#"class="rep-bar""#).count(), 3);
    assert!(html.contains("Range per rep: rep 1 60.0°, rep 2 55.5°, rep 3 62.0°."));
}

#[test]
fn settings_show_preset_reps_hold_side_and_reminders() {
    let mut v = AppView { screen: Screen::Settings, ..AppView::default() };
    v.settings = SettingsView {
        preset: PresetChoice::PostOp,
        band: (3, 4),
        reps: 12,
        hold_s: 5,
        sides: Sides::Left,
        reminders: false,
        reminders_detail: Default::default(),
        ..SettingsView::default()
    };
    let html = render(v);
    assert!(html.contains(r#"aria-pressed="true">After surgery (3–4 a day)"#), "{html}");
    assert!(html.contains(">12<") && html.contains(">5 s<"));
    assert!(html.contains(r#"aria-label="More: Reps per session""#));
    assert!(html.contains(r#"aria-pressed="true">Left"#));
    assert!(html.contains(r#"aria-pressed="false">Both feet"#));
    assert!(html.contains("Remind me in the app when a session is due"));
}

#[test]
fn settings_offer_exports_and_show_what_was_written() {
    let mut v = AppView { screen: Screen::Settings, ..AppView::default() };
    v.settings.message = Some("Saved 3 sessions and 30 reps to /tmp/x.".into());
    let html = render(v);
    assert!(html.contains(">Export CSV<") && html.contains(">Export FHIR<"));
    assert!(html.contains("Saved 3 sessions and 30 reps to /tmp/x."));
}

#[test]
fn progress_shows_the_drawn_chart_with_its_text_alternative() {
    let mut v = AppView { screen: Screen::Progress, ..AppView::default() };
    v.progress.chart_svg = Some("<svg><rect/></svg>".into());
    v.progress.chart_alt = "General 2026-W47: adherence 50%".into();
    let html = render(v);
    assert!(html.contains(r#"role="img""#) && html.contains(r#"aria-label="General 2026-W47: adherence 50%""#));
    assert!(html.contains("<svg><rect/></svg>"));
}

#[test]
fn a_both_feet_plan_says_so_before_the_session_and_a_one_foot_plan_does_not() {
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.settings.sides = Sides::Both;
    let html = render(v.clone());
    assert!(html.contains("Your plan is for both feet"), "{html}");
    assert!(html.contains("<strong>Right foot</strong>"), "the right foot is offered first");
    v.settings.sides = Sides::Left;
    let html = render(v);
    assert!(!html.contains("Your plan is for both feet"));
    assert!(html.contains("<strong>Left foot</strong>"));
}

#[test]
fn today_leads_back_to_a_running_session_instead_of_starting_another() {
    let mut v = AppView::default();
    v.today.in_progress = true;
    let html = render(v);
    assert!(html.contains("Session in progress — back to it"), "{html}");
    assert!(html.contains("Back to the session") && !html.contains("Start a session"), "{html}");
}

#[test]
fn history_lists_a_running_session_as_in_progress() {
    let mut v = AppView { screen: Screen::History, ..AppView::default() };
    v.history.sessions = vec![SessionRecord { end: EndReason::Open, done: 1, ..record() }];
    let html = render(v);
    assert!(html.contains("1 of 3 reps · in progress"), "{html}");
}

#[test]
fn walking_mid_session_shows_that_walking_is_not_counted_and_keeps_the_count() {
    use crate::core::coach::{Coach, CoachPlan};
    use crate::core::notpump::Reason;
    use crate::core::pipeline::Event;
    use crate::core::reps::LiveState;
    let mut coach = Coach::new(CoachPlan { reps: 10, hold_s: 2.0 });
    let live = LiveState { t_s: 40.0, ..LiveState::default() };
    coach.update(&[Event::Calibrated { t_s: 3.0 }, Event::Rep(rep(55.0))], &live);
    coach.update(&[Event::NotPumping { t_s: 41.0, reason: Reason::Walking }], &live);
    let mut v = AppView { screen: Screen::Session, ..AppView::default() };
    v.sensor.state = LinkState::Connected;
    v.session.stage = SessionStage::Running;
    v.session.coach = Some(coach.view());
    let html = render(v);
    assert!(html.contains("You seem to be walking — sit or lie down to continue; walking is not counted"), "{html}");
    assert!(html.contains(">1 of 10</p>"), "the reps before the walk are kept: {html}");
    assert!(!html.contains("Pull your toes up") && !html.contains("Breathe normally."), "the cues wait: {html}");
}
