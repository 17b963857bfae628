//! A fake Microsoft Graph on loopback, backed by License Desk's tenant simulator.
//!
//! ```text
//! cargo run --release --example fake-graph -- --port 8787 [--seed 42] [--latency-ms 0]
//!     [--users 0] [--replication-delay-ms 0] [--replication-jitter-ms 0]
//!     [--write-quota 3000/150s] [--throttle-model bucket|sliding] [--throttle-quota 3000]
//!     [--throttle-window-s 150]
//!     [--fault-rate 0.0] [--hide-retry-after] [--inject-exclusive PLAN_A,PLAN_B]...
//!     [--group-processing-ms 3000] [--no-premium]
//! ```
//!
//! `--no-premium`: the tenant has no Microsoft Entra ID P1 or P2, so selecting or
//! filtering `signInActivity` gets Graph's 403
//! `Authentication_RequestFromNonPremiumTenantOrB2CTenant` ("Neither tenant is B2C or
//! tenant doesn't have premium license"). Reading it needs `AuditLog.Read.All` in the
//! token either way.
//!
//! `--replication-jitter-ms N`: each write shows in reads up to N ms later than
//! `--replication-delay-ms` says (drawn per write).
//!
//! `--group-processing-ms N`: how long a group license change (`POST
//! /groups/{id}/assignLicense`, answered 202) takes to reach the members; the group's
//! `licenseProcessingState` reads `QueuedForProcessing`, then `ProcessingInProgress`, then
//! `ProcessingComplete` (3 s unless set).
//!
//! `--users N` adds N bulk users, `bulk00001@contoso.example` to `bulkNNNNN@…`, and the
//! bulk groups (Sales, Customer Support with Support Leads nested, Contractors; see
//! `license_desk_sim::bulk`); `GET /users` pages through them.
//!
//! `--write-quota W/T` (`600/30s` or `600/30`) allows W writes per T seconds per app and
//! tenant (the token's `appid` and `tid`), counted as a sliding window unless
//! `--throttle-model bucket` says otherwise; a refused write gets 429 with `Retry-After`
//! (seconds until the window admits one). `--throttle-quota` and `--throttle-window-s`
//! set the same quota and window but keep Graph's token bucket unless a model is given.
//!
//! `--fault-rate F` faults that share of requests: 503, 504, an answer lost after the
//! request was handled (the connection closes), or a 504 after a write was applied.
//! Inside `$batch`, each item is also faulted at that rate: 503, 504, 429, or a 504
//! after it was applied.
//!
//! `--hide-retry-after` leaves `Retry-After` out of every answer (batch items included)
//! and out of `Access-Control-Expose-Headers`: what a browser sees when CORS hides it.
//!
//! `--inject-exclusive` (repeatable) makes two service plans mutually exclusive, a fault
//! the demo tenant doesn't have: assignments combining them get Graph's 400 and group
//! licensing records `MutuallyExclusiveViolation`.
//!
//! It binds to 127.0.0.1 only, answers CORS preflights the way Graph does, and prints
//! `listening on http://127.0.0.1:PORT` once ready.
//!
//! Tests inject faults and count writes through a control endpoint. It refuses any
//! request carrying an `Origin` header, so web pages can't rewire it:
//!
//! ```text
//! POST   /_faults   arm a rule (or an array of rules), e.g.
//!                   {"method":"POST","path":"/assignLicense","times":1,"after_apply":false,
//!                    "fault":{"kind":"graph_error","status":503,"retry_after":"2"}}
//! GET    /_faults   the rules still armed
//! DELETE /_faults   disarm every rule
//! GET    /_stats    {"writes_received":N,"writes_applied":N,"writes_throttled":N,
//!                    "duplicate_writes":N,"repeated_writes_applied":N,
//!                    "paths":{"/v1.0/users/…/assignLicense":{"received":N,"applied":N}}}
//!                   with `?users=1` also "users":{"bulk00001@contoso.example":N} (applied
//!                   writes per user). Writes inside `$batch` count one by one. A
//!                   duplicate write is one applied to a user who already had exactly it
//!                   applied (same assignLicense body, or a second reprocess); repeated
//!                   writes are exact repeats of method, path and body.
//! POST   /_stats/reset  zero the counts (counting otherwise starts at server start)
//! POST   /_reset    a freshly seeded tenant, no rules, zero counts
//! ```
//!
//! Fault kinds (see `license_desk_sim::faults::Fault`): `graph_error` (`status`,
//! optional `code`, `message`, `retry_after`), `html`, `empty_body`, `truncated_json`,
//! `wrong_shape`, `huge` (`bytes`, 5 MB by default), `foreign_next_link` (`origin`),
//! `next_link_loop`, `stall` (`seconds`), `no_cors`, `drop`, and `raw` (`status`,
//! `headers`, `body`).
//!
//! Minting test tokens (unsigned JWTs the simulator accepts; real Graph rejects them):
//!
//! ```text
//! cargo run --release --example fake-graph -- --mint-token [--scp "User.Read.All ..."]
//!     [--roles "Organization.Read.All ..."] [--aud https://graph.microsoft.com]
//!     [--exp-in-s 3600] [--upn admin@contoso.example] [--tid TENANT-ID]
//! ```
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

