//! What the app holds for the admin while the tab is open—in memory only: the token,
//! where requests go, the activity log and the tenant's epoch.
//!
//! The token lives in a signal, wrapped in [`AccessToken`] so formatting never shows it,
//! and nowhere else: never in storage, cookies, the URL or the activity log. Signing out,
//! or signing in to another tenant, clears everything shown from the previous tenant and
//! starts a new *epoch*: answers to requests sent before it are dropped unseen, so nothing
//! from tenant A can appear, or be sent, after signing in to tenant B. A 401 sets
//! `needs_token`, which asks for a fresh token on top of the current screen; a fresh
//! token for the same tenant keeps everything. Signing in and out, which also clears
//! every screen, is the workspace's job (`crate::state::workspace::Workspace`).

use leptos::prelude::*;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::auth::token::{self, Action, Claims};
use license_desk_core::graph::activity::{ActivityLog, LogEntry};
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::request::GraphEndpoint;

/// Where requests go, and whether that is the in-browser demo tenant.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub endpoint: GraphEndpoint,
    pub demo: bool,
}

/// A visible wait while Graph throttles; the admin may stop waiting.
#[derive(Clone, Debug, PartialEq)]
pub struct ThrottleWait {
    pub seconds_left: u64,
    pub reason: String,
}

#[derive(Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<AccessToken>>,
    /// The current token's decoded claims (`None` when signed out or not a JWT), decoded
    /// once per token.
    pub claims: Memo<Option<Claims>>,
    pub connection: RwSignal<Option<Connection>>,
    pub log: RwSignal<ActivityLog>,
    pub throttle: RwSignal<Option<ThrottleWait>>,
    /// Set when the admin presses "Stop waiting" during a throttling countdown.
    pub stop_waiting: RwSignal<bool>,
    /// A read Graph left unanswered that is being sent again, in words.
    pub stalled: RwSignal<Option<String>>,
    pub needs_token: RwSignal<Option<GraphError>>,
    /// Actions the token's scopes don't predict as allowed that the admin tries anyway.
    pub try_anyway: RwSignal<Vec<Action>>,
    /// Shown once after a fresh token switched to another tenant.
    pub notice: RwSignal<Option<String>>,
    /// Bumped whenever the tenant changes; answers from an older epoch are dropped.
    epoch: RwSignal<u64>,
    /// Unix seconds, ticking once a second (drives the expiry countdown).
    pub now: RwSignal<i64>,
    /// Signed in: a token and where to send it. Changes only on signing in or out, not
    /// when a fresh token replaces the last one.
    pub connected: Memo<bool>,
}

impl Session {
    pub fn new() -> Self {
        let token = RwSignal::new(None::<AccessToken>);
        let connection = RwSignal::new(None::<Connection>);
        Session {
            connected: Memo::new(move |_| {
                connection.with(Option::is_some) && token.with(Option::is_some)
            }),
            token,
            claims: Memo::new(move |_| {
                token.with(|token| token.as_ref().and_then(|t| token::decode(t.expose()).ok()))
            }),
            connection,
            log: RwSignal::new(ActivityLog::default()),
            throttle: RwSignal::new(None),
            stop_waiting: RwSignal::new(false),
            stalled: RwSignal::new(None),
            needs_token: RwSignal::new(None),
            try_anyway: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            epoch: RwSignal::new(0),
            now: RwSignal::new(crate::browser::now_seconds()),
        }
    }

    /// The decoded claims of the current token (`None` when signed out or not a JWT).
    pub fn claims(&self) -> Option<Claims> {
        self.claims.get()
    }

    /// The current token's tenant, read without tracking.
    fn current_tenant(&self) -> Option<String> {
        self.claims
            .with_untracked(|c| c.as_ref().and_then(|c| c.tid.clone()))
    }

    /// The tenant the token is for (`tid`), untracked.
    pub fn tenant_id(&self) -> Option<String> {
        self.token.with_untracked(|token| {
            token
                .as_ref()
                .and_then(|t| token::decode(t.expose()).ok())
                .and_then(|claims| claims.tid)
        })
    }

    pub fn has_token(&self) -> bool {
        self.token.with(Option::is_some)
    }

    /// The token and where to send it, for the one module that sends requests.
    pub fn credentials(&self) -> Option<(Connection, AccessToken)> {
        Some((
            self.connection.get_untracked()?,
            self.token.get_untracked()?,
        ))
    }

    /// The token and where to send it, only while the session is still in `epoch`: a
    /// run takes them as each of its requests goes out, so none goes to another tenant,
    /// or with its token, after a switch.
    pub fn credentials_in(&self, epoch: u64) -> Option<(Connection, AccessToken)> {
        if self.epoch() != epoch {
            return None;
        }
        self.credentials()
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.get_untracked()
    }

    /// The epoch, tracked: effects that read it run again after a tenant change.
    pub fn tenant_epoch(&self) -> u64 {
        self.epoch.get()
    }

    pub fn is_demo(&self) -> bool {
        self.connection.with(|c| c.as_ref().is_some_and(|c| c.demo))
    }

    /// Whether the admin may start `action`: the token's scopes allow it, or the admin
    /// chose to try anyway and let Graph decide.
    pub fn may_attempt(&self, action: Action) -> bool {
        self.claims
            .with(|c| action.permitted_by(c.as_ref()).is_ok())
            || self.try_anyway.with(|t| t.contains(&action))
    }

    /// Runs `read`, untracked, once the admin may `action`: at once when the token's
    /// scopes allow it, or after "Try anyway". A screen reads this way when it opens.
    pub fn read_when_allowed(self, action: Action, read: impl Fn() + Send + Sync + 'static) {
        Effect::new(move |_| {
            if self.may_attempt(action) {
                untrack(&read);
            }
        });
    }

    /// The tenant (`tid`) a token is for, when it is a JWT that says.
    pub fn tenant_of(token: &AccessToken) -> Option<String> {
        token::decode(token.expose()).ok().and_then(|c| c.tid)
    }

    /// Whether `token` is for another tenant than the one signed in now.
    pub fn is_another_tenant(&self, token: &AccessToken) -> bool {
        Self::tenant_of(token) != self.current_tenant()
    }

    /// Starts sending to `connection` with `token`.
    pub fn connect(&self, connection: Connection, token: AccessToken) {
        self.connection.set(Some(connection));
        self.token.set(Some(token));
    }

    /// A fresh token in place of the current one; the connection stays.
    pub fn replace_token(&self, token: AccessToken) {
        self.token.set(Some(token));
        self.needs_token.set(None);
    }

    /// Drops the token, the connection, the log and every notice, and starts a new
    /// epoch so that answers still on their way are never shown.
    pub fn forget(&self) {
        self.epoch.update(|e| *e += 1);
        self.token.set(None);
        self.connection.set(None);
        self.log.set(ActivityLog::default());
        self.throttle.set(None);
        self.stop_waiting.set(false);
        self.stalled.set(None);
        self.needs_token.set(None);
        self.try_anyway.set(Vec::new());
        self.notice.set(None);
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
