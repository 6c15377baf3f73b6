//! Store benchmarks: the weekly progress query with a year of post-op use
//! stored (4 sessions a day × 365, 20 reps each; target < 10 ms), and
//! importing a ~5-minute capture (analysis + one transaction; target
//! < 100 ms). Run: `cargo bench --bench store`.
//!
//! Measured 2026-11-21 on the shared 2-core build machine (optimised build,
//! `CARGO_PROFILE_DEV_OPT_LEVEL=2 cargo bench --profile dev --bench store`):
//! weekly report 4.2 ms; import of p07 (251 s capture) 8.9 ms, of p04
//! (273 s) 8.0 ms.

use std::hint::black_box;
use std::io::BufReader;

use anklepump::core::analysis::analyze;
use anklepump::core::plan::{parse_iso_week, Plan, Preset, SessionStatus, Sides};
use anklepump::core::reps::Rep;
use anklepump::sensor::capture::Side;
use anklepump::store::{EndSession, NewSession, Store};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{criterion_group, criterion_main, Criterion};

#[allow(dead_code)]
#[path = "../tests/integration/support.rs"]
mod support;

const CAPTURES: [&str; 2] = ["p07_two_sets_rest.apcap", "p04_postop_slow_holds.apcap"];

fn rep(i: u32, day: i64) -> Rep {
    let f = f64::from(i);
    let gain = day as f64 * 0.05;
    Rep {
        start_s: 3.0 + 12.0 * f,
        end_s: 13.0 + 12.0 * f,
        peak_dorsi_deg: 8.0 + gain + f * 0.1,
        peak_plantar_deg: 15.0 + gain,
        rom_deg: 23.0 + 2.0 * gain + f * 0.1,
        hold_dorsi_s: 5.0,
        hold_plantar_s: 4.5,
        detected_s: 13.2 + 12.0 * f,
    }
}

/// A year of post-op use ending on 2026-11-22: 4 sessions a day, 20 reps each.
fn year_of_post_op(store: &mut Store) -> usize {
    let plan = Plan::from_preset(Preset::PostOp, Sides::Left);
    store.set_plan(&plan).expect("plan");
    let first = NaiveDate::from_ymd_opt(2025, 11, 23).expect("date");
    let mut n = 0;
    for day in 0..365 {
        let date = first + Duration::days(day);
        for hour in [8, 12, 16, 20] {
            let start: DateTime<Utc> = date.and_hms_opt(hour, 0, 0).expect("time").and_utc();
            let new = NewSession {
                start_utc: start,
                utc_offset_s: 0,
                side: Side::Left,
                preset: Preset::PostOp,
                planned_reps: 20,
                hold_s: 5.0,
                pain_before: Some(3),
                capture_file: None,
                sensor_id: None,
            };
            let reps: Vec<Rep> = (0..20).map(|i| rep(i, day)).collect();
            let end = EndSession {
                end_utc: start + Duration::minutes(5),
                utc_offset_s: 0,
                status: SessionStatus::Completed,
                pain_after: Some(2),
                notes: String::new(),
            };
            store.import_session(&new, &reps, &end).expect("import");
            n += 1;
        }
    }
    n
}

fn weekly_query(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("year.sqlite3")).expect("open");
    let n = year_of_post_op(&mut store);
    assert_eq!(n, 1460);
    let week = parse_iso_week("2026-W47").expect("week");
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let r = store.week_report(week, today, 8).expect("report");
    assert_eq!(r.adherence.days[0].done, 4);
    c.bench_function("week_report: a year of post-op use (1460 sessions, 29200 reps), 8-week trend", |b| {
        b.iter(|| black_box(store.week_report(black_box(week), today, 8).expect("report")))
    });
}

fn import_capture(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("import.sqlite3")).expect("open");
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    for name in CAPTURES {
        let text = std::fs::read(support::trace(name)).expect("capture");
        group.bench_function(format!("analyze + store {name}"), |b| {
            b.iter(|| {
                let res = analyze(BufReader::new(&text[..]), false).expect("analyze");
                let start = Utc::now();
                let new = NewSession {
                    start_utc: start,
                    utc_offset_s: 0,
                    side: Side::Left,
                    preset: Preset::PostOp,
                    planned_reps: 20,
                    hold_s: 5.0,
                    pain_before: None,
                    capture_file: Some(name.into()),
                    sensor_id: None,
                };
                let end = EndSession {
                    end_utc: start,
                    utc_offset_s: 0,
                    status: SessionStatus::Stopped,
                    pain_after: None,
                    notes: String::new(),
                };
                black_box(store.import_session(&new, &res.analysis.reps, &end).expect("import"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, weekly_query, import_capture);
criterion_main!(benches);
