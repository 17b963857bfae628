//! In a finished run's results: the users whose Exchange Online mailbox the run
//! disconnected (their last license with Exchange Online went), and the date until which
//! "Undo this run" reconnects them. A reclaim run is the usual cause; any run of license
//! removals that does it says so.

use crate::components::user_names::UserNames;
use crate::format::Locale;
use crate::state::bulk::BulkState;
use leptos::prelude::*;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::lists::reclaim::handover::{disconnected_by_run, MailboxWarning};
use license_desk_core::lists::reclaim::mailbox::reconnect_until_ms;
use license_desk_core::wording::reclaim::mailbox_warning;

#[component]
pub fn MailboxReconnectNote(#[prop(into)] catalog: Signal<Catalog>) -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let warning = Memo::new(move |_| {
        bulk.journal_version.track();
        let started = bulk.header.with(|h| h.as_ref().map(|h| h.started_ms))?;
        let users = catalog.with(|catalog| {
            bulk.journal
                .with_value(|journal| disconnected_by_run(journal, catalog))
        });
        (!users.is_empty()).then(|| MailboxWarning {
            users,
            reconnect_until_ms: reconnect_until_ms(started),
        })
    });
    move || {
        warning.get().map(|warning| {
            let names: Vec<String> = warning.users.iter().map(|u| u.user_label.clone()).collect();
            view! {
                <div class="warning-group mailbox-note" data-testid="mailbox-note">
                    <p><strong>"Mailboxes: "</strong>{mailbox_warning(&warning, &Locale)}</p>
                    <details>
                        <summary>"Users whose mailbox was disconnected"</summary>
                        <UserNames users=names/>
                    </details>
                </div>
            }
        })
    }
}
