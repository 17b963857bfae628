//! One service plan's switch, the same wherever plans are turned on or off (a user's
//! license, a group's license, a license being added): a checkbox that keeps its size
//! beside a long plan name, and words for what the plan is now and what it will become
//! ("Off → On"), so a pending change is visible on the row itself.

use leptos::prelude::*;
use license_desk_core::wording::plan_switch;

#[component]
pub fn PlanSwitch(
    /// Names the checkbox, e.g. "Sway in Office 365 E3"; its state words follow.
    #[prop(into)]
    label: String,
    /// The plan's name, shown beside the checkbox; `None` where a table column shows it.
    #[prop(optional, into)]
    name: Option<String>,
    /// Whether the plan is on today; `None` for a license the user doesn't hold yet.
    on_now: Option<bool>,
    /// Whether the plan will be on once the pending changes are applied.
    #[prop(into)]
    on_after: Signal<bool>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Called with the new wish when the admin ticks or unticks it.
    on_change: Callback<bool>,
) -> impl IntoView {
    let words = move || {
        let after = on_after.get();
        plan_switch(on_now.unwrap_or(after), after)
    };
    view! {
        <label class="check plan-switch">
            <input type="checkbox" aria-label=move || format!("{label}: {}", words()) prop:checked=move || on_after.get() disabled=disabled
                on:change=move |ev| on_change.run(event_target_checked(&ev))/>
            {name.map(|name| view! { <span class="plan-name">{name}</span> })}
            <span class="plan-state" class:changing=move || on_now.is_some_and(|now| now != on_after.get())>{words}</span>
        </label>
    }
}
