//! "Bulk changes": one change for many users. Choose users and an operation, preview the
//! run (a dry run that reads and plans every user and writes nothing), start it, watch it
//! hold Graph's write quota, and keep the report. Undo and retry are previewed runs too.

use crate::components::bulk_operation_picker::BulkOperationPicker;
use crate::components::bulk_preview::{blocked_reason, BulkPreview};
use crate::components::bulk_results::BulkResults;
use crate::components::bulk_results_table::BulkResultsTable;
use crate::components::bulk_run_progress::BulkRunProgress;
use crate::components::bulk_user_sources::BulkUserSources;
use crate::components::saved_run_offer::LoadJournal;
use crate::format::count;
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::BulkState;
use crate::state::bulk::Phase;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::bulk::operation::BulkOperation;

#[component]
pub fn BulkChanges() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let bulk = expect_context::<BulkState>();
    let catalog = tenant.catalog;
    let phase = bulk.phase;

    let preview_disabled = move || {
        bulk.is_running()
            || bulk.operation.with(Option::is_none)
            || bulk.chosen.with(|c| c.users.is_empty())
            || tenant.skus.ready().is_none()
    };
    let preview_hint = move || {
        if bulk.chosen.with(|c| c.users.is_empty()) {
            Some("Add users above to preview.")
        } else if bulk.operation.with(Option::is_none) {
            Some("Choose an operation to preview.")
        } else {
            None
        }
    };
    let start_preview = move |_| {
        bulk.settle_typed_users();
        let Some(operation) = bulk.operation.get_untracked() else {
            return;
        };
        let users = bulk.chosen.with_untracked(|c| c.users.clone());
        let catalog = catalog.get_untracked();
        let title = format!(
            "{}: {}",
            operation.describe(&catalog),
            count(users.len(), "user", "users")
        );
        let items = operation.items(&users);
        bulk.origins.set(bulk.chosen_origins());
        bulk_runs::start_preview(
            session,
            bulk,
            catalog,
            title,
            Some(operation),
            bulk_runs::fresh_journal(items),
        );
    };
    // The permission the chosen operation needs, as the token panel predicts it.
    let may_write = move || {
        let action = match bulk.operation.get() {
            Some(BulkOperation::Reprocess) => Action::Reprocess,
            _ => Action::Assign,
        };
        session.may_attempt(action)
    };

    view! {
        <section class="card bulk" aria-labelledby="bulk-title">
            <h2 id="bulk-title">"Bulk changes"</h2>
            <p class="hint">"Reprocess or change licenses for many users at once. Preview run reads and plans every user and writes nothing; Start then sends the changes as fast as Graph's write quota allows, and the report shows what changed for each user."</p>
            <BulkUserSources/>
            <BulkOperationPicker/>
            <div class="actions">
                <button class="primary" disabled=preview_disabled on:click=start_preview>"Preview run"</button>
                {move || preview_hint().map(|hint| view! { <span class="hint">{hint}</span> })}
            </div>
            <details class="load-journal">
                <summary>"Resume from a downloaded journal"</summary>
                <LoadJournal/>
            </details>
        </section>
        {move || bulk.preview.get().filter(|_| phase.get() == Phase::Previewed).map(|result| {
            let preview = result.preview.clone();
            let blocked = move || blocked_reason(bulk, &preview);
            let blocked_for_button = blocked.clone();
            view! {
                <BulkPreview result=result.clone() catalog=catalog.get_untracked()/>
                <div class="card actions start">
                    <button class="primary" disabled=move || blocked_for_button().is_some() || !may_write()
                        on:click=move |_| bulk_runs::start_run(session, bulk, tenant)>"Start"</button>
                    <button class="secondary" on:click=move |_| bulk.reset_run()>"Change the selection"</button>
                    <span class="hint" role="status">{move || blocked().or_else(|| (!may_write()).then(|| "The token does not allow license changes.".to_string()))}</span>
                </div>
            }
        })}
        {move || matches!(phase.get(), Phase::Previewing | Phase::Running | Phase::Finished).then(|| view! { <BulkRunProgress/> })}
        {move || (phase.get() == Phase::Finished).then(|| view! { <BulkResults catalog=catalog/> })}
        {move || matches!(phase.get(), Phase::Running | Phase::Finished).then(|| view! { <BulkResultsTable catalog=catalog/> })}
    }
}
