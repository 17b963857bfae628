//! The "Groups" screen's reads against the demo tenant: groups with license errors
//! first, every member with errors read page by page, and each member's errors named.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::ids::{GroupId, SkuId};
use license_desk_core::graph::model::{AssignmentError, Group, ODataPage, ProcessingState, User};
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request::{self, ApiVersion, GraphEndpoint, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::groups::list::{group_label, member_problems, overview};
use license_desk_sim::fixtures::{answer, fresh_token, NOW};
use license_desk_sim::seed::*;
use license_desk_sim::{SimConfig, Simulator};

fn send(sim: &mut Simulator, request: &GraphRequest) -> RawResponse {
    answer(sim, request, &fresh_token(NOW), NOW)
}

/// Every item of a listing, following `@odata.nextLink` as the shell does.
fn all<T: serde::de::DeserializeOwned>(
    sim: &mut Simulator,
    first: GraphRequest,
) -> (Vec<T>, usize) {
    let endpoint = GraphEndpoint::parse("http://127.0.0.1:9", ApiVersion::V1).unwrap();
    let mut paging = Paging::start(endpoint, &first);
    let mut items = Vec::new();
    let mut next = Some(first);
    while let Some(request) = next {
        let response = send(sim, &request);
        assert_eq!(response.status, 200, "{}: {}", request.path, response.body);
        let page: ODataPage<T> = response.parse().unwrap();
        items.extend(page.value);
        next = paging
            .follow(page.next_link.as_deref(), response.header("request-id"))
            .unwrap();
    }
    (items, paging.pages())
}

#[test]
fn groups_with_errors_come_first_and_every_member_with_errors_is_explained() {
    let mut sim = Simulator::new(SimConfig::default());
    let (failing, _) = all::<Group>(&mut sim, request::groups_with_license_errors());
    let (every, _) = all::<Group>(&mut sim, request::groups_with_licenses(2));
    let rows = overview(&failing, &every);
    let names: Vec<String> = rows.iter().map(|r| group_label(&r.group)).collect();
    let failing_rows = rows.iter().take_while(|r| r.has_errors).count();
    assert_eq!(failing_rows, failing.len(), "{names:?}");
    assert!(failing_rows >= 1 && failing_rows < rows.len(), "{names:?}");
    let executives = rows
        .iter()
        .find(|r| r.group.id == GroupId::new(GROUP_EXECUTIVES))
        .expect("Executives listed");
    assert!(executives.has_errors);
    assert_eq!(executives.group.assigned_licenses.len(), 2);
    assert_eq!(
        executives
            .group
            .license_processing_state
            .as_ref()
            .map(|p| p.state.clone()),
        Some(ProcessingState::ProcessingComplete)
    );

    for row in rows.iter().filter(|r| r.has_errors) {
        let id = &row.group.id;
        let (one_by_one, pages) =
            all::<User>(&mut sim, request::members_with_license_error_states(id, 1));
        let (at_once, _) = all::<User>(
            &mut sim,
            request::members_with_license_error_states(id, 999),
        );
        assert_eq!(one_by_one, at_once, "paging {}", row.group.id);
        assert_eq!(pages, at_once.len().max(1));
        assert!(!at_once.is_empty());
        for member in &at_once {
            assert!(
                !member_problems(&row.group, member).is_empty(),
                "{:?} listed with errors in {} but none named",
                member.display_name,
                group_label(&row.group)
            );
        }
    }

    let (members, _) = all::<User>(
        &mut sim,
        request::members_with_license_error_states(&GroupId::new(GROUP_EXECUTIVES), 20),
    );
    let isaiah = members
        .iter()
        .find(|m| m.display_name.as_deref() == Some("Isaiah Langer"))
        .expect("Isaiah has errors");
    let problems = member_problems(&executives.group, isaiah);
    assert!(problems
        .iter()
        .any(|p| p.sku == SkuId::new(E5) && p.error == AssignmentError::CountViolation));
}
