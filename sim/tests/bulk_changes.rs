//! Bulk changes against the simulator in simulated time: dry runs that send nothing,
//! runs that stop adding a SKU when its seats run out, prerequisites (usage location
//! first, then the license), previews that match what a dry run found, and a replace of
//! 300 users undone back to exactly where they were.
#![cfg(not(target_arch = "wasm32"))]

mod ops_support;

use license_desk_core::bulk::{self, BulkOperation, Preview};
use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::graph::model::{AssignmentState, LicenseAssignmentState};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::effective;
use license_desk_core::licensing::plan::{Change, Warning};
use license_desk_core::ops::{Intent, JournalRecord, Options, Run, RunItem, Status};
use license_desk_sim::fixtures::catalog_of;
use license_desk_sim::fixtures::g;
use license_desk_sim::seed::{self, E3, E5, EMS, PLAN_EXCHANGE_P2, PLAN_SWAY};
use license_desk_sim::{SimConfig, Simulator, Tenant};
use ops_support::Driver;
use std::collections::{BTreeMap, BTreeSet};

/// The bulk tenant, with a direct Office 365 E3 for the users `direct` picks, each with
/// some plans of their own off.
fn tenant_with_direct_e3(seed: u64, users: usize, direct: impl Fn(usize) -> bool) -> Tenant {
    let mut tenant = seed::bulk_tenant(seed, users);
    let catalog = tenant.catalog();
    for (index, user) in tenant.users.iter_mut().enumerate() {
        if !direct(index) {
            continue;
        }
        let disabled = match index % 3 {
            0 => vec![g(PLAN_EXCHANGE_P2)],
            1 => vec![g(PLAN_SWAY)],
            _ => vec![],
        };
        user.states.push(LicenseAssignmentState {
            sku_id: g(E3),
            disabled_plans: disabled,
            state: AssignmentState::Active,
            last_updated_date_time: Some("2026-01-05T09:00:00Z".into()),
            ..LicenseAssignmentState::default()
        });
        effective::sort_states(&mut user.states);
        user.assigned_plans =
            effective::assigned_plans(&user.states, &catalog, &[], "2026-01-05T09:00:00Z");
    }
    tenant.recount();
    tenant
}

fn simulator(seed: u64, tenant: Tenant) -> Simulator {
    Simulator::with_tenant(
        SimConfig {
            seed,
            replication_delay_ms: 1_000,
            ..SimConfig::default()
        },
        tenant,
    )
}

/// Runs `items` to the end on `driver`'s simulator, continuing its clock.
fn run(driver: &mut Driver, items: Vec<RunItem>, options: Options) -> Vec<JournalRecord> {
    let journal = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| JournalRecord::new(index, item))
        .collect();
    run_journal(driver, journal, options)
}

/// Runs a journal to the end, as the bulk screen does (records already ended stay so).
fn run_journal(
    driver: &mut Driver,
    journal: Vec<JournalRecord>,
    options: Options,
) -> Vec<JournalRecord> {
    driver.finished = None;
    driver.journal.clear();
    driver.write_sends.clear();
    let catalog = catalog_of(driver.sim.tenant());
    let mut run = Run::resume(journal, catalog, options);
    driver.start(&mut run);
    driver.run(&mut run);
    assert!(driver.finished.is_some(), "the run finished");
    driver.journal.values().cloned().collect()
}

/// The items adding EMS to every user of `tenant`.
fn add_ems_to_everyone(tenant: &Tenant) -> Vec<RunItem> {
    let operation = BulkOperation::AddLicense {
        sku: g(EMS),
        disabled_plans: vec![],
    };
    operation.items(&upns(tenant))
}

/// A dry run of adding EMS to every user of `tenant`, on a simulator over it.
fn preview_adding_ems(seed: u64, tenant: Tenant) -> (Driver, Vec<JournalRecord>) {
    let items = add_ems_to_everyone(&tenant);
    let mut driver = Driver::new(simulator(seed, tenant), seed);
    let preview_records = run(&mut driver, items, dry());
    (driver, preview_records)
}

fn dry() -> Options {
    Options {
        dry_run: true,
        ..Options::default()
    }
}

fn upns(tenant: &Tenant) -> Vec<String> {
    tenant
        .users
        .iter()
        .map(|u| u.user_principal_name.clone())
        .collect()
}

/// Each user's assignedLicenses and direct assignments, plans sorted.
type Snapshot = BTreeMap<
    String,
    (
        Vec<(SkuId, BTreeSet<PlanId>)>,
        Vec<(SkuId, BTreeSet<PlanId>)>,
    ),
