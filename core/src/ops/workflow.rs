//! What every multi-step workflow shares with the one loop that carries it out.
//!
//! A bulk run ([`super::Run`]), a single user's change (a run of one) and a group's
//! license change ([`crate::groups::change::GroupChangeRun`]) are all sans-IO state
//! machines: an event goes in at a time, effects come out. The shell's executor drives
//! any of them the same way through this trait: it sends what [`Duty::Send`] asks (each
//! answer goes back as [`Signal::Response`]), keeps one timer for [`Duty::WakeAt`], makes
//! [`Duty::Record`]s durable before the sends that follow them, pauses on
//! [`Duty::AwaitToken`], and hands every effect to whoever shows the workflow.

use super::{Effect, Event, Outcome, PauseReason, RequestId, Run};
use crate::graph::request::GraphRequest;

/// What the executor tells a workflow, whatever kind it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    Start,
    /// The timer asked for with [`Duty::WakeAt`] went off.
    Timer,
    /// What became of request `id`.
    Response {
        id: RequestId,
        outcome: Outcome,
    },
    /// A fresh token is in place after [`Duty::AwaitToken`].
    FreshToken,
    /// The admin stopped waiting: nothing more is sent that was not sent already.
    Cancel,
    /// The records before the held requests could not be made durable: the workflow
    /// sends nothing more until the admin resumes it; the held requests come back as
    /// [`Outcome::NotSent`].
    JournalNotSaved,
}

/// A request a workflow asks to have sent, and the id its answer must come back with
/// ([`Signal::Response`]). Every kind of workflow asks for its sends in this one shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub id: RequestId,
    pub request: GraphRequest,
}

/// What the executor must do with one effect.
#[derive(Debug, PartialEq)]
pub enum Duty<'a> {
    /// Send the request with the current token and answer with [`Signal::Response`].
    Send(&'a Outgoing),
    /// Deliver [`Signal::Timer`] at or after this time (Unix ms); replaces an earlier one.
    WakeAt(u64),
    /// A record of the work changed: make it durable before later sends go out.
    Record,
    /// Graph answered 401: send nothing more until [`Signal::FreshToken`].
    AwaitToken,
    /// The workflow is over; nothing more will come.
    Finished,
    /// Only for whoever shows the workflow.
    Show,
}

/// A sans-IO workflow the executor can drive.
pub trait Workflow {
    type Event;
    type Effect;

    /// The workflow's own event for a signal of the executor's, if it takes it.
    fn event(signal: Signal) -> Option<Self::Event>;

    /// Advances the workflow at `now_ms` by one event.
    fn step(&mut self, now_ms: u64, event: Self::Event) -> Vec<Self::Effect>;

    /// What the executor must do with `effect`.
    fn duty(effect: &Self::Effect) -> Duty<'_>;

    fn is_finished(&self) -> bool;

    /// Whether request `id`, held back since the workflow asked for it (while its records
    /// were saved), may still go out. When not, the executor answers it
    /// [`Outcome::NotSent`] instead of sending it.
    fn may_send(&self, id: RequestId) -> bool {
        let _ = id;
        true
    }

    /// Until when Graph's throttling holds requests back (Unix ms; 0 if it never did).
    fn throttled_until(&self) -> u64 {
        0
    }
}

impl Workflow for Run {
    type Event = Event;
    type Effect = Effect;

    fn event(signal: Signal) -> Option<Event> {
        Some(match signal {
            Signal::Start => Event::Start,
            Signal::Timer => Event::Timer,
            Signal::Response { id, outcome } => Event::Response { id, outcome },
            Signal::FreshToken => Event::FreshToken,
            Signal::Cancel => Event::Cancel,
            Signal::JournalNotSaved => Event::JournalNotSaved,
        })
    }

    fn step(&mut self, now_ms: u64, event: Event) -> Vec<Effect> {
        Run::step(self, now_ms, event)
    }

    fn duty(effect: &Effect) -> Duty<'_> {
        match effect {
            Effect::Send(outgoing) => Duty::Send(outgoing),
            Effect::WakeAt(at) => Duty::WakeAt(*at),
            Effect::Record(_) | Effect::ItemFinished(_) => Duty::Record,
            Effect::Paused(PauseReason::NeedsToken) => Duty::AwaitToken,
            Effect::Paused(PauseReason::ByAdmin | PauseReason::JournalNotSaved) => Duty::Show,
            Effect::Finished(_) => Duty::Finished,
        }
    }

    fn is_finished(&self) -> bool {
        Run::is_finished(self)
    }

    fn may_send(&self, id: RequestId) -> bool {
        Run::may_send(self, id)
    }

    fn throttled_until(&self) -> u64 {
        Run::throttled_until(self)
    }
}
