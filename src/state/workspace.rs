//! Everything shown for the signed-in tenant, one state per screen: [`TenantState`]
//! (shared by every screen), [`UserScreen`] and [`Navigation`]. Each is provided as its
//! own context, so a component takes only what it needs; [`Workspace`] holds them
//! together for the one thing done to all of them at once—forgetting the tenant.
//!
//! It lives above every view, so a fresh sign-in after a 401 keeps all of it.

use crate::state::bulk::BulkState;
use crate::state::groups::GroupsState;
use crate::state::navigation::Navigation;
use crate::state::reclaim::ReclaimState;
use crate::state::tenant::TenantState;
use crate::state::user::UserScreen;
use crate::transport::session::{Connection, Session};
use leptos::prelude::*;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::request::{ApiVersion, Cloud, GraphEndpoint};

/// Every screen's state. A new screen adds its state here (a field, a line in
/// [`Workspace::provide`] and one in [`Workspace::clear`]).
#[derive(Clone, Copy)]
pub struct Workspace {
    pub tenant: TenantState,
    pub user: UserScreen,
    pub navigation: Navigation,
    pub bulk: BulkState,
    pub groups: GroupsState,
    pub reclaim: ReclaimState,
}

impl Workspace {
    pub fn new(session: Session) -> Self {
        let navigation = Navigation::new();
        let tenant = TenantState::new(session);
        Workspace {
            tenant,
            user: UserScreen::new(session, tenant, navigation),
            navigation,
            bulk: BulkState::new(session),
            groups: GroupsState::new(session, tenant, navigation),
            reclaim: ReclaimState::new(session, tenant),
        }
    }

    /// Provides the workspace and each screen's state as contexts.
    pub fn provide(self) -> Self {
        provide_context(self);
        provide_context(self.tenant);
        provide_context(self.user);
        provide_context(self.navigation);
        provide_context(self.bulk);
        provide_context(self.groups);
        provide_context(self.reclaim);
        self
    }

    /// Signs in. A token for another tenant than the current one clears everything first.
    pub fn sign_in(&self, session: Session, connection: Connection, token: AccessToken) {
        if session.has_token() && session.is_another_tenant(&token) {
            self.forget_tenant(session);
        }
        session.connect(connection, token);
    }

    /// A fresh token after a 401. The same tenant keeps everything on screen and resumes
    /// the runs that paused for it; another tenant clears it, and the admin is told why.
    pub fn renew(&self, session: Session, token: AccessToken) {
        let switched = session.is_another_tenant(&token);
        if switched {
            let connection = session.connection.get_untracked();
            self.forget_tenant(session);
            session.connection.set(connection);
            session.notice.set(Some(
                "The fresh token is for another tenant, so everything from the previous tenant was cleared.".into(),
            ));
        }
        session.replace_token(token);
        if !switched {
            crate::runs::executor::fresh_token();
        }
    }

    /// Signs in to a fresh in-browser demo tenant.
    pub fn start_demo(&self, session: Session) {
        if session.has_token() {
            self.forget_tenant(session);
        }
        crate::transport::demo::reset_demo_tenant();
        session.connect(
            Connection {
                endpoint: GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1),
                demo: true,
            },
            crate::transport::demo::demo_token(),
        );
    }

    /// Drops the token and everything shown from this tenant.
    pub fn sign_out(&self, session: Session) {
        self.forget_tenant(session);
    }

    /// Clears the session (token, log, notices; a new epoch, so answers still on their
    /// way are never shown) and every screen.
    fn forget_tenant(&self, session: Session) {
        session.forget();
        self.clear();
    }

    /// Forgets everything read from or meant for the current tenant, and goes back to the
    /// tenant screen without a history entry to return to the old one.
    pub fn clear(&self) {
        self.tenant.clear();
        self.user.clear();
        self.bulk.clear();
        self.groups.clear();
        self.reclaim.clear();
        self.navigation.reset();
    }
}

/// The whole workspace: only for signing in and out.
pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}
