//! What the app holds for the admin while the tab is open—in memory only.
//!
//! The token lives in a signal and nowhere else: never in storage, cookies, the URL or
//! the activity log. Signing out drops it. A 401 sets `needs_token`, which asks for a
//! fresh token on top of the current screen, so nothing the admin did is lost.

use leptos::prelude::*;
use license_desk_core::error::GraphError;
use license_desk_core::request::GraphEndpoint;
use license_desk_core::token::{self, Claims};

/// Where requests go, and whether that is the in-browser demo tenant.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub endpoint: GraphEndpoint,
    pub demo: bool,
}

/// One line of the session activity log. Never contains the token.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub at: String,
    pub method: &'static str,
    pub path: String,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub duration_ms: u64,
    pub note: Option<String>,
}

/// A visible wait while Graph throttles.
#[derive(Clone, Debug, PartialEq)]
pub struct ThrottleWait {
    pub seconds_left: u64,
    pub reason: String,
}

#[derive(Clone, Copy)]
pub struct Session {
    pub token: RwSignal<Option<String>>,
    pub connection: RwSignal<Option<Connection>>,
    pub log: RwSignal<Vec<LogEntry>>,
    pub throttle: RwSignal<Option<ThrottleWait>>,
    pub needs_token: RwSignal<Option<GraphError>>,
    /// Unix seconds, ticking once a second (drives the expiry countdown).
    pub now: RwSignal<i64>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            token: RwSignal::new(None),
            connection: RwSignal::new(None),
            log: RwSignal::new(Vec::new()),
            throttle: RwSignal::new(None),
            needs_token: RwSignal::new(None),
            now: RwSignal::new(crate::browser::now_seconds()),
        }
    }

    pub fn claims(&self) -> Option<Claims> {
        self.token
            .with(|token| token.as_deref().and_then(|t| token::decode(t).ok()))
    }

    pub fn is_demo(&self) -> bool {
        self.connection.with(|c| c.as_ref().is_some_and(|c| c.demo))
    }

    pub fn sign_out(&self) {
        self.token.set(None);
        self.connection.set(None);
        self.needs_token.set(None);
        self.throttle.set(None);
    }

    pub fn record(&self, entry: LogEntry) {
        self.log.update(|log| log.push(entry));
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// The session provided by [`crate::App`].
pub fn use_session() -> Session {
    expect_context::<Session>()
}
