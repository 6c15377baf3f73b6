//! CSV export (`sessions.csv`, `reps.csv`, RFC 4180 with a header row) and
//! the parser that reads it back. Files are written through `files`
//! (private, whole or not at all). A text cell that a spreadsheet would run
//! as a formula (first character `=`, `+`, `-`, `@`, TAB or CR) gets a
//! leading `'`, as OWASP recommends; the parser takes it off again, and
//! numbers are written as numbers.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};

use super::sessions::SessionRecord;
use super::{SessionId, Store, StoreError};
use crate::core::plan::{local_date, Preset, SessionStatus};
use crate::core::reps::Rep;
use crate::sensor::capture::Side;

pub(super) const SESSIONS_HEADER: &str = "id,start_utc,start_offset_s,end_utc,end_offset_s,local_date,side,preset,\
planned_reps,done_reps,hold_s,status,pain_before,pain_after,notes,capture_file,sensor_id";
pub(super) const REPS_HEADER: &str = "session_id,rep_index,start_s,end_s,peak_dorsi_deg,peak_plantar_deg,rom_deg,\
hold_dorsi_s,hold_plantar_s,detected_s";

/// A row of `reps.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRep {
    pub session_id: SessionId,
    pub index: u32,
    pub rep: Rep,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub files: Vec<PathBuf>,
    pub sessions: usize,
    pub reps: usize,
}

/// Would a spreadsheet read this text cell as a formula? (A cell already
/// guarded by `'` counts, so that guarding is undone exactly.)
fn formula_like(s: &str) -> bool {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => formula_like(&s[1..]),
        _ => false,
    }
}

/// The parsed text of a guarded cell.
fn unguard(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest.to_string(),
        _ => s.to_string(),
    }
}

fn field(s: &str) -> String {
    let s = if formula_like(s) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// `sessions.csv` text.
pub(super) fn sessions_csv(sessions: &[SessionRecord]) -> String {
    let mut out = format!("{SESSIONS_HEADER}\n");
    for s in sessions {
        let cols = [
            s.id.to_string(),
            time(s.start_utc),
            s.start_offset_s.to_string(),
            opt(s.end_utc.map(time)),
            opt(s.end_offset_s),
            s.local_date.to_string(),
            s.side.as_str().into(),
            s.preset.as_str().into(),
            s.planned_reps.to_string(),
            s.done_reps.to_string(),
            s.hold_s.to_string(),
            s.status.as_str().into(),
            opt(s.pain_before),
            opt(s.pain_after),
            field(&s.notes),
            field(s.capture_file.as_deref().unwrap_or("")),
            field(s.sensor_id.as_deref().unwrap_or("")),
        ];
        out.push_str(&cols.join(","));
        out.push('\n');
    }
    out
}

/// `reps.csv` text.
pub(super) fn reps_csv(reps: &[CsvRep]) -> String {
    let mut out = format!("{REPS_HEADER}\n");
    for c in reps {
        let r = &c.rep;
        let nums = [r.start_s, r.end_s, r.peak_dorsi_deg, r.peak_plantar_deg, r.rom_deg];
        let rest = [r.hold_dorsi_s, r.hold_plantar_s, r.detected_s];
        let cols: Vec<String> = nums.iter().chain(rest.iter()).map(|x| x.to_string()).collect();
        out.push_str(&format!("{},{},{}\n", c.session_id, c.index, cols.join(",")));
    }
    out
}

/// Splits RFC 4180 text into records of fields.
fn records(text: &str) -> Result<Vec<Vec<String>>, StoreError> {
    let (mut rows, mut row, mut cur) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cur)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cur));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cur.push(c),
        }
    }
    if quoted {
        return Err(StoreError::Invalid("CSV ends inside a quoted field".into()));
    }
    if !cur.is_empty() || !row.is_empty() {
        row.push(cur);
        rows.push(row);
    }
    Ok(rows)
}

fn body(text: &str, header: &str) -> Result<Vec<Vec<String>>, StoreError> {
    let mut rows = records(text)?.into_iter();
    let width = header.split(',').count();
    match rows.next() {
        Some(h) if h.join(",") == header => {}
        _ => return Err(StoreError::Invalid(format!("CSV header is not `{header}`"))),
    }
    let rows: Vec<Vec<String>> = rows.collect();
    match rows.iter().position(|r| r.len() != width) {
        Some(i) => Err(StoreError::Invalid(format!("CSV row {} has {} fields, not {width}", i + 2, rows[i].len()))),
        None => Ok(rows),
    }
}

