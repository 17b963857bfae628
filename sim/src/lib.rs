//! A faithful, deterministic simulation of a Microsoft 365 tenant behind Microsoft Graph.
//!
//! [`Simulator::handle`] takes an HTTP request (method, path, headers, body) and returns
//! what Graph would: the same status codes, error envelopes, messages, `request-id`
//! headers, paging and quirks. It runs inside the app as the demo tenant and behind the
//! fake Graph server (`cargo run --release --example fake-graph`). Realism is
//! configurable: replication delay (reads lag writes), per-app write throttling (a token
//! bucket, as Graph documents, or a sliding window), a fault rate (random 429, 503 or
//! dropped connections), and injected plan conflicts (no pair of service plans is mutually
//! exclusive unless a test says so). Time is passed in, so the simulator itself stays pure.

mod clock;
pub mod faults;
mod routes;
pub mod seed;
pub mod seed_catalog;
pub mod tenant;
pub mod throttle;

use license_desk_core::guid::Guid;
use license_desk_core::model::User;
use license_desk_core::response::RawResponse;
use license_desk_core::rng::Rng;
use license_desk_core::token::{self, Action};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
pub use tenant::Tenant;
pub use throttle::ThrottleModel;
use throttle::WriteMeter;

/// The demo tenant's id (the `tid` in minted tokens).
pub const DEMO_TENANT_ID: &str = "5f2b3c4d-6e7f-4a8b-9c0d-1e2f3a4b5c6d";

/// Claims for a simulator token: Graph audience, expiring `lifetime_seconds` after `now_seconds`.
pub fn demo_claims(
    upn: &str,
    scopes: &[&str],
    now_seconds: i64,
    lifetime_seconds: i64,
) -> token::Claims {
    token::Claims {
        aud: Some("https://graph.microsoft.com".into()),
        exp: Some(now_seconds + lifetime_seconds),
        tid: Some(DEMO_TENANT_ID.into()),
        upn: Some(upn.into()),
        app_displayname: Some("License Desk".into()),
        appid: Some("7e1c5f4a-0d2b-4c39-9a51-6b2f3c8d9e10".into()),
        scp: Some(scopes.join(" ")),
        wids: vec!["4d6ac14f-3453-41d0-bef9-a3e0c569773a".into()],
        ..token::Claims::default()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub seed: u64,
    /// Reads reflect writes only after this many milliseconds.
    pub replication_delay_ms: u64,
    /// Writes allowed per app in each window (Graph: 3,000 per 150 s).
    pub write_quota: u32,
    pub write_window_ms: u64,
    /// How the write quota is counted: Graph's token bucket, or a sliding window.
    pub throttle_model: ThrottleModel,
    /// Probability of an injected fault per request, in `[0, 1]`.
    pub fault_rate: f64,
    /// Whether tokens must carry a Graph audience and not be expired.
    pub check_tokens: bool,
    /// Service-plan pairs treated as mutually exclusive: an injected fault. Entra ID no
    /// longer keeps Exchange Online Plan 1 and Plan 2 apart, and no other pair is known
    /// to be exclusive, so the demo tenant has none. With a pair set, a direct
    /// assignment that combines them is refused with Graph's 400 and group licensing
    /// records `MutuallyExclusiveViolation` (from the first processing on).
    pub injected_exclusive_plans: Vec<(Guid, Guid)>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            replication_delay_ms: 0,
            write_quota: 3_000,
            write_window_ms: 150_000,
            throttle_model: ThrottleModel::TokenBucket,
            fault_rate: 0.0,
            check_tokens: true,
            injected_exclusive_plans: Vec::new(),
        }
    }
}

/// An incoming request. `target` is the path below the origin, e.g. `/v1.0/users?$top=5`.
#[derive(Clone, Debug, Default)]
pub struct SimRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The origin clients use to reach the simulator, for `@odata.nextLink`.
    pub origin: String,
}

impl SimRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SimOutcome {
    Respond(RawResponse),
    /// Close the connection without answering (an injected network failure).
    Drop,
}

