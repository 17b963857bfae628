//! What the "Groups" screen and a group's page hold: the list of groups, the open group
//! with its members and its members with errors (paged), the admin's pending changes per
//! group, and the license change being applied with its report.
//!
//! It lives above the screens, so a failed change or a visit to a member's user screen
//! loses nothing the admin typed; like everything else it is cleared with the tenant.

pub mod actions;

use crate::runs::executor::RunHandle;
use crate::state::navigation::Navigation;
use crate::state::pending::PendingChanges;
use crate::state::read::{Answer, TenantRead};
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action as Permission;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{Group, User};
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::groups::change::{plan_group, GroupChangeRun, GroupRecord, GroupReport};
use license_desk_core::groups::list::GroupRow;

/// The members with license errors read so far, and where the next page is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorMembers {
    pub users: Vec<User>,
    pub next: Option<GraphRequest>,
}

/// The open group as its page shows it: the group with its licenses, its direct user
/// members with their assignment states, and the first page of members with errors.
/// Members and errors may fail on their own; the group is shown either way.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupPage {
    pub group: Group,
    pub members: Answer<Vec<User>>,
    pub errors: Answer<ErrorMembers>,
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
    /// The Groups screen's list, read afresh each time it opens.
    pub list: TenantRead<Vec<GroupRow>>,
    /// The open group's page, read when it opens and after each change of it.
    pub page: TenantRead<GroupPage, GroupId>,
    /// Where "Show more" of the members with errors goes next.
    pub paging: StoredValue<Option<Paging>>,
    /// "Show more": reads the next page of members with errors; holds why it failed.
    pub more_errors: Action<(), Option<GraphError>>,
    /// Pending changes per group, the open group's planned against the group and its
    /// members as read.
    pub pending: PendingChanges<GroupId>,
    pub change: RwSignal<Option<ChangeProgress>>,
    pub handle: StoredValue<Option<RunHandle<GroupChangeRun>>, LocalStorage>,
    /// Said after the members were handed to the bulk screen, or why they were not.
    pub notice: RwSignal<Option<String>>,
}

impl GroupsState {
    pub fn new(session: Session, tenant: TenantState, navigation: Navigation) -> Self {
        let open = Memo::new(move |_| navigation.screen.with(|s| s.group().cloned()));
        let allowed = move || session.may_attempt(Permission::ReadGroups);
        let list = TenantRead::on_demand(session, move || {
            (session.connected.get() && allowed()).then(|| actions::read_groups(session, tenant))
        });
        let paging = StoredValue::new(None);
        let page = TenantRead::keyed(
            session,
            move || open.get(),
            move |id| {
                (session.connected.get() && allowed())
                    .then(|| actions::read_group_page(session, tenant, paging, id))
            },
        );
        let more_errors =
            Action::new_local(move |_: &()| actions::read_more_errors(session, page, paging));
        let pending = PendingChanges::new(open, move |changes| {
            page.with_ready(|page| {
                let members = page.members.as_ref().ok()?;
                Some(plan_group(
                    &page.group,
                    members,
                    &tenant.catalog.read(),
                    changes,
                ))
            })
            .flatten()
        });
        GroupsState {
            open,
            list,
            page,
            paging,
            more_errors,
            pending,
            change: RwSignal::new(None),
            handle: StoredValue::new_local(None),
            notice: RwSignal::new(None),
        }
    }

    /// Forgets every group and every change meant for one.
    pub fn clear(&self) {
        self.list.forget();
        self.page.forget();
        self.paging.set_value(None);
        self.pending.clear();
        self.change.set(None);
        self.handle.set_value(None);
        self.notice.set(None);
    }

    pub fn open_group(&self) -> Option<GroupId> {
        self.open.get()
    }

    /// The open group as read, tracked.
    pub fn group(&self) -> Option<Group> {
        self.page.with_ready(|page| page.group.clone())
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
