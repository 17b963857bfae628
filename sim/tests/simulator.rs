//! The simulated tenant follows Graph's rules, messages and quirks.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::auth::token::{self, Claims};
use license_desk_core::graph::error::{BusinessRule, ErrorKind, GraphError};
use license_desk_core::graph::ids::PlanId;
use license_desk_core::graph::model::*;
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_sim::fixtures::{
    add_license, fresh_token, g, remove_license, respond, sim_request, token_with, NOW, SCOPES,
};
use license_desk_sim::seed::*;
use license_desk_sim::{SimConfig, SimOutcome, Simulator, ThrottleModel};

/// What the simulator answers `request` at `now` from a shell holding `bearer`; an empty
/// bearer sends no `Authorization` header at all.
fn send_as(sim: &mut Simulator, request: &GraphRequest, bearer: &str, now: u64) -> RawResponse {
    let mut incoming = sim_request(request, bearer);
    if bearer.is_empty() {
        incoming.headers.retain(|(name, _)| name != "Authorization");
    }
    respond(sim, &incoming, now)
}

fn send(sim: &mut Simulator, request: &GraphRequest) -> RawResponse {
    send_as(sim, request, &fresh_token(NOW), NOW)
}

fn sim() -> Simulator {
    Simulator::new(SimConfig::default())
}

/// A simulator with `config`, and a token with every permission.
fn configured(config: SimConfig) -> (Simulator, String) {
    (Simulator::new(config), fresh_token(NOW))
}

fn upn(name: &str) -> String {
    let mut parts = name.split(' ');
    let first = parts.next().unwrap().to_lowercase();
    let last = parts
        .next()
        .unwrap()
        .chars()
        .next()
        .unwrap()
        .to_ascii_lowercase();
    format!("{first}{last}@{DOMAIN}")
}

/// The user called `name`, read at `now` with `bearer`.
fn user_as(sim: &mut Simulator, name: &str, bearer: &str, now: u64) -> User {
    send_as(sim, &request::get_user(&upn(name)), bearer, now)
        .parse()
        .unwrap()
}

fn get_user(sim: &mut Simulator, name: &str) -> User {
    user_as(sim, name, &fresh_token(NOW), NOW)
}

/// The user's assignment of `sku`.
fn state_of<'a>(user: &'a User, sku: &str) -> &'a LicenseAssignmentState {
    user.license_assignment_states
        .iter()
        .find(|s| s.sku_id == g(sku))
        .unwrap()
}

/// The status Graph answers to reprocessing the licenses of the user called `name`, with
/// `bearer` at `now`.
fn reprocess_as(sim: &mut Simulator, name: &str, bearer: &str, now: u64) -> u16 {
    let reprocess = request::reprocess_license_assignment(&upn(name));
    send_as(sim, &reprocess, bearer, now).status
}

fn assign(sim: &mut Simulator, name: &str, body: &AssignLicenseBody) -> RawResponse {
    send(sim, &request::assign_license(&upn(name), body))
}

fn business_rule(response: &RawResponse) -> (BusinessRule, String) {
    let error = GraphError::from_response(response);
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(
        error.code.as_deref(),
        Some("Request_BadRequest"),
        "{}",
        response.body
    );
    match error.kind {
        ErrorKind::BusinessRule(rule) => (rule, error.message),
        other => panic!("{other:?}: {}", response.body),
    }
}

