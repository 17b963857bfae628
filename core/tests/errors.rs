//! Every error class maps to a headline, Graph's details and a next step.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::error::{AuthProblem, BusinessRule, ErrorKind, GraphError};
use license_desk_core::graph::response::RawResponse;

fn graph_error(status: u16, code: &str, message: &str) -> GraphError {
    GraphError::from_response(&RawResponse {
        status,
        headers: vec![("request-id".into(), "rid-1".into())],
        body: serde_json::json!({"error": {"code": code, "message": message}}).to_string(),
    })
}

#[test]
fn business_rule_messages_are_told_apart() {
    let cases = [
        ("Subscription with SKU cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46 does not have any available licenses.", BusinessRule::NoAvailableLicenses),
        ("User license is inherited from a group membership and it cannot be removed directly from the user.", BusinessRule::InheritedLicense),
        ("License assignment failed because service plans a, b are mutually exclusive.", BusinessRule::MutuallyExclusivePlans),
        ("License assignment failed because service plan fe71d6c3-a2ea-4499-9778-da042bf08063 depends on the service plan(s) 5dbe027f-2339-4123-9542-606e4d348a72", BusinessRule::DependentPlan),
        ("License 0ff8c1ad does not correspond to a valid company License.", BusinessRule::NotACompanyLicense),
        ("License 6470687e cannot be assigned to a user.", BusinessRule::NotAssignableToUser),
        ("One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses.", BusinessRule::MissingParameter),
        ("Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details", BusinessRule::InvalidGuid),
    ];
    for (message, rule) in cases {
        let error = graph_error(400, "Request_BadRequest", message);
        assert_eq!(error.kind, ErrorKind::BusinessRule(rule), "{message}");
        assert!(!error.what_to_do().is_empty());
    }
    // Any other message is a plain bad request; an unsupported query has its own kind.
    for (code, message, kind) in [
        ("Request_BadRequest", "Something new", ErrorKind::BadRequest),
        ("Request_UnsupportedQuery", "x", ErrorKind::UnsupportedQuery),
    ] {
        assert_eq!(graph_error(400, code, message).kind, kind, "{code}");
    }
}

#[test]
fn auth_failures_say_why() {
    let empty = graph_error(401, "InvalidAuthenticationToken", "Access token is empty.");
    assert_eq!(empty.kind, ErrorKind::Unauthorized(AuthProblem::Missing));
    let expired = graph_error(
        401,
        "InvalidAuthenticationToken",
        "Lifetime validation failed, the token is expired.",
    );
    assert_eq!(expired.kind, ErrorKind::Unauthorized(AuthProblem::Expired));
    assert!(expired.what_to_do().contains("pending changes are kept"));
    let audience = graph_error(401, "InvalidAuthenticationToken", "Invalid audience.");
    assert_eq!(
        audience.kind,
        ErrorKind::Unauthorized(AuthProblem::WrongAudience)
    );
    let denied = graph_error(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    );
    assert_eq!(denied.kind, ErrorKind::Forbidden);
    assert_eq!(denied.request_id.as_deref(), Some("rid-1"));
}

#[test]
fn statuses_without_specific_codes() {
    for (status, code, kind) in [
        (409, "Conflict", ErrorKind::Conflict),
        (429, "TooManyRequests", ErrorKind::Throttled),
        (503, "serviceNotAvailable", ErrorKind::ServerError),
        (418, "Teapot", ErrorKind::Unexpected),
    ] {
        assert_eq!(graph_error(status, code, "x").kind, kind, "{status} {code}");
    }
}

#[test]
fn non_json_bodies_and_network_failures_are_explained() {
    let proxy = GraphError::from_response(&RawResponse {
        status: 403,
        headers: vec![],
        body: "<html><body>Access blocked by corporate proxy</body></html>".into(),
    });
    assert_eq!(proxy.kind, ErrorKind::NotJson);
    assert!(proxy.message.contains("corporate proxy"));
    assert!(proxy.what_to_do().contains("proxy"));
    let gateway = GraphError::from_response(&RawResponse {
        status: 502,
        headers: vec![],
        body: "Bad Gateway".into(),
    });
    assert_eq!(gateway.kind, ErrorKind::ServerError);
    let network = GraphError::network("Failed to fetch");
    assert_eq!(network.kind, ErrorKind::Network);
    assert!(network.what_to_do().contains("reload the user"));
    let unreadable: Result<license_desk_core::graph::model::User, _> = RawResponse {
        status: 200,
        headers: vec![],
        body: "<html>".into(),
    }
    .parse();
    assert_eq!(unreadable.unwrap_err().kind, ErrorKind::NotJson);
}
