//! "Service plans (untick to turn off)": the per-plan choice when a SKU is added or
//! replaced. Plans that are off for the user today start off (the safe default, carried
//! over by service-plan name) and say so; the admin can change each one.

use crate::components::plan_switch::PlanSwitch;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use std::collections::BTreeSet;

#[component]
pub fn PlanChoices(
    /// The SKU whose plans are chosen.
    sku: SkuId,
    /// The plans to send as off; the admin edits it here.
    off: RwSignal<BTreeSet<PlanId>>,
    /// Plans that are off for the user today (the default that was carried over).
    carried: BTreeSet<PlanId>,
    /// Names the SKU for screen readers, e.g. "Service plans in Office 365 E5".
    #[prop(into)]
    legend: String,
) -> impl IntoView {
    let catalog = use_tenant().catalog.get_untracked();
    let plans = catalog
        .sku(&sku)
        .map(|s| s.service_plans.clone())
        .unwrap_or_default();
    view! {
        <fieldset class="plan-choices">
            <legend>{legend}</legend>
            {(!carried.is_empty()).then(|| view! {
                <p class="hint">"Plans that are off for this user today start off here too, so nothing switches on by accident. Tick one to turn it on; you'll be asked to confirm."</p>
            })}
            {plans.into_iter().map(|info| {
                let id = info.service_plan_id.clone();
                let checked_id = id.clone();
                let name = catalog.plan_name(&id);
                let kept_off = carried.contains(&id);
                let on_after = Signal::derive(move || !off.with(|o| o.contains(&checked_id)));
                let switch = Callback::new(move |on: bool| {
                    off.update(|o| { if on { o.remove(&id); } else { o.insert(id.clone()); } });
                });
                // A plan off today starts off here: its row says "Off", or "Off → On" once ticked.
                view! {
                    <PlanSwitch label=name.clone() name=name on_now=kept_off.then_some(false)
                        on_after=on_after on_change=switch/>
                }
            }).collect_view()}
        </fieldset>
    }
}
