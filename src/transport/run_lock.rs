//! Which tab runs a bulk run: a lock per run, held across the browser's tabs with the
//! Web Locks API (`navigator.locks`).
//!
//! The tab that starts or resumes a run takes the run's lock and holds it until the run
//! finishes, the admin signs out or into another tenant, or the tab closes (the browser
//! then lets it go by itself). Another tab of the same browser that finds the run
//! unfinished in the journal store sees that its lock is held, says the run is running in
//! another tab, and can't resume it: two engines never write the same items.
//!
//! Where the browser has no Web Locks (an insecure context), nothing is locked and every
//! tab may resume, as before there was a lock.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["navigator", "locks"], js_name = request)]
    fn request_lock(
        name: &str,
        options: &JsValue,
        callback: &js_sys::Function,
    ) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["navigator", "locks"], js_name = query)]
    fn query_locks() -> Result<js_sys::Promise, JsValue>;
}

/// The lock's name for run `run_id`.
fn lock_name(run_id: &str) -> String {
    format!("license-desk/run/{run_id}")
}

/// A run's lock, held by this tab until dropped.
pub struct RunLock {
    release: js_sys::Function,
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::NULL);
    }
}

/// What became of asking for a run's lock.
pub enum Taken {
    /// This tab holds it now.
    Held(RunLock),
    /// Another tab holds it: the run is running there.
    Elsewhere,
    /// The browser has no Web Locks here; nothing is locked.
    Unsupported,
}

/// Takes run `run_id`'s lock if no tab holds it, without waiting for it.
pub async fn take(run_id: &str) -> Taken {
    let mut granted_resolve = None;
    let granted = js_sys::Promise::new(&mut |resolve, _| granted_resolve = Some(resolve));
    let mut release = None;
    let hold = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    let (Some(granted_resolve), Some(release)) = (granted_resolve, release) else {
        return Taken::Unsupported;
    };
    // The lock is held for as long as the promise the callback returns is pending.
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let held = !lock.is_null() && !lock.is_undefined();
        let _ = granted_resolve.call1(&JsValue::NULL, &JsValue::from_bool(held));
        if held {
            hold.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    if request_lock(&lock_name(run_id), &options, callback.unchecked_ref()).is_err() {
        return Taken::Unsupported;
    }
    match JsFuture::from(granted).await {
        Ok(held) if held.as_bool() == Some(true) => Taken::Held(RunLock { release }),
        Ok(_) => Taken::Elsewhere,
        Err(_) => Taken::Unsupported,
    }
}

/// Whether some tab of this browser holds run `run_id`'s lock (this one included).
pub async fn is_held(run_id: &str) -> bool {
    let Ok(query) = query_locks() else {
        return false;
    };
    let Ok(snapshot) = JsFuture::from(query).await else {
        return false;
    };
    let name = lock_name(run_id);
    js_sys::Reflect::get(&snapshot, &"held".into())
        .ok()
        .map(|held| js_sys::Array::from(&held))
        .is_some_and(|held| {
            held.iter().any(|lock| {
                js_sys::Reflect::get(&lock, &"name".into())
                    .ok()
                    .and_then(|value| value.as_string())
                    .is_some_and(|held_name| held_name == name)
            })
        })
}
