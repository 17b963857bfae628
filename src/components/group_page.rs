//! A group's page: its licenses with every service plan on or off (per-plan switches
//! and Remove / Replace build pending changes), its processing state and how its members
//! stand (Active, Error, pending); then its members with errors and the change controls.

use crate::components::error_panel::ErrorPanel;
use crate::components::group_change_form::GroupChangeForm;
use crate::components::group_change_progress::GroupChangeProgress;
use crate::components::group_members_with_errors::GroupMembersWithErrors;
use crate::components::license_choice::{sku_options, OptionDetail};
use crate::components::not_allowed::NotAllowed;
use crate::components::plan_switch::PlanSwitch;
use crate::components::replace_with::ReplaceWith;
use crate::components::screen_link::ScreenLink;
use crate::state::groups::use_groups;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::SkuId;
use license_desk_core::graph::model::{AssignedLicense, Group};
use license_desk_core::groups::change::{group_licenses, member_counts, plan_group};
use license_desk_core::groups::list::carried_over_for_group;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::plan::Change;
use license_desk_core::route::Screen;
use license_desk_core::wording::groups::processing_state;

fn license_card(license: AssignedLicense, group: Group, catalog: &Catalog) -> impl IntoView {
    let state = use_groups();
    let session = use_session();
    let tenant = use_tenant();
    let sku = license.sku_id.clone();
    let name = catalog.sku_name(&sku);
    let can_change = move || session.may_attempt(Action::AssignGroupLicense) && !state.is_busy();
    // What the pending changes would leave: drives the switches.
    let intended = {
        let group = group.clone();
        Memo::new(move |_| {
            let changes = state.pending.changes();
            plan_group(&group, &[], &tenant.catalog.read(), &changes).intended
        })
    };
    let plans = catalog
        .sku(&sku)
        .map(|s| s.service_plans.clone())
        .unwrap_or_default();
    let removing = {
        let sku = sku.clone();
        Memo::new(move |_| intended.with(|i| !i.contains_key(&sku)))
    };
    let plan_rows = plans.into_iter().map(|info| {
        let plan = info.service_plan_id.clone();
        let plan_name = catalog.plan_name(&plan);
        let on_now = !license.disabled_plans.contains(&plan);
        let (sku_a, plan_a) = (sku.clone(), plan.clone());
        let (sku_b, plan_b) = (sku.clone(), plan.clone());
        let on_after = Signal::derive(move || intended.with(|i| i.get(&sku_b).is_some_and(|off| !off.contains(&plan_b))));
        let switch = Callback::new(move |on: bool| state.pending.switch_plan(&sku_a, &plan_a, on, on_now));
        view! {
            <li>
                <PlanSwitch label=plan_name.clone() name=plan_name on_now=Some(on_now) on_after=on_after
                    disabled=Signal::derive(move || !can_change() || removing.get()) on_change=switch/>
            </li>
        }
    }).collect_view();
    let remove_sku = sku.clone();
    let carried_for = {
        let (from, group) = (sku.clone(), group.clone());
        Callback::new(move |to: SkuId| {
            carried_over_for_group(&group, &tenant.catalog.read(), Some(&from), &to)
                .into_iter()
                .collect()
        })
    };
    let others = sku_options(catalog, OptionDetail::Name, |s| {
        s.sku_id != sku && !group.assigned_licenses.iter().any(|l| l.sku_id == s.sku_id)
    });
    let remove_label = format!("Remove {name}");
    view! {
        <li class="assignment group-license">
            <div class="assignment-head">
                <p class="sku-name">{name.clone()}</p>
                {move || removing.get().then(|| view! { <span class="badge badge-bad">"Removal pending"</span> })}
            </div>
            <details class="group-plans">
                <summary>{format!("Service plans in {name} (tick to turn on)")}</summary>
                <ul class="plan-switches">{plan_rows}</ul>
            </details>
            <div class="actions">
                <button class="secondary" aria-label=remove_label disabled=move || !can_change() || removing.get()
                    on:click=move |_| state.pending.push(Change::Remove { sku: remove_sku.clone() })>"Remove"</button>
                <ReplaceWith from=sku.clone() from_name=name.clone() options=Signal::stored(others)
                    carried_for=carried_for pending_heading="group-pending-title"
                    queue=Callback::new(move |change| state.pending.push(change))
                    disabled=Signal::derive(move || !can_change() || removing.get())/>
            </div>
        </li>
    }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let state = use_groups();
    let allowed = move || session.may_attempt(Action::ReadGroups);
    let title = move || {
        state
            .open_group()
            .map(|id| crate::state::groups::actions::group_name(state, tenant, &id))
            .unwrap_or_default()
    };
    // The page is rebuilt when another group is read, not when its members or errors
    // change (they update in place).
    let shown = Memo::new(move |_| {
        state.page.with(|answer| match answer {
            None => None,
            Some(Err(error)) => Some(Err(error.clone())),
            Some(Ok(page)) => Some(Ok(page.group.clone())),
        })
    });
    view! {
        <section class="card group-page" aria-labelledby="group-title">
            <p class="back"><ScreenLink screen=Screen::Groups>"← All groups"</ScreenLink></p>
            <h2 id="group-title" tabindex="-1">{title}</h2>
            <NotAllowed action=Action::ReadGroups doing="Reading groups"/>
            <Suspense fallback=move || allowed().then(|| view! { <p role="status" class="busy">"Reading the group…"</p> })>
                {move || state.page.with(|_| ())}
                {move || match shown.get() {
                    None => allowed().then(|| view! { <p role="status" class="busy">"Reading the group…"</p> }).into_any(),
                    Some(Err(error)) => view! { <ErrorPanel error=error context="Reading the group"/> }.into_any(),
                    Some(Ok(group)) => group_facts(group).into_any(),
                }}
            </Suspense>
        </section>
        <GroupMembersWithErrors/>
        <GroupChangeForm/>
        <GroupChangeProgress/>
    }
}

