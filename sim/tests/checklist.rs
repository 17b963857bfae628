//! One safety checklist for every kind of run: the same cross-SKU warning (a plan that is
//! off today switched back on through another SKU) stops a user's change, a group's
//! change and a bulk run alike until it is ticked, and only the ticked warnings let the
//! write through.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::bulk::preview::{self, Preview};
use license_desk_core::graph::ids::{GroupId, PlanId, SkuId, UserId};
use license_desk_core::graph::model::User;
use license_desk_core::graph::request::{ApiVersion, GraphEndpoint};
use license_desk_core::groups::change::{self as group_change, GroupChangeOptions, GroupChangeRun};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::checklist::Checklist;
use license_desk_core::licensing::plan::{self, Change, Warning};
use license_desk_core::ops::{Effect, Intent, JournalRecord, Options, Run, RunItem, Status};
use license_desk_sim::fixtures::{catalog_of, drive, fresh_token, g, NOW, ORIGIN};
use license_desk_sim::seed::{self, E3, E5, GROUP_ALL_STAFF, PLAN_EXCHANGE_P2};
use license_desk_sim::{SimConfig, Simulator};

/// The demo tenant, with All Staff's Office 365 E3 keeping Exchange Online off and
/// seats to spare in Office 365 E5.
fn tenant() -> Simulator {
    let mut tenant = seed::demo_tenant(42);
    for sku in &mut tenant.skus {
        if sku.sku_id == g::<SkuId>(E5) {
            sku.prepaid_units.enabled = Some(1_000);
        }
    }
    let all_staff = tenant
        .groups
        .iter_mut()
        .find(|group| group.id == g::<GroupId>(GROUP_ALL_STAFF))
        .expect("All Staff");
    for license in &mut all_staff.licenses {
        if license.sku_id == g::<SkuId>(E3)
            && !license.disabled_plans.contains(&g(PLAN_EXCHANGE_P2))
        {
            license.disabled_plans.push(g(PLAN_EXCHANGE_P2));
        }
    }
    Simulator::with_tenant(SimConfig::default(), tenant)
}

/// Allan Deyoung holds Office 365 E3 directly with Exchange Online (Plan 2) off.
fn allan(sim: &Simulator) -> User {
    let index = sim
        .tenant()
        .users
        .iter()
        .position(|user| user.display_name == "Allan Deyoung")
        .expect("Allan");
    sim.tenant().user_view(index)
}

fn add_e5() -> Vec<Change> {
    vec![Change::Add {
        sku: g(E5),
        disabled_plans: vec![],
    }]
}

/// The warning each screen must show before Exchange Online comes back through E5.
fn exchange_back_through_e5() -> Warning {
    Warning::PlanSwitchedOn {
        plan: g::<PlanId>(PLAN_EXCHANGE_P2),
        off_in: g(E3),
        on_via: g(E5),
    }
}

/// Ticks every warning of the checklist.
fn ticked(mut checklist: Checklist) -> Checklist {
    for warning in checklist.warnings().to_vec() {
        checklist.tick(&warning, true);
    }
    assert!(checklist.may_send());
    checklist
}

fn run_user(
    sim: &mut Simulator,
    user: &UserId,
    catalog: &Catalog,
    acks: Vec<Warning>,
) -> JournalRecord {
    let item = RunItem::new(user.to_string(), Intent::Change(add_e5())).acknowledging(acks);
    let options = Options {
        use_batch: false,
        max_in_flight: 1,
        ..Options::default()
    };
    let mut run = Run::new(vec![item], catalog.clone(), options);
    drive(sim, &mut run, &fresh_token(NOW), NOW);
    run.journal().remove(0)
}

fn writes(effects: &[group_change::Effect]) -> usize {
    effects
        .iter()
        .filter(|effect| {
            matches!(effect, group_change::Effect::Send(sent) if sent.request.method.is_write())
        })
        .count()
}