>;

fn snapshot(tenant: &Tenant) -> Snapshot {
    (0..tenant.users.len())
        .map(|index| {
            let user = tenant.user_view(index);
            let mut assigned: Vec<(SkuId, BTreeSet<PlanId>)> = user
                .assigned_licenses
                .iter()
                .map(|l| (l.sku_id.clone(), l.disabled_plans.iter().cloned().collect()))
                .collect();
            assigned.sort();
            let direct: Vec<(SkuId, BTreeSet<PlanId>)> =
                license_desk_core::licensing::plan::direct_licenses(&user)
                    .into_iter()
                    .collect();
            (
                user.user_principal_name.unwrap_or_default(),
                (assigned, direct),
            )
        })
        .collect()
}

fn has_direct(tenant: &Tenant, index: usize, sku: &str) -> bool {
    tenant.users[index]
        .states
        .iter()
        .any(|s| s.is_direct() && s.sku_id == g(sku))
}

#[test]
fn a_dry_run_reads_and_plans_everyone_and_writes_nothing() {
    let tenant = tenant_with_direct_e3(21, 90, |i| i % 2 == 0);
    let before = tenant.users.clone();
    let mut users = upns(&tenant);
    users.push("ghost@contoso.example".into());
    let direct_e3: Vec<usize> = (0..tenant.users.len())
        .filter(|&i| has_direct(&tenant, i, E3))
        .collect();
    let inherited_only = (0..tenant.users.len())
        .filter(|&i| {
            !has_direct(&tenant, i, E3) && tenant.users[i].states.iter().any(|s| s.sku_id == g(E3))
        })
        .count();
    assert!(inherited_only > 0 && direct_e3.len() > 30);
    let operation = BulkOperation::ReplaceLicense {
        from: g(E3),
        to: g(E5),
    };
    let mut driver = Driver::new(simulator(21, tenant), 21);
    let records = run(&mut driver, operation.items(&users), dry());

    assert!(driver.write_sends.is_empty(), "a dry run sends no write");
    assert_eq!(driver.sim.tenant().users, before, "the tenant is untouched");
    let summary = driver.finished.clone().unwrap();
    assert_eq!(summary.writes_sent, 0);
    for record in &records {
        let index = driver.sim.tenant().user_index(&record.item.user);
        match index {
            Some(i) if direct_e3.contains(&i) => {
                assert_eq!(record.status, Status::Planned, "{record:?}");
                let write = record.write.as_ref().expect("the planned write");
                assert!(write.path.ends_with("/assignLicense"));
                assert!(record.note.as_deref().unwrap().contains("Nothing was sent"));
            }
            Some(_) => assert_eq!(record.status, Status::Refused, "{record:?}"),
            None => {
                assert_eq!(record.status, Status::Failed);
                assert_eq!(record.error.as_ref().unwrap().status, Some(404));
            }
        }
    }

    let catalog = catalog_of(driver.sim.tenant());
    let preview = Preview::from_journal(&records, &catalog);
    assert_eq!(preview.total, users.len());
    assert_eq!(preview.will_change, direct_e3.len());
    assert_eq!(preview.refused, users.len() - 1 - direct_e3.len());
    assert_eq!(preview.no_change, 0);
    assert_eq!(preview.not_found, vec!["ghost@contoso.example".to_string()]);
    assert!(preview.failed.is_empty());
    let inherited = preview
        .refusals
        .iter()
        .find(|group| group.reason.contains("inherited from group All Staff"))
        .expect("users who only inherit E3 are skipped with the reason");
    assert_eq!(inherited.users.len(), inherited_only);
    let e5 = preview.seats.iter().find(|s| s.sku == g(E5)).unwrap();
    assert_eq!(e5.needed, direct_e3.len() as i64);
    assert_eq!(e5.name, "Office 365 E5");
    assert!(!preview.seats_short());
    // The exports name every user, the planned body and the reason.
    let csv = bulk::preview_csv(&records, &catalog);
    assert_eq!(csv.lines().count(), users.len() + 1);
    assert!(csv.contains("not found"));
    assert!(csv.contains("addLicenses"));
    let json: serde_json::Value =
        serde_json::from_str(&bulk::preview_json(&records, &catalog)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), users.len());

    // The run keeps every user of the preview: the report has a row for each, the
    // refused and the one not found included.
    let ticked: Vec<Warning> = preview.warnings.iter().map(|w| w.warning.clone()).collect();
    let journal = bulk::run_journal(&records, &ticked, None);
    assert_eq!(journal.len(), users.len());
    let ran = run_journal(&mut driver, journal, Options::default());
    assert_eq!(
        driver.finished.as_ref().unwrap().writes_applied,
        direct_e3.len() as u64
    );
    let report = bulk::report_csv(&ran, &catalog);
    assert_eq!(report.lines().count(), users.len() + 1);
    assert!(report.contains("User not found"), "{report}");
    let counts = bulk::UserCounts::of(&bulk::by_user(&ran));
    assert_eq!(counts.count(Status::Done), direct_e3.len());
    assert_eq!(
        counts.count(Status::Refused),
        users.len() - 1 - direct_e3.len()
    );
    assert_eq!(counts.count(Status::Failed), 1);
    assert!(
        bulk::retry_failed_items(&ran).is_empty(),
        "a user not found is not tried again"
    );
}

