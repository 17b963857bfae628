//! Starts the "Bulk changes" screen's runs on the operations engine and shows them.
//!
//! "Preview run" is a dry run: the engine reads every user in `$batch`es and plans each
//! one, sending no write. "Start" runs the previewed items for real, paced at the write
//! budget; its journal is saved in the browser (never with the token) as it goes, so a
//! closed tab can be resumed. Everything about retries, throttling, unknown outcomes and
//! settling is in the engine; here effects only update the screen's state, and a timer
//! refreshes the figures a few times a second so ten thousand records cost no more to
//! show than ten.

use crate::runs::executor::{Barrier, Launch, RunHandle};
use crate::state::bulk::{BulkState, Phase, PreviewResult, Progress, SourceList};
use crate::state::read::Answer;
use crate::state::tenant::TenantState;
use crate::transport::journal_store::{self, JournalStore, RunHeader, RunSpec, SavedRuns};
use crate::transport::run_lock::{self, Taken};
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::bulk::operation::BulkOperation;
use license_desk_core::bulk::preview::{self, Preview};
use license_desk_core::bulk::rate;
use license_desk_core::bulk::users::UserCounts;
use license_desk_core::graph::model::{Group, ODataPage, User};
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::ops::{Effect, Event, JournalRecord, Options, Run, RunItem, Status};
use license_desk_core::route::Screen;
use std::rc::Rc;
use std::sync::Arc;

/// How often the screen's figures are refreshed while a run goes.
const REFRESH_MS: u32 = 400;
/// The window the shown write rate is measured over.
const RATE_WINDOW_MS: u64 = 5_000;
/// Requests a bulk run keeps in flight: what a browser opens to one host over HTTP/1.1
/// (Graph speaks HTTP/2, where they share one connection). Each may be a `$batch` of 20.
const IN_FLIGHT: usize = 6;
/// How long a bulk run's re-reads wait for Entra ID to show each change before saying so
/// honestly (as for a single user).
const SETTLE_TIMEOUT_MS: u64 = 15_000;

/// Engine options for the dry run: reads only.
fn dry_run_options() -> Options {
    Options {
        dry_run: true,
        max_in_flight: IN_FLIGHT,
        ..Options::default()
    }
}

/// A journal of fresh records for `items`.
pub fn fresh_journal(items: Vec<RunItem>) -> Vec<JournalRecord> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| JournalRecord::new(index, item))
        .collect()
}

/// Reads and plans the journal's open records without writing, then shows the preview.
/// Records already ended (an undo that can't take a usage location back) stay as they
/// are, and are shown with the others.
pub fn start_preview(
    session: Session,
    bulk: BulkState,
    catalog: Catalog,
    title: String,
    operation: Option<BulkOperation>,
    journal: Vec<JournalRecord>,
) {
    bulk.reset_run();
    bulk.phase.set(Phase::Previewing);
    let options = dry_run_options();
    bulk.spec.set(Some(RunSpec {
        title: title.clone(),
        number: 0,
        operation: operation.clone(),
        options: options.clone(),
    }));
    let run = Run::resume(journal, catalog.clone(), options);
    bulk.journal.set_value(run.journal());
    let observer = move |effect: &Effect| match effect {
        Effect::Record(record) | Effect::ItemFinished(record) => keep(bulk, record),
        Effect::Finished(_) => {
            let records = bulk.journal.get_value();
            let preview = Preview::from_journal(&records, &catalog);
            bulk.checklist.set(Checklist::new(
                preview.warnings.iter().map(|group| group.warning.clone()),
            ));
            bulk.preview.set(Some(Arc::new(PreviewResult {
                title: title.clone(),
                operation: operation.clone(),
                records,
                preview,
            })));
            bulk.phase.set(Phase::Previewed);
            crate::browser::focus_when_lost("bulk-preview-title", &["bulk-progress-title"]);
        }
        _ => {}
    };
    let handle = RunHandle::start(session, run, observer, Launch::on_its_screen());
    bulk.handle.set_value(Some(handle));
    refresh_while_running(bulk);
    crate::browser::focus_when_lost("bulk-progress-title", &[]);
}

