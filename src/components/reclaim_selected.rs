//! "Reclaim selected": what happens to the ticked users and direct copies before anything
//! is sent. Their **direct** licenses go to "Bulk changes" as a "Remove license" run,
//! previewed there like any run (each user is read again and planned; nothing is
//! written until Start). Licenses from groups are never sent to `assignLicense`: they
//! are listed with the group to take the user out of. Whatever is held back says why,
//! and a run that disconnects mailboxes must have its warning ticked first.

use crate::components::screen_link::ScreenLink;
use crate::components::warning_checklist::WarningChecklist;
use crate::format::{count, Locale};
use crate::state::bulk::BulkState;
use crate::state::navigation::use_navigation;
use crate::state::reclaim::actions;
use crate::state::reclaim::use_reclaim;
use crate::state::tenant::use_tenant;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::lists::reclaim::handover::MailboxWarning;
use license_desk_core::ops::Intent;
use license_desk_core::route::Screen;
use license_desk_core::wording::reclaim::{group_removal, held_back, mailbox_warning};

#[component]
pub fn ReclaimSelected() -> impl IntoView {
    let reclaim = use_reclaim();
    let tenant = use_tenant();
    let session = use_session();
    let navigation = use_navigation();
    let bulk = expect_context::<BulkState>();
    let refused = RwSignal::new(None::<String>);
    let picked = move || reclaim.chosen.with(|c| (c.users.len(), c.copies.len()));
    let summary = move || match picked() {
        (0, 0) => "Tick users or direct copies in the sections above to take their licenses back."
            .to_string(),
        (users, 0) => format!("{} selected.", count(users, "user", "users")),
        (0, copies) => format!(
            "{} selected.",
            count(copies, "direct copy", "direct copies")
        ),
        (users, copies) => format!(
            "{} and {} selected.",
            count(users, "user", "users"),
            count(copies, "direct copy", "direct copies")
        ),
    };
    let open = move || reclaim.handover_at.with(Option::is_some);
    let describe = Callback::new(|warning: MailboxWarning| mailbox_warning(&warning, &Locale));
    let affected = Callback::new(|warning: MailboxWarning| {
        warning
            .users
            .iter()
            .map(|u| u.user_label.clone())
            .collect::<Vec<_>>()
    });
    let may_write = move || session.may_attempt(Action::Assign);
    let hand_over = move |_| {
        refused.set(
            actions::hand_to_bulk(
                session,
                reclaim,
                bulk,
                navigation,
                tenant.catalog.get_untracked(),
            )
            .err(),
        );
    };
    let blocked = move || {
        reclaim.handover.with(|h| {
            let h = h.as_ref()?;
            if h.items.is_empty() {
                return Some("Nothing selected can be removed by a run.".to_string());
            }
            if !reclaim.mailbox_check.with(|c| c.may_send()) {
                return Some("Tick the mailbox warning to go on.".to_string());
            }
            if !may_write() {
                return Some("The token does not allow license changes.".to_string());
            }
            None
        })
    };
    let blocked_for_button = blocked;
    view! {
        <section class="card reclaim-selected" class:sticky=move || !open() && picked() != (0, 0)
            aria-labelledby="reclaim-selected-title">
            <h3 id="reclaim-selected-title">"Reclaim selected"</h3>
            <p role="status" data-testid="reclaim-selected-count">{summary}</p>
            {move || (!open()).then(|| view! {
                <div class="actions">
                    <button class="primary" disabled=move || picked() == (0, 0)
                        on:click=move |_| {
                            refused.set(None);
                            reclaim.handover_at.set(Some(crate::browser::now_ms()));
                            crate::browser::focus_when_lost("reclaim-handover-title", &[]);
                        }>"Reclaim selected"</button>
                </div>
            })}
            {move || reclaim.handover.get().map(|handover| {
                let licenses: usize = handover.items.iter().map(|item| match &item.intent {
                    Intent::Change(changes) => changes.len(),
                    _ => 0,
                }).sum();
                let users = handover.items.iter().map(|item| item.user.as_str()).collect::<std::collections::BTreeSet<_>>().len();
                let catalog = tenant.catalog.get_untracked();
                let exclusions = reclaim.exclusions.get_untracked();
                view! {
                    <div class="reclaim-handover">
                        <h4 id="reclaim-handover-title" tabindex="-1">"Before the run"</h4>
                        <p data-testid="reclaim-run-summary">{if licenses == 0 {
                            "The run would remove nothing: every license selected comes from a group or is held back (below).".to_string()
                        } else {
                            format!(
                                "A “Remove license” run takes back {} held directly by {}. On Bulk changes it is previewed first: each user is read again and planned (the index behind disabled accounts can lag), nothing is written until you press Start, and “Undo this run” puts the licenses back.",
                                count(licenses, "license", "licenses"),
                                count(users, "user", "users")
                            )
                        }}</p>
                        {(!handover.group_removals.is_empty()).then(|| view! {
                            <h4>"Licenses from groups"</h4>
                            <p class="hint">"These stay: a license from a group can't be removed from the user directly. Take the user out of the group, on the group's page or where the group is managed."</p>
                            <ul class="group-removals">
                                {handover.group_removals.iter().map(|removal| {
                                    let group = removal.group_name.clone().unwrap_or_else(|| removal.group.to_string());
                                    view! {
                                        <li>
                                            {group_removal(removal)} " "
                                            <ScreenLink screen=Screen::Group(removal.group.clone())
                                                label=format!("Open {group}, the group that licenses {}", removal.user_label)>{format!("Open {group}")}</ScreenLink>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        {(!handover.held_back.is_empty()).then(|| view! {
                            <h4>"Held back"</h4>
                            <ul class="held-back">
                                {handover.held_back.iter().map(|held| view! { <li>{held_back(held, &exclusions, &catalog)}</li> }).collect_view()}
                            </ul>
                        })}
                        <WarningChecklist checklist=reclaim.mailbox_check describe=describe affected=affected/>
                    </div>
                }
            })}
            {move || open().then(|| view! {
                <div class="actions">
                    <button class="primary" disabled=move || blocked_for_button().is_some() on:click=hand_over>"Preview the run in Bulk changes"</button>
                    <button class="secondary" on:click=move |_| reclaim.handover_at.set(None)>"Back to the selection"</button>
                    <span class="hint" role="status">{blocked}</span>
                </div>
            })}
            {move || refused.get().map(|text| view! { <p class="warning-text" role="alert">{text}</p> })}
        </section>
    }
}
