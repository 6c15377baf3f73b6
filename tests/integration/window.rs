//! `anklepump` with no subcommand opens the desktop window by starting
//! `anklepump-desktop` beside it, with the same arguments; the headless
//! commands never load the window's WebKitGTK/GTK libraries.

use std::path::Path;
use std::process::Command;

/// A copy of `anklepump` (a hard link) in a fresh directory, with `sibling` as its neighbour.
fn lone_anklepump(sibling: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let exe = dir.path().join("anklepump");
    std::fs::hard_link(env!("CARGO_BIN_EXE_anklepump"), &exe).unwrap();
    if let Some(script) = sibling {
        let app = dir.path().join("anklepump-desktop");
        std::fs::write(&app, script).unwrap();
        let mut p = std::fs::metadata(&app).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o755);
        std::fs::set_permissions(&app, p).unwrap();
    }
    (dir, exe)
}

#[test]
fn no_subcommand_starts_the_desktop_app_beside_it_with_the_same_arguments() {
    let (_dir, exe) = lone_anklepump(Some("#!/bin/sh\necho \"window: $*\"\nexit 3\n"));
    let out = Command::new(&exe).args(["--db", "/tmp/x.sqlite3"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "window: --db /tmp/x.sqlite3\n");
    assert_eq!(out.status.code(), Some(3), "its exit status is the app's");
}

#[test]
fn without_the_desktop_app_it_says_what_to_do_in_one_line() {
    let (_dir, exe) = lone_anklepump(None);
    let out = Command::new(&exe).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("anklepump-desktop") && err.contains("anklepump serve"), "{err}");
}

#[test]
fn the_headless_commands_do_not_load_the_window_libraries() {
    let out = Command::new("readelf")
        .args(["-d", env!("CARGO_BIN_EXE_anklepump")])
        .output()
        .expect("readelf (apt binutils, which cargo's linker needs anyway) runs");
    assert!(out.status.success(), "readelf failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(NEEDED)"), "a dynamic section was read");
    for lib in ["webkit2gtk", "gtk-3", "javascriptcore"] {
        assert!(!text.contains(lib), "anklepump needs {lib}:\n{text}");
    }
    assert!(Path::new(env!("CARGO_BIN_EXE_anklepump-desktop")).exists(), "the window's binary is built beside it");
}
