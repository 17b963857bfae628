//! A bulk run as it goes: the progress bar and counts (in users: a user's steps count
//! once), the write rate against the budget, the time left, Graph's throttling with its
//! countdown, the live chart, the way back to where the users came from, and Pause,
//! Resume and Cancel. A 401 pauses the run until a fresh token is pasted; nothing fails.
//! A journal that can't be saved pauses it too, saying why; Resume tries again.

use crate::components::ways_back::WaysBack;
use crate::components::write_rate_chart::WriteRateChart;
use crate::format::{duration, number};
use crate::state::bulk::actions as bulk_runs;
use crate::state::bulk::{BulkState, Phase};
use leptos::prelude::*;
use license_desk_core::ops::{Event, PauseReason, Status};
use license_desk_core::wording::bulk as words;

#[component]
pub fn BulkRunProgress() -> impl IntoView {
    let bulk = expect_context::<BulkState>();
    let session = expect_context::<crate::transport::session::Session>();
    let progress = bulk.progress;
    let total = move || progress.with(|p| p.users.total);
    let finished = move || {
        if bulk.phase.get() == Phase::Finished {
            return total();
        }
        progress.with(|p| p.users.finished())
    };
    let dry_run = move || bulk.phase.get() == Phase::Previewing;
    let count_of = move |status: Status| progress.with(|p| p.users.count(status));
    let count_item = move |statuses: &'static [Status], always: bool| {
        let n = move || statuses.iter().map(|s| count_of(*s)).sum::<usize>();
        (always || n() > 0).then(|| {
            view! { <li>{words::status_words(statuses[0])} " " <strong>{move || number(n() as i64)}</strong></li> }
        })
    };
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
            <h3 id="bulk-progress-title" tabindex="-1">{move || bulk.spec.with(|s| s.as_ref().map(|s| words::run_heading(s.number, &s.title)).unwrap_or_default())}</h3>
            <p class="run-state" role="status">{heading}</p>
            <WaysBack/>
            <div class="progress-line">
                <progress aria-label="Run progress" max=move || total().max(1).to_string() value=move || finished().to_string()
                    aria-valuemin="0" aria-valuemax=move || total().to_string() aria-valuenow=move || finished().to_string()
                    aria-valuetext=move || format!("{} of {} users finished", number(finished() as i64), number(total() as i64))></progress>
                <span>{move || format!("{} of {} users", number(finished() as i64), number(total() as i64))}</span>
            </div>
            {move || (!dry_run()).then(|| view! {
                <ul class="counts" aria-label="Users by status">
                    {count_item(&[Status::Done], true)}
                    {count_item(&[Status::NoOp], true)}
                    {count_item(&[Status::Failed], true)}
                    {move || count_item(&[Status::Unknown], false).filter(|_| run_over())}
                    {count_item(&[Status::Refused], true)}
                    {move || count_item(&[Status::NoSeats], false)}
                    {move || (!run_over()).then(|| view! {
                        <li>{words::status_words(Status::Settling)} " " <strong>{move || number((count_of(Status::Sent) + count_of(Status::Settling) + count_of(Status::Unknown)) as i64)}</strong></li>
                    })}
                    {count_item(&[Status::Waiting], true)}
                    {move || count_item(&[Status::Cancelled], false)}
                </ul>
                <p class="rate">
                    {move || if run_over() {
                        progress.with(|p| average_rate(&p.summary))
                    } else {
                        format!("{:.1} writes/s sent of {budget_per_s:.0} allowed", progress.with(|p| p.rate))
                    }}
                    {move || progress.with(|p| p.eta_ms).filter(|ms| *ms > 0 && bulk.phase.get() == Phase::Running).map(|ms| format!(" · writes still to send: about {}", duration(ms.div_ceil(1000))))}
                </p>
                <p class="throttle" aria-live="off">{throttle_text}</p>
                <WriteRateChart series=Signal::derive(move || progress.with(|p| p.series.clone())) budget=budget_per_s
                    average=Signal::derive(move || progress.with(|p| applied_per_second(&p.summary)))
                    throttled=Signal::derive(move || progress.with(|p| duration(p.summary.throttled_ms.div_ceil(1000))))/>
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

/// Applied writes per second since the run started.
fn applied_per_second(summary: &license_desk_core::ops::Summary) -> f64 {
    let seconds = summary.finished_ms.saturating_sub(summary.started_ms) as f64 / 1000.0;
    if seconds <= 0.0 {
        return 0.0;
    }
    summary.writes_applied as f64 / seconds
}

/// The finished run's pace: applied writes over the time from Start to the end, with
/// throttled sends and resends beside them.
fn average_rate(summary: &license_desk_core::ops::Summary) -> String {
    let seconds = summary.finished_ms.saturating_sub(summary.started_ms) as f64 / 1000.0;
    words::average_rate(
        summary.writes_applied,
        seconds,
        &duration(seconds.round() as u64),
        summary.writes_throttled,
        summary.writes_resent,
    )
}
