//! Every request this session made: time, method, path, status, request-id, duration.
//! The token is never part of an entry. The newest entries are shown, each row keyed so
//! a new request adds one row; the whole log can be exported.

use crate::transport::session::use_session;
use leptos::prelude::*;

/// Rows shown at once; the export holds every entry.
const SHOWN: usize = 200;

#[component]
pub fn ActivityLog() -> impl IntoView {
    let session = use_session();
    let total = move || session.log.with(|log| log.len());
    view! {
        <section class="card" aria-labelledby="log-title">
            <details>
                <summary><h2 id="log-title" class="inline">{move || format!("Activity log ({})", crate::format::count(total(), "request", "requests"))}</h2></summary>
                {move || (total() > SHOWN).then(|| view! {
                    <p class="hint">{format!("Showing the newest {SHOWN}; export the log for all of them.")}</p>
                })}
                <div class="actions">
                    <button class="secondary" disabled=move || total() == 0
                        on:click=move |_| session.log.with_untracked(|log| crate::browser::download("activity-log.csv", "text/csv", &log.to_csv()))>"Export log (CSV)"</button>
                    <button class="secondary" disabled=move || total() == 0
                        on:click=move |_| session.log.with_untracked(|log| crate::browser::download("activity-log.json", "application/json", &log.to_json()))>"Export log (JSON)"</button>
                </div>
                <div class="log" tabindex="0" role="region" aria-label="Activity log entries">
                <table>
                    <thead><tr>
                        <th scope="col">"Time (UTC)"</th><th scope="col">"Method"</th><th scope="col">"Path"</th>
                        <th scope="col">"Status"</th><th scope="col">"request-id"</th><th scope="col">"Duration"</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || session.log.with(|log| log.newest(SHOWN).cloned().collect::<Vec<_>>())
                            key=|entry| entry.seq
                            children=|entry| view! {
                                <tr>
                                    <td>{entry.at}</td>
                                    <td>{entry.method}</td>
                                    <td class="path">{entry.path}{entry.note.map(|n| format!(" — {n}"))}</td>
                                    <td>{entry.status.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into())}</td>
                                    <td><code>{entry.request_id.unwrap_or_default()}</code></td>
                                    <td>{format!("{} ms", entry.duration_ms)}</td>
                                </tr>
                            }/>
                    </tbody>
                </table>
                </div>
            </details>
        </section>
    }
}
