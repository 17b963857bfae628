//! "Changes": what the last write actually did, read back from Graph, in admin language,
//! with export, the raw before/after, the equivalent PowerShell and HTTP, and Undo.

use crate::state::tenant::use_tenant;
use crate::state::user::use_user_screen;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::graph::model::AssignLicenseBody;
use license_desk_core::licensing::diff::DiffEntry;
use license_desk_core::licensing::diff::LicenseDiff;
use license_desk_core::licensing::equivalents;
use license_desk_core::licensing::plan::Plan;
use license_desk_core::ops::{Intent, JournalRecord, Settlement, Status};

fn marker(entry: &DiffEntry) -> &'static str {
    match entry {
        DiffEntry::AssignmentAdded { .. } => "Added",
        DiffEntry::AssignmentRemoved { .. } => "Removed",
        DiffEntry::PlanSwitched { enabled: true, .. } => "Plan on",
        DiffEntry::PlanSwitched { enabled: false, .. } => "Plan off",
        DiffEntry::StateChanged { .. } => "State",
        DiffEntry::CapabilityChanged { .. } => "Service",
        DiffEntry::UsageLocationChanged { .. } => "Location",
    }
}

/// Diff entries, with per-service-plan status changes folded away (they can be many).
#[component]
pub fn DiffList(entries: Vec<DiffEntry>) -> impl IntoView {
    let (services, main): (Vec<DiffEntry>, Vec<DiffEntry>) = entries
        .into_iter()
        .partition(|e| matches!(e, DiffEntry::CapabilityChanged { .. }));
    let count = services.len();
    view! {
        <ul class="diff">
            {main.iter().map(|entry| {
                let tag = marker(entry);
                let text = entry.describe();
                // The tag carries the verb: "Added X", never "Added Added X".
                let rest = text.strip_prefix(tag).map(str::trim_start).unwrap_or(&text).to_string();
                view! { <li><span class="tag">{tag}</span>" "{rest}</li> }
            }).collect_view()}
        </ul>
        {(count > 0).then(|| view! {
            <details class="service-changes">
                <summary>{format!("Service plan status: {}", crate::format::count(count, "change", "changes"))}</summary>
                <ul class="diff">
                    {services.iter().map(|entry| view! { <li>{entry.describe()}</li> }).collect_view()}
                </ul>
            </details>
        })}
    }
}

/// What the "Changes" region says about where the write is.
fn settling_text(record: &JournalRecord) -> String {
    match (record.status, record.settlement) {
        (Status::Done, Some(Settlement::Shown)) => "Entra ID shows the change.".into(),
        (Status::Done, Some(Settlement::NoVisibleChange)) => {
            "Entra ID processed the user again; nothing visible changed.".into()
        }
        (Status::Done, _) => {
            let waited = record
                .times
                .finished_ms
                .zip(record.times.last_sent_ms)
                .map_or(0, |(end, sent)| end.saturating_sub(sent).div_ceil(1000));
            format!(
                "After {waited} s Graph does not show the expected result yet. Entra ID may still be processing or replicating; the diff below is what Graph shows now. Reload the user later to check."
            )
        }
        _ => "Waiting for Entra ID to process…".into(),
    }
}

#[component]
pub fn ChangesView() -> impl IntoView {
    let session = use_session();
    let tenant = use_tenant();
    let screen = use_user_screen();
    view! {
        {move || screen.last_change.get().filter(|r| screen.open_user().is_some_and(|open| open.guid() == &license_desk_core::Guid::new(&r.item.user))).map(|record| {
            let status = settling_text(&record);
            // Until Entra ID shows the result, an empty diff says nothing yet.
            let settled = record.status == Status::Done;
            let user_id = record.item.user.clone();
            let before = record.before.clone().unwrap_or_default();
            let after = record.after.clone().unwrap_or_else(|| before.clone());
            let diff = record.diff.clone().unwrap_or_else(|| LicenseDiff::between(&before, &after, &tenant.catalog.read()));
            let request = record.write.clone();
            let endpoint = session.connection.get().map(|c| c.endpoint);
            let http = endpoint.as_ref().zip(request.as_ref()).map(|(e, r)| equivalents::http_text(e, r)).unwrap_or_default();
            let powershell = match &record.item.intent {
                Intent::Change(_) => request.as_ref().and_then(|r| r.body.as_deref())
                    .and_then(|b| serde_json::from_str::<AssignLicenseBody>(b).ok())
                    .map(|body| equivalents::powershell_assign(&user_id, &body))
                    .unwrap_or_default(),
                Intent::Reprocess => equivalents::powershell_reprocess(&user_id),
                Intent::SetUsageLocation(_) => request.as_ref().and_then(equivalents::usage_location_in)
                    .map(|country| equivalents::powershell_usage_location(&user_id, &country))
                    .unwrap_or_default(),
            };
            let json = diff.to_json();
            let csv = diff.to_csv();
            let text: String = diff.entries.iter().map(|e| format!("{}\n", e.describe())).collect();
            let before_json = serde_json::to_string_pretty(&before).unwrap_or_default();
            let after_json = serde_json::to_string_pretty(&after).unwrap_or_default();
            let shown = record.status == Status::Done && record.settlement == Some(Settlement::Shown);
            let undo = (matches!(record.item.intent, Intent::Change(_)) && shown)
                .then(|| Plan::undo_changes(&before, &after))
                .filter(|changes| !changes.is_empty());
            let file = format!("license-changes-{user_id}");
            let (json_file, csv_file) = (format!("{file}.json"), format!("{file}.csv"));
            view! {
                <section class="card changes" aria-labelledby="changes-title">
                    <h2 id="changes-title" tabindex="-1">"Changes"</h2>
                    <p role="status" aria-live="polite" class="settling">{status}</p>
                    {(diff.is_empty() && settled).then(|| view! { <p>"No differences between before and after."</p> })}
                    <DiffList entries=diff.entries.clone()/>
                    <div class="actions">
                        <button class="secondary" on:click=move |_| crate::browser::copy(&text)>"Copy"</button>
                        <button class="secondary" on:click=move |_| crate::browser::download(&json_file, "application/json", &json)>"Export JSON"</button>
                        <button class="secondary" on:click=move |_| crate::browser::download(&csv_file, "text/csv", &csv)>"Export CSV"</button>
                        {undo.map(|changes| view! {
                            <button class="secondary" on:click=move |_| screen.pending.set(changes.clone())>"Undo"</button>
                        })}
                    </div>
                    <details>
                        <summary>"Raw JSON before and after"</summary>
                        <div class="two-col">
                            <pre aria-label="Before">{before_json}</pre>
                            <pre aria-label="After">{after_json}</pre>
                        </div>
                    </details>
                    <details>
                        <summary>"Equivalent PowerShell and HTTP"</summary>
                        <pre aria-label="PowerShell">{powershell}</pre>
                        <pre aria-label="HTTP request">{http}</pre>
                    </details>
                </section>
            }
        })}
    }
}
