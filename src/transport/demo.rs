//! The demo tenant: a simulated Microsoft 365 tenant that runs in the browser and answers
//! the same requests as Graph, with a token minted for it.

use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::auth::token;
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

/// Writes the demo tenant has received since it was started (each `$batch` entry counts),
/// whatever their answer: what a browser test checks when nothing may have gone out.
pub fn writes_received() -> u32 {
    DEMO_TENANT.with(|cell| {
        cell.borrow()
            .as_ref()
            .map_or(0, |sim| sim.stats().writes_received())
    })
}

/// A one-hour demo-tenant token carrying every licensing permission.
pub fn demo_token() -> AccessToken {
    let claims = license_desk_sim::demo_claims(
        "admin@contoso.example",
        &[
            "User.ReadWrite.All",
            "LicenseAssignment.ReadWrite.All",
            "Organization.Read.All",
            "GroupMember.Read.All",
            "AuditLog.Read.All",
        ],
        crate::browser::now_seconds(),
        3600,
    );
    AccessToken::from_pasted(&token::mint(&claims)).expect("a minted token is not empty")
}

/// How long the demo tenant takes to answer, so progress states are visible as with Graph.
fn demo_latency_ms() -> u32 {
    DEMO_TENANT.with(|cell| {
        cell.borrow()
            .as_ref()
            .map_or(SimConfig::demo().latency_ms, |sim| sim.config().latency_ms)
    }) as u32
}

/// Answers `request` from the demo tenant, after its simulated latency.
pub async fn execute(
    version: &str,
    origin: &str,
    request: &GraphRequest,
    token: &AccessToken,
) -> Result<RawResponse, GraphError> {
    gloo_timers::future::TimeoutFuture::new(demo_latency_ms()).await;
    let mut headers = request.headers.clone();
    headers.push(("Authorization".into(), token.authorization()));
    let incoming = SimRequest {
        method: request.method.as_str().into(),
        target: format!("/{version}{}", request.path),
        headers,
        body: request.body.clone().unwrap_or_default(),
        origin: origin.to_string(),
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
