//! Faults the fake Graph server injects on request, and the write counts that prove no
//! write was sent twice.
//!
//! Tests drive the server's control endpoint (`POST /_faults`) with [`FaultRule`]s in
//! JSON: which requests (method and a substring of the target), how many times, whether
//! the simulator applies the request first, and what goes wrong ([`Fault`]): a Graph
//! error, an HTML page, an empty, truncated, wrong-shaped or huge body, a next-page link
//! to another host or back to itself, a stall, an answer without CORS, a dropped
//! connection, or any status, headers and body. [`FaultSet`] matches requests to rules
//! and [`Simulator::inject`] turns a fault into an [`Injection`]; [`WriteStats`] counts
//! writes received and applied. All of it is pure, so it is tested natively; the server
//! only does the socket work.

use super::{SimRequest, Simulator};
use license_desk_core::graph::response::RawResponse;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One armed fault: which requests it hits, how often, and what happens to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// The HTTP method to match. Absent or `*`: any method except `OPTIONS`, so CORS
    /// preflights keep working unless a rule names `OPTIONS` itself.
    #[serde(default)]
    pub method: Option<String>,
    /// A substring of the request target (path and query); empty matches every target.
    #[serde(default)]
    pub path: String,
    /// How many matching requests get the fault. Absent: every one, until cleared.
    #[serde(default)]
    pub times: Option<u32>,
    /// Let the simulator handle the request first (a write is applied), then replace
    /// the answer: Graph did the work, but the admin never learns it.
    #[serde(default)]
    pub after_apply: bool,
    pub fault: Fault,
}

impl FaultRule {
    pub fn matches(&self, method: &str, target: &str) -> bool {
        let method_ok = match self.method.as_deref().map(str::trim) {
            None | Some("*") | Some("") => !method.eq_ignore_ascii_case("OPTIONS"),
            Some(wanted) => wanted.eq_ignore_ascii_case(method),
        };
        method_ok && target.contains(&self.path)
    }
}

/// What goes wrong. In JSON, `{"kind": "graph_error", "status": 429, ...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Graph's error envelope with this status. `code` and `message` default to what
    /// Graph (or, where no capture exists, an obviously injected text) says for it.
    GraphError {
        status: u16,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// An HTML page, as a proxy or captive portal serves.
    Html {
        #[serde(default = "ok")]
        status: u16,
    },
    /// No body at all.
    EmptyBody {
        #[serde(default = "ok")]
        status: u16,
    },
    /// The simulator's real answer, cut off halfway.
    TruncatedJson,
    /// JSON, but not the shape of any Graph resource or collection.
    WrongShape,
    /// A JSON body of `bytes` bytes (5 MB unless given).
    Huge {
        #[serde(default = "five_megabytes")]
        bytes: usize,
    },
    /// The real answer with an `@odata.nextLink` on another origin.
    ForeignNextLink {
        #[serde(default = "foreign_origin")]
        origin: String,
    },
    /// The real answer with an `@odata.nextLink` to the very page just served.
    NextLinkLoop,
    /// Hold the connection for `seconds` without answering, then close it.
    Stall { seconds: u64 },
    /// The real answer without `Access-Control-Allow-Origin`: the browser hides it.
    NoCors,
    /// Close the connection without answering.
    Drop,
    /// Exactly this status, these headers and this body.
    Raw {
        status: u16,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        #[serde(default)]
        body: String,
    },
}

fn ok() -> u16 {
    200
}

fn five_megabytes() -> usize {
    5 * 1024 * 1024
}

fn foreign_origin() -> String {
    "https://graph.microsoft.com.attacker.example".into()
}

impl Fault {
    /// Whether the fault changes the simulator's real answer (so the request is handled).
    pub fn needs_real_answer(&self) -> bool {
        matches!(
            self,
            Fault::TruncatedJson
                | Fault::ForeignNextLink { .. }
                | Fault::NextLinkLoop
                | Fault::NoCors
        )
    }
}

