//! "Users" for a bulk change: a pasted list or CSV, an uploaded CSV, a group's members,
//! a license's holders, or a group's members with license errors. Each source says how
//! many users it found; bad lines are listed with their line numbers, never dropped.

use crate::components::error_panel::ErrorPanel;
use crate::components::picker::Picker;
use crate::format::count;
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::BulkState;
use crate::state::read::TenantRead;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::bulk::input::{BadLine, ParsedUsers};
use license_desk_core::graph::ids::{GroupId, Guid, SkuId};
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::route::{Holding, Screen};

/// Where a list of users comes from, besides the text area and the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListSource {
    GroupMembers,
    LicenseHolders,
    GroupErrors,
}

#[component]
fn BadLines(bad: Vec<BadLine>) -> impl IntoView {
    (!bad.is_empty()).then(|| {
        let heading = count(bad.len(), "line was not used", "lines were not used");
        view! {
            <details class="bad-lines" open=true>
                <summary>{heading}</summary>
                <ul>
                    {bad.into_iter().map(|line| view! {
                        <li>"Line " {line.line} ": " <code>{line.text}</code> " — " {line.reason}</li>
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

fn found_text(parsed: &ParsedUsers) -> String {
    let mut text = count(parsed.identifiers.len(), "user found", "users found");
    if parsed.duplicates > 0 {
        text.push_str(&format!(
            "; {} merged",
            count(parsed.duplicates, "duplicate", "duplicates")
        ));
    }
    text
}

#[component]
pub fn BulkUserSources() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let bulk = expect_context::<BulkState>();
    let pasted = bulk.parsed_paste;
    // The tenant's groups, to pick one from; read with the screen.
    let groups = TenantRead::eager(session, move || {
        session
            .connected
            .get()
            .then(|| bulk_runs::read_groups_to_pick(session, tenant))
    });
    let kind = RwSignal::new(ListSource::GroupMembers);
    let chosen = RwSignal::new(String::new());
    let locked = move || bulk.is_running();
    let read_source = Action::new_local(
        move |(label, first, origin): &(String, GraphRequest, Screen)| {
            bulk_runs::read_source(session, bulk, label.clone(), first.clone(), origin.clone())
        },
    );
    let read_file = Action::new_local(move |file: &web_sys::File| {
        bulk_runs::read_uploaded_file(bulk, file.clone())
    });
    let on_file = move |event: leptos::ev::Event| {
        if let Some(file) = crate::browser::chosen_file(&event) {
            read_file.dispatch_local(file);
        }
    };

    let add_list = move |_| {
        let id = chosen.get_untracked();
        if id.is_empty() {
            return;
        }
        let guid = Guid::new(&id);
        let (group_id, sku_id) = (GroupId::from(guid.clone()), SkuId::from(guid));
        let group_name = || {
            untrack(|| {
                groups.with_ready(|all| {
                    all.iter()
                        .find(|group| group.id == group_id)
                        .and_then(|group| group.display_name.clone())
                })
            })
            .flatten()
            .unwrap_or_else(|| id.clone())
        };
        let (label, first, origin) = match kind.get_untracked() {
            ListSource::GroupMembers => (
                format!("members of {}", group_name()),
                request::group_transitive_user_members(&group_id),
                Screen::Group(group_id.clone()),
            ),
            ListSource::GroupErrors => (
                format!("members of {} with license errors", group_name()),
                request::members_with_license_errors(&group_id),
                Screen::Group(group_id.clone()),
            ),
            ListSource::LicenseHolders => {
                let names = tenant.names.get_untracked();
                let name = untrack(|| {
                    tenant.skus.with_ready(|all| {
                        all.iter()
                            .find(|sku| sku.sku_id == sku_id)
                            .map(|sku| names.sku_name(&sku.sku_id, Some(&sku.sku_part_number)))
                    })
                })
                .flatten()
                .unwrap_or_else(|| id.clone());
                (
                    format!("holders of {name}"),
                    request::users_with_sku(&sku_id),
                    Screen::Holders(sku_id.clone(), Holding::Any),
                )
            }
        };
        read_source.dispatch_local((label, first, origin));
    };

    let choices = move || match kind.get() {
        ListSource::LicenseHolders => {
            let names = tenant.names.get();
            tenant
                .skus
                .with_ready(|all| {
                    all.iter()
                        .map(|sku| {
                            (
                                sku.sku_id.to_string(),
                                names.sku_name(&sku.sku_id, Some(&sku.sku_part_number)),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
        ListSource::GroupMembers | ListSource::GroupErrors => groups
            .with_ready(|all| {
                all.iter()
                    .map(|group| {
                        (
                            group.id.to_string(),
                            group
                                .display_name
                                .clone()
                                .unwrap_or_else(|| group.id.to_string()),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    };

    view! {
        <fieldset class="bulk-sources" disabled=locked>
            <legend>"Users"</legend>
            <div class="field">
                <label for="bulk-users">"Users"</label>
                <textarea id="bulk-users" rows="6" aria-describedby="bulk-users-hint bulk-users-found"
                    prop:value=move || bulk.pasted.get()
                    on:input=move |ev| bulk.type_users(event_target_value(&ev))
                    on:blur=move |_| bulk.settle_typed_users()></textarea>
                <p class="hint" id="bulk-users-hint">"One UPN, email or object id per line, or a pasted CSV with a userPrincipalName, UPN, mail, id or ObjectId column."</p>
                <p class="found" id="bulk-users-found" aria-live="polite">{move || pasted.with(|p| found_text(p))}</p>
                {move || pasted.with(|p| view! { <BadLines bad=p.bad_lines.clone()/> })}
            </div>
            <div class="field">
                <label for="bulk-file">"Upload CSV"</label>
                <input id="bulk-file" type="file" accept=".csv,.txt,text/csv,text/plain" on:change=on_file/>
                {move || bulk.uploaded.with(|file| file.as_ref().map(|(name, parsed)| view! {
                    <p class="found" role="status">{format!("{name}: {}", found_text(parsed))}</p>
                    <BadLines bad=parsed.bad_lines.clone()/>
                    <button class="link" on:click=move |_| bulk.uploaded.set(None)>"Remove the file"</button>
                }))}
            </div>
            <div class="row">
                <div class="field">
                    <label for="bulk-list-kind">"Add users from"</label>
                    <select id="bulk-list-kind" on:change=move |ev| {
                        chosen.set(String::new());
                        kind.set(match event_target_value(&ev).as_str() {
                            "holders" => ListSource::LicenseHolders,
                            "errors" => ListSource::GroupErrors,
                            _ => ListSource::GroupMembers,
                        });
                    }>
                        <option value="members">"Members of a group (transitive)"</option>
                        <option value="holders">"Users holding a license"</option>
                        <option value="errors">"Members of a group with license errors"</option>
                    </select>
                </div>
                <Picker id="bulk-list-choice" chosen=chosen options=Signal::derive(choices)
                    label=Signal::derive(move || if kind.get() == ListSource::LicenseHolders { "License" } else { "Group" }.to_string())/>
                <div class="field">
                    <button class="secondary" on:click=add_list disabled=move || chosen.with(String::is_empty) || bulk.reading.with(Option::is_some)>"Add these users"</button>
                </div>
            </div>
            {move || groups.with(|g| matches!(g, Some(Err(_)))).then(|| view! {
                <p class="hint">"Groups could not be listed; paste users or upload a CSV instead."</p>
            })}
            {move || bulk.reading.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || bulk.source_error.get().map(|error| view! { <ErrorPanel error=error context="Reading users"/> })}
            <ul class="source-lists">
                <For each=move || bulk.lists.get() key=|list| (list.label.clone(), list.users.len()) let:list>
                    {
                        let label = list.label.clone();
                        let remove_label = format!("Remove {label}");
                        view! {
                            <li>
                                {format!("{}: {}", capitalise(&list.label), count(list.users.len(), "user", "users"))}
                                " "
                                <button class="link" aria-label=remove_label on:click=move |_| bulk.lists.update(|lists| lists.retain(|l| l.label != label))>"Remove"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <p class="total" role="status">{move || {
                let chosen = bulk.chosen.get();
                let mut text = format!("{} in all", count(chosen.users.len(), "user", "users"));
                if chosen.duplicates > 0 {
                    text.push_str(&format!(" ({} merged)", count(chosen.duplicates, "duplicate", "duplicates")));
                }
                text
            }}</p>
        </fieldset>
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
