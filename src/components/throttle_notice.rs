//! The visible wait while Graph throttles or a request is retried.

use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn ThrottleNotice() -> impl IntoView {
    let session = use_session();
    view! {
        {move || session.throttle.get().map(|wait| view! {
            <div class="notice warning" role="status" aria-live="polite">
                {format!("{} — retrying in {} s. Nothing is lost; License Desk continues by itself.", wait.reason, wait.seconds_left)}
            </div>
        })}
    }
}
