//! Reads from Graph for the screens: runs a read with the retry policy, logs each
//! attempt, and parses the answer. Throttling shows a visible countdown; a 401 raises the
//! "fresh token" prompt while the screen stays as it is.
//!
//! Writes never come here: every write is a run of the operations engine, carried out by
//! [`crate::runs::executor`]. [`send`] refuses a write outright.

use crate::transport::session::{Session, ThrottleWait};
use leptos::prelude::*;
use license_desk_core::graph::activity::LogEntry;
use license_desk_core::graph::batch::BatchResponse;
use license_desk_core::graph::error::{ErrorKind, GraphError};
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{
    CompanySubscription, Group, LicenseDetails, ODataPage, SubscribedSku, User,
};
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::graph::retry::{Attempt, Decision, RetryPolicy, STALLED_READ_ATTEMPTS};
use license_desk_core::groups::names::{self, GroupName};

/// Shows a countdown for `delay_ms`. Returns false if the admin stopped waiting.
async fn wait_with_countdown(session: Session, delay_ms: u64, reason: String) -> bool {
    session.stop_waiting.set(false);
    let mut left = delay_ms;
    while left > 0 {
        if session.stop_waiting.get_untracked() {
            break;
        }
        session.throttle.set(Some(ThrottleWait {
            seconds_left: left.div_ceil(1000),
            reason: reason.clone(),
        }));
        let step = left.min(250);
        gloo_timers::future::TimeoutFuture::new(step as u32).await;
        left -= step;
    }
    session.throttle.set(None);
    !std::mem::take(&mut *session.stop_waiting.write())
}

/// Never resolves: an answer that arrives after the tenant changed is dropped unseen.
async fn drop_stale_answer<T>() -> T {
    std::future::pending().await
}

/// Sends a read, retrying throttling and transient failures within the policy. A read
/// Graph leaves unanswered is said to be retried while it is, and fails after
/// [`STALLED_READ_ATTEMPTS`].
pub async fn send(session: Session, request: GraphRequest) -> Result<RawResponse, GraphError> {
    if request.method.is_write() && !request.is_read_only_batch() {
        return Err(GraphError::refused_write());
    }
    let answer = send_read(session, request).await;
    session.stalled.set(None);
    answer
}

async fn send_read(session: Session, request: GraphRequest) -> Result<RawResponse, GraphError> {
    let mut unanswered = 0;
    let policy = RetryPolicy::default();
    let is_write = false;
    let epoch = session.epoch();
    let mut attempt = 1;
    loop {
        let Some((connection, token)) = session.credentials() else {
            return Err(GraphError::not_signed_in());
        };
        let started = crate::browser::now_ms();
        let result = crate::transport::execute(&connection, &request, &token).await;
        if session.epoch() != epoch {
            return drop_stale_answer().await;
        }
        let duration_ms = crate::browser::now_ms().saturating_sub(started);
        let (outcome, status, request_id) = match &result {
            Ok(response) => (
                Attempt::Answered {
                    status: response.status,
                    retry_after: response.header("Retry-After"),
                },
                Some(response.status),
                response.header("request-id").map(str::to_string),
            ),
            Err(_) => (Attempt::NoAnswer, None, None),
        };
        let decision = policy.decide(
            attempt,
            is_write,
            &outcome,
            js_sys::Math::random(),
            crate::browser::now_ms(),
        );
        session.record(LogEntry {
            seq: 0,
            at: crate::browser::clock(),
            method: request.method.as_str(),
            path: request.path.clone(),
            status,
            request_id,
            duration_ms,
            note: match (&result, &decision) {
                (Err(error), _) => Some(error.message.clone()),
                (_, Decision::RetryAfter { delay_ms }) => {
                    Some(format!("retrying in {:.1} s", *delay_ms as f64 / 1000.0))
                }
                _ => None,
            },
        });
        if let Err(error) = &result {
            if error.kind == ErrorKind::Timeout {
                unanswered += 1;
                if unanswered >= STALLED_READ_ATTEMPTS {
                    return result;
                }
                session
                    .stalled
                    .set(Some(license_desk_core::wording::stalled_read(
                        crate::transport::timeout_seconds(&connection),
                        unanswered + 1,
                        STALLED_READ_ATTEMPTS,
                    )));
            }
        }
        match decision {
            Decision::RetryAfter { delay_ms } => {
                let reason = match status {
                    Some(429) => "Graph is throttling requests".to_string(),
                    Some(code) => format!("Graph answered {code}"),
                    None => "Graph could not be reached".to_string(),
                };
                let waited = wait_with_countdown(session, delay_ms, reason).await;
                if session.epoch() != epoch {
                    return drop_stale_answer().await;
                }
                if !waited {
                    // The admin stopped waiting: show the last answer; nothing pending is lost.
                    return result;
                }
                attempt += 1;
            }
            Decision::Accept | Decision::GiveUp | Decision::ReReadFirst => {
                let response = result?;
                if response.status == 401 {
                    session
                        .needs_token
                        .set(Some(GraphError::from_response(&response)));
                }
                return Ok(response);
            }
        }
    }
}

