//! What the "Groups" screen and a group's page hold: the list of groups, the open group
//! with its members and its members with errors (paged), the admin's pending changes per
//! group, and the license change being applied with its report.
//!
//! It lives above the screens, so a failed change or a visit to a member's user screen
//! loses nothing the admin typed; like everything else it is cleared with the tenant.

pub mod actions;

use crate::runs::executor::RunHandle;
use crate::state::load::Load;
use crate::state::navigation::Navigation;
use leptos::prelude::*;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{Group, User};
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::groups::change::{GroupRecord, GroupReport};
use license_desk_core::groups::list::GroupRow;
use license_desk_core::licensing::plan::Change;
use license_desk_core::licensing::plan::Warning;
use std::collections::BTreeMap;

/// The members with license errors read so far, and where the next page is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorMembers {
    pub users: Vec<User>,
    pub next: Option<GraphRequest>,
    /// A "Show more" is being read.
    pub reading_more: bool,
    /// Why the last "Show more" failed.
    pub more_failed: Option<GraphError>,
}

/// A license change of one group: how far it got, and its report once finished.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeProgress {
    pub group: GroupId,
    pub record: Option<GroupRecord>,
    pub report: Option<GroupReport>,
}

/// Provided as context by [`crate::state::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct GroupsState {
    /// The group the screen shows, from the route.
    pub open: Memo<Option<GroupId>>,
    pub list: RwSignal<Load<Vec<GroupRow>>>,
    pub group: RwSignal<Load<Group>>,
    /// The open group's direct user members with their assignment states.
    pub members: RwSignal<Load<Vec<User>>>,
    pub errors: RwSignal<Load<ErrorMembers>>,
    pub paging: StoredValue<Option<Paging>>,
    /// Pending changes per group.
    pub pending: RwSignal<BTreeMap<GroupId, Vec<Change>>>,
    /// Warnings ticked in the preview.
    pub ticked: RwSignal<Vec<Warning>>,
    pub change: RwSignal<Option<ChangeProgress>>,
    pub handle: StoredValue<
        Option<RunHandle<license_desk_core::groups::change::GroupChangeRun>>,
        LocalStorage,
    >,
    /// Said after the members were handed to the bulk screen, or why they were not.
    pub notice: RwSignal<Option<String>>,
}

impl GroupsState {
    pub fn new(navigation: Navigation) -> Self {
        GroupsState {
            open: Memo::new(move |_| navigation.screen.with(|s| s.group().cloned())),
            list: RwSignal::new(Load::Idle),
            group: RwSignal::new(Load::Idle),
            members: RwSignal::new(Load::Idle),
            errors: RwSignal::new(Load::Idle),
            paging: StoredValue::new(None),
            pending: RwSignal::new(BTreeMap::new()),
            ticked: RwSignal::new(Vec::new()),
            change: RwSignal::new(None),
            handle: StoredValue::new_local(None),
            notice: RwSignal::new(None),
        }
    }

    /// Forgets every group and every change meant for one.
    pub fn clear(&self) {
        self.list.set(Load::Idle);
        self.group.set(Load::Idle);
        self.members.set(Load::Idle);
        self.errors.set(Load::Idle);
        self.paging.set_value(None);
        self.pending.set(BTreeMap::new());
        self.ticked.set(Vec::new());
        self.change.set(None);
        self.handle.set_value(None);
        self.notice.set(None);
    }

    pub fn open_group(&self) -> Option<GroupId> {
        self.open.get()
    }

    /// The open group's pending changes.
    pub fn pending_changes(&self) -> Vec<Change> {
        let Some(group) = self.open_group() else {
            return Vec::new();
        };
        self.pending
            .with(|p| p.get(&group).cloned().unwrap_or_default())
    }

    /// Replaces the open group's pending changes; the preview's ticks go with them.
    pub fn set_pending(&self, changes: Vec<Change>) {
        let Some(group) = self.open_group() else {
            return;
        };
        self.ticked.set(Vec::new());
        self.pending.update(|p| {
            if changes.is_empty() {
                p.remove(&group);
            } else {
                p.insert(group, changes);
            }
        });
    }

    pub fn push_change(&self, change: Change) {
        let mut changes = self.pending_changes();
        changes.push(change);
        self.set_pending(changes);
    }

    /// True while a change of the open group is being applied or followed.
    pub fn is_busy(&self) -> bool {
        self.change
            .with(|c| c.as_ref().is_some_and(|c| c.report.is_none()))
    }
}

pub fn use_groups() -> GroupsState {
    expect_context::<GroupsState>()
}
