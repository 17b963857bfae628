//! The change planner never switches a plan back on by accident and never touches
//! inherited licenses.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::ids::{PlanId, SkuId};
use license_desk_core::graph::model::*;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::plan::{
    apply, direct_licenses, plan, switch_plan, Change, Plan, Refusal, Warning,
};
use license_desk_sim::fixtures::{add_sku, g, numbered, set_plan};
use license_desk_sim::seed::*;
use license_desk_sim::{SimConfig, Simulator};
use proptest::prelude::*;

fn tenant() -> (Simulator, Catalog) {
    let sim = Simulator::new(SimConfig::default());
    let catalog = sim.tenant().catalog();
    (sim, catalog)
}

fn user(sim: &Simulator, name: &str) -> User {
    let index = sim
        .tenant()
        .users
        .iter()
        .position(|u| u.display_name == name)
        .unwrap();
    sim.tenant().user_view(index)
}

/// Whether `plan` warns that a plan would be switched on.
fn switches_a_plan_on(plan: &Plan) -> bool {
    plan.warnings
        .iter()
        .any(|w| matches!(w, Warning::PlanSwitchedOn { .. }))
}

#[test]
fn toggling_one_plan_sends_the_complete_merged_list() {
    let (sim, catalog) = tenant();
    let adele = user(&sim, "Adele Vance"); // E3 with Yammer and Sway off
    let plan = plan(&adele, &catalog, &[set_plan(E3, PLAN_EXCHANGE_P2, false)]);
    let body = plan.body.unwrap();
    assert_eq!(body.add_licenses.len(), 1);
    let mut expected = vec![g(PLAN_SWAY), g(PLAN_YAMMER), g(PLAN_EXCHANGE_P2)];
    expected.sort();
    assert_eq!(body.add_licenses[0].disabled_plans, expected);
    assert!(body.remove_licenses.is_empty());
    assert!(plan.warnings.is_empty());
}

#[test]
fn re_enabling_a_plan_is_a_warning() {
    let (sim, catalog) = tenant();
    let adele = user(&sim, "Adele Vance");
    let plan = plan(&adele, &catalog, &[set_plan(E3, PLAN_SWAY, true)]);
    assert_eq!(
        plan.body.as_ref().unwrap().add_licenses[0].disabled_plans,
        vec![g(PLAN_YAMMER)]
    );
    assert_eq!(
        plan.warnings,
        vec![Warning::PlanSwitchedOn {
            plan: g(PLAN_SWAY),
            off_in: g(E3),
            on_via: g(E3),
        }]
    );
    assert!(plan.warnings[0].describe(&catalog).contains("Sway"));
    // Re-adding the SKU "fresh" would switch both plans back on: both are flagged.
    let readd = license_desk_core::licensing::plan::plan(&adele, &catalog, &[add_sku(E3, &[])]);
    assert_eq!(readd.warnings.len(), 2);
}

#[test]
fn refuses_to_remove_or_change_inherited_only_licenses() {
    let (sim, catalog) = tenant();
    let megan = user(&sim, "Megan Bowen"); // E3 via All Staff only
    let plan = plan(&megan, &catalog, &[Change::Remove { sku: g(E3) }]);
    assert!(plan.body.is_none());
    assert_eq!(
        plan.refusals,
        vec![Refusal::InheritedOnly {
            sku: g(E3),
            groups: vec![g(GROUP_ALL_STAFF)]
        }]
    );
    let catalog = catalog.with_groups(&[Group {
        id: g(GROUP_ALL_STAFF),
        display_name: Some("All Staff".into()),
        ..Default::default()
    }]);
    assert!(plan.refusals[0]
        .describe(&catalog)
        .contains("group All Staff"));
    let toggle = license_desk_core::licensing::plan::plan(
        &megan,
        &catalog,
        &[set_plan(E3, PLAN_SWAY, false)],
    );
    assert!(toggle.body.is_none());
    let absent = license_desk_core::licensing::plan::plan(
        &megan,
        &catalog,
        &[Change::Remove { sku: g(EMS) }],
    );
    assert_eq!(absent.refusals, vec![Refusal::NotAssigned { sku: g(EMS) }]);
}

