//! The operations engine: bulk license work as a pure state machine.
//!
//! Applying changes to many users is more than one request each: read the user, plan,
//! write within Graph's write quota, survive throttling, unknown outcomes and expired
//! tokens, then wait until Entra ID shows the change and diff it. All of that lives here,
//! with no I/O, no clock and no randomness of its own, so every path is tested natively
//! in simulated time. The shell drives a [`Run`] from one loop:
//!
//! ```text
//! let mut run = Run::new(items, catalog, Options::default());
//! let mut effects = run.step(now(), Event::Start);
//! loop {
//!     for effect in effects {
//!         match effect {
//!             Effect::Send(outgoing)        => spawn: send request, then
//!                                              Event::Response { id, outcome }
//!             Effect::WakeAt(ms)            => (re)arm the single timer: Event::Timer
//!             Effect::Record(record)        => save it (before the Sends that follow)
//!             Effect::ItemFinished(record)  => save it, show it
//!             Effect::Paused(reason)        => tell the admin (NeedsToken: ask for one)
//!             Effect::Finished(summary)     => done
//!         }
//!     }
//!     effects = run.step(now(), next answer, timer, or the admin's Pause/Resume/Cancel/FreshToken);
//! }
//! ```
//!
//! Per item the states are waiting → sent → settling → done, with no-op, refused,
//! failed, cancelled and unknown on the way out (see [`item`] and [`journal::Status`]).
//! Writes are paced by a token bucket at the write budget, and by what Graph's answers
//! show of its quota ([`pacing`]); reads and writes go out in `$batch`es of up to 20
//! ([`batching`]). A write with an unclear answer is checked by reads for as long as the
//! lag this run has seen says Entra ID may take to show it ([`lag`]), and sent again only
//! once a read shows it was not applied. A request with no answer long after answers
//! usually come is overdue ([`overdue`]): its users are read alongside it. The shell
//! still reports its answer (or its own timeout) when it comes; answers the run no longer
//! waits for are ignored, and once [`Effect::Finished`] is out (a run with
//! [`Options::time_limit_ms`] can end with requests still out) none is needed.

pub mod batching;
mod check_again;
pub mod intent;
mod item;
pub mod journal;
pub mod lag;
mod notes;
mod options;
mod overdue;
pub mod pacing;
pub mod rng;
pub mod seats;
pub mod workflow;

pub use check_again::CheckedAgain;
pub use intent::{Intent, RunItem};
pub use journal::{ErrorRecord, JournalRecord, Settlement, Status, Times};
pub use lag::LagStats;
pub use options::Options;
pub use overdue::OVERDUE_UNKNOWN_MS;
pub use pacing::{Pacer, SendId, TokenBucket, WriteAnswer, WriteBudget};
pub use workflow::{Duty, Outgoing, Signal, Workflow};

use crate::graph::batch::MAX_BATCH;
use crate::graph::ids::SkuId;
use crate::graph::request::GraphRequest;
use crate::graph::response::RawResponse;
use crate::graph::retry::write_outcome_unknown;
use crate::licensing::catalog::Catalog;
use crate::ops::rng::Rng;
use crate::wording;
use batching::PartAnswer;
use item::{Ctx, Item, Next, Op};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::fmt;

/// What an item reads of its run while it decides: a [`Ctx`] over the run's fields. A
/// macro rather than a method, because the context borrows some fields of the run while
/// one of its items is borrowed mutably.
macro_rules! item_ctx {
    ($run:expr) => {
        Ctx {
            catalog: &$run.catalog,
            options: &$run.options,
            rng: &mut $run.rng,
            cancelled: $run.cancelled,
            check_window_ms: $run.lags.check_window_ms($run.options.check_window_cap_ms),
            ends_at_ms: ends_at(&$run.options, $run.started_ms, $run.write_waits_ms),
        }
    };
}

/// Correlates a [`Effect::Send`] with its [`Event::Response`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// What became of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Answered(RawResponse),
    /// The connection failed or closed without an answer.
    Dropped,
    /// The shell gave up waiting.
    TimedOut {
        after_ms: u64,
    },
    /// The shell did not send it: the run's journal could not be saved first, or the
    /// workflow no longer wanted it when its turn came ([`Workflow::may_send`]). Nothing
    /// reached Graph; the request is as if it was never made.
    NotSent,
}

/// Why nothing is being sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PauseReason {
    /// Graph answered 401: the run continues after [`Event::FreshToken`].
    NeedsToken,
    /// The admin paused; [`Event::Resume`] continues.
    ByAdmin,
    /// The run's journal could not be saved ([`Event::JournalNotSaved`]): nothing is sent
    /// that a resumed run would not know about. [`Event::Resume`] tries again.
    JournalNotSaved,
}

/// What the shell tells the engine. `now_ms` comes with every step (Unix milliseconds,
/// so an HTTP-date `Retry-After` can be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Start,
    Response {
        id: RequestId,
        outcome: Outcome,
    },
    Timer,
    Pause,
    Resume,
    /// Stop: items whose write was not sent are cancelled; writes already sent are
    /// followed until their outcome is known, and nothing is sent again.
    Cancel,
    /// A new token is in place after [`PauseReason::NeedsToken`].
    FreshToken,
    /// The records that must be saved before the next requests go out could not be
    /// saved: send nothing more until [`Event::Resume`]. The requests held back for it
    /// come back as [`Outcome::NotSent`].
    JournalNotSaved,
}

