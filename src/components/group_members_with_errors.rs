//! "Members with license errors" of a group, a page at a time ("Show more" follows
//! `@odata.nextLink`). Each error is explained with what to do, as on the user screen,
//! and each member links to their licenses. "Reprocess these users" hands the members
//! listed to the bulk screen with the Reprocess operation, to preview and start there.

use crate::components::error_panel::ErrorPanel;
use crate::components::not_allowed::NotAllowed;
use crate::components::screen_link::ScreenLink;
use crate::state::bulk::BulkState;
use crate::state::groups::use_groups;
use crate::state::navigation::use_navigation;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::model::{Group, User};
use license_desk_core::groups::list::member_problems;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::route::Screen;
use license_desk_core::wording::groups::explain_member_problem;

fn member_row(user: User, group: &Group, catalog: &Catalog) -> impl IntoView {
    let name = user
        .display_name
        .clone()
        .or_else(|| user.user_principal_name.clone())
        .unwrap_or_else(|| user.id.to_string());
    let upn = user.user_principal_name.clone().unwrap_or_default();
    let problems: Vec<(String, String)> = member_problems(group, &user)
        .into_iter()
        .map(|p| {
            let sku = catalog.sku_name(&p.sku);
            (
                format!("{sku}: {}", p.error.as_str()),
                explain_member_problem(&p.error, &sku),
            )
        })
        .collect();
    view! {
        <li class="member-error">
            <p class="user-name"><ScreenLink screen=Screen::User(user.id.clone())>{name}</ScreenLink></p>
            {(!upn.is_empty()).then(|| view! { <p class="part">{upn}</p> })}
            <ul class="member-problems">
                {problems.into_iter().map(|(what, todo)| view! {
                    <li><span class="problem">{what}</span>" — "{todo}</li>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
pub fn GroupMembersWithErrors() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let state = use_groups();
    let bulk = expect_context::<BulkState>();
    let navigation = use_navigation();
    let can_reprocess = move || session.may_attempt(Action::Reprocess);
    // The list as read so far; rows are added by "Show more" and kept in place.
    let errors = Memo::new(move |_| state.page.with_ready(|page| page.errors.clone()));
    let users = move || {
        errors.with(|e| match e {
            Some(Ok(list)) => list.users.clone(),
            _ => Vec::new(),
        })
    };
    let more = move || errors.with(|e| matches!(e, Some(Ok(list)) if list.next.is_some()));
    let shown = move || users().len();
    let has_rows = move || shown() > 0;
    let reading_more = state.more_errors.pending();
    let more_failed = move || state.more_errors.value().get().flatten();
    let reprocess = move |_| {
        let Some(group) = state.group() else {
            return;
        };
        let ids: Vec<String> = users().iter().map(|u| u.id.to_string()).collect();
        let group_name = license_desk_core::groups::list::group_label(&group);
        crate::state::groups::actions::reprocess_on_bulk_screen(
            bulk,
            navigation,
            state,
            &group_name,
            ids,
        );
    };
    view! {
        <Show when=move || state.group().is_some()>
            <section class="card member-errors-card" aria-labelledby="member-errors-title">
                <h2 id="member-errors-title">"Members with license errors"</h2>
                {move || state.notice.get().map(|text| view! { <p class="warning-text" role="status">{text}</p> })}
                {move || match errors.get() {
                    None => view! { <p role="status" class="busy">"Reading members with license errors…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorPanel error=error context="Reading members with license errors"/> }.into_any(),
                    Some(Ok(list)) if list.users.is_empty() => view! { <p role="status">"No member of this group has a license error."</p> }.into_any(),
                    Some(Ok(_)) => ().into_any(),
                }}
                <Show when=has_rows>
                    <p role="status">{move || if more() { format!("{} shown; more to read.", shown()) } else { format!("{} in all.", shown()) }}</p>
                    <ul class="member-errors">
                        <For each=users key=|user| user.id.clone() let:user>
                            {
                                let group = state.group().unwrap_or_default();
                                member_row(user, &group, &tenant.catalog.read_untracked())
                            }
                        </For>
                    </ul>
                    {move || more_failed().map(|error| view! { <ErrorPanel error=error context="Reading more members"/> })}
                    <div class="actions">
                        <Show when=more>
                            <button class="secondary" disabled=move || reading_more.get()
                                on:click=move |_| { state.more_errors.dispatch_local(()); }>
                                {move || if reading_more.get() { "Reading more…" } else { "Show more" }}
                            </button>
                        </Show>
                        <button class="primary" disabled=move || !can_reprocess()
                            aria-describedby=move || (!can_reprocess()).then_some("reprocess-not-allowed")
                            on:click=reprocess>
                            {move || format!("Reprocess these users ({})", shown())}
                        </button>
                    </div>
                    <p class="hint">"Reprocess opens Bulk changes with these users and the Reprocess operation: preview, then start the run there. Fix the cause first (for example free seats), or the errors come back."</p>
                    <NotAllowed action=Action::Reprocess doing="Reprocess" id="reprocess-not-allowed"/>
                </Show>
            </section>
        </Show>
    }
}
