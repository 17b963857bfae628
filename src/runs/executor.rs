//! The one loop that carries out the core's workflows in the browser.
//!
//! Every write License Desk makes is a step of a [`Workflow`] of the core: a bulk run, a
//! single user's change (a run of one) or a group's license change. This module performs
//! what a workflow asks—send a request through [`crate::transport`], wake it with a timer,
//! make its records durable before the sends that follow them—and feeds the answers back
//! as events. It holds no retry, settle or batching logic of its own: that is all in the
//! core. It is the only module that sends writes (`scripts/test.sh` checks that).
//!
//! Events are handled one at a time, to completion: an event that arrives while another
//! is being handled (an observer that presses Cancel, say) waits in a mailbox until the
//! effects of the first are carried out. No borrow of the workflow is held while an
//! observer runs, so an observer may call back in.
//!
//! A run belongs to the tenant it started in. Each request takes the credentials at the
//! moment it goes out, and only while the session is still in the run's epoch
//! ([`Session::credentials_in`]): after signing out or into another tenant the run sends
//! nothing more, not even what it asked for before, and its answers are dropped unseen.
//! A 401 pauses the run; the fresh token the admin pastes resumes it ([`fresh_token`]).
//!
//! With a journal, a step's sends wait for its records to be saved ([`Barrier`]). When
//! their turn comes each is checked again: the run's tenant may have been left (nothing
//! goes), or the workflow may no longer want it, cancelled or paused meanwhile
//! ([`Workflow::may_send`]). A save that fails pauses the workflow
//! ([`Signal::JournalNotSaved`]). A send that does not go is answered
//! [`Outcome::NotSent`], so no write leaves the browser that the saved journal doesn't
//! know about, or after a cancel.

use crate::transport::session::{Connection, Session, ThrottleWait};
use leptos::prelude::*;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::activity::LogEntry;
use license_desk_core::graph::error::{ErrorKind, GraphError};
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::ops::{Duty, Outcome, Outgoing, RequestId, Signal, Workflow};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// Makes the journal durable: awaited after a step's records were handed to the
/// observer and before that step's requests go out, so a closed tab never leaves a write
/// sent that the saved journal doesn't know about. `Err` says why it could not be saved
/// (the run then pauses, and nothing held back goes out).
pub type Barrier = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>>>>>;

/// Where a run's throttling waits are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Countdown {
    /// The page-wide notice, whose "Stop waiting" cancels what was not sent.
    PageWide,
    /// Only where the run is shown ([`RunHandle::throttled_until`]).
    OnItsScreen,
}

/// How a workflow is carried out besides its own logic.
pub struct Launch {
    pub countdown: Countdown,
    /// Awaited before each step's requests are sent, when the run's journal is saved.
    pub barrier: Option<Barrier>,
}

impl Launch {
    /// A run whose throttling shows page-wide, with no saved journal.
    pub fn page_wide() -> Self {
        Launch {
            countdown: Countdown::PageWide,
            barrier: None,
        }
    }

    /// A run shown on its own screen, with no saved journal.
    pub fn on_its_screen() -> Self {
        Launch {
            countdown: Countdown::OnItsScreen,
            barrier: None,
        }
    }

    /// A run shown on its own screen whose requests wait for `barrier` (its journal
    /// saved) before they go out.
    pub fn on_its_screen_saving_first(barrier: Barrier) -> Self {
        Launch {
            countdown: Countdown::OnItsScreen,
            barrier: Some(barrier),
        }
    }
}

/// Whoever shows a workflow: sees every effect after it is carried out.
type Observer<W> = Rc<dyn Fn(&<W as Workflow>::Effect)>;

struct Inner<W: Workflow> {
    workflow: RefCell<W>,
    session: Session,
    /// The session epoch the run started in; a later epoch means another tenant.
    epoch: u64,
    observer: Observer<W>,
    timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    /// Events waiting for the one being handled to finish.
    mailbox: RefCell<VecDeque<W::Event>>,
    /// An event is being handled (its effects carried out).
    handling: Cell<bool>,
    /// Whether a throttling countdown is on screen for this run.
    counting_down: Cell<bool>,
    launch: Launch,
}

/// A workflow in progress. Cloning shares it.
pub struct RunHandle<W: Workflow + 'static>(Rc<Inner<W>>);

impl<W: Workflow + 'static> Clone for RunHandle<W> {
    fn clone(&self) -> Self {
        RunHandle(Rc::clone(&self.0))
    }
}

thread_local! {
    /// Runs paused until the admin pastes a fresh token, each as the call that resumes it.
    static AWAITING_TOKEN: RefCell<Vec<Box<dyn Fn()>>> = const { RefCell::new(Vec::new()) };
}

