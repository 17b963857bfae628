//! A 10,000-user bulk run against the simulator in simulated time: paced by the write
//! budget, finished near the quota's optimum, and unharmed by injected faults.
#![cfg(not(target_arch = "wasm32"))]

mod ops_support;

use license_desk_core::graph::ids::SkuId;
use license_desk_core::licensing::plan::Change;
use license_desk_core::ops::{Intent, Options, Run, RunItem, Status, WriteBudget};
use license_desk_sim::fixtures::catalog_of;
use license_desk_sim::seed::{self, EMS};
use license_desk_sim::{SimConfig, Simulator};
use ops_support::{assert_paced, Driver, T0};
use std::time::Instant;

const USERS: usize = 10_000;

fn bulk(seed: u64, replication_delay_ms: u64) -> (Simulator, Vec<RunItem>) {
    let tenant = seed::bulk_tenant(seed, USERS);
    let items = tenant
        .users
        .iter()
        .map(|user| {
            RunItem::new(
                user.user_principal_name.clone(),
                Intent::Change(vec![Change::Add {
                    sku: SkuId::new(EMS),
                    disabled_plans: vec![],
                }]),
            )
        })
        .collect();
    let sim = Simulator::with_tenant(
        SimConfig {
            seed,
            replication_delay_ms,
            ..SimConfig::default()
        },
        tenant,
    );
    (sim, items)
}

/// Every user in the tenant holds EMS directly, exactly as planned.
fn assert_all_applied(driver: &Driver) {
    let ems = SkuId::new(EMS);
    for user in &driver.sim.tenant().users {
        assert!(
            user.states
                .iter()
                .any(|s| s.sku_id == ems && s.is_direct() && s.disabled_plans.is_empty()),
            "{} has no direct EMS",
            user.user_principal_name
        );
    }
}

#[test]
fn ten_thousand_assignments_finish_at_the_pace_of_the_write_quota() {
    let cpu = Instant::now();
    let (sim, items) = bulk(7, 2_000);
    let catalog = catalog_of(sim.tenant());
    let options = Options::default();
    let budget = options.write_budget;
    let mut run = Run::new(items, catalog, options);
    let mut driver = Driver::new(sim, 7);
    driver.start(&mut run);
    driver.run(&mut run);
    let cpu_ms = cpu.elapsed().as_millis();

    let summary = driver.finished.clone().expect("the run finished");
    assert_eq!(summary.count(Status::Done), USERS, "{summary:?}");
    assert_eq!(summary.writes_sent, USERS as u64, "no write was sent twice");
    assert!(driver.journal.values().all(|r| r.status == Status::Done));
    assert!(driver.applied.values().all(|&n| n == 1));
    assert_eq!(driver.applied.len(), USERS);
    assert_all_applied(&driver);
    assert_paced(&driver.write_sends, budget);

    let elapsed_ms = summary.finished_ms - T0;
    let (n, w, t) = (USERS as u64, u64::from(budget.writes), budget.window_ms);
    let optimum_ms = n.saturating_sub(w) * t / w;
    let latency_ms = driver.latency_ms + driver.jitter_ms;
    let bound_ms = (optimum_ms + latency_ms) * 11 / 10;
    println!(
        "10,000 assignLicense writes: simulated {:.1} s, quota optimum {:.1} s (+{} ms latency), \
         {} requests, {} throttled, CPU {} ms",
        elapsed_ms as f64 / 1000.0,
        optimum_ms as f64 / 1000.0,
        latency_ms,
        summary.requests_sent,
        summary.throttled,
        cpu_ms
    );
    assert!(elapsed_ms >= optimum_ms, "faster than the quota allows");
    assert!(
        elapsed_ms <= bound_ms,
        "{elapsed_ms} ms is more than 10% over the optimum {optimum_ms} ms + latency"
    );
}

#[test]
fn ten_thousand_assignments_with_five_percent_faults_lose_nothing_and_write_once() {
    let (sim, items) = bulk(11, 1_000);
    let catalog = catalog_of(sim.tenant());
    let options = Options {
        jitter_seed: 11,
        ..Options::default()
    };
    let budget: WriteBudget = options.write_budget;
    let mut run = Run::new(items, catalog, options);
    let mut driver = Driver::new(sim, 11);
    driver.fault_rate = 0.05;
    driver.item_fault_rate = 0.01;
    driver.start(&mut run);
    driver.run(&mut run);

    let summary = driver.finished.clone().expect("the run finished");
    println!(
        "with faults: {} injected, simulated {:.1} s, {} writes sent for {} users, {} throttled",
        driver.faults_injected,
        (summary.finished_ms - T0) as f64 / 1000.0,
        summary.writes_sent,
        USERS,
        summary.throttled
    );
    // One request in twenty fails as a whole, and one applied write in a hundred inside
    // a batch is answered 504.
    assert!(
        driver.faults_injected * 100 >= driver.requests * 4,
        "{} faults in {} requests",
        driver.faults_injected,
        driver.requests
    );
    assert_eq!(summary.count(Status::Done), USERS, "{summary:?}");
    assert_eq!(driver.applied.len(), USERS);
    let twice: Vec<_> = driver.applied.iter().filter(|(_, &n)| n > 1).collect();
    assert!(twice.is_empty(), "written twice: {twice:?}");
    assert_all_applied(&driver);
    assert_paced(&driver.write_sends, budget);
    assert!(driver.journal.values().any(|r| r
        .note
        .as_deref()
        .is_some_and(|n| n.contains("a read shows it was applied"))));
}
