//! A faithful, deterministic simulation of a Microsoft 365 tenant behind Microsoft Graph.
//!
//! [`Simulator::handle`] takes an HTTP request (method, path, headers, body) and returns
//! what Graph would: the same status codes, error envelopes, messages, `request-id`
//! headers, paging and quirks. It runs inside the app as the demo tenant and behind the
//! fake Graph server (`cargo run --release --example fake-graph`). Realism is
//! configurable: replication delay (reads lag writes), per-app write throttling (a token
//! bucket, as Graph documents, or a sliding window, per app and tenant), a fault rate
//! (503, 504, an answer lost after the write was applied, or a write applied but answered
//! 504; inside `$batch` also per item: 503, 504, 429 or applied-then-504), hidden
//! `Retry-After` headers, injected plan conflicts (no pair of service plans is mutually
//! exclusive unless a test says so), how long group license changes take to reach the
//! members (`group_processing_ms`), a tenant without Microsoft Entra ID P1 or P2, which
//! can't read sign-in activity (`no_premium`, see [`sign_ins`]), and a lazily built bulk
//! population ([`bulk`]). It
//! counts the writes it receives, applies, throttles and applies twice ([`WriteStats`]).
//! Time is passed in, so the simulator itself stays pure.

pub mod bulk;
pub(crate) mod clock;
pub mod faults;
pub mod fixtures;
mod group_processing;
mod routes;
pub mod seed;
pub mod seed_catalog;
pub mod seed_ids;
pub mod seed_reclaim;
pub mod sign_ins;
pub mod subscriptions;
pub mod tenant;
pub mod throttle;

pub use faults::WriteStats;
/// The demo tenant's identity is the core's, so that signing in to it needs no simulator.
pub use license_desk_core::auth::demo_token::{demo_claims, DEMO_TENANT_ID};
use license_desk_core::auth::token::{self, Action};
use license_desk_core::graph::ids::{GroupId, PlanId};
use license_desk_core::graph::model::User;
use license_desk_core::graph::request::{GraphEndpoint, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::ops::rng::Rng;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
pub use tenant::Tenant;
pub use throttle::ThrottleModel;
use throttle::WriteMeter;

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub seed: u64,
    /// Reads reflect writes only after this many milliseconds.
    pub replication_delay_ms: u64,
    /// Up to this many milliseconds more, drawn for each write: replication does not
    /// take the same time for every write (a write never shows before an earlier one).
    pub replication_jitter_ms: u64,
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
    pub injected_exclusive_plans: Vec<(PlanId, PlanId)>,
    /// Extra users (`bulk00001@contoso.example` onwards, see [`bulk`]) and the bulk
    /// groups, built on first access to anything beyond the named users.
    pub bulk_users: usize,
    /// How long a transport should wait before handing a request over (the simulator
    /// itself answers at once; the browser shell and the fake Graph server wait).
    pub latency_ms: u64,
    /// Leave `Retry-After` out of every answer, batch items included: what a browser
    /// sees when CORS does not expose the header.
    pub hide_retry_after: bool,
    /// How long Entra ID takes to apply a group's license change to its members after
    /// `POST /groups/{id}/assignLicense`: the group reads `QueuedForProcessing` for the
    /// first quarter, `ProcessingInProgress` until then, and `ProcessingComplete` once
    /// every member has been processed.
    pub group_processing_ms: u64,
    /// The tenant has no Microsoft Entra ID P1 or P2: reading or filtering
    /// `signInActivity` gets Graph's 403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`.
    pub no_premium: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            replication_delay_ms: 0,
            replication_jitter_ms: 0,
            write_quota: 3_000,
            write_window_ms: 150_000,
            throttle_model: ThrottleModel::TokenBucket,
            fault_rate: 0.0,
            check_tokens: true,
            injected_exclusive_plans: Vec::new(),
            bulk_users: 0,
            latency_ms: 0,
            hide_retry_after: false,
            group_processing_ms: 3_000,
            no_premium: false,
        }
    }
}

