//! One group's license change as a pure state machine, in the style of [`crate::ops`].
//!
//! A group license change is accepted at once (`202 Accepted`) and applied to the
//! members later, so "did it work?" takes a series of requests: read the group and its
//! members, plan, send `assignLicense`, follow `licenseProcessingState` until
//! `ProcessingComplete`, then read again and compare. [`GroupChangeRun::step`] takes the
//! time and an [`Event`] and returns [`Effect`]s; the shell sends, sets the one timer and
//! keeps the records.
//!
//! ```text
//! reading group → reading members → planned ─(warnings ticked)→ writing
//!   writing: 2xx → processing;  429/503-with-nothing-applied → same write after the wait;
//!            unclear (5xx, no answer) → verifying: re-read the group; shows the change →
//!            processing; still doesn't after a few reads → the write is sent again
//!   processing: poll the group with backoff until ProcessingComplete (bounded)
//!   → reading members again → finished with the group diff and the member counts
//! ```
//!
//! Rules kept from the engine: a write whose outcome is unknown is re-read, never blindly
//! resent; attempts and waits are bounded; every warning the planner raises must be
//! acknowledged before the write goes out ([`Event::Acknowledge`]).
//!
//! `ProcessingComplete` read right after the write can be the state from before the
//! change (reads lag writes), so it counts only once the run has seen the group queued or
//! in progress, or when the group already shows the intended licenses and
//! [`GroupChangeOptions::settle_ms`] has passed since the write was accepted.

pub mod plan;

pub use plan::{
    group_diff, group_licenses, member_counts, plan_group, GroupDiff, GroupPlan, MemberCounts,
};

use crate::licensing::plan::Change;

use crate::graph::error::GraphError;
use crate::graph::ids::GroupId;
use crate::graph::model::{Group, ODataPage, ProcessingState, User};
use crate::graph::paging::Paging;
use crate::graph::request::{self, GraphEndpoint, GraphRequest};
use crate::graph::response::RawResponse;
use crate::graph::retry::{Attempt, Decision, RetryPolicy};
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::{DirectLicenses, Warning};
use crate::ops::rng::Rng;
use crate::ops::{Outcome, Outgoing, RequestId, Signal};
use serde::{Deserialize, Serialize};

/// How a group change run behaves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupChangeOptions {
    pub retry: RetryPolicy,
    /// First wait before reading `licenseProcessingState`; doubles up to `poll_max_ms`.
    pub poll_first_ms: u64,
    pub poll_max_ms: u64,
    /// Give up following processing after this long (the change stays accepted).
    pub processing_timeout_ms: u64,
    /// How long after acceptance a `ProcessingComplete` counts without a queued state seen.
    pub settle_ms: u64,
    /// Reads after an unclear write that must all not show it before it is sent again.
    pub unclear_reads: u32,
    pub member_page_size: u32,
    pub jitter_seed: u64,
}

impl Default for GroupChangeOptions {
    fn default() -> Self {
        GroupChangeOptions {
            retry: RetryPolicy::default(),
            poll_first_ms: 1_000,
            poll_max_ms: 30_000,
            processing_timeout_ms: 30 * 60_000,
            settle_ms: 10_000,
            unclear_reads: 3,
            member_page_size: 999,
            jitter_seed: 0,
        }
    }
}

/// What the shell tells the run: the executor's signals, and the admin's ticks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Start, a response, the timer, a fresh token, or the admin's Cancel (before the
    /// write it stops the change; after it, the change is followed to its end anyway).
    Signal(Signal),
    /// The admin ticked these warnings.
    Acknowledge(Vec<Warning>),
}

/// Where the run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    ReadingGroup,
    ReadingMembers,
    /// Waiting for the admin to tick the warnings.
    AwaitingAcknowledgement,
    Writing,
    /// The write's outcome is unknown: reading the group to find out.
    Verifying,
    Processing,
    ReadingMembersAfter,
    Finished,
}

/// The run's progress, for the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRecord {
    pub group: GroupId,
    pub phase: Phase,
    pub writes_sent: u32,
    /// When Graph accepted the change (or reads showed it had).
    pub accepted_ms: Option<u64>,
    pub processing: Option<ProcessingState>,
}

/// How the run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ending", rename_all = "camelCase")]
pub enum Ending {
    /// The change was applied and the members re-read.
    Done,
    /// Nothing to send: the group already is as asked.
    NothingToDo,
    /// The planner refused (see the report's plan).
    Refused,
    Cancelled,
    /// Graph refused the change or a read failed for good.
    Failed {
        error: Box<GraphError>,
    },
}

