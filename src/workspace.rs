//! State shared by the views once signed in: the tenant's SKUs, the open user, the
//! admin's pending changes and the last applied change. It lives above every view, so a
//! fresh sign-in after a 401 keeps all of it.

use leptos::prelude::*;
use license_desk_core::catalog::Catalog;
use license_desk_core::error::GraphError;
use license_desk_core::model::{LicenseDetails, SubscribedSku, User};
use license_desk_core::ops::{ErrorRecord, JournalRecord};
use license_desk_core::plan::Change;
use license_desk_core::route::{Screen, UserId};
use license_desk_core::Guid;
use std::collections::BTreeMap;

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

#[derive(Clone, Copy)]
pub struct Workspace {
    pub skus: RwSignal<Load<Vec<SubscribedSku>>>,
    pub group_names: RwSignal<BTreeMap<Guid, String>>,
    /// The screen shown; [`crate::router`] keeps it in step with the address bar.
    pub screen: RwSignal<Screen>,
    pub user: RwSignal<Load<User>>,
    pub details: RwSignal<Vec<LicenseDetails>>,
    /// Pending changes per user id, so opening another user loses nothing.
    pub pending: RwSignal<BTreeMap<UserId, Vec<Change>>>,
    /// The open user's last write, as the operations engine recorded it.
    pub last_change: RwSignal<Option<JournalRecord>>,
    pub action_error: RwSignal<Option<ErrorRecord>>,
    pub busy: RwSignal<Option<String>>,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            skus: RwSignal::new(Load::Idle),
            group_names: RwSignal::new(BTreeMap::new()),
            screen: RwSignal::new(Screen::Tenant),
            user: RwSignal::new(Load::Idle),
            details: RwSignal::new(Vec::new()),
            pending: RwSignal::new(BTreeMap::new()),
            last_change: RwSignal::new(None),
            action_error: RwSignal::new(None),
            busy: RwSignal::new(None),
        }
    }

    /// Forgets everything read from or meant for the current tenant.
    pub fn clear(&self) {
        self.skus.set(Load::Idle);
        self.group_names.set(BTreeMap::new());
        self.screen.set(Screen::Tenant);
        self.user.set(Load::Idle);
        self.details.set(Vec::new());
        self.pending.set(BTreeMap::new());
        self.last_change.set(None);
        self.action_error.set(None);
        self.busy.set(None);
    }

    /// The open user, when a user screen is shown.
    pub fn open_user(&self) -> Option<UserId> {
        self.screen.with(|s| s.user().cloned())
    }

    /// The open user's pending changes.
    pub fn pending_changes(&self) -> Vec<Change> {
        self.open_user()
            .map(|user| self.pending_changes_for(&user))
            .unwrap_or_default()
    }

    pub fn pending_changes_for(&self, user: &UserId) -> Vec<Change> {
        self.pending
            .with(|p| p.get(user).cloned().unwrap_or_default())
    }

    /// Replaces the open user's pending changes.
    pub fn set_pending(&self, changes: Vec<Change>) {
        if let Some(user) = self.open_user() {
            self.set_pending_for(&user, changes);
        }
    }

    /// Replaces one user's pending changes, whichever user is open now.
    pub fn set_pending_for(&self, user: &UserId, changes: Vec<Change>) {
        self.pending.update(|p| {
            if changes.is_empty() {
                p.remove(user);
            } else {
                p.insert(user.clone(), changes);
            }
        });
    }

    pub fn push_change(&self, change: Change) {
        let mut changes = self.pending_changes();
        changes.push(change);
        self.set_pending(changes);
    }

    /// SKUs and group names, for names and planning.
    pub fn catalog(&self) -> Catalog {
        let skus = self.skus.with(|s| s.ready().cloned().unwrap_or_default());
        let mut catalog = Catalog::new(skus);
        catalog.groups = self.group_names.get();
        catalog
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}
