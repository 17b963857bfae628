//! What the core's and the simulator's tests share, defined once: the fixed clock they
//! run at, ids of any kind from a string, tokens for the simulator, the catalogue a shell
//! would read, and a core request as it reaches the simulator.
//!
//! It is ordinary code of this crate (the simulator is the test double of Graph), so the
//! same helpers serve `cargo test` and the examples without a feature flag.

use crate::{SimOutcome, SimRequest, Simulator, Tenant};
use license_desk_core::auth::token;
use license_desk_core::graph::model::{AssignLicenseBody, AssignedLicense};
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::graph::response::RawResponse;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::plan::Change;
use license_desk_core::ops::{Duty, Outcome, Outgoing, Signal, Workflow};

/// 2027-01-15T08:00:00Z in Unix milliseconds: every test's "now".
pub const NOW: u64 = 1_800_000_000_000;

/// [`NOW`] in Unix seconds, as tokens count time.
pub const NOW_S: i64 = (NOW / 1000) as i64;

/// The origin requests reach the simulator from, as a test shell has it.
pub const ORIGIN: &str = "http://127.0.0.1:9";

/// Every permission License Desk asks of a delegated token.
pub const SCOPES: [&str; 5] = [
    "User.ReadWrite.All",
    "LicenseAssignment.ReadWrite.All",
    "Organization.Read.All",
    "GroupMember.Read.All",
    "AuditLog.Read.All",
];

/// An id of whichever kind the test needs (`Guid`, `UserId`, `GroupId`, `SkuId`,
/// `PlanId`), from its string.
pub fn g<T: for<'a> From<&'a str>>(id: &str) -> T {
    T::from(id)
}

/// A token for the demo tenant with `scopes`, valid for a day from `now_ms`.
pub fn token_with(scopes: &[&str], now_ms: u64) -> String {
    token::mint(&crate::demo_claims(
        "admin@contoso.example",
        scopes,
        (now_ms / 1000) as i64,
        86_400,
    ))
}

/// A token with every permission, valid for a day from `now_ms`.
pub fn fresh_token(now_ms: u64) -> String {
    token_with(&SCOPES, now_ms)
}

/// A token that expired an hour before `now_ms`.
pub fn expired_token(now_ms: u64) -> String {
    token::mint(&crate::demo_claims(
        "admin@contoso.example",
        &SCOPES,
        (now_ms / 1000) as i64 - 7_200,
        3_600,
    ))
}

/// A token with every permission for tenant `tid`, valid for ten hours from [`NOW`].
pub fn token_for_tenant(tid: &str) -> String {
    let mut claims = crate::demo_claims("admin@contoso.example", &SCOPES, NOW_S, 36_000);
    claims.tid = Some(tid.into());
    token::mint(&claims)
}

/// The catalogue a shell reads once per run: the tenant's SKUs and its groups' names.
pub fn catalog_of(tenant: &Tenant) -> Catalog {
    let mut catalog = tenant.catalog();
    for group in &tenant.groups {
        catalog
            .groups
            .insert(group.id.clone(), group.display_name.clone());
    }
    catalog
}

/// `request` as it reaches the simulator from a shell holding `token`.
pub fn sim_request(request: &GraphRequest, token: &str) -> SimRequest {
    SimRequest {
        method: request.method.as_str().into(),
        target: format!("/v1.0{}", request.path),
        headers: request
            .headers
            .iter()
            .cloned()
            .chain([("Authorization".into(), format!("Bearer {token}"))])
            .collect(),
        body: request.body.clone().unwrap_or_default(),
        origin: ORIGIN.into(),
    }
}

/// What the simulator answers `incoming` at `now_ms`. A test that expects an answer fails
/// on a dropped connection.
pub fn respond(sim: &mut Simulator, incoming: &SimRequest, now_ms: u64) -> RawResponse {
    match sim.handle(incoming, now_ms) {
        SimOutcome::Respond(response) => response,
        SimOutcome::Drop => panic!("dropped: {} {}", incoming.method, incoming.target),
    }
}

/// What the simulator answers `request` from a shell holding `token`, at `now_ms`.
pub fn answer(
    sim: &mut Simulator,
    request: &GraphRequest,
    token: &str,
    now_ms: u64,
) -> RawResponse {
    respond(sim, &sim_request(request, token), now_ms)
}

/// An `assignLicense` body that adds `sku` with the plans `off` turned off.
pub fn add_license(sku: &str, off: &[&str]) -> AssignLicenseBody {
    AssignLicenseBody {
        add_licenses: vec![AssignedLicense {
            sku_id: g(sku),
            disabled_plans: off.iter().map(|plan| g(plan)).collect(),
        }],
        remove_licenses: vec![],
    }
}

/// An `assignLicense` body that removes `sku`.
pub fn remove_license(sku: &str) -> AssignLicenseBody {
    AssignLicenseBody {
        add_licenses: vec![],
        remove_licenses: vec![g(sku)],
    }
}

/// The change that adds `sku` with the plans `off` turned off.
pub fn add_sku(sku: &str, off: &[&str]) -> Change {
    Change::Add {
        sku: g(sku),
        disabled_plans: off.iter().map(|plan| g(plan)).collect(),
    }
}

/// The change that turns `plan` of `sku` on (`enabled`) or off.
pub fn set_plan(sku: &str, plan: &str, enabled: bool) -> Change {
    Change::SetPlan {
        sku: g(sku),
        plan: g(plan),
        enabled,
    }
}

/// The `n`th of a small set of well-formed ids, of whichever kind the test needs: the
/// property tests draw SKUs, plans, groups and users from such sets.
pub fn numbered<T: for<'a> From<&'a str>>(n: u8) -> T {
    g(&format!("00000000-0000-4000-8000-0000000000{n:02x}"))
}

/// Drives `workflow` against `sim` until it finishes or waits for the admin, starting at
/// `now_ms`: every request is answered at once, and time jumps to each wake-up asked
/// for. Returns every effect, in order. For tests that care about what a workflow
/// decides, not how fast it goes (the paced driver of the engine's tests does that).
pub fn drive<W: Workflow>(
    sim: &mut Simulator,
    workflow: &mut W,
    token: &str,
    mut now_ms: u64,
) -> Vec<W::Effect>
where
    W::Effect: Clone,
{
    let mut seen = Vec::new();
    let mut signals = std::collections::VecDeque::from([Signal::Start]);
    let mut wake: Option<u64> = None;
    // A workflow waiting for the admin asks for nothing more; stop there.
    for _ in 0..100_000 {
        let Some(signal) = signals.pop_front().or_else(|| {
            wake.take().map(|at| {
                now_ms = now_ms.max(at);
                Signal::Timer
            })
        }) else {
            break;
        };
        let Some(event) = W::event(signal) else {
            continue;
        };
        for effect in workflow.step(now_ms, event) {
            match W::duty(&effect) {
                Duty::Send(Outgoing { id, request }) => {
                    let outcome = match sim.handle(&sim_request(request, token), now_ms) {
                        SimOutcome::Respond(response) => Outcome::Answered(response),
                        SimOutcome::Drop => Outcome::Dropped,
                    };
                    signals.push_back(Signal::Response { id: *id, outcome });
                }
                Duty::WakeAt(at) => wake = Some(at),
                _ => {}
            }
            seen.push(effect);
        }
        if workflow.is_finished() {
            break;
        }
    }
    seen
}
