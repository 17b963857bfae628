//! "Operation": what a bulk change does to every chosen user—reprocess, add, remove or
//! replace a license, or turn one service plan on or off. The choice is complete only
//! when every license and plan it needs is picked.

use crate::components::plan_choices::PlanChoices;
use crate::state::bulk::BulkState;
use crate::state::tenant::TenantState;
use leptos::prelude::*;
use license_desk_core::bulk::operation::BulkOperation;
use license_desk_core::graph::ids::PlanId;
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
    fn of(operation: Option<&BulkOperation>) -> (Kind, String) {
        match operation {
            None => (Kind::None, String::new()),
            Some(BulkOperation::Reprocess) => (Kind::Reprocess, String::new()),
            Some(BulkOperation::AddLicense { sku, .. }) => (Kind::Add, sku.to_string()),
            Some(BulkOperation::RemoveLicense { sku }) => (Kind::Remove, sku.to_string()),
            Some(BulkOperation::ReplaceLicense { from, .. }) => (Kind::Replace, from.to_string()),
            Some(BulkOperation::SetPlan { sku, .. }) => (Kind::SetPlan, sku.to_string()),
        }
    }
}

fn guid<T: for<'a> From<&'a str>>(value: &str) -> Option<T> {
    (!value.trim().is_empty()).then(|| T::from(value))
}

#[component]
fn SkuSelect(
    id: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
) -> impl IntoView {
    let tenant = expect_context::<TenantState>();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">"Choose…"</option>
                {move || {
                    let catalog = tenant.catalog.get();
                    tenant.skus.with(|skus| skus.ready().cloned().unwrap_or_default()).into_iter().map(|sku| {
                        let name = catalog.sku_name(&sku.sku_id);
                        view! { <option value=sku.sku_id.to_string()>{name}</option> }
                    }).collect_view()
                }}
            </select>
        </div>
    }
}

#[component]
pub fn BulkOperationPicker() -> impl IntoView {
    let tenant = expect_context::<TenantState>();
    let bulk = expect_context::<BulkState>();
    let (start_kind, start_sku) = Kind::of(bulk.operation.get_untracked().as_ref());
    let kind = RwSignal::new(start_kind);
    let sku = RwSignal::new(start_sku);
    let to = RwSignal::new(String::new());
    let plan = RwSignal::new(String::new());
    let enable = RwSignal::new(false);
    let off = RwSignal::new(BTreeSet::<PlanId>::new());

    // The operation is complete when everything it needs is chosen.
    Effect::new(move |_| {
        let operation = match kind.get() {
            Kind::None => None,
            Kind::Reprocess => Some(BulkOperation::Reprocess),
            Kind::Add => guid(&sku.get()).map(|sku| BulkOperation::AddLicense {
                sku,
                disabled_plans: off.get().into_iter().collect(),
            }),
            Kind::Remove => guid(&sku.get()).map(|sku| BulkOperation::RemoveLicense { sku }),
            Kind::Replace => match (guid(&sku.get()), guid(&to.get())) {
                (Some(from), Some(to)) if from != to => {
                    Some(BulkOperation::ReplaceLicense { from, to })
                }
                _ => None,
            },
            Kind::SetPlan => match (guid(&sku.get()), guid(&plan.get())) {
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
        off.set(BTreeSet::new());
        plan.set(String::new());
    });

    let plans = move || {
        let catalog = tenant.catalog.get();
        guid(&sku.get())
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
                    sku.set(String::new());
                    to.set(String::new());
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
                    <SkuSelect id="bulk-sku" label="License to add" value=sku/>
                    {move || guid(&sku.get()).map(|id| {
                        let legend = format!("Service plans in {}", tenant.catalog.get().sku_name(&id));
                        view! { <PlanChoices sku=id off=off carried=BTreeSet::new() legend=legend/> }
                    })}
                }.into_any(),
                Kind::Remove => view! {
                    <SkuSelect id="bulk-sku" label="License to remove" value=sku/>
                    <p class="hint">"Users who only get this license from a group are refused, with the reason: change the group instead."</p>
                }.into_any(),
                Kind::Replace => view! {
                    <div class="row">
                        <SkuSelect id="bulk-sku" label="Replace" value=sku/>
                        <SkuSelect id="bulk-to" label="With" value=to/>
                    </div>
                    <p class="hint">"One call per user. Plans a user has off are kept off in the new license, matched by name."</p>
                }.into_any(),
                Kind::SetPlan => view! {
                    <div class="row">
                        <SkuSelect id="bulk-sku" label="License" value=sku/>
                        <div class="field">
                            <label for="bulk-plan">"Service plan"</label>
                            <select id="bulk-plan" prop:value=move || plan.get() on:change=move |ev| plan.set(event_target_value(&ev))>
                                <option value="">"Choose…"</option>
                                {move || plans().into_iter().map(|(value, name)| view! { <option value=value>{name}</option> }).collect_view()}
                            </select>
                        </div>
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
