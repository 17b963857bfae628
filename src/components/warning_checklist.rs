//! "Check before applying": each warning of the planned change as a checkbox the admin
//! must tick ("I understand: …"), the same on the user, group and bulk screens. What is
//! ticked lives in the core's [`Checklist`], keyed by the warning itself, so a tick never
//! outlives the warning it acknowledged. Planner warnings are the usual kind; the
//! reclaim screen's mailbox warning is ticked here too.

use leptos::prelude::*;
use license_desk_core::licensing::checklist::{Acknowledge, Checklist};
use std::hash::Hash;

#[component]
pub fn WarningChecklist<W>(
    /// The plan's warnings and the ticks given to them.
    checklist: RwSignal<Checklist<W>>,
    /// The words for a warning, as `Warning::describe` says it with the tenant's names.
    #[prop(into)]
    describe: Callback<W, String>,
    /// The users a warning affects, when there are many (a bulk run): counted in its
    /// label and listed under it.
    #[prop(optional, into)]
    affected: Option<Callback<W, Vec<String>>>,
) -> impl IntoView
where
    W: Acknowledge + Eq + Hash + Send + Sync + 'static,
{
    let warnings = move || checklist.with(|c| c.warnings().to_vec());
    view! {
        <Show when=move || checklist.with(|c| !c.is_empty())>
            <fieldset class="warnings">
                <legend>"Check before applying"</legend>
                <ul class="checklist">
                    <For each=warnings key=|warning| warning.clone() let:warning>
                        {
                            let users = affected.map(|users| users.run(warning.clone()));
                            let count = users.as_ref().map(|users| {
                                format!(" ({})", crate::format::count(users.len(), "user", "users"))
                            });
                            let label = format!(
                                "I understand: {}{}",
                                describe.run(warning.clone()),
                                count.unwrap_or_default()
                            );
                            let (checked, changed) = (warning.clone(), warning.clone());
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox"
                                            prop:checked=move || checklist.with(|c| c.is_ticked(&checked))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                checklist.update(|c| c.tick(&changed, on));
                                            }/>
                                        {label}
                                    </label>
                                    {users.map(|users| view! {
                                        <details>
                                            <summary>"Affected users"</summary>
                                            <crate::components::user_names::UserNames users=users/>
                                        </details>
                                    })}
                                </li>
                            }
                        }
                    </For>
                </ul>
            </fieldset>
        </Show>
    }
}
