//! The user's pending changes, previewed (exact request, predicted diff, warnings to
//! tick) and applied: "Apply changes" hands them to the operations engine as a run of one,
//! which reads the user again and sends only what the ticked warnings cover.

use crate::components::changes_view::DiffList;
use crate::components::pending_changes_panel::{described, PendingChangesPanel};
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::request;
use license_desk_core::licensing::diff::LicenseDiff;
use license_desk_core::ops::Intent;
use license_desk_core::wording::pending::Subject;

#[component]
pub fn PendingChanges() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let screen = use_user_screen();
    let catalog = tenant.catalog;
    let (changes, refusals) = described(catalog, screen.pending);
    let request = Signal::derive(move || {
        screen
            .pending
            .request(|user, body| request::assign_license(user.as_str(), body))
    });
    let predicted = Memo::new(move |_| {
        let user = screen.user()?;
        screen.pending.planned.with(|p| {
            p.as_ref().map(|planned| {
                catalog.with(|catalog| {
                    let after = planned.predict(&user, catalog, "(after)");
                    LicenseDiff::between(&user, &after, catalog).entries
                })
            })
        })
    });
    let apply = move |()| {
        let Some(user) = screen.open.get_untracked() else {
            return;
        };
        if request.with_untracked(Option::is_none) {
            return;
        }
        // The engine reads the user again and plans against what it reads; the warnings
        // ticked here are the only ones it may send with.
        crate::state::user::actions::start(
            session,
            tenant,
            screen,
            user,
            Intent::Change(screen.pending.changes()),
            screen.pending.acknowledged(),
        );
    };
    view! {
        <PendingChangesPanel
            subject=Subject::User
            heading_id="pending-title"
            changes=changes
            refusals=refusals
            request=request
            checklist=screen.pending.checklist
            describe=move |warning: license_desk_core::licensing::plan::Warning| catalog.with(|c| warning.describe(c))
            busy=Signal::derive(move || screen.is_busy())
            allowed=Signal::derive(move || session.may_attempt(Action::Assign))
            on_discard=move |()| screen.pending.set(Vec::new())
            on_apply=apply>
            <h3>"Predicted changes"</h3>
            {move || predicted.get().map(|entries| view! { <DiffList entries=entries/> })}
        </PendingChangesPanel>
    }
}