/// Everything the admin sees at the end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReport {
    pub group: GroupId,
    pub ending: Ending,
    pub plan: Option<GroupPlan>,
    pub before: Option<DirectLicenses>,
    pub after: Option<DirectLicenses>,
    pub diff: Option<GroupDiff>,
    pub counts_before: Option<MemberCounts>,
    pub counts_after: Option<MemberCounts>,
    /// False when processing was not seen to complete within the timeout.
    pub processing_complete: bool,
    pub writes_sent: u32,
}

/// What the run asks the shell to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Send(Outgoing),
    /// Deliver [`Signal::Timer`] at or after this time; replaces any earlier wake-up.
    WakeAt(u64),
    Record(GroupRecord),
    /// These warnings must be ticked ([`Event::Acknowledge`]) before anything is sent.
    NeedsAcknowledgement(Vec<Warning>),
    /// Graph answered 401 (the token expired): the run waits, its request kept, until
    /// [`Signal::FreshToken`]. A 401 means Graph did not act on the request.
    AwaitingToken,
    Finished(Box<GroupReport>),
}

/// What the one request in flight is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Group,
    Members,
    Write,
    Verify,
    Poll,
    MembersAfter,
}

/// What the timer is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wake {
    Resend,
    Verify,
    Poll,
}

/// One group's license change.
pub struct GroupChangeRun {
    endpoint: GraphEndpoint,
    group: GroupId,
    changes: Vec<Change>,
    catalog: Catalog,
    options: GroupChangeOptions,
    rng: Rng,
    phase: Phase,
    next_id: u64,
    in_flight: Option<(RequestId, Purpose, GraphRequest)>,
    wake: Option<(u64, Wake)>,
    /// Attempts of the request now being retried.
    attempt: u32,
    paging: Option<Paging>,
    members: Vec<User>,
    before: Option<Group>,
    latest: Option<Group>,
    counts_before: Option<MemberCounts>,
    plan: Option<GroupPlan>,
    acknowledged: Vec<Warning>,
    writes_sent: u32,
    unclear_reads_done: u32,
    accepted_ms: Option<u64>,
    seen_not_complete: bool,
    poll_delay_ms: u64,
    processing: Option<ProcessingState>,
    processing_complete: bool,
    cancelled: bool,
    /// Waiting for a fresh token, the refused request kept in flight.
    awaiting_token: bool,
}

