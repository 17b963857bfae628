//! "Resume run" or "Discard": a bulk run of this tenant that stopped when its tab was
//! closed, found in the browser's storage on sign-in. Resuming reads users whose write
//! may have gone out before anything is sent, so nothing is written twice. A downloaded
//! journal can be loaded here too. A saved run this version can't read is named, with
//! its version, and left alone. A run still running in another tab of this browser is
//! named as such and can't be resumed here; "Check again" looks once that tab is done.

use crate::format::number;
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::BulkState;
use crate::state::navigation::use_navigation;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::route::Screen;

#[component]
pub fn SavedRunOffer() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = use_session();
    let tenant = use_tenant();
    let navigation = use_navigation();
    let skus_ready = move || tenant.skus.with_ready(|_| ()).is_some();
    let resume = move |_| {
        let Some((header, records)) = bulk.saved.ready_untracked().and_then(|s| s.newest) else {
            return;
        };
        navigation.go(Screen::Bulk);
        bulk_runs::resume_saved(session, bulk, tenant, header, records);
    };
    let running_elsewhere = move || {
        bulk.saved
            .with_ready(|saved| saved.running_elsewhere)
            .unwrap_or(false)
    };
    let unreadable = move || {
        bulk.saved
            .with_ready(|saved| {
                saved
                    .unreadable
                    .iter()
                    .map(|run| run.describe())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <For each=unreadable key=|text| text.clone() let:text>
            <p class="warning-text" role="status">{text}</p>
        </For>
        {move || bulk.saved.with_ready(|saved| saved.newest.clone()).flatten().map(|(header, records)| {
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
                    {move || if running_elsewhere() {
                        view! {
                            <p class="warning-text" role="status">"This run is running in another tab of this browser. It can be resumed here only once it stops there: finish it in that tab, or close that tab, then check again."</p>
                            <div class="actions">
                                <button class="secondary" on:click=move |_| bulk.saved.load()>"Check again"</button>
                            </div>
                        }.into_any()
                    } else {
                        view! {
                            <p class="hint">"Resuming reads again every user whose change may already have been sent before sending anything, so no change is sent twice."</p>
                            <div class="actions">
                                <button class="primary" disabled=move || !skus_ready() on:click=resume>"Resume run"</button>
                                <button class="secondary" on:click=move |_| bulk_runs::discard_saved(bulk)>"Discard"</button>
                            </div>
                        }.into_any()
                    }}
                </section>
            }
        })}
    }
}

/// "Load journal": a journal downloaded earlier, offered for resuming like a saved one.
#[component]
pub fn LoadJournal() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = use_session();
    let load = Action::new_local(move |file: &web_sys::File| {
        bulk_runs::load_journal_file(session, bulk, file.clone())
    });
    let problem = move || load.value().get().and_then(Result::err);
    view! {
        <div class="field">
            <label for="bulk-load-journal">"Load journal"</label>
            <input id="bulk-load-journal" type="file" accept=".json,application/json"
                on:change=move |event| {
                    if let Some(file) = crate::browser::chosen_file(&event) {
                        load.dispatch_local(file);
                    }
                }
                aria-describedby="bulk-load-journal-problem"/>
            <p id="bulk-load-journal-problem" class="problem" role="status">{problem}</p>
        </div>
    }
}
