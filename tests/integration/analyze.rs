//! `anklepump analyze` end to end: every published capture is analysed by
//! the binary, scored by `shared/tools/score.py`, and the targets
//! are enforced; plus the behaviour on files that are not captures.

use std::collections::HashMap;
use std::process::Command;

use crate::support::{anklepump, shared_dir, traces_dir};

fn parse_score(line: &str) -> HashMap<String, String> {
    line.split_whitespace().filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn num(m: &HashMap<String, String>, k: &str) -> f64 {
    m.get(k).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

#[test]
fn published_captures_meet_the_accuracy_targets() {
    let out_dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(traces_dir()).expect("shared/traces beside the repo") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("apcap") {
            continue;
        }
        let out = anklepump(&["analyze", path.to_str().unwrap(), "--json"]);
        assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        assert!(v["reps"].is_array());
        let name = path.file_stem().unwrap().to_str().unwrap();
        std::fs::write(out_dir.path().join(format!("{name}.json")), &out.stdout).unwrap();
        n += 1;
    }
    assert!(n >= 11, "expected the 11 published captures, found {n}");
    let score = Command::new("python3")
        .arg(shared_dir().join("tools/score.py"))
        .arg(traces_dir())
        .arg(out_dir.path())
        .output()
        .expect("python3 runs score.py");
    let text = String::from_utf8_lossy(&score.stdout);
    println!("{text}");
    let line = text.lines().rfind(|l| l.starts_with("SCORE")).expect("a SCORE line");
    let s = parse_score(line);
    let traces = num(&s, "traces");
    let frac = |k: &str| s.get(k).and_then(|v| v.split('/').next()?.parse::<f64>().ok()).unwrap_or(0.0);
    assert_eq!(frac("count_exact"), traces, "rep count exact on every capture: {line}");
    assert_eq!(frac("counters_exact"), traces, "samples/lost/malformed exact on every capture: {line}");
    assert!(num(&s, "rom_rmse") <= 1.0, "{line}");
    assert!(num(&s, "dorsi_rmse") <= 1.0, "{line}");
    assert!(num(&s, "plantar_rmse") <= 1.0, "{line}");
    assert!(num(&s, "hold_mae") <= 0.1, "{line}");
    assert!(num(&s, "delay_p95") <= 0.5, "{line}");
}

#[test]
fn a_file_that_is_not_a_capture_gets_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("notes.txt", "hello\nworld\n"),
        ("noconfig.apcap", "# apcap 1\n# device APS-0001\n10 00\n"),
        ("empty.apcap", ""),
    ];
    for (name, text) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let out = anklepump(&["analyze", p.to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
    }
    let out = anklepump(&["analyze", dir.path().join("missing.apcap").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.apcap"));
}

#[test]
fn malformed_lines_are_counted_not_fatal_and_the_summary_is_readable() {
    let p = traces_dir().join("p08_malformed_lines.apcap");
    let out = anklepump(&["analyze", p.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("malformed notifications 30"), "{text}");
    assert!(text.lines().next().unwrap().contains("26 reps"), "{text}");
}