impl GroupChangeRun {
    /// A run for `group` on `endpoint`; `acknowledged` are warnings the admin already
    /// ticked in a preview.
    pub fn new(
        endpoint: GraphEndpoint,
        group: GroupId,
        changes: Vec<Change>,
        catalog: Catalog,
        acknowledged: Vec<Warning>,
        options: GroupChangeOptions,
    ) -> Self {
        GroupChangeRun {
            rng: Rng::new(options.jitter_seed),
            poll_delay_ms: options.poll_first_ms,
            endpoint,
            group,
            changes,
            catalog,
            options,
            phase: Phase::ReadingGroup,
            next_id: 0,
            in_flight: None,
            wake: None,
            attempt: 0,
            paging: None,
            members: Vec::new(),
            before: None,
            latest: None,
            counts_before: None,
            plan: None,
            acknowledged,
            writes_sent: 0,
            unclear_reads_done: 0,
            accepted_ms: None,
            seen_not_complete: false,
            processing: None,
            processing_complete: false,
            cancelled: false,
            awaiting_token: false,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn plan(&self) -> Option<&GroupPlan> {
        self.plan.as_ref()
    }

    /// Advances the run at `now_ms`.
    pub fn step(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        let mut out = Vec::new();
        if self.phase == Phase::Finished {
            return out;
        }
        match event {
            Event::Signal(Signal::Start) => {
                if self.in_flight.is_none() && self.before.is_none() {
                    self.send(
                        &mut out,
                        Purpose::Group,
                        request::group_licenses(&self.group),
                    );
                }
            }
            Event::Signal(Signal::Response { id, outcome }) => {
                let Some((expected, purpose, _)) = &self.in_flight else {
                    return out;
                };
                if *expected != id {
                    return out;
                }
                let purpose = *purpose;
                if outcome == Outcome::NotSent {
                    self.not_sent(&mut out);
                    return out;
                }
                self.on_response(now_ms, purpose, outcome, &mut out);
            }
            Event::Signal(Signal::Timer) => {
                let Some((at, wake)) = self.wake else {
                    return out;
                };
                if now_ms < at {
                    out.push(Effect::WakeAt(at));
                    return out;
                }
                self.wake = None;
                match wake {
                    Wake::Resend => {
                        if let Some((_, purpose, request)) = self.in_flight.take() {
                            self.send(&mut out, purpose, request);
                        }
                    }
                    Wake::Verify => self.send(
                        &mut out,
                        Purpose::Verify,
                        request::group_licenses(&self.group),
                    ),
                    Wake::Poll => self.send(
                        &mut out,
                        Purpose::Poll,
                        request::group_licenses(&self.group),
                    ),
                }
            }
            Event::Signal(Signal::FreshToken) => {
                if std::mem::take(&mut self.awaiting_token) {
                    if let Some((_, purpose, request)) = self.in_flight.take() {
                        self.send(&mut out, purpose, request);
                    }
                }
            }
            Event::Acknowledge(warnings) => {
                for warning in warnings {
                    if !self.acknowledged.contains(&warning) {
                        self.acknowledged.push(warning);
                    }
                }
                if self.phase == Phase::AwaitingAcknowledgement {
                    self.write_if_acknowledged(&mut out);
                }
            }
            Event::Signal(Signal::Cancel)
                if self.awaiting_token && self.phase == Phase::Writing =>
            {
                // Graph refused the write with 401: nothing was applied.
                self.awaiting_token = false;
                self.in_flight = None;
                self.finish(&mut out, Ending::Cancelled);
            }
            // A group change keeps no journal: nothing waits on one.
            Event::Signal(Signal::JournalNotSaved) => {}
            Event::Signal(Signal::Cancel) => {
                self.cancelled = true;
                if matches!(
                    self.phase,
                    Phase::ReadingGroup | Phase::ReadingMembers | Phase::AwaitingAcknowledgement
                ) {
                    self.in_flight = None;
                    self.wake = None;
                    self.finish(&mut out, Ending::Cancelled);
                }
            }
        }
        out
    }

    /// The shell did not send the request in flight: a write not sent after a cancel
    /// ends the run cancelled; otherwise the same request is asked for again.
    fn not_sent(&mut self, out: &mut Vec<Effect>) {
        let Some((_, purpose, request)) = self.in_flight.take() else {
            return;
        };
        if purpose == Purpose::Write {
            self.writes_sent = self.writes_sent.saturating_sub(1);
        }
        if self.cancelled && purpose == Purpose::Write {
            self.wake = None;
            return self.finish(out, Ending::Cancelled);
        }
        self.send(out, purpose, request);
    }

    fn send(&mut self, out: &mut Vec<Effect>, purpose: Purpose, request: GraphRequest) {
        self.next_id += 1;
        let id = RequestId(self.next_id);
        if purpose == Purpose::Write {
            self.writes_sent += 1;
        }
        self.in_flight = Some((id, purpose, request.clone()));
        out.push(Effect::Send(Outgoing { id, request }));
    }

    fn record(&self, out: &mut Vec<Effect>) {
        out.push(Effect::Record(GroupRecord {
            group: self.group.clone(),
            phase: self.phase,
            writes_sent: self.writes_sent,
            accepted_ms: self.accepted_ms,
            processing: self.processing.clone(),
        }));
    }

    fn set_phase(&mut self, phase: Phase, out: &mut Vec<Effect>) {
        if self.phase != phase {
            self.phase = phase;
            self.record(out);
        }
    }

    fn wake_at(&mut self, at: u64, wake: Wake, out: &mut Vec<Effect>) {
        self.wake = Some((at, wake));
        out.push(Effect::WakeAt(at));
    }

    fn on_response(
        &mut self,
        now_ms: u64,
        purpose: Purpose,
        outcome: Outcome,
        out: &mut Vec<Effect>,
    ) {
        let answer = match &outcome {
            Outcome::Answered(response) => Some(response.clone()),
            Outcome::Dropped | Outcome::TimedOut { .. } | Outcome::NotSent => None,
        };
        if answer
            .as_ref()
            .is_some_and(|response| response.status == 401)
        {
            // Kept in flight so the fresh token resends exactly this request.
            self.awaiting_token = true;
            out.push(Effect::AwaitingToken);
            return;
        }
        self.attempt += 1;
        let is_write = purpose == Purpose::Write;
        let attempt = match &answer {
            Some(response) => Attempt::Answered {
                status: response.status,
                retry_after: response.header("Retry-After"),
            },
            None => Attempt::NoAnswer,
        };
        let jitter = self.rng.unit();
        match self
            .options
            .retry
            .decide(self.attempt, is_write, &attempt, jitter, now_ms)
        {
            Decision::RetryAfter { delay_ms } => {
                // Kept in flight so the timer resends exactly this request.
                return self.wake_at(now_ms + delay_ms, Wake::Resend, out);
            }
            Decision::ReReadFirst => {
                self.in_flight = None;
                self.attempt = 0;
                self.unclear_reads_done = 0;
                self.set_phase(Phase::Verifying, out);
                let request = request::group_licenses(&self.group);
                return self.send(out, Purpose::Verify, request);
            }
            Decision::GiveUp | Decision::Accept => {}
        }
        self.in_flight = None;
        self.attempt = 0;
        let response = match answer {
            Some(response) if response.is_success() => response,
            Some(response) => return self.fail(GraphError::from_response(&response), out),
            None => return self.fail(GraphError::network("no answer"), out),
        };
        match purpose {
            Purpose::Group => match response.parse::<Group>() {
                Ok(group) => {
                    self.before = Some(group);
                    self.set_phase(Phase::ReadingMembers, out);
                    self.members.clear();
                    let first =
                        request::group_member_states(&self.group, self.options.member_page_size);
                    self.paging = Some(Paging::start(self.endpoint.clone(), &first));
                    self.send(out, Purpose::Members, first);
                }
                Err(error) => self.fail(error, out),
            },
            Purpose::Members | Purpose::MembersAfter => {
                self.on_members_page(&response, purpose, out)
            }
            Purpose::Write => self.accepted(now_ms, out),
            Purpose::Verify => match response.parse::<Group>() {
                Ok(group) => self.on_verify(now_ms, group, out),
                Err(error) => self.fail(error, out),
            },
            Purpose::Poll => match response.parse::<Group>() {
                Ok(group) => self.on_poll(now_ms, group, out),
                Err(error) => self.fail(error, out),
            },
        }
    }

    fn on_members_page(&mut self, response: &RawResponse, purpose: Purpose, out: &mut Vec<Effect>) {
        let page: ODataPage<User> = match response.parse() {
            Ok(page) => page,
            Err(error) => return self.fail(error, out),
        };
        self.members.extend(page.value);
        let next = self
            .paging
            .as_mut()
            .map(|paging| paging.follow(page.next_link.as_deref(), response.header("request-id")));
        match next {
            Some(Ok(Some(request))) => return self.send(out, purpose, request),
            Some(Err(error)) => return self.fail(error, out),
            _ => {}
        }
        if purpose == Purpose::MembersAfter {
            return self.finish(out, Ending::Done);
        }
        let group = self.before.clone().unwrap_or_default();
        let licenses = group_licenses(&group);
        self.counts_before = Some(member_counts(&self.group, &licenses, &self.members));
        let plan = plan_group(&group, &self.members, &self.catalog, &self.changes);
        self.plan = Some(plan.clone());
        if !plan.refusals.is_empty() {
            return self.finish(out, Ending::Refused);
        }
        if plan.body.is_none() {
            return self.finish(out, Ending::NothingToDo);
        }
        self.set_phase(Phase::AwaitingAcknowledgement, out);
        self.write_if_acknowledged(out);
    }

    fn write_if_acknowledged(&mut self, out: &mut Vec<Effect>) {
        let Some(plan) = &self.plan else {
            return;
        };
        let missing: Vec<Warning> = plan
            .warnings
            .iter()
            .filter(|w| w.needs_ack() && !self.acknowledged.contains(w))
            .cloned()
            .collect();
        let Some(body) = plan.body.clone() else {
            return;
        };
        if !missing.is_empty() {
            out.push(Effect::NeedsAcknowledgement(missing));
            return;
        }
        if self.cancelled {
            return self.finish(out, Ending::Cancelled);
        }
        self.set_phase(Phase::Writing, out);
        self.send(
            out,
            Purpose::Write,
            request::group_assign_license(&self.group, &body),
        );
    }

    fn intended_shown(&self, group: &Group) -> bool {
        self.plan
            .as_ref()
            .is_some_and(|plan| group_licenses(group) == plan.intended)
    }

    fn accepted(&mut self, now_ms: u64, out: &mut Vec<Effect>) {
        self.accepted_ms = Some(now_ms);
        self.poll_delay_ms = self.options.poll_first_ms;
        self.set_phase(Phase::Processing, out);
        let at = now_ms + self.poll_delay_ms;
        self.wake_at(at, Wake::Poll, out);
    }

    fn on_verify(&mut self, now_ms: u64, group: Group, out: &mut Vec<Effect>) {
        if self.intended_shown(&group) {
            return self.accepted(now_ms, out);
        }
        self.unclear_reads_done += 1;
        if self.unclear_reads_done < self.options.unclear_reads {
            let delay = self
                .options
                .retry
                .backoff_ms(self.unclear_reads_done, self.rng.unit());
            return self.wake_at(now_ms + delay, Wake::Verify, out);
        }
        // Reads keep not showing it: the write was not applied; send it once more,
        // within the attempt bound.
        if self.writes_sent >= self.options.retry.max_attempts {
            return self.fail(
                GraphError::network("the change could not be confirmed"),
                out,
            );
        }
        self.unclear_reads_done = 0;
        self.set_phase(Phase::Writing, out);
        let body = self
            .plan
            .as_ref()
            .and_then(|p| p.body.clone())
            .expect("planned");
        self.send(
            out,
            Purpose::Write,
            request::group_assign_license(&self.group, &body),
        );
    }

    fn on_poll(&mut self, now_ms: u64, group: Group, out: &mut Vec<Effect>) {
        let state = group
            .license_processing_state
            .as_ref()
            .map(|p| p.state.clone());
        let complete = state == Some(ProcessingState::ProcessingComplete);
        let accepted = self.accepted_ms.unwrap_or(now_ms);
        if !complete {
            self.seen_not_complete = true;
        }
        self.processing = state;
        self.latest = Some(group.clone());
        self.record(out);
        let settled = self.intended_shown(&group)
            && (self.seen_not_complete || now_ms >= accepted + self.options.settle_ms);
        if complete && settled {
            self.processing_complete = true;
            return self.read_members_after(out);
        }
        if state_failed(&self.processing) || now_ms >= accepted + self.options.processing_timeout_ms
        {
            return self.read_members_after(out);
        }
        self.poll_delay_ms = (self.poll_delay_ms * 2).min(self.options.poll_max_ms);
        let at = now_ms + self.poll_delay_ms;
        self.wake_at(at, Wake::Poll, out);
    }

    fn read_members_after(&mut self, out: &mut Vec<Effect>) {
        self.set_phase(Phase::ReadingMembersAfter, out);
        self.members.clear();
        let first = request::group_member_states(&self.group, self.options.member_page_size);
        self.paging = Some(Paging::start(self.endpoint.clone(), &first));
        self.send(out, Purpose::MembersAfter, first);
    }

    fn fail(&mut self, error: GraphError, out: &mut Vec<Effect>) {
        self.finish(
            out,
            Ending::Failed {
                error: Box::new(error),
            },
        );
    }

    fn finish(&mut self, out: &mut Vec<Effect>, ending: Ending) {
        let before = self.before.as_ref().map(group_licenses);
        let after = match (&ending, &self.latest) {
            (Ending::Done, Some(group)) => Some(group_licenses(group)),
            _ => None,
        };
        let counts_after = (ending == Ending::Done).then(|| {
            let licenses = after.clone().unwrap_or_default();
            member_counts(&self.group, &licenses, &self.members)
        });
        let diff = match (&before, &after) {
            (Some(before), Some(after)) => Some(group_diff(before, after)),
            _ => None,
        };
        self.set_phase(Phase::Finished, out);
        self.wake = None;
        out.push(Effect::Finished(Box::new(GroupReport {
            group: self.group.clone(),
            ending,
            plan: self.plan.clone(),
            before,
            after,
            diff,
            counts_before: self.counts_before,
            counts_after,
            processing_complete: self.processing_complete,
            writes_sent: self.writes_sent,
        })));
    }
}

fn state_failed(state: &Option<ProcessingState>) -> bool {
    *state == Some(ProcessingState::ProcessingFailed)
}

impl crate::ops::Workflow for GroupChangeRun {
    type Event = Event;
    type Effect = Effect;

    /// A 401 pauses a group change as it does a bulk run: a fresh token resumes it.
    fn event(signal: Signal) -> Option<Event> {
        match signal {
            Signal::JournalNotSaved => None,
            signal => Some(Event::Signal(signal)),
        }
    }

    fn step(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        GroupChangeRun::step(self, now_ms, event)
    }

    fn duty(effect: &Effect) -> crate::ops::Duty<'_> {
        use crate::ops::Duty;
        match effect {
            Effect::Send(outgoing) => Duty::Send(outgoing),
            Effect::WakeAt(at) => Duty::WakeAt(*at),
            Effect::Record(_) => Duty::Record,
            Effect::Finished(_) => Duty::Finished,
            Effect::NeedsAcknowledgement(_) => Duty::Show,
            Effect::AwaitingToken => Duty::AwaitToken,
        }
    }

    fn is_finished(&self) -> bool {
        self.phase == Phase::Finished
    }
}