fn run_group(
    sim: &mut Simulator,
    catalog: &Catalog,
    acks: Vec<Warning>,
) -> Vec<group_change::Effect> {
    let endpoint = GraphEndpoint::parse(ORIGIN, ApiVersion::V1).unwrap();
    let mut run = GroupChangeRun::new(
        endpoint,
        g(GROUP_ALL_STAFF),
        add_e5(),
        catalog.clone(),
        acks,
        GroupChangeOptions::default(),
    );
    drive(sim, &mut run, &fresh_token(NOW), NOW)
}

#[test]
fn the_same_warning_blocks_a_users_change_until_ticked() {
    let mut sim = tenant();
    let catalog = catalog_of(sim.tenant());
    let user = allan(&sim);
    let checklist = Checklist::new(plan::plan(&user, &catalog, &add_e5()).warnings);
    assert!(checklist.warnings().contains(&exchange_back_through_e5()));
    assert!(!checklist.may_send());

    let refused = run_user(&mut sim, &user.id, &catalog, checklist.acknowledged());
    assert_eq!(refused.status, Status::Refused, "{:?}", refused.note);
    assert_eq!(refused.attempts, 0, "nothing was sent");

    let done = run_user(
        &mut sim,
        &user.id,
        &catalog,
        ticked(checklist).acknowledged(),
    );
    assert_eq!(done.status, Status::Done, "{:?}", done.note);
    assert_eq!(done.attempts, 1);
}

#[test]
fn the_same_warning_blocks_a_groups_change_until_ticked() {
    let mut sim = tenant();
    let catalog = catalog_of(sim.tenant());
    let group = sim
        .tenant()
        .groups
        .iter()
        .find(|group| group.id == g::<GroupId>(GROUP_ALL_STAFF))
        .map(|group| license_desk_core::graph::model::Group {
            id: group.id.clone(),
            display_name: Some(group.display_name.clone()),
            assigned_licenses: group.licenses.clone(),
            license_processing_state: None,
        })
        .unwrap();
    let planned = group_change::plan_group(&group, &[], &catalog, &add_e5());
    let checklist = Checklist::new(planned.warnings);
    assert!(checklist.warnings().contains(&exchange_back_through_e5()));
    assert!(!checklist.may_send());

    let stopped = run_group(&mut sim, &catalog, checklist.acknowledged());
    assert!(stopped
        .iter()
        .any(|effect| matches!(effect, group_change::Effect::NeedsAcknowledgement(_))));
    assert_eq!(writes(&stopped), 0, "nothing was sent");

    let sent = run_group(&mut sim, &catalog, ticked(checklist).acknowledged());
    assert_eq!(writes(&sent), 1);
    assert!(sent.iter().any(|effect| matches!(
        effect,
        group_change::Effect::Finished(report) if report.ending == group_change::Ending::Done
    )));
}

#[test]
fn the_same_warning_blocks_a_bulk_run_until_ticked() {
    let mut sim = tenant();
    let catalog = catalog_of(sim.tenant());
    let user = allan(&sim);
    let dry = Options {
        dry_run: true,
        ..Options::default()
    };
    let items = vec![RunItem::new(user.id.to_string(), Intent::Change(add_e5()))];
    let mut preview_run = Run::new(items, catalog.clone(), dry);
    drive(&mut sim, &mut preview_run, &fresh_token(NOW), NOW);
    let records = preview_run.journal();
    let preview = Preview::from_journal(&records, &catalog);
    let checklist = Checklist::new(preview.warnings.iter().map(|group| group.warning.clone()));
    assert!(checklist.warnings().contains(&exchange_back_through_e5()));
    assert!(!checklist.may_send());

    let bulk = |sim: &mut Simulator, acks: &[Warning]| {
        let mut run = Run::new(
            preview::run_items(&records, acks, None),
            catalog.clone(),
            Options::default(),
        );
        let effects = drive(sim, &mut run, &fresh_token(NOW), NOW);
        assert!(effects.iter().any(|e| matches!(e, Effect::Finished(_))));
        run.journal().remove(0)
    };
    let refused = bulk(&mut sim, &checklist.acknowledged());
    assert_eq!(refused.status, Status::Refused, "{:?}", refused.note);
    assert_eq!(refused.attempts, 0, "nothing was sent");
    let done = bulk(&mut sim, &ticked(checklist).acknowledged());
    assert_eq!(done.status, Status::Done, "{:?}", done.note);
}
