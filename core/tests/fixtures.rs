//! Microsoft's published payloads parse into License Desk's models.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use license_desk_core::graph::batch::{BatchRequest, BatchResponse};
use license_desk_core::graph::error::{BusinessRule, ErrorKind, GraphError};
use license_desk_core::graph::ids::{GroupId, PlanId, SkuId, UserId};
use license_desk_core::graph::model::*;
use license_desk_core::graph::response::RawResponse;
use support::{body_of, docs_sample_to_json, fixture};

fn parse<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let raw = fixture(name);
    let text = if raw.trim_start().starts_with('{') {
        raw
    } else {
        body_of(&raw)
    };
    serde_json::from_str(&docs_sample_to_json(&text)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn assign_license_request_bodies_round_trip() {
    let v1: AssignLicenseBody = parse("assign-license-request-v1.http");
    assert_eq!(
        v1.add_licenses[0].sku_id,
        SkuId::new("45715bb8-13f9-4bf6-927f-ef96c102d394")
    );
    assert_eq!(
        v1.add_licenses[0].disabled_plans,
        vec![PlanId::new("11b0131d-43c8-4bbb-b2c8-e80f9a50834a")]
    );
    assert_eq!(
        v1.remove_licenses,
        vec![SkuId::new("bea13e0c-3828-4daa-a392-28af7ff61a0f")]
    );

    let add: AssignLicenseBody = parse("assign-license-request-beta-add.http");
    assert_eq!(add.add_licenses.len(), 2);
    assert!(add.remove_licenses.is_empty());
    let remove: AssignLicenseBody = parse("assign-license-request-beta-remove.http");
    assert!(remove.add_licenses.is_empty());
    assert_eq!(remove.remove_licenses.len(), 2);

    // What License Desk sends has the same shape as Microsoft's sample.
    let ours: serde_json::Value = serde_json::to_value(&add).unwrap();
    let theirs: serde_json::Value =
        serde_json::from_str(&body_of(&fixture("assign-license-request-beta-add.http"))).unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn assign_license_and_reprocess_responses_parse_as_users() {
    let user: User = parse("assign-license-response-beta.http");
    assert_eq!(user.account_enabled, Some(true));
    assert_eq!(user.assigned_licenses.len(), 2);
    assert_eq!(
        user.assigned_licenses[0].disabled_plans,
        vec![PlanId::new("8a256a2b-b617-496d-b51b-e76466e88db0")]
    );

    // Action responses carry no licenseAssignmentStates: direct or inherited is unknown.
    assert!(!user.assignment_sources_known());
    assert_eq!(user.licenses_with_unknown_source().len(), 2);

    let reprocessed: User = parse("reprocess-response.http");
    assert_eq!(
        reprocessed.assigned_licenses[0].sku_id.as_str(),
        "skuid-value"
    );
    assert!(!reprocessed.assigned_licenses[0].sku_id.is_well_formed());
    assert_eq!(
        reprocessed.assigned_plans[0].capability_status,
        CapabilityStatus::Unknown("capabilityStatus-value".into())
    );
    assert_eq!(
        reprocessed.assigned_plans[0].service.as_deref(),
        Some("service-value")
    );
}

#[test]
fn entra_sample_states_parse_with_padding_none_and_duplicates() {
    let envelope: ODataPage<User> = parse("user-license-assignment-states-entra-sample.http");
    let user = &envelope.value[0];
    assert_eq!(user.id, UserId::new("e61ff361-5baf-41f0-b2fd-380a6a5e406a"));
    let states = &user.license_assignment_states;
    assert_eq!(states.len(), 4);
    assert!(states.iter().all(|s| s.error == AssignmentError::None));
    assert!(states.iter().all(|s| s.state == AssignmentState::Active));
    assert!(user.assignment_sources_known());
    // The same SKU assigned directly and by a group is two entries.
    let dup = SkuId::new("240622ac-b9b8-4d50-94e2-dad19a3bf4b5");
    let both: Vec<_> = states.iter().filter(|s| s.sku_id == dup).collect();
    assert_eq!(both.len(), 2);
    assert!(both.iter().any(|s| s.is_direct()));
    assert!(both.iter().any(|s| !s.is_direct()));
    assert_eq!(
        user.inheriting_groups(&dup),
        vec![GroupId::new("e61ff361-5baf-41f0-b2fd-380a6a5e406a")]
    );
}

#[test]
fn subscribed_skus_parse_with_seats_and_status() {
    let page: ODataPage<SubscribedSku> = parse("subscribed-skus-response.http");
    assert_eq!(page.value.len(), 2);
    let e5 = &page.value[0];
    assert_eq!(e5.sku_part_number, "ENTERPRISEPREMIUM");
    assert_eq!(e5.free_seats(), 11);
    assert_eq!(e5.known_free_seats(), Some(11));
    assert!(e5.applies_to.is_user());
    assert_eq!(e5.applies_to, AppliesTo::User);
    assert_eq!(e5.service_plans[0].applies_to, AppliesTo::Company);
    let crm = &page.value[1];
    assert_eq!(crm.capability_status, CapabilityStatus::Suspended);
    assert_eq!(crm.prepaid_units.suspended, Some(25));
    assert_eq!(crm.free_seats(), 0);
    assert_eq!(
        crm.service_plans[0].provisioning_status,
        ProvisioningStatus::Disabled
    );
}

#[test]
fn license_details_parse_with_provisioning_status() {
    let page: ODataPage<LicenseDetails> = parse("license-details-response.http");
    assert_eq!(page.value.len(), 2);
    assert_eq!(
        page.value[0].service_plans[0].provisioning_status,
        ProvisioningStatus::PendingProvisioning
    );
    assert_eq!(page.value[1].sku_part_number, "SCHOOL_DATA_SYNC_P2");
}

#[test]
fn batch_samples_parse() {
    let response: BatchResponse = parse("batch-response.http");
    assert_eq!(response.responses.len(), 5);
    let users = response.item("5").unwrap().to_raw();
    let page: ODataPage<DirectoryObject> = users.parse().unwrap();
    assert_eq!(page.count, Some(12));
    assert_eq!(
        page.value[0].user_principal_name.as_deref(),
        Some("AdeleV@Contoso.com")
    );
    // A 401 item whose code says Forbidden: status decides the kind.
    let denied = GraphError::from_response(&response.item("3").unwrap().to_raw());
    assert!(denied.is_auth());
    assert_eq!(denied.code.as_deref(), Some("Forbidden"));
    assert_eq!(response.item("4").unwrap().to_raw().body, "");
    assert!(response.throttled().is_none());

    let request: BatchRequest = parse("batch-depends-on-request.json");
    assert_eq!(request.requests[1].depends_on, vec!["1"]);
}

#[test]
fn group_samples_parse() {
    let group: Group = parse("group-assign-license-response.http");
    assert_eq!(
        group.id,
        GroupId::new("1132b215-826f-42a9-8cfe-1643d19d17fd")
    );
    let members: ODataPage<DirectoryObject> =
        parse("members-with-license-errors-entra-sample.http");
    assert_eq!(
        members.value[0].odata_type.as_deref(),
        Some("Microsoft.DirectoryServices.User")
    );
    assert!(members.next_link.unwrap().contains("$skipToken"));
    // This sample also lacks the comma between `]` and "odata.nextLink"; add only that.
    let raw = docs_sample_to_json(&body_of(&fixture(
        "groups-with-license-errors-entra-sample.http",
    )));
    let groups: ODataPage<Group> =
        serde_json::from_str(&raw.replacen("]\n\"odata.nextLink\"", "],\n\"odata.nextLink\"", 1))
            .unwrap();
    assert_eq!(groups.value.len(), 2);
    assert!(groups.next_link.is_some());
}

fn raw(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        headers: vec![],
        body: body.into(),
    }
}

#[test]
fn captured_errors_map_to_what_the_admin_must_do() {
    let log = fixture("error-invalid-usage-location.txt");
    let error = GraphError::from_response(&raw(400, &log[log.find('{').unwrap()..]));
    assert_eq!(
        error.kind,
        ErrorKind::BusinessRule(BusinessRule::InvalidUsageLocation)
    );
    assert_eq!(error.code.as_deref(), Some("Request_BadRequest"));
    assert_eq!(
        error.request_id.as_deref(),
        Some("613a2372-1a63-4b13-8c94-56793bbb140c")
    );
    assert_eq!(error.date.as_deref(), Some("2025-01-06T12:25:59"));
    assert!(error.what_to_do().contains("usage location"));

    let capture = fixture("error-no-license-changes.txt");
    let body = &capture[capture.find("Body:").unwrap() + 5..];
    let error = GraphError::from_response(&raw(400, body));
    assert_eq!(error.kind, ErrorKind::BusinessRule(BusinessRule::NoChanges));
    assert_eq!(
        error.client_request_id.as_deref(),
        Some("310f10e1-0cb2-49da-96fd-3ca6a3bffd6f")
    );

    let error = GraphError::from_response(&raw(404, &fixture("error-not-found.json")));
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(
        error.request_id.as_deref(),
        Some("f58cc4de-b427-41de-b37c-46ee4925a26d")
    );
    assert!(error
        .to_string()
        .contains("f58cc4de-b427-41de-b37c-46ee4925a26d"));
}

#[test]
fn throttled_sample_carries_retry_after() {
    let transcript = fixture("throttled-response.http");
    let response = RawResponse {
        status: 429,
        headers: vec![("Retry-After".into(), "10".into())],
        body: body_of(&transcript),
    };
    let error = GraphError::from_response(&response);
    assert_eq!(error.kind, ErrorKind::Throttled);
    assert_eq!(error.retry_after_seconds, Some(10.0));
    assert_eq!(
        error.request_id.as_deref(),
        Some("94fb3b52-452a-4535-a601-69e0a90e3aa2")
    );
}