#[test]
fn removing_the_direct_copy_of_a_doubly_assigned_sku_is_allowed() {
    let (sim, catalog) = tenant();
    let lee = user(&sim, "Lee Gu"); // E3 direct and via All Staff
    let plan = plan(&lee, &catalog, &[Change::Remove { sku: g(E3) }]);
    assert_eq!(plan.body.unwrap().remove_licenses, vec![g(E3)]);
}

#[test]
fn flags_usage_location_seats_company_skus_and_unknown_skus() {
    let (sim, catalog) = tenant();
    let grady = user(&sim, "Grady Archie"); // no usage location
    let plan1 = plan(&grady, &catalog, &[add_sku(POWER_BI_PRO, &[])]);
    assert!(plan1.warnings.contains(&Warning::MissingUsageLocation));
    let alex = user(&sim, "Alex Wilber");
    let e5 = plan(&alex, &catalog, &[add_sku(E5, &[])]);
    assert!(e5.warnings.contains(&Warning::NotEnoughSeats {
        sku: g(E5),
        free: 0
    }));
    let store = plan(&alex, &catalog, &[add_sku(WINDOWS_STORE, &[])]);
    assert!(store.warnings.contains(&Warning::AppliesToCompany {
        sku: g(WINDOWS_STORE)
    }));
    let bogus: SkuId = g("00000000-0000-0000-0000-0000000000aa");
    let unknown = plan(
        &alex,
        &catalog,
        &[Change::Add {
            sku: bogus.clone(),
            disabled_plans: vec![],
        }],
    );
    assert!(unknown
        .warnings
        .contains(&Warning::SkuNotInTenant { sku: bogus }));
    // Holding E3 through a group already consumes the seat: adding it directly needs none.
    let megan = user(&sim, "Megan Bowen");
    let direct_e3 = plan(&megan, &catalog, &[add_sku(E3, &[])]);
    assert!(!direct_e3
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::NotEnoughSeats { .. })));
}

#[test]
fn a_swap_is_one_call_with_both_lists() {
    let (sim, catalog) = tenant();
    let diego = user(&sim, "Diego Siciliani"); // direct E5
    let plan = plan(
        &diego,
        &catalog,
        &[Change::Swap {
            from: g(E5),
            to: g(E3),
            disabled_plans: vec![g(PLAN_SWAY)],
        }],
    );
    let body = plan.body.unwrap();
    assert_eq!(body.remove_licenses, vec![g(E5)]);
    assert_eq!(
        body.add_licenses,
        vec![AssignedLicense {
            sku_id: g(E3),
            disabled_plans: vec![g(PLAN_SWAY)]
        }]
    );
}

#[test]
fn prediction_matches_what_the_simulator_then_shows() {
    let (mut sim, catalog) = tenant();
    let alex = user(&sim, "Alex Wilber");
    let planned = plan(&alex, &catalog, &[add_sku(E3, &[PLAN_SWAY, PLAN_YAMMER])]);
    let predicted = planned.predict(&alex, &catalog, "2026-01-01T00:00:00Z");
    let index = sim
        .tenant()
        .users
        .iter()
        .position(|u| u.display_name == "Alex Wilber")
        .unwrap();
    let tenant = license_desk_sim::tenant::Tenant::clone(sim.tenant());
    let mut tenant = tenant;
    tenant
        .assign_license(
            index,
            planned.body.as_ref().unwrap(),
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    let after = tenant.user_view(index);
    assert!(planned.is_reflected_in(&after));
    assert_eq!(predicted.assigned_licenses, after.assigned_licenses);
    assert_eq!(
        predicted.license_assignment_states,
        after.license_assignment_states
    );
    let _ = &mut sim;
}

// ---- properties ----------------------------------------------------------------

prop_compose! {
    fn direct_state()(skus in proptest::collection::btree_map(0u8..6, proptest::collection::btree_set(10u8..16, 0..4), 0..4))
        -> User {
        User {
            id: numbered(255),
            usage_location: Some("US".into()),
            license_assignment_states: skus.into_iter().map(|(sku, off)| LicenseAssignmentState {
                sku_id: numbered(sku),
                disabled_plans: off.into_iter().map(numbered).collect(),
                ..Default::default()
            }).collect(),
            ..Default::default()
        }
    }
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0u8..6, proptest::collection::vec(10u8..16, 0..3)).prop_map(|(s, off)| Change::Add {
            sku: numbered(s),
            disabled_plans: off.into_iter().map(numbered).collect()
        }),
        (0u8..6, 10u8..16, any::<bool>()).prop_map(|(s, p, enabled)| Change::SetPlan {
            sku: numbered(s),
            plan: numbered(p),
            enabled
        }),
        (0u8..6).prop_map(|s| Change::Remove { sku: numbered(s) }),
        (0u8..6, 0u8..6).prop_map(|(a, b)| Change::Swap {
            from: numbered(a),
            to: numbered(b),
            disabled_plans: vec![]
        }),
    ]
}

