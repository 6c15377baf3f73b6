//! `anklepump remind`: runs in the foreground until stopped (Ctrl-C),
//! printing one line per reminder time (sent, or silent and why), and makes
//! the daily automatic backup. `--install` writes a systemd user unit and an
//! XDG autostart entry so reminders start again after a reboot. The hidden
//! `--now` starts a pretend clock at that instant (tests, demos).

use std::path::{Path, PathBuf};

use super::store::open;
use super::Fail;
use crate::runtime::reminders::daemon::{self, Clock};

pub(super) fn run(
    db: Option<&Path>,
    install: bool,
    now: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<(), Fail> {
    if install {
        return install_units(db);
    }
    (|| {
        let (store, _) = open(db)?;
        let db = store.path().to_owned();
        drop(store);
        let clock = now.as_ref().map_or(Clock::real(), Clock::starting_at);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        println!("reminding from {} (Ctrl-C stops)", db.display());
        let opts = daemon::Options { db, clock, open_app: true };
        rt.block_on(async {
            tokio::select! {
                r = daemon::run(opts, |line| {
                    println!("{line}");
                    use std::io::Write;
                    let _ = std::io::stdout().flush();
                }) => r.map_err(|e| Fail::new(e, 1)),
                _ = tokio::signal::ctrl_c() => Ok(()),
            }
        })
    })()
}

/// `$XDG_CONFIG_HOME`, else `~/.config`.
fn config_home() -> Result<PathBuf, Fail> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config"));
    xdg.or_else(home).ok_or_else(|| Fail::new("neither XDG_CONFIG_HOME nor HOME is set", 2))
}

fn quote(p: &Path) -> String {
    format!("\"{}\"", p.display().to_string().replace('\\', "\\\\").replace('"', "\\\""))
}

fn install_units(db: Option<&Path>) -> Result<(), Fail> {
    let exe = std::env::current_exe()?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let db_arg = match db {
        Some(d) => format!(" --db {}", quote(&d.canonicalize().unwrap_or(d.to_owned()))),
        None => String::new(),
    };
    let exec = format!("{}{db_arg} remind", quote(&exe));
    let config = config_home()?;
    let unit = config.join("systemd/user/anklepump-remind.service");
    let desktop = config.join("autostart/anklepump-remind.desktop");
    let unit_text = format!(
        "[Unit]\nDescription=AnklePump reminders\nPartOf=graphical-session.target\nAfter=graphical-session.target\n\n\
         [Service]\nExecStart={exec}\nRestart=on-failure\n\n[Install]\nWantedBy=graphical-session.target\n"
    );
    let desktop_text = format!(
        "[Desktop Entry]\nType=Application\nName=AnklePump reminders\nComment=Reminds you of your ankle pumps\n\
         Exec={exec}\nTerminal=false\nNoDisplay=true\nX-GNOME-Autostart-enabled=true\n"
    );
    for (path, text) in [(&unit, unit_text), (&desktop, desktop_text)] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Fail::new(format!("{}: {e}", dir.display()), 1))?;
        }
        std::fs::write(path, text).map_err(|e| Fail::new(format!("{}: {e}", path.display()), 1))?;
        println!("wrote {}", path.display());
    }
    println!("reminders start at your next login (both entries may start it; only one process reminds);");
    println!("to start them now with systemd:");
    println!("  systemctl --user daemon-reload && systemctl --user enable --now anklepump-remind.service");
    Ok(())
}
