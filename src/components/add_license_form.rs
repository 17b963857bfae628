//! "Add license": pick a SKU the tenant owns and choose its service plans. Plans that
//! are off for the user today start off in the new SKU too (carried over by name), so
//! adding a license never switches a plan on by accident; every other plan starts on.

use crate::components::plan_choices::PlanChoices;
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::graph::model::AppliesTo;
use license_desk_core::licensing::plan::Change;
use license_desk_core::licensing::plan_safety::carried_over_disabled_plans;
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
    let tenant = use_tenant();
    let screen = use_user_screen();
    // `None` until the admin picks a license.
    let chosen = RwSignal::new(None::<SkuId>);
    let off = RwSignal::new(BTreeSet::<PlanId>::new());
    // The safe default for the chosen SKU: what is off for the user today stays off.
    let carried = Memo::new(move |_| {
        let Some(sku) = chosen.get() else {
            return BTreeSet::new();
        };
        let states = screen
            .user
            .with(|u| u.ready().map(|u| u.license_assignment_states.clone()))
            .unwrap_or_default();
        carried_over_disabled_plans(&states, &tenant.catalog.read(), None, &sku)
            .into_iter()
            .collect::<BTreeSet<PlanId>>()
    });
    Effect::new(move |_| off.set(carried.get()));
    let add = move || {
        let Some(sku) = chosen.get() else {
            return;
        };
        screen.push_change(Change::Add {
            sku,
            disabled_plans: off.get().into_iter().collect(),
        });
        chosen.set(None);
        // The button just pressed is disabled now: focus goes where the change went.
        crate::browser::focus_when_lost("pending-title", &[]);
    };
    view! {
        <details class="add-license">
            <summary>"Add license"</summary>
            <div class="field">
                <label for="add-sku">"License to add"</label>
                <select id="add-sku" prop:value=move || chosen.get().map(|g| g.to_string()).unwrap_or_default()
                    on:change=move |ev| chosen.set(Some(event_target_value(&ev)).filter(|v| !v.is_empty()).map(|v| SkuId::new(&v)))>
                    <option value="">"Choose a license…"</option>
                    {move || {
                        let catalog = tenant.catalog.read();
                        catalog.skus.iter().map(|sku| {
                            let seats = sku.known_free_seats().map_or_else(|| "free seats unknown".to_string(), |n| format!("{} free", crate::format::number(n)));
                            view! { <option value=sku.sku_id.to_string()>{format!("{}{} — {seats}", catalog.sku_name(&sku.sku_id), applies_to_note(&sku.applies_to))}</option> }
                        }).collect_view()
                    }}
                </select>
            </div>
            {move || {
                chosen.get().map(|sku| {
                    let catalog = tenant.catalog.read();
                    let legend = format!("Service plans in {} (untick to turn off)", catalog.sku_name(&sku));
                    let not_for_users = catalog.sku(&sku).filter(|s| !s.applies_to.is_user()).map(|s| format!(
                        "⚠ Graph does not say this license applies to users (appliesTo: {}). Graph refuses to assign a license to a user unless it applies to users.",
                        s.applies_to.plain()
                    ));
                    view! {
                        {not_for_users.map(|warning| view! { <p class="warning-text" role="note">{warning}</p> })}
                        <PlanChoices sku=sku off=off carried=carried.get() legend=legend/>
                    }
                })
            }}
            <button class="secondary" disabled=move || chosen.with(Option::is_none) on:click=move |_| add()>"Add to pending changes"</button>
        </details>
    }
}
