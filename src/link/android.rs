//! Android start-up for btleplug (compiled only for `target_os = "android"`).
//! btleplug's Android backend (droidplug) has a Java half and needs one call
//! with the JVM, `btleplug::platform::init`, before the first `Manager::new()`.
//! `init_btleplug` makes that call once per process, from the JavaVM and the
//! Activity that the Android runtime (tao, under Dioxus mobile) registered
//! with `ndk_context`. Lives in `src/link/`, the only module that imports
//! btleplug. Type-checked for aarch64-linux-android; not yet run on a device.

use std::sync::Mutex;

use jni::objects::JObject;
use jni::sys::jobject;
use jni::{jni_sig, jni_str, Env, JavaVM};

use super::LinkError;

/// Whether btleplug has been initialised in this process. A failed attempt
/// leaves it `false`, so a later `BleLink::new()` tries again.
static READY: Mutex<bool> = Mutex::new(false);

/// Why the JNI side failed, before it becomes a `LinkError`.
enum InitError {
    Jni(jni::errors::Error),
    Btleplug(btleplug::Error),
}

impl From<jni::errors::Error> for InitError {
    fn from(e: jni::errors::Error) -> Self {
        InitError::Jni(e)
    }
}

fn failed(why: String) -> LinkError {
    let hint =
        if why.to_lowercase().contains("class") { " (is btleplug's droidplug Java library in the APK?)" } else { "" };
    LinkError::NoBluetooth(format!("cannot start Android Bluetooth: {why}{hint}"))
}

/// Initialises btleplug for Android; cheap after the first success. Call it
/// before creating a btleplug `Manager`.
pub(super) fn init_btleplug() -> Result<(), LinkError> {
    // A poisoned lock only means a panic elsewhere while holding it; the bool is still meaningful.
    let mut ready = READY.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if *ready {
        return Ok(());
    }
    // `android_context()` panics when nothing registered a context (e.g. not started by an Activity).
    let ctx = std::panic::catch_unwind(ndk_context::android_context)
        .map_err(|_| failed("no Android context registered (ndk_context)".into()))?;
    if ctx.vm().is_null() || ctx.context().is_null() {
        return Err(failed("the Android context holds a null JavaVM or Activity".into()));
    }
    // SAFETY: a non-null JavaVM pointer registered by the runtime, valid for the life of the process.
    let vm = unsafe { JavaVM::from_raw(ctx.vm().cast()) };
    let activity: jobject = ctx.context().cast();
    vm.attach_current_thread(|env| init_on_thread(env, activity)).map_err(|e| match e {
        InitError::Jni(e) => failed(format!("JNI: {e}")),
        InitError::Btleplug(e) => failed(format!("btleplug: {e}")),
    })?;
    *ready = true;
    Ok(())
}

/// On an attached thread: gives the thread the app's class loader (a thread
/// attached from native code sees only the system classes, and btleplug looks
/// up its Java classes through the thread's context class loader), then
/// initialises btleplug.
fn init_on_thread(env: &mut Env, activity: jobject) -> Result<(), InitError> {
    // SAFETY: `activity` is the runtime's global reference to the Activity, alive for the
    // process. A `JObject` never deletes what it wraps (it has no Drop), and this one is only
    // used as a method receiver while the thread is attached.
    let activity = unsafe { JObject::from_raw(env, activity) };
    let loader =
        env.call_method(&activity, jni_str!("getClassLoader"), jni_sig!("()Ljava/lang/ClassLoader;"), &[])?.l()?;
    let thread = env
        .call_static_method(
            jni_str!("java/lang/Thread"),
            jni_str!("currentThread"),
            jni_sig!("()Ljava/lang/Thread;"),
            &[],
        )?
        .l()?;
    env.call_method(
        &thread,
        jni_str!("setContextClassLoader"),
        jni_sig!("(Ljava/lang/ClassLoader;)V"),
        &[(&loader).into()],
    )?;
    btleplug::platform::init(env).map_err(InitError::Btleplug)
}
