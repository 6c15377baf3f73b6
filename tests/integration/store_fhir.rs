//! The FHIR export checked against the R4 rules that can be checked
//! structurally: Bundle type and entries, unique `urn:uuid:` fullUrls,
//! Observation required elements and value sets, dateTime format, UCUM
//! quantities, components, subject references and SNOMED body sites.

use std::collections::HashSet;

use chrono::DateTime;
use serde_json::Value;

use crate::support::{anklepump_db as anklepump, trace};

const BUNDLE_TYPES: [&str; 9] = [
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
];
const OBS_STATUS: [&str; 8] =
    ["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"];
const UCUM_CODES: [&str; 4] = ["deg", "s", "{#}", "/min"];
const VALUE_KEYS: [&str; 11] = [
    "valueQuantity",
    "valueCodeableConcept",
    "valueString",
    "valueBoolean",
    "valueInteger",
    "valueRange",
    "valueRatio",
    "valueSampledData",
    "valueTime",
    "valueDateTime",
    "valuePeriod",
];

fn is_uuid_urn(s: &str) -> bool {
    let Some(u) = s.strip_prefix("urn:uuid:") else { return false };
    let parts: Vec<&str> = u.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && u.chars().all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// FHIR R4 `dateTime` with a time: seconds and a zone are required.
fn is_fhir_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() >= 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    let zone = s.ends_with('Z') || (s.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':');
    shape && zone && DateTime::parse_from_rfc3339(s).is_ok()
}

fn values(v: &Value) -> Vec<&str> {
    VALUE_KEYS.iter().copied().filter(|k| v.get(*k).is_some()).collect()
}

fn check_codeable(c: &Value, what: &str) {
    let codings = c["coding"].as_array();
    assert!(codings.is_some_and(|x| !x.is_empty()) || c["text"].is_string(), "{what}: coding or text");
    for coding in codings.into_iter().flatten() {
        let system = coding["system"].as_str().unwrap_or_default();
        assert!(system.starts_with("http://") || system.starts_with("https://"), "{what}: system is a URI");
        assert!(coding["code"].as_str().is_some_and(|c| !c.is_empty() && c.trim() == c), "{what}: code");
    }
}

fn check_quantity(q: &Value, what: &str) {
    assert!(q["value"].is_number(), "{what}: value is a number");
    assert_eq!(q["system"], "http://unitsofmeasure.org", "{what}: UCUM");
    let code = q["code"].as_str().unwrap_or_default();
    assert!(UCUM_CODES.contains(&code), "{what}: UCUM code {code}");
}

fn check_value(v: &Value, what: &str) {
    let vs = values(v);
    assert!(vs.len() <= 1, "{what}: one value[x], got {vs:?}");
    if let Some(q) = v.get("valueQuantity") {
        check_quantity(q, what);
    }
    if let Some(i) = v.get("valueInteger") {
        assert!(i.is_i64(), "{what}: valueInteger");
    }
}

fn check_observation(o: &Value, patients: &HashSet<&str>) {
    let status = o["status"].as_str().unwrap_or_default();
    assert!(OBS_STATUS.contains(&status), "status {status}");
    check_codeable(&o["code"], "code");
    for c in o["category"].as_array().expect("category") {
        check_codeable(c, "category");
        assert_eq!(c["coding"][0]["system"], "http://terminology.hl7.org/CodeSystem/observation-category");
    }
    let subject = o["subject"]["reference"].as_str().unwrap_or_default();
    assert!(patients.contains(subject), "subject {subject} resolves to a Patient in the Bundle");
    let effective: Vec<&String> =
        o.as_object().expect("object").keys().filter(|k| k.starts_with("effective")).collect();
    assert_eq!(effective.len(), 1, "one effective[x]");
    if let Some(t) = o["effectiveDateTime"].as_str() {
        assert!(is_fhir_date_time(t), "dateTime {t}");
    }
    if let Some(p) = o.get("effectivePeriod") {
        let start = p["start"].as_str().expect("period start");
        assert!(is_fhir_date_time(start), "{start}");
        if let Some(end) = p["end"].as_str() {
            assert!(is_fhir_date_time(end), "{end}");
            let (s, e) =
                (DateTime::parse_from_rfc3339(start).expect("s"), DateTime::parse_from_rfc3339(end).expect("e"));
            assert!(s <= e, "per-1: start ≤ end");
        }
    }
    check_value(o, "observation");
    assert!(o.get("dataAbsentReason").is_none() || values(o).is_empty(), "obs-6");
    for c in o["component"].as_array().into_iter().flatten() {
        check_codeable(&c["code"], "component code");
        assert_ne!(c["code"], o["code"], "obs-7");
        assert_eq!(values(c).len(), 1, "component value");
        check_value(c, "component");
    }
    let site = &o["bodySite"]["coding"][0];
    assert_eq!(site["system"], "http://snomed.info/sct");
    assert!(["51636004", "6685009"].contains(&site["code"].as_str().unwrap_or_default()), "left/right ankle");
}

