//! How every failure is shown: what happened, why (Graph's code, message and
//! request-id), and what to do next.

use leptos::prelude::*;
use license_desk_core::ops::ErrorRecord;

#[component]
pub fn ErrorPanel(
    /// The failure to explain (a `GraphError` converts into it).
    #[prop(into)]
    error: ErrorRecord,
    /// What the admin was doing, e.g. "Applying changes".
    #[prop(into)]
    context: String,
) -> impl IntoView {
    let status = error
        .status
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_else(|| "no HTTP answer".into());
    view! {
        <div class="error-panel" role="alert">
            <p class="error-title"><strong>{format!("{context} failed: {}", error.headline)}</strong></p>
            <dl class="error-details">
                <dt>"Why"</dt>
                <dd>{error.message.clone()}</dd>
                <dt>"Graph"</dt>
                <dd>
                    {status}
                    {error.code.clone().map(|c| format!(" · code {c}"))}
                </dd>
                {error.request_id.clone().map(|id| view! { <dt>"request-id"</dt><dd><code>{id}</code></dd> })}
                {error.date.clone().map(|d| view! { <dt>"date"</dt><dd>{d}</dd> })}
                <dt>"What to do"</dt>
                <dd>{error.what_to_do.clone()}</dd>
            </dl>
        </div>
    }
}