/// Starts the previewed run with what the admin ticked.
pub fn start_run(session: Session, bulk: BulkState, tenant: TenantState) {
    let Some(result) = bulk.preview.get_untracked() else {
        return;
    };
    let ticked = bulk.checklist.with_untracked(|c| c.acknowledged());
    let usage_location = bulk.usage_location.get_untracked();
    // Every user of the preview stays in the run: those who need nothing, were refused
    // or weren't found keep what the preview found, so the results count them too.
    let journal = preview::run_journal(&result.records, &ticked, usage_location.as_deref());
    let options = Options {
        stop_when_seats_run_out: bulk.stop_when_seats_run_out.get_untracked(),
        settle_timeout_ms: SETTLE_TIMEOUT_MS,
        max_in_flight: IN_FLIGHT,
        keep_trying_when_throttled: true,
        ..Options::default()
    };
    let number = bulk.runs_started.get_untracked() + 1;
    bulk.runs_started.set(number);
    let spec = RunSpec {
        title: result.title.clone(),
        number,
        operation: result.operation.clone(),
        options: options.clone(),
    };
    let run = Run::resume(journal, tenant.catalog.get_untracked(), options)
        .with_lags_seen(&tenant.lags_seen());
    launch(session, bulk, tenant, run, spec);
    crate::browser::focus_when_lost("bulk-progress-title", &[]);
}

/// Continues a saved run: finished items are kept, unknown ones are read again first.
/// A run that another tab of this browser is running (it holds the run's lock) is not
/// resumed: the offer says so instead.
pub fn resume_saved(
    session: Session,
    bulk: BulkState,
    tenant: TenantState,
    header: RunHeader,
    records: Vec<JournalRecord>,
) {
    let epoch = session.epoch();
    leptos::task::spawn_local(async move {
        let lock = match run_lock::take(&header.run_id).await {
            Taken::Elsewhere => {
                bulk.saved
                    .update_ready(|saved| saved.running_elsewhere = true);
                return;
            }
            Taken::Held(lock) => Some(lock),
            Taken::Unsupported => None,
        };
        if session.epoch() != epoch {
            return; // Signed out or into another tenant meanwhile.
        }
        bulk.saved.update_ready(|saved| saved.newest = None);
        let spec = header.spec.clone();
        bulk.reset_run();
        if spec.number > bulk.runs_started.get_untracked() {
            bulk.runs_started.set(spec.number);
        }
        bulk.lock.set_value(lock);
        let run = Run::resume(
            records,
            tenant.catalog.get_untracked(),
            spec.options.clone(),
        )
        .with_lags_seen(&tenant.lags_seen());
        launch_with_header(session, bulk, tenant, run, spec, Some(header));
    });
}

fn launch(session: Session, bulk: BulkState, tenant: TenantState, run: Run, spec: RunSpec) {
    launch_with_header(session, bulk, tenant, run, spec, None);
}

fn launch_with_header(
    session: Session,
    bulk: BulkState,
    tenant: TenantState,
    run: Run,
    spec: RunSpec,
    saved: Option<RunHeader>,
) {
    bulk.phase.set(Phase::Running);
    bulk.spec.set(Some(spec.clone()));
    bulk.preview.set(None);
    let records = run.journal();
    bulk.journal.set_value(records.clone());
    bulk.journal_version.update(|v| *v += 1);
    let header = saved.unwrap_or_else(|| {
        RunHeader::new(
            new_run_id(),
            session.tenant_id().unwrap_or_default(),
            spec.clone(),
            crate::browser::now_ms(),
            records.len(),
        )
    });
    bulk.header.set(Some(header.clone()));
    if bulk.lock.with_value(Option::is_none) {
        // A new run's id is new: no other tab holds its lock.
        let run_id = header.run_id.clone();
        leptos::task::spawn_local(async move {
            if let Taken::Held(lock) = run_lock::take(&run_id).await {
                if bulk
                    .header
                    .with_untracked(|h| h.as_ref().map(|h| h.run_id == run_id))
                    == Some(true)
                {
                    bulk.lock.set_value(Some(lock));
                }
            }
        });
    }
    // Save the journal first. If it can't be, the run pauses before its first request
    // and says why; resuming tries again.
    leptos::task::spawn_local(async move {
        match JournalStore::create(header, &records).await {
            Ok(store) => bulk.store.set_value(Some(store)),
            Err(problem) => bulk.store_problem.set(Some(problem.to_string())),
        }
        let observer = move |effect: &Effect| match effect {
            Effect::Record(record) | Effect::ItemFinished(record) => {
                keep(bulk, record);
                bulk.store.with_value(|store| {
                    if let Some(store) = store {
                        store.put(record);
                    }
                });
            }
            Effect::Finished(summary) => {
                tenant.learn_lags(&summary.lags_measured);
                bulk.phase.set(Phase::Finished);
                bulk.lock.set_value(None);
                if let Some(store) = bulk.store.get_value() {
                    leptos::task::spawn_local(async move {
                        let _ = store.flush().await;
                        let _ = store.finish().await;
                    });
                }
                bulk.saved.set_ready(SavedRuns::default());
            }
            _ => {}
        };
        // Requests go out only once the records saying they will are saved; a store that
        // could not be opened is tried again first.
        let barrier: Barrier = Rc::new(move || Box::pin(save_journal(bulk)));
        let handle = RunHandle::start(
            session,
            run,
            observer,
            Launch::on_its_screen_saving_first(barrier),
        );
        bulk.handle.set_value(Some(handle));
        refresh_while_running(bulk);
    });
}

