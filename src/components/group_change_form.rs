//! "Change this group's licenses": add a license with its plans, the pending changes
//! (from here and from the switches, Remove and Replace on the group's licenses), the
//! preview with the exact request and the warnings to tick, and "Apply changes".
//!
//! Planning is the core's `plan_group` against the group and members as read; the run
//! reads both again and plans once more before it sends, with only the ticked warnings.

use crate::components::plan_choices::PlanChoices;
use crate::state::groups::use_groups;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::graph::request;
use license_desk_core::groups::change::plan_group;
use license_desk_core::groups::list::carried_over_for_group;
use license_desk_core::licensing::equivalents;
use license_desk_core::licensing::plan::Change;
use license_desk_core::wording::describe_change;
use std::collections::BTreeSet;

#[component]
fn AddGroupLicense() -> impl IntoView {
    let tenant = use_tenant();
    let state = use_groups();
    let session = use_session();
    let chosen = RwSignal::new(None::<SkuId>);
    let off = RwSignal::new(BTreeSet::<PlanId>::new());
    let carried = Memo::new(move |_| {
        let (Some(sku), Some(group)) = (chosen.get(), state.group.with(|g| g.ready().cloned()))
        else {
            return BTreeSet::new();
        };
        carried_over_for_group(&group, &tenant.catalog.read(), None, &sku)
            .into_iter()
            .collect::<BTreeSet<PlanId>>()
    });
    Effect::new(move |_| off.set(carried.get()));
    let can_change = move || session.may_attempt(Action::AssignGroupLicense) && !state.is_busy();
    let add = move || {
        let Some(sku) = chosen.get() else {
            return;
        };
        state.push_change(Change::Add {
            sku,
            disabled_plans: off.get().into_iter().collect(),
        });
        chosen.set(None);
        crate::browser::focus_when_lost("group-pending-title", &[]);
    };
    view! {
        <details class="add-license">
            <summary>"Add license to the group"</summary>
            <div class="field">
                <label for="group-add-sku">"License to add"</label>
                <select id="group-add-sku" disabled=move || !can_change()
                    prop:value=move || chosen.get().map(|g| g.to_string()).unwrap_or_default()
                    on:change=move |ev| chosen.set(Some(event_target_value(&ev)).filter(|v| !v.is_empty()).map(|v| SkuId::new(&v)))>
                    <option value="">"Choose a license…"</option>
                    {move || {
                        let catalog = tenant.catalog.read();
                        let has = state.group.with(|g| g.ready().map(|g| g.assigned_licenses.iter().map(|l| l.sku_id.clone()).collect::<Vec<_>>())).unwrap_or_default();
                        catalog.skus.iter().filter(|s| !has.contains(&s.sku_id)).map(|sku| {
                            let seats = sku.known_free_seats().map_or_else(|| "free seats unknown".to_string(), |n| format!("{} free", crate::format::number(n)));
                            view! { <option value=sku.sku_id.to_string()>{format!("{} — {seats}", catalog.sku_name(&sku.sku_id))}</option> }
                        }).collect_view()
                    }}
                </select>
            </div>
            {move || chosen.get().map(|sku| {
                let legend = format!("Service plans in {} (untick to turn off)", tenant.catalog.read().sku_name(&sku));
                view! { <PlanChoices sku=sku off=off carried=carried.get() legend=legend/> }
            })}
            <button class="secondary" disabled=move || chosen.with(Option::is_none) || !can_change() on:click=move |_| add()>"Add to pending changes"</button>
        </details>
    }
}

