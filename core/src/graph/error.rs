//! One error type for everything that can go wrong talking to Graph.
//!
//! [`GraphError`] maps HTTP status plus Graph's `code` (and, for directory business
//! rules that all share `Request_BadRequest`, the `message`) to what the admin needs:
//! what happened, why, and what to do next, always keeping Graph's `code`, `message`
//! and `request-id` so a support ticket can quote them.

use crate::graph::model::ErrorEnvelope;
use crate::graph::response::RawResponse;
use crate::graph::retry::{parse_http_date, parse_retry_after};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a 401 happened, as far as the token and message tell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthProblem {
    Missing,
    Expired,
    WrongAudience,
    Invalid,
}

/// Directory business rules. Graph returns all of them as 400 `Request_BadRequest`;
/// only the message tells them apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BusinessRule {
    InvalidUsageLocation,
    NoAvailableLicenses,
    InheritedLicense,
    MutuallyExclusivePlans,
    DependentPlan,
    NotACompanyLicense,
    NotAssignableToUser,
    NoChanges,
    MissingParameter,
    InvalidGuid,
}

/// Graph's code for a request that needs Microsoft Entra ID P1 or P2 in a tenant without
/// it (or a B2C tenant), such as reading sign-in activity.
pub const NO_PREMIUM_CODE: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    BusinessRule(BusinessRule),
    BadRequest,
    UnsupportedQuery,
    Unauthorized(AuthProblem),
    Forbidden,
    /// Graph's 403 [`NO_PREMIUM_CODE`]: what was asked for (sign-in activity) needs
    /// Microsoft Entra ID P1 or P2, which the tenant doesn't have. No token can fix it.
    NeedsPremium,
    NotFound,
    Conflict,
    Throttled,
    ServerError,
    /// The request never got an HTTP answer (offline, DNS, CORS, dropped connection).
    Network,
    /// No answer arrived within the request timeout.
    Timeout,
    /// No token is held: the admin signed out, or never signed in.
    NotSignedIn,
    /// A link Graph returned (such as `@odata.nextLink`) points outside the chosen
    /// endpoint, so License Desk refused to send the token there.
    RefusedLink,
    /// Graph returned a next-page link License Desk already followed, so paging stopped.
    RepeatedLink,
    NotJson,
    Unexpected,
    /// A write was about to leave outside the operations engine (a defect).
    WriteOutsideEngine,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
    pub retry_after_seconds: Option<f64>,
}

impl GraphError {
    pub fn from_response(response: &RawResponse) -> Self {
        let envelope: Option<ErrorEnvelope> = serde_json::from_str(&response.body).ok();
        let header_request_id = response.header("request-id").map(str::to_string);
        let header_client_id = response.header("client-request-id").map(str::to_string);
        let retry_after_seconds = response.header("Retry-After").and_then(|value| {
            // An HTTP-date is read against the server's own `Date`, when it is visible.
            parse_retry_after(value).or_else(|| {
                let at = parse_http_date(value)?;
                let now = parse_http_date(response.header("Date")?)?;
                Some(at.saturating_sub(now) as f64 / 1000.0)
            })
        });
        let Some(ErrorEnvelope { error }) = envelope else {
            let kind = match response.status {
                429 => ErrorKind::Throttled,
                500..=599 => ErrorKind::ServerError,
                _ => ErrorKind::NotJson,
            };
            return GraphError {
                kind,
                status: Some(response.status),
                code: None,
                message: snippet(&response.body),
                request_id: header_request_id,
                client_request_id: header_client_id,
                date: None,
                retry_after_seconds,
            };
        };
        let inner = error.inner_error.unwrap_or_default();
        GraphError {
            kind: classify(response.status, &error.code, &error.message),
            status: Some(response.status),
            code: Some(error.code).filter(|code| !code.is_empty()),
            message: error.message,
            request_id: inner.request_id.or(header_request_id),
            client_request_id: inner.client_request_id.or(header_client_id),
            date: inner.date,
            retry_after_seconds,
        }
    }

    /// A 2xx whose body could not be read as the expected JSON.
    pub fn unreadable(response: &RawResponse, error: &serde_json::Error) -> Self {
        GraphError {
            kind: ErrorKind::NotJson,
            status: Some(response.status),
            code: None,
            message: unreadable_message(&error.to_string(), &response.body),
            request_id: response.header("request-id").map(str::to_string),
            client_request_id: None,
            date: None,
            retry_after_seconds: None,
        }
    }

    /// The request never got an HTTP answer (offline, DNS, CORS, dropped connection).
    pub fn network(detail: &str) -> Self {
        GraphError {
            kind: ErrorKind::Network,
            status: None,
            code: None,
            message: detail.to_string(),
            request_id: None,
            client_request_id: None,
            date: None,
            retry_after_seconds: None,
        }
    }

    /// No answer within `seconds`: the request may still be running at Graph.
    pub fn timeout(seconds: u64) -> Self {
        GraphError {
            kind: ErrorKind::Timeout,
            message: format!("No answer from Graph within {seconds} s."),
            ..GraphError::network("")
        }
    }

    /// There is no token to send.
    pub fn not_signed_in() -> Self {
        GraphError {
            kind: ErrorKind::NotSignedIn,
            message: "There is no access token in this tab.".into(),
            ..GraphError::network("")
        }
    }

    /// A write that a read-only path was asked to send.
    pub fn refused_write() -> Self {
        GraphError {
            kind: ErrorKind::WriteOutsideEngine,
            message: "Changes are sent only by the operations engine, which re-reads and never repeats a write blindly.".into(),
            ..GraphError::network("")
        }
    }

