//! Reading groups for the "Groups" screen and a group's page, and applying a group
//! license change as a [`GroupChangeRun`] through the executor.
//!
//! The run reads the group and its members, plans, sends `assignLicense`, follows
//! `licenseProcessingState` and reads the members again; nothing here retries or waits.
//! The only glue is mapping its effects to [`GroupsState`], and re-reading the page once
//! it has finished so the licenses, counts and errors shown are the new ones.

use crate::runs::executor::{Launch, RunHandle};
use crate::state::bulk::{BulkState, SourceList};
use crate::state::groups::{ChangeProgress, ErrorMembers, GroupsState};
use crate::state::load::Load;
use crate::state::navigation::Navigation;
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::bulk::operation::BulkOperation;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{Group, User};
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request;
use license_desk_core::groups::change::{Effect, GroupChangeOptions, GroupChangeRun};
use license_desk_core::groups::list::{group_label, overview};
use license_desk_core::licensing::plan::Warning;
use license_desk_core::route::Screen;

/// Members with errors shown per page.
pub const ERROR_PAGE_SIZE: u32 = 20;
/// The id of the status under "Apply changes" (focus goes there on Apply).
pub const CHANGE_STATUS_ID: &str = "group-change-status";

/// Reads the groups with license errors and every group with its licenses.
pub fn load_groups(session: Session, tenant: TenantState, state: GroupsState) {
    state.list.set(Load::Loading);
    spawn_local(async move {
        let failing =
            crate::runs::reads::all_pages::<Group>(session, request::groups_with_license_errors())
                .await;
        let all =
            crate::runs::reads::all_pages::<Group>(session, request::groups_with_licenses(999))
                .await;
        match (failing, all) {
            (Ok(failing), Ok(all)) => {
                for group in all.iter().chain(&failing) {
                    if let Some(name) = &group.display_name {
                        tenant.name_group(group.id.clone(), name.clone());
                    }
                }
                state.list.set(Load::Ready(overview(&failing, &all)));
            }
            (Err(error), _) | (_, Err(error)) => state.list.set(Load::Failed(error)),
        }
    });
}

/// Reads the open group, its members and the first page of its members with errors.
pub fn load_group(session: Session, tenant: TenantState, state: GroupsState, id: GroupId) {
    state.group.set(Load::Loading);
    state.members.set(Load::Loading);
    state.errors.set(Load::Loading);
    spawn_local(async move {
        let open_id = id.clone();
        let still_open = move || state.open_group().as_ref() == Some(&open_id);
        match crate::runs::reads::fetch::<Group>(session, request::group_licenses(&id)).await {
            Ok(group) => {
                if let Some(name) = &group.display_name {
                    tenant.name_group(group.id.clone(), name.clone());
                }
                if still_open() {
                    state.group.set(Load::Ready(group));
                }
            }
            Err(error) => {
                if still_open() {
                    state.group.set(Load::Failed(error));
                    state.members.set(Load::Idle);
                    state.errors.set(Load::Idle);
                }
                return;
            }
        }
        let members =
            crate::runs::reads::all_pages::<User>(session, request::group_member_states(&id, 999))
                .await;
        if !still_open() {
            return;
        }
        state.members.set(match members {
            Ok(users) => Load::Ready(users),
            Err(error) => Load::Failed(error),
        });
        let first = request::members_with_license_error_states(&id, ERROR_PAGE_SIZE);
        if let Some((connection, _)) = session.credentials() {
            state
                .paging
                .set_value(Some(Paging::start(connection.endpoint, &first)));
        }
        let page = read_error_page(session, state, first).await;
        if still_open() {
            state.errors.set(match page {
                Ok((users, next)) => Load::Ready(ErrorMembers {
                    users,
                    next,
                    ..ErrorMembers::default()
                }),
                Err(error) => Load::Failed(error),
            });
        }
    });
}

/// Reads one page of members with errors; the next page's request comes from the paging.
async fn read_error_page(
    session: Session,
    state: GroupsState,
    request: request::GraphRequest,
) -> Result<(Vec<User>, Option<request::GraphRequest>), license_desk_core::graph::error::GraphError>
{
    let (page, request_id) = crate::runs::reads::page_of::<User>(session, request).await?;
    let mut paging = state.paging.get_value();
    let next = match paging.as_mut() {
        Some(paging) => paging.follow(page.next_link.as_deref(), request_id.as_deref())?,
        None => None,
    };
    state.paging.set_value(paging);
    Ok((page.value, next))
}

