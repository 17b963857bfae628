//! "Replace with…": swap a direct license for another SKU in one call, for a user or a
//! group. The new SKU starts with the plans that are off today carried over by
//! service-plan name, and the admin can change each plan before adding the swap to the
//! pending changes.

use crate::components::license_choice::{Choosing, LicenseChoice};
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
    /// The licenses it may be replaced with.
    #[prop(into)]
    options: Signal<Vec<(SkuId, String)>>,
    /// The plans of the new license that start off (those off today stay off). Tracked.
    carried_for: Callback<SkuId, BTreeSet<PlanId>>,
    /// The pending changes' heading, where focus goes once the swap is queued.
    pending_heading: &'static str,
    /// Queues the swap.
    queue: Callback<Change>,
    /// The token's scopes can't change it, or a change of it runs.
    disabled: Signal<bool>,
) -> impl IntoView {
    let choosing = Choosing::new(carried_for);
    let add = {
        let from = from.clone();
        move |_| {
            choosing.queue(pending_heading, |to, disabled_plans| {
                queue.run(Change::Swap {
                    from: from.clone(),
                    to,
                    disabled_plans,
                })
            })
        }
    };
    view! {
        <div class="replace-with">
            <LicenseChoice id=format!("replace-{from}") label=format!("Replace {from_name} with")
                hide_label=true placeholder="Replace with…" chosen=choosing.sku options=options
                disabled=disabled off=choosing.off carried=choosing.carried/>
            <button class="secondary" disabled=move || choosing.sku.with(Option::is_none) || disabled.get()
                on:click=add>"Replace"</button>
        </div>
    }
}