#[test]
fn seed_tenant_covers_every_situation() {
    let sim = sim();
    let tenant = sim.tenant();
    assert_eq!(tenant.users.len(), 51);
    assert_eq!(tenant.skus.len(), 9);
    assert_eq!(tenant.groups.len(), 4);
    let errors: std::collections::BTreeSet<String> = tenant
        .users
        .iter()
        .flat_map(|u| u.states.iter().map(|s| s.error.to_string()))
        .collect();
    for expected in [
        "CountViolation",
        "DependencyViolation",
        "ProhibitedInUsageLocationViolation",
        "UniquenessViolation",
        "Other",
        "None",
    ] {
        assert!(
            errors.contains(expected),
            "{expected} missing from {errors:?}"
        );
    }
    // No plans are mutually exclusive unless a test injects a conflict.
    assert!(!errors.contains("MutuallyExclusiveViolation"));
    let e3 = tenant.skus.iter().find(|s| s.sku_id == g(E3)).unwrap();
    assert_eq!(e3.free_seats(), 2, "E3 is nearly out of seats");
    let e5 = tenant.skus.iter().find(|s| s.sku_id == g(E5)).unwrap();
    assert_eq!(e5.free_seats(), 0);
    assert!(
        tenant.users.iter().any(|u| u.states.is_empty()),
        "unlicensed users"
    );
    assert!(
        tenant.users.iter().any(|u| u.usage_location.is_none()),
        "missing usage location"
    );
    // Same seed, same tenant; another seed, other fillers.
    assert_eq!(Simulator::new(SimConfig::default()).tenant(), tenant);
    assert_ne!(
        Simulator::new(SimConfig {
            seed: 7,
            ..Default::default()
        })
        .tenant()
        .users,
        tenant.users
    );
}

#[test]
fn license_properties_come_back_only_on_select() {
    let mut sim = sim();
    let plain = send(
        &mut sim,
        &GraphRequest::get(format!("/users/{}", upn("Adele Vance"))),
    );
    let value: serde_json::Value = serde_json::from_str(&plain.body).unwrap();
    assert!(value.get("assignedLicenses").is_none());
    assert!(value.get("businessPhones").is_some());
    let adele = get_user(&mut sim, "Adele Vance");
    assert_eq!(adele.assigned_licenses[0].sku_id, g(E3));
    assert_eq!(adele.usage_location.as_deref(), Some("US"));
    assert!(!adele.assigned_plans.is_empty());
    assert!(plain.header("request-id").is_some());
}