#[test]
fn a_reprocess_preview_lists_who_needs_nothing_and_why() {
    let mut sim = Simulator::new(SimConfig {
        bulk_users: 40,
        ..SimConfig::default()
    });
    sim.build_bulk();
    let users: Vec<String> = (1..=40).map(license_desk_sim::bulk::upn).collect();
    let mut driver = Driver::new(sim, 26);
    let records = run(&mut driver, BulkOperation::Reprocess.items(&users), dry());
    let catalog = catalog_of(driver.sim.tenant());
    let preview = Preview::from_journal(&records, &catalog);
    let lone: Vec<&String> = users
        .iter()
        .filter(|upn| {
            let user = driver
                .sim
                .tenant()
                .users
                .iter()
                .find(|u| &&u.user_principal_name == upn)
                .unwrap();
            user.states.iter().all(|s| s.is_direct())
        })
        .collect();
    assert!(!lone.is_empty());
    assert_eq!(preview.no_change, lone.len());
    assert_eq!(preview.will_change, users.len() - lone.len());
    // Said apart: users with only direct licenses, and users with none.
    assert!(!preview.unchanged.is_empty());
    for group in &preview.unchanged {
        assert!(
            group.reason.starts_with("Nothing to reprocess: "),
            "{}",
            group.reason
        );
    }
    assert_eq!(
        preview
            .unchanged
            .iter()
            .map(|g| g.users.len())
            .sum::<usize>(),
        lone.len()
    );
}

#[test]
fn a_run_stops_adding_a_sku_when_its_seats_run_out() {
    let mut tenant = seed::bulk_tenant(22, 20);
    let ems = tenant.skus.iter_mut().find(|s| s.sku_id == g(EMS)).unwrap();
    ems.prepaid_units.enabled = ems.consumed_units.map(|n| n + 5);
    // The first user's write fails (no usage location): its seat is given back.
    tenant.users[0].usage_location = None;
    let mut items = add_ems_to_everyone(&tenant);
    items[0].acknowledged_warnings = vec![Warning::MissingUsageLocation];
    let options = Options {
        stop_when_seats_run_out: true,
        use_batch: false,
        max_in_flight: 1,
        ..Options::default()
    };
    let mut driver = Driver::new(simulator(22, tenant.clone()), 22);
    let records = run(&mut driver, items.clone(), options);
    let count = |status| records.iter().filter(|r| r.status == status).count();
    assert_eq!(count(Status::Failed), 1, "{records:#?}");
    assert_eq!(count(Status::Done), 5);
    // Stopped for seats is a status of its own, not a refusal.
    assert_eq!(count(Status::NoSeats), 14);
    assert_eq!(count(Status::Refused), 0);
    assert_eq!(driver.finished.as_ref().unwrap().writes_sent, 6);
    assert!(
        records.iter().all(|r| r.batch_request_ids.is_empty()),
        "requests sent alone have their own request-ids"
    );
    let users = bulk::UserCounts::of(&bulk::by_user(&records));
    assert_eq!(users.count(Status::NoSeats), 14);
    assert_eq!(users.count(Status::Refused), 0);
    assert!(bulk::aggregate(&records, &catalog_of(driver.sim.tenant()))
        .iter()
        .any(|line| line.ends_with("; 14 stopped: no free seats")));
    for record in records.iter().filter(|r| r.status == Status::NoSeats) {
        let note = record.note.as_deref().unwrap();
        assert!(
            note.starts_with("No free seats of Enterprise Mobility + Security E3 were left, so the run stopped adding it."),
            "{note}"
        );
    }
    let holders = (0..20)
        .filter(|&i| has_direct(driver.sim.tenant(), i, EMS))
        .count();
    assert_eq!(holders, 5);

    // Without the limit every write is sent and Graph refuses what has no seat.
    let mut driver = Driver::new(simulator(22, tenant), 22);
    let records = run(
        &mut driver,
        items,
        Options {
            use_batch: false,
            max_in_flight: 1,
            ..Options::default()
        },
    );
    assert_eq!(driver.finished.as_ref().unwrap().writes_sent, 20);
    assert_eq!(
        records.iter().filter(|r| r.status == Status::Done).count(),
        5
    );
    assert_eq!(
        records
            .iter()
            .filter(|r| r.status == Status::Failed)
            .count(),
        15
    );
}

