//! What a finished bulk run did, in one glance: the aggregate change ("Office 365 E3 →
//! Microsoft 365 E3: 4,812 users; 3 failed: CountViolation"), the report as CSV and JSON,
//! "Retry failed", and "Undo this run", which is previewed like any run (with the date
//! until which undoing it reconnects the mailboxes it disconnected, if it did).

use crate::components::mailbox_reconnect_note::MailboxReconnectNote;
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::BulkState;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::bulk::{report, undo};
use license_desk_core::licensing::catalog::Catalog;

#[component]
pub fn BulkResults(#[prop(into)] catalog: Signal<Catalog>) -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = use_session();
    let lines = Memo::new(move |_| {
        bulk.journal_version.track();
        let catalog = catalog.get();
        bulk.journal
            .with_value(|journal| report::aggregate(journal, &catalog))
    });
    let retry_items = move || bulk.journal.with_value(|j| undo::retry_failed_items(j));
    let undo_items = move || bulk.journal.with_value(|j| undo::undo_items(j));
    let can_retry = Memo::new(move |_| {
        bulk.journal_version.track();
        !retry_items().is_empty()
    });
    let can_undo = Memo::new(move |_| {
        bulk.journal_version.track();
        !undo_items().is_empty()
    });
    let export = move |json: bool| {
        let catalog = catalog.get_untracked();
        bulk.journal.with_value(|journal| {
            if json {
                crate::browser::download(
                    "license-desk-report.json",
                    "application/json",
                    &report::report_json(journal, &catalog),
                );
            } else {
                crate::browser::download(
                    "license-desk-report.csv",
                    "text/csv",
                    &report::report_csv(journal, &catalog),
                );
            }
        });
    };
    let title = move || {
        bulk.spec
            .with_untracked(|s| s.as_ref().map(|s| s.title.clone()))
            .unwrap_or_default()
    };
    let preview_of = move |heading: String, items| {
        bulk_runs::start_preview(session, bulk, catalog.get_untracked(), heading, None, items);
    };
    view! {
        <section class="card bulk-results" aria-labelledby="bulk-results-title">
            <h3 id="bulk-results-title" tabindex="-1">"Results"</h3>
            <ul class="aggregate">
                {move || lines.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            <MailboxReconnectNote catalog=catalog/>
            <div class="actions">
                <button class="secondary" on:click=move |_| export(false)>"Export report as CSV"</button>
                <button class="secondary" on:click=move |_| export(true)>"Export report as JSON"</button>
                <button class="secondary" disabled=move || !can_retry.get()
                    on:click=move |_| preview_of(format!("Retry failed: {}", title()), retry_items())>"Retry failed"</button>
                <button class="secondary" disabled=move || !can_undo.get()
                    on:click=move |_| preview_of(format!("Undo: {}", title()), undo_items())>"Undo this run"</button>
                <button class="link" on:click=move |_| bulk.reset_run()>"New bulk change"</button>
            </div>
        </section>
    }
}
