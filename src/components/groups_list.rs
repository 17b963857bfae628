//! "Groups": groups whose members have license errors first, then every other group that
//! assigns licenses; each with its licenses by name and its processing state, and a link
//! to the group's page.

use crate::components::error_panel::ErrorPanel;
use crate::components::not_allowed::NotAllowed;
use crate::components::screen_link::ScreenLink;
use crate::state::groups::use_groups;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::AssignedLicense;
use license_desk_core::groups::list::{group_label, GroupRow};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::route::Screen;
use license_desk_core::wording::groups::processing_state;

/// "Office 365 E3 (Sway, Yammer off)".
pub fn license_text(license: &AssignedLicense, catalog: &Catalog) -> String {
    let name = catalog.sku_name(&license.sku_id);
    if license.disabled_plans.is_empty() {
        return name;
    }
    let off: Vec<String> = license
        .disabled_plans
        .iter()
        .map(|p| catalog.plan_name(p))
        .collect();
    format!("{name} ({} off)", off.join(", "))
}

/// One group's row. It is keyed by the group's id and follows the list's fresh reads in
/// place: a re-read that clears a group's errors changes its badge and state, never the
/// link under the admin's pointer.
fn group_row(
    id: GroupId,
    rows: Memo<Option<Vec<GroupRow>>>,
    catalog: Memo<Catalog>,
) -> impl IntoView {
    let screen = Screen::Group(id.clone());
    let row = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .flatten()
                .find(|row| row.group.id == id)
                .cloned()
        })
    });
    let name = move || {
        row.with(|row| {
            row.as_ref()
                .map(|row| group_label(&row.group))
                .unwrap_or_default()
        })
    };
    let has_errors = move || row.with(|row| row.as_ref().is_some_and(|row| row.has_errors));
    // Read as the catalogue changes: the friendly names may arrive after the row.
    let licenses = move || {
        let licenses: Vec<String> = row.with(|row| {
            catalog.with(|catalog| {
                row.iter()
                    .flat_map(|row| &row.group.assigned_licenses)
                    .map(|l| license_text(l, catalog))
                    .collect()
            })
        });
        if licenses.is_empty() {
            "Licenses: none shown".to_string()
        } else {
            format!("Licenses: {}", licenses.join("; "))
        }
    };
    let state = move || {
        row.with(|row| {
            processing_state(
                row.as_ref()
                    .and_then(|row| row.group.license_processing_state.as_ref())
                    .map(|p| &p.state),
            )
        })
    };
    view! {
        <li class="group-row">
            <div class="group-row-head">
                <ScreenLink screen=screen class="group-name">{name}</ScreenLink>
                {move || has_errors().then(|| view! { <span class="badge badge-bad">"Members with license errors"</span> })}
            </div>
            <p class="part">{licenses}</p>
            <p class="part">{state}</p>
        </li>
    }
}

#[component]
pub fn GroupsList() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let state = use_groups();
    let allowed = move || session.may_attempt(Action::ReadGroups);
    // Read afresh each time the screen opens: processing states and errors move.
    session.read_when_allowed(Action::ReadGroups, move || state.list.load());
    let rows = Memo::new(move |_| state.list.ready());
    let summary = move || {
        rows.with(|rows| {
            rows.as_ref().map(|rows| {
                let failing = rows.iter().filter(|r| r.has_errors).count();
                match failing {
                    0 => format!(
                        "{} groups assign licenses; none has members with license errors.",
                        rows.len()
                    ),
                    n => format!(
                        "{} groups assign licenses; {n} with members with license errors.",
                        rows.len()
                    ),
                }
            })
        })
    };
    view! {
        <section class="card groups" aria-labelledby="groups-title">
            <h2 id="groups-title" tabindex="-1">"Groups"</h2>
            <p class="hint">"Groups whose members have license errors come first, then every other group that assigns licenses."</p>
            <div class="actions">
                <button class="secondary" disabled=move || !allowed() || state.list.is_loading()
                    aria-describedby=move || (!allowed()).then_some("groups-not-allowed")
                    on:click=move |_| state.list.load()>"Refresh groups"</button>
            </div>
            <NotAllowed action=Action::ReadGroups doing="Reading groups" id="groups-not-allowed"/>
            <Transition fallback=move || view! { <p role="status" class="busy">"Reading groups…"</p> }>
                {move || state.list.with(|answer| match answer {
                    None if state.list.is_loading() => view! { <p role="status" class="busy">"Reading groups…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorPanel error=error.clone() context="Reading groups"/> }.into_any(),
                    _ => ().into_any(),
                })}
                {move || summary().map(|text| view! { <p role="status">{text}</p> })}
                <ul class="group-list">
                    <For each=move || rows.get().unwrap_or_default() key=|row| row.group.id.clone() let:row>
                        {group_row(row.group.id, rows, tenant.catalog)}
                    </For>
                </ul>
            </Transition>
        </section>
    }
}
