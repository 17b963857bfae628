//! "Add license": pick a SKU the tenant owns and choose its service plans. Plans that
//! are off for the user today start off in the new SKU too (carried over by name), so
//! adding a license never switches a plan on by accident; every other plan starts on.

use crate::components::plan_choices::PlanChoices;
use crate::workspace::use_workspace;
use leptos::prelude::*;
use license_desk_core::model::AppliesTo;
use license_desk_core::plan::Change;
use license_desk_core::plan_safety::carried_over_disabled_plans;
use license_desk_core::Guid;
use std::collections::BTreeSet;

#[component]
pub fn AddLicenseForm() -> impl IntoView {
    let workspace = use_workspace();
    let chosen = RwSignal::new(String::new());
    let off = RwSignal::new(BTreeSet::<Guid>::new());
    // The safe default for the chosen SKU: what is off for the user today stays off.
    let carried = Memo::new(move |_| {
        let sku = chosen.get();
        if sku.is_empty() {
            return BTreeSet::new();
        }
        let states = workspace
            .user
            .with(|u| u.ready().map(|u| u.license_assignment_states.clone()))
            .unwrap_or_default();
        carried_over_disabled_plans(&states, &workspace.catalog(), None, &Guid::new(&sku))
            .into_iter()
            .collect::<BTreeSet<Guid>>()
    });
    Effect::new(move |_| off.set(carried.get()));
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
    };
    view! {
        <details class="add-license">
            <summary>"Add license"</summary>
            <div class="field">
                <label for="add-sku">"License to add"</label>
                <select id="add-sku" prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"Choose a license…"</option>
                    {move || {
                        let catalog = workspace.catalog();
                        catalog.skus.iter().map(|sku| {
                            let note = if sku.applies_to == AppliesTo::Company { " (company-wide)" } else { "" };
                            view! { <option value=sku.sku_id.to_string()>{format!("{}{note} — {} free", catalog.sku_name(&sku.sku_id), crate::format::number(sku.free_seats()))}</option> }
                        }).collect_view()
                    }}
                </select>
            </div>
            {move || {
                let sku = chosen.get();
                (!sku.is_empty()).then(|| {
                    let sku = Guid::new(&sku);
                    let legend = format!("Service plans in {} (untick to turn off)", workspace.catalog().sku_name(&sku));
                    view! { <PlanChoices sku=sku off=off carried=carried.get() legend=legend/> }
                })
            }}
            <button class="secondary" disabled=move || chosen.with(String::is_empty) on:click=move |_| add()>"Add to pending changes"</button>
        </details>
    }
}
