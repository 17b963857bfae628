//! The diff reports every kind of change, keeps direct and inherited apart, and is symmetric.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::ids::PlanId;
use license_desk_core::graph::model::*;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::diff::{AssignmentRef, DiffEntry, LicenseDiff};
use license_desk_sim::fixtures::{g, numbered};
use license_desk_sim::seed::*;
use license_desk_sim::{SimConfig, Simulator};
use proptest::prelude::*;

fn state(
    sku: &str,
    group: Option<&str>,
    state: AssignmentState,
    error: AssignmentError,
    off: &[&str],
) -> LicenseAssignmentState {
    LicenseAssignmentState {
        sku_id: g(sku),
        disabled_plans: off.iter().map(|p| g(p)).collect(),
        assigned_by_group: group.map(g),
        state,
        error,
        last_updated_date_time: None,
    }
}

/// An assignment that is active and has no error.
fn active(sku: &str, group: Option<&str>, off: &[&str]) -> LicenseAssignmentState {
    state(
        sku,
        group,
        AssignmentState::Active,
        AssignmentError::None,
        off,
    )
}

/// A user whose one license is Office 365 E5 from Executives, in `state` with `error`.
fn executives_e5(state_now: AssignmentState, error: AssignmentError) -> User {
    User {
        license_assignment_states: vec![state(E5, Some(GROUP_EXECUTIVES), state_now, error, &[])],
        ..Default::default()
    }
}

fn catalog() -> Catalog {
    let sim = Simulator::new(SimConfig::default());
    sim.tenant().catalog().with_groups(&[Group {
        id: g(GROUP_EXECUTIVES),
        display_name: Some("Executives".into()),
        ..Default::default()
    }])
}

