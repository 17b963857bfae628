//! The simulator's group licensing (asynchronous, with `licenseProcessingState`) and its
//! tenant-wide reads: unlicensed users (an advanced query), holders of a SKU page by
//! page, and the tenant's subscriptions.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::model::*;
use license_desk_core::graph::request::{self, ApiVersion, GraphEndpoint, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::licensing::subscriptions::{self, AlertKind};
use license_desk_sim::fixtures::{add_license, answer, g, remove_license, token_with, NOW, SCOPES};
use license_desk_sim::seed::*;
use license_desk_sim::{SimConfig, Simulator};

fn endpoint() -> GraphEndpoint {
    GraphEndpoint::parse("http://127.0.0.1:9", ApiVersion::V1).unwrap()
}

/// What the simulator answers at `now` to a token issued at [`NOW`] with `scopes`.
fn send_with(
    sim: &mut Simulator,
    request: &GraphRequest,
    scopes: &[&str],
    now: u64,
) -> RawResponse {
    answer(sim, request, &token_with(scopes, NOW), now)
}

fn send(sim: &mut Simulator, request: &GraphRequest, now: u64) -> RawResponse {
    send_with(sim, request, &SCOPES, now)
}

fn demo() -> Simulator {
    Simulator::new(SimConfig {
        group_processing_ms: 4_000,
        ..SimConfig::default()
    })
}

fn group_at(sim: &mut Simulator, group: &str, now: u64) -> Group {
    send(sim, &request::group_licenses(&g(group)), now)
        .parse()
        .unwrap()
}

fn members(sim: &mut Simulator, group: &str, now: u64) -> Vec<User> {
    let page: ODataPage<User> = send(sim, &request::group_member_states(&g(group), 999), now)
        .parse()
        .unwrap();
    page.value
}

fn from_group<'a>(user: &'a User, group: &str) -> Vec<&'a LicenseAssignmentState> {
    user.license_assignment_states
        .iter()
        .filter(|s| s.assigned_by_group == Some(g(group)))
        .collect()
}

#[test]
fn group_license_properties_come_back_only_on_select() {
    let mut sim = demo();
    let plain = send(
        &mut sim,
        &GraphRequest::get(format!("/groups/{GROUP_PROJECT}")),
        NOW,
    );
    let json: serde_json::Value = serde_json::from_str(&plain.body).unwrap();
    assert_eq!(json["displayName"], "Project Managers");
    assert!(json.get("assignedLicenses").is_none(), "{json}");
    assert!(json.get("licenseProcessingState").is_none(), "{json}");
    let listed = send(&mut sim, &request::list_groups(50), NOW);
    assert!(!listed.body.contains("assignedLicenses"));
    let selected = group_at(&mut sim, GROUP_PROJECT, NOW);
    assert_eq!(selected.assigned_licenses.len(), 1);
    assert_eq!(
        selected.license_processing_state.unwrap().state,
        ProcessingState::ProcessingComplete
    );
}