pub struct Simulator {
    tenant: Tenant,
    config: SimConfig,
    rng: Rng,
    /// Per user: what reads return, as (visible from ms, view), oldest first.
    published: BTreeMap<usize, VecDeque<(u64, User)>>,
    writes: BTreeMap<String, WriteMeter>,
    /// User index by lower-cased id and UPN (users are never added while serving).
    user_lookup: HashMap<String, usize>,
}

/// What a route needs to answer.
pub(crate) struct Ctx<'a> {
    pub request: &'a SimRequest,
    pub version: &'a str,
    pub now_ms: u64,
    /// The token reads basic user profiles only (`User.ReadBasic.All`).
    pub basic_profiles_only: bool,
}

impl Simulator {
    /// The demo tenant for `config.seed`, with `config.injected_exclusive_plans`.
    pub fn new(config: SimConfig) -> Self {
        let tenant =
            seed::demo_tenant_with_exclusive_plans(config.seed, &config.injected_exclusive_plans);
        Self::with_tenant(config, tenant)
    }

    /// Serves `tenant` as it is, rules included (`config.injected_exclusive_plans` is
    /// applied only when [`Simulator::new`] builds the demo tenant). Seat counts are
    /// derived from the users' assignments.
    pub fn with_tenant(config: SimConfig, mut tenant: Tenant) -> Self {
        tenant.recount();
        let mut user_lookup = HashMap::new();
        for (index, user) in tenant.users.iter().enumerate() {
            for key in [user.id.as_str(), user.user_principal_name.as_str()] {
                user_lookup
                    .entry(key.trim().to_ascii_lowercase())
                    .or_insert(index);
            }
        }
        Simulator {
            rng: Rng::new(config.seed ^ 0x5EED),
            tenant,
            config,
            published: BTreeMap::new(),
            writes: BTreeMap::new(),
            user_lookup,
        }
    }

