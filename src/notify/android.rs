//! Android local notifications (compiled only for `target_os = "android"`;
//! type-checked by `scripts/check-android.sh`, never run on a device): a
//! "Reminders" notification channel and `NotificationManager.notify`, with
//! the app's launch intent as the tap action. Needs the POST_NOTIFICATIONS
//! permission (platforms/android/AndroidManifest.xml; asked at run time on
//! Android 13+). Reminders while the app is closed would need AlarmManager
//! and a Java BroadcastReceiver in the APK, which this build does not have.

use futures::Stream;
use jni::objects::{JObject, JValue};
use jni::{jni_sig, jni_str, Env, JavaVM};

use super::{Notification, NotifyError};

const CHANNEL: &str = "reminders";
/// NotificationManager.IMPORTANCE_DEFAULT
const IMPORTANCE_DEFAULT: i32 = 3;
/// PendingIntent.FLAG_IMMUTABLE
const FLAG_IMMUTABLE: i32 = 0x0400_0000;

fn jni_err(e: jni::errors::Error) -> NotifyError {
    NotifyError::Refused(format!("JNI: {e}"))
}

/// The Android notification service, reached through the Activity.
pub struct Notifier {
    vm: JavaVM,
    activity: jni::sys::jobject,
}

// SAFETY: the JavaVM may be used from any thread, and the Activity pointer is the
// runtime's global reference, valid for the life of the process.
unsafe impl Send for Notifier {}

impl Notifier {
    pub async fn connect() -> Result<Self, NotifyError> {
        let ctx = std::panic::catch_unwind(ndk_context::android_context)
            .map_err(|_| NotifyError::Unavailable("no Android context registered (ndk_context)".into()))?;
        if ctx.vm().is_null() || ctx.context().is_null() {
            return Err(NotifyError::Unavailable("the Android context holds a null JavaVM or Activity".into()));
        }
        // SAFETY: a non-null JavaVM pointer registered by the runtime, valid for the process.
        let vm = unsafe { JavaVM::from_raw(ctx.vm().cast()) };
        Ok(Notifier { vm, activity: ctx.context().cast() })
    }

    pub async fn send(&self, n: &Notification) -> Result<u32, NotifyError> {
        let activity = self.activity;
        self.vm.attach_current_thread(|env| post(env, activity, n)).map_err(jni_err)
    }

    /// Taps open the app through its launch intent; there is nothing to listen for.
    pub async fn opened(&self) -> Result<impl Stream<Item = u32> + Unpin + use<>, NotifyError> {
        Ok(futures::stream::pending())
    }
}

fn post(env: &mut Env, activity: jni::sys::jobject, n: &Notification) -> jni::errors::Result<u32> {
    // SAFETY: the runtime's global reference to the Activity; a JObject never deletes what it wraps.
    let ctx = unsafe { JObject::from_raw(env, activity) };
    let service = env.new_string("notification")?;
    let manager = env
        .call_method(
            &ctx,
            jni_str!("getSystemService"),
            jni_sig!("(Ljava/lang/String;)Ljava/lang/Object;"),
            &[JValue::Object(&service)],
        )?
        .l()?;
    let id = env.new_string(CHANNEL)?;
    let name = env.new_string("Reminders")?;
    let channel = env.new_object(
        jni_str!("android/app/NotificationChannel"),
        jni_sig!("(Ljava/lang/String;Ljava/lang/CharSequence;I)V"),
        &[JValue::Object(&id), JValue::Object(&name), JValue::Int(IMPORTANCE_DEFAULT)],
    )?;
    env.call_method(
        &manager,
        jni_str!("createNotificationChannel"),
        jni_sig!("(Landroid/app/NotificationChannel;)V"),
        &[JValue::Object(&channel)],
    )?;
    // Tapping opens the app: its launch intent.
    let pm = env
        .call_method(&ctx, jni_str!("getPackageManager"), jni_sig!("()Landroid/content/pm/PackageManager;"), &[])?
        .l()?;
    let pkg = env.call_method(&ctx, jni_str!("getPackageName"), jni_sig!("()Ljava/lang/String;"), &[])?.l()?;
    let launch = env
        .call_method(
            &pm,
            jni_str!("getLaunchIntentForPackage"),
            jni_sig!("(Ljava/lang/String;)Landroid/content/Intent;"),
            &[JValue::Object(&pkg)],
        )?
        .l()?;
    let tap = env
        .call_static_method(
            jni_str!("android/app/PendingIntent"),
            jni_str!("getActivity"),
            jni_sig!("(Landroid/content/Context;ILandroid/content/Intent;I)Landroid/app/PendingIntent;"),
            &[JValue::Object(&ctx), JValue::Int(0), JValue::Object(&launch), JValue::Int(FLAG_IMMUTABLE)],
        )?
        .l()?;
    let info = env
        .call_method(&ctx, jni_str!("getApplicationInfo"), jni_sig!("()Landroid/content/pm/ApplicationInfo;"), &[])?
        .l()?;
    let icon = env.get_field(&info, jni_str!("icon"), jni_sig!("I"))?.i()?;
    let builder = env.new_object(
        jni_str!("android/app/Notification$Builder"),
        jni_sig!("(Landroid/content/Context;Ljava/lang/String;)V"),
        &[JValue::Object(&ctx), JValue::Object(&id)],
    )?;
    let title = env.new_string(&n.summary)?;
    let text = env.new_string(&n.body)?;
    env.call_method(
        &builder,
        jni_str!("setSmallIcon"),
        jni_sig!("(I)Landroid/app/Notification$Builder;"),
        &[JValue::Int(icon)],
    )?;
    env.call_method(
        &builder,
        jni_str!("setContentTitle"),
        jni_sig!("(Ljava/lang/CharSequence;)Landroid/app/Notification$Builder;"),
        &[JValue::Object(&title)],
    )?;
    env.call_method(
        &builder,
        jni_str!("setContentText"),
        jni_sig!("(Ljava/lang/CharSequence;)Landroid/app/Notification$Builder;"),
        &[JValue::Object(&text)],
    )?;
    env.call_method(
        &builder,
        jni_str!("setContentIntent"),
        jni_sig!("(Landroid/app/PendingIntent;)Landroid/app/Notification$Builder;"),
        &[JValue::Object(&tap)],
    )?;
    env.call_method(
        &builder,
        jni_str!("setAutoCancel"),
        jni_sig!("(Z)Landroid/app/Notification$Builder;"),
        &[JValue::Bool(true)],
    )?;
    let notification =
        env.call_method(&builder, jni_str!("build"), jni_sig!("()Landroid/app/Notification;"), &[])?.l()?;
    let nid = 1;
    env.call_method(
        &manager,
        jni_str!("notify"),
        jni_sig!("(ILandroid/app/Notification;)V"),
        &[JValue::Int(nid), JValue::Object(&notification)],
    )?;
    Ok(nid as u32)
}
