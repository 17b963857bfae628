//! The "Licenses" region for one user: every assignment with its source and state,
//! every service plan with who enables it, usage location, and the change controls.
//!
//! Each assignment is a card in a keyed list: a card is rebuilt only when something it
//! shows changed, so toggling a plan, queuing a change or re-reading the user after a
//! write leaves every other card—its open plan list, a half-made "Replace with"
//! choice—as it was.

use crate::components::add_license_form::AddLicenseForm;
use crate::components::error_panel::ErrorPanel;
use crate::components::license_choice::{sku_options, OptionDetail};
use crate::components::plan_switch::PlanSwitch;
use crate::components::replace_with::ReplaceWith;
use crate::components::seat_holders::SeatHolders;
use crate::state::tenant::use_tenant;
use crate::state::user::actions::{ERROR_ID, STATUS_ID};
use crate::state::user::use_user_screen;
use crate::state::user::UserScreen;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::{GroupId, PlanId, SkuId, UserId};
use license_desk_core::graph::model::{
    AssignedLicense, AssignmentError, LicenseAssignmentState, LicenseDetails, User,
};
use license_desk_core::graph::request::{self, Cloud};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::effective;
use license_desk_core::licensing::equivalents;
use license_desk_core::licensing::plan::{self, Change, DirectLicenses};
use license_desk_core::licensing::usage_location::parse_usage_location;
use license_desk_core::ops::Intent;
use license_desk_core::wording::explain_assignment_error;
use std::collections::BTreeSet;

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

/// One service plan of an assignment, as its row shows it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct PlanRow {
    id: PlanId,
    name: String,
    on_now: bool,
    provisioning: String,
    enabled_by: String,
}

/// Everything one assignment's card shows; a card is rebuilt only when this changes.
#[derive(Clone, PartialEq, Eq, Hash)]
struct AssignmentCard {
    sku: SkuId,
    sku_name: String,
    source: String,
    /// The assigning group and its name, for inherited licenses.
    group: Option<(GroupId, String)>,
    state_text: String,
    state_class: &'static str,
    problem: Option<String>,
    /// Graph found no free seat for it: who holds the seats is shown beside.
    no_seats: bool,
    plans: Vec<PlanRow>,
}

impl AssignmentCard {
    fn direct(&self) -> bool {
        self.group.is_none()
    }

    /// "Office 365 E3 (Group: All Staff)": names the card's controls.
    fn label(&self) -> String {
        format!("{} ({})", self.sku_name, self.source)
    }
}

fn assignment_cards(
    user: &User,
    details: &[LicenseDetails],
    catalog: &Catalog,
) -> Vec<AssignmentCard> {
    let states = &user.license_assignment_states;
    states
        .iter()
        .map(|state| {
            let sku_name = catalog.sku_name(&state.sku_id);
            let detail = details.iter().find(|d| d.sku_id == state.sku_id);
            let plans = catalog
                .sku(&state.sku_id)
                .map(|s| s.service_plans.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|info| {
                    let id = info.service_plan_id.clone();
                    let enablers: Vec<String> =
                        effective::enabling_assignments(states, catalog, &id)
                            .into_iter()
                            .map(|s| {
                                format!(
                                    "{} ({})",
                                    catalog.sku_name(&s.sku_id),
                                    source_label(s, catalog)
                                )
                            })
                            .collect();
                    PlanRow {
                        name: catalog.plan_name(&id),
                        on_now: !state.disabled_plans.contains(&id),
                        provisioning: detail
                            .and_then(|d| d.service_plans.iter().find(|p| p.service_plan_id == id))
                            .map(|p| p.provisioning_status.plain().to_string())
                            .unwrap_or_else(|| "—".into()),
                        enabled_by: if enablers.is_empty() {
                            "nothing (off everywhere)".into()
                        } else {
                            enablers.join("; ")
                        },
                        id,
                    }
                })
                .collect();
            AssignmentCard {
                sku: state.sku_id.clone(),
                problem: explain_assignment_error(&state.error, &sku_name),
                no_seats: state.error == AssignmentError::CountViolation,
                source: source_label(state, catalog),
                group: state
                    .assigned_by_group
                    .clone()
                    .map(|g| (g.clone(), catalog.group_name(&g))),
                state_text: license_desk_core::licensing::diff::StateLabel::of(state)
                    .plain()
                    .to_string(),
                state_class: state_class(state),
                sku_name,
                plans,
            }
        })
        .collect()
}

