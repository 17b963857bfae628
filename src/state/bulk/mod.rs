//! What the "Bulk changes" screen holds: the users chosen from each source, the
//! operation, the dry run's preview, and the run in progress with its journal.
//!
//! It lives above the screen, so leaving for a user's licenses and coming back loses
//! nothing, and like everything else it is cleared when the admin signs out or into
//! another tenant. The journal of a large run is kept outside the reactive graph (one
//! record is replaced per change, in constant time) and the screen is told about changes
//! at most a few times a second through [`BulkState::journal_version`].

pub mod actions;

use crate::runs::executor::RunHandle;
use crate::state::read::TenantRead;
use crate::transport::journal_store::{JournalStore, RunHeader, RunSpec, SavedRuns};
use crate::transport::run_lock::RunLock;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::bulk::input::ParsedUsers;
use license_desk_core::bulk::operation::BulkOperation;
use license_desk_core::bulk::preview::Preview;
use license_desk_core::bulk::rate::RateMeter;
use license_desk_core::bulk::users::UserCounts;
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::ops::{ErrorRecord, JournalRecord, PauseReason, Summary};
use license_desk_core::route::Screen;
use std::sync::Arc;

/// Users found by one source other than the text area.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceList {
    /// What the source was, e.g. "Members of Sales (transitive)".
    pub label: String,
    pub users: Vec<String>,
    /// The screen the users were chosen on, when there is one to go back to (a group,
    /// "Who has this license", "Unlicensed users").
    pub origin: Option<Screen>,
}

/// Where a run's users came from, for the way back to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub label: String,
    pub screen: Screen,
}

/// Where the screen is in its flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Phase {
    /// Choosing users and the operation.
    #[default]
    Choosing,
    /// The dry run is reading and planning every user.
    Previewing,
    /// The preview is shown; the run can start.
    Previewed,
    Running,
    Finished,
}

/// What a dry run found, kept with the items it was run over.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewResult {
    pub title: String,
    pub operation: Option<BulkOperation>,
    pub records: Vec<JournalRecord>,
    pub preview: Preview,
}

/// Live figures of the run, refreshed a few times a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub summary: Summary,
    /// The run's users by status: a user's steps count once.
    pub users: UserCounts,
    /// Writes per second over the last few seconds.
    pub rate: f64,
    /// Writes per second per chart bucket, oldest first.
    pub series: Vec<f64>,
    /// Until when Graph's throttling holds the run back (Unix ms; 0 if not).
    pub throttled_until: u64,
    pub paused: Option<PauseReason>,
    pub eta_ms: Option<u64>,
}

