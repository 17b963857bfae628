//! "Exclusions": the users, groups' members and licenses the admin keeps on purpose
//! (shared mailboxes, scanners, break-glass accounts). Excluded rows stay in their
//! sections, marked and counted, but in no saving and no run. They are kept in this
//! browser for this tenant, and exported and imported as a small JSON file.

use crate::components::error_panel::ErrorPanel;
use crate::components::not_allowed::NotAllowed;
use crate::components::picker::Picker;
use crate::format::count;
use crate::state::reclaim::actions;
use crate::state::reclaim::use_reclaim;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::ids::{GroupId, SkuId};
use license_desk_core::lists::reclaim::exclusions::Excluded;
use license_desk_core::wording::reclaim::groups_not_read;

/// One exclusion in the list, with the button that takes it back.
fn excluded_item(name: String, excluded: Excluded) -> impl IntoView {
    let reclaim = use_reclaim();
    view! {
        <li>
            <span class="user-name">{name.clone()}</span> " "
            <button class="link" aria-label=format!("Include again: {name}")
                on:click=move |_| actions::include_again(reclaim, &excluded)>"Include again"</button>
        </li>
    }
}

/// One kind of exclusion under its heading, each with a way to include it again; nothing
/// when there are none.
fn exclusion_list(title: &'static str, entries: Vec<(String, Excluded)>) -> Option<impl IntoView> {
    let items: Vec<_> = entries
        .into_iter()
        .map(|(name, excluded)| excluded_item(name, excluded))
        .collect();
    (!items.is_empty()).then(|| view! { <h4>{title}</h4><ul class="exclusion-list">{items}</ul> })
}

/// The name as `shown` words it, or the id where the exclusion was saved without a name.
fn name_or_id(
    name: &str,
    id: &impl std::fmt::Display,
    shown: impl FnOnce(&str) -> String,
) -> String {
    if name.is_empty() {
        id.to_string()
    } else {
        shown(name)
    }
}

/// The id chosen in a picker, which goes back to "Choose…"; `None` when none was.
fn take_chosen(chosen: RwSignal<String>) -> Option<String> {
    let id = chosen.get_untracked();
    chosen.set(String::new());
    (!id.is_empty()).then_some(id)
}

