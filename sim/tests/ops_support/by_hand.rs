//! The shell, by hand: a run stepped one event at a time, with Graph-shaped answers a
//! test gives itself, and the users, items and answers those tests share.

use license_desk_core::graph::batch::{BatchRequest, BatchResponse, BatchResponseItem};
use license_desk_core::graph::model::{AssignmentState, LicenseAssignmentState, User};
use license_desk_core::graph::request::{GraphRequest, Method};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::effective;
use license_desk_core::licensing::plan::Change;
use license_desk_core::ops::{
    Effect, Event, Intent, JournalRecord, Options, Outcome, Outgoing, PauseReason, RequestId, Run,
    RunItem, Status, Summary,
};
use license_desk_sim::fixtures::{g, NOW};
use license_desk_sim::seed::{self, E3, EMS, GROUP_ALL_STAFF};
use std::collections::BTreeMap;

pub fn user_id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

pub fn catalog() -> Catalog {
    license_desk_sim::fixtures::catalog_of(&seed::bulk_tenant(1, 0))
}

/// User `n` with these direct SKUs (all plans on) and E3 from All Staff.
pub fn user(n: usize, direct: &[&str], updated: &str) -> User {
    let mut states: Vec<LicenseAssignmentState> = direct
        .iter()
        .map(|sku| LicenseAssignmentState {
            sku_id: g(sku),
            state: AssignmentState::Active,
            last_updated_date_time: Some(updated.into()),
            ..Default::default()
        })
        .collect();
    states.push(LicenseAssignmentState {
        sku_id: g(E3),
        assigned_by_group: Some(g(GROUP_ALL_STAFF)),
        state: AssignmentState::Active,
        last_updated_date_time: Some(updated.into()),
        ..Default::default()
    });
    effective::sort_states(&mut states);
    User {
        id: g(&user_id(n)),
        display_name: Some(format!("User {n}")),
        user_principal_name: Some(format!("user{n}@contoso.example")),
        usage_location: Some("US".into()),
        assigned_licenses: effective::assigned_licenses(&states),
        license_assignment_states: states,
        ..Default::default()
    }
}

pub const SEEDED: &str = "2026-01-05T09:00:00Z";

pub fn add_ems(n: usize) -> RunItem {
    RunItem::new(
        user_id(n),
        Intent::Change(vec![Change::Add {
            sku: g(EMS),
            disabled_plans: vec![],
        }]),
    )
}

pub fn response(status: u16, body: String, extra: &[(&str, &str)]) -> RawResponse {
    let mut headers = vec![("request-id".to_string(), format!("req-{status}"))];
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    RawResponse {
        status,
        headers,
        body,
    }
}

pub fn ok_user(user: &User) -> Outcome {
    Outcome::Answered(response(200, serde_json::to_string(user).unwrap(), &[]))
}

pub fn status_only(status: u16, extra: &[(&str, &str)]) -> Outcome {
    Outcome::Answered(response(status, String::new(), extra))
}

pub fn no_batch() -> Options {
    Options {
        use_batch: false,
        settle_timeout_ms: 3_000,
        ..Options::default()
    }
}

/// The shell, by hand: records effects and lets a test answer each request.
pub struct Shell {
    pub run: Run,
    pub now: u64,
    pub wake: Option<u64>,
    pub sends: Vec<(RequestId, GraphRequest, u64)>,
    pub journal: BTreeMap<usize, JournalRecord>,
    pub pauses: Vec<PauseReason>,
    pub finished: Option<Summary>,
}

impl Shell {
    pub fn new(items: Vec<RunItem>, options: Options) -> Self {
        Self::resume(Run::new(items, catalog(), options))
    }

    pub fn resume(run: Run) -> Self {
        Shell {
            run,
            now: NOW,
            wake: None,
            sends: Vec::new(),
            journal: BTreeMap::new(),
            pauses: Vec::new(),
            finished: None,
        }
    }

    /// Steps and returns the requests sent by this step.
    pub fn step(&mut self, event: Event) -> Vec<(RequestId, GraphRequest)> {
        let mut sent = Vec::new();
        for effect in self.run.step(self.now, event) {
            match effect {
                Effect::Send(Outgoing { id, request }) => {
                    self.sends.push((id, request.clone(), self.now));
                    sent.push((id, request));
                }
                Effect::WakeAt(at) => self.wake = Some(at),
                Effect::Record(record) | Effect::ItemFinished(record) => {
                    self.journal.insert(record.index, record);
                }
                Effect::Paused(reason) => self.pauses.push(reason),
                Effect::Finished(summary) => self.finished = Some(summary),
            }
        }
        sent
    }

    pub fn answer(&mut self, id: RequestId, outcome: Outcome) -> Vec<(RequestId, GraphRequest)> {
        self.step(Event::Response { id, outcome })
    }

    /// Jumps to the requested wake-up and fires it.
    pub fn wake_up(&mut self) -> Vec<(RequestId, GraphRequest)> {
        let at = self.wake.take().expect("a wake-up was requested");
        assert!(at >= self.now, "wake-ups are in the future");
        self.now = at;
        self.step(Event::Timer)
    }

    pub fn status(&self, index: usize) -> Status {
        self.journal[&index].status
    }

    /// What item `index`'s record says in words; empty when it says nothing.
    pub fn note(&self, index: usize) -> &str {
        self.journal[&index].note.as_deref().unwrap_or_default()
    }

    pub fn writes_sent(&self) -> usize {
        self.sends
            .iter()
            .map(|(_, request, _)| writes_in(request))
            .sum()
    }
}

pub fn writes_in(request: &GraphRequest) -> usize {
    if request.path == "/$batch" {
        let batch: BatchRequest = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        batch
            .requests
            .iter()
            .filter(|r| r.method.is_write())
            .count()
    } else {
        usize::from(request.method.is_write())
    }
}

pub fn only(sent: Vec<(RequestId, GraphRequest)>) -> (RequestId, GraphRequest) {
    assert_eq!(sent.len(), 1, "{sent:?}");
    sent.into_iter().next().unwrap()
}

/// Starts a one-item run and answers its first read with `before`; returns the write.
pub fn up_to_the_write(item: RunItem, before: &User, options: Options) -> (Shell, RequestId) {
    let mut shell = Shell::new(vec![item], options);
    let (read, request) = only(shell.step(Event::Start));
    assert_eq!(request.method, Method::Get);
    assert!(request.path.contains("licenseAssignmentStates"));
    let (write, request) = only(shell.answer(read, ok_user(before)));
    assert_eq!(request.method, Method::Post);
    assert_eq!(shell.status(0), Status::Sent);
    (shell, write)
}

/// One entry of a `$batch` answer: id, status, body, headers.
pub type Entry<'a> = (
    String,
    u16,
    Option<serde_json::Value>,
    &'a [(&'a str, &'a str)],
);

pub fn batch_answer(items: Vec<Entry>) -> Outcome {
    let responses = items
        .into_iter()
        .map(|(id, status, body, headers)| BatchResponseItem {
            id,
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body,
        })
        .collect();
    Outcome::Answered(response(
        200,
        serde_json::to_string(&BatchResponse { responses }).unwrap(),
        &[],
    ))
}

pub fn batch_ids(request: &GraphRequest) -> Vec<String> {
    assert_eq!(request.path, "/$batch");
    let batch: BatchRequest = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    batch.requests.into_iter().map(|r| r.id).collect()
}