#[test]
fn a_group_change_is_accepted_then_processed_over_the_configured_time() {
    let mut sim = demo();
    let before = members(&mut sim, GROUP_PROJECT, NOW);
    let johanna = |users: &[User]| {
        users
            .iter()
            .find(|u| u.label() == "Johanna Lorenz")
            .cloned()
            .unwrap()
    };
    assert_eq!(
        from_group(&johanna(&before), GROUP_PROJECT)[0].error,
        AssignmentError::DependencyViolation
    );

    // SharePoint (Plan 2) back on: Project Online's dependency is met.
    let write =
        request::group_assign_license(&g(GROUP_PROJECT), &add_license(PROJECT_PREMIUM, &[]));
    let answer = send(&mut sim, &write, NOW);
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(
        answer.header("Location").unwrap(),
        format!(
            "http://127.0.0.1:9/v2/{}/directoryObjects/{GROUP_PROJECT}/Microsoft.DirectoryServices.Group",
            license_desk_sim::DEMO_TENANT_ID
        )
    );
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["id"], GROUP_PROJECT);
    assert_eq!(body["securityEnabled"], true);

    let state = |sim: &mut Simulator, at: u64| {
        group_at(sim, GROUP_PROJECT, at)
            .license_processing_state
            .unwrap()
            .state
    };
    assert_eq!(state(&mut sim, NOW), ProcessingState::QueuedForProcessing);
    assert_eq!(
        state(&mut sim, NOW + 999),
        ProcessingState::QueuedForProcessing
    );
    assert_eq!(
        state(&mut sim, NOW + 1_000),
        ProcessingState::ProcessingInProgress
    );
    // The group shows its new licenses at once; members are not processed yet.
    assert!(
        group_at(&mut sim, GROUP_PROJECT, NOW + 1_000).assigned_licenses[0]
            .disabled_plans
            .is_empty()
    );
    let during = johanna(&members(&mut sim, GROUP_PROJECT, NOW + 3_999));
    assert_eq!(
        from_group(&during, GROUP_PROJECT)[0].error,
        AssignmentError::DependencyViolation
    );
    assert_eq!(
        state(&mut sim, NOW + 4_000),
        ProcessingState::ProcessingComplete
    );
    let after = members(&mut sim, GROUP_PROJECT, NOW + 5_000);
    let johanna_after = johanna(&after);
    let state_after = from_group(&johanna_after, GROUP_PROJECT)[0];
    assert_eq!(state_after.state, AssignmentState::Active);
    assert_eq!(
        state_after.last_updated_date_time.as_deref(),
        Some("2027-01-15T08:00:04Z"),
        "stamped when processing completed"
    );
    // Lidia (usage location AQ) is still refused.
    let lidia = after
        .iter()
        .find(|u| u.label() == "Lidia Holloway")
        .unwrap();
    assert_eq!(
        from_group(lidia, GROUP_PROJECT)[0].error,
        AssignmentError::ProhibitedInUsageLocationViolation
    );
}

#[test]
fn seat_shortage_from_a_group_is_a_count_violation_that_clears_on_reprocess() {
    let mut sim = demo();
    let write = request::group_assign_license(&g(GROUP_SECURITY), &add_license(E5, &[]));
    assert_eq!(send(&mut sim, &write, NOW).status, 202);
    sim.advance(NOW + 4_000);
    let after = members(&mut sim, GROUP_SECURITY, NOW + 4_000);
    let patti = after
        .iter()
        .find(|u| u.label() == "Patti Fernandez")
        .unwrap()
        .clone();
    let e5_of = |user: &User| {
        user.license_assignment_states
            .iter()
            .find(|s| s.sku_id == g(E5))
            .cloned()
            .unwrap()
    };
    assert_eq!(e5_of(&patti).error, AssignmentError::CountViolation);
    assert!(after
        .iter()
        .all(|u| e5_of(u).error == AssignmentError::CountViolation));
    // Diego gives his direct E5 back; a reprocess takes the freed seat.
    let diego = sim
        .tenant()
        .users
        .iter()
        .find(|u| u.display_name == "Diego Siciliani")
        .unwrap()
        .id
        .clone();
    let remove = remove_license(E5);
    let removed = send(
        &mut sim,
        &request::assign_license(diego.as_str(), &remove),
        NOW + 5_000,
    );
    assert_eq!(removed.status, 200, "{}", removed.body);
    let reprocess = request::reprocess_license_assignment(patti.id.as_str());
    assert_eq!(send(&mut sim, &reprocess, NOW + 6_000).status, 200);
    let user: User = send(&mut sim, &request::get_user(patti.id.as_str()), NOW + 6_000)
        .parse()
        .unwrap();
    let e5 = e5_of(&user);
    assert_eq!(e5.state, AssignmentState::Active, "{e5:?}");
    assert_eq!(e5.error, AssignmentError::None);
}

