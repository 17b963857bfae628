//! The demo tenant: a simulated Microsoft 365 tenant that runs in the browser and answers
//! the same requests as Graph, with a token minted for it.
//!
//! The simulator and its seed data are a module of their own (`src/bin/demo.rs`, built by
//! Trunk beside the workspace), loaded the first time the demo tenant is opened, so that
//! an admin who signs in to a real tenant never downloads them. It is reached the way
//! Graph is: the request goes in as a plain value ([`DemoCall`]: the endpoint, the
//! core's [`GraphRequest`] and the Authorization header, as JSON) and the answer comes
//! back as the core's [`RawResponse`], or as nothing when the simulated connection was
//! dropped. Above the transport nothing knows the difference. The demo token is minted
//! here, from the demo tenant's identity in the core, so signing in needs no simulator.
//!
//! Browser tests run without the site's files; they give the transport a tenant that
//! runs in their own module instead ([`run_here`]).

use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::auth::demo_token::demo_claims;
use license_desk_core::auth::token;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::request::{GraphEndpoint, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/transport/demo_tenant.js")]
extern "C" {
    #[wasm_bindgen(js_name = resetDemoTenant)]
    fn reset_tenant(js: &str, wasm: &str);

    #[wasm_bindgen(catch, js_name = askDemoTenant)]
    async fn ask_tenant(js: &str, wasm: &str, call: String) -> Result<JsValue, JsValue>;
}

/// One request as it crosses to the demo tenant's module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoCall {
    /// Where the request would go: the origin for `@odata.nextLink`, and the API version.
    pub endpoint: GraphEndpoint,
    pub request: GraphRequest,
    /// The `Authorization` header, as Graph would receive it.
    pub authorization: String,
}

/// The answer: Graph's, or `None` when the connection was dropped.
pub type DemoAnswer = Option<RawResponse>;

/// A demo tenant that runs in this module rather than in its own.
pub trait Tenant {
    /// Starts afresh.
    fn reset(&self);
    /// The answer to `call`, at once.
    fn answer(&self, call: DemoCall) -> DemoAnswer;
}

thread_local! {
    /// The tenant given by [`run_here`]; `None` in the app, which loads the module.
    static HERE: RefCell<Option<Rc<dyn Tenant>>> = const { RefCell::new(None) };
}

/// Answers demo requests with `tenant`, in this module, from now on (for browser tests).
pub fn run_here(tenant: impl Tenant + 'static) {
    HERE.with(|here| *here.borrow_mut() = Some(Rc::new(tenant)));
}

fn here() -> Option<Rc<dyn Tenant>> {
    HERE.with(|here| here.borrow().clone())
}

/// The demo tenant's module, as absolute URLs: its JS and its wasm.
pub fn module_files() -> [String; 2] {
    crate::browser::site_files("license-desk-demo", ["demo.js", "demo_bg.wasm"])
}

/// Starts (or restarts) the demo tenant: loads its module if it isn't yet, then makes a
/// fresh tenant for the requests that follow (its named users at once, two thousand more
/// built on first use, simulated latency and a scaled-down write quota).
pub fn reset_demo_tenant() {
    if let Some(tenant) = here() {
        return tenant.reset();
    }
    let [js, wasm] = module_files();
    reset_tenant(&js, &wasm);
}

/// A one-hour demo-tenant token carrying every licensing permission.
pub fn demo_token() -> AccessToken {
    let claims = demo_claims(
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

/// Answers `request` from the demo tenant, after its simulated latency.
pub async fn execute(
    endpoint: &GraphEndpoint,
    request: &GraphRequest,
    token: &AccessToken,
) -> Result<RawResponse, GraphError> {
    let call = DemoCall {
        endpoint: endpoint.clone(),
        request: request.clone(),
        authorization: token.authorization(),
    };
    if let Some(tenant) = here() {
        return tenant.answer(call).ok_or_else(dropped);
    }
    let call = serde_json::to_string(&call).expect("a request serialises");
    let [js, wasm] = module_files();
    let answer = ask_tenant(&js, &wasm, call).await.map_err(|error| {
        let why = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "the browser gave no reason".to_string());
        GraphError::network(&format!(
            "The demo tenant could not be loaded: {why}. Reload the page to try again."
        ))
    })?;
    let answer: DemoAnswer = answer
        .as_string()
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or_else(|| GraphError::network("The demo tenant gave no readable answer."))?;
    answer.ok_or_else(dropped)
}

fn dropped() -> GraphError {
    GraphError::network("The connection was dropped.")
}