#[test]
fn find_users_filters_and_pages_with_next_links() {
    let mut sim = sim();
    let endpoint = license_desk_core::graph::request::GraphEndpoint::parse(
        "http://127.0.0.1:9",
        license_desk_core::graph::request::ApiVersion::V1,
    )
    .unwrap();
    let found: ODataPage<User> = send(&mut sim, &request::find_users("meg", 10))
        .parse()
        .unwrap();
    assert_eq!(found.value.len(), 1);
    assert_eq!(found.value[0].display_name.as_deref(), Some("Megan Bowen"));
    let by_upn: ODataPage<User> = send(&mut sim, &request::find_users("ALEXW@", 10))
        .parse()
        .unwrap();
    assert_eq!(by_upn.value[0].display_name.as_deref(), Some("Alex Wilber"));
    let mut request = request::find_users("", 20);
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let page: ODataPage<User> = send(&mut sim, &request).parse().unwrap();
        seen += page.value.len();
        pages += 1;
        match page.next_link {
            Some(link) => request = endpoint.next_page(&link).unwrap(),
            None => break,
        }
    }
    assert_eq!((seen, pages), (51, 3));
    let bad = send(
        &mut sim,
        &GraphRequest::get("/users?$filter=endswith(mail,'x')"),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn assign_license_rules_use_graphs_messages() {
    let mut sim = sim();
    let missing = send(
        &mut sim,
        &GraphRequest::post_json(
            format!("/users/{}/assignLicense", upn("Alex Wilber")),
            r#"{"removeLicenses":[]}"#.into(),
        ),
    );
    let (rule, message) = business_rule(&missing);
    assert_eq!(rule, BusinessRule::MissingParameter);
    assert!(message.ends_with("The missing parameters are: addLicenses."));

    let (rule, message) = business_rule(&assign(
        &mut sim,
        "Alex Wilber",
        &AssignLicenseBody::default(),
    ));
    assert_eq!(
        (rule, message.as_str()),
        (
            BusinessRule::NoChanges,
            "No license changes provided. At least one license to add or remove must be specified."
        )
    );

    let bogus = "0ff8c1ad-0000-4000-8000-000000000000";
    let (rule, message) = business_rule(&assign(&mut sim, "Alex Wilber", &add_license(bogus, &[])));
    assert_eq!(
        (rule, message),
        (
            BusinessRule::NotACompanyLicense,
            format!("License {bogus} does not correspond to a valid company License.")
        )
    );

    let (rule, _) = business_rule(&assign(
        &mut sim,
        "Alex Wilber",
        &add_license(WINDOWS_STORE, &[]),
    ));
    assert_eq!(rule, BusinessRule::NotAssignableToUser);

    let (rule, message) = business_rule(&assign(
        &mut sim,
        "Grady Archie",
        &add_license(POWER_BI_PRO, &[]),
    ));
    assert_eq!(
        (rule, message.as_str()),
        (
            BusinessRule::InvalidUsageLocation,
            "License assignment cannot be done for user with invalid usage location."
        )
    );

    let (rule, message) = business_rule(&assign(&mut sim, "Alex Wilber", &add_license(E5, &[])));
    assert_eq!(
        (rule, message),
        (
            BusinessRule::NoAvailableLicenses,
            format!("Subscription with SKU {E5} does not have any available licenses.")
        )
    );

    let remove = remove_license(E3);
    let (rule, _) = business_rule(&assign(&mut sim, "Megan Bowen", &remove));
    assert_eq!(rule, BusinessRule::InheritedLicense);

    let (rule, message) = business_rule(&assign(
        &mut sim,
        "Alex Wilber",
        &add_license(PROJECT_PREMIUM, &[PLAN_SHAREPOINT_P2]),
    ));
    assert_eq!(rule, BusinessRule::DependentPlan);
    assert_eq!(message, format!("License assignment failed because service plan {PLAN_SHAREPOINT_PROJECT} depends on the service plan(s) {PLAN_SHAREPOINT_P2}"));

    let not_guid = send(
        &mut sim,
        &GraphRequest::post_json(
            format!("/users/{}/assignLicense", upn("Alex Wilber")),
            r#"{"addLicenses":[{"skuId":"E3","disabledPlans":[]}],"removeLicenses":[]}"#.into(),
        ),
    );
    assert_eq!(business_rule(&not_guid).0, BusinessRule::InvalidGuid);
}

fn enabled_plans(user: &User) -> Vec<PlanId> {
    user.assigned_plans
        .iter()
        .filter(|p| p.capability_status == CapabilityStatus::Enabled)
        .map(|p| p.service_plan_id.clone())
        .collect()
}

#[test]
fn demo_tenant_lets_a_user_hold_both_exchange_plans() {
    let mut sim = sim();
    // Pradeep holds Exchange Online Plan 1 directly and Plan 2 through All Staff's E3.
    let pradeep = get_user(&mut sim, "Pradeep Gupta");
    assert!(
        pradeep
            .license_assignment_states
            .iter()
            .all(|s| s.state == AssignmentState::Active && !s.error.is_error()),
        "{:?}",
        pradeep.license_assignment_states
    );
    let plans = enabled_plans(&pradeep);
    assert!(plans.contains(&g(PLAN_EXCHANGE_P1)) && plans.contains(&g(PLAN_EXCHANGE_P2)));
    // Adele has E3 (Plan 2) directly; adding Exchange Online (Plan 1) is accepted.
    assert_eq!(
        assign(&mut sim, "Adele Vance", &add_license(EXCHANGE_P1, &[])).status,
        200
    );
    let plans = enabled_plans(&get_user(&mut sim, "Adele Vance"));
    assert!(plans.contains(&g(PLAN_EXCHANGE_P1)) && plans.contains(&g(PLAN_EXCHANGE_P2)));
}

#[test]
fn injected_exclusive_plans_are_refused_directly_and_recorded_by_groups() {
    let mut sim = Simulator::new(SimConfig {
        injected_exclusive_plans: vec![(g(PLAN_EXCHANGE_P1), g(PLAN_EXCHANGE_P2))],
        ..Default::default()
    });
    let (rule, message) = business_rule(&assign(
        &mut sim,
        "Adele Vance",
        &add_license(EXCHANGE_P1, &[]),
    ));
    assert_eq!(rule, BusinessRule::MutuallyExclusivePlans);
    assert_eq!(
        message,
        format!("License assignment failed because service plans {PLAN_EXCHANGE_P1}, {PLAN_EXCHANGE_P2} are mutually exclusive.")
    );
    // Turning Plan 2 off in the E3 Adele already has makes room for Plan 1.
    let both = AssignLicenseBody {
        add_licenses: vec![
            AssignedLicense {
                sku_id: g(E3),
                disabled_plans: vec![g(PLAN_EXCHANGE_P2), g(PLAN_SWAY), g(PLAN_YAMMER)],
            },
            AssignedLicense {
                sku_id: g(EXCHANGE_P1),
                disabled_plans: vec![],
            },
        ],
        remove_licenses: vec![],
    };
    assert_eq!(assign(&mut sim, "Adele Vance", &both).status, 200);
    // Group licensing: All Staff's E3 brings Plan 2 to Pradeep, who has Plan 1 directly.
    let pradeep = get_user(&mut sim, "Pradeep Gupta");
    let e3 = state_of(&pradeep, E3);
    assert_eq!(
        (
            e3.state.clone(),
            e3.error.clone(),
            e3.assigned_by_group.clone()
        ),
        (
            AssignmentState::Error,
            AssignmentError::MutuallyExclusiveViolation,
            Some(g(GROUP_ALL_STAFF))
        )
    );
    let members: ODataPage<DirectoryObject> = send(
        &mut sim,
        &request::members_with_license_errors(&g(GROUP_ALL_STAFF)),
    )
    .parse()
    .unwrap();
    assert!(members
        .value
        .iter()
        .any(|m| m.display_name.as_deref() == Some("Pradeep Gupta")));
}

/// The properties `User.ReadBasic.All` reads, sorted.
const BASIC_PROFILE: [&str; 6] = [
    "displayName",
    "givenName",
    "id",
    "mail",
    "surname",
    "userPrincipalName",
];

#[test]
fn read_basic_tokens_read_basic_profiles_without_license_properties() {
    let mut sim = sim();
    let basic = token_with(&["User.ReadBasic.All"], NOW);
    let licensed = "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,usageLocation,assignedLicenses,assignedPlans,licenseAssignmentStates";
    let one = send_as(
        &mut sim,
        &GraphRequest::get(format!("/users/{}?$select={licensed}", upn("Adele Vance"))),
        &basic,
        NOW,
    );
    assert_eq!(one.status, 200, "{}", one.body);
    let value: serde_json::Value = serde_json::from_str(&one.body).unwrap();
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| !k.starts_with("@odata"))
        .collect();
    keys.sort();
    assert_eq!(keys, BASIC_PROFILE);
    assert_eq!(value["displayName"], "Adele Vance");
    // The app's own user read parses, with no licenses and no usage location to show.
    let adele = user_as(&mut sim, "Adele Vance", &basic, NOW);
    assert!(adele.assigned_licenses.is_empty() && adele.usage_location.is_none());
    // Lists and searches too; with no $select, only basic properties come back.
    for list in [
        GraphRequest::get(format!("/users?$select={licensed}")),
        GraphRequest::get("/users"),
        request::find_users("adele", 10),
    ] {
        let page = send_as(&mut sim, &list, &basic, NOW);
        assert_eq!(page.status, 200, "{}", page.body);
        let value: serde_json::Value = serde_json::from_str(&page.body).unwrap();
        for user in value["value"].as_array().unwrap() {
            for key in user.as_object().unwrap().keys() {
                assert!(
                    BASIC_PROFILE.contains(&key.as_str()),
                    "{key} leaked to a basic-profile token"
                );
            }
        }
    }
    // Everything else still needs its own permission.
    for denied in [
        request::subscribed_skus(),
        request::license_details(&upn("Adele Vance")),
        request::assign_license(&upn("Alex Wilber"), &add_license(FLOW_FREE, &[])),
    ] {
        let response = send_as(&mut sim, &denied, &basic, NOW);
        assert_eq!(response.status, 403, "{}", denied.path);
    }
    // With a full read permission too, license properties come back.
    let full = token_with(&["User.ReadBasic.All", "User.Read.All"], NOW);
    let adele = user_as(&mut sim, "Adele Vance", &full, NOW);
    assert_eq!(adele.assigned_licenses[0].sku_id, g(E3));
    assert_eq!(adele.usage_location.as_deref(), Some("US"));
}