/// The group's processing state, its members by state and its licenses.
fn group_facts(group: Group) -> impl IntoView {
    let state = use_groups();
    let tenant = use_tenant();
    let catalog = tenant.catalog.get_untracked();
    // While a change of this group runs, the state it last read is the news.
    let read_state = group
        .license_processing_state
        .as_ref()
        .map(|p| p.state.clone());
    let shown_group = group.id.clone();
    let processing = move || {
        let live = state.change.with(|change| {
            change
                .as_ref()
                .filter(|c| c.group == shown_group && c.report.is_none())
                .and_then(|c| c.record.as_ref())
                .and_then(|r| r.processing.clone())
        });
        processing_state(live.as_ref().or(read_state.as_ref()))
    };
    let licenses = group.assigned_licenses.clone();
    let counts = move || {
        state.page.with_ready(|page| match &page.members {
            Ok(members) => {
                let counts = member_counts(&page.group.id, &group_licenses(&page.group), members);
                view! {
                    <ul class="counts" aria-label="Members by state">
                        <li>{format!("Members: {}", counts.members)}</li>
                        <li>{format!("Active: {}", counts.active)}</li>
                        <li class=(counts.error > 0).then_some("problem")>{format!("Error: {}", counts.error)}</li>
                        <li>{format!("Pending: {}", counts.pending)}</li>
                    </ul>
                }
                .into_any()
            }
            Err(error) => view! { <ErrorPanel error=error.clone() context="Reading the group's members"/> }.into_any(),
        })
    };
    view! {
        <dl class="facts">
            <dt>"Processing"</dt><dd data-testid="processing-state">{processing}</dd>
            <dt>"Group id"</dt><dd><code>{group.id.to_string()}</code></dd>
        </dl>
        {counts}
        <h3>{format!("Licenses ({})", licenses.len())}</h3>
        {licenses.is_empty().then(|| view! { <p>"This group assigns no licenses."</p> })}
        <ul class="assignments">
            <For each=move || licenses.clone() key=|license| license.sku_id.clone() let:license>
                {license_card(license, group.clone(), &catalog)}
            </For>
        </ul>
    }
}
