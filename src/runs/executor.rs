//! The one loop that carries out the operations engine's effects in the browser.
//!
//! Every write License Desk makes is a [`Run`] of the pure engine in the core, or a
//! group license change ([`GroupChangeRun`], carried out by [`GroupRunHandle`]). This
//! module performs what the engine asks—send a request through [`crate::transport`],
//! wake it with a timer—and feeds the answers back as events. It holds no retry, settle
//! or batching logic of its own: that is all in `license_desk_core::ops`. It is the only
//! module that sends writes (`scripts/test.sh` checks that).
//!
//! A run belongs to the tenant it started in. After signing out or into another tenant
//! its answers are dropped unseen and it sends nothing more. A 401 pauses the run; the
//! fresh token the admin pastes resumes it ([`fresh_token`]).

use crate::transport::session::{Session, ThrottleWait};
use leptos::prelude::*;
use license_desk_core::graph::activity::LogEntry;
use license_desk_core::graph::error::{ErrorKind, GraphError};
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::groups::change::{self as group_change, GroupChangeRun};
use license_desk_core::ops::{
    Effect, Event, JournalRecord, Outcome, PauseReason, RequestId, Run, Summary,
};
use std::cell::RefCell;
use std::rc::Rc;

/// What the shell shows of a run: every effect is passed to it after it is carried out.
pub type Observer = Box<dyn Fn(&Effect)>;

/// Makes the journal durable: awaited after a step's records were handed to the
/// observer and before that step's requests go out, so a closed tab never leaves a write
/// sent that the saved journal doesn't know about.
pub type Barrier = Rc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>>;

struct Inner {
    run: Run,
    session: Session,
    /// The session epoch the run started in; a later epoch means another tenant.
    epoch: u64,
    observer: Observer,
    timer: Option<gloo_timers::callback::Timeout>,
    /// Whether a throttling countdown is on screen for this run.
    counting_down: bool,
    /// Awaited before each step's requests are sent, when the run's journal is saved.
    barrier: Option<Barrier>,
    /// Whether Graph's throttling shows as the page-wide countdown with "Stop waiting".
    /// A bulk run shows it on its own screen instead: throttling is its normal pace.
    countdown: Countdown,
}

/// Where a run's throttling waits are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Countdown {
    /// The page-wide notice, whose "Stop waiting" cancels what was not sent.
    PageWide,
    /// Only where the run is shown ([`RunHandle::throttled_until`]).
    OnItsScreen,
}

/// A run in progress. Cloning shares it.
#[derive(Clone)]
pub struct RunHandle(Rc<RefCell<Inner>>);

thread_local! {
    /// Runs paused until the admin pastes a fresh token.
    static AWAITING_TOKEN: RefCell<Vec<RunHandle>> = const { RefCell::new(Vec::new()) };
}

/// Resumes every run that paused on a 401; called once a fresh token is in place.
pub fn fresh_token() {
    let waiting = AWAITING_TOKEN.with(|runs| std::mem::take(&mut *runs.borrow_mut()));
    for handle in waiting {
        handle.feed(Event::FreshToken);
    }
}

impl RunHandle {
    /// Starts `run` for the current tenant; `observer` sees each effect.
    pub fn start(session: Session, run: Run, observer: Observer) -> RunHandle {
        Self::start_with(session, run, observer, Countdown::PageWide)
    }

    /// Starts `run`, showing its throttling waits as `countdown` says.
    pub fn start_with(
        session: Session,
        run: Run,
        observer: Observer,
        countdown: Countdown,
    ) -> RunHandle {
        Self::launch(session, run, observer, countdown, None)
    }

    /// Starts `run` whose journal is saved as it goes: each step's records reach the
    /// observer, `barrier` makes them durable, and only then are its requests sent.
    pub fn start_journaled(
        session: Session,
        run: Run,
        observer: Observer,
        countdown: Countdown,
        barrier: Barrier,
    ) -> RunHandle {
        Self::launch(session, run, observer, countdown, Some(barrier))
    }