fn num<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| StoreError::Invalid(format!("CSV {what} {s:?} is not a number")))
}

fn opt_num<T: std::str::FromStr>(s: &str, what: &str) -> Result<Option<T>, StoreError> {
    if s.is_empty() {
        Ok(None)
    } else {
        num(s, what).map(Some)
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Invalid(format!("CSV time {s:?} is not RFC 3339")))
}

fn none_if_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Reads `sessions.csv` back (rep statistics are not in it: `stats` is None).
pub fn parse_sessions_csv(text: &str) -> Result<Vec<SessionRecord>, StoreError> {
    let bad = |what: &str, v: &str| StoreError::Invalid(format!("CSV {what} {v:?} is not known"));
    body(text, SESSIONS_HEADER)?
        .into_iter()
        .map(|c| {
            let start_utc = parse_time(&c[1])?;
            let start_offset_s = num(&c[2], "start_offset_s")?;
            Ok(SessionRecord {
                id: SessionId(num(&c[0], "id")?),
                start_utc,
                start_offset_s,
                end_utc: if c[3].is_empty() { None } else { Some(parse_time(&c[3])?) },
                end_offset_s: opt_num(&c[4], "end_offset_s")?,
                local_date: local_date(start_utc, start_offset_s),
                side: Side::parse(&c[6]).ok_or_else(|| bad("side", &c[6]))?,
                preset: Preset::parse(&c[7]).ok_or_else(|| bad("preset", &c[7]))?,
                planned_reps: num(&c[8], "planned_reps")?,
                done_reps: num(&c[9], "done_reps")?,
                hold_s: num(&c[10], "hold_s")?,
                status: SessionStatus::parse(&c[11]).ok_or_else(|| bad("status", &c[11]))?,
                pain_before: opt_num(&c[12], "pain_before")?,
                pain_after: opt_num(&c[13], "pain_after")?,
                notes: unguard(&c[14]),
                capture_file: none_if_empty(&unguard(&c[15])),
                sensor_id: none_if_empty(&unguard(&c[16])),
                stats: None,
            })
        })
        .collect()
}

/// Reads `reps.csv` back.
pub fn parse_reps_csv(text: &str) -> Result<Vec<CsvRep>, StoreError> {
    body(text, REPS_HEADER)?
        .into_iter()
        .map(|c| {
            let f = |i: usize| num::<f64>(&c[i], "rep value");
            Ok(CsvRep {
                session_id: SessionId(num(&c[0], "session_id")?),
                index: num(&c[1], "rep_index")?,
                rep: Rep {
                    start_s: f(2)?,
                    end_s: f(3)?,
                    peak_dorsi_deg: f(4)?,
                    peak_plantar_deg: f(5)?,
                    rom_deg: f(6)?,
                    hold_dorsi_s: f(7)?,
                    hold_plantar_s: f(8)?,
                    detected_s: f(9)?,
                },
            })
        })
        .collect()
}

