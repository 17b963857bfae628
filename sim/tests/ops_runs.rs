//! Whole runs against the simulator in simulated time: a token that expires halfway, a
//! journal cut at any point and resumed, and random fault schedules. Whatever happens,
//! every item ends in a final state and no write is applied twice.
#![cfg(not(target_arch = "wasm32"))]

mod ops_support;

use license_desk_core::graph::ids::SkuId;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::plan::Change;
use license_desk_core::ops::{
    Event, Intent, JournalRecord, Options, PauseReason, Run, RunItem, Status, WriteBudget,
};
use license_desk_sim::fixtures::{catalog_of, expired_token, fresh_token};
use license_desk_sim::seed::{self, EMS};
use license_desk_sim::{SimConfig, Simulator};
use ops_support::{assert_paced, Driver, Fault, ALL_FAULTS, T0};
use proptest::prelude::*;

const BUDGET: WriteBudget = WriteBudget {
    writes: 30,
    window_ms: 15_000,
};

/// Mostly EMS assignments, with some reprocessing and usage-location changes.
fn intent_for(index: usize) -> Intent {
    match index % 10 {
        0 => Intent::Reprocess,
        1 => Intent::SetUsageLocation("jp".into()),
        _ => Intent::Change(vec![Change::Add {
            sku: SkuId::new(EMS),
            disabled_plans: vec![],
        }]),
    }
}

struct Setup {
    sim: Simulator,
    items: Vec<RunItem>,
    catalog: Catalog,
    options: Options,
}

fn setup(seed: u64, users: usize, use_batch: bool, budget: WriteBudget) -> Setup {
    let tenant = seed::bulk_tenant(seed, users);
    let items = tenant
        .users
        .iter()
        .enumerate()
        .map(|(index, user)| RunItem::new(user.user_principal_name.clone(), intent_for(index)))
        .collect();
    let catalog = catalog_of(&tenant);
    let sim = Simulator::with_tenant(
        SimConfig {
            seed,
            replication_delay_ms: 1_500,
            write_quota: budget.writes,
            write_window_ms: budget.window_ms,
            ..SimConfig::default()
        },
        tenant,
    );
    let options = Options {
        write_budget: budget,
        max_in_flight: 3,
        settle_timeout_ms: 5_000,
        use_batch,
        jitter_seed: seed,
        ..Options::default()
    };
    Setup {
        sim,
        items,
        catalog,
        options,
    }
}

/// What must hold once a run has finished, whatever went wrong on the way.
fn assert_outcome(driver: &Driver, journal: &[JournalRecord]) {
    let tenant = driver.sim.tenant();
    for record in journal {
        let user = &tenant.users[record.index];
        let applied = driver
            .applied
            .get(&user.id.as_str().to_ascii_lowercase())
            .copied()
            .unwrap_or(0);
        assert!(applied <= 1, "{} written {applied} times", record.item.user);
        match record.status {
            Status::Done => {
                assert_eq!(applied, 1, "{record:?}");
                match &record.item.intent {
                    Intent::Change(_) => assert!(user
                        .states
                        .iter()
                        .any(|s| s.is_direct() && s.sku_id == SkuId::new(EMS))),
                    Intent::SetUsageLocation(_) => {
                        assert_eq!(user.usage_location.as_deref(), Some("JP"))
                    }
                    Intent::Reprocess => {}
                }
            }
            Status::NoOp => {
                assert_eq!(applied, 0, "{record:?}");
                assert_eq!(record.item.intent, Intent::Reprocess, "{record:?}");
                assert!(
                    user.states.iter().all(|s| s.is_direct()),
                    "only a user with no license from a group has nothing to reprocess"
                );
            }
            Status::Failed | Status::Cancelled | Status::Refused | Status::NoSeats => {
                assert_eq!(applied, 0, "{record:?}")
            }
            Status::Unknown => {}
            Status::Waiting | Status::Sent | Status::Settling => {
                panic!("not final: {record:?}")
            }
            Status::Planned => panic!("only a dry run plans without writing: {record:?}"),
        }
    }
}

fn journal_of(driver: &Driver) -> Vec<JournalRecord> {
    driver.journal.values().cloned().collect()
}

#[test]
fn a_token_expiring_halfway_pauses_the_run_and_a_fresh_token_completes_it() {
    let Setup {
        sim,
        items,
        catalog,
        options,
    } = setup(3, 120, true, BUDGET);
    let total = items.len();
    let mut run = Run::new(items, catalog, options);
    let mut driver = Driver::new(sim, 3);
    driver.start(&mut run);
    driver.run_until(&mut run, |d| d.write_sends.len() >= total / 2);
    driver.token = expired_token(driver.now);
    driver.run(&mut run);

    assert!(driver.finished.is_none(), "waits for a token");
    assert_eq!(run.pause_reason(), Some(PauseReason::NeedsToken));
    assert!(driver.pauses.contains(&PauseReason::NeedsToken));
    assert!(
        driver
            .journal
            .values()
            .all(|r| !matches!(r.status, Status::Failed | Status::Unknown)),
        "a 401 fails no item"
    );
    let waiting = driver
        .journal
        .values()
        .filter(|r| r.status == Status::Waiting)
        .count();
    assert!(waiting > 0);

    driver.now += 120_000;
    driver.token = fresh_token(driver.now);
    driver.event(&mut run, Event::FreshToken);
    driver.run(&mut run);
    let summary = driver
        .finished
        .clone()
        .expect("finished after a fresh token");
    assert_eq!(
        summary.count(Status::Done) + summary.count(Status::NoOp),
        total,
        "{summary:?}"
    );
    assert_outcome(&driver, &journal_of(&driver));
    assert_paced(&driver.write_sends, BUDGET);
}

