//! The planner warns about a missing usage location exactly when the simulator refuses
//! the call for it: one table of cases, each planned and then sent.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::model::*;
use license_desk_core::graph::request;
use license_desk_core::licensing::plan::{plan, Change, Warning};
use license_desk_core::licensing::usage_location::INVALID_USAGE_LOCATION_MESSAGE;
use license_desk_sim::fixtures::{answer, g, token_with, NOW};
use license_desk_sim::seed::{self, FLOW_FREE, POWER_BI_PRO};
use license_desk_sim::{SimConfig, Simulator};

const FLOW_P2_VIRAL: &str = "50e68c76-46c6-4674-81f9-75456511b170";
const SUBJECT: &str = "Alex Wilber";

struct Case {
    name: &'static str,
    location: Option<&'static str>,
    /// Direct assignments the user holds: (SKU, plans off).
    holds: &'static [(&'static str, &'static [&'static str])],
    changes: Vec<Change>,
    refused: bool,
}

fn cases() -> Vec<Case> {
    let add = |sku: &str| Change::Add {
        sku: g(sku),
        disabled_plans: vec![],
    };
    let set_plan = |enabled: bool| Change::SetPlan {
        sku: g(FLOW_FREE),
        plan: g(FLOW_P2_VIRAL),
        enabled,
    };
    vec![
        Case {
            name: "new SKU, no location",
            location: None,
            holds: &[],
            changes: vec![add(FLOW_FREE)],
            refused: true,
        },
        Case {
            name: "held SKU re-sent with a plan turned off, no location",
            location: None,
            holds: &[(FLOW_FREE, &[])],
            changes: vec![set_plan(false)],
            refused: true,
        },
        Case {
            name: "held SKU re-sent with a plan turned on, no location",
            location: None,
            holds: &[(FLOW_FREE, &[FLOW_P2_VIRAL])],
            changes: vec![set_plan(true)],
            refused: true,
        },
        Case {
            name: "removal only, no location",
            location: None,
            holds: &[(FLOW_FREE, &[])],
            changes: vec![Change::Remove { sku: g(FLOW_FREE) }],
            refused: false,
        },
        Case {
            name: "swap, no location",
            location: None,
            holds: &[(FLOW_FREE, &[])],
            changes: vec![Change::Swap {
                from: g(FLOW_FREE),
                to: g(POWER_BI_PRO),
                disabled_plans: vec![],
            }],
            refused: true,
        },
        Case {
            name: "new SKU, empty location",
            location: Some(""),
            holds: &[],
            changes: vec![add(FLOW_FREE)],
            refused: true,
        },
        Case {
            name: "new SKU, three-letter location",
            location: Some("USA"),
            holds: &[],
            changes: vec![add(FLOW_FREE)],
            refused: true,
        },
        Case {
            name: "new SKU, valid location",
            location: Some("US"),
            holds: &[],
            changes: vec![add(FLOW_FREE)],
            refused: false,
        },
        Case {
            name: "held SKU re-sent with a plan turned off, valid location",
            location: Some("NL"),
            holds: &[(FLOW_FREE, &[])],
            changes: vec![set_plan(false)],
            refused: false,
        },
    ]
}

/// The demo tenant with the subject holding `case`'s licenses at `case`'s location.
fn simulator_for(case: &Case) -> Simulator {
    let mut tenant = seed::demo_tenant(42);
    let index = tenant
        .users
        .iter()
        .position(|u| u.display_name == SUBJECT)
        .unwrap();
    let user = &mut tenant.users[index];
    user.usage_location = case.location.map(str::to_string);
    user.states = case
        .holds
        .iter()
        .map(|(sku, off)| LicenseAssignmentState {
            sku_id: g(sku),
            disabled_plans: off.iter().map(|p| g(p)).collect(),
            state: AssignmentState::Active,
            ..Default::default()
        })
        .collect();
    tenant.recount();
    Simulator::with_tenant(SimConfig::default(), tenant)
}

fn send(
    sim: &mut Simulator,
    call: &request::GraphRequest,
) -> license_desk_core::graph::response::RawResponse {
    let bearer = token_with(&["User.ReadWrite.All", "Organization.Read.All"], NOW);
    answer(sim, call, &bearer, NOW)
}

#[test]
fn planner_warns_exactly_when_the_simulator_refuses_for_usage_location() {
    for case in cases() {
        let mut sim = simulator_for(&case);
        let upn = format!("alexw@{}", seed::DOMAIN);
        let user: User = send(&mut sim, &request::get_user(&upn)).parse().unwrap();
        let catalog = sim.tenant().catalog();
        let planned = plan(&user, &catalog, &case.changes);
        let body = planned
            .body
            .unwrap_or_else(|| panic!("{}: nothing to send", case.name));
        let warned = planned.warnings.contains(&Warning::MissingUsageLocation);

        let response = send(&mut sim, &request::assign_license(&upn, &body));
        let refused = response.status == 400
            && GraphError::from_response(&response).message == INVALID_USAGE_LOCATION_MESSAGE;
        if !refused {
            assert_eq!(response.status, 200, "{}: {}", case.name, response.body);
        }

        assert_eq!(
            warned, refused,
            "{}: planner and simulator disagree",
            case.name
        );
        assert_eq!(refused, case.refused, "{}", case.name);
    }
}
