//! Pending changes, their preview (exact request, warnings to acknowledge, predicted
//! diff) and applying them, then waiting until Entra ID shows the result.

use crate::components::changes_view::DiffList;
use crate::graph_client::outcome_unknown;
use crate::session::{use_session, Session};
use crate::workspace::{use_workspace, ChangeKind, ChangeRecord, Load, Settling, Workspace};
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::diff::LicenseDiff;
use license_desk_core::model::User;
use license_desk_core::plan;
use license_desk_core::request::{self, GraphRequest};
use license_desk_core::token::Action;
use license_desk_core::wording::describe_change;
use std::collections::BTreeSet;

/// Delays between re-reads while waiting for Entra ID (about 15 s in all).
const SETTLE_DELAYS_MS: [u32; 8] = [400, 700, 1000, 1400, 1800, 2400, 3200, 4000];

/// Re-reads the user until `done` holds or the bound runs out, keeping the "Changes"
/// region up to date. Says honestly when the bound ran out.
pub async fn settle(
    session: Session,
    workspace: Workspace,
    kind: ChangeKind,
    user_id: String,
    before: User,
    request: GraphRequest,
    done: impl Fn(&User) -> bool,
) {
    let mut record = ChangeRecord {
        kind,
        user_id: user_id.clone(),
        before: before.clone(),
        after: before.clone(),
        request,
        diff: LicenseDiff::default(),
        settling: Settling::Waiting { attempt: 0 },
    };
    workspace.last_change.set(Some(record.clone()));
    let mut waited = 0u64;
    for (attempt, delay) in SETTLE_DELAYS_MS.iter().enumerate() {
        gloo_timers::future::TimeoutFuture::new(*delay).await;
        waited += u64::from(*delay);
        let Ok(after) = crate::graph_client::get_user(session, &user_id).await else {
            continue;
        };
        // Names may have arrived meanwhile (group names), so take the catalogue fresh.
        record.diff = LicenseDiff::between(&before, &after, &workspace.catalog());
        record.after = after.clone();
        let finished = done(&after);
        record.settling = if finished {
            Settling::Settled
        } else {
            Settling::Waiting {
                attempt: attempt as u32 + 1,
            }
        };
        workspace.user.set(Load::Ready(after));
        workspace.last_change.set(Some(record.clone()));
        if finished {
            break;
        }
    }
    if record.settling != Settling::Settled {
        record.settling = Settling::TimedOut {
            waited_seconds: waited.div_ceil(1000),
        };
        workspace.last_change.set(Some(record));
    }
    if let Ok(details) = crate::graph_client::license_details(session, &user_id).await {
        workspace.details.set(details);
    }
    // Seat counts changed; refresh them for the next plan.
    if let Ok(skus) = crate::graph_client::subscribed_skus(session).await {
        workspace.skus.set(Load::Ready(skus));
    }
}

