//! A bulk run as it goes: the progress bar, counts, the write rate against the budget,
//! the time left, Graph's throttling with its countdown, the live chart, and Pause,
//! Resume and Cancel. A 401 pauses the run until a fresh token is pasted; nothing fails.
//! A journal that can't be saved pauses it too, saying why; Resume tries again.

use crate::components::write_rate_chart::WriteRateChart;
use crate::format::{duration, number};
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::{BulkState, Phase};
use leptos::prelude::*;
use license_desk_core::ops::{Event, PauseReason, Status};

#[component]
pub fn BulkRunProgress() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = expect_context::<crate::transport::session::Session>();
    let progress = bulk.progress;
    let total = move || progress.with(|p| p.summary.total);
    let finished = move || {
        if bulk.phase.get() == Phase::Finished {
            return total();
        }
        progress.with(|p| {
            Status::ALL
                .iter()
                .filter(|status| is_final(**status))
                .map(|status| p.summary.count(*status))
                .sum::<usize>()
        })
    };
    let dry_run = move || bulk.phase.get() == Phase::Previewing;
    let count_of = move |status: Status| progress.with(|p| p.summary.count(status));
    let budget = bulk
        .spec
        .with_untracked(|spec| spec.as_ref().map(|s| s.options.write_budget))
        .unwrap_or_default();
    let budget_per_s = f64::from(budget.writes) * 1000.0 / budget.window_ms.max(1) as f64;
    let throttle_text = move || {
        let until = progress.with(|p| p.throttled_until);
        let now = session.now.get() as u64 * 1000;
        (until > now).then(|| {
            format!(
                "Graph is throttling: sending again in {}.",
                duration((until - now).div_ceil(1000))
            )
        })
    };
    let paused = move || progress.with(|p| p.paused);
    let run_over = move || bulk.phase.get() == Phase::Finished;
    let confirming_cancel = RwSignal::new(false);
    let heading = move || {
        if dry_run() {
            "Reading and planning every user (nothing is written)"
        } else if run_over() && count_of(Status::Cancelled) > 0 {
            "Run cancelled"
        } else if run_over() {
            "Run finished"
        } else {
            match paused() {
                Some(PauseReason::NeedsToken) => "Paused: needs a fresh token",
                Some(PauseReason::ByAdmin) => "Paused",
                Some(PauseReason::JournalNotSaved) => "Paused: the journal can't be saved",
                None => "Running",
            }
        }
    };
    view! {
        <section class="card bulk-progress" aria-labelledby="bulk-progress-title">
            <h3 id="bulk-progress-title" tabindex="-1">{move || bulk.spec.with(|s| s.as_ref().map(|s| s.title.clone()).unwrap_or_default())}</h3>
            <p class="run-state" role="status">{heading}</p>
            <div class="progress-line">
                <progress aria-label="Run progress" max=move || total().max(1).to_string() value=move || finished().to_string()
                    aria-valuemin="0" aria-valuemax=move || total().to_string() aria-valuenow=move || finished().to_string()
                    aria-valuetext=move || format!("{} of {} finished", finished(), total())></progress>
                <span>{move || format!("{} of {}", number(finished() as i64), number(total() as i64))}</span>
            </div>
            {move || (!dry_run()).then(|| view! {
                <ul class="counts">
                    <li>"Done " <strong>{move || number(count_of(Status::Done) as i64)}</strong></li>
                    <li>"No change " <strong>{move || number(count_of(Status::NoOp) as i64)}</strong></li>
                    <li>"Failed " <strong>{move || number((count_of(Status::Failed) + count_of(Status::Unknown)) as i64)}</strong></li>
                    <li>"Refused " <strong>{move || number(count_of(Status::Refused) as i64)}</strong></li>
                    <li>"Sent, being checked " <strong>{move || number((count_of(Status::Sent) + count_of(Status::Settling)) as i64)}</strong></li>
                    <li>"Waiting " <strong>{move || number(count_of(Status::Waiting) as i64)}</strong></li>
                    {move || (count_of(Status::Cancelled) > 0).then(|| view! { <li>"Cancelled " <strong>{number(count_of(Status::Cancelled) as i64)}</strong></li> })}
                </ul>
                <p class="rate">
                    {move || if run_over() {
                        progress.with(|p| average_rate(&p.summary))
                    } else {
                        format!("{:.1} writes/s of {budget_per_s:.0} allowed", progress.with(|p| p.rate))
                    }}
                    {move || progress.with(|p| p.eta_ms).filter(|ms| *ms > 0 && bulk.phase.get() == Phase::Running).map(|ms| format!(" · writes still to send: about {}", duration(ms.div_ceil(1000))))}
                </p>
                <p class="throttle" aria-live="off">{throttle_text}</p>
                <WriteRateChart series=Signal::derive(move || progress.with(|p| p.series.clone())) budget=budget_per_s/>
            })}
            {move || (paused() == Some(PauseReason::NeedsToken)).then(|| view! {
                <p class="problem">"Graph answered 401: the token expired or was revoked. Paste a fresh token for the same tenant above; the run continues where it stopped, and no user fails because of it."</p>
            })}
            {move || bulk.store_problem.get().map(|problem| view! {
                <p class="problem" role="alert">{format!("{problem} Until the journal is saved nothing more is sent, so no write goes out that a resumed run wouldn't know about.")}</p>
            })}
            {move || (confirming_cancel.get() && bulk.phase.get() == Phase::Running).then(|| view! {
                <div class="confirm" role="group" aria-labelledby="cancel-question">
                    <p id="cancel-question">"Cancel this run? Nothing more is sent. Writes already on their way may still be applied; they are checked and shown. Users not reached stay as they are, and the report lists them as cancelled."</p>
                    <button class="danger" on:click=move |_| { confirming_cancel.set(false); bulk_runs::control(bulk, Event::Cancel); }>"Cancel run"</button>
                    <button class="secondary" on:click=move |_| confirming_cancel.set(false)>"Keep running"</button>
                </div>
            })}
            <div class="actions">
                {move || (bulk.phase.get() == Phase::Running).then(|| view! {
                    {move || if matches!(paused(), Some(PauseReason::ByAdmin | PauseReason::JournalNotSaved)) {
                        view! { <button class="primary" on:click=move |_| bulk_runs::control(bulk, Event::Resume)>"Resume"</button> }.into_any()
                    } else {
                        view! { <button class="secondary" disabled=move || paused().is_some() on:click=move |_| bulk_runs::control(bulk, Event::Pause)>"Pause"</button> }.into_any()
                    }}
                    {move || (!confirming_cancel.get()).then(|| view! {
                        <button class="secondary" on:click=move |_| confirming_cancel.set(true)>"Cancel"</button>
                    })}
                })}
                {move || dry_run().then(|| view! {
                    <button class="secondary" on:click=move |_| { bulk_runs::control(bulk, Event::Cancel); bulk.reset_run(); }>"Stop preview"</button>
                })}
                <button class="secondary" on:click=move |_| crate::state::bulk::actions::download_journal(bulk)>"Download journal"</button>
            </div>
        </section>
    }
}

/// Whether an item in `status` is through (while the run goes, `unknown` is being read
/// again, so it is not).
fn is_final(status: Status) -> bool {
    !matches!(
        status,
        Status::Waiting | Status::Sent | Status::Settling | Status::Unknown
    )
}

/// The finished run's pace: writes sent over the time from Start to the end.
fn average_rate(summary: &license_desk_core::ops::Summary) -> String {
    let seconds = summary.finished_ms.saturating_sub(summary.started_ms) as f64 / 1000.0;
    if summary.writes_sent == 0 || seconds <= 0.0 {
        return "No write was sent.".to_string();
    }
    format!(
        "{} writes in {}: {:.1} writes/s on average; Graph throttled {} of them (answered 429, sent again).",
        number(summary.writes_sent as i64),
        duration(seconds.round() as u64),
        summary.writes_sent as f64 / seconds,
        number(summary.throttled as i64)
    )
}
