//! One item's way through a run: read, plan, write, settle, diff.
//!
//! ```text
//! Before ──read──▶ plan ──▶ no-op │ refused │ Write
//! Write ──2xx──▶ Settle ──read shows it──▶ done (shown; the lag is a sample)
//!                       └─timeout─────────▶ done (not shown yet / no visible change)
//! Write ──5xx or no answer──▶ Check ──read shows it──▶ Settle ▶ done
//!                                   └─a read sent at or after the check window's end
//!                                     still doesn't──▶ Write again (a reprocess too:
//!                                     processing stamps each group-based state)
//! Write ──429──▶ Write after Retry-After      Write ──4xx──▶ failed
//! ```
//!
//! The scheduler ([`super::Run`]) owns queues, timers, the write budget and batching; an
//! item only says what it needs next ([`Next`]) after each answer, and what a read taught
//! the run ([`Findings`]). A write is sent again only after a read sent once the check
//! window (sized from the lags the run has seen, [`super::lag`]) has passed still does not
//! show it: never on a timer alone. Check reads that are throttled or fail are tried
//! again, however often, without using up anything: until a read answers, nothing is
//! decided.

use super::intent::{Decision, Expectation};
use super::journal::{ErrorRecord, JournalRecord, Settlement, Status, Times};
use super::Options;
use crate::graph::error::GraphError;
use crate::graph::model::User;
use crate::graph::request::{self, GraphRequest};
use crate::graph::response::RawResponse;
use crate::graph::retry::{Attempt, Decision as RetryDecision};
use crate::licensing::catalog::Catalog;
use crate::licensing::diff::LicenseDiff;
use crate::ops::notes;
use crate::ops::rng::Rng;
use crate::wording;

/// Delays between reads while waiting for Entra ID to show a write: close together
/// first, where writes usually show (so the lag each one measures is close to the real
/// one), then further apart.
const SETTLE_DELAYS_MS: [u64; 10] = [400, 100, 300, 600, 900, 1_300, 1_800, 2_400, 3_200, 4_000];

/// A read sent this much after it was due still measures the lag.
const ON_TIME_SLACK_MS: u64 = 100;

fn settle_delay(reads: u32) -> u64 {
    SETTLE_DELAYS_MS[(reads as usize).min(SETTLE_DELAYS_MS.len() - 1)]
}

/// What the run knows that an item needs to decide.
pub(crate) struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub options: &'a Options,
    pub rng: &'a mut Rng,
    pub cancelled: bool,
    /// How long after an unclear answer a read that doesn't show the write proves it
    /// was not applied ([`super::lag::LagStats::check_window_ms`]).
    pub check_window_ms: u64,
    /// When the run's time limit ends it, if it has one.
    pub ends_at_ms: Option<u64>,
}

/// What a read taught the run beyond the item's own state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Findings {
    /// How long after Graph accepted the write a read first showed it.
    pub lag_ms: Option<u64>,
    /// Whether the write whose answer was unclear was applied, once a read shows it.
    pub write_applied: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Op {
    Read,
    Write,
}

/// What an item needs after a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    Read {
        at_ms: u64,
    },
    Write {
        at_ms: u64,
    },
    /// Nothing until another item finishes (a prerequisite).
    Wait,
    Final,
}

/// One answer about one item: its own HTTP answer, or none.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Answer<'a> {
    Http(&'a RawResponse),
    Dropped,
    TimedOut {
        after_ms: u64,
    },
    /// A `$batch` answer without an entry for this request.
    Missing,
}

