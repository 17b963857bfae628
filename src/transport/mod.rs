//! Sends a request either to Graph over HTTP or to the in-browser demo tenant.
//!
//! Both paths take the same [`GraphRequest`] and return the same [`RawResponse`], so
//! every feature behaves identically on the demo tenant, the fake Graph server and Graph.

pub mod http;
pub mod journal_store;
pub mod session;

use crate::transport::session::Connection;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::graph::response::RawResponse;
use license_desk_sim::{SimConfig, SimOutcome, SimRequest, Simulator};
use std::cell::RefCell;

thread_local! {
    static DEMO_TENANT: RefCell<Option<Simulator>> = const { RefCell::new(None) };
}

/// Starts (or restarts) the demo tenant: its named users at once, two thousand more
/// built on first use, simulated latency and a scaled-down write quota.
pub fn reset_demo_tenant() {
    DEMO_TENANT.with(|cell| *cell.borrow_mut() = Some(Simulator::new(SimConfig::demo())));
}

/// How long the demo tenant takes to answer, so progress states are visible as with Graph.
fn demo_latency_ms() -> u32 {
    DEMO_TENANT.with(|cell| {
        cell.borrow()
            .as_ref()
            .map_or(SimConfig::demo().latency_ms, |sim| sim.config().latency_ms)
    }) as u32
}

/// How long a request to `connection` may take before it is abandoned.
pub fn timeout_seconds(connection: &Connection) -> u64 {
    license_desk_core::graph::timeout::request_timeout_seconds(
        &connection.endpoint,
        crate::browser::query_param("timeout_s").as_deref(),
    )
}

pub async fn execute(
    connection: &Connection,
    request: &GraphRequest,
    token: &AccessToken,
) -> Result<RawResponse, GraphError> {
    if !connection.demo {
        let url = connection.endpoint.url(request);
        return crate::transport::http::execute(&url, request, token, timeout_seconds(connection))
            .await;
    }
    gloo_timers::future::TimeoutFuture::new(demo_latency_ms()).await;
    let mut headers = request.headers.clone();
    headers.push(("Authorization".into(), token.authorization()));
    let incoming = SimRequest {
        method: request.method.as_str().into(),
        target: format!(
            "/{}{}",
            connection.endpoint.version().as_str(),
            request.path
        ),
        headers,
        body: request.body.clone().unwrap_or_default(),
        origin: connection.endpoint.origin().to_string(),
    };
    let outcome = DEMO_TENANT.with(|cell| {
        let mut tenant = cell.borrow_mut();
        let simulator = tenant.get_or_insert_with(|| Simulator::new(SimConfig::demo()));
        simulator.handle(&incoming, crate::browser::now_ms())
    });
    match outcome {
        SimOutcome::Respond(response) => Ok(response),
        SimOutcome::Drop => Err(GraphError::network("The connection was dropped.")),
    }
}
