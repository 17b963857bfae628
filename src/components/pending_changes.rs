//! Pending changes, their preview (exact request, warnings to acknowledge, predicted
//! diff) and "Apply changes", which hands them to the operations engine as a run of one.

use crate::components::changes_view::DiffList;
use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::model::User;
use license_desk_core::graph::request;
use license_desk_core::licensing::diff::LicenseDiff;
use license_desk_core::licensing::equivalents;
use license_desk_core::licensing::plan;
use license_desk_core::ops::Intent;
use license_desk_core::wording::describe_change;
use std::collections::BTreeSet;

#[component]
pub fn PendingChanges() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let screen = use_user_screen();
    let previewing = RwSignal::new(false);
    let acknowledged = RwSignal::new(BTreeSet::<usize>::new());
    // Any edit to the pending list needs a fresh preview and fresh acknowledgements.
    Effect::new(move |_| {
        screen.pending.track();
        acknowledged.set(BTreeSet::new());
    });

    let current = move || -> Option<(User, plan::Plan)> {
        let user = screen.user.with(|u| u.ready().cloned())?;
        let changes = screen.pending_changes();
        (!changes.is_empty()).then(|| {
            let plan = plan::plan(&user, &tenant.catalog.read(), &changes);
            (user, plan)
        })
    };

    let apply = move || {
        let Some((user, planned)) = current() else {
            return;
        };
        if planned.body.is_none() {
            return;
        }
        previewing.set(false);
        // The engine reads the user again and plans against what it reads; the warnings
        // ticked here are the only ones it may send with.
        crate::state::user::actions::start(
            session,
            tenant,
            screen,
            user.id.clone(),
            Intent::Change(screen.pending_changes()),
            planned.warnings,
        );
    };

    view! {
        {move || current().map(|(user, planned)| {
            let catalog = tenant.catalog.get();
            let changes = screen.pending_changes();
            let endpoint = session.connection.get().map(|c| c.endpoint);
            let predicted = planned.predict(&user, &catalog, "(after)");
            let diff = LicenseDiff::between(&user, &predicted, &catalog);
            let warnings: Vec<String> = planned.warnings.iter().map(|w| w.describe(&catalog)).collect();
            let warning_count = warnings.len();
            let refusals: Vec<String> = planned.refusals.iter().map(|r| r.describe(&catalog)).collect();
            let request = planned.body.as_ref().map(|b| request::assign_license(user.id.as_str(), b));
            let has_body = request.is_some();
            let can_assign = session.may_attempt(Action::Assign);
            let ready = move || has_body && can_assign && acknowledged.with(|a| a.len() == warning_count) && !screen.is_busy();
            view! {
                <section class="card pending" aria-labelledby="pending-title">
                    <h2 id="pending-title" tabindex="-1">"Pending changes"</h2>
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
                        <button class="secondary" disabled=move || screen.is_busy() aria-describedby=move || screen.is_busy().then_some("discard-while-busy")
                            on:click=move |_| { screen.set_pending(Vec::new()); previewing.set(false); }>"Discard changes"</button>
                        {move || screen.is_busy().then(|| view! {
                            <p id="discard-while-busy" class="hint">"Discard is unavailable while these changes are being applied."</p>
                        })}
                    </div>
                    <Show when=move || previewing.get() && has_body>
                        <div class="preview" role="region" aria-label="Preview">
                            <h3>"Request to be sent"</h3>
                            <pre class="request" aria-label="Request">{
                                match (&request, &endpoint) {
                                    (Some(r), Some(e)) => equivalents::http_text(e, r),
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
