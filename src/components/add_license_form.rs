//! "Add license": pick a SKU the tenant owns and choose its service plans. Plans that
//! are off today start off in the new SKU too (carried over by name), so adding a license
//! never switches a plan on by accident; every other plan starts on.
//!
//! [`AddLicense`] is the one form, for a user and for a group alike; [`AddLicenseForm`] is
//! the user screen's.

use crate::components::license_choice::{sku_options, Choosing, LicenseChoice, OptionDetail};
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::licensing::plan::Change;
use std::collections::BTreeSet;

#[component]
pub fn AddLicense(
    /// "Add license", or what it is added to.
    summary: &'static str,
    /// The picker's id.
    id: &'static str,
    /// The pending changes' heading, where focus goes once the license is queued.
    pending_heading: &'static str,
    #[prop(into)] options: Signal<Vec<(SkuId, String)>>,
    /// The plans of a license that start off (those off today stay off). Tracked.
    carried_for: Callback<SkuId, BTreeSet<PlanId>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Something the admin must know about the chosen license.
    #[prop(optional, into)]
    note: Option<Callback<SkuId, Option<String>>>,
    /// Queues the change.
    queue: Callback<Change>,
) -> impl IntoView {
    let choosing = Choosing::new(carried_for);
    let add = move |_| {
        choosing.queue(pending_heading, |sku, disabled_plans| {
            queue.run(Change::Add {
                sku,
                disabled_plans,
            })
        })
    };
    view! {
        <details class="add-license">
            <summary>{summary}</summary>
            <LicenseChoice id=id.to_string() label="License to add" chosen=choosing.sku
                options=options disabled=disabled off=choosing.off carried=choosing.carried note=note/>
            <button class="secondary" disabled=move || choosing.sku.with(Option::is_none) || disabled.get() on:click=add>"Add to pending changes"</button>
        </details>
    }
}

#[component]
pub fn AddLicenseForm() -> impl IntoView {
    let tenant = use_tenant();
    let screen = use_user_screen();
    let carried_for =
        Callback::new(move |sku: SkuId| screen.carried_over(&tenant.catalog.read(), None, &sku));
    let options = Signal::derive(move || {
        sku_options(
            &tenant.catalog.read(),
            OptionDetail::SeatsAndAppliesTo,
            |_| true,
        )
    });
    let not_for_users = Callback::new(move |sku: SkuId| {
        tenant.catalog.read().sku(&sku).filter(|s| !s.applies_to.is_user()).map(|s| format!(
            "⚠ Graph does not say this license applies to users (appliesTo: {}). Graph refuses to assign a license to a user unless it applies to users.",
            s.applies_to.plain()
        ))
    });
    view! {
        <AddLicense summary="Add license" id="add-sku" pending_heading="pending-title"
            options=options carried_for=carried_for note=not_for_users
            queue=Callback::new(move |change| screen.pending.push(change))/>
    }
}