/// Makes the run's journal durable, opening its store first if that failed before.
/// `Err` says why it can't be saved; the run then pauses and shows it.
async fn save_journal(bulk: BulkState) -> Result<(), String> {
    let store = match bulk.store.get_value() {
        Some(store) => store,
        None => {
            let Some(header) = bulk.header.get_untracked() else {
                return Err("The run's journal has no header to save.".into());
            };
            let records = bulk.journal.get_value();
            let store = JournalStore::create(header, &records)
                .await
                .map_err(|problem| problem.to_string());
            let store = keep_problem(bulk, store)?;
            bulk.store.set_value(Some(store.clone()));
            store
        }
    };
    keep_problem(
        bulk,
        store.flush().await.map_err(|problem| problem.to_string()),
    )
}

/// Shows why the journal can't be saved while it can't, and forgets it once it was.
fn keep_problem<T>(bulk: BulkState, result: Result<T, String>) -> Result<T, String> {
    match &result {
        Ok(_) => {
            if bulk.store_problem.with_untracked(Option::is_some) {
                bulk.store_problem.set(None);
            }
        }
        Err(problem) => bulk.store_problem.set(Some(problem.clone())),
    }
    result
}

/// Pause, Resume or Cancel from the admin.
pub fn control(bulk: BulkState, event: Event) {
    if let Some(handle) = bulk.handle.get_value() {
        handle.send(event);
    }
    refresh(bulk);
}

/// Replaces one record in the journal (constant time).
fn keep(bulk: BulkState, record: &JournalRecord) {
    bulk.journal.update_value(|journal| {
        if let Some(slot) = journal.get_mut(record.index) {
            *slot = record.clone();
        }
    });
}

