//! Notifications adapter: a reminder reaching the patient outside the app.
//! The only importer of zbus. On a desktop it talks to the freedesktop
//! Notifications service (`org.freedesktop.Notifications`) on the session
//! D-Bus (`dbus`); the phones' local notifications are behind `cfg`
//! (`android`, type-checked by `scripts/check-android.sh`; `ios`, which
//! cannot be checked here).

#[cfg(not(any(target_os = "android", target_os = "ios")))]
mod dbus;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub use dbus::Notifier;

#[cfg(target_os = "android")]
mod android;
#[cfg(target_os = "android")]
pub use android::Notifier;

#[cfg(target_os = "ios")]
mod ios;
#[cfg(target_os = "ios")]
pub use ios::Notifier;

use thiserror::Error;

/// The app's name as notifications show it.
pub const APP_NAME: &str = "AnklePump";
/// The action a click on the notification's body invokes: open the app.
pub const OPEN_ACTION: &str = "default";

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub summary: String,
    pub body: String,
}

impl Notification {
    /// A reminder with the day's count in its summary.
    pub fn reminder(summary: String) -> Self {
        Notification { summary, body: "A short set now keeps the blood moving. Open AnklePump to start.".into() }
    }

    /// What the Settings button sends.
    pub fn test() -> Self {
        Notification { summary: "AnklePump test notification".into(), body: "Reminders will look like this.".into() }
    }
}

/// The notification service failed or is missing.
#[derive(Debug, Error)]
pub enum NotifyError {
    #[error("no notification service: {0}")]
    Unavailable(String),
    #[error("the notification service refused: {0}")]
    Refused(String),
}

/// Sends one notification from a thread of its own (for callers that are
/// not async, or already inside another runtime); gives up after 5 s.
pub fn send_blocking(n: Notification) -> Result<u32, NotifyError> {
    let worker = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| NotifyError::Unavailable(e.to_string()))?;
        rt.block_on(async {
            let go = async { Notifier::connect().await?.send(&n).await };
            tokio::time::timeout(std::time::Duration::from_secs(5), go)
                .await
                .unwrap_or_else(|_| Err(NotifyError::Unavailable("no answer within 5 s".into())))
        })
    });
    worker.join().unwrap_or_else(|_| Err(NotifyError::Unavailable("the notification thread failed".into())))
}