proptest! {
    #[test]
    fn a_no_op_intent_produces_no_request(user in direct_state()) {
        let catalog = Catalog::default();
        let mut changes = Vec::new();
        for state in &user.license_assignment_states {
            changes.push(Change::Add { sku: state.sku_id.clone(), disabled_plans: state.disabled_plans.clone() });
            for plan in &state.disabled_plans {
                changes.push(Change::SetPlan { sku: state.sku_id.clone(), plan: plan.clone(), enabled: false });
            }
        }
        let planned = plan(&user, &catalog, &changes);
        prop_assert!(planned.body.is_none());
        prop_assert!(planned.refusals.is_empty());
        prop_assert!(planned.warnings.is_empty());
    }

    #[test]
    fn applying_the_body_yields_exactly_the_intended_state(user in direct_state(), changes in proptest::collection::vec(change(), 1..5)) {
        let catalog = Catalog::default();
        let planned = plan(&user, &catalog, &changes);
        if let Some(body) = &planned.body {
            prop_assert_eq!(apply(&direct_licenses(&user), body), planned.intended.clone());
            // Every SKU sent carries its complete list: nothing disabled now is dropped silently.
            for license in &body.add_licenses {
                let before = direct_licenses(&user).get(&license.sku_id).cloned().unwrap_or_default();
                for plan in before {
                    let kept = license.disabled_plans.contains(&plan);
                    let warned = planned.warnings.iter().any(|w| matches!(w, Warning::PlanSwitchedOn { plan: p, .. } if *p == plan));
                    prop_assert!(kept || warned);
                }
            }
        } else if planned.refusals.is_empty() {
            prop_assert_eq!(direct_licenses(&user), planned.intended.clone());
        }
    }
}

// ---- plans that switch on through another SKU ------------------------------------

#[test]
fn replacing_e3_with_e5_carries_exchange_off_by_name_and_warns_when_turned_on() {
    let (sim, catalog) = tenant();
    let allan = user(&sim, "Allan Deyoung"); // direct E3 with Exchange Online (Plan 2) off
    let carried = license_desk_core::licensing::plan_safety::carried_over_disabled_plans(
        &allan.license_assignment_states,
        &catalog,
        Some(&g(E3)),
        &g(E5),
    );
    assert_eq!(carried, vec![g(PLAN_EXCHANGE_P2)]);
    let safe = plan(
        &allan,
        &catalog,
        &[Change::Swap {
            from: g(E3),
            to: g(E5),
            disabled_plans: carried,
        }],
    );
    assert!(!switches_a_plan_on(&safe));
    assert_eq!(
        safe.body.unwrap().add_licenses[0].disabled_plans,
        vec![g(PLAN_EXCHANGE_P2)]
    );
    // The admin turns Exchange on in E5: a warning naming the plan and both SKUs.
    let on = plan(
        &allan,
        &catalog,
        &[Change::Swap {
            from: g(E3),
            to: g(E5),
            disabled_plans: vec![],
        }],
    );
    let warning = Warning::PlanSwitchedOn {
        plan: g(PLAN_EXCHANGE_P2),
        off_in: g(E3),
        on_via: g(E5),
    };
    assert!(on.warnings.contains(&warning), "{:?}", on.warnings);
    let text = warning.describe(&catalog);
    assert!(text.contains("Exchange Online (Plan 2)"), "{text}");
    assert!(text.contains("Office 365 E3"), "{text}");
    assert!(text.contains("Office 365 E5"), "{text}");
}