/// What the engine asks the shell to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send the request (a single request or a `$batch`) with the current token and
    /// answer with [`Event::Response`] carrying its id.
    Send(Outgoing),
    /// Deliver [`Event::Timer`] at or after this time. Replaces any earlier wake-up.
    WakeAt(u64),
    /// An item's journal record changed: persist it before performing later effects.
    Record(JournalRecord),
    /// An item reached its final status (also a record change).
    ItemFinished(JournalRecord),
    Paused(PauseReason),
    Finished(Summary),
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub total: usize,
    pub by_status: BTreeMap<Status, usize>,
    /// Individual writes and reads sent (each `$batch` entry counts).
    pub writes_sent: u64,
    pub reads_sent: u64,
    /// HTTP requests sent (a `$batch` counts once).
    pub requests_sent: u64,
    /// Answers that were 429, batch entries included.
    pub throttled: u64,
    /// Writes Graph applied: answered 2xx, or answered unclearly and then shown by a read.
    #[serde(default)]
    pub writes_applied: u64,
    /// Writes answered 429 (each is sent again when Graph allows).
    #[serde(default)]
    pub writes_throttled: u64,
    /// Writes sent again for another reason than throttling: a read after an unclear
    /// answer showed the first was not applied, or Graph failed and asked for a retry.
    #[serde(default)]
    pub writes_resent: u64,
    /// How long Graph's throttling held the run's requests back, in all.
    #[serde(default)]
    pub throttled_ms: u64,
    pub started_ms: u64,
    pub finished_ms: u64,
    /// The lags this run measured itself (not those it started with): evidence for the
    /// check windows of later runs on the same tenant.
    #[serde(skip)]
    pub lags_measured: LagStats,
}

impl Summary {
    pub fn count(&self, status: Status) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Ticket {
    item: usize,
    epoch: u32,
    /// A read alongside a request of the item's that is overdue (see [`Run::overdue`]).
    hedge: bool,
}

#[derive(Clone, Debug)]
struct InFlight {
    op: Op,
    items: Vec<usize>,
    batched: bool,
    sent_ms: u64,
    /// For writes: the pacer's id of the first (the others follow it, in item order).
    first_send: Option<SendId>,
    /// No answer long after answers usually come: presumed lost, it no longer takes one
    /// of the requests in flight, and its items are read alongside it.
    overdue: bool,
}

/// A bulk run: items, their journal, and everything in between. See the module docs.
pub struct Run {
    items: Vec<Item>,
    catalog: Catalog,
    options: Options,
    rng: Rng,
    pacer: Option<Pacer>,
    started_ms: Option<u64>,
    finished: bool,
    paused_by_admin: bool,
    /// The journal could not be saved; cleared by [`Event::Resume`].
    journal_not_saved: bool,
    needs_token: bool,
    cancelled: bool,
    open: usize,
    due_reads: VecDeque<Ticket>,
    /// Reads of users whose write went out (settling or checking); see
    /// [`Run::writes_starving`] for which go first.
    due_follow_ups: VecDeque<Ticket>,
    due_writes: VecDeque<Ticket>,
    timers: BinaryHeap<Reverse<(u64, Ticket, Op)>>,
    in_flight: BTreeMap<RequestId, InFlight>,
    next_id: u64,
    write_hold_until: u64,
    read_hold_until: u64,
    wake_requested: Option<u64>,
    totals: Summary,
    seats: seats::SeatPool,
    /// Seats each item took when its write was sent.
    seats_held: Vec<Vec<SkuId>>,
    /// Items waiting for each item to finish.
    dependents: BTreeMap<usize, Vec<usize>>,
    /// The pacer's id of each item's last write.
    write_sends: Vec<Option<SendId>>,
    /// How long accepted writes took to show: this run's samples and earlier runs'.
    lags: LagStats,
    /// This run's own samples.
    lags_measured: LagStats,
    /// The requests each item waits on: its own, and reads alongside an overdue one.
    awaiting: Vec<Vec<RequestId>>,
    /// Whether each item's last write was answered 429 (its next send is throttling's,
    /// not a resend).
    last_write_throttled: Vec<bool>,
    /// Time held back by throttling so far, counted up to [`Run::held_until`].
    held_ms: u64,
    held_until: u64,
    /// Time Graph asked writes to wait (a 429's `Retry-After`), counted once however the
    /// waits overlap, up to `write_waits_until`. The run's time limit does not count
    /// it: the limit bounds the checks after unclear answers, not a wait Graph asked for.
    write_waits_ms: u64,
    write_waits_until: u64,
    /// When requests in flight become overdue.
    overdue: overdue::Overdue,
}

impl Run {
    /// A run over `items`, planned against `catalog` (read once; never per item).
    pub fn new(items: Vec<RunItem>, catalog: Catalog, options: Options) -> Self {
        let records = items
            .into_iter()
            .enumerate()
            .map(|(index, item)| JournalRecord::new(index, item))
            .collect();
        Self::resume(records, catalog, options)
    }

