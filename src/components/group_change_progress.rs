//! How a group license change goes: progress while Graph processes it (queued, in
//! progress), then what changed on the group (licenses and plans) and how its members'
//! states moved ("Errors: 12 → 0"), or what failed, why and what to do.

use crate::components::error_panel::ErrorPanel;
use crate::state::groups::actions::CHANGE_STATUS_ID;
use crate::state::groups::use_groups;
use crate::state::tenant::use_tenant;
use leptos::prelude::*;
use license_desk_core::groups::change::{Ending, Phase};
use license_desk_core::wording::groups::{change_phase, member_counts_change};

#[component]
pub fn GroupChangeProgress() -> impl IntoView {
    let tenant = use_tenant();
    let state = use_groups();
    view! {
        {move || {
            let change = state.change.get().filter(|c| state.open_group().as_ref() == Some(&c.group))?;
            let body = match change.report {
                None => {
                    let phase = change.record.as_ref().map_or(Phase::ReadingGroup, |r| r.phase);
                    let processing = change.record.as_ref().and_then(|r| r.processing.clone());
                    view! {
                        <p id=CHANGE_STATUS_ID tabindex="-1" role="status" class="busy">{change_phase(phase, processing.as_ref())}</p>
                        <progress aria-label="Group change progress"></progress>
                    }.into_any()
                }
                Some(report) => {
                    let catalog = tenant.catalog.get();
                    let counts = match (&report.counts_before, &report.counts_after) {
                        (Some(before), Some(after)) => Some(member_counts_change(before, after)),
                        _ => None,
                    };
                    let diff = report.diff.as_ref().map(|d| d.describe(&catalog)).unwrap_or_default();
                    match report.ending {
                        Ending::Done => view! {
                            <p id=CHANGE_STATUS_ID tabindex="-1" role="status" class="status">{
                                if report.processing_complete {
                                    "Applied: Entra ID finished processing the group.".to_string()
                                } else {
                                    "Applied: Graph accepted the change, but processing was not seen to finish in time. The counts below are as read now; check the group again later.".to_string()
                                }
                            }</p>
                            <h3>"What changed on the group"</h3>
                            <ul class="diff group-diff">{diff.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                            {counts.map(|text| view! { <h3>"Members"</h3><p class="member-change">{text}</p> })}
                        }.into_any(),
                        Ending::NothingToDo => view! {
                            <p id=CHANGE_STATUS_ID tabindex="-1" role="status">"Nothing was sent: the group already is as asked."</p>
                        }.into_any(),
                        Ending::Refused => view! {
                            <p id=CHANGE_STATUS_ID tabindex="-1" role="status" class="inline-error">"Nothing was sent: the change was refused when the group was read again. Your pending changes are kept; preview them again."</p>
                        }.into_any(),
                        Ending::Cancelled => view! {
                            <p id=CHANGE_STATUS_ID tabindex="-1" role="status">"Nothing was sent. Your pending changes are kept."</p>
                        }.into_any(),
                        Ending::Failed { error } => view! {
                            <div id=CHANGE_STATUS_ID tabindex="-1">
                                <ErrorPanel error=*error context="Changing the group's licenses"/>
                                <p class="hint">"Your pending changes are kept: fix the cause, then preview and apply again."</p>
                            </div>
                        }.into_any(),
                    }
                }
            };
            Some(view! {
                <section class="card group-change-result" aria-labelledby="group-result-title">
                    <h2 id="group-result-title">"Group license change"</h2>
                    {body}
                </section>
            })
        }}
    }
}
