//! "Pending changes": what the admin asked for, what can't be done and why, and the
//! preview before anything is sent—the exact request, what the change will do, and the
//! warnings to tick—then "Apply changes". The user screen and a group's page show the
//! same panel; each passes in its own plan.

use crate::components::request_preview::RequestPreview;
use crate::components::warning_checklist::WarningChecklist;
use crate::state::pending::{PendingChanges, Target};
use leptos::prelude::*;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::licensing::plan::Warning;
use license_desk_core::wording::describe_change;
use license_desk_core::wording::pending::{Subject, DISCARD_WHILE_BUSY};

/// The panel's words for a screen's pending changes and what their plan refuses.
pub fn described<Id: Target>(
    catalog: Memo<Catalog>,
    pending: PendingChanges<Id>,
) -> (Signal<Vec<String>>, Signal<Vec<String>>) {
    let changes = Signal::derive(move || {
        let changes = pending.changes();
        catalog.with(|c| {
            changes
                .iter()
                .map(|change| describe_change(change, c))
                .collect()
        })
    });
    let refusals = Signal::derive(move || {
        let refusals = pending.refusals();
        catalog.with(|c| refusals.iter().map(|refusal| refusal.describe(c)).collect())
    });
    (changes, refusals)
}

#[component]
pub fn PendingChangesPanel(
    subject: Subject,
    /// The heading's id: focus moves there when a change is queued.
    heading_id: &'static str,
    /// The heading's level: 2 on its own card, 3 inside another.
    #[prop(default = 2)]
    level: u8,
    /// Each pending change in the admin's words.
    #[prop(into)]
    changes: Signal<Vec<String>>,
    /// What the planner refuses, in the admin's words.
    #[prop(into)]
    refusals: Signal<Vec<String>>,
    /// The request the changes would send (`None` when nothing would change or something
    /// was refused).
    #[prop(into)]
    request: Signal<Option<GraphRequest>>,
    checklist: RwSignal<Checklist>,
    #[prop(into)] describe: Callback<Warning, String>,
    /// A change is being applied: nothing is discarded, previewed or applied meanwhile.
    #[prop(into)]
    busy: Signal<bool>,
    /// The token is predicted to allow the write, or the admin tries anyway.
    #[prop(into)]
    allowed: Signal<bool>,
    /// The id of the note that says why the write is not allowed, when it is shown.
    #[prop(optional)]
    not_allowed_note: Option<&'static str>,
    #[prop(into)] on_discard: Callback<()>,
    #[prop(into)] on_apply: Callback<()>,
    /// Shown in the preview under the request (the predicted diff, what Graph will do).
    children: ChildrenFn,
) -> impl IntoView {
    let previewing = RwSignal::new(false);
    // Another set of changes, or another request for them, needs another preview. A fresh
    // read of the user that leaves both as they were keeps the preview open.
    Effect::new(
        move |previous: Option<(Vec<String>, Option<GraphRequest>)>| {
            let now = (changes.get(), request.get());
            if previous.is_some_and(|previous| previous != now) {
                previewing.set(false);
            }
            now
        },
    );
    let has_request = move || request.with(Option::is_some);
    let ready = move || {
        has_request() && allowed.get() && !busy.get() && checklist.with(Checklist::may_send)
    };
    let heading = move || match level {
        2 => view! { <h2 id=heading_id tabindex="-1">"Pending changes"</h2> }.into_any(),
        _ => view! { <h3 id=heading_id tabindex="-1">"Pending changes"</h3> }.into_any(),
    };
    let children = StoredValue::new(children);
    view! {
        <Show when=move || changes.with(|c| !c.is_empty())>
            <section class=if level == 2 { "card pending" } else { "pending" } aria-labelledby=heading_id>
                {heading()}
                <ul>
                    <For each=move || changes.get().into_iter().enumerate() key=|change| change.clone() let:change>
                        <li>{change.1}</li>
                    </For>
                </ul>
                <Show when=move || refusals.with(|r| !r.is_empty())>
                    <div class="error-panel" role="alert">
                        <p class="error-title"><strong>{subject.refused_title()}</strong></p>
                        <ul>{move || refusals.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                        <p>{subject.refused_advice()}</p>
                    </div>
                </Show>
                <Show when=move || !has_request() && refusals.with(Vec::is_empty)>
                    <p role="status">{subject.nothing_to_send()}</p>
                </Show>
                <div class="actions">
                    <button class="primary" disabled=move || !has_request() || busy.get()
                        on:click=move |_| previewing.set(true)>"Preview changes"</button>
                    <button class="secondary" disabled=move || busy.get()
                        aria-describedby=move || busy.get().then_some("discard-while-busy")
                        on:click=move |_| { previewing.set(false); on_discard.run(()); }>"Discard changes"</button>
                    <Show when=move || busy.get()>
                        <p id="discard-while-busy" class="hint">{DISCARD_WHILE_BUSY}</p>
                    </Show>
                </div>
                <Show when=move || previewing.get() && has_request()>
                    <div class="preview" role="region" aria-label="Preview">
                        <RequestPreview request=request/>
                        {children.with_value(|children| children())}
                        <WarningChecklist checklist=checklist describe=describe/>
                        <button class="primary" disabled=move || !ready()
                            aria-describedby=move || (!allowed.get()).then_some(not_allowed_note).flatten()
                            on:click=move |_| { previewing.set(false); on_apply.run(()); }>"Apply changes"</button>
                    </div>
                </Show>
            </section>
        </Show>
    }
}