use license_desk_core::auth::token;
use license_desk_core::graph::ids::PlanId;
use license_desk_sim::faults::{FaultRule, FaultSet, Injection};
use license_desk_sim::{SimConfig, SimOutcome, SimRequest, Simulator, ThrottleModel};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const EXPOSED_HEADERS: &str = "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, Retry-After, SdkVersion, WWW-Authenticate";
/// What CORS exposes with `--hide-retry-after`.
const EXPOSED_WITHOUT_RETRY_AFTER: &str = "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, SdkVersion, WWW-Authenticate";
const ALLOWED_HEADERS: &str = "Authorization, Content-Type, ConsistencyLevel, client-request-id";
const MAX_BODY: usize = 4 * 1024 * 1024;

struct Options {
    port: u16,
    config: SimConfig,
    mint: bool,
    claims: MintClaims,
}

struct MintClaims {
    scp: Option<String>,
    roles: Option<String>,
    aud: String,
    exp_in_s: i64,
    upn: String,
    tid: Option<String>,
}

fn usage() -> ! {
    eprintln!("usage: fake-graph --port PORT [--seed N] [--latency-ms N] [--users N] [--replication-delay-ms N] [--replication-jitter-ms N] [--write-quota W/T] [--throttle-model bucket|sliding] [--throttle-quota N] [--throttle-window-s N] [--fault-rate F] [--hide-retry-after] [--inject-exclusive PLAN_A,PLAN_B]... [--group-processing-ms N] [--no-premium]");
    eprintln!("       fake-graph --mint-token [--scp SCOPES] [--roles ROLES] [--aud AUDIENCE] [--exp-in-s SECONDS] [--upn UPN] [--tid TENANT]");
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options = Options {
        port: 0,
        config: SimConfig::default(),
        mint: false,
        claims: MintClaims {
            scp: None,
            roles: None,
            aud: "https://graph.microsoft.com".into(),
            exp_in_s: 3600,
            upn: "admin@contoso.example".into(),
            tid: None,
        },
    };
    let mut args = std::env::args().skip(1);
    let mut port = None;
    let mut model = None;
    let mut sliding_quota = false;
    while let Some(flag) = args.next() {
        if flag == "--mint-token" {
            options.mint = true;
            continue;
        }
        if flag == "--hide-retry-after" {
            options.config.hide_retry_after = true;
            continue;
        }
        if flag == "--no-premium" {
            options.config.no_premium = true;
            continue;
        }
        let value = args.next().unwrap_or_else(|| usage());
        let number = || value.parse::<u64>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--port" => port = Some(value.parse::<u16>().unwrap_or_else(|_| usage())),
            "--seed" => options.config.seed = number(),
            "--latency-ms" => options.config.latency_ms = number(),
            "--users" => options.config.bulk_users = number() as usize,
            "--write-quota" => {
                let (writes, window_ms) = write_quota(&value).unwrap_or_else(|| usage());
                options.config.write_quota = writes;
                options.config.write_window_ms = window_ms;
                sliding_quota = true;
            }
            "--throttle-model" => {
                model = Some(ThrottleModel::parse(&value).unwrap_or_else(|| usage()))
            }
            "--replication-delay-ms" => options.config.replication_delay_ms = number(),
            "--replication-jitter-ms" => options.config.replication_jitter_ms = number(),
            "--group-processing-ms" => options.config.group_processing_ms = number(),
            "--throttle-quota" => options.config.write_quota = number() as u32,
            "--throttle-window-s" => options.config.write_window_ms = number() * 1000,
            "--fault-rate" => options.config.fault_rate = value.parse().unwrap_or_else(|_| usage()),
            "--inject-exclusive" => options
                .config
                .injected_exclusive_plans
                .push(plan_pair(&value).unwrap_or_else(|| usage())),
            "--scp" => options.claims.scp = Some(value),
            "--roles" => options.claims.roles = Some(value),
            "--aud" => options.claims.aud = value,
            "--exp-in-s" => options.claims.exp_in_s = value.parse().unwrap_or_else(|_| usage()),
            "--upn" => options.claims.upn = value,
            "--tid" => options.claims.tid = Some(value),
            _ => usage(),
        }
    }
    options.config.throttle_model = match (model, sliding_quota) {
        (Some(model), _) => model,
        (None, true) => ThrottleModel::SlidingWindow,
        (None, false) => ThrottleModel::TokenBucket,
    };
    match port {
        Some(port) => options.port = port,
        None if options.mint => {}
        None => usage(),
    }
    options
}

