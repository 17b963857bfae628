//! A fake Microsoft Graph on loopback, backed by License Desk's tenant simulator.
//!
//! ```text
//! cargo run --release --example fake-graph -- --port 8787 [--seed 42] [--latency-ms 0]
//!     [--replication-delay-ms 0] [--throttle-quota 3000] [--throttle-window-s 150]
//!     [--fault-rate 0.0] [--inject-exclusive PLAN_A,PLAN_B]... [--mint-token]
//! ```
//!
//! `--inject-exclusive` (repeatable) makes two service plans mutually exclusive, a fault
//! the demo tenant doesn't have: assignments combining them get Graph's 400 and group
//! licensing records `MutuallyExclusiveViolation`.
//!
//! It binds to 127.0.0.1 only, answers CORS preflights the way Graph does, and prints
//! `listening on http://127.0.0.1:PORT` once ready.
//!
//! Minting test tokens (unsigned JWTs the simulator accepts; real Graph rejects them):
//!
//! ```text
//! cargo run --release --example fake-graph -- --mint-token [--scp "User.Read.All ..."]
//!     [--roles "Organization.Read.All ..."] [--aud https://graph.microsoft.com]
//!     [--exp-in-s 3600] [--upn admin@contoso.example] [--tid TENANT-ID]
//! ```
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

use license_desk_core::sim::{SimConfig, SimOutcome, SimRequest, Simulator};
use license_desk_core::token;
use license_desk_core::Guid;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const EXPOSED_HEADERS: &str = "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, Retry-After, SdkVersion, WWW-Authenticate";
const ALLOWED_HEADERS: &str = "Authorization, Content-Type, ConsistencyLevel, client-request-id";
const MAX_BODY: usize = 4 * 1024 * 1024;

struct Options {
    port: u16,
    latency: Duration,
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
    eprintln!("usage: fake-graph --port PORT [--seed N] [--latency-ms N] [--replication-delay-ms N] [--throttle-quota N] [--throttle-window-s N] [--fault-rate F] [--inject-exclusive PLAN_A,PLAN_B]...");
    eprintln!("       fake-graph --mint-token [--scp SCOPES] [--roles ROLES] [--aud AUDIENCE] [--exp-in-s SECONDS] [--upn UPN] [--tid TENANT]");
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options = Options {
        port: 0,
        latency: Duration::ZERO,
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
    while let Some(flag) = args.next() {
        if flag == "--mint-token" {
            options.mint = true;
            continue;
        }
        let value = args.next().unwrap_or_else(|| usage());
        let number = || value.parse::<u64>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--port" => port = Some(value.parse::<u16>().unwrap_or_else(|_| usage())),
            "--seed" => options.config.seed = number(),
            "--latency-ms" => options.latency = Duration::from_millis(number()),
            "--replication-delay-ms" => options.config.replication_delay_ms = number(),
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
    match port {
        Some(port) => options.port = port,
        None if options.mint => {}
        None => usage(),
    }
    options
}

/// `PLAN_A,PLAN_B`: two well-formed service-plan ids.
fn plan_pair(value: &str) -> Option<(Guid, Guid)> {
    let (a, b) = value.split_once(',')?;
    let (a, b) = (Guid::new(a), Guid::new(b));
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

fn write_response(mut stream: &TcpStream, status: u16, headers: &[(String, String)], body: &str) {
    let reason = match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Access-Control-Allow-Origin: *\r\n");
    head.push_str(&format!(
        "Access-Control-Expose-Headers: {EXPOSED_HEADERS}\r\n"
    ));
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

fn serve(stream: TcpStream, simulator: &Mutex<Simulator>, options: &Options) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(request) = read_request(&stream) else {
        return;
    };
    if request.method.eq_ignore_ascii_case("OPTIONS") {
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
    if !options.latency.is_zero() {
        std::thread::sleep(options.latency);
    }
    let sim_request = SimRequest {
        method: request.method,
        target: request.target,
        headers: request.headers,
        body: request.body,
        origin: format!("http://127.0.0.1:{}", options.port),
    };
    let outcome = simulator
        .lock()
        .map(|mut sim| sim.handle(&sim_request, now_ms()));
    match outcome {
        Ok(SimOutcome::Respond(response)) => {
            write_response(&stream, response.status, &response.headers, &response.body)
        }
        Ok(SimOutcome::Drop) | Err(_) => {
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
            "User.ReadWrite.All LicenseAssignment.ReadWrite.All Organization.Read.All";
        let scopes = match (&wanted.scp, &wanted.roles) {
            (Some(scp), _) => scp.clone(),
            (None, Some(_)) => String::new(),
            (None, None) => default_scopes.to_string(),
        };
        let scope_list: Vec<&str> = scopes.split_whitespace().collect();
        let mut claims = token::demo_claims(&wanted.upn, &scope_list, now, wanted.exp_in_s);
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
    let simulator = Arc::new(Mutex::new(Simulator::new(options.config.clone())));
    let options = Arc::new(options);
    println!("listening on http://127.0.0.1:{}", options.port);
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let simulator = Arc::clone(&simulator);
        let options = Arc::clone(&options);
        std::thread::spawn(move || serve(stream, &simulator, &options));
    }
}

// A host tool: on wasm32 there is nothing to run.
#[cfg(target_arch = "wasm32")]
fn main() {}