#[test]
fn access_as_user_tokens_are_accepted_for_everything() {
    let mut sim = sim();
    let cli = token_with(&["Directory.AccessAsUser.All"], NOW);
    let adele = user_as(&mut sim, "Adele Vance", &cli, NOW);
    assert_eq!(adele.assigned_licenses[0].sku_id, g(E3));
    let calls = [
        (request::subscribed_skus(), 200),
        (request::find_users("a", 5), 200),
        (request::license_details(&upn("Adele Vance")), 200),
        (request::groups_with_license_errors(), 200),
        (
            request::assign_license(&upn("Alex Wilber"), &add_license(FLOW_FREE, &[])),
            200,
        ),
        (
            request::reprocess_license_assignment(&upn("Isaiah Langer")),
            200,
        ),
        (request::set_usage_location(&upn("Grady Archie"), "NL"), 204),
    ];
    for (call, status) in calls {
        let response = send_as(&mut sim, &call, &cli, NOW);
        assert_eq!(response.status, status, "{}: {}", call.path, response.body);
    }
    // It is never an app role: an app token claiming it gets nothing.
    let app = token::mint(&Claims {
        aud: Some("https://graph.microsoft.com".into()),
        exp: Some((NOW / 1000) as i64 + 3600),
        roles: vec!["Directory.AccessAsUser.All".into()],
        ..Default::default()
    });
    let denied = send_as(&mut sim, &request::subscribed_skus(), &app, NOW);
    assert_eq!(denied.status, 403);
}

