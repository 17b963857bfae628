//! "Users" for a bulk change: a pasted list or CSV, an uploaded CSV, a group's members,
//! a license's holders, or a group's members with license errors. Each source says how
//! many users it found; bad lines are listed with their line numbers, never dropped.

use crate::components::error_panel::ErrorPanel;
use crate::format::{count, number};
use crate::state::bulk::{BulkState, SourceList};
use crate::state::load::Load;
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::bulk::input::{parse_users, BadLine, ParsedUsers};
use license_desk_core::graph::ids::{GroupId, Guid, SkuId};
use license_desk_core::graph::model::{Group, ODataPage, User};
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::licensing::names;
use std::sync::Arc;

/// Where a list of users comes from, besides the text area and the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListSource {
    GroupMembers,
    LicenseHolders,
    GroupErrors,
}

fn user_names(users: Vec<User>) -> Vec<String> {
    users
        .into_iter()
        .map(|user| {
            user.user_principal_name
                .filter(|upn| !upn.is_empty())
                .unwrap_or_else(|| user.id.to_string())
        })
        .collect()
}

/// Reads a listing of users into the sources, showing progress.
fn read_list(session: Session, bulk: BulkState, label: String, first: GraphRequest) {
    bulk.source_error.set(None);
    bulk.reading.set(Some(format!("Reading {label}…")));
    spawn_local(async move {
        let progress_label = label.clone();
        let result = crate::runs::reads::all_users(session, first, move |so_far| {
            bulk.reading.set(Some(format!(
                "Reading {progress_label}… {}",
                number(so_far as i64)
            )));
        })
        .await;
        bulk.reading.set(None);
        match result {
            Ok((users, _)) => bulk.lists.update(|lists| {
                lists.retain(|list| list.label != label);
                lists.push(SourceList {
                    label,
                    users: user_names(users),
                });
            }),
            Err(error) => bulk.source_error.set(Some(error.into())),
        }
    });
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
    let session = expect_context::<Session>();
    let tenant = expect_context::<TenantState>();
    let bulk = expect_context::<BulkState>();
    let pasted = bulk.parsed_paste;
    let groups = RwSignal::new(Load::<Vec<Group>>::Idle);
    let kind = RwSignal::new(ListSource::GroupMembers);
    let chosen = RwSignal::new(String::new());
    let locked = move || bulk.is_running();

    let load_groups = move || {
        if groups.with_untracked(|g| matches!(g, Load::Idle)) {
            groups.set(Load::Loading);
            spawn_local(async move {
                let result = crate::runs::reads::fetch::<ODataPage<Group>>(
                    session,
                    request::list_groups(999),
                )
                .await;
                // Known names let refusals and reports name groups, not ids.
                if let Ok(page) = &result {
                    for group in &page.value {
                        if let Some(name) = &group.display_name {
                            tenant.name_group(group.id.clone(), name.clone());
                        }
                    }
                }
                groups.set(match result {
                    Ok(page) => Load::Ready(page.value),
                    Err(error) => Load::Failed(error),
                });
            });
        }
    };
    Effect::new(move |_| {
        if session.connection.with(Option::is_some) {
            load_groups();
        }
    });

    let on_file = move |event: leptos::ev::Event| {
        let Some(file) = crate::browser::chosen_file(&event) else {
            return;
        };
        spawn_local(async move {
            let text = crate::browser::file_text(&file).await;
            bulk.uploaded
                .set(Some((file.name(), Arc::new(parse_users(&text)))));
        });
    };

    let add_list = move |_| {
        let id = chosen.get_untracked();
        if id.is_empty() {
            return;
        }
        let guid = Guid::new(&id);
        let (group_id, sku_id) = (GroupId::from(guid.clone()), SkuId::from(guid));
        let group_name = || {
            groups.with_untracked(|g| {
                g.ready()
                    .and_then(|all| all.iter().find(|group| group.id == group_id))
                    .and_then(|group| group.display_name.clone())
                    .unwrap_or_else(|| id.clone())
            })
        };
        let (label, first) = match kind.get_untracked() {
            ListSource::GroupMembers => (
                format!("members of {}", group_name()),
                request::group_transitive_user_members(&group_id),
            ),
            ListSource::GroupErrors => (
                format!("members of {} with license errors", group_name()),
                request::members_with_license_errors(&group_id),
            ),
            ListSource::LicenseHolders => {
                let name = tenant
                    .skus
                    .with_untracked(|skus| {
                        skus.ready()
                            .and_then(|all| all.iter().find(|sku| sku.sku_id == sku_id))
                            .map(|sku| names::sku_name(&sku.sku_id, Some(&sku.sku_part_number)))
                    })
                    .unwrap_or_else(|| id.clone());
                (
                    format!("holders of {name}"),
                    request::users_with_sku(&sku_id),
                )
            }
        };
        read_list(session, bulk, label, first);
    };

    let choices = move || match kind.get() {
        ListSource::LicenseHolders => tenant.skus.with(|skus| {
            skus.ready()
                .map(|all| {
                    all.iter()
                        .map(|sku| {
                            (
                                sku.sku_id.to_string(),
                                names::sku_name(&sku.sku_id, Some(&sku.sku_part_number)),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }),
        ListSource::GroupMembers | ListSource::GroupErrors => groups.with(|g| {
            g.ready()
                .map(|all| {
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
                .unwrap_or_default()
        }),
    };

    view! {
        <fieldset class="bulk-sources" disabled=locked>
            <legend>"Users"</legend>
            <div class="field">
                <label for="bulk-users">"Users"</label>
                <textarea id="bulk-users" rows="6" aria-describedby="bulk-users-hint bulk-users-found"
                    prop:value=move || bulk.pasted.get()
                    on:input=move |ev| bulk.pasted.set(event_target_value(&ev))></textarea>
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
                <div class="field">
                    <label for="bulk-list-choice">{move || if kind.get() == ListSource::LicenseHolders { "License" } else { "Group" }}</label>
                    <select id="bulk-list-choice" prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="">"Choose…"</option>
                        {move || choices().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <button class="secondary" on:click=add_list disabled=move || chosen.with(String::is_empty) || bulk.reading.with(Option::is_some)>"Add these users"</button>
                </div>
            </div>
            {move || groups.with(|g| matches!(g, Load::Failed(_))).then(|| view! {
                <p class="hint">"Groups could not be listed; paste users or upload a CSV instead."</p>
            })}
            {move || bulk.reading.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || bulk.source_error.get().map(|error| view! { <ErrorPanel error=error context="Reading users"/> })}
            <ul class="source-lists">
                {move || bulk.lists.get().into_iter().map(|list| {
                    let label = list.label.clone();
                    let remove_label = format!("Remove {label}");
                    view! {
                        <li>
                            {format!("{}: {}", capitalise(&list.label), count(list.users.len(), "user", "users"))}
                            " "
                            <button class="link" aria-label=remove_label on:click=move |_| bulk.lists.update(|lists| lists.retain(|l| l.label != label))>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
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
