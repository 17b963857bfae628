//! The bad-input catalogue: every kind of bad input an admin can meet, and exactly what
//! License Desk's core tells them about it.
//!
//! One table, [`cases`], one entry per bad input, each with a `name`. Every case states
//! the admin-facing outcome: for tokens, what the sign-in screen says and whether it
//! refuses; for Graph's answers, the error kind, the headline (what happened), what to
//! do, that Graph's code, message and request-id are kept, and, for a write, that the
//! retry decision never sends a write again whose outcome is unknown; for hostile names,
//! that they survive parsing verbatim and come out escaped in CSV and PowerShell.
//! The same catalogue runs end to end in `tests/e2e/bad-input-catalogue.spec.mjs`.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::auth::token::{self, Claims};
use license_desk_core::auth::token_check::{assess, Severity};
use license_desk_core::graph::error::{AuthProblem, BusinessRule, ErrorKind, GraphError};
use license_desk_core::graph::ids::{GroupId, SkuId};
use license_desk_core::graph::model::{
    AssignLicenseBody, AssignedLicense, ODataPage, SubscribedSku, User,
};
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request::{self, ApiVersion, Cloud, GraphEndpoint};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::graph::retry::{write_outcome_unknown, Attempt, Decision, RetryPolicy};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::diff::LicenseDiff;
use license_desk_core::licensing::equivalents;
use serde_json::json;
use std::panic::AssertUnwindSafe;

/// 2027-01-15T08:00:00Z.
const NOW: i64 = license_desk_sim::fixtures::NOW_S;
const REQUEST_ID: &str = "613a2372-1a63-4b13-8c94-56793bbb140c";
const GROUP: &str = "2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809";
const SKU: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";

struct Case {
    name: &'static str,
    input: Input,
    expect: Expect,
}

/// Which model a 2xx body is read as.
#[derive(Clone, Copy)]
enum Shape {
    User,
    UserPage,
    Skus,
}