/// Runs until `cut` steps, drops everything in flight (the tab closed), then resumes
/// from the journal; returns the driver with the combined outcome, and whether the run
/// was cut before it finished.
fn run_with_cut(
    seed: u64,
    users: usize,
    (use_batch, budget): (bool, WriteBudget),
    faults: (f64, Vec<Fault>, f64),
    cut: Option<u64>,
) -> (Driver, bool) {
    let Setup {
        sim,
        items,
        catalog,
        options,
    } = setup(seed, users, use_batch, budget);
    let mut run = Run::new(items, catalog.clone(), options.clone());
    let mut driver = Driver::new(sim, seed);
    (driver.fault_rate, driver.faults, driver.item_fault_rate) = faults;
    driver.start(&mut run);
    let mut first_session = driver.write_sends.len();
    let mut was_cut = false;
    if let Some(cut) = cut {
        driver.run_until(&mut run, |d| d.steps >= cut);
        if driver.finished.is_none() {
            was_cut = true;
            let journal = journal_of(&driver);
            first_session = driver.write_sends.len();
            driver.drop_in_flight();
            driver.now += 30_000;
            run = Run::resume(journal, catalog, options);
            driver.start(&mut run);
        }
    }
    driver.run(&mut run);
    assert!(driver.finished.is_some(), "the run finished");
    let (before_cut, after_cut) = driver.write_sends.split_at(first_session);
    assert_paced(before_cut, budget);
    assert_paced(after_cut, budget);
    (driver, was_cut)
}

#[test]
fn resuming_from_a_journal_cut_at_any_point_writes_nothing_twice() {
    for seed in [5, 6] {
        for use_batch in [true, false] {
            let how = (use_batch, BUDGET);
            let (whole, _) = run_with_cut(seed, 60, how, (0.0, vec![], 0.0), None);
            for fifth in 1..5 {
                let cut = whole.steps * fifth / 5;
                let (driver, was_cut) = run_with_cut(seed, 60, how, (0.0, vec![], 0.0), Some(cut));
                assert!(was_cut, "step {cut} of {}", whole.steps);
                let journal = journal_of(&driver);
                assert_outcome(&driver, &journal);
                let ended = journal
                    .iter()
                    .filter(|r| matches!(r.status, Status::Done | Status::NoOp))
                    .count();
                assert_eq!(ended, 60, "cut at step {cut}: {:?}", driver.finished);
            }
        }
    }
}

fn fault_kinds() -> impl Strategy<Value = Vec<Fault>> {
    proptest::sample::subsequence(ALL_FAULTS.to_vec(), 1..=ALL_FAULTS.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_fault_schedules_lose_no_item_and_write_nothing_twice(
        seed in 0u64..1_000,
        users in 10usize..50,
        use_batch in any::<bool>(),
        writes in 3u32..40,
        fault_rate in 0.0f64..0.3,
        kinds in fault_kinds(),
        item_fault_rate in 0.0f64..0.2,
        cut_at in proptest::option::of(0.0f64..1.0),
    ) {
        // Roughly spread over the run: batched runs take fewer steps.
        let steps = if use_batch { users } else { users * 5 } as f64;
        let cut = cut_at.map(|at| 1 + (at * steps) as u64);
        let budget = WriteBudget { writes, window_ms: 15_000 };
        let (driver, _) = run_with_cut(
            seed,
            users,
            (use_batch, budget),
            (fault_rate, kinds, item_fault_rate),
            cut,
        );
        let journal = journal_of(&driver);
        prop_assert_eq!(journal.len(), users);
        assert_outcome(&driver, &journal);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_single_change_sends_twice_at_most_ends_within_40_s_and_never_writes_twice(
        seed in 0u64..1_000,
        index in 0usize..20,
        fault_rate in 0.0f64..0.7,
        kinds in fault_kinds(),
    ) {
        let tenant = seed::bulk_tenant(seed, 20);
        let user = tenant.users[index].clone();
        let item = RunItem::new(user.user_principal_name.clone(), intent_for(index));
        let catalog = catalog_of(&tenant);
        let sim = Simulator::with_tenant(
            SimConfig {
                seed,
                replication_delay_ms: 500,
                replication_jitter_ms: 400,
                ..SimConfig::default()
            },
            tenant,
        );
        let mut run = Run::new(vec![item], catalog, Options::single_change());
        let mut driver = Driver::new(sim, seed);
        driver.latency_ms = 300;
        driver.timeout_ms = 30_000;
        (driver.fault_rate, driver.faults) = (fault_rate, kinds);
        driver.start(&mut run);
        driver.run(&mut run);
        let summary = driver.finished.clone().expect("the run finished");
        prop_assert!(summary.finished_ms - T0 <= 40_000, "{summary:?}");
        prop_assert!(driver.write_sends.len() <= 2, "{} sends", driver.write_sends.len());
        let applied = driver
            .applied
            .get(&user.id.as_str().to_ascii_lowercase())
            .copied()
            .unwrap_or(0);
        let record = &driver.journal[&0];
        prop_assert!(applied <= 1, "written {applied} times");
        match record.status {
            Status::Done => prop_assert_eq!(applied, 1),
            Status::Failed | Status::NoOp | Status::Refused => prop_assert_eq!(applied, 0),
            Status::Unknown => {}
            other => prop_assert!(false, "not final: {other:?}"),
        }
    }
}
