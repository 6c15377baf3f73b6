//! The patient-facing extras of the runtime: the side a session is started
//! for, the posture, voice and sound settings, the chart's width on screen,
//! and exports handed to the browser as downloads (or the export folder
//! opened on the desktop).

use super::records::Records;
use super::store_io::StoreJob;
use super::view::{Download, Posture, SessionRecord, SettingsField};
use super::{Command, Now, Runtime};
use crate::core::plan::SessionStatus;
use crate::sensor::capture::Side;

/// The chart is drawn between these widths (CSS px).
const CHART_WIDTH: (u32, u32) = (280, 1200);

/// Commands of the patient's presentation.
#[derive(Debug, Clone, PartialEq)]
pub enum PatientCommand {
    /// Start a session for the foot the screen showed (the one recorded).
    StartFor(Side),
    SetPosture(Posture),
    SetVoice(bool),
    SetTones(bool),
    SetVolume(u8),
    /// The CSV or FHIR export, handed to the browser as files.
    Download {
        fhir: bool,
    },
    /// Opens the folder the exports are written to (desktop).
    OpenExportFolder,
    /// The chart's width on screen, CSS px.
    SetChartWidth(u32),
}

/// The Settings control a command's message belongs beside.
pub(super) fn settings_field(cmd: &Command) -> Option<SettingsField> {
    Some(match cmd {
        Command::SetPreset(_) => SettingsField::Plan,
        Command::SetReps(_) => SettingsField::Reps,
        Command::SetHold(_) => SettingsField::Hold,
        Command::SetSides(_) => SettingsField::Sides,
        Command::SetReminders(_) => SettingsField::Reminders,
        Command::ExportCsv
        | Command::ExportFhir
        | Command::Patient(PatientCommand::Download { .. } | PatientCommand::OpenExportFolder) => SettingsField::Export,
        _ => return None,
    })
}

/// The newest closed session with reps on `side` (the one the end of a session compares with).
pub(super) fn previous(sessions: &[SessionRecord], side: Option<Side>) -> Option<&SessionRecord> {
    sessions.iter().find(|s| Some(s.side) == side && s.done > 0 && s.end != SessionStatus::Open)
}

impl Runtime {
    /// The session whose reps the store should read for the comparison, while one runs.
    pub(super) fn previous_id(&self) -> Option<u64> {
        let v = &self.view;
        self.running.as_ref().and_then(|_| previous(&v.history.sessions, v.session.side)).map(|s| s.id)
    }

    pub(super) fn patient(&mut self, cmd: PatientCommand, now: Now) {
        let s = &mut self.view.settings;
        match cmd {
            PatientCommand::StartFor(side) => {
                self.view.session.side = Some(side);
                self.start_session(now);
            }
            PatientCommand::SetPosture(p) => s.posture = p,
            PatientCommand::SetVoice(on) => s.sound.voice = on,
            PatientCommand::SetTones(on) => s.sound.tones = on,
            PatientCommand::SetVolume(v) => s.sound.volume_pct = v.min(100),
            PatientCommand::SetChartWidth(w) => {
                let w = w.clamp(CHART_WIDTH.0, CHART_WIDTH.1);
                if self.view.progress.chart_width != w {
                    self.view.progress.chart_width = w;
                    // Redrawn for this width now, not at the next idle refresh.
                    self.refresh(now);
                }
            }
            PatientCommand::Download { fhir } => self.job(StoreJob::Download { fhir }, now),
            PatientCommand::OpenExportFolder => self.job(StoreJob::OpenExportFolder, now),
        }
    }

    /// The exported files arrived from the store task: hand them to the browser.
    pub(super) fn got_downloads(&mut self, res: Result<Vec<Download>, String>) {
        let s = &mut self.view.settings;
        match res {
            Ok(files) => {
                let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                s.message = Some(format!("Downloading {} — your browser saves it.", names.join(" and ")));
                s.downloads = files;
                s.download_seq += 1;
            }
            Err(e) => s.message = Some(e),
        }
    }
}

/// Runs the export and reads back what it wrote, as files for the browser (in the store task).
pub(super) fn downloads(r: &Records, fhir: bool) -> Result<Vec<Download>, String> {
    let files: &[(&str, &str)] = if fhir {
        r.export_fhir().map_err(|e| e.to_string())?;
        &[("anklepump-fhir.json", "application/fhir+json")]
    } else {
        r.export_csv().map_err(|e| e.to_string())?;
        &[("sessions.csv", "text/csv"), ("reps.csv", "text/csv")]
    };
    let dir = r.export_dir();
    files
        .iter()
        .map(|(name, mime)| {
            let path = dir.join(name);
            let content = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Download { name: (*name).into(), mime: (*mime).into(), content })
        })
        .collect()
}

/// Exports the CSV and opens the folder it went to (in the store task).
pub(super) fn open_export_folder(r: &Records) -> String {
    match r.export_csv() {
        Ok(_) => open_folder(&r.export_dir()).unwrap_or_else(|e| e),
        Err(e) => e.to_string(),
    }
}

/// Shows `dir` in the platform's file manager.
fn open_folder(dir: &std::path::Path) -> Result<String, String> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(dir)
        .spawn()
        .map(|_| format!("Saved, and opened the folder {}.", dir.display()))
        .map_err(|e| format!("Saved to {}, but the folder cannot be opened ({opener}: {e}).", dir.display()))
}
