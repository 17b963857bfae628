//! A labelled drop-down that starts on a placeholder ("Choose…") and picks one of a list
//! of ids by name: a group, a license, a service plan. The options are keyed by id, so a
//! list read again while open keeps the admin's choice and focus.

use leptos::prelude::*;

#[component]
pub fn Picker(
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(default = "Choose…")] placeholder: &'static str,
    /// The chosen id; empty while the placeholder shows.
    chosen: RwSignal<String>,
    /// Each option's id and name.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// The id of what explains why it is disabled.
    #[prop(optional, into)]
    described_by: Signal<Option<&'static str>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id disabled=move || disabled.get() aria-describedby=move || described_by.get()
                prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">{placeholder}</option>
                <For each=move || options.get() key=|option| option.clone() let:option>
                    <option value=option.0>{option.1}</option>
                </For>
            </select>
        </div>
    }
}
