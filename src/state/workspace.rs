//! Everything shown for the signed-in tenant, one state per screen: [`TenantState`]
//! (shared by every screen), [`UserScreen`] and [`Navigation`]. Each is provided as its
//! own context, so a component takes only what it needs; [`Workspace`] holds them
//! together for the one thing done to all of them at once—forgetting the tenant.
//!
//! It lives above every view, so a fresh sign-in after a 401 keeps all of it.

use crate::state::bulk::BulkState;
use crate::state::groups::GroupsState;
use crate::state::navigation::Navigation;
use crate::state::tenant::TenantState;
use crate::state::user::UserScreen;
use leptos::prelude::*;
use license_desk_core::graph::error::GraphError;

/// Something being read from Graph.
#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(GraphError),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// Every screen's state. A new screen adds its state here (a field, a line in
/// [`Workspace::provide`] and one in [`Workspace::clear`]).
#[derive(Clone, Copy)]
pub struct Workspace {
    pub tenant: TenantState,
    pub user: UserScreen,
    pub navigation: Navigation,
    pub bulk: BulkState,
    pub groups: GroupsState,
}

impl Workspace {
    pub fn new() -> Self {
        let navigation = Navigation::new();
        Workspace {
            tenant: TenantState::new(),
            user: UserScreen::new(navigation),
            navigation,
            bulk: BulkState::new(),
            groups: GroupsState::new(navigation),
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
        self
    }

    /// Forgets everything read from or meant for the current tenant, and goes back to the
    /// tenant screen without a history entry to return to the old one.
    pub fn clear(&self) {
        self.tenant.clear();
        self.user.clear();
        self.bulk.clear();
        self.groups.clear();
        self.navigation.reset();
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// The whole workspace: only for signing in and out.
pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}
