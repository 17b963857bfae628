//! The one field a token is pasted into, at sign-in and when it needs renewing, so both
//! keep it masked, out of autofill and away from spell-checking.

use leptos::prelude::*;

#[component]
pub fn TokenField(
    /// The input's id, which its label names.
    id: &'static str,
    label: &'static str,
    /// What is pasted.
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input id=id type="password" autocomplete="off" spellcheck="false"
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev)) />
    }
}
