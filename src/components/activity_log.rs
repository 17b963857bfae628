//! Every request this session made: time, method, path, status, request-id, duration.
//! The token is never part of an entry.

use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn ActivityLog() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="card" aria-labelledby="log-title">
            <details>
                <summary><h2 id="log-title" class="inline">{move || format!("Activity log ({})", crate::format::count(session.log.with(Vec::len), "request", "requests"))}</h2></summary>
                <div class="log" tabindex="0" role="region" aria-label="Activity log entries">
                <table>
                    <thead><tr>
                        <th scope="col">"Time (UTC)"</th><th scope="col">"Method"</th><th scope="col">"Path"</th>
                        <th scope="col">"Status"</th><th scope="col">"request-id"</th><th scope="col">"Duration"</th>
                    </tr></thead>
                    <tbody>
                        {move || session.log.get().into_iter().rev().map(|entry| view! {
                            <tr>
                                <td>{entry.at}</td>
                                <td>{entry.method}</td>
                                <td class="path">{entry.path}{entry.note.map(|n| format!(" — {n}"))}</td>
                                <td>{entry.status.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into())}</td>
                                <td><code>{entry.request_id.unwrap_or_default()}</code></td>
                                <td>{format!("{} ms", entry.duration_ms)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </details>
        </section>
    }
}