    /// The index of the user with this id or UPN (case-insensitive).
    pub(crate) fn user_index(&self, id_or_upn: &str) -> Option<usize> {
        self.user_lookup
            .get(&id_or_upn.trim().to_ascii_lowercase())
            .copied()
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Answers one HTTP request at time `now_ms` (Unix milliseconds).
    pub fn handle(&mut self, request: &SimRequest, now_ms: u64) -> SimOutcome {
        if self.config.fault_rate > 0.0 && self.rng.unit() < self.config.fault_rate {
            return match self.rng.below(3) {
                0 => SimOutcome::Drop,
                1 => SimOutcome::Respond(self.error(
                    request,
                    now_ms,
                    503,
                    "serviceNotAvailable",
                    "The service is temporarily unavailable. Please retry later.",
                    Some("1"),
                )),
                _ => SimOutcome::Respond(self.throttled(request, now_ms, 1)),
            };
        }
        SimOutcome::Respond(self.respond(request, now_ms, true))
    }

    fn respond(&mut self, request: &SimRequest, now_ms: u64, allow_batch: bool) -> RawResponse {
        let (path, _) = license_desk_core::url::split_query(&request.target);
        let mut segments = path.trim_start_matches('/').splitn(2, '/');
        let version = segments.next().unwrap_or("");
        if version != "v1.0" && version != "beta" {
            return self.error(
                request,
                now_ms,
                400,
                "BadRequest",
                &format!("Invalid version: {version}"),
                None,
            );
        }
        let claims = match self.authenticate(request, now_ms) {
            Ok(claims) => claims,
            Err(response) => return response,
        };
        let rest = segments.next().unwrap_or("");
        let method = request.method.to_ascii_uppercase();
        if rest.eq_ignore_ascii_case("$batch") && method == "POST" {
            if !allow_batch {
                return self.error(
                    request,
                    now_ms,
                    400,
                    "BadRequest",
                    "Nested batch requests are not supported.",
                    None,
                );
            }
            return self.batch(request, now_ms, version);
        }
        let route = routes::resolve(&method, rest);
        // Graph answers user reads for User.ReadBasic.All, with basic properties only.
        let basic_profiles_only = route.reads_user_profiles() && claims.reads_basic_profiles_only();
        let ctx = Ctx {
            request,
            version,
            now_ms,
            basic_profiles_only,
        };
        if let Some(action) = route.action() {
            if !basic_profiles_only && !action.allowed_by(&claims) {
                return self.error(
                    request,
                    now_ms,
                    403,
                    "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation.",
                    None,
                );
            }
        }
        if method != "GET" {
            let app = claims.appid.clone().unwrap_or_else(|| "unknown-app".into());
            if let Some(wait) = self.take_write_slot(&app, now_ms) {
                return self.throttled(request, now_ms, wait);
            }
        }
        match routes::answer(self, &ctx, route) {
            Ok((status, body)) => self.ok(request, now_ms, status, body),
            Err(routes::Failure {
                status,
                code,
                message,
            }) => self.error(request, now_ms, status, code, &message, None),
        }
    }

    fn authenticate(
        &mut self,
        request: &SimRequest,
        now_ms: u64,
    ) -> Result<token::Claims, RawResponse> {
        let unauthorized = |sim: &mut Self, message: &str| {
            let mut response = sim.error(
                request,
                now_ms,
                401,
                "InvalidAuthenticationToken",
                message,
                None,
            );
            response.headers.push((
                "WWW-Authenticate".into(),
                "Bearer realm=\"\", error=\"invalid_token\"".into(),
            ));
            response
        };
        let raw = request.header("Authorization").unwrap_or("").trim();
        let bearer = raw
            .strip_prefix("Bearer ")
            .or_else(|| raw.strip_prefix("bearer "))
            .unwrap_or("")
            .trim();
        if bearer.is_empty() {
            return Err(unauthorized(self, "Access token is empty."));
        }
        let Ok(claims) = token::decode(bearer) else {
            return Err(unauthorized(
                self,
                "CompactToken parsing failed with error code: 80049217",
            ));
        };
        if self.config.check_tokens {
            if claims.is_expired((now_ms / 1000) as i64) {
                return Err(unauthorized(
                    self,
                    "Lifetime validation failed, the token is expired.",
                ));
            }
            if !claims.audience_matches(license_desk_core::request::Cloud::Global) {
                return Err(unauthorized(self, "Invalid audience."));
            }
        }
        Ok(claims)
    }

    /// Records a write for `app`, or returns seconds to wait when the quota is spent.
    fn take_write_slot(&mut self, app: &str, now_ms: u64) -> Option<u64> {
        let (model, quota, window) = (
            self.config.throttle_model,
            self.config.write_quota,
            self.config.write_window_ms,
        );
        self.writes
            .entry(app.to_string())
            .or_insert_with(|| WriteMeter::new(model, quota, window, now_ms))
            .take(quota, window, now_ms)
    }

    fn batch(&mut self, request: &SimRequest, now_ms: u64, version: &str) -> RawResponse {
        let parsed: Result<license_desk_core::batch::BatchRequest, _> =
            serde_json::from_str(&request.body);
        let Ok(batch) = parsed else {
            return self.error(
                request,
                now_ms,
                400,
                "BadRequest",
                "Invalid batch payload format.",
                None,
            );
        };
        if batch.requests.len() > license_desk_core::batch::MAX_BATCH {
            return self.error(
                request,
                now_ms,
                400,
                "BadRequest",
                "The number of batch requests exceeds 20.",
                None,
            );
        }
        let mut responses = Vec::new();
        for item in &batch.requests {
            let inner = item.to_request();
            let mut headers: Vec<(String, String)> = inner.headers.clone();
            for name in ["Authorization", "client-request-id"] {
                if let Some(value) = request.header(name) {
                    headers.push((name.into(), value.into()));
                }
            }
            let sub = SimRequest {
                method: inner.method.as_str().into(),
                target: format!("/{version}{}", inner.path),
                headers,
                body: inner.body.unwrap_or_default(),
                origin: request.origin.clone(),
            };
            let answer = self.respond(&sub, now_ms, false);
            let body: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
            let headers: BTreeMap<String, String> = answer
                .headers
                .into_iter()
                .filter(|(k, _)| {
                    !k.eq_ignore_ascii_case("request-id")
                        && !k.eq_ignore_ascii_case("client-request-id")
                })
                .collect();
            responses.push(
                json!({"id": item.id, "status": answer.status, "headers": headers, "body": body}),
            );
        }
        self.ok(request, now_ms, 200, json!({ "responses": responses }))
    }

    fn base_headers(&mut self, request: &SimRequest) -> Vec<(String, String)> {
        let mut headers = vec![
            ("Content-Type".to_string(), "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8".to_string()),
            ("request-id".to_string(), self.rng.guid().to_string()),
        ];
        if let Some(client) = request.header("client-request-id") {
            headers.push(("client-request-id".into(), client.to_string()));
        }
        headers
    }

    fn ok(&mut self, request: &SimRequest, _now_ms: u64, status: u16, body: Value) -> RawResponse {
        let headers = self.base_headers(request);
        RawResponse {
            status,
            headers,
            body: if status == 204 {
                String::new()
            } else {
                body.to_string()
            },
        }
    }

    pub(crate) fn error(
        &mut self,
        request: &SimRequest,
        now_ms: u64,
        status: u16,
        code: &str,
        message: &str,
        retry_after: Option<&str>,
    ) -> RawResponse {
        let mut headers = self.base_headers(request);
        let request_id = headers
            .iter()
            .find(|(k, _)| k == "request-id")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let client_id = request
            .header("client-request-id")
            .map(str::to_string)
            .unwrap_or_else(|| request_id.clone());
        if let Some(seconds) = retry_after {
            headers.push(("Retry-After".into(), seconds.into()));
        }
        RawResponse {
            status,
            headers,
            body: json!({
                "error": {
                    "code": code,
                    "message": message,
                    "innerError": {
                        "date": clock::inner_error_date(now_ms),
                        "request-id": request_id,
                        "client-request-id": client_id,
                    }
                }
            })
            .to_string(),
        }
    }

    fn throttled(&mut self, request: &SimRequest, now_ms: u64, seconds: u64) -> RawResponse {
        self.error(
            request,
            now_ms,
            429,
            "TooManyRequests",
            "Please retry again later.",
            Some(&seconds.to_string()),
        )
    }

    /// The user as reads see them now: the newest version already visible.
    pub(crate) fn read_user(&mut self, index: usize, now_ms: u64) -> User {
        let Some(versions) = self.published.get_mut(&index) else {
            return self.tenant.user_view(index);
        };
        while versions.len() > 1 && versions[1].0 <= now_ms {
            versions.pop_front();
        }
        versions[0].1.clone()
    }

    /// Publishes a user's new state after a write; reads see it after the delay.
    pub(crate) fn publish(&mut self, index: usize, before: User, now_ms: u64) {
        let after = self.tenant.user_view(index);
        if self.config.replication_delay_ms == 0 {
            self.published.remove(&index);
            return;
        }
        let versions = self
            .published
            .entry(index)
            .or_insert_with(|| VecDeque::from([(0, before)]));
        versions.push_back((now_ms + self.config.replication_delay_ms, after));
    }

    pub(crate) fn tenant_mut(&mut self) -> &mut Tenant {
        &mut self.tenant
    }

    pub(crate) fn clock_iso(now_ms: u64) -> String {
        clock::iso(now_ms)
    }
}

impl routes::Route {
    /// The permission-bearing action a route needs.
    fn action(&self) -> Option<Action> {
        use routes::Route::*;
        match self {
            ListUsers
            | GetUser(_)
            | LicenseDetails(_)
            | ListGroups
            | GetGroup(_)
            | GroupMembersWithErrors(_)
            | GroupMembers(_) => Some(Action::ReadUsers),
            SubscribedSkus => Some(Action::ReadSkus),
            AssignLicense(_) => Some(Action::Assign),
            Reprocess(_) => Some(Action::Reprocess),
            UpdateUser(_) => Some(Action::SetUsageLocation),
            NotFound => None,
        }
    }

    /// Routes that return users' profiles, which `User.ReadBasic.All` may read in part.
    fn reads_user_profiles(&self) -> bool {
        matches!(self, routes::Route::ListUsers | routes::Route::GetUser(_))
    }
}
