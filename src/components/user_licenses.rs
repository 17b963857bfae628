//! The "Licenses" region for one user: every assignment with its source and state,
//! every service plan with who enables it, usage location, and the change controls.

use crate::components::add_license_form::AddLicenseForm;
use crate::components::error_panel::ErrorPanel;
use crate::components::replace_with::ReplaceWith;
use crate::components::token_panel::permission_for;
use crate::session::{use_session, Session};
use crate::workspace::{use_workspace, Load, Workspace};
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::catalog::Catalog;
use license_desk_core::effective;
use license_desk_core::equivalents;
use license_desk_core::model::{AssignedLicense, LicenseAssignmentState, User};
use license_desk_core::ops::Intent;
use license_desk_core::plan::{self, Change};
use license_desk_core::request;
use license_desk_core::route::UserId;
use license_desk_core::token::Action;
use license_desk_core::wording::explain_assignment_error;

/// Reads the user, their license details and the names of groups that license them, and
/// shows the user once all three are in: the card is built once per read, so nothing the
/// admin starts choosing on it is rebuilt away when a name arrives.
pub fn load_user(session: Session, workspace: Workspace, id: String) {
    workspace.user.set(Load::Loading);
    spawn_local(async move {
        match crate::graph_client::get_user(session, &id).await {
            Ok(user) => {
                let groups: Vec<_> = user
                    .license_assignment_states
                    .iter()
                    .filter_map(|s| s.assigned_by_group.clone())
                    .filter(|g| !workspace.group_names.with_untracked(|n| n.contains_key(g)))
                    .collect();
                let details = crate::graph_client::license_details(session, &id)
                    .await
                    .unwrap_or_default();
                for group in groups {
                    if let Ok(found) = crate::graph_client::group(session, &group).await {
                        if let Some(name) = found.display_name {
                            workspace.group_names.update(|n| {
                                n.insert(group, name);
                            });
                        }
                    }
                }
                workspace.details.set(details);
                workspace.user.set(Load::Ready(user));
            }
            Err(error) => workspace.user.set(Load::Failed(error)),
        }
    });
}