    /// Continues from a journal: done, no-op, refused and failed items are kept as they
    /// are; sent, unknown and settling items are read again before anything else (never
    /// sent blindly); waiting and cancelled items start over.
    pub fn resume(journal: Vec<JournalRecord>, catalog: Catalog, options: Options) -> Self {
        let items: Vec<Item> = journal
            .into_iter()
            .enumerate()
            .map(|(index, mut record)| {
                record.index = index;
                Item::new(record)
            })
            .collect();
        let mut dependents: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (index, item) in items.iter().enumerate() {
            if let Some(first) = item.record.item.prerequisite {
                dependents.entry(first).or_default().push(index);
            }
        }
        Run {
            seats: seats::SeatPool::from_catalog(&catalog),
            seats_held: vec![Vec::new(); items.len()],
            write_sends: vec![None; items.len()],
            lags: LagStats::default(),
            lags_measured: LagStats::default(),
            awaiting: vec![Vec::new(); items.len()],
            last_write_throttled: vec![false; items.len()],
            held_ms: 0,
            held_until: 0,
            write_waits_ms: 0,
            write_waits_until: 0,
            overdue: overdue::Overdue::default(),
            dependents,
            open: items.len(),
            rng: Rng::new(options.jitter_seed ^ 0x0B5E_55ED),
            items,
            catalog,
            options,
            pacer: None,
            started_ms: None,
            finished: false,
            paused_by_admin: false,
            journal_not_saved: false,
            needs_token: false,
            cancelled: false,
            due_reads: VecDeque::new(),
            due_follow_ups: VecDeque::new(),
            due_writes: VecDeque::new(),
            timers: BinaryHeap::new(),
            in_flight: BTreeMap::new(),
            next_id: 1,
            write_hold_until: 0,
            read_hold_until: 0,
            wake_requested: None,
            totals: Summary::default(),
        }
    }

    /// Counts the lags earlier runs on the same tenant saw, so the first unclear answer
    /// is checked for a window sized from evidence rather than the cap.
    pub fn with_lags_seen(mut self, earlier: &LagStats) -> Self {
        self.lags.absorb(earlier);
        self
    }

    /// Every item's record, in run order.
    pub fn journal(&self) -> Vec<JournalRecord> {
        self.items.iter().map(|item| item.record.clone()).collect()
    }