/// What the server does with the connection.
#[derive(Clone, Debug, PartialEq)]
pub enum Injection {
    /// Answer; without CORS headers when `cors` is false.
    Respond { response: RawResponse, cors: bool },
    /// Hold the connection for this many seconds without answering, then close it.
    Stall { seconds: u64 },
    /// Close the connection without answering.
    Drop,
}

/// The armed rules, first match wins.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultSet {
    rules: Vec<FaultRule>,
}

impl FaultSet {
    pub fn arm(&mut self, rule: FaultRule) {
        if rule.times != Some(0) {
            self.rules.push(rule);
        }
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// The rule for this request, if one matches, counting it as used.
    pub fn take(&mut self, method: &str, target: &str) -> Option<FaultRule> {
        let index = self
            .rules
            .iter()
            .position(|rule| rule.matches(method, target))?;
        let rule = &mut self.rules[index];
        let fired = rule.clone();
        match &mut rule.times {
            Some(1) => {
                self.rules.remove(index);
            }
            Some(left) => *left -= 1,
            None => {}
        }
        Some(fired)
    }
}

/// Writes the server received, applied and throttled, per path and per user, and how
/// many applied writes repeated an earlier one: exactly (same method, path and body), or
/// to the same user (the same `assignLicense` body, or a second reprocess).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteStats {
    received: BTreeMap<String, u32>,
    applied: BTreeMap<String, u32>,
    applied_bodies: BTreeMap<(String, String, String), u32>,
    throttled: u32,
    /// Applied writes per user (lower-cased UPN).
    per_user: BTreeMap<String, u32>,
    /// Applied writes per user and what was written.
    user_writes: BTreeMap<(String, String), u32>,
}

/// Whether a method changes anything.
pub fn is_write(method: &str) -> bool {
    !["GET", "HEAD", "OPTIONS"]
        .iter()
        .any(|read| read.eq_ignore_ascii_case(method))
}

impl WriteStats {
    pub fn received(&mut self, method: &str, target: &str) {
        if is_write(method) {
            *self.received.entry(path_of(target)).or_default() += 1;
        }
    }

    /// Counts a write the simulator handled with a 2xx answer.
    pub fn applied(&mut self, method: &str, target: &str, body: &str, status: u16) {
        if is_write(method) && (200..300).contains(&status) {
            let path = path_of(target);
            *self.applied.entry(path.clone()).or_default() += 1;
            *self
                .applied_bodies
                .entry((method.to_ascii_uppercase(), path, body.to_string()))
                .or_default() += 1;
        }
    }

    /// Counts a write answered 429.
    pub fn throttled(&mut self) {
        self.throttled += 1;
    }

    /// Counts an applied write to `user`; `what` names the write (kind and body).
    pub fn applied_to_user(&mut self, user: &str, what: &str) {
        *self.per_user.entry(user.to_string()).or_default() += 1;
        *self
            .user_writes
            .entry((user.to_string(), what.to_string()))
            .or_default() += 1;
    }

    pub fn writes_throttled(&self) -> u32 {
        self.throttled
    }

    /// Applied writes that a user had already had applied exactly so.
    pub fn duplicate_writes(&self) -> u32 {
        self.user_writes.values().map(|n| n - 1).sum()
    }

    /// Applied writes per user (lower-cased UPN); users with none are absent.
    pub fn applied_per_user(&self) -> &BTreeMap<String, u32> {
        &self.per_user
    }

    pub fn writes_received(&self) -> u32 {
        self.received.values().sum()
    }

    pub fn writes_applied(&self) -> u32 {
        self.applied.values().sum()
    }

    /// Applied writes that were exact repeats of an earlier applied write.
    pub fn repeated_writes_applied(&self) -> u32 {
        self.applied_bodies.values().map(|n| n - 1).sum()
    }

    /// [`WriteStats::to_json`] plus `"users": {upn: applied}`.
    pub fn to_json_with_users(&self) -> Value {
        let mut json = self.to_json();
        json["users"] = json!(self.per_user);
        json
    }

