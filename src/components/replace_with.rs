//! "Replace with…": swap a direct license for another SKU in one call. The new SKU
//! starts with the user's disabled plans carried over by service-plan name, and the
//! admin can change each plan before adding the swap to the pending changes.

use crate::components::plan_choices::PlanChoices;
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::licensing::plan::Change;
use license_desk_core::licensing::plan_safety::carried_over_disabled_plans;
use std::collections::BTreeSet;

#[component]
pub fn ReplaceWith(
    /// The direct SKU being replaced.
    from: SkuId,
    /// Its friendly name.
    #[prop(into)]
    from_name: String,
    /// The token's scopes can't assign (the admin has not chosen to try anyway).
    disabled: Signal<bool>,
) -> impl IntoView {
    let tenant = use_tenant();
    let screen = use_user_screen();
    // `None` until the admin picks the SKU to replace it with.
    let choice = RwSignal::new(None::<SkuId>);
    let off = RwSignal::new(BTreeSet::<PlanId>::new());
    let carried = Memo::new({
        let from = from.clone();
        move |_| {
            let Some(to) = choice.get() else {
                return BTreeSet::new();
            };
            let states = screen
                .user
                .with(|u| u.ready().map(|u| u.license_assignment_states.clone()))
                .unwrap_or_default();
            carried_over_disabled_plans(&states, &tenant.catalog.read(), Some(&from), &to)
                .into_iter()
                .collect()
        }
    });
    Effect::new(move |_| off.set(carried.get()));
    let catalog = tenant.catalog.get_untracked();
    let others: Vec<(String, String)> = catalog
        .skus
        .iter()
        .filter(|s| s.sku_id != from)
        .map(|s| (s.sku_id.to_string(), catalog.sku_name(&s.sku_id)))
        .collect();
    let select_id = format!("replace-{from}");
    let add = move |from: SkuId| {
        let Some(to) = choice.get() else {
            return;
        };
        screen.push_change(Change::Swap {
            from,
            to,
            disabled_plans: off.get().into_iter().collect(),
        });
        choice.set(None);
        // The Replace button is disabled now: focus goes where the change went.
        crate::browser::focus_when_lost("pending-title", &[]);
    };
    view! {
        <div class="replace-with">
            <label class="visually-hidden" for=select_id.clone()>{format!("Replace {from_name} with")}</label>
            <select id=select_id prop:value=move || choice.get().map(|g| g.to_string()).unwrap_or_default()
                on:change=move |ev| choice.set(Some(event_target_value(&ev)).filter(|v| !v.is_empty()).map(|v| SkuId::new(&v)))>
                <option value="">"Replace with…"</option>
                {others.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            {move || {
                choice.get().map(|to| {
                    let to_name = tenant.catalog.read().sku_name(&to);
                    view! {
                        <PlanChoices sku=to off=off carried=carried.get()
                            legend=format!("Service plans in {to_name} (untick to turn off)")/>
                    }
                })
            }}
            <button class="secondary" disabled=move || choice.with(Option::is_none) || disabled.get()
                on:click={
                    let from = from.clone();
                    move |_| add(from.clone())
                }>"Replace"</button>
        </div>
    }
}