enum Input {
    /// Pasted on the sign-in screen with `cloud` selected, at [`NOW`].
    Token { pasted: String, cloud: Cloud },
    /// Graph's answer to a write (`assignLicense`) or a read.
    Answer {
        write: bool,
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// A 2xx body read as `shape`.
    Body { shape: Shape, body: String },
    /// The next-page links of a user listing, in the order the pages carried them.
    NextLinks(Vec<&'static str>),
    /// No HTTP answer: the shell reports it as this error.
    NoAnswer { write: bool, error: GraphError },
    /// A user (and a group) with these names.
    Names { display: String, upn: String },
}

/// What the admin must be told.
enum Expect {
    /// The sign-in screen refuses the token.
    Refused {
        headline: &'static str,
        what_to_do: &'static str,
    },
    /// Signing in goes ahead; the screen shows these warnings (headline, part of what to do).
    Warned(Vec<(String, &'static str)>),
    /// Signing in goes ahead without a word.
    Accepted,
    /// The admin sees this error.
    Error {
        kind: ErrorKind,
        headline: String,
        what_to_do: &'static str,
        graph: Graph,
        /// The retry decision after the first attempt, where there was an answer to decide on.
        decision: Option<Decision>,
    },
    /// Hostile names are kept verbatim and escaped in every export.
    Verbatim,
}

/// Which of Graph's details the error keeps for a support ticket.
enum Graph {
    /// Code, message and request-id from the error envelope.
    Envelope {
        code: &'static str,
        message: String,
        request_id: &'static str,
    },
    /// No envelope; the message must contain this text, and be short enough to read.
    Quoted {
        contains: &'static str,
        request_id: Option<&'static str>,
    },
}

fn envelope(code: &str, message: &str) -> String {
    json!({"error": {"code": code, "message": message, "innerError": {
        "date": "2025-01-06T12:25:59", "request-id": REQUEST_ID, "client-request-id": REQUEST_ID}}})
    .to_string()
}

fn jwt(claims: &Claims) -> String {
    token::mint(claims)
}

fn jwt_of(payload: &str) -> String {
    format!(
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
        token::base64url_encode(payload.as_bytes())
    )
}

fn delegated(scopes: &str) -> Claims {
    Claims {
        aud: Some("https://graph.microsoft.com".into()),
        exp: Some(NOW + 3600),
        upn: Some("admin@contoso.example".into()),
        scp: Some(scopes.into()),
        ..Claims::default()
    }
}

const ALL_SCOPES: &str =
    "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All GroupMember.Read.All";

/// A delegated token padded with a large claim to `kib` KiB (within the last KiB).
fn token_of_size(kib: usize) -> String {
    let mut pad = kib * 1024 * 3 / 4 - 400;
    loop {
        let mut claims = serde_json::to_value(delegated(ALL_SCOPES)).unwrap();
        claims["pad"] = json!("x".repeat(pad));
        let token = jwt_of(&claims.to_string());
        if token.len() > (kib - 1) * 1024 && token.len() <= kib * 1024 {
            return token;
        }
        pad = if token.len() > kib * 1024 {
            pad - 7
        } else {
            pad + 7
        };
    }
}

fn token_case(name: &'static str, pasted: impl Into<String>, expect: Expect) -> Case {
    Case {
        name,
        input: Input::Token {
            pasted: pasted.into(),
            cloud: Cloud::Global,
        },
        expect,
    }
}

fn refused(headline: &'static str, what_to_do: &'static str) -> Expect {
    Expect::Refused {
        headline,
        what_to_do,
    }
}

fn warned(warnings: &[(&str, &'static str)]) -> Expect {
    Expect::Warned(warnings.iter().map(|(h, w)| (h.to_string(), *w)).collect())
}

/// A Graph error envelope answering `assignLicense` (or a read).
fn graph_error_case(
    name: &'static str,
    write: bool,
    status: u16,
    retry_after: Option<&str>,
    (code, message): (&'static str, &str),
    (kind, headline, what_to_do): (ErrorKind, &str, &'static str),
    decision: Decision,
) -> Case {
    let mut headers = vec![("request-id", REQUEST_ID.to_string())];
    if let Some(seconds) = retry_after {
        headers.push(("Retry-After", seconds.to_string()));
    }
    Case {
        name,
        input: Input::Answer {
            write,
            status,
            headers,
            body: envelope(code, message),
        },
        expect: Expect::Error {
            kind,
            headline: headline.into(),
            what_to_do,
            graph: Graph::Envelope {
                code,
                message: message.into(),
                request_id: REQUEST_ID,
            },
            decision: Some(decision),
        },
    }
}

fn business_rule(
    name: &'static str,
    message: &str,
    rule: BusinessRule,
    headline: &str,
    what_to_do: &'static str,
) -> Case {
    graph_error_case(
        name,
        true,
        400,
        None,
        ("Request_BadRequest", message),
        (ErrorKind::BusinessRule(rule), headline, what_to_do),
        Decision::Accept,
    )
}

fn body_case(name: &'static str, shape: Shape, body: String, contains: &'static str) -> Case {
    Case {
        name,
        input: Input::Body { shape, body },
        expect: Expect::Error {
            kind: ErrorKind::NotJson,
            headline: "Graph's answer could not be read".into(),
            what_to_do:
                "Something between you and Graph (a proxy or captive portal) answered instead.",
            graph: Graph::Quoted {
                contains,
                request_id: Some(REQUEST_ID),
            },
            decision: None,
        },
    }
}

fn no_answer_case(
    name: &'static str,
    write: bool,
    error: GraphError,
    (kind, headline, what_to_do): (ErrorKind, &str, &'static str),
    contains: &'static str,
) -> Case {
    Case {
        name,
        input: Input::NoAnswer { write, error },
        expect: Expect::Error {
            kind,
            headline: headline.into(),
            what_to_do,
            graph: Graph::Quoted {
                contains,
                request_id: None,
            },
            decision: Some(if write {
                Decision::ReReadFirst
            } else {
                Decision::RetryAfter { delay_ms: 750 }
            }),
        },
    }
}

fn names_case(name: &'static str, display: impl Into<String>, upn: impl Into<String>) -> Case {
    Case {
        name,
        input: Input::Names {
            display: display.into(),
            upn: upn.into(),
        },
        expect: Expect::Verbatim,
    }
}

const NETWORK: (&str, &str) = (
    "Graph could not be reached",
    "Check your connection (and any proxy or firewall), then try again. If this was a change, reload the user first",
);
const SERVER: (&str, &str) = (
    "Graph had a server error",
    "Wait a moment and try again. If it persists, quote the request-id to Microsoft support.",
);
const THROTTLED: (&str, &str) = (
    "Graph is throttling requests",
    "Graph was still throttling after License Desk's automatic retries.",
);
const FAILED_TO_FETCH: &str =
    "TypeError: Failed to fetch (offline, blocked by the browser, or the connection was dropped)";

fn cases() -> Vec<Case> {
    let paste_first = (
        "Paste an access token first.",
        "Copy the accessToken value from `az account get-access-token --resource-type ms-graph`",
    );
    let not_jwt = (
        "This is not a JWT: a Microsoft Graph access token has three parts separated by dots.",
        "Copy the whole access token (it starts with “eyJ”)",
    );
    let copy_again = "Copy the whole token again: part of it is missing or was changed.";
    let mut app_only = Claims {
        aud: Some("https://graph.microsoft.com".into()),
        exp: Some(NOW + 3600),
        app_displayname: Some("Licensing runbook".into()),
        roles: vec!["Organization.Read.All".into(), "User.Read.All".into()],
        ..Claims::default()
    };
    app_only.appid = Some("7e1c5f4a-0d2b-4c39-9a51-6b2f3c8d9e10".into());
    let five_mb = format!(r#"{{"value":"{}"}}"#, "A".repeat(5 * 1024 * 1024 - 12));

    vec![
        // Tokens, as pasted on the sign-in screen.
        token_case("token: empty", "", refused(paste_first.0, paste_first.1)),
        token_case("token: whitespace only", " \n\t ", refused(paste_first.0, paste_first.1)),
        token_case("token: `Bearer ` and nothing else", "Bearer ", refused(paste_first.0, paste_first.1)),
        token_case("token: two dots", "..", refused(not_jwt.0, not_jwt.1)),
        token_case("token: a client secret instead of a token", "Q~8wX3k.Hq0~Zb1", refused(not_jwt.0, not_jwt.1)),
        token_case(
            "token: bad base64",
            "eyJhbGciOiJub25lIn0.eyJhdWQi%%%.sig",
            refused("This token is damaged: its middle part is not valid base64url.", copy_again),
        ),
        token_case(
            "token: payload is not JSON",
            jwt_of("aud=https://graph.microsoft.com"),
            refused("This token is damaged: its middle part does not decode to JSON claims.", copy_again),
        ),
        token_case(
            "token: split by a space",
            format!("{} {}", &jwt(&delegated(ALL_SCOPES))[..30], &jwt(&delegated(ALL_SCOPES))[30..]),
            refused("This token contains spaces or line breaks.", "Copy it again as one line"),
        ),
        token_case(
            "token: expired",
            jwt(&Claims { exp: Some(NOW - 600), ..delegated(ALL_SCOPES) }),
            warned(&[("This token expired 10 min ago.", "Get a fresh token: Graph refuses expired tokens.")]),
        ),
        token_case(
            "token: not yet valid",
            jwt(&Claims { nbf: Some(NOW + 300), ..delegated(ALL_SCOPES) }),
            warned(&[("This token is not valid yet: it becomes valid in 5 min.", "Check this computer's clock")]),
        ),
        token_case(
            "token: wrong audience",
            jwt(&Claims { aud: Some("https://management.azure.com".into()), ..delegated(ALL_SCOPES) }),
            warned(&[(
                "This token is not for Microsoft Graph: its audience is https://management.azure.com.",
                "az account get-access-token --resource-type ms-graph",
            )]),
        ),
        token_case(
            "token: another cloud's audience",
            jwt(&Claims { aud: Some("https://graph.microsoft.us".into()), ..delegated(ALL_SCOPES) }),
            warned(&[(
                "This token is for Microsoft Graph in the US Gov L4 cloud, but Global is selected.",
                "Choose US Gov L4 under Cloud, or get a token for Microsoft Graph in Global.",
            )]),
        ),
        token_case(
            "token: no scopes at all",
            jwt(&Claims { scp: None, ..delegated("") }),
            warned(&[(
                "This token carries no permissions: Graph will refuse every call.",
                "Get a token that carries Graph permissions such as User.Read.All",
            )]),
        ),
        token_case(
            "token: app-only with roles",
            jwt(&app_only),
            warned(&[(
                "This is an app-only token: License Desk will act as the app Licensing runbook with the application permissions Organization.Read.All, User.Read.All.",
                "Changes will be made and audited as the app, not as you.",
            )]),
        ),
        token_case(
            "token: 30 KB",
            token_of_size(30),
            warned(&[("This token is unusually large (30 KB).", "check that you pasted exactly one token")]),
        ),
        token_case("token: a good one, with `Bearer `", format!("Bearer {}", jwt(&delegated(ALL_SCOPES))), Expect::Accepted),
        // Graph's documented business rules, answering assignLicense (reference §1.6, §6.5).
        business_rule(
            "400: invalid usage location",
            "License assignment cannot be done for user with invalid usage location.",
            BusinessRule::InvalidUsageLocation,
            "The user has no valid usage location",
            "Set the user's usage location (a two-letter country code such as US or GB), then apply the change again.",
        ),
        business_rule(
            "400: no available licenses",
            "Subscription with SKU 6fd2c87f-b296-42f0-b197-1e91e994b900 does not have any available licenses.",
            BusinessRule::NoAvailableLicenses,
            "No free seats in this subscription",
            "Free a seat by removing this license from someone who no longer needs it, or buy more seats",
        ),
        business_rule(
            "400: license inherited from a group",
            "User license is inherited from a group membership and it cannot be removed directly from the user.",
            BusinessRule::InheritedLicense,
            "This license is inherited from a group and can't be removed here",
            "Remove the user from the group that assigns it, or change the group's licenses.",
        ),
        business_rule(
            "400: mutually exclusive plans",
            "License assignment failed because service plans [9aaf7827-d63c-4b61-89c3-182f06f82e5c], [efb87545-963c-4e0d-99df-69c6916d9eb0] are mutually exclusive.",
            BusinessRule::MutuallyExclusivePlans,
            "Two service plans can't be assigned together",
            "Turn off one of the conflicting service plans, or remove the other license first.",
        ),
        business_rule(
            "400: dependent plan",
            "License assignment failed because service plan fe71d6c3-a2ea-4499-9778-da042bf08063 depends on the service plan(s) 5dbe027f-2339-4123-9542-606e4d348a72",
            BusinessRule::DependentPlan,
            "A service plan needs another plan that would be off",
            "Keep the required plan on, or turn off the plan that depends on it as well.",
        ),
        business_rule(
            "400: not a company license",
            "License 0ff8c1ad-7a3a-4b5e-9d0c-1a2b3c4d5e6f does not correspond to a valid company License.",
            BusinessRule::NotACompanyLicense,
            "The tenant doesn't own this SKU",
            "Pick a SKU from “Licenses in this tenant”; this one isn't in the tenant.",
        ),
        business_rule(
            "400: SKU can't be assigned to a user",
            "License 6470687e-a428-4b7a-bef2-8a291ad947c9 cannot be assigned to a user.",
            BusinessRule::NotAssignableToUser,
            "This SKU applies to the company and can't be assigned to a user",
            "Company-wide SKUs are active for the tenant already; nothing needs assigning.",
        ),
        business_rule(
            "400: skuId is not a GUID",
            "Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details",
            BusinessRule::InvalidGuid,
            "An id in the request is not a GUID",
            "This is a defect in the request; copy the details below and report it.",
        ),
        business_rule(
            "400: addLicenses missing",
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses.",
            BusinessRule::MissingParameter,
            "The request body was incomplete",
            "This is a defect in the request; copy the details below and report it.",
        ),
        business_rule(
            "400: no license changes",
            "No license changes provided. At least one license to add or remove must be specified.",
            BusinessRule::NoChanges,
            "The request contained no license changes",
            "Nothing to do: make a change first.",
        ),
        // Other statuses answering assignLicense.
        graph_error_case(
            "401: expired token",
            true,
            401,
            None,
            ("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."),
            (ErrorKind::Unauthorized(AuthProblem::Expired), "Your access token has expired", "Paste a fresh token. Your pending changes are kept."),
            Decision::Accept,
        ),
        graph_error_case(
            "401: invalid audience",
            true,
            401,
            None,
            ("InvalidAuthenticationToken", "Invalid audience."),
            (ErrorKind::Unauthorized(AuthProblem::WrongAudience), "The access token is not for Microsoft Graph", "Get a token for Microsoft Graph in the chosen cloud"),
            Decision::Accept,
        ),
        graph_error_case(
            "403: missing permission",
            true,
            403,
            None,
            ("Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
            (ErrorKind::Forbidden, "Your token lacks the permission for this action", "Use a token with the required permission (see the token panel)"),
            Decision::Accept,
        ),
        graph_error_case(
            "404: user not found",
            true,
            404,
            None,
            ("Request_ResourceNotFound", "Resource '5b31c38c-2584-42f0-aa47-657fb3a84230' does not exist or one of its queried reference-property objects are not present."),
            (ErrorKind::NotFound, "Not found", "Check the user or group id; it may have been deleted, or may not have replicated yet"),
            Decision::Accept,
        ),
        graph_error_case(
            "409: conflict",
            true,
            409,
            None,
            ("Request_MultipleObjectsWithSameKeyValue", "Another object with the same value for property proxyAddresses already exists."),
            (ErrorKind::Conflict, "The change conflicts with another change", "Reload the user to see the current state, then apply your change again."),
            Decision::Accept,
        ),
        graph_error_case(
            "412: precondition failed",
            true,
            412,
            None,
            ("PreconditionFailed", "The object was changed by another request."),
            (ErrorKind::Conflict, "The change conflicts with another change", "Reload the user to see the current state"),
            Decision::Accept,
        ),
        graph_error_case(
            "423: locked",
            true,
            423,
            None,
            ("Locked", "The resource is locked."),
            (ErrorKind::Unexpected, "Graph answered with HTTP 423", "Try again; if it persists, report the request-id."),
            Decision::Accept,
        ),
        graph_error_case(
            "429 with Retry-After",
            true,
            429,
            Some("7"),
            ("TooManyRequests", "Please retry again later."),
            (ErrorKind::Throttled, THROTTLED.0, THROTTLED.1),
            Decision::RetryAfter { delay_ms: 7_000 },
        ),
        graph_error_case(
            "429 without Retry-After",
            true,
            429,
            None,
            ("TooManyRequests", "Please retry again later."),
            (ErrorKind::Throttled, THROTTLED.0, THROTTLED.1),
            Decision::RetryAfter { delay_ms: 750 },
        ),
        graph_error_case(
            "500 on a write",
            true,
            500,
            None,
            ("InternalServerError", "An internal server error occurred."),
            (ErrorKind::ServerError, SERVER.0, SERVER.1),
            Decision::ReReadFirst,
        ),
        graph_error_case(
            "502 on a write",
            true,
            502,
            None,
            ("BadGateway", "The gateway received an invalid response."),
            (ErrorKind::ServerError, SERVER.0, SERVER.1),
            Decision::ReReadFirst,
        ),
        graph_error_case(
            "503 on a write",
            true,
            503,
            Some("2"),
            ("serviceNotAvailable", "The service is temporarily unavailable. Please retry later."),
            (ErrorKind::ServerError, SERVER.0, SERVER.1),
            Decision::ReReadFirst,
        ),
        graph_error_case(
            "504 on a write",
            true,
            504,
            None,
            ("GatewayTimeout", "The gateway timed out."),
            (ErrorKind::ServerError, SERVER.0, SERVER.1),
            Decision::ReReadFirst,
        ),
        graph_error_case(
            "503 on a read",
            false,
            503,
            Some("2"),
            ("serviceNotAvailable", "The service is temporarily unavailable. Please retry later."),
            (ErrorKind::ServerError, SERVER.0, SERVER.1),
            Decision::RetryAfter { delay_ms: 2_000 },
        ),
        // "Reclaim licenses": the disabled accounts' advanced query sent without
        // `ConsistencyLevel: eventual` or `$count=true`.
        graph_error_case(
            "400 on a read: advanced query without ConsistencyLevel",
            false,
            400,
            None,
            ("Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'assignedLicenses' of resource 'User'. Add the ConsistencyLevel header set to eventual and $count=true."),
            (ErrorKind::UnsupportedQuery, "Graph doesn't support this query", "Retry without advanced query options"),
            Decision::Accept,
        ),
        // Sign-in activity in a tenant without Microsoft Entra ID P1 or P2: not retried, and
        // not called a missing permission wherever it shows; the reclaim screen reads it as
        // "needs P1" (`SignInUnavailable::from_error`).
        graph_error_case(
            "403 on a read: sign-in activity without Entra ID P1",
            false,
            403,
            None,
            ("Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license"),
            (ErrorKind::NeedsPremium, "This needs Microsoft Entra ID P1 or P2, which the tenant doesn't have", "No token or role changes this"),
            Decision::Accept,
        ),
        Case {
            name: "502 HTML page from a gateway, on a write",
            input: Input::Answer {
                write: true,
                status: 502,
                headers: vec![("Content-Type", "text/html".into())],
                body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>".into(),
            },
            expect: Expect::Error {
                kind: ErrorKind::ServerError,
                headline: SERVER.0.into(),
                what_to_do: SERVER.1,
                graph: Graph::Quoted { contains: "an HTML page: 502 Bad Gateway 502 Bad Gateway", request_id: None },
                decision: Some(Decision::ReReadFirst),
            },
        },
        // Bodies that are not what was asked for.
        body_case(
            "200 with an HTML page (captive portal)",
            Shape::Skus,
            license_desk_sim::faults::HTML_PAGE.into(),
            "an HTML page: Network sign-in required Network sign-in required Accept the terms of use to continue browsing.",
        ),
        body_case("200 with an empty body", Shape::User, String::new(), "EOF while parsing a value at line 1 column 0: (empty body)"),
        body_case(
            "200 with truncated JSON",
            Shape::UserPage,
            r#"{"value":[{"id":"8e16ebad-d012-4038-8b76-fa29132403c7","displayName":"Alex Wil"#.into(),
            "EOF while parsing a string",
        ),
        body_case(
            "200 with JSON of the wrong shape (user)",
            Shape::User,
            license_desk_sim::faults::WRONG_SHAPE.into(),
            "invalid type: integer `42`, expected a string",
        ),
        body_case(
            "200 with JSON of the wrong shape (list)",
            Shape::Skus,
            license_desk_sim::faults::WRONG_SHAPE.into(),
            "invalid type: string \"unexpected\", expected a sequence",
        ),
        body_case("200 with a 5 MB body", Shape::UserPage, five_mb, "(5.0 MB body)"),
        Case {
            name: "nextLink to another host",
            input: Input::NextLinks(vec!["https://graph.microsoft.com.attacker.example/v1.0/users?$skiptoken=X"]),
            expect: Expect::Error {
                kind: ErrorKind::RefusedLink,
                headline: "Graph's next-page link points outside the chosen Graph endpoint".into(),
                what_to_do: "License Desk did not follow the link, so your token stayed within the chosen endpoint.",
                graph: Graph::Quoted {
                    contains: "Refused to use “https://graph.microsoft.com.attacker.example/v1.0/users?$skiptoken=X” as the Graph endpoint.",
                    request_id: Some(REQUEST_ID),
                },
                decision: None,
            },
        },
        Case {
            name: "nextLink loop",
            input: Input::NextLinks(vec![
                "https://graph.microsoft.com/v1.0/users?$top=10&$skiptoken=A",
                "https://graph.microsoft.com/v1.0/users?$top=10&$skiptoken=A",
            ]),
            expect: Expect::Error {
                kind: ErrorKind::RepeatedLink,
                headline: "Graph sent the same next-page link again".into(),
                what_to_do: "License Desk stopped paging here so it doesn't loop.",
                graph: Graph::Quoted {
                    contains: "The next-page link https://graph.microsoft.com/v1.0/users?$top=10&$skiptoken=A was already followed.",
                    request_id: Some(REQUEST_ID),
                },
                decision: None,
            },
        },
        // No HTTP answer at all.
        no_answer_case(
            "connection refused, on a read",
            false,
            GraphError::network(FAILED_TO_FETCH),
            (ErrorKind::Network, NETWORK.0, NETWORK.1),
            "Failed to fetch",
        ),
        no_answer_case(
            "CORS failure, on a write",
            true,
            GraphError::network(FAILED_TO_FETCH),
            (ErrorKind::Network, NETWORK.0, NETWORK.1),
            "blocked by the browser",
        ),
        no_answer_case(
            "dropped connection, on a write",
            true,
            GraphError::network(FAILED_TO_FETCH),
            (ErrorKind::Network, NETWORK.0, NETWORK.1),
            "the connection was dropped",
        ),
        no_answer_case(
            "stalled response, on a write",
            true,
            GraphError::timeout(30),
            (ErrorKind::Timeout, "Graph did not answer in time", "If this was a change, License Desk reads the user again before anything else, so nothing is sent twice."),
            "No answer from Graph within 30 s.",
        ),
        no_answer_case(
            "stalled response, on a read",
            false,
            GraphError::timeout(30),
            (ErrorKind::Timeout, "Graph did not answer in time", "Check your connection and try again."),
            "No answer from Graph within 30 s.",
        ),
        // Hostile names.
        names_case(
            "names: HTML and script in display name and UPN",
            "<img src=x onerror=alert(1)><script>alert('name')</script>",
            "<script>alert(1)</script>@contoso.example",
        ),
        names_case("names: formula in display name", "=HYPERLINK(\"https://evil.example\",\"Click\")", "+cmd|' /C calc'!A0@contoso.example"),
        names_case("names: right-to-left override", "\u{202E}gnp.exe\u{202C} Adele \u{05D0}\u{05D1}\u{05D2}", "adele\u{202E}moc.elpmaxe@contoso.example"),
        names_case("names: zero-width characters", "Ad\u{200B}ele\u{200D} Vance\u{FEFF}", "ad\u{200B}ele\u{2060}@contoso.example"),
        names_case("names: 1,000 characters", "N".repeat(1_000), format!("{}@contoso.example", "u".repeat(1_000))),
        names_case("names: apostrophe and quotes", "Seán O'Brien \"The Admin\", Jr.", "sean.o'brien@contoso.example"),
    ]
}

/// Reads a PowerShell single-quoted string literal at the start of `text`: every quote
/// character PowerShell accepts ends it unless doubled. Returns the value and the rest.
fn powershell_literal(text: &str) -> Option<(String, &str)> {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let mut chars = text.char_indices().peekable();
    let (_, first) = chars.next()?;
    if !is_quote(first) {
        return None;
    }
    let mut value = String::new();
    while let Some((index, c)) = chars.next() {
        if is_quote(c) {
            match chars.peek() {
                Some((_, next)) if is_quote(*next) => {
                    value.push(*next);
                    chars.next();
                }
                _ => return Some((value, &text[index + c.len_utf8()..])),
            }
        } else {
            value.push(c);
        }
    }
    None
}

/// Splits RFC 4180 CSV into rows of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// The error reading `response` as `shape`, if any.
fn read_as(shape: Shape, response: &RawResponse) -> Option<GraphError> {
    match shape {
        Shape::User => response.parse::<User>().err(),
        Shape::UserPage => response.parse::<ODataPage<User>>().err(),
        Shape::Skus => response.parse::<ODataPage<SubscribedSku>>().err(),
    }
}

/// The error the admin sees for `input`, and the retry decision after the first attempt.
fn error_for(input: &Input) -> (GraphError, Option<Decision>) {
    let policy = RetryPolicy::default();
    let now_ms = NOW as u64 * 1000;
    match input {
        Input::Answer {
            write,
            status,
            headers,
            body,
        } => {
            let response = RawResponse {
                status: *status,
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
                body: body.clone(),
            };
            let attempt = Attempt::Answered {
                status: *status,
                retry_after: response.header("Retry-After"),
            };
            let decision = policy.decide(1, *write, &attempt, 0.5, now_ms);
            let error = response.ok().expect_err("an error status");
            (error, Some(decision))
        }
        Input::Body { shape, body } => {
            let response = RawResponse {
                status: 200,
                headers: vec![("request-id".into(), REQUEST_ID.into())],
                body: body.clone(),
            };
            (read_as(*shape, &response).expect("unreadable"), None)
        }
        Input::NextLinks(links) => {
            let endpoint = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
            let mut paging = Paging::start(endpoint, &request::find_users("", 10));
            let error = links
                .iter()
                .find_map(|link| paging.follow(Some(link), Some(REQUEST_ID)).err())
                .expect("paging stops");
            (error, None)
        }
        Input::NoAnswer { write, error } => {
            let decision = policy.decide(1, *write, &Attempt::NoAnswer, 0.5, now_ms);
            (error.clone(), Some(decision))
        }
        Input::Token { .. } | Input::Names { .. } => unreachable!("not an error input"),
    }
}

fn check_error(
    case: &Case,
    kind: &ErrorKind,
    headline: &str,
    what_to_do: &str,
    graph: &Graph,
    decision: &Option<Decision>,
) {
    let name = case.name;
    let (error, decided) = error_for(&case.input);
    assert_eq!(&error.kind, kind, "{name}: kind");
    assert_eq!(error.headline(), headline, "{name}: headline");
    assert!(
        error.what_to_do().contains(what_to_do),
        "{name}: what to do was {:?}",
        error.what_to_do()
    );
    match graph {
        Graph::Envelope {
            code,
            message,
            request_id,
        } => {
            assert_eq!(error.code.as_deref(), Some(*code), "{name}: code");
            assert_eq!(&error.message, message, "{name}: message");
            assert_eq!(
                error.request_id.as_deref(),
                Some(*request_id),
                "{name}: request-id"
            );
            let shown = error.to_string();
            assert!(
                shown.contains(code)
                    && shown.contains(message.as_str())
                    && shown.contains(request_id),
                "{name}: the one-line form quotes code, message and request-id: {shown}"
            );
        }
        Graph::Quoted {
            contains,
            request_id,
        } => {
            assert!(
                error.message.contains(contains),
                "{name}: message {:?} lacks {contains:?}",
                error.message.chars().take(400).collect::<String>()
            );
            assert!(
                error.message.chars().count() <= 600,
                "{name}: a {}-character message is not readable",
                error.message.chars().count()
            );
            assert_eq!(
                error.request_id.as_deref(),
                *request_id,
                "{name}: request-id"
            );
        }
    }
    assert_eq!(&decided, decision, "{name}: retry decision");
    // Never send a write again whose outcome is unknown.
    if let Input::Answer {
        write: true,
        status,
        ..
    } = &case.input
    {
        if write_outcome_unknown(Some(*status)) {
            assert_eq!(
                decided,
                Some(Decision::ReReadFirst),
                "{name}: unknown write outcome"
            );
        }
    }
    if let Input::NoAnswer { write: true, .. } = &case.input {
        assert_eq!(
            decided,
            Some(Decision::ReReadFirst),
            "{name}: unanswered write"
        );
    }
}

fn check_token(case: &Case, pasted: &str, cloud: Cloud) {
    let name = case.name;
    let assessment = assess(pasted, cloud, NOW);
    match &case.expect {
        Expect::Refused {
            headline,
            what_to_do,
        } => {
            let finding = assessment
                .blocking()
                .unwrap_or_else(|| panic!("{name}: not refused: {:?}", assessment.findings));
            assert_eq!(finding.headline(), *headline, "{name}: headline");
            assert!(
                finding.what_to_do().contains(what_to_do),
                "{name}: what to do was {:?}",
                finding.what_to_do()
            );
            assert!(!assessment.can_sign_in(), "{name}");
        }
        Expect::Warned(expected) => {
            assert!(
                assessment.can_sign_in(),
                "{name}: refused {:?}",
                assessment.findings
            );
            let shown: Vec<(String, String)> = assessment
                .warnings()
                .map(|f| (f.headline(), f.what_to_do()))
                .collect();
            assert_eq!(shown.len(), expected.len(), "{name}: warnings {shown:?}");
            for ((headline, what_to_do), (want_headline, want_what)) in shown.iter().zip(expected) {
                assert_eq!(headline, want_headline, "{name}: headline");
                assert!(
                    what_to_do.contains(want_what),
                    "{name}: what to do was {what_to_do:?}"
                );
            }
            assert!(assessment.claims.is_some(), "{name}: claims decoded");
        }
        Expect::Accepted => {
            assert_eq!(assessment.findings, vec![], "{name}");
            assert!(assessment
                .findings
                .iter()
                .all(|f| f.severity() != Severity::Blocking));
        }
        _ => panic!("{name}: a token case expects a sign-in outcome"),
    }
}

fn check_names(name: &str, display: &str, upn: &str) {
    // Graph's JSON, as a single user and in a search page, comes through verbatim.
    let user_json = json!({"id": "8e16ebad-d012-4038-8b76-fa29132403c7", "displayName": display, "userPrincipalName": upn});
    let user: User = serde_json::from_value(user_json.clone()).unwrap();
    assert_eq!(
        user.display_name.as_deref(),
        Some(display),
        "{name}: display name"
    );
    assert_eq!(
        user.user_principal_name.as_deref(),
        Some(upn),
        "{name}: UPN"
    );
    assert_eq!(user.label(), display, "{name}: label");
    let page: ODataPage<User> = serde_json::from_value(json!({"value": [user_json]})).unwrap();
    assert_eq!(page.value[0], user, "{name}: search page");

    // PowerShell: the UPN is one single-quoted literal that reads back exactly.
    let body = AssignLicenseBody {
        add_licenses: vec![AssignedLicense {
            sku_id: SkuId::new(SKU),
            disabled_plans: vec![],
        }],
        remove_licenses: vec![],
    };
    let command = equivalents::powershell_assign(upn, &body);
    let argument = command
        .strip_prefix("Set-MgUserLicense -UserId ")
        .unwrap_or_else(|| panic!("{name}: {command}"));
    let (value, rest) = powershell_literal(argument).unwrap_or_else(|| panic!("{name}: {command}"));
    assert_eq!(value, upn, "{name}: PowerShell reads the UPN back exactly");
    assert!(
        rest.starts_with(" -AddLicenses @("),
        "{name}: nothing escapes the literal: {rest}"
    );
    let reprocess = equivalents::powershell_reprocess(upn);
    let (value, rest) = powershell_literal(
        reprocess
            .strip_prefix("Invoke-MgLicenseUser -UserId ")
            .unwrap(),
    )
    .unwrap();
    assert_eq!((value.as_str(), rest), (upn, ""), "{name}: reprocess");

    // CSV and JSON exports: a group and a SKU carrying the name come out quoted, never
    // as a formula, and read back exactly.
    let sku: SubscribedSku = serde_json::from_value(json!({
        "skuId": "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9", "skuPartNumber": display, "servicePlans": []
    }))
    .unwrap();
    let mut catalog = Catalog::new(vec![sku]);
    catalog
        .groups
        .insert(GroupId::new(GROUP), display.to_string());
    let after: User = serde_json::from_value(json!({"licenseAssignmentStates": [
        {"skuId": SKU, "assignedByGroup": GROUP, "state": "Active", "error": "None", "disabledPlans": []},
        {"skuId": "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9", "assignedByGroup": null, "state": "Active", "error": "None", "disabledPlans": []}
    ]}))
    .unwrap();
    let diff = LicenseDiff::between(&User::default(), &after, &catalog);
    let rows = parse_csv(&diff.to_csv());
    assert_eq!(rows.len(), 3, "{name}: header and two rows");
    for row in &rows {
        assert_eq!(row.len(), 8, "{name}: eight fields in {row:?}");
        for field in row {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{name}: formula {field:?}"
            );
        }
    }
    let fields: Vec<&String> = rows.iter().flatten().collect();
    assert!(
        fields.iter().any(|f| **f == format!("Group: {display}")),
        "{name}: group name in CSV"
    );
    let sku_field = if display.starts_with(['=', '+', '-', '@']) {
        format!("'{display}")
    } else {
        display.to_string()
    };
    assert!(
        fields.iter().any(|f| **f == sku_field),
        "{name}: SKU name in CSV"
    );
    let exported: LicenseDiff = serde_json::from_str(&diff.to_json()).unwrap();
    assert_eq!(exported, diff, "{name}: JSON export");
}

fn check(case: &Case) {
    match (&case.input, &case.expect) {
        (Input::Token { pasted, cloud }, _) => check_token(case, pasted, *cloud),
        (Input::Names { display, upn }, Expect::Verbatim) => check_names(case.name, display, upn),
        (
            _,
            Expect::Error {
                kind,
                headline,
                what_to_do,
                graph,
                decision,
            },
        ) => check_error(case, kind, headline, what_to_do, graph, decision),
        _ => panic!("{}: input and expectation don't fit", case.name),
    }
}

/// Runs every case and reports all that regressed, not just the first.
#[test]
fn every_bad_input_gets_its_specific_message() {
    let cases = cases();
    let failed: Vec<&str> = cases
        .iter()
        .filter(|case| std::panic::catch_unwind(AssertUnwindSafe(|| check(case))).is_err())
        .map(|case| case.name)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases regressed (details above):\n  {}",
        failed.len(),
        cases.len(),
        failed.join("\n  ")
    );
}

#[test]
fn the_catalogue_is_complete_and_unambiguous() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "case names are unique");
    for category in [
        "token:",
        "400:",
        "401",
        "403",
        "404",
        "409",
        "412",
        "423",
        "429 with",
        "429 without",
        "500",
        "502",
        "503",
        "504",
        "HTML",
        "empty body",
        "truncated",
        "wrong shape",
        "5 MB",
        "nextLink to another host",
        "nextLink loop",
        "connection refused",
        "CORS",
        "dropped",
        "stalled",
        "names:",
    ] {
        assert!(
            cases.iter().any(|c| c.name.contains(category)),
            "no case for {category}"
        );
    }
}

/// PowerShell also ends a single-quoted string at the typographic quotes ‘ ’ ‚ ‛, which
/// names pasted from documents carry: they must be doubled like `'`.
#[test]
fn names_with_typographic_quotes_stay_inside_the_powershell_literal() {
    check_names(
        "names: typographic apostrophe",
        "Seán O’Brien",
        "sean.o’brien@contoso.example",
    );
}