#[test]
fn disabled_plans_replace_the_list_and_seats_are_counted() {
    let mut sim = sim();
    let seats = |sim: &mut Simulator| -> i64 {
        let page: ODataPage<SubscribedSku> =
            send(sim, &request::subscribed_skus()).parse().unwrap();
        page.value
            .iter()
            .find(|s| s.sku_id == g(E3))
            .unwrap()
            .consumed_units
            .expect("the simulator counts every seat")
    };
    let before = seats(&mut sim);
    assert_eq!(
        assign(
            &mut sim,
            "Alex Wilber",
            &add_license(E3, &[PLAN_SWAY, PLAN_YAMMER])
        )
        .status,
        200
    );
    assert_eq!(seats(&mut sim), before + 1);
    // Sending the SKU again with one plan replaces, not merges: Yammer comes back on.
    assert_eq!(
        assign(&mut sim, "Alex Wilber", &add_license(E3, &[PLAN_SWAY])).status,
        200
    );
    let alex = get_user(&mut sim, "Alex Wilber");
    assert_eq!(
        alex.license_assignment_states[0].disabled_plans,
        vec![g(PLAN_SWAY)]
    );
    assert_eq!(seats(&mut sim), before + 1);
    // Two seats were free; the second assignment takes the last one.
    assert_eq!(
        assign(&mut sim, "Grady Archie", &AssignLicenseBody::default()).status,
        400
    );
    let remove = remove_license(E3);
    assert_eq!(assign(&mut sim, "Alex Wilber", &remove).status, 200);
    assert_eq!(seats(&mut sim), before);
}

#[test]
fn reprocess_clears_count_violation_once_a_seat_is_free() {
    let mut sim = sim();
    let isaiah = get_user(&mut sim, "Isaiah Langer");
    let e5 = state_of(&isaiah, E5);
    assert_eq!(
        (e5.state.clone(), e5.error.clone()),
        (AssignmentState::Error, AssignmentError::CountViolation)
    );
    assert_eq!(
        state_of(&isaiah, POWER_BI_PRO).error,
        AssignmentError::Other
    );
    // Reprocessing alone doesn't help: still no seat.
    assert_eq!(
        reprocess_as(&mut sim, "Isaiah Langer", &fresh_token(NOW), NOW),
        200
    );
    let still = get_user(&mut sim, "Isaiah Langer");
    assert!(still
        .license_assignment_states
        .iter()
        .any(|s| s.error == AssignmentError::CountViolation));
    // Free Diego's seat, then reprocess.
    let remove = remove_license(E5);
    assert_eq!(assign(&mut sim, "Diego Siciliani", &remove).status, 200);
    assert_eq!(
        reprocess_as(&mut sim, "Isaiah Langer", &fresh_token(NOW), NOW),
        200
    );
    let fixed = get_user(&mut sim, "Isaiah Langer");
    assert!(
        fixed
            .license_assignment_states
            .iter()
            .all(|s| s.state == AssignmentState::Active),
        "{:?}",
        fixed.license_assignment_states
    );
    let e5 = state_of(&fixed, E5);
    assert_eq!(
        e5.last_updated_date_time.as_deref(),
        Some("2027-01-15T08:00:00Z")
    );
}