#[test]
fn adding_a_sku_that_shares_a_plan_which_is_off_today_is_a_warning() {
    let (sim, catalog) = tenant();
    let allan = user(&sim, "Allan Deyoung");
    let add = plan(&allan, &catalog, &[add_sku(E5, &[])]);
    assert!(add.warnings.contains(&Warning::PlanSwitchedOn {
        plan: g(PLAN_EXCHANGE_P2),
        off_in: g(E3),
        on_via: g(E5),
    }));
    let carried = license_desk_core::licensing::plan_safety::carried_over_disabled_plans(
        &allan.license_assignment_states,
        &catalog,
        None,
        &g(E5),
    );
    let safe = plan(
        &allan,
        &catalog,
        &[Change::Add {
            sku: g(E5),
            disabled_plans: carried,
        }],
    );
    assert!(!switches_a_plan_on(&safe));
}

#[test]
fn a_direct_copy_of_a_group_sku_that_keeps_a_plan_off_is_a_warning() {
    let (sim, catalog) = tenant();
    // E3 via All Staff, in a group assignment that keeps Sway off.
    let mut megan = user(&sim, "Megan Bowen");
    megan.license_assignment_states[0].disabled_plans = vec![g(PLAN_SWAY)];
    assert!(!megan.license_assignment_states[0].is_direct());
    let direct = plan(&megan, &catalog, &[add_sku(E3, &[])]);
    assert!(
        direct.warnings.contains(&Warning::PlanSwitchedOn {
            plan: g(PLAN_SWAY),
            off_in: g(E3),
            on_via: g(E3),
        }),
        "{:?}",
        direct.warnings
    );
    let carried = license_desk_core::licensing::plan_safety::carried_over_disabled_plans(
        &megan.license_assignment_states,
        &catalog,
        None,
        &g(E3),
    );
    assert_eq!(carried, vec![g(PLAN_SWAY)]);
}

#[test]
fn licenses_without_assignment_states_are_never_taken_as_direct() {
    let (sim, catalog) = tenant();
    let mut megan = user(&sim, "Megan Bowen"); // E3 via All Staff only
    megan.license_assignment_states.clear();
    assert!(!megan.assigned_licenses.is_empty());
    assert!(direct_licenses(&megan).is_empty());
    let remove = plan(&megan, &catalog, &[Change::Remove { sku: g(E3) }]);
    assert!(remove.body.is_none());
    assert_eq!(remove.refusals, vec![Refusal::SourcesUnknown]);
}

#[test]
fn a_sku_with_unknown_applies_to_is_a_warning() {
    let (sim, mut catalog) = tenant();
    let alex = user(&sim, "Alex Wilber");
    let sku = catalog
        .skus
        .iter_mut()
        .find(|s| s.sku_id == g(POWER_BI_PRO))
        .unwrap();
    sku.applies_to = AppliesTo::Unknown(String::new());
    let add = plan(&alex, &catalog, &[add_sku(POWER_BI_PRO, &[])]);
    assert!(add.warnings.contains(&Warning::AppliesToUnknown {
        sku: g(POWER_BI_PRO)
    }));
}