/// Licenses in `assignedLicenses` that no assignment state explains: listed without
/// change controls, since nobody can tell whether they are direct or inherited.
fn unknown_source_list(
    licenses: Vec<AssignedLicense>,
    states_empty: bool,
    catalog: &Catalog,
) -> impl IntoView {
    let source = if states_empty {
        "Source unknown (Graph returned no licenseAssignmentStates)"
    } else {
        "Source unknown (Graph returned no licenseAssignmentStates entry for it)"
    };
    (!licenses.is_empty()).then(|| view! {
        <p class="warning-text" role="note">"⚠ License Desk can't tell whether these licenses are assigned directly or inherited from a group. Reload the user before changing them."</p>
        <ul class="assignments unknown-source">
            {licenses.iter().map(|license| {
                let off: Vec<String> = license.disabled_plans.iter().map(|p| catalog.plan_name(p)).collect();
                view! {
                    <li class="assignment">
                        <p class="sku-name">{catalog.sku_name(&license.sku_id)}</p>
                        <p class="source">{source}</p>
                        {(!off.is_empty()).then(|| view! { <p class="part">{format!("Off: {}", off.join(", "))}</p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}

/// The class of an assignment's state badge: errors are bad, a state Graph did not send
/// (or one License Desk doesn't know) is unknown, not fine.
fn state_class(state: &LicenseAssignmentState) -> &'static str {
    if state.error.is_error() {
        "state bad"
    } else if !state.state.is_known() {
        "state unknown"
    } else {
        "state ok"
    }
}

fn source_label(state: &LicenseAssignmentState, catalog: &Catalog) -> String {
    match &state.assigned_by_group {
        None => "Direct".into(),
        Some(group) => format!("Group: {}", catalog.group_name(group)),
    }
}

#[component]
pub fn UserLicenses() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    Effect::new(move |_| {
        if let Some(id) = workspace.open_user() {
            workspace.action_error.set(None);
            load_user(session, workspace, id.to_string());
        }
    });
    let usage_location = RwSignal::new(String::new());
    // Which plan lists are expanded; kept across re-renders while the admin edits.
    let open_lists = RwSignal::new(std::collections::BTreeSet::<String>::new());
    // What the pending changes would leave in place: drives the plan toggles without
    // rebuilding the card on every edit.
    let intended = Memo::new(move |_| {
        workspace
            .user
            .with(|u| {
                u.ready().map(|user| {
                    plan::plan(user, &workspace.catalog(), &workspace.pending_changes()).intended
                })
            })
            .unwrap_or_default()
    });
    let cannot_assign = move || !session.may_attempt(Action::Assign);
    let cannot_locate = move || !session.may_attempt(Action::SetUsageLocation);
    let reprocess = move |user: User| {
        crate::user_runs::start(
            session,
            workspace,
            UserId::new(&user.id),
            Intent::Reprocess,
            Vec::new(),
        );
    };
    let set_location = move |user: User| {
        let code = usage_location.get().trim().to_ascii_uppercase();
        crate::user_runs::start(
            session,
            workspace,
            UserId::new(&user.id),
            Intent::SetUsageLocation(code),
            Vec::new(),
        );
    };

    view! {
        {move || {
            // The card is rebuilt when the user is (re)read, or once the tenant's SKUs
            // arrive for names; everything else on it updates in place.
            workspace.skus.with(|s| s.ready().is_some());
            match workspace.user.get() {
            Load::Idle | Load::Loading => view! { <section class="card"><p role="status">"Loading user…"</p></section> }.into_any(),
            Load::Failed(error) => view! { <section class="card"><ErrorPanel error=error context="Reading the user"/></section> }.into_any(),
            Load::Ready(user) => untrack(move || {
                let catalog = workspace.catalog();
                // The demo tenant's groups exist only here: no portal link for them.
                let portal_cloud = session.connection.with(|c| c.as_ref().filter(|c| !c.demo).and_then(|c| c.endpoint.cloud()));
                let reprocess_denied = move || permission_for(session.claims().as_ref(), Action::Reprocess).err().filter(|_| !session.may_attempt(Action::Reprocess));
                let details = workspace.details.get();
                let reprocess_user = user.clone();
                let locate_user = user.clone();
                let location_user_id = user.id.to_string();
                let location_endpoint = session.connection.with(|c| c.as_ref().map(|c| c.endpoint.clone()));
                let states = user.license_assignment_states.clone();
                let unknown_sources: Vec<AssignedLicense> = user.licenses_with_unknown_source().into_iter().cloned().collect();
                let nothing_assigned = states.is_empty() && unknown_sources.is_empty();
                view! {
                    <section class="card user" aria-labelledby="licenses-title">
                        <div class="user-head">
                            <div>
                                <p class="user-name">{user.label().to_string()}</p>
                                <p class="part">{user.user_principal_name.clone().unwrap_or_default()}
                                    {(user.account_enabled == Some(false)).then_some(" · sign-in blocked")}</p>
                            </div>
                            <div class="actions">
                                <button class="secondary" disabled=move || reprocess_denied().is_some() || workspace.busy.with(Option::is_some)
                                    title=move || reprocess_denied().unwrap_or_default()
                                    on:click=move |_| reprocess(reprocess_user.clone())>"Reprocess"</button>
                                {move || reprocess_denied().map(|why| view! { <p class="hint">{format!("Reprocess is disabled: the token {why}. Use “Try anyway” in the token panel to let Graph decide.")}</p> })}
                            </div>
                        </div>
                        <h2 id="licenses-title">"Licenses"</h2>
                        <p>
                            "Usage location: "
                            <strong>{user.usage_location.clone().unwrap_or_else(|| "not set".into())}</strong>
                        </p>
                        {user.usage_location.is_none().then(|| view! {
                            <form class="row inline-form" on:submit=move |ev| { ev.prevent_default(); set_location(locate_user.clone()); }>
                                <p class="warning-text">"⚠ Direct license assignment fails until a usage location is set."</p>
                                <div class="field">
                                    <label for="usage-location">"Usage location (two-letter country code)"</label>
                                    <input id="usage-location" maxlength="2" size="3" prop:value=move || usage_location.get()
                                        on:input=move |ev| usage_location.set(event_target_value(&ev)) />
                                </div>
                                <button type="submit" class="secondary" disabled=cannot_locate>"Set usage location"</button>
                                <pre class="request" aria-label="Usage location request">{move || {
                                    let code = usage_location.get().trim().to_ascii_uppercase();
                                    let request = request::set_usage_location(&location_user_id, &code);
                                    match &location_endpoint {
                                        Some(endpoint) => equivalents::http_text(endpoint, &request),
                                        None => request.pretty_body(),
                                    }
                                }}</pre>
                            </form>
                        })}
                        {nothing_assigned.then(|| view! { <p>"No licenses."</p> })}
                        {unknown_source_list(unknown_sources, states.is_empty(), &catalog)}
                        <ul class="assignments">
                            {states.into_iter().map(|state| {
                                let sku_name = catalog.sku_name(&state.sku_id);
                                let source = source_label(&state, &catalog);
                                let direct = state.is_direct();
                                let sku = state.sku_id.clone();
                                let problem = explain_assignment_error(&state.error, &sku_name);
                                let label = format!("{sku_name} ({source})");
                                let list_key = label.clone();
                                let toggle_key = label.clone();
                                let detail = details.iter().find(|d| d.sku_id == sku).cloned();
                                let plans = catalog.sku(&sku).map(|s| s.service_plans.clone()).unwrap_or_default();
                                let all_states = user.license_assignment_states.clone();
                                let remove_sku = sku.clone();
                                let replace_from = sku.clone();
                                let state_class = state_class(&state);
                                view! {
                                    <li class="assignment">
                                        <div class="assignment-head">
                                            <div>
                                                <p class="sku-name">{sku_name.clone()}</p>
                                                <p class="source">{source.clone()}</p>
                                                {state.assigned_by_group.clone().zip(portal_cloud).map(|(group, cloud)| view! {
                                                    <a class="group-link" href=cloud.group_portal_url(&group) target="_blank" rel="noopener noreferrer">
                                                        {format!("Open group {} in the admin portal", catalog.group_name(&group))}
                                                    </a>
                                                })}
                                            </div>
                                            <p class=state_class>{license_desk_core::diff::StateLabel::of(&state).plain()}</p>
                                        </div>
                                        {problem.map(|p| view! { <p class="warning-text" role="note">{p}</p> })}
                                        <details
                                            prop:open=move || open_lists.with(|o| o.contains(&list_key))
                                            on:toggle=move |ev| {
                                                let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                                                let key = toggle_key.clone();
                                                open_lists.update(|o| { if open { o.insert(key); } else { o.remove(&key); } });
                                            }>
                                            <summary>{format!("Service plans of {label}")}</summary>
                                            <table class="plans-table">
                                                <thead><tr><th scope="col">"Plan"</th><th scope="col">"On"</th><th scope="col">"Provisioning"</th><th scope="col">"Enabled by"</th></tr></thead>
                                                <tbody>
                                                    {plans.into_iter().map(|info| {
                                                        let plan_id = info.service_plan_id.clone();
                                                        let name = catalog.plan_name(&plan_id);
                                                        let on_now = !state.disabled_plans.contains(&plan_id);
                                                        let intended_sku = sku.clone();
                                                        let intended_plan = plan_id.clone();
                                                        let on_intended = Signal::derive(move || intended.with(|i| i.get(&intended_sku).map(|off| !off.contains(&intended_plan)).unwrap_or(on_now)));
                                                        let provisioning = detail.as_ref()
                                                            .and_then(|d| d.service_plans.iter().find(|p| p.service_plan_id == plan_id))
                                                            .map(|p| p.provisioning_status.plain().to_string())
                                                            .unwrap_or_else(|| "—".into());
                                                        let enablers: Vec<String> = effective::enabling_assignments(&all_states, &catalog, &plan_id)
                                                            .into_iter().map(|s| format!("{} ({})", catalog.sku_name(&s.sku_id), source_label(s, &catalog))).collect();
                                                        let toggle_sku = sku.clone();
                                                        let toggle_label = format!("{name} in {sku_name}");
                                                        view! {
                                                            <tr>
                                                                <td>{name.clone()}</td>
                                                                <td>
                                                                    {if direct {
                                                                        view! {
                                                                            <input type="checkbox" aria-label=toggle_label prop:checked=on_intended
                                                                                disabled=cannot_assign
                                                                                on:change=move |ev| {
                                                                                    let enabled = event_target_checked(&ev);
                                                                                    toggle_plan(workspace, toggle_sku.clone(), plan_id.clone(), enabled, on_now);
                                                                                } />
                                                                            {move || if on_intended.get() { " On" } else { " Off" }}
                                                                        }.into_any()
                                                                    } else {
                                                                        view! { <span>{if on_now { "On" } else { "Off" }}</span> }.into_any()
                                                                    }}
                                                                </td>
                                                                <td>{provisioning}</td>
                                                                <td>{if enablers.is_empty() { "nothing (off everywhere)".to_string() } else { enablers.join("; ") }}</td>
                                                            </tr>
                                                        }
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </details>
                                        <div class="actions">
                                            <button class="secondary" aria-label=format!("Remove {label}") disabled=cannot_assign
                                                on:click=move |_| workspace.push_change(Change::Remove { sku: remove_sku.clone() })>"Remove"</button>
                                            {(!direct).then(|| view! { <span class="hint">"Inherited: change it on the group or the membership."</span> })}
                                            {direct.then(|| view! {
                                                <ReplaceWith from=replace_from.clone() from_name=sku_name.clone() disabled=Signal::derive(cannot_assign)/>
                                            })}
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <AddLicenseForm/>
                        {move || workspace.action_error.get().map(|e| view! { <ErrorPanel error=e context="The last action"/> })}
                        {move || workspace.busy.get().map(|b| view! { <p role="status" class="busy">{b}</p> })}
                    </section>
                }.into_any()
            }),
            }
        }}
    }
}

/// Records the admin's wish for one plan, replacing any earlier wish for the same plan.
fn toggle_plan(
    workspace: Workspace,
    sku: license_desk_core::Guid,
    plan_id: license_desk_core::Guid,
    enabled: bool,
    on_now: bool,
) {
    let mut changes: Vec<Change> = workspace
        .pending_changes()
        .into_iter()
        .filter(
            |c| !matches!(c, Change::SetPlan { sku: s, plan: p, .. } if *s == sku && *p == plan_id),
        )
        .collect();
    if enabled != on_now {
        changes.push(Change::SetPlan {
            sku,
            plan: plan_id,
            enabled,
        });
    }
    workspace.set_pending(changes);
}
