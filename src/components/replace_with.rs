//! "Replace with…": swap a direct license for another SKU in one call. The new SKU
//! starts with the user's disabled plans carried over by service-plan name, and the
//! admin can change each plan before adding the swap to the pending changes.

use crate::components::license_choice::{queue_chosen, sku_options, LicenseChoice, OptionDetail};
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::licensing::plan::Change;
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
    let carried = {
        let from = from.clone();
        Signal::derive(move || {
            choice
                .get()
                .map(|to| screen.carried_over(&tenant.catalog.read(), Some(&from), &to))
                .unwrap_or_default()
        })
    };
    let options = {
        let from = from.clone();
        Signal::derive(move || {
            sku_options(&tenant.catalog.read(), OptionDetail::Name, |s| {
                s.sku_id != from
            })
        })
    };
    let add = move |from: SkuId| {
        queue_chosen(choice, off, "pending-title", |to, disabled_plans| {
            screen.pending.push(Change::Swap {
                from,
                to,
                disabled_plans,
            })
        })
    };
    view! {
        <div class="replace-with">
            <LicenseChoice id=format!("replace-{from}") label=format!("Replace {from_name} with")
                hide_label=true placeholder="Replace with…" chosen=choice options=options
                off=off carried=carried/>
            <button class="secondary" disabled=move || choice.with(Option::is_none) || disabled.get()
                on:click={
                    let from = from.clone();
                    move |_| add(from.clone())
                }>"Replace"</button>
        </div>
    }
}