impl Answer<'_> {
    fn attempt(&self) -> Attempt<'_> {
        match self {
            Answer::Http(response) => Attempt::Answered {
                status: response.status,
                retry_after: response.header("Retry-After"),
            },
            _ => Attempt::NoAnswer,
        }
    }

    /// How long Graph's `Retry-After` asks to wait, in whole ms, if it said.
    fn retry_after_ms(&self, now: u64) -> Option<u64> {
        match self {
            Answer::Http(response) => response.retry_after_ms(now),
            _ => None,
        }
    }

    fn error(&self) -> GraphError {
        match self {
            Answer::Http(response) => GraphError::from_response(response),
            Answer::Dropped => GraphError::network("The connection closed before Graph answered."),
            Answer::TimedOut { after_ms } => GraphError::timeout(after_ms.div_ceil(1000)),
            Answer::Missing => {
                GraphError::network("Graph's $batch answer had no entry for this request.")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Stage {
    /// Reading the user before anything is written.
    Before,
    /// Planned; the write is due.
    Write,
    /// The write's outcome is unknown since `since_ms`; reading until it shows, or a read
    /// sent once the check window has passed still doesn't show it.
    Check {
        since_ms: u64,
    },
    /// Graph accepted the write; reading until it shows or the timeout passes.
    Settle {
        deadline_ms: u64,
        /// When Graph's acceptance arrived (unknown for a write accepted before a resume,
        /// or shown only by a check read).
        accepted_ms: Option<u64>,
    },
    Final,
}

/// What to restore when a write comes back 401 (it was never looked at).
#[derive(Clone, Debug, PartialEq)]
struct BeforeSend {
    status: Status,
    attempts: u32,
    times: Times,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    pub record: JournalRecord,
    stage: Stage,
    expect: Option<Expectation>,
    pub in_flight: Option<Op>,
    /// Bumped whenever the item schedules something, so stale timers are ignored.
    pub epoch: u32,
    /// Bumped whenever the journal record changes.
    pub revision: u64,
    read_attempts: u32,
    settle_reads: u32,
    before_send: Option<BeforeSend>,
    findings: Findings,
    /// When the item's next read was due (set by the scheduler).
    pub read_due_ms: u64,
}

impl Item {
    pub fn new(record: JournalRecord) -> Self {
        Item {
            record,
            stage: Stage::Before,
            expect: None,
            in_flight: None,
            epoch: 0,
            revision: 0,
            read_attempts: 0,
            settle_reads: 0,
            before_send: None,
            findings: Findings::default(),
            read_due_ms: 0,
        }
    }

    /// What the last read taught the run (taken once).
    pub fn take_findings(&mut self) -> Findings {
        std::mem::take(&mut self.findings)
    }

    pub fn is_final(&self) -> bool {
        self.stage == Stage::Final
    }

    fn touch(&mut self) {
        self.revision += 1;
    }

    /// The id writes and reads go to: the user's id once known, else what was given.
    fn target(&self) -> String {
        self.record
            .before
            .as_ref()
            .map(|user| user.id.as_str())
            .filter(|id| !id.is_empty())
            .unwrap_or(&self.record.item.user)
            .to_string()
    }

    pub fn read_request(&self) -> GraphRequest {
        request::get_user(&self.target())
    }

    pub fn write_request(&self) -> Option<&GraphRequest> {
        self.record.write.as_ref()
    }

    /// Where a fresh or resumed item begins.
    pub fn start(&mut self, ctx: &mut Ctx, now: u64) -> Next {
        self.record.times.started_ms.get_or_insert(now);
        self.touch();
        match self.record.status {
            Status::Done
            | Status::NoOp
            | Status::Refused
            | Status::Failed
            | Status::NoSeats
            | Status::Planned => {
                self.stage = Stage::Final;
                Next::Final
            }
            Status::Waiting | Status::Cancelled => {
                self.stage = Stage::Before;
                self.record.status = Status::Waiting;
                if ctx.cancelled {
                    self.cancel(now);
                    return Next::Final;
                }
                Next::Read { at_ms: now }
            }
            Status::Sent | Status::Unknown | Status::Settling => {
                let Some(before) = self.record.before.clone() else {
                    return self.finish(now, Status::Unknown, None, notes::NO_READ_BEFORE);
                };
                self.expect =
                    match self
                        .record
                        .item
                        .intent
                        .decide(&self.target(), &before, ctx.catalog)
                    {
                        Decision::Write { expect, .. } => Some(expect),
                        _ => None,
                    };
                if self.record.status == Status::Settling {
                    self.stage = Stage::Settle {
                        deadline_ms: now + ctx.options.settle_timeout_ms,
                        accepted_ms: None,
                    };
                } else {
                    self.record.status = Status::Unknown;
                    self.record.note = Some(notes::UNRECORDED_CHECKING.into());
                    self.stage = Stage::Check { since_ms: now };
                }
                Next::Read { at_ms: now }
            }
        }
    }

    /// The scheduler is sending `op` for this item now.
    pub fn sent(&mut self, op: Op, now: u64) {
        self.in_flight = Some(op);
        match op {
            Op::Read => self.read_attempts += 1,
            Op::Write => {
                self.before_send = Some(BeforeSend {
                    status: self.record.status,
                    attempts: self.record.attempts,
                    times: self.record.times.clone(),
                });
                self.record.attempts += 1;
                self.record.status = Status::Sent;
                self.record.times.first_sent_ms.get_or_insert(now);
                self.record.times.last_sent_ms = Some(now);
                self.touch();
            }
        }
    }

    /// The answer was 401: the request was never looked at. Back to where it was.
    pub fn put_back(&mut self, now: u64) -> Next {
        match self.in_flight.take() {
            Some(Op::Read) => {
                self.read_attempts = self.read_attempts.saturating_sub(1);
                Next::Read { at_ms: now }
            }
            Some(Op::Write) => {
                if let Some(previous) = self.before_send.take() {
                    self.record.status = previous.status;
                    self.record.attempts = previous.attempts;
                    self.record.times = previous.times;
                    self.touch();
                }
                Next::Write { at_ms: now }
            }
            None => Next::Final,
        }
    }

    /// Stops the item if its write has not been sent. Items whose write went out are
    /// followed until their outcome is known (reads only; nothing is sent again).
    pub fn cancel(&mut self, now: u64) -> bool {
        let unsent = match self.stage {
            Stage::Before => true,
            Stage::Write => self.in_flight != Some(Op::Write),
            _ => false,
        };
        if unsent {
            self.finish(
                now,
                Status::Cancelled,
                None,
                "Cancelled before anything was sent.",
            );
        }
        unsent
    }

    fn finish(
        &mut self,
        now: u64,
        status: Status,
        settlement: Option<Settlement>,
        note: &str,
    ) -> Next {
        self.stage = Stage::Final;
        self.record.status = status;
        self.record.settlement = settlement;
        if !note.is_empty() {
            self.record.note = Some(note.to_string());
        }
        self.record.times.finished_ms = Some(now);
        self.touch();
        Next::Final
    }

    fn finish_with_diff(
        &mut self,
        ctx: &Ctx,
        now: u64,
        status: Status,
        settlement: Option<Settlement>,
        note: &str,
    ) -> Next {
        if let (Some(before), Some(after)) = (&self.record.before, &self.record.after) {
            self.record.diff = Some(LicenseDiff::between(before, after, ctx.catalog));
        }
        self.finish(now, status, settlement, note)
    }

    /// Ends the item as refused before its write was sent, with `note` saying why.
    pub fn refuse(&mut self, now: u64, note: &str) -> Next {
        self.in_flight = None;
        self.finish(now, Status::Refused, None, note)
    }

    /// Ends the item before its write was sent: the SKU it adds has no free seat left.
    pub fn stop_for_seats(&mut self, now: u64, note: &str) -> Next {
        self.in_flight = None;
        self.finish(now, Status::NoSeats, None, note)
    }

    /// Graph's `request-id` of an answer about this item; `of_batch` when it is the
    /// whole `$batch`'s.
    pub fn heard(&mut self, request_id: Option<(&str, bool)>) {
        if let Some((id, of_batch)) = request_id {
            self.record.add_request_id(Some(id), of_batch);
        }
    }

    /// Whether the item's write went out and reads now follow it (settling or checking).
    pub fn follows_a_write(&self) -> bool {
        matches!(self.stage, Stage::Settle { .. } | Stage::Check { .. })
    }

    /// True while the item has not been read or planned yet (waiting for a prerequisite).
    pub fn is_unread(&self) -> bool {
        self.stage == Stage::Before && self.record.status == Status::Waiting
    }

    /// SKUs the planned write would take a seat of: added, and not held by the user
    /// through any assignment today.
    pub fn seats_wanted(&self) -> Vec<crate::graph::ids::SkuId> {
        match (&self.record.before, &self.record.write) {
            (Some(before), Some(write)) => super::seats::seats_taken_by(before, write),
            _ => Vec::new(),
        }
    }

    fn fail(&mut self, now: u64, error: &GraphError) -> Next {
        self.record.error = Some(ErrorRecord::from(error));
        self.finish(now, Status::Failed, None, "")
    }

    /// A write is due: unless the run was cancelled, in which case nothing was applied.
    fn want_write(&mut self, ctx: &Ctx, now: u64) -> Next {
        if ctx.cancelled {
            return self.finish(
                now,
                Status::Cancelled,
                None,
                "Cancelled; the write was not applied.",
            );
        }
        self.stage = Stage::Write;
        if self.record.status != Status::Waiting {
            self.record.status = Status::Waiting;
            self.touch();
        }
        Next::Write { at_ms: now }
    }

    /// Plans from a read of the user.
    fn plan_from(&mut self, ctx: &Ctx, now: u64, user: &User) -> Next {
        let target = if user.id.as_str().is_empty() {
            self.target()
        } else {
            user.id.as_str().to_string()
        };
        match self.record.item.intent.decide(&target, user, ctx.catalog) {
            Decision::Refused(text) => self.finish(now, Status::Refused, None, &text),
            Decision::NoOp(text) => {
                self.record.after = Some(user.clone());
                self.finish_with_diff(ctx, now, Status::NoOp, None, &text)
            }
            Decision::Write {
                request,
                expect: _,
                warnings,
            } if ctx.options.dry_run => {
                // A dry run stops here: the write and its warnings are the answer.
                self.record.write = Some(request);
                self.record.warnings = warnings;
                self.finish(now, Status::Planned, None, wording::bulk::DRY_RUN_PLANNED)
            }
            Decision::Write {
                request,
                expect,
                warnings,
            } => {
                // The user may have changed since the preview: a warning the admin did not
                // tick (a plan switching on, say) stops this user's write.
                let unacknowledged: Vec<String> = warnings
                    .iter()
                    .filter(|w| {
                        w.needs_ack() && !self.record.item.acknowledged_warnings.contains(w)
                    })
                    .map(|w| w.describe(ctx.catalog))
                    .collect();
                if !unacknowledged.is_empty() {
                    self.record.warnings = warnings;
                    let text = format!(
                        "Not sent: this needs an acknowledgement that was not given: {} Preview the change again and tick it.",
                        unacknowledged.join(" ")
                    );
                    return self.finish(now, Status::Refused, None, &text);
                }
                self.record.write = Some(request);
                self.record.warnings = warnings;
                self.expect = Some(expect);
                self.touch();
                self.want_write(ctx, now)
            }
        }
    }

    pub fn on_read(&mut self, ctx: &mut Ctx, now: u64, sent_ms: u64, answer: Answer) -> Next {
        self.in_flight = None;
        let read = match answer {
            Answer::Http(response) if response.is_success() => response.parse::<User>(),
            other => Err(other.error()),
        };
        match read {
            Ok(user) => {
                self.read_attempts = 0;
                self.observe(ctx, now, sent_ms, user)
            }
            Err(error) => {
                if matches!(self.stage, Stage::Check { .. }) {
                    return self.check_read_failed(ctx, now, &error, answer);
                }
                let decision = ctx.options.retry.decide(
                    self.read_attempts,
                    false,
                    &answer.attempt(),
                    ctx.rng.unit(),
                    now,
                );
                self.read_failed(ctx, now, &error, decision)
            }
        }
    }

    fn observe(&mut self, ctx: &mut Ctx, now: u64, sent_ms: u64, user: User) -> Next {
        match self.stage.clone() {
            Stage::Before => {
                self.record.before = Some(user.clone());
                self.touch();
                self.plan_from(ctx, now, &user)
            }
            Stage::Check { since_ms } => self.checked(ctx, now, sent_ms, since_ms, user),
            Stage::Settle {
                deadline_ms,
                accepted_ms,
            } => {
                let before = self.record.before.clone().unwrap_or_default();
                self.record.after = Some(user.clone());
                self.touch();
                if self
                    .expect
                    .as_ref()
                    .is_some_and(|expect| expect.shows(&before, &user))
                {
                    // A read sent late (waiting for a place among the requests in
                    // flight) measures the wait too: only one sent when due counts.
                    let on_time = sent_ms <= self.read_due_ms + ON_TIME_SLACK_MS;
                    self.findings.lag_ms = accepted_ms
                        .filter(|_| on_time)
                        .map(|at| sent_ms.saturating_sub(at));
                    return self.settled(ctx, now);
                }
                if now >= deadline_ms {
                    return self.not_shown(ctx, now);
                }
                self.settle_reads += 1;
                Next::Read {
                    at_ms: now + settle_delay(self.settle_reads),
                }
            }
            // A late answer for an item that moved on.
            Stage::Write | Stage::Final => Next::Final,
        }
    }

    /// A check read sent at `sent_ms` answered, for a write whose outcome has been unknown
    /// since `since_ms`.
    fn checked(
        &mut self,
        ctx: &mut Ctx,
        now: u64,
        sent_ms: u64,
        since_ms: u64,
        user: User,
    ) -> Next {
        let before = self.record.before.clone().unwrap_or_default();
        self.record.after = Some(user.clone());
        self.touch();
        let Some(expect) = self.expect.clone() else {
            return self.finish_with_diff(ctx, now, Status::Unknown, None, notes::UNKNOWN_ADVICE);
        };
        if expect.shows(&before, &user) {
            self.findings.write_applied = Some(true);
            self.record.note = Some(notes::UNCLEAR_BUT_APPLIED.into());
            self.record.status = Status::Settling;
            self.stage = Stage::Settle {
                deadline_ms: now + ctx.options.settle_timeout_ms,
                accepted_ms: None,
            };
            return self.settled(ctx, now);
        }
        let window_ends = since_ms.saturating_add(ctx.check_window_ms);
        if sent_ms < window_ends {
            // Not shown yet proves nothing: Entra ID may still be replicating it. The
            // last check read goes exactly when the window ends.
            self.settle_reads += 1;
            let next = (now + settle_delay(self.settle_reads)).min(window_ends);
            return Next::Read {
                at_ms: next.max(now),
            };
        }
        if !expect.absence_is_evidence(&before) {
            return self.finish_with_diff(
                ctx,
                now,
                Status::Unknown,
                None,
                notes::REPROCESS_UNKNOWN_ADVICE,
            );
        }
        // Not applied: a read sent after the window still doesn't show it.
        self.findings.write_applied = Some(false);
        if !self.may_send_again(ctx) {
            return self.finish_with_diff(
                ctx,
                now,
                Status::Failed,
                None,
                notes::NOT_APPLIED_NO_SENDS_LEFT,
            );
        }
        self.record.note = Some(notes::NOT_APPLIED_SENDING_AGAIN.into());
        self.settle_reads = 0;
        // The write is planned again from the user as they are now, which is also what
        // it will change.
        self.record.before = Some(user.clone());
        self.plan_from(ctx, now, &user)
    }

    /// Whether another write may go for this item: within the retry policy's attempts
    /// and the run's [`Options::max_sends`].
    fn may_send_again(&self, ctx: &Ctx) -> bool {
        let sent = self.record.attempts;
        sent < ctx.options.retry.max_attempts
            && ctx.options.max_sends.is_none_or(|most| sent < most)
    }

    fn settled(&mut self, ctx: &Ctx, now: u64) -> Next {
        self.record.error = None;
        self.finish_with_diff(ctx, now, Status::Done, Some(Settlement::Shown), "")
    }

    fn not_shown(&mut self, ctx: &Ctx, now: u64) -> Next {
        let waited = self
            .record
            .times
            .last_sent_ms
            .map(|sent| now.saturating_sub(sent).div_ceil(1000))
            .unwrap_or(0);
        let reprocess = matches!(self.expect, Some(Expectation::Reprocessed));
        let (settlement, note) = if reprocess {
            (
                Settlement::NoVisibleChange,
                format!(
                    "Graph accepted the reprocess request; after {waited} s no license state \
                     has changed. Nothing may have needed fixing, or Entra ID is still \
                     processing: open the user later to check."
                ),
            )
        } else {
            (
                Settlement::NotShownYet,
                format!(
                    "Graph accepted the write, but after {waited} s reads don't show it yet. \
                     Entra ID replicates changes with a delay: open the user later to check."
                ),
            )
        };
        self.record.error = None;
        self.finish_with_diff(ctx, now, Status::Done, Some(settlement), &note)
    }

    fn read_failed(
        &mut self,
        ctx: &mut Ctx,
        now: u64,
        error: &GraphError,
        decision: RetryDecision,
    ) -> Next {
        let retry_in = match decision {
            RetryDecision::RetryAfter { delay_ms } => Some(delay_ms),
            _ => None,
        };
        match self.stage.clone() {
            Stage::Before => match retry_in {
                Some(delay) if ctx.ends_at_ms.is_none_or(|end| now + delay < end) => {
                    Next::Read { at_ms: now + delay }
                }
                _ => self.fail(now, error),
            },
            Stage::Settle { deadline_ms, .. } => {
                if now >= deadline_ms {
                    return self.not_shown(ctx, now);
                }
                // A read that failed leaves a gap: how soon the write showed is no longer
                // measured.
                self.stage = Stage::Settle {
                    deadline_ms,
                    accepted_ms: None,
                };
                self.settle_reads += 1;
                let delay = retry_in.unwrap_or(0).max(settle_delay(self.settle_reads));
                Next::Read { at_ms: now + delay }
            }
            Stage::Check { .. } | Stage::Write | Stage::Final => Next::Final,
        }
    }

    /// A check read got no user back. Throttling, a server error, no answer or a success
    /// whose body can't be read says nothing of the write: read again after
    /// `Retry-After` (or a backoff), however many times it takes, using up nothing. Any
    /// other answer (403, 404, …) is final: the user can't be read to find out. Once the
    /// run is cancelled, nothing waits for it.
    fn check_read_failed(
        &mut self,
        ctx: &mut Ctx,
        now: u64,
        error: &GraphError,
        answer: Answer,
    ) -> Next {
        let no_answer_yet = match answer {
            Answer::Http(response) => {
                response.status == 429 || response.status >= 500 || response.is_success()
            }
            Answer::Dropped | Answer::TimedOut { .. } | Answer::Missing => true,
        };
        if !no_answer_yet || ctx.cancelled {
            self.record.error = Some(ErrorRecord::from(error));
            let note = if no_answer_yet {
                notes::CANCELLED_BEFORE_KNOWN
            } else {
                notes::UNKNOWN_ADVICE
            };
            return self.finish_with_diff(ctx, now, Status::Unknown, None, note);
        }
        let delay = answer.retry_after_ms(now).unwrap_or_else(|| {
            ctx.options
                .retry
                .backoff_ms(self.read_attempts, ctx.rng.unit())
        });
        Next::Read { at_ms: now + delay }
    }

    pub fn on_write(&mut self, ctx: &mut Ctx, now: u64, answer: Answer) -> Next {
        self.in_flight = None;
        self.before_send = None;
        self.touch();
        if let Answer::Http(response) = answer {
            if response.is_success() {
                self.record.status = Status::Settling;
                self.settle_reads = 0;
                self.stage = Stage::Settle {
                    deadline_ms: now + ctx.options.settle_timeout_ms,
                    accepted_ms: Some(now),
                };
                return Next::Read {
                    at_ms: now + settle_delay(0),
                };
            }
        }
        let error = answer.error();
        self.record.error = Some(ErrorRecord::from(&error));
        // In a bulk run throttling is the run's pace, not this user's failure: a 429
        // never uses up the attempts (an absurd Retry-After still ends it).
        let attempts = match &answer {
            Answer::Http(response)
                if response.status == 429 && ctx.options.keep_trying_when_throttled =>
            {
                0
            }
            _ => self.record.attempts,
        };
        let decision =
            ctx.options
                .retry
                .decide(attempts, true, &answer.attempt(), ctx.rng.unit(), now);
        match decision {
            RetryDecision::ReReadFirst => {
                self.record.status = Status::Unknown;
                self.record.note = Some(notes::UNCLEAR_CHECKING.into());
                self.settle_reads = 0;
                self.stage = Stage::Check { since_ms: now };
                let first = answer.retry_after_ms(now).unwrap_or(0).max(settle_delay(0));
                Next::Read {
                    at_ms: now + first.min(ctx.check_window_ms),
                }
            }
            RetryDecision::RetryAfter { delay_ms } => {
                let out_of_time = ctx.ends_at_ms.is_some_and(|end| now + delay_ms >= end);
                if out_of_time
                    || ctx
                        .options
                        .max_sends
                        .is_some_and(|most| self.record.attempts >= most)
                {
                    return self.fail(now, &error);
                }
                let next = self.want_write(ctx, now);
                match next {
                    Next::Write { .. } => Next::Write {
                        at_ms: now + delay_ms,
                    },
                    other => other,
                }
            }
            RetryDecision::Accept | RetryDecision::GiveUp => self.fail(now, &error),
        }
    }

    /// A read sent while this item's write was overdue answered. If it shows the write,
    /// the write was applied, whatever its own answer will say: the item settles. If not,
    /// nothing is known yet, and the write's own answer (or the shell's timeout) decides
    /// what comes next.
    pub fn on_read_beside_write(&mut self, ctx: &Ctx, now: u64, answer: Answer) -> Next {
        let user = match answer {
            Answer::Http(response) if response.is_success() => response.parse::<User>().ok(),
            _ => None,
        };
        let (Some(user), Some(before), Some(expect)) =
            (user, self.record.before.as_ref(), self.expect.as_ref())
        else {
            return Next::Wait;
        };
        if !expect.shows(before, &user) {
            return Next::Wait;
        }
        self.in_flight = None;
        self.before_send = None;
        self.record.after = Some(user);
        self.findings.write_applied = Some(true);
        self.record.note = Some(notes::SLOW_ANSWER_BUT_APPLIED.into());
        self.settled(ctx, now)
    }

    /// The run's time limit is reached: the item ends now. A write Graph accepted is
    /// done; one whose outcome is unknown ends unknown ("check again"), never sent again;
    /// anything else was not applied.
    pub fn time_up(&mut self, ctx: &Ctx, now: u64) -> Next {
        let write_out = self.in_flight == Some(Op::Write);
        self.in_flight = None;
        match self.stage {
            Stage::Final => Next::Final,
            Stage::Settle { .. } => self.not_shown(ctx, now),
            Stage::Check { .. } => {
                self.finish_with_diff(ctx, now, Status::Unknown, None, notes::CHECK_AGAIN)
            }
            Stage::Write if write_out => {
                self.finish_with_diff(ctx, now, Status::Unknown, None, notes::CHECK_AGAIN)
            }
            Stage::Before | Stage::Write => {
                if self.record.error.is_some() {
                    self.finish(now, Status::Failed, None, "")
                } else {
                    self.finish(now, Status::Failed, None, notes::OUT_OF_TIME_NOT_SENT)
                }
            }
        }
    }

    /// A write was due but the item has no request to send: it ends failed, unsent.
    pub fn no_request(&mut self, now: u64) -> Next {
        self.in_flight = None;
        self.finish(now, Status::Failed, None, notes::NO_REQUEST)
    }
}