impl SimConfig {
    /// The browser's demo tenant: 2,000 users (the bulk ones built lazily), Graph-like
    /// latency, and a write quota scaled down (200 writes per 10 s, the same shape as
    /// Graph's 3,000 per 150 s) so bulk runs show throttling within a minute.
    pub fn demo() -> Self {
        SimConfig {
            bulk_users: bulk::DEMO_BULK_USERS,
            latency_ms: 150,
            write_quota: 200,
            write_window_ms: 10_000,
            group_processing_ms: 4_000,
            ..SimConfig::default()
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
    /// `request` as a shell at `endpoint` sends it, with its `Authorization` header.
    pub fn from_graph(
        endpoint: &GraphEndpoint,
        request: &GraphRequest,
        authorization: &str,
    ) -> SimRequest {
        SimRequest {
            method: request.method.as_str().into(),
            target: format!("/{}{}", endpoint.version().as_str(), request.path),
            headers: request
                .headers
                .iter()
                .cloned()
                .chain([("Authorization".into(), authorization.into())])
                .collect(),
            body: request.body.clone().unwrap_or_default(),
            origin: endpoint.origin().to_string(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        license_desk_core::graph::response::find_header(&self.headers, name)
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
    /// User index by lower-cased id and UPN (users are added only by the bulk build).
    user_lookup: HashMap<String, usize>,
    /// Bulk users not built yet; their seats are already counted.
    pending_bulk: usize,
    stats: WriteStats,
    /// Group license changes still being applied to members, by group.
    group_runs: BTreeMap<GroupId, group_processing::GroupRun>,
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
    /// The demo tenant for `config.seed`, with `config.injected_exclusive_plans` and
    /// `config.bulk_users` bulk users. The bulk users are built on first access to
    /// anything beyond the named users; their seats count (and are bought) from the start.
    pub fn new(config: SimConfig) -> Self {
        let tenant =
            seed::demo_tenant_with_exclusive_plans(config.seed, &config.injected_exclusive_plans);
        let bulk_users = config.bulk_users;
        let mut sim = Self::with_tenant(config, tenant);
        let held = bulk::seats_held(bulk_users);
        for sku in sim.tenant.skus.iter_mut() {
            let extra = held.get(&sku.sku_id).copied().unwrap_or(0);
            sku.consumed_units = Some(sku.consumed_units.unwrap_or(0) + extra);
            sku.prepaid_units.enabled = Some(sku.prepaid_units.enabled.unwrap_or(0) + extra);
        }
        sim.pending_bulk = bulk_users;
        sim
    }

    /// Whether bulk users are still waiting to be built.
    pub fn bulk_pending(&self) -> bool {
        self.pending_bulk > 0
    }

    /// Builds the bulk users and groups now (normally done on first access).
    pub fn build_bulk(&mut self) {
        let count = std::mem::take(&mut self.pending_bulk);
        if count == 0 {
            return;
        }
        let catalog = self.tenant.catalog();
        let users = bulk::users(self.config.seed, count, &catalog);
        let start = self.tenant.users.len();
        for (offset, user) in users.iter().enumerate() {
            for key in [user.id.as_str(), user.user_principal_name.as_str()] {
                self.user_lookup
                    .entry(key.trim().to_ascii_lowercase())
                    .or_insert(start + offset);
            }
        }
        self.tenant.users.extend(users);
        self.tenant.groups.extend(bulk::groups());
        self.tenant.recount();
    }

    /// Writes received, applied, throttled and applied twice since the start or the
    /// last [`Simulator::reset_stats`].
    pub fn stats(&self) -> &WriteStats {
        &self.stats
    }

    pub fn reset_stats(&mut self) {
        self.stats = WriteStats::default();
    }

    /// Counts the writes in `request` as received (one per write inside a `$batch`),
    /// for requests a transport answers without handing them to [`Simulator::handle`].
    pub fn note_received(&mut self, request: &SimRequest) {
        if is_batch(request) {
            if let Ok(batch) =
                serde_json::from_str::<license_desk_core::graph::batch::BatchRequest>(&request.body)
            {
                let (path, _) = license_desk_core::graph::url::split_query(&request.target);
                let version = path.trim_start_matches('/').split('/').next().unwrap_or("");
                for item in &batch.requests {
                    let inner = item.to_request();
                    let target = format!("/{version}{}", inner.path);
                    self.stats.received(inner.method.as_str(), &target);
                }
            }
        } else {
            self.stats.received(&request.method, &request.target);
        }
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
            pending_bulk: 0,
            stats: WriteStats::default(),
            group_runs: BTreeMap::new(),
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
    ///
    /// With a fault rate, a faulted request gets (equally likely) a 503, a 504, its
    /// answer lost after it was handled ([`SimOutcome::Drop`]), or a 504 after it was
    /// handled. Items inside `$batch` are faulted on their own too (see `batch`).
    pub fn handle(&mut self, request: &SimRequest, now_ms: u64) -> SimOutcome {
        if faults::is_write(&request.method) {
            self.note_received(request);
        }
        if self.config.fault_rate > 0.0 && self.rng.unit() < self.config.fault_rate {
            return match self.rng.below(4) {
                0 => SimOutcome::Respond(self.unavailable(request, now_ms)),
                1 => SimOutcome::Respond(self.gateway_timeout(request, now_ms)),
                2 => {
                    self.respond(request, now_ms, true);
                    SimOutcome::Drop
                }
                _ => {
                    self.respond(request, now_ms, true);
                    SimOutcome::Respond(self.gateway_timeout(request, now_ms))
                }
            };
        }
        SimOutcome::Respond(self.respond(request, now_ms, true))
    }

    fn unavailable(&mut self, request: &SimRequest, now_ms: u64) -> RawResponse {
        self.error(
            request,
            now_ms,
            503,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry later.",
            Some("1"),
        )
    }

    fn gateway_timeout(&mut self, request: &SimRequest, now_ms: u64) -> RawResponse {
        self.error(
            request,
            now_ms,
            504,
            "UnknownError",
            "The gateway did not receive a response from the service in time.",
            None,
        )
    }

    /// Answers a request and counts its write, if it is one (batch items one by one).
    fn respond(&mut self, request: &SimRequest, now_ms: u64, allow_batch: bool) -> RawResponse {
        let response = self.answer(request, now_ms, allow_batch);
        if faults::is_write(&request.method) && !is_batch(request) {
            self.count_write(request, response.status);
        }
        response
    }

    fn count_write(&mut self, request: &SimRequest, status: u16) {
        if status == 429 {
            self.stats.throttled();
            return;
        }
        self.stats
            .applied(&request.method, &request.target, &request.body, status);
        if !(200..300).contains(&status) {
            return;
        }
        let (path, _) = license_desk_core::graph::url::split_query(&request.target);
        let rest = path
            .trim_start_matches('/')
            .split_once('/')
            .map_or("", |(_, rest)| rest);
        let (id, what) = match routes::resolve(&request.method.to_ascii_uppercase(), rest) {
            routes::Route::Reprocess(id) => (id, "reprocessLicenseAssignment".to_string()),
            routes::Route::AssignLicense(id) => {
                (id, format!("assignLicense {}", canonical(&request.body)))
            }
            routes::Route::UpdateUser(id) => (id, format!("update {}", canonical(&request.body))),
            _ => return,
        };
        if let Some(index) = self.user_index(&id) {
            let upn = self.tenant.users[index]
                .user_principal_name
                .to_ascii_lowercase();
            self.stats.applied_to_user(&upn, &what);
        }
    }

    fn answer(&mut self, request: &SimRequest, now_ms: u64, allow_batch: bool) -> RawResponse {
        let (path, _) = license_desk_core::graph::url::split_query(&request.target);
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
        let asks_for_sign_ins = route.reads_user_profiles() && {
            let (_, query) = license_desk_core::graph::url::split_query(&request.target);
            sign_ins::asks_for_sign_in_activity(&query)
        };
        let permitted = route
            .action()
            .is_none_or(|action| basic_profiles_only || action.allowed_by(&claims))
            && (!asks_for_sign_ins || Action::ReadSignInActivity.allowed_by(&claims));
        if !permitted {
            return self.error(
                request,
                now_ms,
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
                None,
            );
        }
        if asks_for_sign_ins && self.config.no_premium {
            return self.error(
                request,
                now_ms,
                403,
                sign_ins::NO_PREMIUM_CODE,
                sign_ins::NO_PREMIUM_MESSAGE,
                None,
            );
        }
        if method != "GET" {
            // Graph meters writes per app and tenant.
            let app = format!(
                "{}|{}",
                claims.appid.as_deref().unwrap_or("unknown-app"),
                claims.tid.as_deref().unwrap_or("unknown-tenant")
            );
            if let Some(wait) = self.take_write_slot(&app, now_ms) {
                return self.throttled(request, now_ms, wait);
            }
        }
        if self.pending_bulk > 0 && self.needs_bulk(&route) {
            self.build_bulk();
        }
        self.advance(now_ms);
        let accepted_group = match &route {
            routes::Route::GroupAssignLicense(id) => Some(id.clone()),
            _ => None,
        };
        match routes::answer(self, &ctx, route) {
            Ok((202, body)) if accepted_group.is_some() => {
                let mut response = self.ok(request, now_ms, 202, body);
                let group = accepted_group.unwrap_or_default();
                let tenant = claims.tid.as_deref().unwrap_or(DEMO_TENANT_ID);
                response.headers.push((
                    "Location".into(),
                    group_processing::location(&request.origin, tenant, &group),
                ));
                response
            }
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
            if !claims.audience_matches(license_desk_core::graph::request::Cloud::Global) {
                return Err(unauthorized(self, "Invalid audience."));
            }
        }
        Ok(claims)
    }

    /// Whether answering `route` needs the bulk users: lists, and any user or group the
    /// named ones don't include (bulk users are in bulk groups only).
    fn needs_bulk(&self, route: &routes::Route) -> bool {
        use routes::Route::*;
        match route {
            ListUsers | ListGroups => true,
            GroupMembersWithErrors(id) | GroupMembers(id) | GroupTransitiveMembers { id, .. } => {
                self.tenant.group_index(id).is_none()
            }
            GetGroup(id) | GroupAssignLicense(id) => self.tenant.group_index(id).is_none(),
            GetUser(id) | LicenseDetails(id) | AssignLicense(id) | Reprocess(id)
            | UpdateUser(id) => self.user_index(id).is_none(),
            SubscribedSkus | DirectorySubscriptions | NotFound => false,
        }
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
        let parsed: Result<license_desk_core::graph::batch::BatchRequest, _> =
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
        if batch.requests.len() > license_desk_core::graph::batch::MAX_BATCH {
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
            let answer = self.batch_item(&sub, now_ms);
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

    /// One `$batch` item's answer. With a fault rate, a faulted item gets (equally likely)
    /// a 503, a 504, a 429, or a 504 after it was handled.
    fn batch_item(&mut self, sub: &SimRequest, now_ms: u64) -> RawResponse {
        if self.config.fault_rate <= 0.0 || self.rng.unit() >= self.config.fault_rate {
            return self.respond(sub, now_ms, false);
        }
        match self.rng.below(4) {
            0 => self.unavailable(sub, now_ms),
            1 => self.gateway_timeout(sub, now_ms),
            2 => {
                if faults::is_write(&sub.method) {
                    self.stats.throttled();
                }
                self.throttled(sub, now_ms, 2)
            }
            _ => {
                self.respond(sub, now_ms, false);
                self.gateway_timeout(sub, now_ms)
            }
        }
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
        if let Some(seconds) = retry_after.filter(|_| !self.config.hide_retry_after) {
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

    /// The user as reads see them now: the newest version already visible, with their
    /// creation date and sign-in activity at `now_ms`.
    pub(crate) fn read_user(&mut self, index: usize, now_ms: u64) -> User {
        let view = match self.published.get_mut(&index) {
            None => self.tenant.user_view(index),
            Some(versions) => {
                while versions.len() > 1 && versions[1].0 <= now_ms {
                    versions.pop_front();
                }
                versions[0].1.clone()
            }
        };
        self.tenant.with_activity(index, view, now_ms)
    }

    /// Publishes a user's new state after a write; reads see it after the delay.
    pub(crate) fn publish(&mut self, index: usize, before: User, now_ms: u64) {
        let after = self.tenant.user_view(index);
        let (delay, jitter) = (
            self.config.replication_delay_ms,
            self.config.replication_jitter_ms,
        );
        if delay == 0 && jitter == 0 {
            self.published.remove(&index);
            return;
        }
        let extra = match jitter {
            0 => 0,
            _ => self.rng.below(jitter as usize + 1) as u64,
        };
        let versions = self
            .published
            .entry(index)
            .or_insert_with(|| VecDeque::from([(0, before)]));
        let after_last = versions.back().map_or(0, |(visible, _)| *visible);
        versions.push_back(((now_ms + delay + extra).max(after_last), after));
    }

    pub(crate) fn tenant_mut(&mut self) -> &mut Tenant {
        &mut self.tenant
    }

    pub(crate) fn clock_iso(now_ms: u64) -> String {
        clock::iso(now_ms)
    }
}

/// Whether `request` is a `$batch` call.
fn is_batch(request: &SimRequest) -> bool {
    let (path, _) = license_desk_core::graph::url::split_query(&request.target);
    request.method.eq_ignore_ascii_case("POST")
        && path
            .trim_start_matches('/')
            .split_once('/')
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case("$batch"))
}

/// A JSON body with its keys in one order and no spacing, so equal writes compare equal.
fn canonical(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .map(|value| value.to_string())
        .unwrap_or_else(|_| body.trim().to_string())
}

impl routes::Route {
    /// The permission-bearing action a route needs.
    fn action(&self) -> Option<Action> {
        use routes::Route::*;
        match self {
            ListUsers | GetUser(_) | LicenseDetails(_) => Some(Action::ReadUsers),
            ListGroups
            | GetGroup(_)
            | GroupMembersWithErrors(_)
            | GroupMembers(_)
            | GroupTransitiveMembers { .. } => Some(Action::ReadGroups),
            SubscribedSkus => Some(Action::ReadSkus),
            DirectorySubscriptions => Some(Action::ReadSubscriptions),
            AssignLicense(_) => Some(Action::Assign),
            GroupAssignLicense(_) => Some(Action::AssignGroupLicense),
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