    fn launch(
        session: Session,
        run: Run,
        observer: Observer,
        countdown: Countdown,
        barrier: Option<Barrier>,
    ) -> RunHandle {
        let handle = RunHandle(Rc::new(RefCell::new(Inner {
            run,
            session,
            epoch: session.epoch(),
            observer,
            timer: None,
            counting_down: false,
            barrier,
            countdown,
        })));
        handle.feed(Event::Start);
        handle
    }

    /// Pause, Resume or Cancel, as the admin asks.
    pub fn send(&self, event: Event) {
        self.feed(event);
    }

    /// The run's totals now.
    pub fn summary(&self) -> Summary {
        self.0.borrow().run.summary(crate::browser::now_ms())
    }

    /// Until when Graph's throttling holds the run back (Unix ms).
    pub fn throttled_until(&self) -> u64 {
        self.0.borrow().run.throttled_until()
    }

    pub fn pause_reason(&self) -> Option<PauseReason> {
        self.0.borrow().run.pause_reason()
    }

    pub fn is_finished(&self) -> bool {
        self.0.borrow().run.is_finished()
    }

    /// Every item's journal record, in run order.
    pub fn journal(&self) -> Vec<JournalRecord> {
        self.0.borrow().run.journal()
    }

    /// Whether the run belongs to a tenant the admin has left.
    pub fn is_stale(&self) -> bool {
        let inner = self.0.borrow();
        inner.session.epoch() != inner.epoch
    }

    fn feed(&self, event: Event) {
        if self.is_stale() {
            return;
        }
        let effects = self
            .0
            .borrow_mut()
            .run
            .step(crate::browser::now_ms(), event);
        let barrier = self.0.borrow().barrier.clone();
        let mut held = Vec::new();
        for effect in effects {
            if barrier.is_some() && matches!(effect, Effect::Send { .. }) {
                held.push(effect);
                continue;
            }
            self.perform(&effect);
            (self.0.borrow().observer)(&effect);
        }
        if let (Some(barrier), false) = (barrier, held.is_empty()) {
            let handle = self.clone();
            leptos::task::spawn_local(async move {
                barrier().await;
                for effect in held {
                    handle.perform(&effect);
                    (handle.0.borrow().observer)(&effect);
                }
            });
        }
        self.show_throttling();
    }

    /// While Graph's throttling holds the run back, shows the countdown; "Stop waiting"
    /// cancels what was not sent, and the pending changes stay.
    fn show_throttling(&self) {
        let (until, session, finished) = {
            let inner = self.0.borrow();
            if inner.counting_down || inner.countdown == Countdown::OnItsScreen {
                return;
            }
            (
                inner.run.throttled_until(),
                inner.session,
                inner.run.is_finished(),
            )
        };
        if finished || until <= crate::browser::now_ms() {
            return;
        }
        self.0.borrow_mut().counting_down = true;
        session.stop_waiting.set(false);
        let handle = self.clone();
        leptos::task::spawn_local(async move {
            loop {
                let (until, finished) = {
                    let inner = handle.0.borrow();
                    (inner.run.throttled_until(), inner.run.is_finished())
                };
                let now = crate::browser::now_ms();
                if finished || until <= now || handle.is_stale() {
                    break;
                }
                if session.stop_waiting.get_untracked() {
                    session.stop_waiting.set(false);
                    handle.feed(Event::Cancel);
                    break;
                }
                session.throttle.set(Some(ThrottleWait {
                    seconds_left: (until - now).div_ceil(1000),
                    reason: "Graph is throttling requests".into(),
                }));
                gloo_timers::future::TimeoutFuture::new(250).await;
            }
            session.throttle.set(None);
            handle.0.borrow_mut().counting_down = false;
        });
    }