#[test]
fn the_fhir_export_follows_the_r4_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    for (name, side, at, pain) in [
        ("p01_lying_clean.apcap", "left", "2026-11-16T08:15:00+01:00", "--stopped-for-pain"),
        ("p07_two_sets_rest.apcap", "right", "2026-11-16T18:40:00-05:00", "--notes=ok"),
    ] {
        let p = trace(name);
        let args = [
            "import",
            p.to_str().expect("path"),
            "--side",
            side,
            "--at",
            at,
            "--pain-before",
            "3",
            "--pain-after",
            "5",
            pain,
        ];
        assert!(anklepump(&db, &args).status.success());
    }
    let file = dir.path().join("out/bundle.json");
    let out = anklepump(&db, &["export", "--fhir", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("JSON");

    assert_eq!(b["resourceType"], "Bundle");
    assert!(BUNDLE_TYPES.contains(&b["type"].as_str().unwrap_or_default()));
    let entries = b["entry"].as_array().expect("entries");
    let urls: Vec<&str> = entries.iter().map(|e| e["fullUrl"].as_str().expect("fullUrl")).collect();
    assert!(urls.iter().all(|u| is_uuid_urn(u)), "fullUrls are urn:uuid: {urls:?}");
    assert_eq!(urls.iter().collect::<HashSet<_>>().len(), urls.len(), "bdl-7: unique fullUrls");
    assert!(entries.iter().all(|e| e.get("request").is_none() && e.get("response").is_none()), "collection entries");
    let patients: HashSet<&str> = entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Patient")
        .map(|e| e["fullUrl"].as_str().expect("url"))
        .collect();
    assert_eq!(patients.len(), 1);
    let obs: Vec<&Value> =
        entries.iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == "Observation").collect();
    assert_eq!(obs.len() + 1, entries.len(), "only Patient and Observations");
    for o in &obs {
        check_observation(o, &patients);
    }

    // What the clinician reads: reps, ROM, holds, pain, per side.
    let reps: Vec<&&Value> =
        obs.iter().filter(|o| o["code"]["coding"][0]["code"] == "ankle-pump-repetitions").collect();
    assert_eq!(reps.len(), 2);
    assert_eq!(reps[0]["valueQuantity"]["code"], "{#}");
    assert_eq!(reps[0]["bodySite"]["coding"][0]["code"], "51636004", "left ankle");
    assert_eq!(reps[1]["bodySite"]["coding"][0]["code"], "6685009", "right ankle");
    assert!(reps[0]["component"].as_array().expect("c").iter().any(|c| c["valueString"] == "stopped_for_pain"));
    assert!(reps[1]["effectivePeriod"]["start"].as_str().expect("start").ends_with("-05:00"), "local offset kept");
    assert_eq!(obs.iter().filter(|o| o["code"]["coding"][0]["code"] == "ankle-pump-rom").count(), 2);
    assert_eq!(obs.iter().filter(|o| o["code"]["coding"][0]["code"] == "ankle-pump-holds").count(), 2);
    let pain: Vec<i64> = obs
        .iter()
        .filter(|o| {
            o["code"]["coding"][0]["system"] == "http://loinc.org" && o["code"]["coding"][0]["code"] == "72514-3"
        })
        .filter_map(|o| o["valueInteger"].as_i64())
        .collect();
    assert_eq!(pain, vec![3, 5, 3, 5]);
}

#[test]
fn date_time_checker_rejects_what_r4_rejects() {
    assert!(is_fhir_date_time("2026-11-16T08:15:00+01:00"));
    assert!(is_fhir_date_time("2026-11-16T08:15:00Z"));
    assert!(!is_fhir_date_time("2026-11-16 08:15:00+01:00"));
    assert!(!is_fhir_date_time("2026-11-16T08:15:00"));
    assert!(!is_uuid_urn("urn:uuid:not-a-uuid"));
}
