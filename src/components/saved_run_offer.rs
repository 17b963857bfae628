//! "Resume run" or "Discard": a bulk run of this tenant that stopped when its tab was
//! closed, found in the browser's storage on sign-in. Resuming reads users whose write
//! may have gone out before anything is sent, so nothing is written twice. A downloaded
//! journal can be loaded here too.

use crate::format::number;
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::BulkState;
use crate::state::tenant::TenantState;
use crate::transport::journal_store;
use crate::transport::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::route::Screen;
use std::sync::Arc;

#[component]
pub fn SavedRunOffer() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = expect_context::<Session>();
    let tenant = expect_context::<TenantState>();
    let navigation = expect_context::<crate::state::navigation::Navigation>();
    let skus_ready = move || tenant.skus.with(|s| s.ready().is_some());
    let resume = move |_| {
        let Some(saved) = bulk.saved.get_untracked() else {
            return;
        };
        bulk.saved.set(None);
        navigation.go(Screen::Bulk);
        let (header, records) = (*saved).clone();
        bulk_runs::resume_saved(
            session,
            bulk,
            tenant.catalog.get_untracked(),
            header,
            records,
        );
    };
    view! {
        {move || bulk.saved.get().map(|saved| {
            let (header, records) = &*saved;
            let settled = records.iter().filter(|r| r.status.is_settled()).count();
            let text = format!(
                "An unfinished bulk run was found: {} — {} of {} users finished, started {}.",
                header.title,
                number(settled as i64),
                number(header.total as i64),
                crate::format::date_time(header.started_ms),
            );
            view! {
                <section class="card saved-run" aria-labelledby="saved-run-title">
                    <h2 id="saved-run-title">"Unfinished bulk run"</h2>
                    <p>{text}</p>
                    <p class="hint">"Resuming reads again every user whose change may already have been sent before sending anything, so no change is sent twice."</p>
                    <div class="actions">
                        <button class="primary" disabled=move || !skus_ready() on:click=resume>"Resume run"</button>
                        <button class="secondary" on:click=move |_| bulk_runs::discard_saved(bulk)>"Discard"</button>
                    </div>
                </section>
            }
        })}
    }
}

/// "Load journal": a journal downloaded earlier, offered for resuming like a saved one.
#[component]
pub fn LoadJournal() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = expect_context::<Session>();
    let problem = RwSignal::new(None::<String>);
    let on_file = move |event: leptos::ev::Event| {
        let Some(file) = crate::browser::chosen_file(&event) else {
            return;
        };
        spawn_local(async move {
            let text = crate::browser::file_text(&file).await;
            match journal_store::from_file_json(&text) {
                Ok(found) if Some(&found.0.tenant_id) != session.tenant_id().as_ref() => {
                    problem.set(Some(
                        "This journal is from another tenant; sign in to that tenant to resume it."
                            .into(),
                    ));
                }
                Ok(found) => {
                    problem.set(None);
                    bulk.saved.set(Some(Arc::new(found)));
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <div class="field">
            <label for="bulk-load-journal">"Load journal"</label>
            <input id="bulk-load-journal" type="file" accept=".json,application/json" on:change=on_file aria-describedby="bulk-load-journal-problem"/>
            <p id="bulk-load-journal-problem" class="problem" role="status">{move || problem.get()}</p>
        </div>
    }
}