#[component]
pub fn PendingChanges() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    let previewing = RwSignal::new(false);
    let acknowledged = RwSignal::new(BTreeSet::<usize>::new());
    // Any edit to the pending list needs a fresh preview and fresh acknowledgements.
    Effect::new(move |_| {
        workspace.pending.track();
        acknowledged.set(BTreeSet::new());
    });

    let current = move || -> Option<(User, plan::Plan)> {
        let user = workspace.user.with(|u| u.ready().cloned())?;
        let changes = workspace.pending_changes();
        (!changes.is_empty()).then(|| {
            let plan = plan::plan(&user, &workspace.catalog(), &changes);
            (user, plan)
        })
    };

    let apply = move || {
        let Some((user, planned)) = current() else {
            return;
        };
        let Some(body) = planned.body.clone() else {
            return;
        };
        let id = user.id.to_string();
        let sent = request::assign_license(&id, &body);
        workspace.action_error.set(None);
        workspace.last_change.set(None);
        workspace.busy.set(Some("Applying changes…".into()));
        spawn_local(async move {
            let result = crate::graph_client::assign_license(session, &id, &body).await;
            let landed = match result {
                Ok(()) => true,
                Err(error) if outcome_unknown(&error) => {
                    // The write may or may not have happened: look before doing anything else.
                    match crate::graph_client::get_user(session, &id).await {
                        Ok(now) if planned.is_reflected_in(&now) => true,
                        _ => {
                            workspace.action_error.set(Some(error));
                            false
                        }
                    }
                }
                Err(error) => {
                    workspace.action_error.set(Some(error));
                    false
                }
            };
            if landed {
                workspace.set_pending(Vec::new());
                previewing.set(false);
                workspace
                    .busy
                    .set(Some("Waiting for Entra ID to process…".into()));
                let check = planned.clone();
                settle(
                    session,
                    workspace,
                    ChangeKind::Assign,
                    id,
                    user,
                    sent,
                    move |after| check.is_reflected_in(after),
                )
                .await;
            }
            workspace.busy.set(None);
        });
    };

    view! {
        {move || current().map(|(user, planned)| {
            let catalog = workspace.catalog();
            let changes = workspace.pending_changes();
            let endpoint = session.connection.get().map(|c| c.endpoint);
            let predicted = planned.predict(&user, &catalog, "(after)");
            let diff = LicenseDiff::between(&user, &predicted, &catalog);
            let warnings: Vec<String> = planned.warnings.iter().map(|w| w.describe(&catalog)).collect();
            let warning_count = warnings.len();
            let refusals: Vec<String> = planned.refusals.iter().map(|r| r.describe(&catalog)).collect();
            let request = planned.body.as_ref().map(|b| request::assign_license(user.id.as_str(), b));
            let has_body = request.is_some();
            let can_assign = session.may_attempt(Action::Assign);
            let ready = move || has_body && can_assign && acknowledged.with(|a| a.len() == warning_count) && workspace.busy.with(Option::is_none);
            view! {
                <section class="card pending" aria-labelledby="pending-title">
                    <h2 id="pending-title">"Pending changes"</h2>
                    <ul>
                        {changes.iter().map(|c| view! { <li>{describe_change(c, &catalog)}</li> }).collect_view()}
                    </ul>
                    {(!refusals.is_empty()).then(|| view! {
                        <div class="error-panel" role="alert">
                            <p class="error-title"><strong>"Refused: this can't be done on the user"</strong></p>
                            <ul>{refusals.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                            <p>"Remove the refused change to continue."</p>
                        </div>
                    })}
                    {(!has_body && planned.refusals.is_empty()).then(|| view! { <p role="status">"These changes leave the user as they are: nothing to send."</p> })}
                    <div class="actions">
                        <button class="primary" disabled=!has_body on:click=move |_| previewing.set(true)>"Preview changes"</button>
                        <button class="secondary" on:click=move |_| { workspace.set_pending(Vec::new()); previewing.set(false); }>"Discard changes"</button>
                    </div>
                    <Show when=move || previewing.get() && has_body>
                        <div class="preview" role="region" aria-label="Preview">
                            <h3>"Request to be sent"</h3>
                            <pre class="request" aria-label="Request">{
                                match (&request, &endpoint) {
                                    (Some(r), Some(e)) => format!("{} {}\n\n{}", r.method.as_str(), e.url(r), r.pretty_body()),
                                    _ => String::new(),
                                }
                            }</pre>
                            <h3>"Predicted changes"</h3>
                            <DiffList entries=diff.entries.clone()/>
                            {(!warnings.is_empty()).then(|| view! {
                                <h3>"Check before applying"</h3>
                                <ul class="warnings">
                                    {warnings.clone().into_iter().enumerate().map(|(i, w)| view! {
                                        <li>
                                            <label class="check">
                                                <input type="checkbox" prop:checked=move || acknowledged.with(|a| a.contains(&i))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        acknowledged.update(|a| { if on { a.insert(i); } else { a.remove(&i); } });
                                                    } />
                                                {format!("I understand: {w}")}
                                            </label>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            <button class="primary" disabled=move || !ready() on:click=move |_| apply()>"Apply changes"</button>
                        </div>
                    </Show>
                </section>
            }
        })}
    }
}
