//! "Change this group's licenses": add a license with its plans, the pending changes
//! (from here and from the switches, Remove and Replace on the group's licenses), the
//! preview with the exact request and the warnings to tick, and "Apply changes".
//!
//! Planning is the core's `plan_group` against the group and members as read (the state
//! keeps the plan); the run reads both again and plans once more before it sends, with
//! only the ticked warnings.

use crate::components::add_license_form::AddLicense;
use crate::components::license_choice::{sku_options, OptionDetail};
use crate::components::not_allowed::NotAllowed;
use crate::components::pending_changes_panel::{described, PendingChangesPanel};
use crate::state::groups::use_groups;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::SkuId;
use license_desk_core::graph::request;
use license_desk_core::groups::list::carried_over_for_group;
use license_desk_core::licensing::plan::Warning;
use license_desk_core::wording::pending::Subject;

#[component]
fn AddGroupLicense() -> impl IntoView {
    let tenant = use_tenant();
    let state = use_groups();
    let session = use_session();
    let carried_for = Callback::new(move |sku: SkuId| {
        state
            .page
            .with_ready(|page| {
                carried_over_for_group(&page.group, &tenant.catalog.read(), None, &sku)
            })
            .unwrap_or_default()
            .into_iter()
            .collect()
    });
    let options = Signal::derive(move || {
        let has: Vec<SkuId> = state
            .page
            .with_ready(|page| {
                page.group
                    .assigned_licenses
                    .iter()
                    .map(|l| l.sku_id.clone())
                    .collect()
            })
            .unwrap_or_default();
        sku_options(&tenant.catalog.read(), OptionDetail::Seats, |s| {
            !has.contains(&s.sku_id)
        })
    });
    let cannot_change =
        Signal::derive(move || !session.may_attempt(Action::AssignGroupLicense) || state.is_busy());
    view! {
        <AddLicense summary="Add license to the group" id="group-add-sku"
            pending_heading="group-pending-title" options=options carried_for=carried_for
            disabled=cannot_change queue=Callback::new(move |change| state.pending.push(change))/>
    }
}

#[component]
pub fn GroupChangeForm() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let state = use_groups();
    let catalog = tenant.catalog;
    let allowed = move || session.may_attempt(Action::AssignGroupLicense);
    let (changes, refusals) = described(catalog, state.pending);
    let request = Signal::derive(move || state.pending.request(request::group_assign_license));
    view! {
        <Show when=move || state.group().is_some()>
            <section class="card group-change" aria-labelledby="group-change-title">
                <h2 id="group-change-title">"Change this group's licenses"</h2>
                <NotAllowed action=Action::AssignGroupLicense doing="Changing a group's licenses" id="group-change-not-allowed"/>
                <AddGroupLicense/>
                <PendingChangesPanel
                    subject=Subject::Group
                    heading_id="group-pending-title"
                    level=3
                    changes=changes
                    refusals=refusals
                    request=request
                    checklist=state.pending.checklist
                    describe=move |warning: Warning| catalog.with(|c| warning.describe(c))
                    busy=Signal::derive(move || state.is_busy())
                    allowed=Signal::derive(allowed)
                    not_allowed_note="group-change-not-allowed"
                    on_discard=move |()| state.pending.set(Vec::new())
                    on_apply=move |()| crate::state::groups::actions::apply(session, tenant, state)>
                    <p class="hint">"Graph answers 202 Accepted and applies the change to the members in the background; License Desk follows the group's processing state until it completes."</p>
                </PendingChangesPanel>
            </section>
        </Show>
    }
}
