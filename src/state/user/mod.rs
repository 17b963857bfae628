//! The user screen's state: the open user as read, with their license details; the
//! admin's pending changes per user (so opening another user loses nothing), planned
//! against the user as read, and the checklist of their warnings; the last write and its
//! outcome, and what is running now.

pub mod actions;

use crate::state::navigation::Navigation;
use crate::state::pending::PendingChanges;
use crate::state::read::TenantRead;
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::{GroupId, PlanId, SkuId, UserId};
use license_desk_core::graph::model::{LicenseDetails, User};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::licensing::plan;
use license_desk_core::licensing::plan_safety::carried_over_disabled_plans;
use license_desk_core::ops::{ErrorRecord, JournalRecord};
use std::collections::BTreeSet;

/// The open user as read: the user with their license states, and per-plan details.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRead {
    pub user: User,
    pub details: Vec<LicenseDetails>,
}

/// Provided as context by [`crate::state::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct UserScreen {
    /// The user the screen shows, from the route; changes only when another user opens.
    pub open: Memo<Option<UserId>>,
    /// The open user, read when they open (and kept up to date by their changes).
    pub read: TenantRead<UserRead, UserId>,
    /// Pending changes per user, the open user's planned against the user as read.
    pub pending: PendingChanges<UserId>,
    /// The open user's last write, as the operations engine recorded it.
    pub last_change: RwSignal<Option<JournalRecord>>,
    pub action_error: RwSignal<Option<ErrorRecord>>,
    /// Why the last action needed nothing sent (information, not a failure).
    pub action_note: RwSignal<Option<String>>,
    /// The open user's last write whose outcome the run left unknown: "Check again"
    /// reads the user and compares ([`actions::check_again`]).
    pub unknown_change: RwSignal<Option<JournalRecord>>,
    /// What is running for the open user (a write, or the checks after it).
    pub busy: RwSignal<Option<String>>,
}

/// Reads the user, their license details and the names of the groups that license them
/// (each group once, however many of the user's licenses it assigns).
async fn read_user(
    session: Session,
    tenant: TenantState,
    id: UserId,
) -> Result<UserRead, GraphError> {
    let user = crate::runs::reads::get_user(session, id.as_str()).await?;
    let groups: BTreeSet<GroupId> = user
        .license_assignment_states
        .iter()
        .filter_map(|s| s.assigned_by_group.clone())
        .collect();
    let details = crate::runs::reads::license_details(session, id.as_str())
        .await
        .unwrap_or_default();
    tenant.name_groups(session, groups).await;
    Ok(UserRead { user, details })
}

impl UserScreen {
    pub fn new(session: Session, tenant: TenantState, navigation: Navigation) -> Self {
        let open = Memo::new(move |_| navigation.screen.with(|s| s.user().cloned()));
        let read = TenantRead::keyed(
            session,
            move || open.get(),
            move |id| {
                session
                    .connected
                    .get()
                    .then(|| read_user(session, tenant, id))
            },
        );
        let pending = PendingChanges::new(open, move |changes| {
            read.with_ready(|read| plan::plan(&read.user, &tenant.catalog.read(), changes))
        });
        let screen = UserScreen {
            open,
            read,
            pending,
            last_change: RwSignal::new(None),
            action_error: RwSignal::new(None),
            action_note: RwSignal::new(None),
            unknown_change: RwSignal::new(None),
            busy: RwSignal::new(None),
        };
        // Opening another user drops what the last one showed.
        Effect::new(move |previous: Option<Option<UserId>>| {
            let now = open.get();
            if previous.is_some_and(|previous| previous != now) {
                screen.action_error.set(None);
                screen.action_note.set(None);
                screen.unknown_change.set(None);
                screen.last_change.set(None);
            }
            now
        });
        screen
    }

    /// Forgets every user and every change meant for them.
    pub fn clear(&self) {
        self.read.forget();
        self.pending.clear();
        self.last_change.set(None);
        self.action_error.set(None);
        self.action_note.set(None);
        self.unknown_change.set(None);
        self.busy.set(None);
    }

    /// The safe default for giving the open user `to` (added, or replacing `from`): the
    /// plans of `to` that match a plan off for them today start off. Tracked.
    pub fn carried_over(
        &self,
        catalog: &Catalog,
        from: Option<&SkuId>,
        to: &SkuId,
    ) -> BTreeSet<PlanId> {
        self.read
            .with_ready(|read| {
                carried_over_disabled_plans(&read.user.license_assignment_states, catalog, from, to)
            })
            .unwrap_or_default()
            .into_iter()
            .collect()
    }

    /// The open user as read, tracked.
    pub fn user(&self) -> Option<User> {
        self.read.with_ready(|read| read.user.clone())
    }

    /// The open user, when a user screen is shown.
    pub fn open_user(&self) -> Option<UserId> {
        self.open.get()
    }

    /// True while a write for the open user runs or is being checked.
    pub fn is_busy(&self) -> bool {
        self.busy.with(Option::is_some)
    }
}

pub fn use_user_screen() -> UserScreen {
    expect_context::<UserScreen>()
}
