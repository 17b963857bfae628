//! What a finished bulk run did, in one glance: the aggregate change ("Office 365 E3 →
//! Microsoft 365 E3: 4,812 users; 3 failed: CountViolation"), the report as CSV and JSON
//! (a row for every user), "Retry failed", and "Undo this run", which is previewed like
//! any run and named for the run it undoes ("Undo of run 2"), with the date until which
//! undoing it reconnects the mailboxes it disconnected, if it did.

use crate::components::mailbox_reconnect_note::MailboxReconnectNote;
use crate::components::user_names::UserNames;
use crate::format::count;
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::BulkState;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::bulk::{report, undo};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::wording::bulk as words;

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
    // Users who needed nothing are named, not only counted.
    let needed_nothing = Memo::new(move |_| {
        bulk.journal_version.track();
        bulk.journal.with_value(|journal| {
            license_desk_core::bulk::users::by_user(journal)
                .into_iter()
                .filter(|user| user.status == license_desk_core::ops::Status::NoOp)
                .map(|user| {
                    let first = &journal[user.steps[0]];
                    license_desk_core::bulk::user_label(first)
                })
                .collect::<Vec<String>>()
        })
    });
    let retry_items = move || bulk.journal.with_value(|j| undo::retry_failed_items(j));
    let undo_journal = move || bulk.journal.with_value(|j| undo::undo_journal(j));
    let can_retry = Memo::new(move |_| {
        bulk.journal_version.track();
        !retry_items().is_empty()
    });
    let can_undo = Memo::new(move |_| {
        bulk.journal_version.track();
        bulk.journal.with_value(|j| undo::has_undo(j))
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
    let number = move || {
        bulk.spec
            .with_untracked(|s| s.as_ref().map_or(0, |s| s.number))
    };
    let preview_of = move |heading: String, journal| {
        bulk_runs::start_preview(
            session,
            bulk,
            catalog.get_untracked(),
            heading,
            None,
            journal,
        );
    };
    view! {
        <section class="card bulk-results" aria-labelledby="bulk-results-title">
            <h3 id="bulk-results-title" tabindex="-1">"Results"</h3>
            <ul class="aggregate">
                {move || lines.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            {move || {
                let users = needed_nothing.get();
                (!users.is_empty()).then(|| view! {
                    <details class="unchanged">
                        <summary>{format!("{} needed nothing", count(users.len(), "user", "users"))}</summary>
                        <UserNames users=users in_report=true/>
                    </details>
                })
            }}
            <MailboxReconnectNote catalog=catalog/>
            <div class="actions">
                <button class="secondary" on:click=move |_| export(false)>"Export report as CSV"</button>
                <button class="secondary" on:click=move |_| export(true)>"Export report as JSON"</button>
                <button class="secondary" disabled=move || !can_retry.get()
                    on:click=move |_| preview_of(words::retry_title(&title()), bulk_runs::fresh_journal(retry_items()))>"Retry failed"</button>
                <button class="secondary" disabled=move || !can_undo.get()
                    on:click=move |_| preview_of(words::undo_title(number()), undo_journal())>"Undo this run"</button>
                <button class="link" on:click=move |_| bulk.reset_run()>"New bulk change"</button>
            </div>
        </section>
    }
}