#[test]
fn groups_with_license_errors_and_the_consistency_level_gotcha() {
    let mut sim = sim();
    let page: ODataPage<Group> = send(&mut sim, &request::groups_with_license_errors())
        .parse()
        .unwrap();
    let names: Vec<_> = page
        .value
        .iter()
        .map(|g| g.display_name.clone().unwrap())
        .collect();
    assert!(
        names.contains(&"Executives".to_string())
            && names.contains(&"Project Managers".to_string()),
        "{names:?}"
    );
    assert_eq!(
        page.value[0]
            .license_processing_state
            .as_ref()
            .unwrap()
            .state,
        ProcessingState::ProcessingComplete
    );
    let eventual = send(
        &mut sim,
        &request::groups_with_license_errors().with_header("ConsistencyLevel", "eventual"),
    );
    let error = GraphError::from_response(&eventual);
    assert_eq!(error.kind, ErrorKind::UnsupportedQuery);
    assert!(error
        .message
        .contains("'hasMembersWithLicenseErrors' of resource 'Group'"));
    let members: ODataPage<DirectoryObject> = send(
        &mut sim,
        &request::members_with_license_errors(&g(GROUP_EXECUTIVES)),
    )
    .parse()
    .unwrap();
    assert_eq!(members.value.len(), 1);
    assert_eq!(
        members.value[0].display_name.as_deref(),
        Some("Isaiah Langer")
    );
}

#[test]
fn tokens_are_checked() {
    let mut sim = sim();
    let read = request::subscribed_skus();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "Access token is empty."),
        (
            "not-a-jwt".into(),
            "CompactToken parsing failed with error code: 80049217",
        ),
        (
            token::mint(&license_desk_sim::demo_claims("a@b", &SCOPES, 0, 60)),
            "Lifetime validation failed, the token is expired.",
        ),
        (
            token::mint(&Claims {
                aud: Some("https://management.azure.com".into()),
                exp: Some(i64::MAX / 2),
                scp: Some("Organization.Read.All".into()),
                ..Default::default()
            }),
            "Invalid audience.",
        ),
    ];
    for (bearer, message) in cases {
        let response = send_as(&mut sim, &read, &bearer, NOW);
        assert_eq!(response.status, 401);
        let error = GraphError::from_response(&response);
        assert_eq!(error.code.as_deref(), Some("InvalidAuthenticationToken"));
        assert_eq!(error.message, message);
        assert!(error.request_id.is_some() && error.date.is_some());
    }
    let license_only = token_with(&["LicenseAssignment.ReadWrite.All", "User.Read.All"], NOW);
    let denied = send_as(
        &mut sim,
        &request::reprocess_license_assignment(&upn("Isaiah Langer")),
        &license_only,
        NOW,
    );
    assert_eq!(denied.status, 403);
    assert_eq!(
        GraphError::from_response(&denied).code.as_deref(),
        Some("Authorization_RequestDenied")
    );
    let allowed = send_as(
        &mut sim,
        &request::assign_license(&upn("Alex Wilber"), &add_license(FLOW_FREE, &[])),
        &license_only,
        NOW,
    );
    assert_eq!(allowed.status, 200);
}

#[test]
fn reads_lag_writes_by_the_replication_delay() {
    let (mut sim, bearer) = configured(SimConfig {
        replication_delay_ms: 2_000,
        ..Default::default()
    });
    let write = request::assign_license(&upn("Alex Wilber"), &add_license(FLOW_FREE, &[]));
    assert_eq!(send_as(&mut sim, &write, &bearer, NOW).status, 200);
    let early = user_as(&mut sim, "Alex Wilber", &bearer, NOW + 1_000);
    assert!(early.assigned_licenses.is_empty());
    let late = user_as(&mut sim, "Alex Wilber", &bearer, NOW + 2_000);
    assert_eq!(late.assigned_licenses.len(), 1);
}

