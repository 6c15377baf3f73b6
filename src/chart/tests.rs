//! The weekly chart shows the numbers a user reads off it.

use chrono::{DateTime, Utc};

use super::*;
use crate::core::plan::{self, parse_iso_week, Plan, Preset, RepStats, SessionFacts, SessionStatus, Sides};

fn session(t: &str, side: Side, done: u32, rom: f64) -> SessionFacts {
    let t = DateTime::parse_from_rfc3339(t).expect("time");
    SessionFacts {
        start_utc: t.with_timezone(&Utc),
        utc_offset_s: t.offset().local_minus_utc(),
        side,
        planned_reps: 20,
        done_reps: done,
        status: SessionStatus::Completed,
        stats: Some(RepStats { reps: done, mean_rom_deg: rom, ..RepStats::default() }),
    }
}

pub(crate) fn sample_report() -> WeekReport {
    let plan = Plan::from_preset(Preset::PostOp, Sides::Both);
    let mut s = Vec::new();
    for (day, n) in [(16, 3), (17, 4), (18, 2), (19, 5)] {
        for k in 0..n {
            let t = format!("2026-11-{day}T{:02}:00:00+00:00", 8 + 3 * k);
            s.push(session(&t, Side::Left, 20, 30.0 + f64::from(day - 16)));
            s.push(session(&t, Side::Right, 20, 18.0));
        }
    }
    s.push(session("2026-11-10T08:00:00+00:00", Side::Left, 20, 24.0));
    s.push(session("2026-11-18T20:00:00+00:00", Side::Left, 8, 20.0));
    let week = parse_iso_week("2026-W47").expect("week");
    let weeks = vec![parse_iso_week("2026-W46").expect("week"), week];
    let today = "2026-11-20".parse().expect("date");
    WeekReport {
        adherence: plan::week_adherence(&s, &plan, week, today),
        streak: plan::streak(&s, &plan, today),
        progress: plan::progress(&s, &weeks),
        plan,
    }
}

/// The text elements of an SVG, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
        .collect()
}

#[test]
fn the_svg_carries_title_days_counts_and_rom() {
    let report = sample_report();
    let svg = weekly_svg(&report).expect("svg");
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    assert!(svg.contains("Post-op 2026-W47, both feet"), "title with the week");
    assert!(svg.contains("adherence 75% (3 of 4 days)"), "plain adherence numbers");
    for label in ["Mon 16", "Tue 17", "Wed 18", "Thu 19", "Sun 22", "2026 W46", "2026 W47", "left foot", "right foot"] {
        assert!(svg.contains(label), "missing {label}");
    }
    let t = texts(&svg);
    let sun = t.iter().position(|x| x == "Sun 22").expect("day labels");
    assert_eq!(t[sun + 1..sun + 8], ["3", "4", "2 (+1 short)", "5", "0", "0", "0"], "counts on the bars: {t:?}");
    let points: Vec<String> = report
        .progress
        .iter()
        .flat_map(|p| p.weeks.iter().filter_map(|w| w.mean_rom_deg.map(|v| format!("{v:.0}°"))))
        .collect();
    assert_eq!(points.len(), 3, "left W46, W47 and right W47");
    let shown = t.iter().position(|x| x == "2026 W47").expect("week labels");
    assert_eq!(t[shown + 1..shown + 4], points[..], "ROM values at the points");
    assert!(svg.contains("plan 3–4, shaded"));
}

#[test]
fn an_empty_week_still_draws() {
    let plan = Plan::default();
    let week = parse_iso_week("2026-W47").expect("week");
    let r = WeekReport {
        adherence: plan::week_adherence(&[], &plan, week, "2026-11-20".parse().expect("date")),
        streak: Default::default(),
        progress: vec![],
        plan,
    };
    let svg = weekly_svg(&r).expect("svg");
    assert!(svg.contains("no sessions yet"));
    assert!(svg.contains("adherence 0% (0 of 4 days)"));
}

#[test]
fn the_png_is_a_decodable_image_with_ink_on_it() {
    let bytes = weekly_png(&sample_report()).expect("png");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!((info.width, info.height), SIZE);
    let pixels = &buf[..info.buffer_size()];
    let dark = pixels.chunks(3).filter(|p| p.iter().all(|c| *c < 80)).count();
    let green = pixels.chunks(3).filter(|p| p[1] > 100 && p[0] < 60 && p[2] < 90).count();
    assert!(dark > 2_000, "text and axes are drawn ({dark} dark pixels)");
    assert!(green > 10_000, "bars within the band are drawn ({green} green pixels)");
}

#[test]
#[ignore = "writes target/weekly-sample.svg and .png for a look"]
fn write_sample() {
    std::fs::write("target/weekly-sample.svg", weekly_svg(&sample_report()).expect("svg")).expect("write");
    std::fs::write("target/weekly-sample.png", weekly_png(&sample_report()).expect("png")).expect("write");
}

#[test]
fn drawn_for_a_phone_its_text_is_at_least_the_minimum_on_screen() {
    for width in [300, 326, 390, 700, 1100] {
        let svg = weekly_svg_for_width(&sample_report(), width).expect("svg");
        let sizes: Vec<f64> =
            svg.split("font-size=\"").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect();
        assert!(sizes.len() > 5, "text drawn at {width} px");
        let smallest = sizes.iter().copied().fold(f64::INFINITY, f64::min);
        // Drawn at the screen's width: a viewBox unit is a CSS px.
        assert!(smallest >= 12.0, "smallest text {smallest:.1} px at {width} px");
    }
}
