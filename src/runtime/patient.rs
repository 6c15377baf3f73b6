//! The patient-facing extras of the runtime: the side a session is started
//! for, the posture, voice and sound settings, the chart's width on screen,
//! and exports handed to the browser as downloads (or the export folder
//! opened on the desktop).

use super::view::{Download, Posture, SettingsField};
use super::{Command, Now, Runtime};
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

impl Runtime {
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
            PatientCommand::SetChartWidth(w) => self.view.progress.chart_width = w.clamp(CHART_WIDTH.0, CHART_WIDTH.1),
            PatientCommand::Download { fhir } => {
                let res = self.downloads(fhir);
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
            PatientCommand::OpenExportFolder => {
                let res = match self.records.as_ref() {
                    None => Err("Sessions are not being saved, so there is no export folder.".to_string()),
                    Some(r) => r.export_csv().and_then(|_| open_folder(&r.export_dir())),
                };
                self.view.settings.message = Some(res.unwrap_or_else(|e| e));
            }
        }
    }

    /// Runs the export and reads back what it wrote, as files for the browser.
    fn downloads(&self, fhir: bool) -> Result<Vec<Download>, String> {
        let r = self.records.as_ref().ok_or("Sessions are not being saved, so there is nothing to export.")?;
        let files: &[(&str, &str)] = if fhir {
            r.export_fhir()?;
            &[("anklepump-fhir.json", "application/fhir+json")]
        } else {
            r.export_csv()?;
            &[("sessions.csv", "text/csv"), ("reps.csv", "text/csv")]
        };
        let dir = r.export_dir();
        files
            .iter()
            .map(|(name, mime)| {
                let path = dir.join(name);
                let content =
                    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Ok(Download { name: (*name).into(), mime: (*mime).into(), content })
            })
            .collect()
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
