//! FHIR R4 export: a `collection` Bundle holding one Patient placeholder and,
//! per session, Observations for the repetitions done (with planned reps,
//! hold target and status as components), the range of motion (mean and
//! best dorsiflexion, plantarflexion and ROM), the holds, and pain before and
//! after (LOINC 72514-3). Every Observation names the foot in `bodySite`
//! (SNOMED CT left / right ankle region). Units are UCUM (`deg`, `s`, `{#}`).
//! The Patient's id is a random UUID made once per database (schema v3), so
//! bundles from two installs never merge into one person; Observation ids
//! are `urn:uuid:` values derived from it and the session, so they are
//! unique across installs and exporting twice gives the same Bundle.

use std::path::Path;

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::sessions::SessionRecord;
use super::{Store, StoreError};
use crate::core::plan::SessionStatus;
use crate::sensor::capture::Side;

const UCUM: &str = "http://unitsofmeasure.org";
const LOINC: &str = "http://loinc.org";
const SNOMED: &str = "http://snomed.info/sct";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// Local code system for what LOINC has no code for.
pub(super) const LOCAL_CODES: &str = "https://anklepump.app/fhir/CodeSystem/ankle-pump";

/// A UUID (RFC 9562 version 8, name-derived) for a stable `urn:uuid:` id.
fn uuid_for(name: &str) -> String {
    let fnv = |seed: u64| name.bytes().fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    let (hi, lo) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    let hi = (hi & !0xF000) | 0x8000; // version 8
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // RFC variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

fn date_time(t: DateTime<Utc>, offset_s: i32) -> String {
    let off = FixedOffset::east_opt(offset_s).unwrap_or_else(|| Utc.fix());
    t.with_timezone(&off).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn body_site(side: Side) -> Value {
    let (code, display) = match side {
        Side::Left => ("51636004", "Left ankle region structure"),
        Side::Right => ("6685009", "Right ankle region structure"),
    };
    json!({ "coding": [{ "system": SNOMED, "code": code, "display": display }], "text": format!("{} ankle", side.as_str()) })
}

fn local_code(code: &str, text: &str) -> Value {
    json!({ "coding": [{ "system": LOCAL_CODES, "code": code, "display": text }], "text": text })
}

fn quantity(value: f64, unit: &str, code: &str) -> Value {
    let value = (value * 1000.0).round() / 1000.0;
    json!({ "value": value, "unit": unit, "system": UCUM, "code": code })
}

fn deg(v: f64) -> Value {
    quantity(v, "degrees", "deg")
}

fn secs(v: f64) -> Value {
    quantity(v, "seconds", "s")
}

fn component(code: &str, text: &str, value: Value) -> Value {
    json!({ "code": local_code(code, text), "valueQuantity": value })
}

fn category(code: &str, display: &str) -> Value {
    json!([{ "coding": [{ "system": CATEGORY, "code": code, "display": display }] }])
}

struct Ctx<'a> {
    s: &'a SessionRecord,
    patient: &'a str,
}

impl Ctx<'_> {
    fn observation(&self, kind: &str, cat: (&str, &str), code: Value, effective: (&str, Value)) -> Value {
        let status = if self.s.status == SessionStatus::Open { "preliminary" } else { "final" };
        let mut obs = json!({
            "resourceType": "Observation",
            "status": status,
            "category": category(cat.0, cat.1),
            "code": code,
            "subject": { "reference": self.patient, "display": "AnklePump user" },
            "bodySite": body_site(self.s.side),
        });
        obs[effective.0] = effective.1;
        let url =
            format!("urn:uuid:{}", uuid_for(&format!("{}/{}/{}/{kind}", self.patient, self.s.id, self.s.start_utc)));
        json!({ "fullUrl": url, "resource": obs })
    }

    fn period(&self) -> (&'static str, Value) {
        let s = self.s;
        let mut p = json!({ "start": date_time(s.start_utc, s.start_offset_s) });
        if let Some(end) = s.end_utc {
            p["end"] = json!(date_time(end, s.end_offset_s.unwrap_or(s.start_offset_s)));
        }
        ("effectivePeriod", p)
    }

    fn entries(&self) -> Vec<Value> {
        let s = self.s;
        let mut out = Vec::new();
        let mut reps = self.observation(
            "reps",
            ("activity", "Activity"),
            local_code("ankle-pump-repetitions", "Ankle pump exercise: repetitions done"),
            self.period(),
        );
        let r = &mut reps["resource"];
        r["valueQuantity"] = quantity(f64::from(s.done_reps), "repetitions", "{#}");
        r["component"] = json!([
            component("planned-repetitions", "Repetitions planned", quantity(f64::from(s.planned_reps), "repetitions", "{#}")),
            component("hold-target", "Hold target", secs(s.hold_s)),
            { "code": local_code("session-status", "Session status"), "valueString": s.status.as_str() },
            { "code": local_code("preset", "Exercise preset"), "valueString": s.preset.as_str() },
        ]);
        if !s.notes.is_empty() {
            r["note"] = json!([{ "text": s.notes }]);
        }
        out.push(reps);
        if let Some(st) = s.stats {
            let mut rom = self.observation(
                "rom",
                ("exam", "Exam"),
                local_code("ankle-pump-rom", "Ankle range of motion during ankle pumps (mean per rep)"),
                self.period(),
            );
            rom["resource"]["valueQuantity"] = deg(st.mean_rom_deg);
            rom["resource"]["component"] = json!([
                component("rom-best", "Best range of motion", deg(st.best_rom_deg)),
                component("dorsiflexion-mean", "Dorsiflexion (mean per rep)", deg(st.mean_dorsi_deg)),
                component("dorsiflexion-best", "Dorsiflexion (best rep)", deg(st.best_dorsi_deg)),
                component("plantarflexion-mean", "Plantarflexion (mean per rep)", deg(st.mean_plantar_deg)),
                component("plantarflexion-best", "Plantarflexion (best rep)", deg(st.best_plantar_deg)),
            ]);
            out.push(rom);
            let mut holds = self.observation(
                "holds",
                ("activity", "Activity"),
                local_code("ankle-pump-holds", "Ankle pump holds (mean per rep)"),
                self.period(),
            );
            holds["resource"]["component"] = json!([
                component("hold-dorsiflexion", "Hold in dorsiflexion (mean)", secs(st.mean_hold_dorsi_s)),
                component("hold-plantarflexion", "Hold in plantarflexion (mean)", secs(st.mean_hold_plantar_s)),
            ]);
            out.push(holds);
        }
        let pains = [
            ("pain-before", s.pain_before, Some(s.start_utc), s.start_offset_s),
            ("pain-after", s.pain_after, s.end_utc, s.end_offset_s.unwrap_or(s.start_offset_s)),
        ];
        for (kind, pain, at, offset) in pains {
            let (Some(p), Some(at)) = (pain, at) else { continue };
            let when = if kind == "pain-before" { "before" } else { "after" };
            let code = json!({
                "coding": [{ "system": LOINC, "code": "72514-3",
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported" }],
                "text": format!("Pain {when} the ankle pump session (0–10)"),
            });
            let mut o =
                self.observation(kind, ("survey", "Survey"), code, ("effectiveDateTime", json!(date_time(at, offset))));
            o["resource"]["valueInteger"] = json!(p);
            out.push(o);
        }
        out
    }
}

/// The FHIR R4 Bundle (type `collection`) for these sessions of the
/// patient whose id is `patient_uuid`.
pub fn fhir_bundle(patient_uuid: &str, sessions: &[SessionRecord]) -> Value {
    let patient_url = format!("urn:uuid:{patient_uuid}");
    let mut entries = vec![json!({
        "fullUrl": patient_url,
        "resource": { "resourceType": "Patient", "active": true,
            "name": [{ "text": "AnklePump user" }] },
    })];
    for s in sessions {
        entries.extend(Ctx { s, patient: &patient_url }.entries());
    }
    json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}

impl Store {
    /// Writes every session as a FHIR R4 Bundle; returns the number of Observations.
    pub fn export_fhir(&self, file: &Path) -> Result<usize, StoreError> {
        let patient: String = self.conn.query_row("SELECT patient_uuid FROM install WHERE id = 1", [], |r| r.get(0))?;
        let bundle = fhir_bundle(&patient, &self.sessions(None)?);
        let n = bundle["entry"].as_array().map_or(0, |e| e.len().saturating_sub(1));
        let text = serde_json::to_string_pretty(&bundle).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::files::create_private_dir_all(dir)?;
        }
        super::files::write_private(file, text.as_bytes())?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed_and_stable() {
        let a = uuid_for("x");
        assert_eq!(a, uuid_for("x"));
        assert_ne!(a, uuid_for("y"));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('8'), "version 8: {a}");
        assert!(matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')), "RFC variant: {a}");
    }

    #[test]
    fn date_times_carry_the_local_offset() {
        let t = DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z").expect("t").with_timezone(&Utc);
        assert_eq!(date_time(t, 3600), "2026-03-29T01:30:00+01:00");
        assert_eq!(date_time(t, 0), "2026-03-29T00:30:00Z");
    }
}