    /// `{"writes_received", "writes_applied", "writes_throttled", "duplicate_writes",
    /// "repeated_writes_applied", "paths": {path: {"received", "applied"}}}`.
    pub fn to_json(&self) -> Value {
        let paths: serde_json::Map<String, Value> = self
            .received
            .keys()
            .chain(self.applied.keys())
            .map(|path| {
                let count = |map: &BTreeMap<String, u32>| map.get(path).copied().unwrap_or(0);
                (
                    path.clone(),
                    json!({"received": count(&self.received), "applied": count(&self.applied)}),
                )
            })
            .collect();
        json!({
            "writes_received": self.writes_received(),
            "writes_applied": self.writes_applied(),
            "writes_throttled": self.writes_throttled(),
            "duplicate_writes": self.duplicate_writes(),
            "repeated_writes_applied": self.repeated_writes_applied(),
            "paths": paths,
        })
    }
}

fn path_of(target: &str) -> String {
    license_desk_core::graph::url::split_query(target)
        .0
        .to_string()
}

/// A captive portal's sign-in page: what a browser gets on hotel or guest Wi-Fi.
pub const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Network sign-in required</title></head>\n<body><h1>Network sign-in required</h1><p>Accept the terms of use to continue browsing.</p></body></html>\n";

/// JSON that is none of Graph's shapes: every field License Desk reads has the wrong type.
pub const WRONG_SHAPE: &str = r#"{"value":"unexpected","id":42,"displayName":{"unexpected":true},"assignedLicenses":"unexpected"}"#;