impl Store {
    /// Every rep with its session id and index, in order.
    pub(super) fn all_reps(&self) -> Result<Vec<CsvRep>, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT session_id, idx, start_s, end_s, peak_dorsi_deg, peak_plantar_deg, rom_deg, hold_dorsi_s,
                hold_plantar_s, detected_s FROM reps ORDER BY session_id, idx",
        )?;
        let rows = st.query_map([], |r| {
            Ok(CsvRep {
                session_id: SessionId(r.get(0)?),
                index: r.get(1)?,
                rep: Rep {
                    start_s: r.get(2)?,
                    end_s: r.get(3)?,
                    peak_dorsi_deg: r.get(4)?,
                    peak_plantar_deg: r.get(5)?,
                    rom_deg: r.get(6)?,
                    hold_dorsi_s: r.get(7)?,
                    hold_plantar_s: r.get(8)?,
                    detected_s: r.get(9)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes `DIR/sessions.csv` and `DIR/reps.csv` (creating DIR) from one snapshot.
    pub fn export_csv(&self, dir: &Path) -> Result<ExportSummary, StoreError> {
        super::files::create_private_dir_all(dir)?;
        let tx = self.conn.unchecked_transaction()?;
        let sessions = self.sessions(None)?;
        let reps = self.all_reps()?;
        tx.finish()?;
        let files = vec![dir.join("sessions.csv"), dir.join("reps.csv")];
        for f in &files {
            super::files::check_target(f)?;
        }
        super::files::write_private(&files[0], sessions_csv(&sessions).as_bytes())?;
        super::files::write_private(&files[1], reps_csv(&reps).as_bytes())?;
        Ok(ExportSummary { files, sessions: sessions.len(), reps: reps.len() })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn record(notes: String, ms: i64, offset: i32, hold_s: f64, pain: Option<u8>) -> SessionRecord {
        let start_utc = Utc.timestamp_millis_opt(ms).single().expect("time");
        SessionRecord {
            id: SessionId(ms % 1000 + 1),
            start_utc,
            start_offset_s: offset,
            end_utc: Some(start_utc + chrono::Duration::milliseconds(301_250)),
            end_offset_s: Some(offset),
            local_date: local_date(start_utc, offset),
            side: Side::Right,
            preset: Preset::PostOp,
            planned_reps: 20,
            done_reps: 17,
            hold_s,
            status: SessionStatus::StoppedForPain,
            pain_before: pain,
            pain_after: None,
            notes,
            capture_file: Some("a, \"b\".apcap".into()),
            sensor_id: None,
            stats: None,
        }
    }

    proptest! {
        #[test]
        fn any_session_row_reads_back_the_same(
            notes in "\\PC*|[,\"\r\n a-z]*|['=+@\t\r-][=+@\t\r' a-z0-9-]*",
            ms in 0i64..4_000_000_000_000,
            offset in -43_200i32..=50_400,
            hold_s in 0.0f64..10.0,
            pain in proptest::option::of(0u8..=10),
        ) {
            let rows = vec![record(notes, ms, offset, hold_s, pain)];
            prop_assert_eq!(parse_sessions_csv(&sessions_csv(&rows)).expect("parse"), rows);
        }

        #[test]
        fn any_rep_reads_back_bit_for_bit(v in proptest::array::uniform8(-1e9f64..1e9)) {
            let rep = Rep {
                start_s: v[0], end_s: v[1], peak_dorsi_deg: v[2], peak_plantar_deg: v[3],
                rom_deg: v[4], hold_dorsi_s: v[5], hold_plantar_s: v[6], detected_s: v[7],
            };
            let rows = vec![CsvRep { session_id: SessionId(3), index: 1, rep }];
            prop_assert_eq!(parse_reps_csv(&reps_csv(&rows)).expect("parse"), rows);
        }
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_stay_numbers() {
        for (text, cell) in [
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
        ] {
            assert_eq!(field(text), cell);
            assert_eq!(unguard(&records(cell).expect("csv")[0][0]), text);
        }
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("'=x"), "''=x", "an already quoted formula stays a round trip");
        assert_eq!(field("it's fine"), "it's fine");
        let rows = vec![CsvRep {
            session_id: SessionId(1),
            index: 1,
            rep: Rep {
                start_s: -1.5,
                end_s: 2.0,
                peak_dorsi_deg: 10.0,
                peak_plantar_deg: -22.25,
                rom_deg: 32.25,
                hold_dorsi_s: 0.0,
                hold_plantar_s: 0.0,
                detected_s: 2.5,
            },
        }];
        let text = reps_csv(&rows);
        assert!(text.contains(",-22.25,") && !text.contains('\''), "numbers are written bare: {text}");
    }

    #[test]
    fn quoted_fields_survive_the_parser() {
        let rows = records("a,b\n\"x, \"\"y\"\"\nz\",2\n").expect("csv");
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x, \"y\"\nz", "2"]]);
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert!(records("\"open").is_err());
    }

    #[test]
    fn wrong_header_or_width_is_refused() {
        assert!(parse_reps_csv("x,y\n1,2\n").is_err());
        assert!(parse_reps_csv(&format!("{REPS_HEADER}\n1,2,3\n")).is_err());
        assert!(parse_reps_csv(&format!("{REPS_HEADER}\n1,1,a,0,0,0,0,0,0,0\n")).is_err());
    }
}