#[component]
pub fn ReclaimExclusions() -> impl IntoView {
    let reclaim = use_reclaim();
    let tenant = use_tenant();
    let session = use_session();
    let exclusions = reclaim.exclusions;
    let chosen_group = RwSignal::new(String::new());
    let chosen_sku = RwSignal::new(String::new());
    let import = leptos::prelude::Action::new_local(move |file: &web_sys::File| {
        actions::import_exclusions(reclaim, file.clone())
    });
    let on_file = move |event: leptos::ev::Event| {
        if let Some(file) = crate::browser::chosen_file(&event) {
            reclaim.message.set(None);
            import.dispatch_local(file);
        }
    };
    let summary = move || {
        exclusions.with(|e| {
            if e.is_empty() {
                "Nothing is excluded.".to_string()
            } else {
                format!(
                    "Excluded: {}, {} and {}.",
                    count(e.users.len(), "user", "users"),
                    count(e.groups.len(), "group", "groups"),
                    count(e.skus.len(), "license", "licenses")
                )
            }
        })
    };
    let groups = move || reclaim.groups.ready().flatten().unwrap_or_default();
    let skus = move || {
        let catalog = tenant.catalog.get();
        let mut skus: Vec<(SkuId, String)> = tenant
            .skus
            .ready()
            .unwrap_or_default()
            .iter()
            .map(|sku| (sku.sku_id.clone(), catalog.sku_name(&sku.sku_id)))
            .collect();
        skus.sort_by_key(|(_, name)| name.to_lowercase());
        skus
    };
    let exclude_group = move |_| {
        if let Some(id) = take_chosen(chosen_group) {
            let group = GroupId::new(&id);
            let name = tenant.catalog.with_untracked(|c| c.group_name(&group));
            actions::exclude_group(reclaim, group, &name);
        }
    };
    let exclude_sku = move |_| {
        if let Some(id) = take_chosen(chosen_sku) {
            let sku = SkuId::new(&id);
            let name = tenant.catalog.with_untracked(|c| c.sku_name(&sku));
            actions::exclude_sku(reclaim, sku, &name);
        }
    };
    let not_read = move || {
        reclaim
            .findings
            .with(|f| f.as_ref().map_or(0, |f| f.groups_not_read.len()))
    };
    let may_read_groups = move || session.may_attempt(Action::ReadGroups);
    let group_options = move || {
        groups()
            .into_iter()
            .map(|group| {
                let name = group
                    .display_name
                    .clone()
                    .unwrap_or_else(|| group.id.to_string());
                (group.id.to_string(), name)
            })
            .collect()
    };
    let sku_options = move || {
        skus()
            .into_iter()
            .map(|(sku, name)| (sku.to_string(), name))
            .collect()
    };
    view! {
        <section class="card reclaim-exclusions" aria-labelledby="reclaim-exclusions-title">
            <h3 id="reclaim-exclusions-title">"Exclusions"</h3>
            <p class="hint">"Users, every member of a group (shared mailboxes, scanners, break-glass accounts) and licenses you keep on purpose. Excluded rows stay in their sections, marked and counted, but count towards no saving and go in no run. They are kept in this browser for this tenant."</p>
            <p data-testid="exclusions-summary">{summary}</p>
            {move || (not_read() > 0).then(|| view! { <p class="warning-text">{groups_not_read(not_read())}</p> })}
            {move || exclusions.with(|e| exclusion_list("Users", e.users.iter().map(|u| (
                name_or_id(&u.name, &u.id, str::to_string),
                Excluded::User(u.id.clone()),
            )).collect()))}
            {move || exclusions.with(|e| exclusion_list("Groups", e.groups.iter().map(|g| (
                name_or_id(&g.name, &g.id, |name| format!("Every member of {name}")),
                Excluded::Group(g.id.clone()),
            )).collect()))}
            {move || exclusions.with(|e| exclusion_list("Licenses", e.skus.iter().map(|s| (
                name_or_id(&s.name, &s.id, |name| format!("{name} (for everyone)")),
                Excluded::Sku(s.id.clone()),
            )).collect()))}
            <div class="row exclusion-pickers">
                <Picker id="reclaim-exclude-group" label="Exclude every member of a group"
                    placeholder="Choose a group" chosen=chosen_group options=Signal::derive(group_options)
                    disabled=Signal::derive(move || !may_read_groups() || groups().is_empty())
                    described_by=Signal::derive(move || (!may_read_groups()).then_some("reclaim-groups-not-allowed"))/>
                <button class="secondary" disabled=move || chosen_group.with(String::is_empty) on:click=exclude_group>"Exclude group"</button>
                <Picker id="reclaim-exclude-sku" label="Exclude a license for everyone"
                    placeholder="Choose a license" chosen=chosen_sku options=Signal::derive(sku_options)/>
                <button class="secondary" disabled=move || chosen_sku.with(String::is_empty) on:click=exclude_sku>"Exclude license"</button>
            </div>
            <NotAllowed action=Action::ReadGroups doing="Excluding a group's members" id="reclaim-groups-not-allowed"/>
            {move || reclaim.groups.with(|a| a.and_then(|a| a.as_ref().err().cloned())).map(|error| view! {
                <ErrorPanel error=error context="Listing the tenant's groups"/>
            })}
            <div class="actions">
                <button class="secondary" on:click=move |_| actions::export_exclusions(reclaim)>"Export exclusions"</button>
                <label class="file-pick" for="reclaim-import-exclusions">"Import exclusions (JSON)"</label>
                <input id="reclaim-import-exclusions" type="file" accept=".json,application/json" on:change=on_file/>
            </div>
            {move || reclaim.message.get().map(|text| view! { <p role="status" data-testid="reclaim-message">{text}</p> })}
        </section>
    }
}