#[test]
fn users_without_a_usage_location_get_one_first_then_the_license() {
    let mut tenant = seed::bulk_tenant(23, 40);
    for user in tenant.users.iter_mut().step_by(4) {
        user.usage_location = None;
    }
    let (mut driver, preview_records) = preview_adding_ems(23, tenant);
    let catalog = catalog_of(driver.sim.tenant());
    let preview = Preview::from_journal(&preview_records, &catalog);
    assert_eq!(preview.will_change, 40);
    assert_eq!(preview.missing_usage_location.len(), 10);
    let group = preview
        .warnings
        .iter()
        .find(|w| w.warning == Warning::MissingUsageLocation)
        .unwrap();
    assert_eq!(group.users.len(), 10);

    let items = bulk::run_items(&preview_records, &[], Some("gb"));
    assert_eq!(items.len(), 50);
    let records = run(&mut driver, items, Options::default());
    assert!(
        records.iter().all(|r| r.status == Status::Done),
        "{:#?}",
        records
            .iter()
            .filter(|r| r.status != Status::Done)
            .collect::<Vec<_>>()
    );
    for record in records.iter().filter(|r| r.item.prerequisite.is_some()) {
        let first = &records[record.item.prerequisite.unwrap()];
        assert_eq!(first.item.intent, Intent::SetUsageLocation("GB".into()));
        assert_eq!(first.item.user, record.item.user);
        assert!(first.times.finished_ms.unwrap() <= record.times.first_sent_ms.unwrap());
        // Planned from a read taken after the location was set.
        let read = record.before.as_ref().unwrap();
        assert_eq!(read.usage_location.as_deref(), Some("GB"));
        assert!(record.warnings.is_empty(), "{:?}", record.warnings);
    }
    let tenant = driver.sim.tenant();
    for (index, user) in tenant.users.iter().enumerate() {
        assert!(
            has_direct(tenant, index, EMS),
            "{}",
            user.user_principal_name
        );
        if index % 4 == 0 {
            assert_eq!(user.usage_location.as_deref(), Some("GB"));
        }
    }
    // Graph's $batch answers here carry no request-id per item: each record has the
    // batch's, marked as such (a request sent alone has its own).
    assert!(records.iter().all(|r| !r.request_ids.is_empty()));
    assert!(records
        .iter()
        .any(|r| r.request_ids.iter().any(|id| r.is_batch_request_id(id))));
    // Fifty steps, forty users: one row, one count and one report line each.
    let users = bulk::by_user(&records);
    assert_eq!(users.len(), 40);
    assert!(users.iter().all(|u| u.status == Status::Done));
    assert_eq!(users.iter().filter(|u| u.steps.len() == 2).count(), 10);
    assert_eq!(
        bulk::aggregate(&records, &catalog),
        vec![
            "Usage location set to GB; Added Enterprise Mobility + Security E3: 10 users"
                .to_string(),
            "Added Enterprise Mobility + Security E3: 30 users".to_string(),
        ]
    );
    let report = bulk::report_csv(&records, &catalog);
    assert_eq!(report.lines().count(), 41, "{report}");

    // The undo takes every license back; the ten locations can't be, and it says so
    // for each of those users.
    let undo = bulk::undo_journal(&records);
    assert_eq!(undo.len(), 50);
    let preview_records = run_journal(&mut driver, undo, dry());
    let preview = Preview::from_journal(&preview_records, &catalog);
    assert_eq!(preview.will_change, 40);
    assert_eq!(
        preview.changes,
        vec!["Removed Enterprise Mobility + Security E3: 40 users".to_string()]
    );
    assert_eq!(preview.refusals.len(), 1);
    assert_eq!(preview.refusals[0].users.len(), 10);
    assert!(
        preview.refusals[0]
            .reason
            .contains("had no usage location before the run")
            && preview.refusals[0].reason.contains("stays GB"),
        "{}",
        preview.refusals[0].reason
    );
    let undone = run_journal(
        &mut driver,
        bulk::run_journal(&preview_records, &[], None),
        Options::default(),
    );
    assert_eq!(bulk::by_user(&undone).len(), 40);
    let tenant = driver.sim.tenant();
    assert!((0..40).all(|index| !has_direct(tenant, index, EMS)));
}

