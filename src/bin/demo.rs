//! The demo tenant's module: the simulator (`license-desk-sim`) and its seed data, built
//! by Trunk as a module of its own and loaded only when the demo tenant is opened
//! (`license_desk::transport::demo`). An admin who signs in to a real tenant never
//! downloads it, and the workspace module doesn't carry it.
//!
//! It exports what a tenant behind Graph offers: an answer to a request, after the
//! tenant's latency, and a fresh start. Requests and answers cross as JSON of the core's
//! types (`DemoCall` in, `DemoAnswer` out).

use license_desk::transport::demo::{DemoAnswer, DemoCall};
use license_desk_sim::{SimConfig, SimOutcome, SimRequest, Simulator};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static TENANT: RefCell<Option<Simulator>> = const { RefCell::new(None) };
}

fn main() {
    console_error_panic_hook::set_once();
}

/// A fresh demo tenant: its named users at once, two thousand more built on first use.
#[wasm_bindgen]
pub fn reset() {
    TENANT.with(|tenant| *tenant.borrow_mut() = Some(Simulator::new(SimConfig::demo())));
}

/// The tenant's answer to `call` (a `DemoCall` as JSON), after its simulated latency, so
/// progress states show as they do with Graph: a `DemoAnswer` as JSON.
#[wasm_bindgen]
pub async fn respond(call: String) -> Result<String, JsError> {
    let call: DemoCall = serde_json::from_str(&call)
        .map_err(|e| JsError::new(&format!("the demo tenant can't read the request: {e}")))?;
    let latency = TENANT.with(|tenant| {
        tenant
            .borrow()
            .as_ref()
            .map_or(SimConfig::demo().latency_ms, |sim| sim.config().latency_ms)
    });
    gloo_timers::future::TimeoutFuture::new(u32::try_from(latency).unwrap_or(u32::MAX)).await;
    let incoming = SimRequest::from_graph(&call.endpoint, &call.request, &call.authorization);
    let outcome = TENANT.with(|tenant| {
        tenant
            .borrow_mut()
            .get_or_insert_with(|| Simulator::new(SimConfig::demo()))
            .handle(&incoming, license_desk::browser::now_ms())
    });
    let answer: DemoAnswer = match outcome {
        SimOutcome::Respond(response) => Some(response),
        SimOutcome::Drop => None,
    };
    Ok(serde_json::to_string(&answer).expect("an answer serialises"))
}