/// What every card's controls share.
#[derive(Clone, Copy)]
struct CardControls {
    screen: UserScreen,
    /// What the pending changes would leave in place: drives the plan toggles.
    intended: Memo<DirectLicenses>,
    /// Which plan lists are open, by card label; kept while cards are rebuilt.
    open_lists: RwSignal<BTreeSet<String>>,
    cannot_assign: Signal<bool>,
    /// Where "Open group in the admin portal" links go (none for the demo tenant).
    portal_cloud: Option<Cloud>,
}

fn assignment_card(card: AssignmentCard, controls: CardControls) -> impl IntoView {
    let CardControls {
        screen,
        intended,
        open_lists,
        cannot_assign,
        portal_cloud,
    } = controls;
    let tenant = use_tenant();
    let label = card.label();
    let direct = card.direct();
    let (list_key, toggle_key) = (label.clone(), label.clone());
    let sku = card.sku.clone();
    let remove_sku = sku.clone();
    let inherited_id = format!(
        "inherited-{}-{}",
        sku,
        card.group.as_ref().map(|g| g.0.as_str()).unwrap_or("")
    );
    let inherited_reason = card.group.as_ref().map(|(_, name)| {
        format!("Inherited from group {name} — remove the user from the group or change the group's license.")
    });
    let group_link = card.group.clone().zip(portal_cloud).map(|((group, name), cloud)| view! {
        <a class="group-link" href=cloud.group_portal_url(&group) target="_blank" rel="noopener noreferrer">
            {format!("Open group {name} in the admin portal")}
        </a>
    });
    let sku_name = card.sku_name.clone();
    let plan_rows = card.plans.into_iter().map(|row| {
        let (intended_sku, intended_plan) = (sku.clone(), row.id.clone());
        let on_now = row.on_now;
        let on_intended = Signal::derive(move || {
            intended.with(|i| i.get(&intended_sku).map(|off| !off.contains(&intended_plan)).unwrap_or(on_now))
        });
        let toggle_sku = sku.clone();
        let plan_id = row.id.clone();
        let toggle_label = format!("{} in {}", row.name, sku_name);
        view! {
            <tr>
                <td>{row.name.clone()}</td>
                <td>
                    {if direct {
                        let toggle = Callback::new(move |enabled: bool| {
                            screen.pending.switch_plan(&toggle_sku, &plan_id, enabled, on_now);
                        });
                        view! {
                            <PlanSwitch label=toggle_label on_now=Some(on_now) on_after=on_intended
                                disabled=cannot_assign on_change=toggle/>
                        }.into_any()
                    } else {
                        view! { <span>{if on_now { "On" } else { "Off" }}</span> }.into_any()
                    }}
                </td>
                <td>{row.provisioning}</td>
                <td>{row.enabled_by}</td>
            </tr>
        }
    }).collect_view();
    view! {
        <li class="assignment">
            <div class="assignment-head">
                <div>
                    <p class="sku-name">{card.sku_name.clone()}</p>
                    <p class="source">{card.source.clone()}</p>
                    {group_link}
                </div>
                <p class=card.state_class>{card.state_text}</p>
            </div>
            {card.problem.map(|p| view! { <p class="warning-text" role="note">{p}</p> })}
            {card.no_seats.then(|| view! { <SeatHolders sku=card.sku.clone()/> })}
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
                    <tbody>{plan_rows}</tbody>
                </table>
            </details>
            <div class="actions">
                // Never remove an inherited license directly: Graph refuses, and the group
                // would assign it again.
                <button class="secondary" aria-label=format!("Remove {label}")
                    disabled=move || !direct || cannot_assign.get()
                    aria-describedby=(!direct).then(|| inherited_id.clone())
                    on:click=move |_| screen.pending.push(Change::Remove { sku: remove_sku.clone() })>"Remove"</button>
                {inherited_reason.map(|why| view! { <span class="hint" id=inherited_id.clone()>{why}</span> })}
                {direct.then(|| {
                    let from = sku.clone();
                    let options = Signal::derive({
                        let from = from.clone();
                        move || sku_options(&tenant.catalog.read(), OptionDetail::Name, |s| s.sku_id != from)
                    });
                    let carried_for = Callback::new({
                        let from = from.clone();
                        move |to: SkuId| screen.carried_over(&tenant.catalog.read(), Some(&from), &to)
                    });
                    view! {
                        <ReplaceWith from=from from_name=card.sku_name.clone() options=options
                            carried_for=carried_for pending_heading="pending-title"
                            queue=Callback::new(move |change| screen.pending.push(change)) disabled=cannot_assign/>
                    }
                })}
            </div>
        </li>
    }
}

