//! iOS local notifications (compiled only for `target_os = "ios"`), to be
//! `UNUserNotificationCenter.current()`: `requestAuthorization` once, then
//! `add(UNNotificationRequest)` with a `UNCalendarNotificationTrigger` per
//! reminder time, so reminders reach a closed app. Not written yet: it
//! needs the Objective-C bindings (objc2-user-notifications), and iOS cannot
//! be built or type-checked on this Linux machine. Until then, sending
//! reports that the service is missing and the in-app reminders remain.

use futures::Stream;

use super::{Notification, NotifyError};

pub struct Notifier;

fn missing() -> NotifyError {
    NotifyError::Unavailable("iOS local notifications (UNUserNotificationCenter) are not in this build yet".into())
}

impl Notifier {
    pub async fn connect() -> Result<Self, NotifyError> {
        Err(missing())
    }

    pub async fn send(&self, _n: &Notification) -> Result<u32, NotifyError> {
        Err(missing())
    }

    pub async fn opened(&self) -> Result<impl Stream<Item = u32> + Unpin + use<>, NotifyError> {
        Ok(futures::stream::pending())
    }
}