#[test]
fn an_undo_puts_back_the_usage_locations_the_run_set() {
    let mut tenant = seed::bulk_tenant(27, 6);
    for user in tenant.users.iter_mut() {
        user.usage_location = Some("US".into());
    }
    let users = upns(&tenant);
    let items: Vec<RunItem> = users
        .iter()
        .map(|user| RunItem::new(user.clone(), Intent::SetUsageLocation("FR".into())))
        .collect();
    let mut driver = Driver::new(simulator(27, tenant), 27);
    let records = run(&mut driver, items, Options::default());
    assert!(records.iter().all(|r| r.status == Status::Done));
    assert!(every_usage_location_is(&driver, "FR"));
    let undo = bulk::undo_items(&records);
    assert_eq!(undo.len(), 6);
    assert!(undo
        .iter()
        .all(|item| item.intent == Intent::SetUsageLocation("US".into())));
    let undone = run(&mut driver, undo, Options::default());
    assert!(undone.iter().all(|r| r.status == Status::Done));
    assert!(every_usage_location_is(&driver, "US"));
}

/// Whether every user of the simulated tenant has usage location `code`.
fn every_usage_location_is(driver: &Driver, code: &str) -> bool {
    driver
        .sim
        .tenant()
        .users
        .iter()
        .all(|u| u.usage_location.as_deref() == Some(code))
}

#[test]
fn a_user_who_will_get_no_seat_gets_no_usage_location_either() {
    let mut tenant = seed::bulk_tenant(25, 12);
    let ems = tenant.skus.iter_mut().find(|s| s.sku_id == g(EMS)).unwrap();
    ems.prepaid_units.enabled = ems.consumed_units.map(|n| n + 3);
    for user in tenant.users.iter_mut() {
        user.usage_location = None;
    }
    let (mut driver, preview_records) = preview_adding_ems(25, tenant);
    let items = bulk::run_items(&preview_records, &[], Some("GB"));
    let options = Options {
        stop_when_seats_run_out: true,
        use_batch: false,
        max_in_flight: 1,
        ..Options::default()
    };
    let records = run(&mut driver, items, options);
    let tenant = driver.sim.tenant();
    let located = tenant
        .users
        .iter()
        .filter(|u| u.usage_location.as_deref() == Some("GB"))
        .count();
    let holders = (0..12).filter(|&i| has_direct(tenant, i, EMS)).count();
    assert_eq!(holders, 3);
    assert_eq!(located, 3, "only the users who got a seat got a location");
    let stopped = records
        .iter()
        .filter(|r| r.status == Status::NoSeats)
        .count();
    assert_eq!(
        stopped, 18,
        "nine locations and the nine licenses after them"
    );
    // In users: three done, nine stopped for seats, none refused.
    let users = bulk::UserCounts::of(&bulk::by_user(&records));
    assert_eq!(users.total, 12);
    assert_eq!(users.count(Status::Done), 3);
    assert_eq!(users.count(Status::NoSeats), 9);
    // Retrying takes both steps of each user stopped, in order.
    let retry = bulk::retry_failed_items(&records);
    assert_eq!(retry.len(), 18);
    assert!(retry
        .iter()
        .enumerate()
        .all(|(at, item)| item.prerequisite.is_none_or(|first| first + 1 == at)));
}

