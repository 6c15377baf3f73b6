//! Adherence per local calendar day across DST changes and a move between
//! time zones, with real zone rules (chrono-tz) deciding each session's
//! offset, stored and read back through the store.

use anklepump::core::plan::{self, BandStatus, Plan, Preset, SessionStatus, Sides};
use anklepump::sensor::capture::Side;
use anklepump::store::{EndSession, NewSession, Store};
use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::{America::New_York, Europe::London, Tz};

fn at(zone: Tz, local: &str) -> (chrono::DateTime<Utc>, i32) {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("local time");
    let t = zone.from_local_datetime(&naive).earliest().expect("exists in the zone");
    (t.with_timezone(&Utc), chrono::Offset::fix(t.offset()).local_minus_utc())
}

fn store_sessions(store: &mut Store, sessions: &[(Tz, &str)]) {
    for (zone, local) in sessions {
        let (start_utc, utc_offset_s) = at(*zone, local);
        let new = NewSession {
            start_utc,
            utc_offset_s,
            side: Side::Left,
            preset: Preset::General,
            planned_reps: 0,
            hold_s: 3.0,
            pain_before: None,
            capture_file: None,
            sensor_id: None,
        };
        let end = EndSession {
            end_utc: start_utc + chrono::Duration::minutes(5),
            utc_offset_s,
            status: SessionStatus::Completed,
            pain_after: None,
            notes: String::new(),
        };
        let reps: Vec<_> = (0..20).map(crate::support::rep).collect();
        let new = NewSession { planned_reps: 20, ..new };
        store.import_session(&new, &reps, &end).expect("import");
    }
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn days(store: &Store, first: &str, last: &str) -> Vec<(NaiveDate, u32, BandStatus)> {
    let plan = Plan::from_preset(Preset::General, Sides::Left);
    let facts: Vec<_> =
        store.sessions_on_dates(date(first), date(last)).expect("query").iter().map(|s| s.facts()).collect();
    let mut d = date(first);
    let mut out = Vec::new();
    while d <= date(last) {
        let a = plan::day_adherence(&facts, &plan, d);
        out.push((d, a.done, a.status));
        d = d.succ_opt().expect("next day");
    }
    out
}

#[test]
fn sessions_at_half_past_midnight_count_on_their_own_day_across_dst() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("h.sqlite3")).expect("open");
    // Spring forward 2026-03-29 01:00 GMT → 02:00 BST; fall back 2026-10-25 02:00 BST → 01:00 GMT.
    store_sessions(
        &mut store,
        &[
            (London, "2026-03-28 23:30"),
            (London, "2026-03-29 00:30"),
            (London, "2026-03-30 00:30"),
            (London, "2026-10-24 23:30"),
            (London, "2026-10-25 00:30"),
            (London, "2026-10-25 01:30"),
            (London, "2026-10-26 00:30"),
        ],
    );
    let spring = days(&store, "2026-03-28", "2026-03-30");
    assert_eq!(spring.iter().map(|d| d.1).collect::<Vec<_>>(), vec![1, 1, 1], "{spring:?}");
    let autumn = days(&store, "2026-10-24", "2026-10-26");
    assert_eq!(autumn.iter().map(|d| d.1).collect::<Vec<_>>(), vec![1, 2, 1], "{autumn:?}");
    assert_eq!(autumn[1].2, BandStatus::Within);
    // In UTC the 00:30 BST session on 10-25 is still 10-24: the stored offset keeps it on the 25th.
    let s = store.sessions_on_dates(date("2026-10-25"), date("2026-10-25")).expect("query");
    assert_eq!(s[0].start_utc.date_naive(), date("2026-10-24"));
    assert_eq!(s[0].local_date, date("2026-10-25"));
}

#[test]
fn a_flight_from_new_york_to_london_keeps_each_session_on_its_local_day() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("h.sqlite3")).expect("open");
    store_sessions(
        &mut store,
        &[
            (New_York, "2026-11-18 09:00"),
            (New_York, "2026-11-19 23:30"), // 04:30 UTC on the 20th
            (London, "2026-11-20 18:00"),   // after landing
            (London, "2026-11-21 00:15"),
        ],
    );
    let d = days(&store, "2026-11-18", "2026-11-21");
    assert_eq!(d.iter().map(|x| x.1).collect::<Vec<_>>(), vec![1, 1, 1, 1], "{d:?}");
    assert!(d.iter().all(|x| x.2 == BandStatus::Within));
    let plan = Plan::from_preset(Preset::General, Sides::Left);
    store.set_plan(&plan).expect("plan");
    let week = plan::parse_iso_week("2026-W47").expect("week");
    let report = store.week_report(week, date("2026-11-22"), 4).expect("report");
    let done: Vec<u32> = report.adherence.days.iter().map(|d| d.done).collect();
    assert_eq!(done, vec![0, 0, 1, 1, 1, 1, 0]);
    assert_eq!(report.streak.current, 4, "the 22nd is today and not done yet: the run of 18th–21st is still alive");
}