#[test]
fn a_group_change_with_an_unknown_sku_is_refused_and_starts_nothing() {
    let mut sim = demo();
    let write = request::group_assign_license(
        &g(GROUP_PROJECT),
        &add_license("00000000-0000-0000-0000-00000000dead", &[]),
    );
    let answer = send(&mut sim, &write, NOW);
    assert_eq!(answer.status, 400);
    assert!(answer
        .body
        .contains("does not correspond to a valid company License"));
    assert_eq!(
        group_at(&mut sim, GROUP_PROJECT, NOW)
            .license_processing_state
            .unwrap()
            .state,
        ProcessingState::ProcessingComplete
    );
}

#[test]
fn unlicensed_users_need_both_advanced_query_parameters_on_every_page() {
    let mut sim = demo();
    let full = request::unlicensed_users(2);
    let mut bare = full.clone();
    bare.headers.clear();
    let refused = send(&mut sim, &bare, NOW);
    assert_eq!(refused.status, 400);
    let error: ErrorEnvelope = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error.error.code, "Request_UnsupportedQuery");
    assert!(error.error.message.contains("ConsistencyLevel:eventual"));
    let mut no_count = full.clone();
    no_count.path = no_count
        .path
        .replace("%24count=true&", "")
        .replace("$count=true&", "");
    assert!(!no_count.path.contains("count=true"), "{}", no_count.path);
    assert_eq!(send(&mut sim, &no_count, NOW).status, 400);

    let mut users = Vec::new();
    let first: ODataPage<User> = send(&mut sim, &full, NOW).parse().unwrap();
    let total = first.count.expect("@odata.count") as usize;
    assert!(total >= 3, "the demo tenant has unlicensed users: {total}");
    users.extend(first.value);
    let mut next = first.next_link;
    let mut pages = 1;
    while let Some(link) = next {
        let page_request = endpoint().next_page_like(&full, &link).unwrap();
        // The same page without the header is refused.
        let mut headerless = page_request.clone();
        headerless.headers.clear();
        assert_eq!(send(&mut sim, &headerless, NOW).status, 400);
        let page: ODataPage<User> = send(&mut sim, &page_request, NOW).parse().unwrap();
        assert_eq!(page.count, Some(total as u64));
        users.extend(page.value);
        next = page.next_link;
        pages += 1;
    }
    assert_eq!(users.len(), total);
    assert!(pages > 1);
    let tenant_unlicensed = (0..sim.tenant().users.len())
        .filter(|&i| sim.tenant().user_view(i).assigned_licenses.is_empty())
        .count();
    assert_eq!(total, tenant_unlicensed);
    assert!(users.iter().any(|u| u.label() == "Alex Wilber"));
}

#[test]
fn holders_of_a_sku_page_with_the_header_and_show_where_each_comes_from() {
    let mut sim = demo();
    let first_request = request::sku_holders(&g(E3), 5);
    let first: ODataPage<User> = send(&mut sim, &first_request, NOW).parse().unwrap();
    let total = first.count.expect("count with the header") as usize;
    let mut users = first.value;
    let mut next = first.next_link;
    while let Some(link) = next {
        let page: ODataPage<User> = send(
            &mut sim,
            &endpoint().next_page_like(&first_request, &link).unwrap(),
            NOW,
        )
        .parse()
        .unwrap();
        assert_eq!(page.count, Some(total as u64), "every page counts");
        users.extend(page.value);
        next = page.next_link;
    }
    assert_eq!(users.len(), total);
    let holders = license_desk_core::lists::holders::holders_of(&users, &g(E3));
    let counts = license_desk_core::lists::holders::count(&holders);
    assert!(counts.direct >= 3, "{counts:?}");
    assert!(counts
        .by_group
        .get(&g(GROUP_ALL_STAFF))
        .is_some_and(|n| *n > 3));
    assert_eq!(counts.unknown_source, 0);
    // Lee Gu holds E3 both directly and from All Staff: two rows.
    let lee: Vec<_> = holders
        .iter()
        .filter(|h| h.display_name == "Lee Gu")
        .collect();
    assert_eq!(lee.len(), 2);
}