/// A tenant of six SKUs whose plans overlap, as real SKUs do.
fn overlapping_catalog(plans: &[Vec<u8>]) -> Catalog {
    Catalog::new(
        plans
            .iter()
            .enumerate()
            .map(|(sku, plans)| SubscribedSku {
                sku_id: numbered(sku as u8),
                applies_to: AppliesTo::User,
                prepaid_units: LicenseUnits {
                    enabled: Some(100),
                    ..Default::default()
                },
                service_plans: plans
                    .iter()
                    .map(|p| ServicePlanInfo {
                        service_plan_id: numbered(*p),
                        service_plan_name: format!("PLAN_{p}"),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
    )
}

/// The user's plans as `assignedLicenses` shows them: `(on, off)`.
fn plans_on_and_off(licenses: &[AssignedLicense], catalog: &Catalog) -> (Vec<PlanId>, Vec<PlanId>) {
    let mut on = Vec::new();
    let mut held = Vec::new();
    for license in licenses {
        for info in catalog
            .sku(&license.sku_id)
            .map(|s| s.service_plans.clone())
            .unwrap_or_default()
        {
            held.push(info.service_plan_id.clone());
            if !license.disabled_plans.contains(&info.service_plan_id) {
                on.push(info.service_plan_id);
            }
        }
    }
    let off = held.into_iter().filter(|p| !on.contains(p)).collect();
    (on, off)
}

prop_compose! {
    fn mixed_state()(
        direct in proptest::collection::btree_map(0u8..6, proptest::collection::btree_set(10u8..16, 0..4), 0..3),
        inherited in proptest::collection::btree_map(0u8..6, proptest::collection::btree_set(10u8..16, 0..4), 0..3),
    ) -> User {
        let mut states: Vec<LicenseAssignmentState> = direct.into_iter().map(|(sku, off)| LicenseAssignmentState {
            sku_id: numbered(sku),
            disabled_plans: off.into_iter().map(numbered).collect(),
            state: AssignmentState::Active,
            ..Default::default()
        }).collect();
        states.extend(inherited.into_iter().map(|(sku, off)| LicenseAssignmentState {
            sku_id: numbered(sku),
            disabled_plans: off.into_iter().map(numbered).collect(),
            assigned_by_group: Some(numbered(200)),
            state: AssignmentState::Active,
            ..Default::default()
        }));
        license_desk_core::licensing::effective::sort_states(&mut states);
        User {
            id: numbered(255),
            usage_location: Some("US".into()),
            assigned_licenses: license_desk_core::licensing::effective::assigned_licenses(&states),
            license_assignment_states: states,
            ..Default::default()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]
    #[test]
    fn every_plan_that_switches_on_in_any_sku_is_an_acknowledged_warning(
        sku_plans in proptest::collection::vec(proptest::collection::vec(10u8..16, 1..5), 6),
        user in mixed_state(),
        changes in proptest::collection::vec(change(), 1..4),
    ) {
        let catalog = overlapping_catalog(&sku_plans);
        let planned = plan(&user, &catalog, &changes);
        // Nothing is sent without a body, so nothing can switch on.
        if planned.body.is_none() {
            return Ok(());
        }
        let predicted = planned.predict(&user, &catalog, "2026-01-01T00:00:00Z");
        let (_, off_before) = plans_on_and_off(&user.assigned_licenses, &catalog);
        let (on_after, _) = plans_on_and_off(&predicted.assigned_licenses, &catalog);
        for plan in off_before.iter().filter(|p| on_after.contains(p)) {
            let warned = planned.warnings.iter().any(|w| w.needs_ack() && matches!(w, Warning::PlanSwitchedOn { plan: p, .. } if p == plan));
            prop_assert!(warned, "plan {} switched on without a warning: {:?}", plan, planned.warnings);
        }
    }
}

#[test]
fn a_plan_switch_replaces_the_last_wish_for_the_plan_and_a_switch_back_leaves_none() {
    let (e3, sway, exchange) = (g(E3), g(PLAN_SWAY), g(PLAN_EXCHANGE_P2));
    let mut changes = vec![add_sku(E5, &[])];
    switch_plan(&mut changes, &e3, &sway, false, true);
    switch_plan(&mut changes, &e3, &exchange, false, true);
    assert_eq!(changes.len(), 3);
    switch_plan(&mut changes, &e3, &sway, true, true);
    assert_eq!(
        changes,
        vec![add_sku(E5, &[]), set_plan(E3, PLAN_EXCHANGE_P2, false)]
    );
    switch_plan(&mut changes, &e3, &exchange, true, false);
    assert_eq!(changes[1], set_plan(E3, PLAN_EXCHANGE_P2, true));
}