#[test]
fn reports_error_to_active_transitions_in_admin_language() {
    let before = executives_e5(AssignmentState::Error, AssignmentError::CountViolation);
    let after = executives_e5(AssignmentState::Active, AssignmentError::None);
    let diff = LicenseDiff::between(&before, &after, &catalog());
    assert_eq!(diff.entries.len(), 1);
    assert_eq!(
        diff.entries[0].describe(),
        "Office 365 E5 via group Executives: Error (no free seats) → Active"
    );
    match &diff.entries[0] {
        DiffEntry::StateChanged { before, after, .. } => {
            assert_eq!(before.to_string(), "Error/CountViolation");
            assert_eq!(after.to_string(), "Active");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_state_graph_did_not_send_is_called_unknown_not_active() {
    let before = executives_e5(AssignmentState::Error, AssignmentError::CountViolation);
    // Graph answered without `state`; and once with `state: null` but an error.
    let after: User = serde_json::from_value(serde_json::json!({
        "licenseAssignmentStates": [{"skuId": E5, "assignedByGroup": GROUP_EXECUTIVES}]
    }))
    .unwrap();
    let diff = LicenseDiff::between(&before, &after, &catalog());
    assert_eq!(
        diff.entries[0].describe(),
        "Office 365 E5 via group Executives: Error (no free seats) → State unknown (Graph did not say)"
    );
    assert!(diff.to_csv().contains(",Error/CountViolation,unknown\r\n"));
    let erring: User = serde_json::from_value(serde_json::json!({
        "licenseAssignmentStates": [{"skuId": E5, "state": null, "error": "CountViolation"}]
    }))
    .unwrap();
    let diff = LicenseDiff::between(&User::default(), &erring, &catalog());
    assert_eq!(
        diff.entries[0].describe(),
        "Added Office 365 E5 (direct): State unknown (Graph did not say), error: no free seats"
    );
}

#[test]
fn direct_and_inherited_copies_of_one_sku_stay_apart() {
    let both = User {
        license_assignment_states: vec![
            active(E3, None, &[]),
            active(E3, Some(GROUP_ALL_STAFF), &[]),
        ],
        ..Default::default()
    };
    let inherited_only = User {
        license_assignment_states: vec![both.license_assignment_states[1].clone()],
        ..Default::default()
    };
    let diff = LicenseDiff::between(&both, &inherited_only, &catalog());
    assert_eq!(diff.entries.len(), 1);
    assert!(matches!(
        &diff.entries[0],
        DiffEntry::AssignmentRemoved {
            assignment: AssignmentRef {
                source: AssignmentSource::Direct,
                ..
            },
            ..
        }
    ));
    assert_eq!(diff.entries[0].describe(), "Removed Office 365 E3 (direct)");
}

#[test]
fn plans_capabilities_and_usage_location() {
    // E3 held directly with the plans `off`, and Yammer's capability `yammer`.
    let user = |location: Option<&str>, off: &[&str], yammer: CapabilityStatus| User {
        usage_location: location.map(str::to_string),
        license_assignment_states: vec![active(E3, None, off)],
        assigned_plans: vec![AssignedPlan {
            service_plan_id: g(PLAN_YAMMER),
            capability_status: yammer,
            ..Default::default()
        }],
        ..Default::default()
    };
    let before = user(None, &[PLAN_SWAY], CapabilityStatus::Enabled);
    let after = user(Some("US"), &[PLAN_YAMMER], CapabilityStatus::Deleted);
    let diff = LicenseDiff::between(&before, &after, &catalog());
    let lines: Vec<String> = diff.entries.iter().map(DiffEntry::describe).collect();
    assert_eq!(
        lines,
        vec![
            "Usage location: none → US".to_string(),
            "Sway switched ON in Office 365 E3 (direct)".to_string(),
            "Yammer Enterprise switched OFF in Office 365 E3 (direct)".to_string(),
            "Yammer Enterprise: Enabled → Deleted".to_string(),
        ]
    );
    let csv = diff.to_csv();
    assert!(csv.starts_with("change,sku_id,sku,source,plan_id,plan,before,after\r\n"));
    assert!(csv.contains(&format!(
        "plan switched,{E3},Office 365 E3,Direct,{PLAN_SWAY},Sway,off,on"
    )));
    let json: serde_json::Value = serde_json::from_str(&diff.to_json()).unwrap();
    assert_eq!(json["entries"][0]["change"], "usageLocationChanged");
    assert_eq!(json["entries"][1]["planName"], "Sway");
}

#[test]
fn csv_quotes_and_defuses_formulas() {
    let before = User {
        usage_location: Some("=HYPERLINK(\"x\")".into()),
        ..Default::default()
    };
    let diff = LicenseDiff::between(&before, &User::default(), &Catalog::default());
    assert!(diff.to_csv().contains("\"'=HYPERLINK(\"\"x\"\")\""));
}

// ---- properties ----------------------------------------------------------------

fn any_state() -> impl Strategy<Value = LicenseAssignmentState> {
    (
        0u8..4,
        proptest::option::of(20u8..22),
        0usize..4,
        0usize..3,
        proptest::collection::vec(10u8..14, 0..3),
    )
        .prop_map(|(sku, group, st, err, off)| LicenseAssignmentState {
            sku_id: numbered(sku),
            assigned_by_group: group.map(numbered),
            state: [
                AssignmentState::Active,
                AssignmentState::Error,
                AssignmentState::Disabled,
                AssignmentState::ActiveWithError,
            ][st]
                .clone(),
            error: [
                AssignmentError::None,
                AssignmentError::CountViolation,
                AssignmentError::Other,
            ][err]
                .clone(),
            disabled_plans: {
                let mut v: Vec<PlanId> = off.into_iter().map(numbered).collect();
                v.sort();
                v.dedup();
                v
            },
            last_updated_date_time: None,
        })
}

prop_compose! {
    fn any_user()(states in proptest::collection::vec(any_state(), 0..6),
                  plans in proptest::collection::btree_map(30u8..34, 0usize..3, 0..4),
                  location in proptest::option::of(prop_oneof![Just("US".to_string()), Just("GB".to_string())])) -> User {
        let mut seen = std::collections::BTreeSet::new();
        User {
            usage_location: location,
            license_assignment_states: states.into_iter().filter(|s| seen.insert((s.sku_id.clone(), s.source()))).collect(),
            assigned_plans: plans.into_iter().map(|(p, s)| AssignedPlan {
                service_plan_id: numbered(p),
                capability_status: [CapabilityStatus::Enabled, CapabilityStatus::Deleted, CapabilityStatus::Suspended][s].clone(),
                ..Default::default()
            }).collect(),
            ..Default::default()
        }
    }
}

proptest! {
    #[test]
    fn the_diff_of_a_state_with_itself_is_empty(user in any_user()) {
        prop_assert!(LicenseDiff::between(&user, &user, &Catalog::default()).is_empty());
    }

    #[test]
    fn b_to_a_is_the_inverse_of_a_to_b(a in any_user(), b in any_user()) {
        let catalog = Catalog::default();
        let forward = LicenseDiff::between(&a, &b, &catalog);
        let backward = LicenseDiff::between(&b, &a, &catalog);
        prop_assert_eq!(backward, forward.inverse());
    }
}