    fn perform(&self, effect: &Effect) {
        match effect {
            Effect::Send { id, request } => {
                let handle = self.clone();
                let (id, request) = (*id, request.clone());
                leptos::task::spawn_local(async move { handle.exchange(id, request).await });
            }
            Effect::WakeAt(at) => {
                let delay = at.saturating_sub(crate::browser::now_ms());
                let handle = self.clone();
                let timer = gloo_timers::callback::Timeout::new(
                    u32::try_from(delay).unwrap_or(u32::MAX),
                    move || handle.feed(Event::Timer),
                );
                // Replacing the handle cancels the earlier wake-up.
                self.0.borrow_mut().timer = Some(timer);
            }
            Effect::Paused(PauseReason::NeedsToken) => {
                AWAITING_TOKEN.with(|runs| runs.borrow_mut().push(self.clone()));
            }
            Effect::Finished(_) => {
                self.0.borrow_mut().timer = None;
            }
            Effect::Paused(PauseReason::ByAdmin) | Effect::Record(_) | Effect::ItemFinished(_) => {}
        }
    }

    /// Sends one request of the run, logs it, and feeds the answer back.
    async fn exchange(&self, id: RequestId, request: GraphRequest) {
        let session = self.0.borrow().session;
        if let Some(outcome) = exchange_logged(session, &request, || self.is_stale()).await {
            self.feed(Event::Response { id, outcome });
        }
    }
}

/// Sends one request, logs it and returns what became of it; `None` when signed out or
/// when `is_stale` says the run's tenant was left while the request was out.
async fn exchange_logged(
    session: Session,
    request: &GraphRequest,
    is_stale: impl Fn() -> bool,
) -> Option<Outcome> {
    let Some((connection, token)) = session.credentials() else {
        return None; // Signed out: the run ends with the tenant.
    };
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

/// What the shell shows of a group license change: every effect after it is carried out.
pub type GroupObserver = Box<dyn Fn(&group_change::Effect)>;

struct GroupInner {
    run: GroupChangeRun,
    session: Session,
    epoch: u64,
    observer: GroupObserver,
    timer: Option<gloo_timers::callback::Timeout>,
}

/// A group license change in progress ([`GroupChangeRun`]): the same loop as
/// [`RunHandle`], for the group machine's effects. Cloning shares it.
#[derive(Clone)]
pub struct GroupRunHandle(Rc<RefCell<GroupInner>>);

impl GroupRunHandle {
    /// Starts `run` for the current tenant; `observer` sees each effect.
    pub fn start(session: Session, run: GroupChangeRun, observer: GroupObserver) -> Self {
        let handle = GroupRunHandle(Rc::new(RefCell::new(GroupInner {
            run,
            session,
            epoch: session.epoch(),
            observer,
            timer: None,
        })));
        handle.feed(group_change::Event::Start);
        handle
    }

    /// Cancel (before the write) or acknowledge warnings, as the admin asks.
    pub fn send(&self, event: group_change::Event) {
        self.feed(event);
    }

    pub fn phase(&self) -> group_change::Phase {
        self.0.borrow().run.phase()
    }

    fn is_stale(&self) -> bool {
        let inner = self.0.borrow();
        inner.session.epoch() != inner.epoch
    }

    fn feed(&self, event: group_change::Event) {
        if self.is_stale() {
            return;
        }
        let effects = self
            .0
            .borrow_mut()
            .run
            .step(crate::browser::now_ms(), event);
        for effect in effects {
            self.perform(&effect);
            (self.0.borrow().observer)(&effect);
        }
    }

    fn perform(&self, effect: &group_change::Effect) {
        match effect {
            group_change::Effect::Send { id, request } => {
                let handle = self.clone();
                let (id, request) = (*id, request.clone());
                leptos::task::spawn_local(async move {
                    let session = handle.0.borrow().session;
                    if let Some(outcome) =
                        exchange_logged(session, &request, || handle.is_stale()).await
                    {
                        handle.feed(group_change::Event::Response { id, outcome });
                    }
                });
            }
            group_change::Effect::WakeAt(at) => {
                let delay = at.saturating_sub(crate::browser::now_ms());
                let handle = self.clone();
                let timer = gloo_timers::callback::Timeout::new(
                    u32::try_from(delay).unwrap_or(u32::MAX),
                    move || handle.feed(group_change::Event::Timer),
                );
                self.0.borrow_mut().timer = Some(timer);
            }
            group_change::Effect::Finished(_) => {
                self.0.borrow_mut().timer = None;
            }
            group_change::Effect::Record(_) | group_change::Effect::NeedsAcknowledgement(_) => {}
        }
    }
}