#[test]
fn a_failed_or_invalid_prerequisite_refuses_the_change_with_the_reason() {
    let mut tenant = seed::bulk_tenant(24, 4);
    tenant.users[0].usage_location = None;
    tenant.users[2].usage_location = None;
    let users = upns(&tenant);
    let add = Intent::Change(vec![Change::Add {
        sku: g(EMS),
        disabled_plans: vec![],
    }]);
    let items = vec![
        RunItem::new(users[0].clone(), Intent::SetUsageLocation("GBR".into())),
        RunItem::new(users[0].clone(), add.clone()).after(0),
        RunItem::new(users[1].clone(), add.clone()).after(5),
        RunItem::new(users[2].clone(), Intent::SetUsageLocation("fr".into())),
        RunItem::new(users[2].clone(), add.clone()).after(3),
        // Waits on an item that is itself refused.
        RunItem::new(users[3].clone(), add).after(1),
    ];
    let mut driver = Driver::new(simulator(24, tenant), 24);
    let records = run(&mut driver, items, Options::default());
    let statuses: Vec<Status> = records.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![
            Status::Refused,
            Status::Refused,
            Status::Refused,
            Status::Done,
            Status::Done,
            Status::Refused
        ]
    );
    let note = records[1].note.as_deref().unwrap();
    assert!(
        note.contains("had to come first") && note.contains("ended refused"),
        "{note}"
    );
    assert!(note.contains("not a two-letter country code"), "{note}");
    assert!(records[2]
        .note
        .as_deref()
        .unwrap()
        .contains("not an earlier item"));
    assert!(
        records[1].before.is_none(),
        "never read: nothing was planned"
    );
    let tenant = driver.sim.tenant();
    assert!(!has_direct(tenant, 0, EMS));
    assert!(!has_direct(tenant, 1, EMS));
    assert!(has_direct(tenant, 2, EMS));
    assert!(!has_direct(tenant, 3, EMS));
    assert_eq!(tenant.users[2].usage_location.as_deref(), Some("FR"));
    // Retrying takes the failed step again with what waited on it, in order.
    let retry = bulk::retry_failed_items(&records);
    assert!(retry.is_empty(), "refusals are not failures: {retry:?}");
}

#[test]
fn three_hundred_users_replaced_then_undone_end_exactly_as_before() {
    let tenant = tenant_with_direct_e3(25, 300, |_| true);
    let original = snapshot(&tenant);
    let users = upns(&tenant);
    let operation = BulkOperation::ReplaceLicense {
        from: g(E3),
        to: g(E5),
    };
    let mut driver = Driver::new(simulator(25, tenant), 25);
    let preview_records = run(&mut driver, operation.items(&users), dry());
    assert!(driver.write_sends.is_empty());
    let catalog: Catalog = catalog_of(driver.sim.tenant());
    let preview = Preview::from_journal(&preview_records, &catalog);
    assert_eq!(preview.will_change, 300, "{:?}", preview.refusals);
    let ticked: Vec<Warning> = preview.warnings.iter().map(|w| w.warning.clone()).collect();
    let items = bulk::run_items(&preview_records, &ticked, None);
    assert_eq!(items.len(), 300);

    let records = run(&mut driver, items, Options::default());
    assert!(records.iter().all(|r| r.status == Status::Done));
    let tenant = driver.sim.tenant();
    for (index, user) in tenant.users.iter().enumerate() {
        assert!(!has_direct(tenant, index, E3));
        let e5 = user
            .states
            .iter()
            .find(|s| s.is_direct() && s.sku_id == g(E5))
            .expect("E5 assigned directly");
        // Plans the user had off in E3 are off in E5 too.
        let off: BTreeSet<&PlanId> = e5.disabled_plans.iter().collect();
        match index % 3 {
            0 => assert!(off.contains(&g::<PlanId>(PLAN_EXCHANGE_P2))),
            1 => assert!(off.contains(&g::<PlanId>(PLAN_SWAY))),
            _ => {}
        }
    }
    let lines = bulk::aggregate(&records, &catalog);
    assert_eq!(
        lines,
        vec!["Office 365 E3 → Office 365 E5: 300 users".to_string()]
    );
    assert_eq!(
        bulk::change_summary(&records[0], &catalog),
        "Office 365 E3 → Office 365 E5"
    );
    let report = bulk::report_csv(&records, &catalog);
    assert_eq!(report.lines().count(), 301);
    assert!(report.contains("2027-01-15T08:"));

    let undo = bulk::undo_items(&records);
    assert_eq!(undo.len(), 300);
    // The undo's preview says the change it makes, not the original's.
    let undo_preview = run(&mut driver, undo.clone(), dry());
    assert_eq!(
        Preview::from_journal(&undo_preview, &catalog).changes,
        vec!["Office 365 E5 → Office 365 E3: 300 users".to_string()]
    );
    let undone = run(&mut driver, undo, Options::default());
    assert!(
        undone.iter().all(|r| r.status == Status::Done),
        "{:#?}",
        undone.iter().find(|r| r.status != Status::Done)
    );
    assert_eq!(snapshot(driver.sim.tenant()), original);
}