#[derive(Clone, Copy)]
pub struct BulkState {
    /// The "Users" text area.
    pub pasted: RwSignal<String>,
    /// The text area as last parsed: it follows [`Self::pasted`] once typing pauses, so
    /// a keystroke in a list of ten thousand lines does not parse it again.
    pasted_settled: RwSignal<String>,
    /// The pause being waited for before parsing.
    parse_timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    /// The text area, parsed once per change.
    pub parsed_paste: Memo<Arc<ParsedUsers>>,
    /// Every source merged, once per change of any of them.
    pub chosen: Memo<Arc<ChosenUsers>>,
    /// The uploaded CSV file: its name and what was found in it.
    pub uploaded: RwSignal<Option<(String, Arc<ParsedUsers>)>>,
    /// Groups' members, SKU holders, members with errors.
    pub lists: RwSignal<Vec<SourceList>>,
    /// A source being read ("Reading members of Sales… 340").
    pub reading: RwSignal<Option<String>>,
    pub source_error: RwSignal<Option<ErrorRecord>>,
    pub operation: RwSignal<Option<BulkOperation>>,
    pub phase: RwSignal<Phase>,
    pub preview: RwSignal<Option<Arc<PreviewResult>>>,
    /// The preview's warnings and the admin's ticks.
    pub checklist: RwSignal<Checklist>,
    pub stop_when_seats_run_out: RwSignal<bool>,
    /// Set this usage location first for users who have none.
    pub usage_location: RwSignal<Option<String>>,
    /// The run shown: its title and how it was asked for.
    pub spec: RwSignal<Option<RunSpec>>,
    pub journal: StoredValue<Vec<JournalRecord>, LocalStorage>,
    /// Bumped when [`Self::journal`] changed since the screen last looked.
    pub journal_version: RwSignal<u64>,
    pub progress: RwSignal<Progress>,
    pub handle: StoredValue<Option<RunHandle<license_desk_core::ops::Run>>, LocalStorage>,
    pub store: StoredValue<Option<JournalStore>, LocalStorage>,
    /// The run's lock across tabs, held while it runs here.
    pub lock: StoredValue<Option<RunLock>, LocalStorage>,
    /// The saved journal's header of the run shown.
    pub header: RwSignal<Option<RunHeader>>,
    pub meter: StoredValue<RateMeter>,
    /// Why the journal can't be saved in this browser, if it can't.
    pub store_problem: RwSignal<Option<String>>,
    /// This tenant's runs saved in the browser: an unfinished one is offered for
    /// resuming, and any this version can't read is named. Read at sign-in.
    pub saved: TenantRead<SavedRuns>,
    /// A bulk screen message for the admin (e.g. "Journal loaded").
    pub message: RwSignal<Option<String>>,
    /// Runs started in this session, so each is named "Run 2" and an undo or a retry
    /// names the run it comes from.
    pub runs_started: RwSignal<u32>,
    /// Where the users of the run shown came from: the way back to each, while the run
    /// goes and after it ends (its undo and retries keep them).
    pub origins: RwSignal<Vec<Origin>>,
}

/// How long typing must pause before the "Users" text area is parsed.
const PARSE_AFTER_MS: u64 = 250;

/// Chart buckets: one second each, the last two minutes.
pub const CHART_BUCKET_MS: u64 = 1_000;
pub const CHART_BUCKETS: usize = 120;

impl BulkState {
    pub fn new(session: Session) -> Self {
        let pasted = RwSignal::new(String::new());
        let pasted_settled = RwSignal::new(String::new());
        let uploaded: RwSignal<Option<(String, Arc<ParsedUsers>)>> = RwSignal::new(None);
        let lists: RwSignal<Vec<SourceList>> = RwSignal::new(Vec::new());
        let parsed_paste = Memo::new(move |_| {
            pasted_settled.with(|text| Arc::new(license_desk_core::bulk::input::parse_users(text)))
        });
        let chosen = Memo::new(move |_| Arc::new(merge(parsed_paste, uploaded, lists)));
        BulkState {
            pasted,
            pasted_settled,
            parse_timer: StoredValue::new_local(None),
            parsed_paste,
            chosen,
            uploaded,
            lists,
            reading: RwSignal::new(None),
            source_error: RwSignal::new(None),
            operation: RwSignal::new(None),
            phase: RwSignal::new(Phase::Choosing),
            preview: RwSignal::new(None),
            checklist: RwSignal::new(Checklist::default()),
            stop_when_seats_run_out: RwSignal::new(false),
            usage_location: RwSignal::new(None),
            spec: RwSignal::new(None),
            journal: StoredValue::new_local(Vec::new()),
            journal_version: RwSignal::new(0),
            progress: RwSignal::new(Progress::default()),
            handle: StoredValue::new_local(None),
            store: StoredValue::new_local(None),
            lock: StoredValue::new_local(None),
            header: RwSignal::new(None),
            meter: StoredValue::new(RateMeter::new(CHART_BUCKET_MS, CHART_BUCKETS)),
            store_problem: RwSignal::new(None),
            saved: TenantRead::eager(session, move || {
                let tenant = session.connected.get().then(|| session.tenant_id())??;
                Some(actions::read_saved_runs(tenant))
            }),
            message: RwSignal::new(None),
            runs_started: RwSignal::new(0),
            origins: RwSignal::new(Vec::new()),
        }
    }

    /// Forgets everything (another tenant, or signed out). A run in progress stops
    /// sending: its answers belong to the old session epoch and are dropped.
    pub fn clear(&self) {
        self.pasted.set(String::new());
        self.settle_typed_users();
        self.uploaded.set(None);
        self.lists.set(Vec::new());
        self.reading.set(None);
        self.source_error.set(None);
        self.operation.set(None);
        self.reset_run();
        self.saved.forget();
        self.store_problem.set(None);
        self.runs_started.set(0);
        self.origins.set(Vec::new());
    }

