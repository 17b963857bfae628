//! The run's users as a table: status, user, a change summary and the error, filtered by
//! status and paged, so ten thousand rows cost no more to show than fifty. A row opens
//! to the user's own diff.

use crate::components::changes_view::DiffList;
use crate::format::number;
use crate::state::bulk::BulkState;
use leptos::prelude::*;
use license_desk_core::bulk::report;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::ops::{JournalRecord, Status};

const PER_PAGE: usize = 50;

/// A row as shown.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    index: usize,
    status: Status,
    user: String,
    change: String,
    error: String,
    record: JournalRecord,
}

fn row(record: &JournalRecord, catalog: &Catalog) -> Row {
    let user = record
        .before
        .as_ref()
        .and_then(|u| u.user_principal_name.clone())
        .unwrap_or_else(|| record.item.user.clone());
    // A user still on the way (waiting after a 429, being checked) has no error yet.
    let ended = matches!(
        record.status,
        Status::Failed | Status::Unknown | Status::Refused | Status::Cancelled
    );
    let error = record
        .error
        .as_ref()
        .filter(|_| ended)
        .map(|e| match &e.code {
            Some(code) => format!("{code}: {}", e.message),
            None => e.headline.clone(),
        })
        .or_else(|| {
            matches!(record.status, Status::Refused | Status::Unknown)
                .then(|| record.note.clone())
                .flatten()
        })
        .unwrap_or_default();
    Row {
        index: record.index,
        status: record.status,
        user,
        change: report::change_summary(record, catalog),
        error,
        record: record.clone(),
    }
}

#[component]
fn ResultRow(row: Row) -> impl IntoView {
    let open = RwSignal::new(false);
    let label = format!("Details for {}", row.user);
    let diff = row.record.diff.clone();
    let error = row.record.error.clone();
    view! {
        <tr>
            <td><span class=format!("badge status-{}", row.status.label())>{row.status.label()}</span></td>
            <td>{row.user.clone()}</td>
            <td>{row.change.clone()}</td>
            <td>{row.error.clone()}</td>
            <td>
                <button class="link" aria-expanded=move || open.get().to_string() aria-label=label on:click=move |_| open.update(|o| *o = !*o)>
                    "Details"
                </button>
            </td>
        </tr>
        {move || open.get().then(|| {
            let entries = diff.as_ref().map(|d| d.entries.clone()).unwrap_or_default();
            let request_ids = row.record.request_ids.join(", ");
            view! {
                <tr class="row-details">
                    <td colspan="5">
                        {if entries.is_empty() {
                            view! { <p class="hint">"No license change to show for this user."</p> }.into_any()
                        } else {
                            view! { <DiffList entries=entries/> }.into_any()
                        }}
                        {error.clone().map(|e| view! { <p class="problem">{sentences(&e.headline, &e.what_to_do)}</p> })}
                        {(!request_ids.is_empty()).then(|| view! { <p class="hint">"request-id: " <code>{request_ids.clone()}</code></p> })}
                    </td>
                </tr>
            }
        })}
    }
}

#[component]
pub fn BulkResultsTable(#[prop(into)] catalog: Signal<Catalog>) -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let filter = RwSignal::new(None::<Status>);
    let page = RwSignal::new(0usize);
    // The rows of the page shown, recomputed when the journal, filter or page changes.
    let shown = Memo::new(move |_| {
        bulk.journal_version.track();
        let filter = filter.get();
        let page = page.get();
        let catalog = catalog.get();
        bulk.journal.with_value(|journal| {
            let matching: Vec<&JournalRecord> = journal
                .iter()
                .filter(|r| filter.is_none_or(|f| r.status == f))
                .collect();
            let total = matching.len();
            let rows: Vec<Row> = matching
                .into_iter()
                .skip(page * PER_PAGE)
                .take(PER_PAGE)
                .map(|r| row(r, &catalog))
                .collect();
            (rows, total)
        })
    });
    let pages = move || shown.with(|(_, total)| total.div_ceil(PER_PAGE).max(1));
    Effect::new(move |_| {
        if page.get() >= pages() {
            page.set(pages() - 1);
        }
    });
    view! {
        <section class="card bulk-table" aria-labelledby="bulk-table-title">
            <h3 id="bulk-table-title">"Users in this run"</h3>
            <div class="row">
                <div class="field">
                    <label for="bulk-filter">"Show"</label>
                    <select id="bulk-filter" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        filter.set(Status::ALL.into_iter().find(|s| s.label() == value));
                        page.set(0);
                    }>
                        <option value="">"All users"</option>
                        {Status::ALL.into_iter().map(|s| view! { <option value=s.label()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <p class="hint">{move || format!("{} rows", number(shown.with(|(_, total)| *total) as i64))}</p>
            </div>
            <table class="results">
                <caption class="visually-hidden">"Status, change and error per user"</caption>
                <thead><tr><th scope="col">"Status"</th><th scope="col">"User"</th><th scope="col">"Change"</th><th scope="col">"Error"</th><th scope="col"><span class="visually-hidden">"Details"</span></th></tr></thead>
                <tbody>
                    <For each=move || shown.get().0 key=|row| (row.index, row.status, row.record.attempts, row.record.request_ids.len()) let:row>
                        <ResultRow row=row/>
                    </For>
                </tbody>
            </table>
            <nav class="pager" aria-label="Pages of users">
                <button class="secondary" disabled={move || page.get() == 0} on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous page"</button>
                <span>{move || format!("Page {} of {}", page.get() + 1, pages())}</span>
                <button class="secondary" disabled={move || page.get() + 1 >= pages()} on:click=move |_| page.update(|p| *p += 1)>"Next page"</button>
            </nav>
        </section>
    }
}

/// "Headline. What to do.": the headline gets its full stop if it has none.
fn sentences(headline: &str, what_to_do: &str) -> String {
    let headline = headline.trim();
    if headline.ends_with(['.', '!', '?', ':']) {
        format!("{headline} {what_to_do}")
    } else {
        format!("{headline}. {what_to_do}")
    }
}
