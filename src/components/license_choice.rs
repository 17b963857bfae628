//! Choosing a license and its service plans: the one picker of every screen that adds or
//! replaces a license (a user's "Add license" and "Replace with…", a group's "Add license
//! to the group", a bulk "Add license" or "Replace license").
//!
//! [`SkuPicker`] is the list of the tenant's licenses; [`LicenseChoice`] adds the plans of
//! the chosen one, which start as `carried` says (plans off today stay off, so nothing
//! switches on by accident) and can each be changed.

use crate::components::plan_choices::PlanChoices;
use crate::format::number;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::graph::model::{AppliesTo, SubscribedSku};
use license_desk_core::licensing::catalog::Catalog;
use std::collections::BTreeSet;

/// What an option says besides the license's name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OptionDetail {
    /// The name only.
    Name,
    /// The name and its free seats ("Office 365 E5 — 11 free").
    Seats,
    /// The name, who it applies to when not users, and its free seats.
    SeatsAndAppliesTo,
}

/// One option of the picker: the SKU and how it reads.
pub fn sku_option(catalog: &Catalog, sku: &SubscribedSku, detail: OptionDetail) -> (SkuId, String) {
    let name = catalog.sku_name(&sku.sku_id);
    let seats = || {
        sku.known_free_seats().map_or_else(
            || "free seats unknown".to_string(),
            |n| format!("{} free", number(n)),
        )
    };
    let text = match detail {
        OptionDetail::Name => name,
        OptionDetail::Seats => format!("{name} — {}", seats()),
        OptionDetail::SeatsAndAppliesTo => {
            let applies_to = match &sku.applies_to {
                a if a.is_user() => String::new(),
                AppliesTo::Company => " (applies to: company)".into(),
                other => format!(" (applies to: {other})"),
            };
            format!("{name}{applies_to} — {}", seats())
        }
    };
    (sku.sku_id.clone(), text)
}

/// The tenant's licenses as options, those `keep` accepts, in the tenant's order.
pub fn sku_options(
    catalog: &Catalog,
    detail: OptionDetail,
    keep: impl Fn(&SubscribedSku) -> bool,
) -> Vec<(SkuId, String)> {
    catalog
        .skus
        .iter()
        .filter(|sku| keep(sku))
        .map(|sku| sku_option(catalog, sku, detail))
        .collect()
}

/// A license being chosen: the license, the plans chosen off in it, and the plans that
/// start off (those off today stay off).
#[derive(Clone, Copy)]
pub struct Choosing {
    pub sku: RwSignal<Option<SkuId>>,
    pub off: RwSignal<BTreeSet<PlanId>>,
    pub carried: Signal<BTreeSet<PlanId>>,
}

impl Choosing {
    /// `carried_for` gives the plans of a license that start off. Tracked.
    pub fn new(carried_for: Callback<SkuId, BTreeSet<PlanId>>) -> Self {
        // `None` until the admin picks a license.
        let sku = RwSignal::new(None::<SkuId>);
        Choosing {
            sku,
            off: RwSignal::new(BTreeSet::new()),
            carried: Signal::derive(move || {
                sku.get()
                    .map(|sku| carried_for.run(sku))
                    .unwrap_or_default()
            }),
        }
    }

    /// Queues the chosen license with the plans chosen off (`queue` builds the change),
    /// then clears the choice. Focus goes to `pending_heading`, where the change went: the
    /// button just pressed is disabled now.
    pub fn queue(&self, pending_heading: &'static str, queue: impl FnOnce(SkuId, Vec<PlanId>)) {
        let Some(sku) = self.sku.get_untracked() else {
            return;
        };
        queue(sku, self.off.get_untracked().into_iter().collect());
        self.sku.set(None);
        crate::browser::focus_when_lost(pending_heading, &[]);
    }
}

#[component]
pub fn SkuPicker(
    id: String,
    #[prop(into)] label: String,
    /// The label is for screen readers only (the control sits in a labelled card).
    #[prop(optional)]
    hide_label: bool,
    #[prop(default = "Choose a license…")] placeholder: &'static str,
    chosen: RwSignal<Option<SkuId>>,
    #[prop(into)] options: Signal<Vec<(SkuId, String)>>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label class=hide_label.then_some("visually-hidden") for=id.clone()>{label}</label>
            <select id=id disabled=move || disabled.get()
                prop:value=move || chosen.get().map(|sku| sku.to_string()).unwrap_or_default()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    chosen.set((!value.is_empty()).then(|| SkuId::new(&value)));
                }>
                <option value="">{placeholder}</option>
                <For each=move || options.get() key=|option| option.clone() let:option>
                    <option value=option.0.to_string()>{option.1}</option>
                </For>
            </select>
        </div>
    }
}

#[component]
pub fn LicenseChoice(
    id: String,
    #[prop(into)] label: String,
    #[prop(optional)] hide_label: bool,
    #[prop(default = "Choose a license…")] placeholder: &'static str,
    chosen: RwSignal<Option<SkuId>>,
    #[prop(into)] options: Signal<Vec<(SkuId, String)>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// The plans to send as off; the admin edits them here.
    off: RwSignal<BTreeSet<PlanId>>,
    /// The plans that start off for the chosen license (off today, carried over by name).
    #[prop(into)]
    carried: Signal<BTreeSet<PlanId>>,
    /// Something the admin must know about the chosen license (it doesn't apply to users).
    #[prop(default = None)]
    note: Option<Callback<SkuId, Option<String>>>,
) -> impl IntoView {
    let tenant = use_tenant();
    // A newly chosen license starts from its safe default, and only then: a new read of
    // the same subject that leaves the default as it was keeps the admin's choices, and
    // plans switched off in one license never travel to the next one chosen.
    let start = Memo::new(move |_| (chosen.get(), carried.get()));
    Effect::new(move |_| off.set(start.with(|(_, carried)| carried.clone())));
    view! {
        <SkuPicker id=id label=label hide_label=hide_label placeholder=placeholder chosen=chosen
            options=options disabled=disabled/>
        {move || chosen.get().map(|sku| {
            let legend = format!(
                "Service plans in {} (untick to turn off)",
                tenant.catalog.read().sku_name(&sku)
            );
            let said = note.and_then(|note| note.run(sku.clone()));
            view! {
                {said.map(|text| view! { <p class="warning-text" role="note">{text}</p> })}
                <PlanChoices sku=sku off=off carried=carried.get_untracked() legend=legend/>
            }
        })}
    }
}
