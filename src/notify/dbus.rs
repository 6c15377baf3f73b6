//! The freedesktop Notifications client on the session bus (zbus 5, tokio):
//! `Notify` with the app name, a summary, a body and a default action, and
//! the `ActionInvoked` signals that say the user clicked one.

use std::collections::HashMap;

use futures::{Stream, StreamExt};
use zbus::zvariant::Value;

use super::{Notification, NotifyError, APP_NAME, OPEN_ACTION};

#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications",
    gen_blocking = false
)]
trait Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;

    #[zbus(signal)]
    fn action_invoked(&self, id: u32, action_key: String) -> zbus::Result<()>;
}

fn unavailable(e: zbus::Error) -> NotifyError {
    NotifyError::Unavailable(e.to_string())
}

/// A connection to the session bus's notification service.
pub struct Notifier {
    proxy: NotificationsProxy<'static>,
}

impl Notifier {
    /// Connects to the session bus (`DBUS_SESSION_BUS_ADDRESS`); call inside a tokio runtime.
    pub async fn connect() -> Result<Self, NotifyError> {
        let conn = zbus::Connection::session().await.map_err(unavailable)?;
        let proxy = NotificationsProxy::new(&conn).await.map_err(unavailable)?;
        Ok(Notifier { proxy })
    }

    /// Shows `n` with a default action that opens the app; the notification's id.
    pub async fn send(&self, n: &Notification) -> Result<u32, NotifyError> {
        let hints = HashMap::from([("desktop-entry", Value::from("anklepump")), ("urgency", Value::from(1u8))]);
        let actions = [OPEN_ACTION, "Open AnklePump"];
        self.proxy.notify(APP_NAME, 0, "", &n.summary, &n.body, &actions, hints, -1).await.map_err(|e| match e {
            zbus::Error::MethodError(name, msg, _) => {
                NotifyError::Refused(format!("{name}{}", msg.map(|m| format!(": {m}")).unwrap_or_default()))
            }
            other => unavailable(other),
        })
    }

    /// The ids of notifications whose default action the user invoked.
    pub async fn opened(&self) -> Result<impl Stream<Item = u32> + Unpin + use<>, NotifyError> {
        let signals = self.proxy.receive_action_invoked().await.map_err(unavailable)?;
        Ok(signals
            .filter_map(|s| async move {
                let a = s.args().ok()?;
                (a.action_key == OPEN_ACTION).then_some(a.id)
            })
            .boxed())
    }
}