/// Resumes every run that paused on a 401; called once a fresh token is in place.
pub fn fresh_token() {
    let waiting = AWAITING_TOKEN.with(|runs| std::mem::take(&mut *runs.borrow_mut()));
    for resume in waiting {
        resume();
    }
}

impl<W: Workflow + 'static> RunHandle<W> {
    /// Starts `workflow` for the current tenant; `observer` sees each effect after it is
    /// carried out.
    pub fn start(
        session: Session,
        workflow: W,
        observer: impl Fn(&W::Effect) + 'static,
        launch: Launch,
    ) -> Self {
        let handle = RunHandle(Rc::new(Inner {
            workflow: RefCell::new(workflow),
            session,
            epoch: session.epoch(),
            observer: Rc::new(observer),
            timer: RefCell::new(None),
            mailbox: RefCell::new(VecDeque::new()),
            handling: Cell::new(false),
            counting_down: Cell::new(false),
            launch,
        }));
        handle.signal(Signal::Start);
        handle
    }

    /// An event of the workflow's own (Pause, Resume, Cancel, an acknowledgement…).
    pub fn send(&self, event: W::Event) {
        self.feed(event);
    }

    /// Reads the workflow as it is now.
    pub fn with<R>(&self, read: impl FnOnce(&W) -> R) -> R {
        read(&self.0.workflow.borrow())
    }

    pub fn is_finished(&self) -> bool {
        self.with(W::is_finished)
    }

    /// Until when Graph's throttling holds the run back (Unix ms).
    pub fn throttled_until(&self) -> u64 {
        self.with(W::throttled_until)
    }

    /// Whether the run belongs to a tenant the admin has left.
    pub fn is_stale(&self) -> bool {
        self.0.session.epoch() != self.0.epoch
    }

    fn signal(&self, signal: Signal) {
        if let Some(event) = W::event(signal) {
            self.feed(event);
        }
    }

    /// Handles `event`, or queues it when another event is being handled.
    fn feed(&self, event: W::Event) {
        if self.is_stale() {
            return;
        }
        self.0.mailbox.borrow_mut().push_back(event);
        if self.0.handling.replace(true) {
            return; // The event being handled drains the mailbox when it is done.
        }
        loop {
            let next = self.0.mailbox.borrow_mut().pop_front();
            let Some(event) = next else {
                break;
            };
            if self.is_stale() {
                self.0.mailbox.borrow_mut().clear();
                break;
            }
            let effects = self
                .0
                .workflow
                .borrow_mut()
                .step(crate::browser::now_ms(), event);
            self.carry_out(effects);
        }
        self.0.handling.set(false);
        self.show_throttling();
    }

    /// Performs `effects` in order and shows each; with a journal, the sends wait until
    /// the records before them are saved.
    fn carry_out(&self, effects: Vec<W::Effect>) {
        let journaled = self.0.launch.barrier.is_some();
        let mut held = Vec::new();
        for effect in effects {
            if journaled && matches!(W::duty(&effect), Duty::Send(_)) {
                held.push(effect);
                continue;
            }
            self.perform(&effect);
            self.show(&effect);
        }
        let Some(barrier) = self.0.launch.barrier.clone().filter(|_| !held.is_empty()) else {
            return;
        };
        let handle = self.clone();
        leptos::task::spawn_local(async move {
            let saved = barrier().await;
            handle.release(held, saved);
        });
    }

    /// The sends held back for the journal, once it was saved (or not): each goes only if
    /// the run's tenant is still the session's and the workflow still wants it; the
    /// others are answered [`Outcome::NotSent`]. When the journal was not saved, none goes
    /// and the workflow pauses first.
    fn release(&self, held: Vec<W::Effect>, saved: Result<(), String>) {
        if self.is_stale() {
            return; // The tenant was left: the run is over, and nothing more goes out.
        }
        if saved.is_err() {
            self.signal(Signal::JournalNotSaved);
        }
        let mut not_sent = Vec::new();
        for effect in held {
            let Duty::Send(&Outgoing { id, .. }) = W::duty(&effect) else {
                continue;
            };
            if saved.is_ok() && !self.is_stale() && self.with(|workflow| workflow.may_send(id)) {
                self.perform(&effect);
                self.show(&effect);
            } else {
                not_sent.push(id);
            }
        }
        for id in not_sent {
            self.signal(Signal::Response {
                id,
                outcome: Outcome::NotSent,
            });
        }
    }

    /// Hands `effect` to the observer, holding no borrow while it runs.
    fn show(&self, effect: &W::Effect) {
        let observer = Rc::clone(&self.0.observer);
        observer(effect);
    }

    fn perform(&self, effect: &W::Effect) {
        match W::duty(effect) {
            Duty::Send(&Outgoing { id, ref request }) => {
                // The credentials are taken now, for the run's own tenant only.
                let Some(credentials) = self.0.session.credentials_in(self.0.epoch) else {
                    return; // Signed out or into another tenant: nothing more goes out.
                };
                let handle = self.clone();
                let request = request.clone();
                leptos::task::spawn_local(async move {
                    handle.exchange(id, request, credentials).await
                });
            }
            Duty::WakeAt(at) => {
                let delay = at.saturating_sub(crate::browser::now_ms());
                let handle = self.clone();
                let timer = gloo_timers::callback::Timeout::new(
                    u32::try_from(delay).unwrap_or(u32::MAX),
                    move || handle.signal(Signal::Timer),
                );
                // Replacing the handle cancels the earlier wake-up.
                *self.0.timer.borrow_mut() = Some(timer);
            }
            Duty::AwaitToken => {
                let handle = self.clone();
                AWAITING_TOKEN.with(|runs| {
                    runs.borrow_mut()
                        .push(Box::new(move || handle.signal(Signal::FreshToken)))
                });
            }
            Duty::Finished => {
                *self.0.timer.borrow_mut() = None;
            }
            Duty::Record | Duty::Show => {}
        }
    }

    /// Sends one request of the run, logs it, and feeds the answer back.
    async fn exchange(
        &self,
        id: RequestId,
        request: GraphRequest,
        credentials: (Connection, AccessToken),
    ) {
        let session = self.0.session;
        if let Some(outcome) =
            exchange_logged(session, credentials, &request, || self.is_stale()).await
        {
            self.signal(Signal::Response { id, outcome });
        }
    }

    /// While Graph's throttling holds the run back, shows the page-wide countdown; "Stop
    /// waiting" cancels what was not sent, and the pending changes stay.
    fn show_throttling(&self) {
        if self.0.counting_down.get() || self.0.launch.countdown == Countdown::OnItsScreen {
            return;
        }
        let until = self.throttled_until();
        if self.is_finished() || until <= crate::browser::now_ms() {
            return;
        }
        self.0.counting_down.set(true);
        let session = self.0.session;
        session.stop_waiting.set(false);
        let handle = self.clone();
        leptos::task::spawn_local(async move {
            loop {
                let (until, finished) = (handle.throttled_until(), handle.is_finished());
                let now = crate::browser::now_ms();
                if finished || until <= now || handle.is_stale() {
                    break;
                }
                if session.stop_waiting.get_untracked() {
                    session.stop_waiting.set(false);
                    handle.signal(Signal::Cancel);
                    break;
                }
                session.throttle.set(Some(ThrottleWait {
                    seconds_left: (until - now).div_ceil(1000),
                    reason: "Graph is throttling requests".into(),
                }));
                gloo_timers::future::TimeoutFuture::new(250).await;
            }
            session.throttle.set(None);
            handle.0.counting_down.set(false);
        });
    }
}

