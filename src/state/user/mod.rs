//! The user screen's state: the open user as read, their license details, the admin's
//! pending changes per user (so opening another user loses nothing), the last write and
//! its outcome, and what is running now.

pub mod actions;

use crate::state::load::Load;
use crate::state::navigation::Navigation;
use leptos::prelude::*;
use license_desk_core::graph::ids::UserId;
use license_desk_core::graph::model::{LicenseDetails, User};
use license_desk_core::licensing::plan::Change;
use license_desk_core::ops::{ErrorRecord, JournalRecord};
use std::collections::BTreeMap;

/// Provided as context by [`crate::state::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct UserScreen {
    /// The user the screen shows, from the route; changes only when another user opens.
    pub open: Memo<Option<UserId>>,
    pub user: RwSignal<Load<User>>,
    pub details: RwSignal<Vec<LicenseDetails>>,
    /// Pending changes per user id.
    pub pending: RwSignal<BTreeMap<UserId, Vec<Change>>>,
    /// The open user's last write, as the operations engine recorded it.
    pub last_change: RwSignal<Option<JournalRecord>>,
    pub action_error: RwSignal<Option<ErrorRecord>>,
    /// What is running for the open user (a write, or the checks after it).
    pub busy: RwSignal<Option<String>>,
}

impl UserScreen {
    pub fn new(navigation: Navigation) -> Self {
        UserScreen {
            open: Memo::new(move |_| navigation.screen.with(|s| s.user().cloned())),
            user: RwSignal::new(Load::Idle),
            details: RwSignal::new(Vec::new()),
            pending: RwSignal::new(BTreeMap::new()),
            last_change: RwSignal::new(None),
            action_error: RwSignal::new(None),
            busy: RwSignal::new(None),
        }
    }

    /// Forgets every user and every change meant for them.
    pub fn clear(&self) {
        self.user.set(Load::Idle);
        self.details.set(Vec::new());
        self.pending.set(BTreeMap::new());
        self.last_change.set(None);
        self.action_error.set(None);
        self.busy.set(None);
    }

    /// The open user, when a user screen is shown.
    pub fn open_user(&self) -> Option<UserId> {
        self.open.get()
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

    /// True while a write for the open user runs or is being checked.
    pub fn is_busy(&self) -> bool {
        self.busy.with(Option::is_some)
    }
}

pub fn use_user_screen() -> UserScreen {
    expect_context::<UserScreen>()
}
