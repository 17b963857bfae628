//! Measures how fast the pure core plans and diffs changes, for the benchmark script.
//! Bulk operations over thousands of users run exactly this per user.
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::licensing::diff::LicenseDiff;
use license_desk_core::licensing::plan::{plan, Change};
use license_desk_sim::seed::{E3, PLAN_SWAY, PLAN_YAMMER};
use license_desk_sim::{SimConfig, Simulator};
use std::time::Instant;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let sim = Simulator::new(SimConfig::default());
    let tenant = sim.tenant();
    let catalog = tenant.catalog();
    let users: Vec<_> = (0..tenant.users.len())
        .map(|i| tenant.user_view(i))
        .collect();
    let changes = [Change::Add {
        sku: SkuId::new(E3),
        disabled_plans: vec![PlanId::new(PLAN_SWAY), PlanId::new(PLAN_YAMMER)],
    }];
    let rounds = 400;
    let started = Instant::now();
    let mut entries = 0;
    for _ in 0..rounds {
        for user in &users {
            let planned = plan(user, &catalog, &changes);
            let predicted = planned.predict(user, &catalog, "2026-01-01T00:00:00Z");
            entries += LicenseDiff::between(user, &predicted, &catalog)
                .entries
                .len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let per_second = (rounds * users.len()) as f64 / seconds;
    println!(
        "Core throughput (plan + predict + diff, native release): {per_second:.0} users/s ({} users in {seconds:.2} s, {entries} diff entries)",
        rounds * users.len()
    );
}

// A host tool: on wasm32 there is nothing to run.
#[cfg(target_arch = "wasm32")]
fn main() {}
