//! Drives an operations [`Run`] against the in-process simulator in simulated time.
//!
//! A small event queue stands in for the shell: each `Send` reaches the simulator at once
//! and its answer is delivered after a simulated latency; `WakeAt` arms the one timer;
//! records are kept as the journal. Faults are injected here, outside the engine: 503 or
//! 504 before anything is applied, a write applied whose answer never arrives, and a write
//! applied but answered 504. The driver counts every write the simulator applied, per user,
//! so duplicates are visible, and the time of every write sent, so the pace can be checked.
#![allow(dead_code)]

pub mod by_hand;

use license_desk_core::graph::batch::{BatchRequest, BatchResponse};
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::graph::response::RawResponse;
use license_desk_core::ops::rng::Rng;
use license_desk_core::ops::{
    Effect, Event, Intent, JournalRecord, Options, Outcome, Outgoing, PauseReason, RequestId, Run,
    RunItem, Summary, WriteBudget,
};
use license_desk_sim::{SimOutcome, Simulator};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Every run starts at the tests' fixed "now".
pub const T0: u64 = license_desk_sim::fixtures::NOW;

use license_desk_sim::fixtures::{fresh_token, sim_request};

/// A fault injected on one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 503 before the simulator sees the request.
    Unavailable,
    /// 504 before the simulator sees the request.
    GatewayTimeout,
    /// The simulator handles the request; its answer never arrives (the shell times out).
    AnswerLost,
    /// The simulator handles the request; the answer is replaced by a 504.
    AppliedThen504,
}

pub const ALL_FAULTS: [Fault; 4] = [
    Fault::Unavailable,
    Fault::GatewayTimeout,
    Fault::AnswerLost,
    Fault::AppliedThen504,
];

pub struct Driver {
    pub sim: Simulator,
    pub now: u64,
    pub latency_ms: u64,
    /// Extra latency drawn uniformly from `[0, jitter_ms]` per request.
    pub jitter_ms: u64,
    pub timeout_ms: u64,
    pub fault_rate: f64,
    pub faults: Vec<Fault>,
    /// Probability that one applied write inside a `$batch` is answered 504 instead.
    pub item_fault_rate: f64,
    pub token: String,
    rng: Rng,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    answers: BTreeMap<u64, (RequestId, Outcome)>,
    seq: u64,
    timer: Option<u64>,
    /// Writes the simulator applied (2xx), per user id.
    pub applied: BTreeMap<String, u32>,
    /// When the simulator last applied a write.
    pub last_applied_ms: u64,
    /// When each individual write was sent, in order.
    pub write_sends: Vec<u64>,
    pub journal: BTreeMap<usize, JournalRecord>,
    pub finished: Option<Summary>,
    pub pauses: Vec<PauseReason>,
    pub requests: u64,
    pub faults_injected: u64,
    /// Steps taken, so a test can stop a run part-way.
    pub steps: u64,
}

impl Driver {
    pub fn new(sim: Simulator, seed: u64) -> Self {
        Driver {
            sim,
            now: T0,
            latency_ms: 80,
            jitter_ms: 40,
            timeout_ms: 10_000,
            fault_rate: 0.0,
            faults: ALL_FAULTS.to_vec(),
            item_fault_rate: 0.0,
            token: fresh_token(T0),
            rng: Rng::new(seed),
            queue: BinaryHeap::new(),
            answers: BTreeMap::new(),
            seq: 0,
            timer: None,
            applied: BTreeMap::new(),
            last_applied_ms: 0,
            write_sends: Vec::new(),
            journal: BTreeMap::new(),
            finished: None,
            pauses: Vec::new(),
            requests: 0,
            faults_injected: 0,
            steps: 0,
        }
    }

    pub fn start(&mut self, run: &mut Run) {
        self.event(run, Event::Start);
    }

    pub fn event(&mut self, run: &mut Run, event: Event) {
        self.steps += 1;
        let effects = run.step(self.now, event);
        self.apply(effects);
    }