/// Two writes per 10 s, then a third 2.5 s in: how long to wait depends on the model.
/// Graph's token bucket refills one write every 5 s (0.5 of one is back after 2.5 s, so 3 s
/// more); a sliding window waits until the first write is 10 s old (8 s more).
#[test]
fn writes_are_throttled_per_app_with_retry_after_as_the_model_counts() {
    // The model, the third write's Retry-After, and later writes: (ms after NOW, status).
    let cases = [
        (
            ThrottleModel::TokenBucket,
            "3",
            [(5_500, 200), (5_600, 429)],
        ),
        (
            ThrottleModel::SlidingWindow,
            "8",
            [(5_500, 429), (10_000, 200)],
        ),
    ];
    for (model, retry_after, later) in cases {
        let (mut sim, bearer) = configured(SimConfig {
            write_quota: 2,
            write_window_ms: 10_000,
            throttle_model: model,
            ..Default::default()
        });
        let megan = "Megan Bowen";
        assert_eq!(reprocess_as(&mut sim, megan, &bearer, NOW), 200);
        assert_eq!(reprocess_as(&mut sim, megan, &bearer, NOW + 1_000), 200);
        let reprocess = request::reprocess_license_assignment(&upn(megan));
        let throttled = send_as(&mut sim, &reprocess, &bearer, NOW + 2_500);
        assert_eq!(throttled.status, 429, "{model:?}");
        assert_eq!(
            throttled.header("Retry-After"),
            Some(retry_after),
            "{model:?}"
        );
        assert_eq!(
            GraphError::from_response(&throttled).kind,
            ErrorKind::Throttled
        );
        // Reads are not writes.
        let read = send_as(&mut sim, &request::subscribed_skus(), &bearer, NOW + 2_600);
        assert_eq!(read.status, 200, "{model:?}");
        for (after_ms, status) in later {
            assert_eq!(
                reprocess_as(&mut sim, megan, &bearer, NOW + after_ms),
                status,
                "{model:?}, {after_ms} ms in"
            );
        }
    }
}

#[test]
fn batch_items_are_throttled_individually() {
    let mut sim = Simulator::new(SimConfig {
        write_quota: 3,
        ..Default::default()
    });
    let writes: Vec<GraphRequest> = (0..25)
        .map(|_| request::reprocess_license_assignment(&upn("Megan Bowen")))
        .collect();
    let calls = license_desk_core::graph::batch::batches(&writes);
    assert_eq!(calls.len(), 2);
    let response: license_desk_core::graph::batch::BatchResponse =
        send(&mut sim, &calls[0]).parse().unwrap();
    assert_eq!(response.responses.len(), 20);
    assert_eq!(
        response
            .responses
            .iter()
            .filter(|r| r.status == 200)
            .count(),
        3
    );
    let throttled = response.throttled().unwrap();
    assert_eq!(throttled.ids.len(), 17);
    assert!(throttled.wait_seconds.unwrap() >= 1.0);
}

#[test]
fn faults_are_injected_at_the_configured_rate() {
    let (mut sim, bearer) = configured(SimConfig {
        fault_rate: 0.5,
        ..Default::default()
    });
    let incoming = sim_request(&request::subscribed_skus(), &bearer);
    let (mut drops, mut unavailable, mut timeouts, mut ok) = (0, 0, 0, 0);
    for i in 0..400 {
        match sim.handle(&incoming, NOW + i) {
            SimOutcome::Drop => drops += 1,
            SimOutcome::Respond(r) if r.status == 503 => unavailable += 1,
            SimOutcome::Respond(r) if r.status == 504 => timeouts += 1,
            SimOutcome::Respond(r) => {
                assert_eq!(r.status, 200);
                ok += 1
            }
        }
    }
    assert!((150..250).contains(&ok), "{ok}");
    // 504 comes both before and after the request is handled.
    assert!(
        drops > 30 && unavailable > 30 && timeouts > 60,
        "{drops} {unavailable} {timeouts}"
    );
}