    pub fn record(&self, index: usize) -> Option<&JournalRecord> {
        self.items.get(index).map(|item| &item.record)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Until when Graph's throttling holds requests back (Unix ms; 0 if it never did),
    /// so the shell can show the wait.
    pub fn throttled_until(&self) -> u64 {
        self.write_hold_until.max(self.read_hold_until)
    }

    /// The lags this run has seen from an accepted write to the read that showed it.
    pub fn lags(&self) -> &LagStats {
        &self.lags
    }

    /// How long after an unclear answer a read must still not show a write before it is
    /// sent again, from the lags seen so far.
    pub fn check_window_ms(&self) -> u64 {
        self.lags.check_window_ms(self.options.check_window_cap_ms)
    }

    /// The window the pacer learnt from Graph's answers, as (writes, ms), if any.
    pub fn learned_window(&self) -> Option<(u32, u64)> {
        self.pacer.as_ref().and_then(Pacer::learned_window)
    }

    pub fn pause_reason(&self) -> Option<PauseReason> {
        if self.needs_token {
            Some(PauseReason::NeedsToken)
        } else if self.journal_not_saved {
            Some(PauseReason::JournalNotSaved)
        } else if self.paused_by_admin {
            Some(PauseReason::ByAdmin)
        } else {
            None
        }
    }

    /// Totals so far.
    pub fn summary(&self, now_ms: u64) -> Summary {
        let mut summary = self.totals.clone();
        summary.total = self.items.len();
        summary.by_status = BTreeMap::new();
        for item in &self.items {
            *summary.by_status.entry(item.record.status).or_insert(0) += 1;
        }
        summary.throttled_ms = self
            .held_ms
            .saturating_sub(self.held_until.saturating_sub(now_ms));
        summary.started_ms = self.started_ms.unwrap_or(now_ms);
        summary.finished_ms = now_ms;
        summary.lags_measured = self.lags_measured.clone();
        summary
    }

    /// Advances the run at `now_ms` by one event.
    pub fn step(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.finished {
            return effects;
        }
        match event {
            Event::Start => {
                if self.started_ms.is_some() {
                    return effects;
                }
                self.start(now_ms, &mut effects);
            }
            _ if self.started_ms.is_none() => return effects,
            Event::Response { id, outcome } => self.answer(now_ms, id, &outcome, &mut effects),
            Event::Timer => {
                if self.wake_requested.is_some_and(|at| at <= now_ms) {
                    self.wake_requested = None;
                }
            }
            Event::Pause => {
                if !self.paused_by_admin {
                    self.paused_by_admin = true;
                    effects.push(Effect::Paused(PauseReason::ByAdmin));
                }
            }
            Event::JournalNotSaved => {
                if !self.journal_not_saved {
                    self.journal_not_saved = true;
                    effects.push(Effect::Paused(PauseReason::JournalNotSaved));
                }
            }
            Event::Resume => {
                self.paused_by_admin = false;
                self.journal_not_saved = false;
                if self.needs_token {
                    effects.push(Effect::Paused(PauseReason::NeedsToken));
                }
            }
            Event::FreshToken => self.needs_token = false,
            Event::Cancel => self.cancel(now_ms, &mut effects),
        }
        if ends_at(&self.options, self.started_ms, self.write_waits_ms)
            .is_some_and(|end| now_ms >= end)
        {
            self.time_up(now_ms, &mut effects);
        }
        self.release_timers(now_ms);
        self.release_overdue(now_ms);
        self.pump(now_ms, &mut effects);
        if self.open == 0 {
            self.finished = true;
            self.wake_requested = None;
            effects.push(Effect::Finished(self.summary(now_ms)));
            return effects;
        }
        let wake = self.next_wake(now_ms);
        if wake != self.wake_requested {
            if let Some(at) = wake {
                effects.push(Effect::WakeAt(at));
            }
            self.wake_requested = wake;
        }
        effects
    }

    fn start(&mut self, now: u64, effects: &mut Vec<Effect>) {
        self.started_ms = Some(now);
        self.pacer = Some(Pacer::new(self.options.write_budget, now));
        for index in 0..self.items.len() {
            let next = {
                let mut ctx = item_ctx!(self);
                self.items[index].start(&mut ctx, now)
            };
            if self.items[index].is_unread() {
                if let Some(first) = self.items[index].record.item.prerequisite {
                    let next = self.after_prerequisite(index, first, now);
                    self.settle_item(index, false, u64::MAX, next, now, effects);
                    continue;
                }
            }
            self.settle_item(index, false, u64::MAX, next, now, effects);
        }
    }

    /// What an unread item with prerequisite `first` does now: wait (no ticket), read,
    /// or end refused.
    fn after_prerequisite(&mut self, index: usize, first: usize, now: u64) -> Next {
        if first >= index {
            return self.items[index].refuse(now, wording::bulk::PREREQUISITE_INVALID);
        }
        if self.cancelled {
            self.items[index].cancel(now);
            return Next::Final;
        }
        let prerequisite = &self.items[first];
        if !prerequisite.is_final() {
            return Next::Wait;
        }
        let record = &prerequisite.record;
        match record.status {
            Status::Done | Status::NoOp | Status::Planned => Next::Read { at_ms: now },
            // No seat for the step before means none for this one: it ends the same way.
            Status::NoSeats => {
                let note = record.note.clone().unwrap_or_default();
                self.items[index].stop_for_seats(now, &note)
            }
            status => {
                let note = wording::bulk::prerequisite_not_met(
                    status,
                    record
                        .note
                        .as_deref()
                        .or(record.error.as_ref().map(|error| error.headline.as_str())),
                );
                self.items[index].refuse(now, &note)
            }
        }
    }

    /// An item just ended: return seats it took without the change applied, and let the
    /// items waiting for it go on (or end).
    fn item_ended(&mut self, index: usize, now: u64, effects: &mut Vec<Effect>) {
        let status = self.items[index].record.status;
        if !matches!(status, Status::Done | Status::Unknown) {
            for sku in std::mem::take(&mut self.seats_held[index]) {
                self.seats.give_back(&sku);
            }
        }
        let Some(waiting) = self.dependents.remove(&index) else {
            return;
        };
        for dependent in waiting {
            if self.items[dependent].is_final() || !self.items[dependent].is_unread() {
                continue;
            }
            let revision = self.items[dependent].revision;
            let next = self.after_prerequisite(dependent, index, now);
            self.settle_item(dependent, false, revision, next, now, effects);
        }
    }

    /// Emits the record if it changed and queues what the item needs next.
    fn settle_item(
        &mut self,
        index: usize,
        was_final: bool,
        revision: u64,
        next: Next,
        now: u64,
        effects: &mut Vec<Effect>,
    ) {
        let item = &mut self.items[index];
        if item.is_final() {
            if !was_final {
                self.open -= 1;
                effects.push(Effect::ItemFinished(item.record.clone()));
                self.item_ended(index, now, effects);
            }
            return;
        }
        if item.revision != revision {
            effects.push(Effect::Record(item.record.clone()));
        }
        item.epoch += 1;
        let ticket = Ticket {
            item: index,
            epoch: item.epoch,
            hedge: false,
        };
        if let Next::Read { at_ms } = next {
            item.read_due_ms = at_ms.max(now);
        }
        match next {
            Next::Read { at_ms } if at_ms <= now => self.queue_read(ticket),
            Next::Write { at_ms } if at_ms <= now => self.due_writes.push_back(ticket),
            Next::Read { at_ms } => self.timers.push(Reverse((at_ms, ticket, Op::Read))),
            Next::Write { at_ms } => self.timers.push(Reverse((at_ms, ticket, Op::Write))),
            Next::Final | Next::Wait => {}
        }
    }

    fn release_timers(&mut self, now: u64) {
        while let Some(Reverse((at, ticket, op))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            if !self.valid(&ticket) {
                continue;
            }
            match op {
                Op::Read => self.queue_read(ticket),
                Op::Write => self.due_writes.push_back(ticket),
            }
        }
    }

    /// Whether the writes due are fewer than may go now: first reads (which make writes
    /// due) then go before reads that follow writes. Otherwise the write quota is what
    /// holds the run back, and reads that follow writes go first, so they go when due
    /// and what they show (and the lag they measure) isn't held up.
    fn writes_starving(&mut self, now: u64) -> bool {
        let due = self.due_writes.len() as u32;
        self.pacer
            .as_mut()
            .is_some_and(|pacer| due < pacer.available(now))
    }

    fn queue_read(&mut self, ticket: Ticket) {
        if self.items[ticket.item].follows_a_write() {
            self.due_follow_ups.push_back(ticket);
        } else {
            self.due_reads.push_back(ticket);
        }
    }

    fn reads_due(&self) -> bool {
        !self.due_follow_ups.is_empty() || !self.due_reads.is_empty()
    }

    fn valid(&self, ticket: &Ticket) -> bool {
        let item = &self.items[ticket.item];
        let free = if ticket.hedge {
            item.in_flight.is_some() && self.awaiting[ticket.item].len() < MAX_AWAITED
        } else {
            item.in_flight.is_none()
        };
        item.epoch == ticket.epoch && !item.is_final() && free
    }

    /// Requests in flight that take one of the [`Options::max_in_flight`] places.
    fn requests_out(&self) -> usize {
        self.in_flight
            .values()
            .filter(|flight| !flight.overdue)
            .count()
    }

    /// Marks requests overdue once their time comes, and queues a read of each of their
    /// items alongside: a read lost is read again, and a write whose answer is lost may
    /// show as applied before the shell gives up on it. Checked again each period while
    /// the request stays out.
    fn release_overdue(&mut self, now: u64) {
        let floor_ms = self.options.overdue_floor_ms;
        while let Some(id) = self.overdue.next_due(now) {
            let Some(flight) = self.in_flight.get_mut(&id) else {
                continue;
            };
            flight.overdue = true;
            let items = flight.items.clone();
            for index in items {
                let item = &self.items[index];
                if !item.is_final() && self.awaiting[index].contains(&id) {
                    self.due_follow_ups.push_back(Ticket {
                        item: index,
                        epoch: item.epoch,
                        hedge: true,
                    });
                }
            }
            self.overdue.watch(id, now, floor_ms);
        }
    }

    fn drop_stale_heads(&mut self) {
        while self.due_reads.front().is_some_and(|t| !self.valid(t)) {
            self.due_reads.pop_front();
        }
        while self.due_follow_ups.front().is_some_and(|t| !self.valid(t)) {
            self.due_follow_ups.pop_front();
        }
        while self.due_writes.front().is_some_and(|t| !self.valid(t)) {
            self.due_writes.pop_front();
        }
    }

    fn batch_cap(&self) -> usize {
        if self.options.use_batch {
            MAX_BATCH
        } else {
            1
        }
    }

    /// Tokens the next write request needs: a full batch (no larger than the bucket), or
    /// every due write if fewer; a lone probe while Graph refuses writes.
    fn write_need(&self) -> u32 {
        let (probing, capacity) = match self.pacer.as_ref() {
            Some(pacer) => (pacer.probing(), pacer.capacity()),
            None => (false, self.options.write_budget.writes),
        };
        let cap = if probing { 1 } else { self.batch_cap() };
        self.due_writes.len().min(cap).min(capacity.max(1) as usize) as u32
    }

    /// How many writes may go now (0: none): the pacer's next batch, if it is due and
    /// nothing holds writes back.
    fn writes_sendable(&mut self, now: u64) -> u32 {
        let need = self.write_need();
        if need == 0 || now < self.write_hold_until || !self.write_slot_free() {
            return 0;
        }
        match self.pacer.as_mut().map(|pacer| pacer.next_batch(now, need)) {
            Some((at, count)) if at <= now => count,
            _ => 0,
        }
    }

    /// While Graph refuses writes, one probe at a time (a probe overdue counts as lost);
    /// otherwise as the slots allow.
    fn write_slot_free(&self) -> bool {
        let probing = self.pacer.as_ref().is_some_and(Pacer::probing);
        !probing
            || !self
                .in_flight
                .values()
                .any(|flight| flight.op == Op::Write && !flight.overdue)
    }

    fn sending_allowed(&self) -> bool {
        !self.paused_by_admin && !self.journal_not_saved && !self.needs_token
    }

    /// Whether request `id`, held back by the shell (until the journal was saved), may
    /// still go: not once the run is over, paused or cancelled (a write), nor when it is
    /// no longer awaited. Otherwise the shell answers it [`Outcome::NotSent`].
    pub fn may_send(&self, id: RequestId) -> bool {
        let Some(flight) = self.in_flight.get(&id) else {
            return false;
        };
        !self.finished && self.sending_allowed() && !(self.cancelled && flight.op == Op::Write)
    }

    fn pump(&mut self, now: u64, effects: &mut Vec<Effect>) {
        if !self.sending_allowed() {
            return;
        }
        while self.requests_out() < self.options.max_in_flight.max(1) {
            self.drop_stale_heads();
            let writes = self.writes_sendable(now);
            let can_write = writes > 0;
            let can_read = self.reads_due() && now >= self.read_hold_until;
            // The write quota is the scarce resource: whenever a write may go, it goes
            // first, and reads fill the slots writes can't use. Reads can't starve: a
            // write becomes due only after its user's read.
            let (op, count) = match (can_write, can_read) {
                (false, false) => break,
                (true, _) => (Op::Write, writes as usize),
                (false, true) => (Op::Read, self.batch_cap()),
            };
            self.send(op, count, now, effects);
        }
    }

    /// Seats `index`'s write needs, as (item, SKU): its own, and those of the items
    /// waiting for it, so a first step such as setting a usage location is not sent for
    /// a user who will get no seat. Seats reserved earlier and no longer needed (the
    /// user turned out to hold the SKU) are given back.
    fn seats_to_take(&mut self, index: usize) -> Vec<(usize, SkuId)> {
        let own = self.items[index].seats_wanted();
        let seats = &mut self.seats;
        self.seats_held[index].retain(|sku| {
            let needed = own.contains(sku);
            if !needed {
                seats.give_back(sku);
            }
            needed
        });
        let mut wanted: Vec<(usize, SkuId)> = own
            .into_iter()
            .filter(|sku| !self.seats_held[index].contains(sku))
            .map(|sku| (index, sku))
            .collect();
        for &dependent in self.dependents.get(&index).into_iter().flatten() {
            for sku in self.items[dependent].record.item.skus_added() {
                if !self.seats_held[dependent].contains(&sku) {
                    wanted.push((dependent, sku));
                }
            }
        }
        wanted
    }

    /// Sends up to `cap` due requests of kind `op`, packed into one request.
    fn send(&mut self, op: Op, cap: usize, now: u64, effects: &mut Vec<Effect>) {
        let follow_ups_first = !self.writes_starving(now);
        let mut parts: Vec<(usize, GraphRequest)> = Vec::new();
        while parts.len() < cap {
            let queue = match op {
                Op::Read if follow_ups_first && !self.due_follow_ups.is_empty() => {
                    &mut self.due_follow_ups
                }
                Op::Read if self.due_reads.is_empty() => &mut self.due_follow_ups,
                Op::Read => &mut self.due_reads,
                Op::Write => &mut self.due_writes,
            };
            let Some(ticket) = queue.pop_front() else {
                break;
            };
            if !self.valid(&ticket) || parts.iter().any(|(index, _)| *index == ticket.item) {
                continue;
            }
            if op == Op::Write && self.items[ticket.item].write_request().is_none() {
                let revision = self.items[ticket.item].revision;
                let next = self.items[ticket.item].no_request(now);
                self.settle_item(ticket.item, false, revision, next, now, effects);
                continue;
            }
            if op == Op::Write && self.options.stop_when_seats_run_out {
                let wanted = self.seats_to_take(ticket.item);
                let skus: Vec<SkuId> = wanted.iter().map(|(_, sku)| sku.clone()).collect();
                if let Some(sku) = self.seats.first_short(&skus) {
                    let note = wording::bulk::seats_ran_out(sku, &self.catalog);
                    let revision = self.items[ticket.item].revision;
                    let next = self.items[ticket.item].stop_for_seats(now, &note);
                    self.settle_item(ticket.item, false, revision, next, now, effects);
                    continue;
                }
                for (index, sku) in wanted {
                    self.seats.take(&sku);
                    self.seats_held[index].push(sku);
                }
            }
            let item = &mut self.items[ticket.item];
            let request = match op {
                Op::Read => item.read_request(),
                Op::Write => match item.write_request() {
                    Some(request) => request.clone(),
                    None => unreachable!("checked above"),
                },
            };
            if !ticket.hedge {
                let revision = item.revision;
                if op == Op::Write
                    && item.record.attempts > 0
                    && !self.last_write_throttled[ticket.item]
                {
                    self.totals.writes_resent += 1;
                }
                item.sent(op, now);
                if item.revision != revision {
                    effects.push(Effect::Record(item.record.clone()));
                }
            }
            parts.push((ticket.item, request));
        }
        if parts.is_empty() {
            return;
        }
        let count = parts.len() as u64;
        let first_send = match op {
            Op::Read => {
                self.totals.reads_sent += count;
                None
            }
            Op::Write => {
                self.totals.writes_sent += count;
                let first = self
                    .pacer
                    .as_mut()
                    .and_then(|pacer| pacer.take(now, count as u32));
                debug_assert!(first.is_some(), "writes are only sent with sends in hand");
                if let Some(first) = first {
                    for (offset, (index, _)) in parts.iter().enumerate() {
                        self.write_sends[*index] = Some(first.nth_after(offset));
                    }
                }
                first
            }
        };
        self.totals.requests_sent += 1;
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let request = batching::pack(&parts);
        for (index, _) in &parts {
            self.awaiting[*index].push(id);
        }
        self.overdue.watch(id, now, self.options.overdue_floor_ms);
        self.in_flight.insert(
            id,
            InFlight {
                op,
                batched: parts.len() > 1,
                items: parts.into_iter().map(|(index, _)| index).collect(),
                sent_ms: now,
                first_send,
                overdue: false,
            },
        );
        effects.push(Effect::Send(Outgoing { id, request }));
    }

    fn answer(&mut self, now: u64, id: RequestId, outcome: &Outcome, effects: &mut Vec<Effect>) {
        let Some(flight) = self.in_flight.remove(&id) else {
            return;
        };
        if *outcome == Outcome::NotSent {
            return self.not_sent(now, id, &flight, effects);
        }
        if let Outcome::Answered(_) = outcome {
            self.overdue
                .answered_after(now.saturating_sub(flight.sent_ms));
        }
        let answers = batching::unpack(&flight.items, flight.batched, outcome);
        let hold_every_request = match flight.op {
            // Only a request of reads refused as a whole holds every read: one with some
            // through and some refused leaves the refused to their own Retry-After.
            Op::Read => answers.iter().all(|answer| answer.status() == Some(429)),
            // For writes the pacer decides, from what it knows of the quota.
            Op::Write => self.pace_answered(now, &flight, &answers),
        };
        if hold_every_request {
            self.hold(flight.op, &answers, flight.sent_ms, now);
        }
        for (&index, answer) in flight.items.iter().zip(&answers) {
            if !self.still_awaits(index, id) {
                continue;
            }
            self.items[index].heard(answer.request_id());
            if flight.op == Op::Write {
                let status = answer.status();
                self.last_write_throttled[index] = status == Some(429);
                if let (Some(429), Some(wait)) = (status, retry_after_ms(answer, now)) {
                    self.count_write_wait(now, now + wait);
                }
                match status {
                    Some(429) => self.totals.writes_throttled += 1,
                    Some(200..=299) => self.totals.writes_applied += 1,
                    _ => {}
                }
            }
            if flight.op == Op::Read && self.items[index].in_flight == Some(Op::Write) {
                self.read_beside_a_write(index, id, answer, now, effects);
                continue;
            }
            self.awaiting[index].clear();
            let was_final = false;
            let revision = self.items[index].revision;
            let next = match answer.status() {
                Some(401) => {
                    if !self.needs_token {
                        self.needs_token = true;
                        effects.push(Effect::Paused(PauseReason::NeedsToken));
                    }
                    self.items[index].put_back(now)
                }
                status => {
                    if status == Some(429) {
                        self.totals.throttled += 1;
                    }
                    let mut ctx = item_ctx!(self);
                    let item = &mut self.items[index];
                    match flight.op {
                        Op::Read => item.on_read(&mut ctx, now, flight.sent_ms, answer.as_answer()),
                        Op::Write => item.on_write(&mut ctx, now, answer.as_answer()),
                    }
                }
            };
            self.learn_from_read(index, now);
            self.settle_item(index, was_final, revision, next, now, effects);
        }
    }

    /// Whether item `index` still waits on request `id`. An item that ended meanwhile
    /// waits on nothing more.
    fn still_awaits(&mut self, index: usize, id: RequestId) -> bool {
        if !self.awaiting[index].contains(&id) {
            return false;
        }
        if self.items[index].is_final() {
            self.items[index].in_flight = None;
            self.awaiting[index].clear();
            return false;
        }
        true
    }

    /// The shell did not send request `id`: its items are back where they were before
    /// it, their write's slot is given back, and a write not sent after a cancel is
    /// cancelled.
    fn not_sent(&mut self, now: u64, id: RequestId, flight: &InFlight, effects: &mut Vec<Effect>) {
        let count = flight.items.len() as u64;
        self.totals.requests_sent = self.totals.requests_sent.saturating_sub(1);
        match flight.op {
            Op::Read => self.totals.reads_sent = self.totals.reads_sent.saturating_sub(count),
            Op::Write => {
                self.totals.writes_sent = self.totals.writes_sent.saturating_sub(count);
                if let (Some(pacer), Some(first)) = (self.pacer.as_mut(), flight.first_send) {
                    let answered: Vec<(SendId, WriteAnswer)> = (0..flight.items.len())
                        .map(|offset| (first.nth_after(offset), WriteAnswer::NotLookedAt))
                        .collect();
                    pacer.answered(now, flight.sent_ms, &answered, None);
                }
            }
        }
        for &index in &flight.items {
            if !self.still_awaits(index, id) {
                continue;
            }
            if flight.op == Op::Read && self.items[index].in_flight == Some(Op::Write) {
                // A read alongside an overdue write: the write is still awaited.
                self.awaiting[index].retain(|awaited| *awaited != id);
                continue;
            }
            self.awaiting[index].clear();
            let revision = self.items[index].revision;
            let mut next = self.items[index].put_back(now);
            if self.cancelled && flight.op == Op::Write && self.items[index].cancel(now) {
                next = Next::Final;
            }
            self.settle_item(index, false, revision, next, now, effects);
        }
    }

    /// A read sent alongside an overdue write answered. If it shows the write, the write
    /// was applied and the item settles; otherwise nothing is known until the write's own
    /// answer (or the shell's timeout) comes.
    fn read_beside_a_write(
        &mut self,
        index: usize,
        id: RequestId,
        answer: &PartAnswer,
        now: u64,
        effects: &mut Vec<Effect>,
    ) {
        self.awaiting[index].retain(|awaited| *awaited != id);
        if answer.status() == Some(401) {
            if !self.needs_token {
                self.needs_token = true;
                effects.push(Effect::Paused(PauseReason::NeedsToken));
            }
            return;
        }
        let revision = self.items[index].revision;
        let ctx = item_ctx!(self);
        let next = self.items[index].on_read_beside_write(&ctx, now, answer.as_answer());
        if self.items[index].in_flight.is_none() {
            self.awaiting[index].clear();
        }
        self.learn_from_read(index, now);
        self.settle_item(index, false, revision, next, now, effects);
    }

    /// Tells the pacer how Graph answered a request of writes; returns whether every
    /// write must wait.
    fn pace_answered(&mut self, now: u64, flight: &InFlight, answers: &[PartAnswer]) -> bool {
        let (Some(pacer), Some(first)) = (self.pacer.as_mut(), flight.first_send) else {
            return false;
        };
        let answered: Vec<(SendId, WriteAnswer)> = answers
            .iter()
            .enumerate()
            .map(|(offset, answer)| (first.nth_after(offset), write_answer(answer.status())))
            .collect();
        let retry_after_ms = answers.iter().filter_map(|a| retry_after_ms(a, now)).min();
        pacer.answered(now, flight.sent_ms, &answered, retry_after_ms)
    }

    /// Passes on what an item's last read showed: a lag sample, and whether a write
    /// whose answer was unclear was applied (if not, its slot is given back).
    fn learn_from_read(&mut self, index: usize, now: u64) {
        let findings = self.items[index].take_findings();
        if let Some(lag) = findings.lag_ms {
            self.lags.record(lag);
            self.lags_measured.record(lag);
        }
        if findings.write_applied == Some(true) {
            self.totals.writes_applied += 1;
        }
        let (Some(applied), Some(pacer), Some(send)) = (
            findings.write_applied,
            self.pacer.as_mut(),
            self.write_sends[index],
        ) else {
            return;
        };
        if applied {
            pacer.applied(send);
        } else {
            pacer.not_applied(now, send);
        }
    }

    /// Graph refused: hold every request of that kind until the longest `Retry-After`
    /// among the refusals (or a backoff without one). `Retry-After` counts from when
    /// Graph answered, about halfway through the round trip. Writes already held are
    /// held until the earlier of the two: each refusal says by when a slot is back, and
    /// whole seconds round each up differently, so the earliest is the closest.
    fn hold(&mut self, op: Op, answers: &[PartAnswer], sent_ms: u64, now: u64) {
        let answered_at = sent_ms + now.saturating_sub(sent_ms) / 2;
        let retry_after_ms = answers
            .iter()
            .filter_map(|answer| retry_after_ms(answer, now))
            .max();
        let until = match retry_after_ms {
            Some(wait) => answered_at + wait,
            None => now + self.options.retry.backoff_ms(1, self.rng.unit()),
        };
        match op {
            Op::Write if self.write_hold_until > now => {
                self.write_hold_until = self.write_hold_until.min(until).max(now);
            }
            Op::Write => self.write_hold_until = until,
            Op::Read => self.read_hold_until = self.read_hold_until.max(until),
        }
        self.count_held(now);
    }

    /// Keeps the time held back by throttling up to date after a hold changed: the part
    /// of the earlier hold still to come is replaced by the new one's.
    fn count_held(&mut self, now: u64) {
        let until = self.throttled_until();
        if self.held_until > now {
            self.held_ms -= self.held_until - now;
        }
        self.held_ms += until.saturating_sub(now);
        self.held_until = until.max(now);
    }

    /// Counts a wait Graph asked a write to make, from `now` until `until`, once
    /// however it overlaps the waits counted before.
    fn count_write_wait(&mut self, now: u64, until: u64) {
        let from = now.max(self.write_waits_until);
        self.write_waits_ms += until.saturating_sub(from);
        self.write_waits_until = self.write_waits_until.max(until);
    }

    /// The run's time limit is reached: every open item ends (see [`Options::time_limit_ms`]).
    fn time_up(&mut self, now: u64, effects: &mut Vec<Effect>) {
        for index in 0..self.items.len() {
            if self.items[index].is_final() {
                continue;
            }
            let revision = self.items[index].revision;
            let ctx = item_ctx!(self);
            let next = self.items[index].time_up(&ctx, now);
            self.settle_item(index, false, revision, next, now, effects);
        }
    }

    fn cancel(&mut self, now: u64, effects: &mut Vec<Effect>) {
        if self.cancelled {
            return;
        }
        self.cancelled = true;
        for index in 0..self.items.len() {
            if self.items[index].is_final() {
                continue;
            }
            if self.items[index].cancel(now) {
                self.settle_item(index, false, 0, Next::Final, now, effects);
            }
        }
        let items = &self.items;
        let live = |ticket: &Ticket| {
            let item = &items[ticket.item];
            item.epoch == ticket.epoch && !item.is_final()
        };
        self.due_reads.retain(live);
        self.due_follow_ups.retain(live);
        self.due_writes.retain(live);
    }

    fn next_wake(&mut self, now: u64) -> Option<u64> {
        if !self.sending_allowed() {
            return None;
        }
        let mut wake: Option<u64> = None;
        let mut consider = |at: u64| {
            if at > now {
                wake = Some(wake.map_or(at, |w| w.min(at)));
            }
        };
        if let Some(Reverse((at, _, _))) = self.timers.peek() {
            consider(*at);
        }
        if let Some(end) = ends_at(&self.options, self.started_ms, self.write_waits_ms) {
            consider(end);
        }
        let in_flight = &self.in_flight;
        if let Some(at) = self.overdue.next_at(|id| in_flight.contains_key(&id)) {
            consider(at);
        }
        if self.requests_out() < self.options.max_in_flight.max(1) {
            let need = self.write_need();
            if need > 0 && self.write_slot_free() {
                let ready = self
                    .pacer
                    .as_mut()
                    .map_or(now, |pacer| pacer.next_batch(now, need).0);
                consider(ready.max(self.write_hold_until));
            }
            if self.reads_due() {
                consider(self.read_hold_until);
            }
        }
        wake
    }
}

/// Requests an item may wait on at once: its own, and one read alongside.
const MAX_AWAITED: usize = 2;

/// When a run started at `started_ms` must end, if it has a time limit: the limit, plus
/// the time Graph asked its writes to wait.
fn ends_at(options: &Options, started_ms: Option<u64>, write_waits_ms: u64) -> Option<u64> {
    Some(
        started_ms?
            .saturating_add(options.time_limit_ms?)
            .saturating_add(write_waits_ms),
    )
}

/// The `Retry-After` of a 429, in ms, if Graph sent one.
fn retry_after_ms(answer: &PartAnswer, now: u64) -> Option<u64> {
    match answer {
        PartAnswer::Http { response, .. } if response.status == 429 => response.retry_after_ms(now),
        _ => None,
    }
}

/// How the pacer counts Graph's answer to one write.
fn write_answer(status: Option<u16>) -> WriteAnswer {
    match status {
        Some(429) => WriteAnswer::Refused,
        Some(401) => WriteAnswer::NotLookedAt,
        status if write_outcome_unknown(status) => WriteAnswer::Unclear,
        _ => WriteAnswer::Counted,
    }
}

#[cfg(test)]
mod run_tests;