/// "Show more": reads the next page of members with errors.
pub fn more_errors(session: Session, state: GroupsState) {
    let Some(next) = state
        .errors
        .with_untracked(|e| e.ready().and_then(|e| e.next.clone()))
    else {
        return;
    };
    let group = state.open_group();
    state.errors.update(|e| {
        if let Load::Ready(e) = e {
            e.reading_more = true;
            e.more_failed = None;
        }
    });
    spawn_local(async move {
        let result = read_error_page(session, state, next).await;
        if state.open_group() != group {
            return;
        }
        state.errors.update(|e| {
            if let Load::Ready(e) = e {
                e.reading_more = false;
                match result {
                    Ok((users, next)) => {
                        e.users.extend(users);
                        e.next = next;
                    }
                    // The page stays as it was; "Show more" can be pressed again.
                    Err(error) => e.more_failed = Some(error),
                }
            }
        });
    });
}

/// "Reprocess these users": hands the members listed to the bulk screen with the
/// Reprocess operation and opens it, where the admin previews and starts the run.
pub fn reprocess_on_bulk_screen(
    bulk: BulkState,
    navigation: Navigation,
    state: GroupsState,
    group_name: &str,
    users: Vec<String>,
) {
    if matches!(
        bulk.phase.get_untracked(),
        crate::state::bulk::Phase::Finished | crate::state::bulk::Phase::Previewed
    ) {
        bulk.reset_run();
    }
    let list = SourceList {
        label: license_desk_core::wording::groups::members_with_errors_label(group_name),
        users,
    };
    if bulk.hand_over(list, Some(BulkOperation::Reprocess)) {
        state.notice.set(None);
        navigation.go(Screen::Bulk);
    } else {
        state.notice.set(Some(
            "A bulk run is being previewed or sent; wait for it to finish, then try again.".into(),
        ));
    }
}

/// "Apply changes": the open group's pending changes, with the warnings ticked.
pub fn apply(
    session: Session,
    tenant: TenantState,
    state: GroupsState,
    acknowledged: Vec<Warning>,
) {
    let Some(group) = state.open_group() else {
        return;
    };
    let Some((connection, _)) = session.credentials() else {
        return;
    };
    let changes = state.pending_changes();
    if changes.is_empty() || state.is_busy() {
        return;
    }
    state.change.set(Some(ChangeProgress {
        group: group.clone(),
        record: None,
        report: None,
    }));
    crate::browser::focus_when_lost(CHANGE_STATUS_ID, &[]);
    let run = GroupChangeRun::new(
        connection.endpoint,
        group.clone(),
        changes,
        tenant.catalog.get_untracked(),
        acknowledged,
        GroupChangeOptions::default(),
    );
    let observer = Box::new(move |effect: &Effect| match effect {
        Effect::Record(record) => state.change.update(|c| {
            if let Some(c) = c.as_mut().filter(|c| c.group == record.group) {
                c.record = Some(record.clone());
            }
        }),
        Effect::Finished(report) => {
            let done = report.ending == license_desk_core::groups::change::Ending::Done;
            state.change.update(|c| {
                if let Some(c) = c.as_mut().filter(|c| c.group == report.group) {
                    c.report = Some((**report).clone());
                }
            });
            // What the admin typed stays unless it was applied.
            if done && state.open_group().as_ref() == Some(&report.group) {
                state.set_pending(Vec::new());
            }
            if state.open_group().as_ref() == Some(&report.group) {
                load_group(session, tenant, state, report.group.clone());
            }
        }
        Effect::NeedsAcknowledgement(_) => {
            // The group changed since the preview: its new warnings were never shown, so
            // nothing is sent. The cancel waits until this step is carried out; the
            // pending changes stay.
            state.notice.set(Some(
                "The group changed since the preview and there are new warnings to check. Preview again."
                    .into(),
            ));
            if let Some(handle) = state.handle.get_value() {
                handle.send(license_desk_core::groups::change::Event::Cancel);
            }
        }
        Effect::Send { .. } | Effect::WakeAt(_) => {}
    });
    let handle = RunHandle::start(session, run, observer, Launch::page_wide());
    state.handle.set_value(Some(handle));
}

/// The group's name for labels, from the page or the tenant's names.
pub fn group_name(state: GroupsState, tenant: TenantState, id: &GroupId) -> String {
    state
        .group
        .with(|g| g.ready().map(group_label))
        .unwrap_or_else(|| tenant.catalog.with(|c| c.group_name(id)))
}
