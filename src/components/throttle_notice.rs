//! The visible wait while Graph throttles or a request is retried, which the admin can
//! stop: the request then ends with Graph's last answer, and pending changes stay.

use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn ThrottleNotice() -> impl IntoView {
    let session = use_session();
    view! {
        {move || session.throttle.get().map(|wait| view! {
            <div class="notice warning" role="status" aria-live="polite">
                {format!("{} — retrying in {}. Nothing is lost; License Desk continues by itself.", wait.reason, crate::format::duration(wait.seconds_left))}
                " "
                <button class="secondary" on:click=move |_| session.stop_waiting.set(true)>"Stop waiting"</button>
            </div>
        })}
    }
}
