//! "Add license": pick a SKU the tenant owns and choose its service plans. Plans that
//! are off for the user today start off in the new SKU too (carried over by name), so
//! adding a license never switches a plan on by accident; every other plan starts on.

use crate::components::license_choice::{sku_options, LicenseChoice, OptionDetail};
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::licensing::plan::Change;
use std::collections::BTreeSet;

#[component]
pub fn AddLicenseForm() -> impl IntoView {
    let tenant = use_tenant();
    let screen = use_user_screen();
    // `None` until the admin picks a license.
    let chosen = RwSignal::new(None::<SkuId>);
    let off = RwSignal::new(BTreeSet::<PlanId>::new());
    // The safe default for the chosen SKU: what is off for the user today stays off.
    let carried = Signal::derive(move || {
        chosen
            .get()
            .map(|sku| screen.carried_over(&tenant.catalog.read(), None, &sku))
            .unwrap_or_default()
    });
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
            <LicenseChoice id="add-sku".to_string() label="License to add" chosen=chosen
                options=options off=off carried=carried note=not_for_users/>
            <button class="secondary" disabled=move || chosen.with(Option::is_none) on:click=move |_| add()>"Add to pending changes"</button>
        </details>
    }
}