/// Graph's code and message for `status` where one has been captured; otherwise an
/// obviously injected one.
fn default_error(status: u16, target: &str) -> (String, String) {
    let resource = path_of(target)
        .rsplit('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or("")
        .to_string();
    let (code, message) = match status {
        400 => ("Request_BadRequest", "Invalid request.".to_string()),
        401 => (
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.".to_string(),
        ),
        403 => (
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.".to_string(),
        ),
        404 => (
            "Request_ResourceNotFound",
            format!("Resource '{resource}' does not exist or one of its queried reference-property objects are not present."),
        ),
        429 => ("TooManyRequests", "Please retry again later.".to_string()),
        503 => (
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry later.".to_string(),
        ),
        _ => (
            "InjectedFault",
            format!("The fake Graph server answered HTTP {status} as instructed."),
        ),
    };
    (code.to_string(), message)
}

impl Simulator {
    /// What to do for `fault` on `request` at `now_ms`. `real` is the simulator's own
    /// answer when the request was handled first (see [`Fault::needs_real_answer`] and
    /// [`FaultRule::after_apply`]).
    pub fn inject(
        &mut self,
        fault: &Fault,
        request: &SimRequest,
        now_ms: u64,
        real: Option<RawResponse>,
    ) -> Injection {
        let respond = |response| Injection::Respond {
            response,
            cors: true,
        };
        match fault {
            Fault::GraphError {
                status,
                code,
                message,
                retry_after,
            } => {
                let (default_code, default_message) = default_error(*status, &request.target);
                let mut response = self.error(
                    request,
                    now_ms,
                    *status,
                    code.as_deref().unwrap_or(&default_code),
                    message.as_deref().unwrap_or(&default_message),
                    retry_after.as_deref(),
                );
                if *status == 401 {
                    response.headers.push((
                        "WWW-Authenticate".into(),
                        "Bearer realm=\"\", error=\"invalid_token\"".into(),
                    ));
                }
                respond(response)
            }
            Fault::Html { status } => respond(RawResponse {
                status: *status,
                headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
                body: HTML_PAGE.into(),
            }),
            Fault::EmptyBody { status } => respond(RawResponse {
                status: *status,
                headers: self.base_headers(request),
                body: String::new(),
            }),
            Fault::TruncatedJson => {
                let mut response =
                    real.unwrap_or_else(|| self.ok(request, now_ms, 200, json!({"value": []})));
                let half = response.body.len() / 2;
                let cut = (0..=half)
                    .rev()
                    .find(|i| response.body.is_char_boundary(*i))
                    .unwrap_or(0);
                response.body.truncate(cut);
                respond(response)
            }
            Fault::WrongShape => respond(RawResponse {
                status: 200,
                headers: self.base_headers(request),
                body: WRONG_SHAPE.into(),
            }),
            Fault::Huge { bytes } => {
                let padding = bytes.saturating_sub(r#"{"value":""}"#.len());
                respond(RawResponse {
                    status: 200,
                    headers: self.base_headers(request),
                    body: format!(r#"{{"value":"{}"}}"#, "A".repeat(padding)),
                })
            }
            Fault::ForeignNextLink { origin } => {
                let link = format!("{}{}", origin.trim_end_matches('/'), request.target);
                respond(with_next_link(real, &link))
            }
            Fault::NextLinkLoop => {
                let link = format!("{}{}", request.origin, request.target);
                respond(with_next_link(real, &link))
            }
            Fault::Stall { seconds } => Injection::Stall { seconds: *seconds },
            Fault::NoCors => match real {
                Some(response) => Injection::Respond {
                    response,
                    cors: false,
                },
                None => Injection::Drop,
            },
            Fault::Drop => Injection::Drop,
            Fault::Raw {
                status,
                headers,
                body,
            } => respond(RawResponse {
                status: *status,
                headers: headers.clone().into_iter().collect(),
                body: body.clone(),
            }),
        }
    }
}

/// `real` with its `@odata.nextLink` set to `link` (a JSON object body only).
fn with_next_link(real: Option<RawResponse>, link: &str) -> RawResponse {
    let mut response = real.unwrap_or_default();
    if let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(&response.body) {
        body.insert("@odata.nextLink".into(), Value::String(link.into()));
        response.body = Value::Object(body).to_string();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimConfig;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    fn request(method: &str, target: &str) -> SimRequest {
        SimRequest {
            method: method.into(),
            target: target.into(),
            origin: "http://127.0.0.1:8789".into(),
            ..SimRequest::default()
        }
    }

    #[test]
    fn rules_fire_the_given_number_of_times_and_spare_preflights() {
        let mut set = FaultSet::default();
        set.arm(rule(
            r#"{"path":"/assignLicense","times":2,"fault":{"kind":"drop"}}"#,
        ));
        assert_eq!(set.take("OPTIONS", "/v1.0/users/u/assignLicense"), None);
        assert!(set.take("POST", "/v1.0/users/u/assignLicense").is_some());
        assert!(set.take("post", "/v1.0/users/u/assignLicense").is_some());
        assert_eq!(set.take("POST", "/v1.0/users/u/assignLicense"), None);
        assert!(set.rules().is_empty());
        set.arm(rule(
            r#"{"method":"GET","path":"/users","fault":{"kind":"no_cors"}}"#,
        ));
        assert_eq!(set.take("POST", "/v1.0/users/u/assignLicense"), None);
        for _ in 0..5 {
            assert!(set.take("GET", "/v1.0/users?$top=5").is_some());
        }
        set.clear();
        assert_eq!(set.take("GET", "/v1.0/users"), None);
    }

    #[test]
    fn unknown_fields_and_kinds_are_refused() {
        assert!(serde_json::from_str::<FaultRule>(r#"{"fault":{"kind":"explode"}}"#).is_err());
        assert!(
            serde_json::from_str::<FaultRule>(r#"{"pth":"/x","fault":{"kind":"drop"}}"#).is_err()
        );
    }

    #[test]
    fn graph_errors_carry_the_envelope_and_retry_after() {
        let mut sim = Simulator::new(SimConfig::default());
        let fault = Fault::GraphError {
            status: 429,
            code: None,
            message: None,
            retry_after: Some("7".into()),
        };
        let Injection::Respond { response, cors } = sim.inject(
            &fault,
            &request("POST", "/v1.0/users/u/assignLicense"),
            0,
            None,
        ) else {
            panic!("an answer");
        };
        assert!(cors);
        assert_eq!(response.status, 429);
        assert_eq!(response.header("Retry-After"), Some("7"));
        let body: Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(body["error"]["code"], "TooManyRequests");
        assert_eq!(
            body["error"]["innerError"]["request-id"].as_str(),
            response.header("request-id")
        );
        let not_found = Fault::GraphError {
            status: 404,
            code: None,
            message: None,
            retry_after: None,
        };
        let Injection::Respond { response, .. } = sim.inject(
            &not_found,
            &request("GET", "/v1.0/users/abc?$select=id"),
            0,
            None,
        ) else {
            panic!("an answer");
        };
        assert!(response.body.contains("Resource 'abc' does not exist"));
    }

    #[test]
    fn next_link_faults_rewrite_the_real_page() {
        let mut sim = Simulator::new(SimConfig::default());
        let page = RawResponse {
            status: 200,
            headers: vec![],
            body: r#"{"value":[{"id":"1"}]}"#.into(),
        };
        let target = "/v1.0/users?$top=1";
        let Injection::Respond { response, .. } = sim.inject(
            &Fault::NextLinkLoop,
            &request("GET", target),
            0,
            Some(page.clone()),
        ) else {
            panic!("an answer");
        };
        let body: Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(
            body["@odata.nextLink"],
            "http://127.0.0.1:8789/v1.0/users?$top=1"
        );
        assert_eq!(body["value"][0]["id"], "1");
        let foreign = Fault::ForeignNextLink {
            origin: foreign_origin(),
        };
        let Injection::Respond { response, .. } =
            sim.inject(&foreign, &request("GET", target), 0, Some(page))
        else {
            panic!("an answer");
        };
        assert!(response
            .body
            .contains("https://graph.microsoft.com.attacker.example/v1.0/users?$top=1"));
    }

    #[test]
    fn bodies_are_broken_as_asked() {
        let mut sim = Simulator::new(SimConfig::default());
        let get = request("GET", "/v1.0/subscribedSkus");
        let real = RawResponse {
            status: 200,
            headers: vec![],
            body: r#"{"value":[{"skuId":"é"}]}"#.into(),
        };
        let Injection::Respond { response, .. } =
            sim.inject(&Fault::TruncatedJson, &get, 0, Some(real.clone()))
        else {
            panic!("an answer");
        };
        assert!(real.body.starts_with(&response.body));
        assert!(serde_json::from_str::<Value>(&response.body).is_err());
        let Injection::Respond { response, .. } =
            sim.inject(&Fault::Huge { bytes: 5_000_000 }, &get, 0, None)
        else {
            panic!("an answer");
        };
        assert_eq!(response.body.len(), 5_000_000);
        assert_eq!(
            sim.inject(&Fault::NoCors, &get, 0, Some(real.clone())),
            Injection::Respond {
                response: real,
                cors: false
            }
        );
        assert_eq!(
            sim.inject(&Fault::Stall { seconds: 3 }, &get, 0, None),
            Injection::Stall { seconds: 3 }
        );
    }

    #[test]
    fn stats_count_writes_and_exact_repeats() {
        let mut stats = WriteStats::default();
        stats.received("GET", "/v1.0/users");
        stats.received("POST", "/v1.0/users/u/assignLicense");
        stats.applied("POST", "/v1.0/users/u/assignLicense", "{}", 200);
        stats.received("POST", "/v1.0/users/u/assignLicense");
        stats.applied("POST", "/v1.0/users/u/assignLicense", "{}", 200);
        stats.received("PATCH", "/v1.0/users/u?x=1");
        stats.applied("PATCH", "/v1.0/users/u?x=1", "{}", 400);
        assert_eq!(stats.writes_received(), 3);
        assert_eq!(stats.writes_applied(), 2);
        assert_eq!(stats.repeated_writes_applied(), 1);
        let json = stats.to_json();
        assert_eq!(json["paths"]["/v1.0/users/u"]["received"], 1);
        assert_eq!(json["paths"]["/v1.0/users/u"]["applied"], 0);
        assert_eq!(json["paths"]["/v1.0/users/u/assignLicense"]["applied"], 2);
    }
}