/// Sends one request with the run's `credentials`, logs it and returns what became of
/// it; `None` when `is_stale` says the run's tenant was left, before it went out or
/// while it was out.
async fn exchange_logged(
    session: Session,
    (connection, token): (Connection, AccessToken),
    request: &GraphRequest,
    is_stale: impl Fn() -> bool,
) -> Option<Outcome> {
    if is_stale() {
        return None;
    }
    let started = crate::browser::now_ms();
    let result = crate::transport::execute(&connection, request, &token).await;
    if is_stale() {
        return None;
    }
    let duration_ms = crate::browser::now_ms().saturating_sub(started);
    session.record(LogEntry {
        seq: 0,
        at: crate::browser::clock(),
        method: request.method.as_str(),
        path: request.path.clone(),
        status: result.as_ref().ok().map(|r| r.status),
        request_id: result
            .as_ref()
            .ok()
            .and_then(|r| r.header("request-id").map(str::to_string)),
        duration_ms,
        note: result.as_ref().err().map(|e| e.message.clone()),
    });
    let outcome = match result {
        Ok(response) => {
            if response.status == 401 {
                session
                    .needs_token
                    .set(Some(GraphError::from_response(&response)));
            }
            Outcome::Answered(response)
        }
        Err(error) if error.kind == ErrorKind::Timeout => Outcome::TimedOut {
            after_ms: crate::transport::timeout_seconds(&connection) * 1000,
        },
        Err(_) => Outcome::Dropped,
    };
    Some(outcome)
}
