//! "Operation": what a bulk change does to every chosen user—reprocess, add, remove or
//! replace a license, or turn one service plan on or off. The choice is complete only
//! when every license and plan it needs is picked.

use crate::components::license_choice::{sku_options, LicenseChoice, OptionDetail, SkuPicker};
use crate::components::picker::Picker;
use crate::state::bulk::BulkState;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::bulk::operation::BulkOperation;
use license_desk_core::graph::ids::{PlanId, SkuId};
use std::collections::BTreeSet;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    None,
    Reprocess,
    Add,
    Remove,
    Replace,
    SetPlan,
}

impl Kind {
    fn from_value(value: &str) -> Kind {
        match value {
            "reprocess" => Kind::Reprocess,
            "add" => Kind::Add,
            "remove" => Kind::Remove,
            "replace" => Kind::Replace,
            "plan" => Kind::SetPlan,
            _ => Kind::None,
        }
    }

    fn value(self) -> &'static str {
        match self {
            Kind::None => "",
            Kind::Reprocess => "reprocess",
            Kind::Add => "add",
            Kind::Remove => "remove",
            Kind::Replace => "replace",
            Kind::SetPlan => "plan",
        }
    }

    /// The kind and first license of an operation chosen elsewhere (another screen
    /// handing users over), so the picker opens showing it.
    fn of(operation: Option<&BulkOperation>) -> (Kind, Option<SkuId>) {
        match operation {
            None => (Kind::None, None),
            Some(BulkOperation::Reprocess) => (Kind::Reprocess, None),
            Some(BulkOperation::AddLicense { sku, .. }) => (Kind::Add, Some(sku.clone())),
            Some(BulkOperation::RemoveLicense { sku }) => (Kind::Remove, Some(sku.clone())),
            Some(BulkOperation::ReplaceLicense { from, .. }) => (Kind::Replace, Some(from.clone())),
            Some(BulkOperation::SetPlan { sku, .. }) => (Kind::SetPlan, Some(sku.clone())),
        }
    }
}

fn plan_id(value: &str) -> Option<PlanId> {
    (!value.trim().is_empty()).then(|| PlanId::new(value))
}

#[component]
pub fn BulkOperationPicker() -> impl IntoView {
    let tenant = use_tenant();
    let bulk = expect_context::<BulkState>();
    let (start_kind, start_sku) = Kind::of(bulk.operation.get_untracked().as_ref());
    let kind = RwSignal::new(start_kind);
    let sku = RwSignal::new(start_sku);
    let to = RwSignal::new(None::<SkuId>);
    let plan = RwSignal::new(String::new());
    let enable = RwSignal::new(false);
    let off = RwSignal::new(BTreeSet::<PlanId>::new());

    // The operation is complete when everything it needs is chosen.
    Effect::new(move |_| {
        let operation = match kind.get() {
            Kind::None => None,
            Kind::Reprocess => Some(BulkOperation::Reprocess),
            Kind::Add => sku.get().map(|sku| BulkOperation::AddLicense {
                sku,
                disabled_plans: off.get().into_iter().collect(),
            }),
            Kind::Remove => sku.get().map(|sku| BulkOperation::RemoveLicense { sku }),
            Kind::Replace => match (sku.get(), to.get()) {
                (Some(from), Some(to)) if from != to => {
                    Some(BulkOperation::ReplaceLicense { from, to })
                }
                _ => None,
            },
            Kind::SetPlan => match (sku.get(), plan_id(&plan.get())) {
                (Some(sku), Some(plan)) => Some(BulkOperation::SetPlan {
                    sku,
                    plan,
                    enabled: enable.get(),
                }),
                _ => None,
            },
        };
        bulk.operation.set(operation);
    });
    // A new license starts with every plan on; the admin unticks what stays off.
    Effect::new(move |_| {
        sku.track();
        plan.set(String::new());
    });
    let options =
        Signal::derive(move || sku_options(&tenant.catalog.read(), OptionDetail::Name, |_| true));

    let plans = move || {
        let catalog = tenant.catalog.get();
        sku.get()
            .and_then(|id| catalog.sku(&id).map(|s| s.service_plans.clone()))
            .unwrap_or_default()
            .into_iter()
            .map(|info| {
                let name = catalog.plan_name(&info.service_plan_id);
                (info.service_plan_id.to_string(), name)
            })
            .collect::<Vec<_>>()
    };

    view! {
        <fieldset class="bulk-operation" disabled=move || bulk.is_running()>
            <legend>"Change"</legend>
            <div class="field">
                <label for="bulk-operation">"Operation"</label>
                <select id="bulk-operation" prop:value=move || kind.get().value() on:change=move |ev| {
                    kind.set(Kind::from_value(&event_target_value(&ev)));
                    sku.set(None);
                    to.set(None);
                }>
                    <option value="">"Choose…"</option>
                    <option value="reprocess">"Reprocess"</option>
                    <option value="add">"Add license"</option>
                    <option value="remove">"Remove license"</option>
                    <option value="replace">"Replace license"</option>
                    <option value="plan">"Turn a service plan on or off"</option>
                </select>
            </div>
            {move || match kind.get() {
                Kind::None => view! { <p class="hint">"Choose what to do to every user."</p> }.into_any(),
                Kind::Reprocess => view! {
                    <p class="hint">"Asks Entra ID to apply each user's group-based licenses again (reprocessLicenseAssignment). Nothing else changes."</p>
                }.into_any(),
                Kind::Add => view! {
                    <LicenseChoice id="bulk-sku".to_string() label="License to add" placeholder="Choose…"
                        chosen=sku options=options off=off carried=Signal::derive(BTreeSet::new)/>
                }.into_any(),
                Kind::Remove => view! {
                    <SkuPicker id="bulk-sku".to_string() label="License to remove" placeholder="Choose…" chosen=sku options=options/>
                    <p class="hint">"Users who only get this license from a group are refused, with the reason: change the group instead."</p>
                }.into_any(),
                Kind::Replace => view! {
                    <div class="row">
                        <SkuPicker id="bulk-sku".to_string() label="Replace" placeholder="Choose…" chosen=sku options=options/>
                        <SkuPicker id="bulk-to".to_string() label="With" placeholder="Choose…" chosen=to options=options/>
                    </div>
                    <p class="hint">"One call per user. Plans a user has off are kept off in the new license, matched by name."</p>
                }.into_any(),
                Kind::SetPlan => view! {
                    <div class="row">
                        <SkuPicker id="bulk-sku".to_string() label="License" placeholder="Choose…" chosen=sku options=options/>
                        <Picker id="bulk-plan" label="Service plan" chosen=plan options=Signal::derive(plans)/>
                        <div class="field">
                            <label for="bulk-plan-state">"Turn it"</label>
                            <select id="bulk-plan-state" on:change=move |ev| enable.set(event_target_value(&ev) == "on")>
                                <option value="off">"Off"</option>
                                <option value="on">"On"</option>
                            </select>
                        </div>
                    </div>
                    <p class="hint">"Merged into each user's own disabled plans for this license; their other plans stay as they are."</p>
                }.into_any(),
            }}
        </fieldset>
    }
}
