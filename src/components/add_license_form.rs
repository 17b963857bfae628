//! "Add license": pick a SKU the tenant owns and choose its service plans (all on by default).

use crate::workspace::use_workspace;
use leptos::prelude::*;
use license_desk_core::model::AppliesTo;
use license_desk_core::plan::Change;
use license_desk_core::Guid;
use std::collections::BTreeSet;

/// How an option is labelled when Graph does not say the SKU applies to users.
fn applies_to_note(applies_to: &AppliesTo) -> String {
    match applies_to {
        a if a.is_user() => String::new(),
        AppliesTo::Company => " (applies to: company)".into(),
        other => format!(" (applies to: {other})"),
    }
}

#[component]
pub fn AddLicenseForm() -> impl IntoView {
    let workspace = use_workspace();
    let chosen = RwSignal::new(String::new());
    let off = RwSignal::new(BTreeSet::<Guid>::new());
    let add = move || {
        let sku = chosen.get();
        if sku.is_empty() {
            return;
        }
        workspace.push_change(Change::Add {
            sku: Guid::new(&sku),
            disabled_plans: off.get().into_iter().collect(),
        });
        chosen.set(String::new());
        off.set(BTreeSet::new());
    };
    view! {
        <details class="add-license">
            <summary>"Add license"</summary>
            <div class="field">
                <label for="add-sku">"License to add"</label>
                <select id="add-sku" prop:value=move || chosen.get() on:change=move |ev| { chosen.set(event_target_value(&ev)); off.set(BTreeSet::new()); }>
                    <option value="">"Choose a license…"</option>
                    {move || {
                        let catalog = workspace.catalog();
                        catalog.skus.iter().map(|sku| {
                            let seats = sku.known_free_seats().map_or_else(|| "free seats unknown".to_string(), |n| format!("{n} free"));
                            view! { <option value=sku.sku_id.to_string()>{format!("{}{} — {seats}", catalog.sku_name(&sku.sku_id), applies_to_note(&sku.applies_to))}</option> }
                        }).collect_view()
                    }}
                </select>
            </div>
            {move || {
                let sku = chosen.get();
                (!sku.is_empty()).then(|| {
                    let catalog = workspace.catalog();
                    let chosen_sku = catalog.sku(&Guid::new(&sku));
                    let plans = chosen_sku.map(|s| s.service_plans.clone()).unwrap_or_default();
                    let not_for_users = chosen_sku.filter(|s| !s.applies_to.is_user()).map(|s| format!(
                        "⚠ Graph does not say this license applies to users (appliesTo: {}). Graph refuses to assign a license to a user unless it applies to users.",
                        s.applies_to.plain()
                    ));
                    view! {
                        {not_for_users.map(|warning| view! { <p class="warning-text" role="note">{warning}</p> })}
                        <fieldset class="plan-choices">
                            <legend>"Service plans (untick to turn off)"</legend>
                            {plans.into_iter().map(|info| {
                                let id = info.service_plan_id.clone();
                                let checked_id = id.clone();
                                let name = catalog.plan_name(&id);
                                view! {
                                    <label class="check">
                                        <input type="checkbox" prop:checked=move || !off.with(|o| o.contains(&checked_id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                off.update(|o| { if on { o.remove(&id); } else { o.insert(id.clone()); } });
                                            } />
                                        {name}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                })
            }}
            <button class="secondary" disabled=move || chosen.with(String::is_empty) on:click=move |_| add()>"Add to pending changes"</button>
        </details>
    }
}