/// `W/T`: W writes per T seconds (`600/30s` or `600/30`), as (writes, window ms).
fn write_quota(value: &str) -> Option<(u32, u64)> {
    let (writes, window) = value.trim().split_once('/')?;
    let seconds: u64 = window.trim().trim_end_matches('s').parse().ok()?;
    let writes: u32 = writes.trim().parse().ok()?;
    (writes > 0 && seconds > 0).then_some((writes, seconds * 1000))
}

/// `PLAN_A,PLAN_B`: two well-formed service-plan ids.
fn plan_pair(value: &str) -> Option<(PlanId, PlanId)> {
    let (a, b) = value.split_once(',')?;
    let (a, b) = (PlanId::new(a), PlanId::new(b));
    (a.is_well_formed() && b.is_well_formed()).then_some((a, b))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn read_request(stream: &TcpStream) -> Option<Incoming> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Incoming {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn write_response(stream: &TcpStream, status: u16, headers: &[(String, String)], body: &str) {
    write_answer(stream, status, headers, body, Some(EXPOSED_HEADERS));
}

/// Writes one HTTP answer; with CORS headers exposing `exposed`, or none at all.
fn write_answer(
    mut stream: &TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &str,
    exposed: Option<&str>,
) {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        412 => "Precondition Failed",
        423 => "Locked",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        // Framing is this server's job, whatever a raw fault asked for.
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("connection") {
            continue;
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(exposed) = exposed {
        head.push_str("Access-Control-Allow-Origin: *\r\n");
        head.push_str(&format!("Access-Control-Expose-Headers: {exposed}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

/// Everything the server shares between connections.
struct State {
    simulator: Simulator,
    faults: FaultSet,
}

fn json_answer(stream: &TcpStream, status: u16, body: &serde_json::Value) {
    let headers = [("Content-Type".to_string(), "application/json".to_string())];
    write_response(stream, status, &headers, &body.to_string());
}

/// The control endpoint: fault rules, write counts and a fresh tenant, for tests.
fn control(stream: &TcpStream, request: &Incoming, state: &Mutex<State>, options: &Options) {
    if request
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("origin"))
    {
        let refusal = serde_json::json!({"error": "The control endpoint is for test runners on this machine, not for web pages."});
        return json_answer(stream, 403, &refusal);
    }
    let Ok(mut state) = state.lock() else {
        return json_answer(stream, 500, &serde_json::json!({"error": "state poisoned"}));
    };
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    match (request.method.to_ascii_uppercase().as_str(), path) {
        ("POST", "/_faults") => {
            let parsed = serde_json::from_str::<Vec<FaultRule>>(&request.body)
                .or_else(|_| serde_json::from_str::<FaultRule>(&request.body).map(|r| vec![r]));
            match parsed {
                Ok(rules) => {
                    for rule in rules {
                        state.faults.arm(rule);
                    }
                    let armed = state.faults.rules().len();
                    json_answer(stream, 201, &serde_json::json!({ "armed": armed }));
                }
                Err(error) => json_answer(
                    stream,
                    400,
                    &serde_json::json!({"error": format!("not a fault rule: {error}")}),
                ),
            }
        }
        ("GET", "/_faults") => {
            let rules = serde_json::to_value(state.faults.rules()).unwrap_or_default();
            json_answer(stream, 200, &rules)
        }
        ("DELETE", "/_faults") => {
            state.faults.clear();
            write_response(stream, 204, &[], "");
        }
        ("GET", "/_stats") => {
            let stats = state.simulator.stats();
            let per_user = query.split('&').any(|pair| pair == "users=1");
            let json = if per_user {
                stats.to_json_with_users()
            } else {
                stats.to_json()
            };
            json_answer(stream, 200, &json)
        }
        ("POST", "/_stats/reset") => {
            state.simulator.reset_stats();
            write_response(stream, 204, &[], "");
        }
        ("POST", "/_reset") => {
            *state = State {
                simulator: Simulator::new(options.config.clone()),
                faults: FaultSet::default(),
            };
            write_response(stream, 204, &[], "");
        }
        _ => json_answer(
            stream,
            404,
            &serde_json::json!({"error": "control paths: /_faults, /_stats, /_stats/reset, /_reset"}),
        ),
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, options: &Options) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(request) = read_request(&stream) else {
        return;
    };
    if request.target.starts_with("/_") {
        return control(&stream, &request, state, options);
    }
    let preflight_fault = request.method.eq_ignore_ascii_case("OPTIONS")
        && state.lock().is_ok_and(|s| {
            s.faults
                .rules()
                .iter()
                .any(|rule| rule.matches(&request.method, &request.target))
        });
    if request.method.eq_ignore_ascii_case("OPTIONS") && !preflight_fault {
        let headers = vec![
            (
                "Access-Control-Allow-Methods".to_string(),
                "GET, POST, PATCH, PUT, DELETE, OPTIONS".to_string(),
            ),
            (
                "Access-Control-Allow-Headers".to_string(),
                ALLOWED_HEADERS.to_string(),
            ),
            ("Access-Control-Max-Age".to_string(), "3600".to_string()),
        ];
        write_response(&stream, 204, &headers, "");
        return;
    }
    if options.config.latency_ms > 0 {
        std::thread::sleep(Duration::from_millis(options.config.latency_ms));
    }
    let sim_request = SimRequest {
        method: request.method,
        target: request.target,
        headers: request.headers,
        body: request.body,
        origin: format!("http://127.0.0.1:{}", options.port),
    };
    let injection = state.lock().map(|mut state| {
        let State { simulator, faults } = &mut *state;
        let now = now_ms();
        let (method, target) = (&sim_request.method, &sim_request.target);
        let rule = faults.take(method, target);
        let handled = rule
            .as_ref()
            .is_none_or(|rule| rule.after_apply || rule.fault.needs_real_answer());
        let real = if handled {
            match simulator.handle(&sim_request, now) {
                SimOutcome::Respond(response) => Some(response),
                SimOutcome::Drop => return Injection::Drop,
            }
        } else {
            if license_desk_sim::faults::is_write(method) {
                simulator.note_received(&sim_request);
            }
            None
        };
        match (rule, real) {
            (Some(rule), real) => simulator.inject(&rule.fault, &sim_request, now, real),
            (None, Some(response)) => Injection::Respond {
                response,
                cors: true,
            },
            (None, None) => Injection::Drop,
        }
    });
    let exposed = if options.config.hide_retry_after {
        EXPOSED_WITHOUT_RETRY_AFTER
    } else {
        EXPOSED_HEADERS
    };
    match injection {
        Ok(Injection::Respond { response, cors }) => write_answer(
            &stream,
            response.status,
            &response.headers,
            &response.body,
            cors.then_some(exposed),
        ),
        Ok(Injection::Stall { seconds }) => {
            std::thread::sleep(Duration::from_secs(seconds));
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Ok(Injection::Drop) | Err(_) => {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let options = parse_options();
    if options.mint {
        let now = (now_ms() / 1000) as i64;
        let wanted = &options.claims;
        let default_scopes =
            "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All GroupMember.Read.All";
        let scopes = match (&wanted.scp, &wanted.roles) {
            (Some(scp), _) => scp.clone(),
            (None, Some(_)) => String::new(),
            (None, None) => default_scopes.to_string(),
        };
        let scope_list: Vec<&str> = scopes.split_whitespace().collect();
        let mut claims =
            license_desk_sim::demo_claims(&wanted.upn, &scope_list, now, wanted.exp_in_s);
        claims.aud = Some(wanted.aud.clone());
        if let Some(tid) = &wanted.tid {
            claims.tid = Some(tid.clone());
        }
        if let Some(roles) = &wanted.roles {
            claims.roles = roles.split_whitespace().map(str::to_string).collect();
            if wanted.scp.is_none() {
                claims.scp = None;
                claims.upn = None;
                claims.wids.clear();
            }
        }
        println!("{}", token::mint(&claims));
        return;
    }
    let listener = TcpListener::bind(("127.0.0.1", options.port)).unwrap_or_else(|e| {
        eprintln!("cannot listen on 127.0.0.1:{}: {e}", options.port);
        std::process::exit(1)
    });
    let state = Arc::new(Mutex::new(State {
        simulator: Simulator::new(options.config.clone()),
        faults: FaultSet::default(),
    }));
    let options = Arc::new(options);
    println!("listening on http://127.0.0.1:{}", options.port);
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        let options = Arc::clone(&options);
        std::thread::spawn(move || serve(stream, &state, &options));
    }
}

// A host tool: on wasm32 there is nothing to run.
#[cfg(target_arch = "wasm32")]
fn main() {}