/// "Usage location": the form shown while the user has none. What the admin types is
/// checked against the country list before anything is sent.
#[component]
fn UsageLocationForm(user_id: String) -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let screen = use_user_screen();
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let cannot_locate = move || !session.may_attempt(Action::SetUsageLocation);
    let endpoint = session
        .connection
        .with_untracked(|c| c.as_ref().map(|c| c.endpoint.clone()));
    let request_user = user_id.clone();
    let submit = move || match parse_usage_location(&typed.get_untracked()) {
        Ok(code) => {
            problem.set(None);
            crate::state::user::actions::start(
                session,
                tenant,
                screen,
                UserId::new(&user_id),
                Intent::SetUsageLocation(code),
                Vec::new(),
            );
        }
        Err(why) => {
            problem.set(Some(why.describe()));
            crate::browser::focus_when_lost("usage-location", &["usage-location-submit"]);
        }
    };
    view! {
        <form class="row inline-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <p class="warning-text">"⚠ Direct license assignment fails until a usage location is set."</p>
            <div class="field">
                <label for="usage-location">"Usage location (two-letter country code)"</label>
                <input id="usage-location" maxlength="2" size="3" prop:value=move || typed.get()
                    aria-invalid=move || problem.with(Option::is_some).then_some("true")
                    aria-describedby=move || problem.with(Option::is_some).then_some("usage-location-problem")
                    on:input=move |ev| { typed.set(event_target_value(&ev)); problem.set(None); } />
                {move || problem.get().map(|why| view! { <p id="usage-location-problem" class="inline-error">{why}</p> })}
            </div>
            <button id="usage-location-submit" type="submit" class="secondary" disabled=cannot_locate>"Set usage location"</button>
            <pre class="request" aria-label="Usage location request">{move || {
                let code = typed.get().trim().to_ascii_uppercase();
                let request = request::set_usage_location(&request_user, &code);
                match &endpoint {
                    Some(endpoint) => equivalents::http_text(endpoint, &request),
                    None => request.pretty_body(),
                }
            }}</pre>
        </form>
    }
}

/// Where the user read is: the card is built once per user and updates in place.
#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(GraphError),
    Ready(UserId),
}

