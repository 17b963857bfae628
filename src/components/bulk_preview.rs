//! The dry run's answer before anything is written: how many users will change, need
//! nothing or are refused (and why), every warning with its users to be ticked, seats
//! needed against seats free, and users with no usage location. "Start" stays disabled
//! until every warning that needs it is ticked and seats suffice (or the admin chose to
//! stop when they run out).

use crate::components::user_names::UserNames;
use crate::components::warning_checklist::WarningChecklist;
use crate::format::{count, number};
use crate::state::bulk::{BulkState, PreviewResult};
use leptos::prelude::*;
use license_desk_core::bulk::preview::{self, Preview, WarningGroup};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::licensing::plan::Warning;
use license_desk_core::licensing::usage_location;
use std::sync::Arc;

/// Why "Start" can't be pressed yet, if it can't.
pub fn blocked_reason(bulk: BulkState, preview: &Preview) -> Option<String> {
    if preview.will_change == 0 {
        return Some("No user needs this change.".into());
    }
    let unticked = bulk.checklist.with(Checklist::unticked);
    if unticked > 0 {
        return Some(format!(
            "Tick {} above to start.",
            count(unticked, "warning", "warnings")
        ));
    }
    if preview.seats_short() && !bulk.stop_when_seats_run_out.get() {
        return Some(
            "Not enough free seats: free some, or choose \u{201c}Stop when seats run out\u{201d}."
                .into(),
        );
    }
    if let Some(country) = bulk.usage_location.get() {
        if !usage_location::is_valid_usage_location(Some(&country)) {
            return Some(
                "Enter a two-letter country code (such as US or GB) for the usage location.".into(),
            );
        }
    }
    None
}

/// What the dry run said of `warning`: `part` of its group (its words, its users).
fn of_warning<T: Default>(
    groups: StoredValue<Vec<WarningGroup>>,
    warning: &Warning,
    part: impl Fn(&WarningGroup) -> T,
) -> T {
    groups.with_value(|groups| {
        groups
            .iter()
            .find(|group| &group.warning == warning)
            .map(part)
            .unwrap_or_default()
    })
}

#[component]
pub fn BulkPreview(result: Arc<PreviewResult>, catalog: Catalog) -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let preview = result.preview.clone();
    let export = {
        let result = result.clone();
        let catalog = catalog.clone();
        move |json: bool| {
            if json {
                crate::browser::download(
                    "license-desk-preview.json",
                    "application/json",
                    &preview::preview_json(&result.records, &catalog),
                );
            } else {
                crate::browser::download(
                    "license-desk-preview.csv",
                    "text/csv",
                    &preview::preview_csv(&result.records, &catalog),
                );
            }
        }
    };
    let export_csv = export.clone();
    let missing = preview.missing_usage_location.clone();
    // The words and users of each warning, as the dry run grouped them.
    let groups = StoredValue::new(preview.warnings.clone());
    let describe =
        Callback::new(move |warning| of_warning(groups, &warning, |group| group.text.clone()));
    let affected =
        Callback::new(move |warning| of_warning(groups, &warning, |group| group.users.clone()));
    let missing_count = missing.len();
    view! {
        <section class="card bulk-preview" aria-labelledby="bulk-preview-title">
            <h3 id="bulk-preview-title" tabindex="-1">"Preview: " {result.title.clone()}</h3>
            <ul class="counts" role="list">
                <li><strong>{number(preview.will_change as i64)}</strong> " will change"</li>
                <li><strong>{number(preview.no_change as i64)}</strong> " need nothing (skipped)"</li>
                <li><strong>{number(preview.refused as i64)}</strong> " refused"</li>
                <li><strong>{number(preview.not_found.len() as i64)}</strong> " not found"</li>
                {(!preview.failed.is_empty()).then(|| view! { <li><strong>{number(preview.failed.len() as i64)}</strong> " could not be read"</li> })}
            </ul>
            {(!preview.not_found.is_empty()).then(|| view! {
                <details><summary>{count(preview.not_found.len(), "user was not found", "users were not found")}</summary><UserNames users=preview.not_found.clone()/></details>
            })}
            <ReasonGroups groups=preview.unchanged.clone() label="Need nothing" class="unchanged"/>
            <ReasonGroups groups=preview.refusals.clone() label="Refused" class="refusal"/>
            {preview.failed.iter().map(|(user, error)| view! {
                <p class="problem">{format!("{user}: {} — {}", error.headline, error.what_to_do)}</p>
            }).collect_view()}
            <WarningChecklist checklist=bulk.checklist describe=describe affected=affected/>
            {(!preview.seats.is_empty()).then(|| view! {
                <table class="seats">
                    <caption>"Seats"</caption>
                    <thead><tr><th scope="col">"License"</th><th scope="col">"Needed"</th><th scope="col">"Free"</th></tr></thead>
                    <tbody>
                        {preview.seats.iter().map(|seat| view! {
                            <tr class:short=seat.short()>
                                <td>{seat.name.clone()}</td>
                                <td>{number(seat.needed)}</td>
                                <td>{seat.free.map_or_else(|| "unknown".to_string(), number)}{seat.short().then_some(" — not enough")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {preview.seats_short().then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || bulk.stop_when_seats_run_out.get()
                        on:change=move |ev| bulk.stop_when_seats_run_out.set(event_target_checked(&ev))/>
                    "Stop when seats run out (users beyond the free seats are not changed)"
                </label>
            })}
            {(missing_count > 0).then(|| view! {
                <div class="usage-location">
                    <p>{format!("{} no usage location; Graph refuses licenses for them until one is set.", count(missing_count, "user has", "users have"))}</p>
                    <details><summary>"Users with no usage location"</summary><UserNames users=missing.clone()/></details>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || bulk.usage_location.with(Option::is_some)
                            on:change=move |ev| bulk.usage_location.set(event_target_checked(&ev).then(String::new))/>
                        "Set a usage location for them first"
                    </label>
                    {move || bulk.usage_location.get().map(|value| view! {
                        <div class="field">
                            <label for="bulk-usage-location">"Usage location (two-letter country code)"</label>
                            <input id="bulk-usage-location" maxlength="2" autocomplete="off" prop:value=value
                                on:input=move |ev| bulk.usage_location.set(Some(event_target_value(&ev).trim().to_ascii_uppercase()))/>
                        </div>
                    })}
                </div>
            })}
            <div class="actions">
                <button class="secondary" on:click=move |_| export_csv(false)>"Export preview as CSV"</button>
                <button class="secondary" on:click=move |_| export(true)>"Export preview as JSON"</button>
            </div>
        </section>
    }
}

/// Users grouped by a reason ("Refused (3): …"), each group opening to its users.
#[component]
fn ReasonGroups(
    groups: Vec<license_desk_core::bulk::preview::ReasonGroup>,
    label: &'static str,
    class: &'static str,
) -> impl IntoView {
    groups
        .into_iter()
        .map(|group| {
            view! {
                <details class=class>
                    <summary>{format!("{label} ({}): {}", number(group.users.len() as i64), group.reason)}</summary>
                    <UserNames users=group.users/>
                </details>
            }
        })
        .collect_view()
}
