//! Settings for reminders and backups: the reminder times (change, remove,
//! add), quiet hours, the hourly plan's waking day, a test notification,
//! and automatic backups (folder, how many to keep, the last one, back up
//! now, restore). Rendered inside the Settings screen.

use chrono::NaiveTime;
use dioxus::prelude::*;

use crate::core::plan::{QuietHours, WakingHours};
use crate::runtime::reminders::{ReminderCommand as R, ReminderView};
use crate::runtime::Command;

fn time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").or_else(|_| NaiveTime::parse_from_str(s.trim(), "%H:%M:%S")).ok()
}

/// Asks the browser (served app) for a notification too; the runtime sends the desktop one.
const BROWSER_TEST: &str = r#"
if ('Notification' in window) {
  const show = () => new Notification('AnklePump test notification', { body: 'Reminders will look like this.' });
  if (Notification.permission === 'granted') show();
  else if (Notification.permission !== 'denied') Notification.requestPermission().then((p) => { if (p === 'granted') show(); });
}
"#;

#[component]
pub fn ReminderSettings(view: ReminderView, send: EventHandler<Command>) -> Element {
    let mut new_time = use_signal(|| "12:00".to_string());
    let mut new_dir = use_signal(String::new);
    let mut restore_file = use_signal(String::new);
    let mut confirm = use_signal(|| None::<String>);
    let r = move |c: R| send.call(Command::Reminders(c));
    let quiet = view.quiet;
    let (quiet_from, quiet_to) = quiet
        .map_or_else(Default::default, |q| (q.start.format("%H:%M").to_string(), q.end.format("%H:%M").to_string()));
    let keep = view.backup_keep;
    let last = view.last_backup.clone().unwrap_or_else(|| "none yet".into());
    rsx! {
        if let Some(m) = view.message.clone() {
            p { class: "notice", role: "status", "{m}" }
        }
        fieldset {
            legend { "Reminder times" }
            if view.times.is_empty() {
                p { "No reminders." }
            }
            ul { class: "plain",
                for (t, hm) in view.times.iter().map(|t| (*t, t.format("%H:%M").to_string())) {
                    li { key: "{hm}", class: "row",
                        input {
                            r#type: "time",
                            aria_label: "Reminder at {hm}",
                            value: "{hm}",
                            onchange: move |e: FormEvent| if let Some(n) = time(&e.value()) { r(R::Change(t, n)) },
                        }
                        button {
                            aria_label: "Remove the {hm} reminder",
                            onclick: move |_| r(R::Remove(t)),
                            "Remove"
                        }
                    }
                }
            }
            div { class: "row",
                label { "New reminder "
                    input { r#type: "time", value: "{new_time}", oninput: move |e: FormEvent| new_time.set(e.value()) }
                }
                button { onclick: move |_| if let Some(t) = time(&new_time()) { r(R::Add(t)) }, "Add reminder" }
            }
            button { onclick: move |_| { let _ = document::eval(BROWSER_TEST); r(R::Test) }, "Send a test notification" }
        }
        fieldset {
            legend { "Quiet hours" }
            label { class: "check",
                input {
                    r#type: "checkbox",
                    checked: quiet.is_some(),
                    onchange: move |e: FormEvent| r(R::SetQuiet(e.checked().then(QuietHours::default))),
                }
                "No reminders during quiet hours"
            }
            if let Some(q) = quiet {
                div { class: "row",
                    label { "From "
                        input { r#type: "time", value: "{quiet_from}",
                            onchange: move |e: FormEvent| if let Some(s) = time(&e.value()) { r(R::SetQuiet(Some(QuietHours { start: s, ..q }))) } }
                    }
                    label { "to "
                        input { r#type: "time", value: "{quiet_to}",
                            onchange: move |e: FormEvent| if let Some(s) = time(&e.value()) { r(R::SetQuiet(Some(QuietHours { end: s, ..q }))) } }
                    }
                }
            }
        }
        if let Some(w) = view.waking {
            fieldset {
                legend { "Waking hours (a session every hour)" }
                div { class: "row",
                    button { aria_label: "Wake earlier", onclick: move |_| r(R::SetWaking(WakingHours { start_h: w.start_h.saturating_sub(1), ..w })), "−" }
                    output { aria_live: "polite", "{w.start_h:02}:00–{w.end_h:02}:00 ({w.hours()} hours)" }
                    button { aria_label: "Sleep later", onclick: move |_| r(R::SetWaking(WakingHours { end_h: (w.end_h + 1).min(24), ..w })), "+" }
                }
            }
        }
        fieldset {
            legend { "Backups" }
            p { "Automatic daily backups go to: "
                strong { if view.backup_dir.is_empty() { "no folder chosen" } else { "{view.backup_dir}" } }
            }
            div { class: "row",
                label { "Backup folder "
                    input { r#type: "text", value: "{new_dir}", placeholder: "{view.backup_dir}", oninput: move |e: FormEvent| new_dir.set(e.value()) }
                }
                button { onclick: move |_| r(R::SetBackupDir(new_dir())), "Use this folder" }
            }
            div { class: "stepper",
                button { aria_label: "Keep fewer backups", onclick: move |_| r(R::SetBackupKeep(keep.saturating_sub(1).max(1))), "−" }
                output { aria_live: "polite", "Keep the last {keep}" }
                button { aria_label: "Keep more backups", onclick: move |_| r(R::SetBackupKeep(keep + 1)), "+" }
            }
            p { "Last backup: {last}" }
            button { onclick: move |_| r(R::BackupNow), "Back up now" }
            if !view.backups.is_empty() {
                ul { class: "plain",
                    for b in view.backups.clone() {
                        li { key: "{b}", class: "row",
                            span { "{b}" }
                            button { onclick: { let b = b.clone(); move |_| confirm.set(Some(b.clone())) }, "Restore…" }
                        }
                    }
                }
            }
            div { class: "row",
                label { "Restore from a file "
                    input { r#type: "text", value: "{restore_file}", oninput: move |e: FormEvent| restore_file.set(e.value()) }
                }
                button { onclick: move |_| confirm.set(Some(restore_file())), "Restore…" }
            }
            if let Some(file) = confirm() {
                div { role: "alertdialog", aria_label: "Confirm restore", class: "notice",
                    p { "Replace the history with {file}? The current one is kept beside it." }
                    div { class: "row",
                        button { class: "danger", onclick: { let f = file.clone(); move |_| { r(R::Restore(f.clone())); confirm.set(None) } }, "Yes, restore" }
                        button { onclick: move |_| confirm.set(None), "Cancel" }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(view: ReminderView) -> String {
        #[component]
        fn Wrap(view: ReminderView) -> Element {
            rsx! { ReminderSettings { view, send: move |_| {} } }
        }
        let mut dom = VirtualDom::new_with_props(Wrap, WrapProps { view });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    #[test]
    fn settings_show_reminder_times_quiet_hours_and_backups() {
        let html = render(ReminderView {
            times: vec![hm(9, 0), hm(13, 0)],
            quiet: Some(QuietHours::default()),
            waking: Some(WakingHours::default()),
            backup_dir: "/home/p/Sync".into(),
            backup_keep: 7,
            last_backup: Some("2026-11-20 08:00".into()),
            backups: vec!["/home/p/Sync/anklepump-2026-11-20_080000.sqlite3".into()],
            message: None,
        });
        for text in [
            "aria-label=\"Reminder at 09:00\"",
            "aria-label=\"Remove the 13:00 reminder\"",
            "Add reminder",
            "Send a test notification",
            "value=\"22:00\"",
            "08:00–20:00 (12 hours)",
            "/home/p/Sync",
            "Keep the last 7",
            "Last backup: 2026-11-20 08:00",
            "anklepump-2026-11-20_080000.sqlite3",
        ] {
            assert!(html.contains(text), "{text} missing in {html}");
        }
        let none = render(ReminderView::default());
        assert!(none.contains("No reminders.") && none.contains("Last backup: none yet"));
        assert!(!none.contains("Waking hours"), "only the hourly plan shows its waking day");
    }
}