pub async fn fetch<T: serde::de::DeserializeOwned>(
    session: Session,
    request: GraphRequest,
) -> Result<T, GraphError> {
    send(session, request).await?.parse()
}

pub async fn get_user(session: Session, id: &str) -> Result<User, GraphError> {
    fetch(session, request::get_user(id)).await
}

pub async fn license_details(
    session: Session,
    id: &str,
) -> Result<Vec<LicenseDetails>, GraphError> {
    fetch::<ODataPage<LicenseDetails>>(session, request::license_details(id))
        .await
        .map(|page| page.value)
}

pub async fn subscribed_skus(session: Session) -> Result<Vec<SubscribedSku>, GraphError> {
    fetch::<ODataPage<SubscribedSku>>(session, request::subscribed_skus())
        .await
        .map(|page| page.value)
}

pub async fn group(session: Session, id: &GroupId) -> Result<Group, GraphError> {
    fetch(session, request::get_group(id)).await
}

/// The names of `groups`, twenty to a `$batch`; a group whose batch failed, or whose item
/// was throttled, is left out.
pub async fn group_names(session: Session, groups: Vec<GroupId>) -> Vec<(GroupId, GroupName)> {
    let mut names = Vec::new();
    for batch in names::name_batches(&groups) {
        if let Ok(answer) = fetch::<BatchResponse>(session, batch).await {
            names.extend(names::names_in(&groups, &answer));
        }
    }
    names
}

/// One page of users, with the `request-id` Graph gave it. The first page comes from
/// [`request::find_users`], later ones from a [`license_desk_core::graph::paging::Paging`].
pub async fn users_page(
    session: Session,
    request: GraphRequest,
) -> Result<(ODataPage<User>, Option<String>), GraphError> {
    page_of::<User>(session, request).await
}

/// Every user of a listing, following `@odata.nextLink` within the endpoint (headers such
/// as `ConsistencyLevel` go with every page). `progress` hears the count read so far;
/// the answer carries Graph's `@odata.count` when it sent one.
pub async fn all_users(
    session: Session,
    first: GraphRequest,
    progress: impl Fn(usize),
) -> Result<(Vec<User>, Option<u64>), GraphError> {
    every_page::<User>(session, first, progress).await
}

/// A next-page request with the first request's headers (e.g. `ConsistencyLevel`).
fn carry_headers(first: &GraphRequest, mut next: GraphRequest) -> GraphRequest {
    for (name, value) in &first.headers {
        if next.header(name).is_none() {
            next = next.with_header(name, value);
        }
    }
    next
}

/// One page of any listing, with the `request-id` Graph gave it (for paging errors).
pub async fn page_of<T: serde::de::DeserializeOwned>(
    session: Session,
    request: GraphRequest,
) -> Result<(ODataPage<T>, Option<String>), GraphError> {
    let response = send(session, request).await?;
    let page = response.parse()?;
    Ok((page, response.header("request-id").map(str::to_string)))
}

/// Every item of a listing, following `@odata.nextLink` within the endpoint with the
/// first request's headers on every page.
pub async fn all_pages<T: serde::de::DeserializeOwned>(
    session: Session,
    first: GraphRequest,
) -> Result<Vec<T>, GraphError> {
    every_page::<T>(session, first, |_| {})
        .await
        .map(|(items, _)| items)
}

/// Reads a listing to its end: each page only from a `@odata.nextLink` within the
/// endpoint, never one read already, with the first request's headers. `progress` hears
/// the count read so far; the answer carries Graph's `@odata.count` when it sent one.
async fn every_page<T: serde::de::DeserializeOwned>(
    session: Session,
    first: GraphRequest,
    progress: impl Fn(usize),
) -> Result<(Vec<T>, Option<u64>), GraphError> {
    let Some((connection, _)) = session.credentials() else {
        return Err(GraphError::not_signed_in());
    };
    let mut paging = license_desk_core::graph::paging::Paging::start(connection.endpoint, &first);
    let mut items = Vec::new();
    let mut count = None;
    let mut next = Some(first.clone());
    while let Some(request) = next {
        let (page, request_id) = page_of::<T>(session, request).await?;
        count = count.or(page.count);
        items.extend(page.value);
        progress(items.len());
        next = paging
            .follow(page.next_link.as_deref(), request_id.as_deref())?
            .map(|link| carry_headers(&first, link));
    }
    Ok((items, count))
}

pub async fn directory_subscriptions(
    session: Session,
) -> Result<Vec<CompanySubscription>, GraphError> {
    fetch::<ODataPage<CompanySubscription>>(session, request::directory_subscriptions())
        .await
        .map(|page| page.value)
}