    /// Delivers answers and timers until the run finishes, nothing is left to deliver,
    /// or `stop` says so (checked before each delivery).
    pub fn run_until(&mut self, run: &mut Run, mut stop: impl FnMut(&Driver) -> bool) {
        while self.finished.is_none() && !stop(self) {
            let answer_at = self.queue.peek().map(|Reverse((at, _))| *at);
            let event = match (answer_at, self.timer) {
                (Some(at), Some(wake)) if wake < at => self.fire_timer(wake),
                (Some(at), _) => {
                    let Reverse((_, seq)) = self.queue.pop().expect("peeked");
                    self.now = self.now.max(at);
                    let (id, outcome) = self.answers.remove(&seq).expect("queued");
                    Event::Response { id, outcome }
                }
                (None, Some(wake)) => self.fire_timer(wake),
                (None, None) => return,
            };
            self.event(run, event);
        }
    }

    pub fn run(&mut self, run: &mut Run) {
        self.run_until(run, |_| false);
    }

    fn fire_timer(&mut self, wake: u64) -> Event {
        self.timer = None;
        self.now = self.now.max(wake);
        Event::Timer
    }

    /// Forgets every answer still on its way (the tab was closed).
    pub fn drop_in_flight(&mut self) {
        self.queue.clear();
        self.answers.clear();
        self.timer = None;
        self.finished = None;
    }

    pub fn in_flight(&self) -> usize {
        self.answers.len()
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send(Outgoing { id, request }) => self.send(id, &request),
                Effect::WakeAt(at) => self.timer = Some(at),
                Effect::Record(record) | Effect::ItemFinished(record) => {
                    self.journal.insert(record.index, record);
                }
                Effect::Paused(reason) => self.pauses.push(reason),
                Effect::Finished(summary) => self.finished = Some(summary),
            }
        }
    }

    fn deliver(&mut self, at: u64, id: RequestId, outcome: Outcome) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq)));
        self.answers.insert(self.seq, (id, outcome));
    }

    fn send(&mut self, id: RequestId, request: &GraphRequest) {
        self.requests += 1;
        let batch: Option<BatchRequest> = (request.path == "/$batch")
            .then(|| serde_json::from_str(request.body.as_deref().unwrap_or("")).ok())
            .flatten();
        let writes = match &batch {
            Some(batch) => batch
                .requests
                .iter()
                .filter(|r| r.method.is_write())
                .count(),
            None => usize::from(request.method.is_write()),
        };
        self.write_sends
            .extend(std::iter::repeat_n(self.now, writes));
        let answer_at = self.now + self.latency_ms + self.jitter();
        let fault = (self.fault_rate > 0.0 && self.rng.unit() < self.fault_rate)
            .then(|| self.faults[self.rng.below(self.faults.len())]);
        if fault.is_some() {
            self.faults_injected += 1;
        }
        match fault {
            Some(Fault::Unavailable) => {
                return self.deliver(answer_at, id, Outcome::Answered(status_only(503)))
            }
            Some(Fault::GatewayTimeout) => {
                return self.deliver(answer_at, id, Outcome::Answered(status_only(504)))
            }
            _ => {}
        }
        let incoming = sim_request(request, &self.token);
        let mut response = match self.sim.handle(&incoming, self.now) {
            SimOutcome::Respond(response) => response,
            SimOutcome::Drop => {
                let timeout = self.timeout_ms;
                return self.deliver(
                    self.now + timeout,
                    id,
                    Outcome::TimedOut { after_ms: timeout },
                );
            }
        };
        self.count_applied(request, batch.as_ref(), &response);
        let has_writes = batch
            .as_ref()
            .is_some_and(|b| b.requests.iter().any(|r| r.method.is_write()));
        if has_writes && self.item_fault_rate > 0.0 {
            self.fail_applied_items(batch.as_ref().expect("batch"), &mut response);
        }
        match fault {
            Some(Fault::AnswerLost) => {
                let timeout = self.timeout_ms;
                self.deliver(
                    self.now + timeout,
                    id,
                    Outcome::TimedOut { after_ms: timeout },
                )
            }
            Some(Fault::AppliedThen504) => {
                self.deliver(answer_at, id, Outcome::Answered(status_only(504)))
            }
            _ => self.deliver(answer_at, id, Outcome::Answered(response)),
        }
    }

    fn jitter(&mut self) -> u64 {
        if self.jitter_ms == 0 {
            0
        } else {
            self.rng.below(self.jitter_ms as usize + 1) as u64
        }
    }

    fn count_applied(
        &mut self,
        request: &GraphRequest,
        batch: Option<&BatchRequest>,
        response: &RawResponse,
    ) {
        match batch {
            None => {
                if request.method.is_write() && response.is_success() {
                    self.last_applied_ms = self.now;
                    *self.applied.entry(user_of(&request.path)).or_insert(0) += 1;
                }
            }
            Some(batch) => {
                if !batch.requests.iter().any(|r| r.method.is_write()) {
                    return;
                }
                let Ok(answers) = serde_json::from_str::<BatchResponse>(&response.body) else {
                    return;
                };
                for item in batch.requests.iter().filter(|r| r.method.is_write()) {
                    let ok = answers
                        .item(&item.id)
                        .is_some_and(|a| (200..300).contains(&a.status));
                    if ok {
                        self.last_applied_ms = self.now;
                        *self.applied.entry(user_of(&item.url)).or_insert(0) += 1;
                    }
                }
            }
        }
    }

    /// Replaces some applied writes' answers inside a batch with 504.
    fn fail_applied_items(&mut self, batch: &BatchRequest, response: &mut RawResponse) {
        let Ok(mut answers) = serde_json::from_str::<BatchResponse>(&response.body) else {
            return;
        };
        for answer in answers.responses.iter_mut() {
            let write = batch
                .requests
                .iter()
                .any(|r| r.id == answer.id && r.method.is_write());
            if write && answer.status < 300 && self.rng.unit() < self.item_fault_rate {
                self.faults_injected += 1;
                answer.status = 504;
                answer.body = None;
            }
        }
        response.body = serde_json::to_string(&answers).expect("serialises");
    }
}