#[test]
fn holders_of_a_sku_include_the_users_a_group_could_not_give_it_to() {
    // Isaiah Langer's E5 from Executives is in error: no seat was left. Entra ID records
    // the intent on the user ("never lost, but is recorded in an error state"), and the
    // holders filter finds him, as Graph's does.
    let mut sim = demo();
    let page: ODataPage<User> = send(&mut sim, &request::sku_holders(&g(E5), 999), NOW)
        .parse()
        .unwrap();
    let isaiah = page
        .value
        .iter()
        .find(|u| u.label() == "Isaiah Langer")
        .expect("a holder in error is listed");
    assert!(isaiah.assigned_licenses.iter().all(|l| l.sku_id != g(E5)));
    let holders = license_desk_core::lists::holders::holders_of(&page.value, &g(E5));
    let row = holders
        .iter()
        .find(|h| h.display_name == "Isaiah Langer")
        .unwrap();
    assert_eq!(row.error, AssignmentError::CountViolation);
}

#[test]
fn subscriptions_show_a_trial_a_grace_period_a_suspension_and_a_lockout() {
    let mut sim = demo();
    let answer = send(&mut sim, &request::directory_subscriptions(), NOW);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let list: ODataPage<CompanySubscription> = answer.parse().unwrap();
    let skus: ODataPage<SubscribedSku> = send(&mut sim, &request::subscribed_skus(), NOW)
        .parse()
        .unwrap();
    // Every SKU's subscriptions are listed, and their seats add up to prepaidUnits.
    for sku in &skus.value {
        let of_sku: Vec<_> = list
            .value
            .iter()
            .filter(|s| s.sku_id == sku.sku_id)
            .collect();
        assert_eq!(
            of_sku.len(),
            sku.subscription_ids.len(),
            "{}",
            sku.sku_part_number
        );
        let seats: Option<i64> = of_sku.iter().map(|s| s.total_licenses).sum();
        let units = &sku.prepaid_units;
        assert_eq!(
            seats,
            [
                units.enabled,
                units.warning,
                units.suspended,
                units.locked_out
            ]
            .into_iter()
            .sum::<Option<i64>>()
        );
    }
    let status_of =
        |status: SubscriptionStatus| list.value.iter().filter(|s| s.status == status).count();
    assert_eq!(status_of(SubscriptionStatus::Warning), 1);
    assert_eq!(status_of(SubscriptionStatus::Suspended), 1);
    assert_eq!(status_of(SubscriptionStatus::LockedOut), 1);
    assert!(skus
        .value
        .iter()
        .any(|s| s.prepaid_units.locked_out > Some(0)));
    assert!(skus
        .value
        .iter()
        .any(|s| s.prepaid_units.suspended > Some(0)));

    let alerts = subscriptions::alerts(&list.value, NOW, subscriptions::ALERT_WINDOW_DAYS);
    let trial = alerts
        .iter()
        .find(|a| a.kind == AlertKind::TrialEnds)
        .expect("a trial ending soon");
    assert_eq!(trial.sku_id, g(PROJECT_PREMIUM));
    assert!(trial.days_left.is_some_and(|d| d <= 30));
    assert!(alerts
        .iter()
        .any(|a| a.kind == AlertKind::InGracePeriod && a.sku_id == g(AAD_P2)));
    assert!(alerts.iter().any(|a| a.kind == AlertKind::Suspended));
    assert!(alerts.iter().any(|a| a.kind == AlertKind::LockedOut));
    // Paid subscriptions renew months away: not flagged.
    assert!(!alerts
        .iter()
        .any(|a| a.kind == AlertKind::EntersGracePeriod));

    // LicenseAssignment.Read.All reads subscribedSkus but not subscriptions.
    for (read, status) in [
        (request::directory_subscriptions(), 403),
        (request::subscribed_skus(), 200),
    ] {
        let answer = send_with(&mut sim, &read, &["LicenseAssignment.Read.All"], NOW);
        assert_eq!(answer.status, status, "{}", read.path);
    }
}