#[component]
pub fn GroupChangeForm() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let state = use_groups();
    let previewing = RwSignal::new(false);
    let allowed = move || session.may_attempt(Action::AssignGroupLicense);
    let reason = move || {
        Action::AssignGroupLicense
            .permitted_by(session.claims.get().as_ref())
            .err()
    };
    // A new set of changes needs a new preview.
    Effect::new(move |_| {
        state.pending.track();
        previewing.set(false);
    });
    let current = move || {
        let group = state.group.with(|g| g.ready().cloned())?;
        let members = state.members.with(|m| m.ready().cloned())?;
        let changes = state.pending_changes();
        (!changes.is_empty()).then(|| {
            let plan = plan_group(&group, &members, &tenant.catalog.read(), &changes);
            (group, changes, plan)
        })
    };
    view! {
        <Show when=move || state.group.with(|g| g.ready().is_some())>
            <section class="card group-change" aria-labelledby="group-change-title">
                <h2 id="group-change-title">"Change this group's licenses"</h2>
                {move || (!allowed()).then(|| view! {
                    <p id="group-change-not-allowed" class="warning-text" role="note">{format!("Changing a group's licenses is not allowed by this token: it {}. Use “Try anyway” in the token panel if Graph may still allow it.", reason().unwrap_or_default())}</p>
                })}
                <AddGroupLicense/>
                {move || current().map(|(group, changes, planned)| {
                    let catalog = tenant.catalog.get();
                    let endpoint = session.connection.get().map(|c| c.endpoint);
                    let request = planned.body.as_ref().map(|b| request::group_assign_license(&group.id, b));
                    let has_body = request.is_some();
                    let warnings = planned.warnings.clone();
                    let needed: Vec<_> = warnings.iter().filter(|w| w.needs_ack()).cloned().collect();
                    let refusals: Vec<String> = planned.refusals.iter().map(|r| r.describe(&catalog)).collect();
                    let ready = Signal::derive(move || {
                        has_body && allowed() && !state.is_busy()
                            && state.ticked.with(|t| needed.iter().all(|w| t.contains(w)))
                    });
                    let acknowledged = warnings.clone();
                    view! {
                        <h3 id="group-pending-title" tabindex="-1">"Pending changes"</h3>
                        <ul>{changes.iter().map(|c| view! { <li>{describe_change(c, &catalog)}</li> }).collect_view()}</ul>
                        {(!refusals.is_empty()).then(|| view! {
                            <div class="error-panel" role="alert">
                                <p class="error-title"><strong>"Refused: this can't be done on the group"</strong></p>
                                <ul>{refusals.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                                <p>"Discard the changes and start again."</p>
                            </div>
                        })}
                        {(!has_body && planned.refusals.is_empty()).then(|| view! { <p role="status">"These changes leave the group as it is: nothing to send."</p> })}
                        <div class="actions">
                            <button class="primary" disabled=move || !has_body || state.is_busy() on:click=move |_| previewing.set(true)>"Preview changes"</button>
                            <button class="secondary" disabled=move || state.is_busy()
                                on:click=move |_| state.set_pending(Vec::new())>"Discard changes"</button>
                        </div>
                        <Show when=move || previewing.get() && has_body>
                            <div class="preview" role="region" aria-label="Preview">
                                <h3>"Request to be sent"</h3>
                                <pre class="request" aria-label="Request">{
                                    match (&request, &endpoint) {
                                        (Some(r), Some(e)) => equivalents::http_text(e, r),
                                        _ => String::new(),
                                    }
                                }</pre>
                                <p class="hint">"Graph answers 202 Accepted and applies the change to the members in the background; License Desk follows the group's processing state until it completes."</p>
                                {(!warnings.is_empty()).then(|| view! {
                                    <h3>"Check before applying"</h3>
                                    <ul class="warnings">
                                        {warnings.clone().into_iter().map(|w| {
                                            let text = w.describe(&catalog);
                                            let (w_checked, w_change) = (w.clone(), w.clone());
                                            view! {
                                                <li>
                                                    <label class="check">
                                                        <input type="checkbox" prop:checked=move || state.ticked.with(|t| t.contains(&w_checked))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                state.ticked.update(|t| {
                                                                    t.retain(|x| x != &w_change);
                                                                    if on { t.push(w_change.clone()); }
                                                                });
                                                            }/>
                                                        {format!("I understand: {text}")}
                                                    </label>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })}
                                <button class="primary" disabled=move || !ready.get()
                                    aria-describedby=move || (!allowed()).then_some("group-change-not-allowed")
                                    on:click={
                                        let acknowledged = acknowledged.clone();
                                        move |_| {
                                            let ticked: Vec<_> = state.ticked.with(|t| acknowledged.iter().filter(|w| !w.needs_ack() || t.contains(w)).cloned().collect());
                                            previewing.set(false);
                                            crate::state::groups::actions::apply(session, tenant, state, ticked);
                                        }
                                    }>"Apply changes"</button>
                            </div>
                        </Show>
                    }
                })}
            </section>
        </Show>
    }
}