fn status_only(status: u16) -> RawResponse {
    RawResponse {
        status,
        headers: vec![("request-id".into(), format!("fault-{status}"))],
        body: String::new(),
    }
}

/// `request` as the simulator receives it over v1.0, signed with `token`.
/// The user id in `/users/{id}/…`.
/// The shell's bulk run reprocessing bulk users 1 to `users` of `sim` (built first):
/// six requests in flight, a 15 s settle timeout, throttling waited out.
pub fn reprocess_bulk_users(sim: &mut Simulator, users: usize) -> Run {
    sim.build_bulk();
    let items: Vec<RunItem> = (1..=users)
        .map(|n| RunItem::new(license_desk_sim::bulk::upn(n), Intent::Reprocess))
        .collect();
    let options = Options {
        max_in_flight: 6,
        settle_timeout_ms: 15_000,
        keep_trying_when_throttled: true,
        ..Options::default()
    };
    Run::new(
        items,
        license_desk_sim::fixtures::catalog_of(sim.tenant()),
        options,
    )
}

pub fn user_of(path: &str) -> String {
    path.trim_start_matches('/')
        .split(['/', '?'])
        .nth(1)
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Checks that no window of length τ holds more than `W + τ·W/T` write sends. With
/// `g(k) = k·T − t_k·W`, sends `i..=j` break the bound exactly when
/// `g(j) − g(i) + T > W·T`, so a running minimum of `g` checks every window at once.
pub fn assert_paced(sends: &[u64], budget: WriteBudget) {
    let (w, t) = (i128::from(budget.writes), i128::from(budget.window_ms));
    let mut lowest: Option<i128> = None;
    for (k, &at) in sends.iter().enumerate() {
        let g = k as i128 * t - i128::from(at) * w;
        let low = lowest.map_or(g, |l| l.min(g));
        lowest = Some(low);
        assert!(
            g - low + t <= w * t,
            "write {k} at {at} breaks the token bucket ({} writes per {} ms)",
            budget.writes,
            budget.window_ms
        );
    }
}