/// Refreshes the figures until the run finishes (or belongs to a tenant left behind).
fn refresh_while_running(bulk: BulkState) {
    leptos::task::spawn_local(async move {
        loop {
            refresh(bulk);
            let Some(handle) = bulk.handle.get_value() else {
                break;
            };
            if handle.is_finished() || handle.is_stale() {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(REFRESH_MS).await;
        }
    });
}

fn refresh(bulk: BulkState) {
    let Some(handle) = bulk.handle.get_value() else {
        return;
    };
    let now = crate::browser::now_ms();
    let summary = handle.with(|run| run.summary(now));
    let previous_writes = bulk.progress.with_untracked(|p| p.summary.writes_sent);
    let sent_now = summary.writes_sent.saturating_sub(previous_writes);
    bulk.meter.update_value(|meter| meter.record(now, sent_now));
    let (rate_now, series) = bulk
        .meter
        .with_value(|meter| (meter.rate(now, RATE_WINDOW_MS), meter.series(now)));
    let users = bulk
        .journal
        .with_value(|journal| UserCounts::of(&license_desk_core::bulk::users::by_user(journal)));
    let options = bulk
        .spec
        .with_untracked(|spec| spec.as_ref().map(|s| s.options.clone()))
        .unwrap_or_default();
    // Each item still waiting needs about one write.
    let writes_left = summary.count(Status::Waiting) as u64;
    let eta_ms = if options.dry_run {
        None
    } else {
        rate::eta_ms(writes_left, &options.write_budget, rate_now)
    };
    bulk.progress.set(Progress {
        summary,
        users,
        rate: rate_now,
        series,
        throttled_until: handle.throttled_until(),
        paused: handle.with(Run::pause_reason),
        eta_ms,
    });
    bulk.journal_version.update(|v| *v += 1);
}

/// This tenant's runs saved in the browser, and whether the newest unfinished one is
/// running in another tab. A store that can't be opened (private browsing, no IndexedDB)
/// has nothing to offer; the bulk screen says why it can't save.
pub async fn read_saved_runs(tenant: String) -> Answer<SavedRuns> {
    let mut saved = journal_store::saved_runs(&tenant).await.unwrap_or_default();
    if let Some((header, _)) = &saved.newest {
        saved.running_elsewhere = run_lock::is_held(&header.run_id).await;
    }
    Ok(saved)
}

/// Discards the saved run offered for resuming.
pub fn discard_saved(bulk: BulkState) {
    if let Some((header, _)) = bulk.saved.ready_untracked().and_then(|saved| saved.newest) {
        let run_id = header.run_id.clone();
        leptos::task::spawn_local(async move {
            let _ = journal_store::discard(&run_id).await;
        });
    }
    bulk.saved.update_ready(|saved| saved.newest = None);
}

fn new_run_id() -> String {
    format!(
        "{:x}-{:08x}",
        crate::browser::now_ms(),
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    )
}

/// Downloads the journal of the run shown (never with the token: records don't hold it).
pub fn download_journal(bulk: BulkState) {
    let Some(spec) = bulk.spec.get_untracked() else {
        return;
    };
    let header = bulk.header.get_untracked().unwrap_or_else(|| {
        let mut header = RunHeader::new(
            new_run_id(),
            String::new(),
            spec.clone(),
            crate::browser::now_ms(),
            bulk.journal.with_value(Vec::len),
        );
        header.finished = bulk.phase.get_untracked() == Phase::Finished;
        header
    });
    let text = bulk
        .journal
        .with_value(|journal| journal_store::to_file_json(&header, journal));
    crate::browser::download("license-desk-journal.json", "application/json", &text);
}

/// Reads a journal file the admin chose and offers its run for resuming, as a saved one
/// is; says why not when it can't be.
pub async fn load_journal_file(
    session: Session,
    bulk: BulkState,
    file: web_sys::File,
) -> Result<(), String> {
    let text = crate::browser::file_text(&file).await;
    let found = journal_store::from_file_json(&text).map_err(|error| error.to_string())?;
    if Some(&found.0.tenant_id) != session.tenant_id().as_ref() {
        return Err(
            "This journal is from another tenant; sign in to that tenant to resume it.".into(),
        );
    }
    bulk.saved.update_ready(|saved| saved.newest = Some(found));
    Ok(())
}

/// The tenant's groups to pick a source from, named for every screen.
pub async fn read_groups_to_pick(
    session: Session,
    tenant: crate::state::tenant::TenantState,
) -> Answer<Vec<Group>> {
    let page =
        crate::runs::reads::fetch::<ODataPage<Group>>(session, request::list_groups(999)).await?;
    // Known names let refusals and reports name groups, not ids.
    for group in &page.value {
        if let Some(name) = &group.display_name {
            tenant.name_group(group.id.clone(), name.clone());
        }
    }
    Ok(page.value)
}

/// A user as a bulk source lists them: their UPN, else their id.
fn source_name(user: User) -> String {
    user.user_principal_name
        .filter(|upn| !upn.is_empty())
        .unwrap_or_else(|| user.id.to_string())
}

/// Reads a listing of users into the sources ("members of Sales"), showing how many so
/// far; a failure is shown under the sources and nothing is added.
pub async fn read_source(
    session: Session,
    bulk: BulkState,
    label: String,
    first: GraphRequest,
    origin: Screen,
) {
    bulk.source_error.set(None);
    bulk.reading.set(Some(format!("Reading {label}…")));
    let progress_label = label.clone();
    let result = crate::runs::reads::all_users(session, first, move |so_far| {
        bulk.reading.set(Some(format!(
            "Reading {progress_label}… {}",
            crate::format::number(so_far as i64)
        )));
    })
    .await;
    bulk.reading.set(None);
    match result {
        Ok((users, _)) => bulk.lists.update(|lists| {
            lists.retain(|list| list.label != label);
            lists.push(SourceList {
                label,
                users: users.into_iter().map(source_name).collect(),
                origin: Some(origin),
            });
        }),
        Err(error) => bulk.source_error.set(Some(error.into())),
    }
}

/// Reads an uploaded CSV into the sources.
pub async fn read_uploaded_file(bulk: BulkState, file: web_sys::File) {
    let text = crate::browser::file_text(&file).await;
    bulk.uploaded.set(Some((
        file.name(),
        Arc::new(license_desk_core::bulk::input::parse_users(&text)),
    )));
}
