//! "Users in this run": one row per user with their status, a change summary and the
//! error, filtered by status and paged, so ten thousand rows cost no more to show than
//! fifty. A row opens to the user's steps (a usage location set before the license, say),
//! each with its status, error and Graph's request-ids, and the user's own diff.

use crate::components::changes_view::DiffList;
use crate::format::{count, number};
use crate::state::bulk::BulkState;
use leptos::prelude::*;
use license_desk_core::bulk::report;
use license_desk_core::bulk::users::{by_user, UserSteps};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::ops::{JournalRecord, Status};
use license_desk_core::wording::bulk as words;

const PER_PAGE: usize = 50;

/// The statuses the filter offers, in the order an admin looks for them.
const FILTERS: [Status; 10] = [
    Status::Done,
    Status::NoOp,
    Status::Failed,
    Status::Unknown,
    Status::Refused,
    Status::NoSeats,
    Status::Cancelled,
    Status::Settling,
    Status::Sent,
    Status::Waiting,
];

/// A user's row as shown.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    /// The user's place in the run.
    index: usize,
    status: Status,
    user: String,
    change: String,
    error: String,
    steps: Vec<JournalRecord>,
}

/// What a step's error or note says, once the step has ended that way.
fn step_error(record: &JournalRecord) -> Option<String> {
    // A user still on the way (waiting after a 429, being checked) has no error yet.
    let ended = matches!(
        record.status,
        Status::Failed | Status::Unknown | Status::Refused | Status::Cancelled | Status::NoSeats
    );
    if !ended {
        return None;
    }
    record
        .error
        .as_ref()
        .map(|e| match &e.code {
            Some(code) => format!("{code}: {}", e.message),
            None => e.headline.clone(),
        })
        .or_else(|| {
            matches!(
                record.status,
                Status::Refused | Status::Unknown | Status::NoSeats
            )
            .then(|| record.note.clone())
            .flatten()
        })
}

fn row(position: usize, user: &UserSteps, records: &[JournalRecord], catalog: &Catalog) -> Row {
    let steps: Vec<JournalRecord> = user.steps.iter().map(|&i| records[i].clone()).collect();
    let name = steps
        .iter()
        .find_map(|r| {
            r.before
                .as_ref()
                .and_then(|u| u.user_principal_name.clone())
        })
        .unwrap_or_else(|| user.user.clone());
    Row {
        index: position,
        status: user.status,
        user: name,
        change: report::user_change(records, user, catalog),
        error: steps.iter().find_map(step_error).unwrap_or_default(),
        steps,
    }
}

/// A request-id as the details show it: the whole `$batch`'s is marked.
fn request_id_text(record: &JournalRecord, id: &str) -> String {
    if record.is_batch_request_id(id) {
        words::batch_request_id(id)
    } else {
        id.to_string()
    }
}

#[component]
fn ResultRow(row: Row, #[prop(into)] catalog: Signal<Catalog>) -> impl IntoView {
    let open = RwSignal::new(false);
    let label = format!("Details for {}", row.user);
    let status_class = format!("badge status-{}", row.status.label());
    let steps = row.steps.clone();
    view! {
        <tr>
            <td><span class=status_class>{words::status_words(row.status)}</span></td>
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
            let catalog = catalog.get_untracked();
            let entries: Vec<_> = steps
                .iter()
                .filter_map(|r| r.diff.as_ref())
                .flat_map(|d| d.entries.clone())
                .collect();
            view! {
                <tr class="row-details">
                    <td colspan="5">
                        <ol class="steps" aria-label="Steps">
                            {steps.iter().map(|step| {
                                let ids: Vec<String> = step.request_ids.iter().map(|id| request_id_text(step, id)).collect();
                                view! {
                                    <li>
                                        <strong>{report::change_summary(step, &catalog)}</strong>
                                        {format!(": {}", words::status_words(step.status))}
                                        {step.error.clone().map(|e| view! { <p class="problem">{sentences(&e.headline, &e.what_to_do)}</p> })}
                                        {step.note.clone().filter(|_| step.error.is_none() && step.status != Status::Done).map(|note| view! { <p class="hint">{note}</p> })}
                                        {(!ids.is_empty()).then(|| view! {
                                            <p class="hint">{if ids.len() == 1 { "request-id: " } else { "request-ids: " }}<code>{ids.join(", ")}</code></p>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        {if entries.is_empty() {
                            view! { <p class="hint">"No license change to show for this user."</p> }.into_any()
                        } else {
                            view! { <DiffList entries=entries/> }.into_any()
                        }}
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
            let users = by_user(journal);
            let matching: Vec<(usize, &UserSteps)> = users
                .iter()
                .enumerate()
                .filter(|(_, user)| filter.is_none_or(|f| user.status == f))
                .collect();
            let total = matching.len();
            let rows: Vec<Row> = matching
                .into_iter()
                .skip(page * PER_PAGE)
                .take(PER_PAGE)
                .map(|(position, user)| row(position, user, journal, &catalog))
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
    let row_key = |row: &Row| {
        (
            row.index,
            row.status,
            row.steps
                .iter()
                .map(|s| (s.status, s.attempts, s.request_ids.len()))
                .collect::<Vec<_>>(),
        )
    };
    view! {
        <section class="card bulk-table" aria-labelledby="bulk-table-title">
            <h3 id="bulk-table-title">"Users in this run"</h3>
            <div class="row">
                <div class="field">
                    <label for="bulk-filter">"Show"</label>
                    <select id="bulk-filter" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        filter.set(FILTERS.into_iter().find(|s| s.label() == value));
                        page.set(0);
                    }>
                        <option value="">"All users"</option>
                        {FILTERS.into_iter().map(|s| view! { <option value=s.label()>{words::status_words(s)}</option> }).collect_view()}
                    </select>
                </div>
                <p class="hint">{move || count(shown.with(|(_, total)| *total), "user", "users")}</p>
            </div>
            <table class="results">
                <caption class="visually-hidden">"Status, change and error per user"</caption>
                <thead><tr><th scope="col">"Status"</th><th scope="col">"User"</th><th scope="col">"Change"</th><th scope="col">"Error"</th><th scope="col"><span class="visually-hidden">"Details"</span></th></tr></thead>
                <tbody>
                    <For each=move || shown.get().0 key=row_key let:row>
                        <ResultRow row=row catalog=catalog/>
                    </For>
                </tbody>
            </table>
            <nav class="pager" aria-label="Pages of users">
                <button class="secondary" disabled={move || page.get() == 0} on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous page"</button>
                <span>{move || format!("Page {} of {}", number(page.get() as i64 + 1), number(pages() as i64))}</span>
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