    /// A link from Graph that would take the token outside the chosen endpoint.
    pub fn refused_link(detail: &str) -> Self {
        GraphError {
            kind: ErrorKind::RefusedLink,
            message: detail.to_string(),
            ..GraphError::network("")
        }
    }

    /// A next-page link that leads back to a page already read.
    pub fn repeated_link(link: &str) -> Self {
        GraphError {
            kind: ErrorKind::RepeatedLink,
            message: format!("The next-page link {link} was already followed."),
            ..GraphError::network("")
        }
    }

    pub fn is_auth(&self) -> bool {
        matches!(self.kind, ErrorKind::Unauthorized(_))
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request-id {id}]")?;
        }
        Ok(())
    }
}

/// The longest piece of a body or parser message quoted to the admin.
const QUOTE_CHARS: usize = 200;

/// A body as the admin can read it: at most [`QUOTE_CHARS`] characters, an HTML page
/// as its text rather than its markup, and an empty body said in words.
fn snippet(body: &str) -> String {
    let text = body.trim();
    if text.is_empty() {
        return "(empty body)".into();
    }
    if looks_like_html(text) {
        let words = html_text(text);
        return if words.is_empty() {
            "an HTML page".into()
        } else {
            format!("an HTML page: {}", cut(&words, QUOTE_CHARS))
        };
    }
    cut(text, QUOTE_CHARS)
}

fn cut(text: &str, limit: usize) -> String {
    let kept: String = text.chars().take(limit).collect();
    if kept.len() < text.len() {
        format!("{kept}…")
    } else {
        kept
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with('<')
        && ["<!doctype html", "<html", "<head", "<body", "<title"]
            .iter()
            .any(|tag| head.contains(tag))
}

/// The visible words of an HTML page: tags removed, whitespace collapsed.
fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a 2xx body could not be read: the parser's reason (long quotes inside it
/// shortened, its position kept) and what the body looked like.
fn unreadable_message(parser: &str, body: &str) -> String {
    let reason = if parser.chars().count() > QUOTE_CHARS {
        let head: String = parser.chars().take(QUOTE_CHARS / 2).collect();
        let tail: Vec<char> = parser.chars().rev().take(QUOTE_CHARS / 2).collect();
        format!("{head}…{}", tail.into_iter().rev().collect::<String>())
    } else {
        parser.to_string()
    };
    let size = if body.len() > 1_000_000 {
        format!(" ({:.1} MB body)", body.len() as f64 / 1_048_576.0)
    } else {
        String::new()
    };
    format!("{reason}: {}{size}", snippet(body))
}

fn classify(status: u16, code: &str, message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    match status {
        400 if code.eq_ignore_ascii_case("Request_UnsupportedQuery") => ErrorKind::UnsupportedQuery,
        400 => business_rule(&lower)
            .map(ErrorKind::BusinessRule)
            .unwrap_or(ErrorKind::BadRequest),
        401 => ErrorKind::Unauthorized(if lower.contains("empty") {
            AuthProblem::Missing
        } else if lower.contains("expired") || lower.contains("lifetime") {
            AuthProblem::Expired
        } else if lower.contains("audience") {
            AuthProblem::WrongAudience
        } else {
            AuthProblem::Invalid
        }),
        403 if code.eq_ignore_ascii_case(NO_PREMIUM_CODE) => ErrorKind::NeedsPremium,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 | 412 => ErrorKind::Conflict,
        429 => ErrorKind::Throttled,
        500..=599 => ErrorKind::ServerError,
        _ => ErrorKind::Unexpected,
    }
}

fn business_rule(message: &str) -> Option<BusinessRule> {
    let rules: [(&[&str], BusinessRule); 10] = [
        (
            &["invalid usage location"],
            BusinessRule::InvalidUsageLocation,
        ),
        (
            &["does not have any available licenses"],
            BusinessRule::NoAvailableLicenses,
        ),
        (
            &["inherited from a group", "inherited from group"],
            BusinessRule::InheritedLicense,
        ),
        (
            &["mutually exclusive"],
            BusinessRule::MutuallyExclusivePlans,
        ),
        (
            &["depends on the service plan"],
            BusinessRule::DependentPlan,
        ),
        (
            &["does not correspond to a valid company license"],
            BusinessRule::NotACompanyLicense,
        ),
        (
            &["cannot be assigned to a user"],
            BusinessRule::NotAssignableToUser,
        ),
        (&["no license changes provided"], BusinessRule::NoChanges),
        (
            &["missing from the request payload"],
            BusinessRule::MissingParameter,
        ),
        (&["edm.guid"], BusinessRule::InvalidGuid),
    ];
    rules
        .into_iter()
        .find(|(needles, _)| needles.iter().any(|needle| message.contains(needle)))
        .map(|(_, rule)| rule)
}
/// Reading a raw answer: its model, or the error Graph's answer means.
impl RawResponse {
    /// Parses a successful body as `T`, or turns the response into a [`GraphError`].
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        if !self.is_success() {
            return Err(GraphError::from_response(self));
        }
        serde_json::from_str(&self.body).map_err(|error| GraphError::unreadable(self, &error))
    }

    /// Checks for success without reading the body.
    pub fn ok(&self) -> Result<(), GraphError> {
        if self.is_success() {
            Ok(())
        } else {
            Err(GraphError::from_response(self))
        }
    }
}