    /// The sources chosen now that have a screen to go back to.
    pub fn chosen_origins(&self) -> Vec<Origin> {
        self.lists.with_untracked(|lists| {
            lists
                .iter()
                .filter_map(|list| {
                    list.origin.clone().map(|screen| Origin {
                        label: list.label.clone(),
                        screen,
                    })
                })
                .collect()
        })
    }

    /// Back to choosing: the preview and any finished run go.
    pub fn reset_run(&self) {
        self.phase.set(Phase::Choosing);
        self.preview.set(None);
        self.checklist.set(Checklist::default());
        self.stop_when_seats_run_out.set(false);
        self.usage_location.set(None);
        self.spec.set(None);
        self.journal.set_value(Vec::new());
        self.journal_version.update(|v| *v += 1);
        self.progress.set(Progress::default());
        self.handle.set_value(None);
        self.store.set_value(None);
        self.lock.set_value(None);
        self.header.set(None);
        self.meter
            .set_value(RateMeter::new(CHART_BUCKET_MS, CHART_BUCKETS));
        self.message.set(None);
    }

    /// Users found on another screen (a group's members with errors, a license's
    /// holders) become one of the chosen sources, with `operation` chosen when given.
    /// Refused while a run is being previewed or sent, so nothing in flight changes.
    pub fn hand_over(&self, list: SourceList, operation: Option<BulkOperation>) -> bool {
        if self.is_running() {
            return false;
        }
        self.lists.update(|lists| {
            lists.retain(|existing| existing.label != list.label);
            lists.push(list);
        });
        if operation.is_some() {
            self.operation.set(operation);
        }
        true
    }

    /// The admin typed in the "Users" text area: it is parsed once typing pauses.
    pub fn type_users(&self, text: String) {
        self.pasted.set(text);
        let bulk = *self;
        let handle = set_timeout_with_handle(
            move || bulk.settle_typed_users(),
            std::time::Duration::from_millis(PARSE_AFTER_MS),
        )
        .ok();
        if let Some(earlier) = self
            .parse_timer
            .try_update_value(|timer| std::mem::replace(timer, handle))
            .flatten()
        {
            earlier.clear();
        }
    }

    /// Parses what was typed now (typing paused, the field was left, or a preview starts).
    pub fn settle_typed_users(&self) {
        if let Some(timer) = self.parse_timer.try_update_value(Option::take).flatten() {
            timer.clear();
        }
        let text = self.pasted.get_untracked();
        if self
            .pasted_settled
            .with_untracked(|settled| *settled != text)
        {
            self.pasted_settled.set(text);
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.phase.get(), Phase::Previewing | Phase::Running)
    }
}

/// The users of every source, merged, and how many duplicates were merged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChosenUsers {
    pub users: Vec<String>,
    pub duplicates: usize,
}

fn merge(
    pasted: Memo<Arc<ParsedUsers>>,
    uploaded: RwSignal<Option<(String, Arc<ParsedUsers>)>>,
    lists: RwSignal<Vec<SourceList>>,
) -> ChosenUsers {
    let mut sources = Vec::new();
    let mut duplicates = 0;
    pasted.with(|parsed| {
        duplicates += parsed.duplicates;
        sources.push(identifiers(parsed));
    });
    uploaded.with(|file| {
        if let Some((_, parsed)) = file {
            duplicates += parsed.duplicates;
            sources.push(identifiers(parsed));
        }
    });
    lists.with(|lists| sources.extend(lists.iter().map(|list| list.users.clone())));
    let (users, merged) = license_desk_core::bulk::input::merge_sources(&sources);
    ChosenUsers {
        users,
        duplicates: duplicates + merged,
    }
}

fn identifiers(parsed: &ParsedUsers) -> Vec<String> {
    parsed
        .identifiers
        .iter()
        .map(|identifier| identifier.value.clone())
        .collect()
}