#[component]
pub fn UserLicenses() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let screen = use_user_screen();
    let open_lists = RwSignal::new(BTreeSet::<String>::new());
    // What the pending changes would leave in place: drives the plan switches.
    let intended = Memo::new(move |_| {
        screen
            .read
            .with_ready(|read| {
                plan::plan(
                    &read.user,
                    &tenant.catalog.read(),
                    &screen.pending.changes(),
                )
                .intended
            })
            .unwrap_or_default()
    });
    // The card is built once per user and updates in place; a new read of the same user
    // changes only the cards whose assignment changed.
    let phase = Memo::new(move |_| {
        screen.read.with(|answer| match answer {
            None => Phase::Loading,
            Some(Err(error)) => Phase::Failed(error.clone()),
            Some(Ok(read)) => Phase::Ready(read.user.id.clone()),
        })
    });
    let cards = Memo::new(move |_| {
        screen
            .read
            .with_ready(|read| assignment_cards(&read.user, &read.details, &tenant.catalog.read()))
            .unwrap_or_default()
    });
    let cannot_assign = Signal::derive(move || !session.may_attempt(Action::Assign));
    let user_field = move |field: fn(&User) -> Option<String>| {
        move || {
            screen
                .read
                .with_ready(|read| field(&read.user))
                .flatten()
                .unwrap_or_default()
        }
    };
    let needs_location = Memo::new(move |_| {
        screen
            .read
            .with_ready(|read| {
                let user = &read.user;
                user.usage_location.is_none().then(|| user.id.to_string())
            })
            .flatten()
    });
    let unknown = Memo::new(move |_| {
        screen.read.with_ready(|read| {
            let user = &read.user;
            {
                let licenses: Vec<AssignedLicense> = user
                    .licenses_with_unknown_source()
                    .into_iter()
                    .cloned()
                    .collect();
                (licenses, user.license_assignment_states.is_empty())
            }
        })
    });

    view! {
        {move || match phase.get() {
            Phase::Loading => view! { <section class="card"><p role="status">"Loading user…"</p></section> }.into_any(),
            Phase::Failed(error) => view! {
                <section class="card">
                    <ErrorPanel error=error context="Reading the user"/>
                    <button type="button" on:click=move |_| screen.read.load()>"Try again"</button>
                </section>
            }.into_any(),
            Phase::Ready(user_id) => untrack(move || {
                let controls = CardControls {
                    screen,
                    intended,
                    open_lists,
                    cannot_assign,
                    // The demo tenant's groups exist only here: no portal link for them.
                    portal_cloud: session.connection.with_untracked(|c| c.as_ref().filter(|c| !c.demo).and_then(|c| c.endpoint.cloud())),
                };
                let reprocess_denied = move || session.claims.with(|c| Action::Reprocess.permitted_by(c.as_ref()).err()).filter(|_| !session.may_attempt(Action::Reprocess));
                let reprocess_id = user_id.clone();
                let nothing_to_reprocess = move || screen.user().as_ref().and_then(license_desk_core::ops::intent::nothing_to_reprocess);
                let reprocess = move |_| crate::state::user::actions::start(session, tenant, screen, reprocess_id.clone(), Intent::Reprocess, Vec::new());
                view! {
                    <section class="card user" aria-labelledby="licenses-title">
                        <div class="user-head">
                            <div>
                                <p class="user-name">{user_field(|u| Some(u.label().to_string()))}</p>
                                <p class="part">{user_field(|u| u.user_principal_name.clone())}
                                    {user_field(|u| (u.account_enabled == Some(false)).then(|| " · sign-in blocked".to_string()))}</p>
                            </div>
                            <div class="actions">
                                <button class="secondary" disabled=move || reprocess_denied().is_some() || screen.is_busy()
                                    title=move || reprocess_denied().unwrap_or_default()
                                    aria-describedby=move || nothing_to_reprocess().map(|_| "reprocess-hint")
                                    on:click=reprocess>"Reprocess"</button>
                                {move || nothing_to_reprocess().map(|why| view! { <p class="hint" id="reprocess-hint">{why}</p> })}
                                {move || reprocess_denied().map(|why| view! { <p class="hint">{format!("Reprocess is disabled: the token {why}. Use “Try anyway” in the token panel to let Graph decide.")}</p> })}
                            </div>
                        </div>
                        <h2 id="licenses-title">"Licenses"</h2>
                        <p>
                            "Usage location: "
                            <strong>{user_field(|u| Some(u.usage_location.clone().unwrap_or_else(|| "not set".into())))}</strong>
                        </p>
                        {move || needs_location.get().map(|id| view! { <UsageLocationForm user_id=id/> })}
                        {move || unknown.get().map(|(licenses, states_empty)| {
                            let nothing = states_empty && licenses.is_empty();
                            view! {
                                {nothing.then(|| view! { <p>"No licenses."</p> })}
                                {unknown_source_list(licenses, states_empty, &tenant.catalog.read_untracked())}
                            }
                        })}
                        <ul class="assignments">
                            <For each=move || cards.get() key=|card| card.clone()
                                children=move |card| assignment_card(card, controls)/>
                        </ul>
                        <AddLicenseForm/>
                        {move || screen.action_error.get().map(|e| view! {
                            <div id=ERROR_ID tabindex="-1"><ErrorPanel error=e context="The last action"/></div>
                        })}
                        {move || screen.unknown_change.with(Option::is_some).then(|| view! {
                            <button class="secondary" disabled=move || screen.busy.with(Option::is_some)
                                on:click=move |_| crate::state::user::actions::check_again(session, tenant, screen)>"Check again"</button>
                        })}
                        {move || screen.busy.get().map(|b| view! { <p id=STATUS_ID tabindex="-1" role="status" class="busy">{b}</p> })}
                        {move || screen.action_note.get().map(|note| view! { <p id=STATUS_ID tabindex="-1" role="status" class="info">{note}</p> })}
                    </section>
                }.into_any()
            }),
        }}
    }
}
