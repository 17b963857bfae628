//! Reading groups for the "Groups" screen and a group's page, and applying a group
//! license change as a [`GroupChangeRun`] through the executor.
//!
//! The run reads the group and its members, plans, sends `assignLicense`, follows
//! `licenseProcessingState` and reads the members again; nothing here retries or waits.
//! The only glue is mapping its effects to [`GroupsState`], and re-reading the page once
//! it has finished so the licenses, counts and errors shown are the new ones.

use crate::runs::executor::{Launch, RunHandle};
use crate::state::bulk::{BulkState, SourceList};
use crate::state::groups::{ChangeProgress, ErrorMembers, GroupPage, GroupsState};
use crate::state::navigation::Navigation;
use crate::state::read::{Answer, TenantRead};
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::bulk::operation::BulkOperation;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{Group, User};
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::groups::change::{Effect, GroupChangeOptions, GroupChangeRun};
use license_desk_core::groups::list::{group_label, overview, GroupRow};
use license_desk_core::route::Screen;

/// Members with errors shown per page.
pub const ERROR_PAGE_SIZE: u32 = 20;
/// The id of the status under "Apply changes" (focus goes there on Apply).
pub const CHANGE_STATUS_ID: &str = "group-change-status";

/// Reads the groups with license errors and every group with its licenses, and names
/// them for every screen.
pub async fn read_groups(session: Session, tenant: TenantState) -> Answer<Vec<GroupRow>> {
    let failing =
        crate::runs::reads::all_pages::<Group>(session, request::groups_with_license_errors())
            .await?;
    let all =
        crate::runs::reads::all_pages::<Group>(session, request::groups_with_licenses(999)).await?;
    for group in all.iter().chain(&failing) {
        if let Some(name) = &group.display_name {
            tenant.name_group(group.id.clone(), name.clone());
        }
    }
    Ok(overview(&failing, &all))
}

/// Reads the group, its members and the first page of its members with errors.
pub async fn read_group_page(
    session: Session,
    tenant: TenantState,
    paging: StoredValue<Option<Paging>>,
    id: GroupId,
) -> Answer<GroupPage> {
    let group = crate::runs::reads::fetch::<Group>(session, request::group_licenses(&id)).await?;
    if let Some(name) = &group.display_name {
        tenant.name_group(group.id.clone(), name.clone());
    }
    let members =
        crate::runs::reads::all_pages::<User>(session, request::group_member_states(&id, 999))
            .await;
    let first = request::members_with_license_error_states(&id, ERROR_PAGE_SIZE);
    paging.set_value(
        session
            .credentials()
            .map(|(connection, _)| Paging::start(connection.endpoint, &first)),
    );
    let errors = read_error_page(session, paging, first)
        .await
        .map(|(users, next)| ErrorMembers { users, next });
    Ok(GroupPage {
        group,
        members,
        errors,
    })
}

/// Reads one page of members with errors; the next page's request comes from the paging.
async fn read_error_page(
    session: Session,
    paging: StoredValue<Option<Paging>>,
    request: GraphRequest,
) -> Answer<(Vec<User>, Option<GraphRequest>)> {
    let (page, request_id) = crate::runs::reads::page_of::<User>(session, request).await?;
    let mut followed = paging.get_value();
    let next = match followed.as_mut() {
        Some(paging) => paging.follow(page.next_link.as_deref(), request_id.as_deref())?,
        None => None,
    };
    paging.set_value(followed);
    Ok((page.value, next))
}

/// "Show more": reads the next page of members with errors onto the page. Gives why it
/// failed, if it did; the page then stays as it was and "Show more" can be pressed again.
pub async fn read_more_errors(
    session: Session,
    page: TenantRead<GroupPage, GroupId>,
    paging: StoredValue<Option<Paging>>,
) -> Option<GraphError> {
    let (group, next) = page
        .with_ready(|page| {
            let next = page.errors.as_ref().ok()?.next.clone()?;
            Some((page.group.id.clone(), next))
        })
        .flatten()?;
    match read_error_page(session, paging, next).await {
        Ok((users, next)) => {
            page.update_ready(|page| {
                if page.group.id == group {
                    if let Ok(errors) = &mut page.errors {
                        errors.users.extend(users);
                        errors.next = next;
                    }
                }
            });
            None
        }
        Err(error) => Some(error),
    }
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
        origin: Some(navigation.screen.get_untracked()),
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

/// "Apply changes": the open group's pending changes, with the warnings ticked in its
/// checklist (the run plans again before it sends, and sends nothing those don't cover).
pub fn apply(session: Session, tenant: TenantState, state: GroupsState) {
    let acknowledged = state.pending.acknowledged();
    let Some(group) = state.open_group() else {
        return;
    };
    let Some((connection, _)) = session.credentials() else {
        return;
    };
    let changes = state.pending.changes();
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
    let observer = move |effect: &Effect| match effect {
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
                state.pending.set(Vec::new());
            }
            if state.open_group().as_ref() == Some(&report.group) {
                state.page.load();
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
                handle.send(license_desk_core::groups::change::Event::Signal(
                    license_desk_core::ops::Signal::Cancel,
                ));
            }
        }
        // The token panel asks for a fresh token (the executor raised it); the change
        // goes on once it is pasted, its pending changes kept meanwhile.
        Effect::AwaitingToken | Effect::Send(_) | Effect::WakeAt(_) => {}
    };
    let handle = RunHandle::start(session, run, observer, Launch::page_wide());
    state.handle.set_value(Some(handle));
}

/// The group's name for labels, from the page or the tenant's names.
pub fn group_name(state: GroupsState, tenant: TenantState, id: &GroupId) -> String {
    state
        .page
        .with_ready(|page| group_label(&page.group))
        .unwrap_or_else(|| tenant.catalog.with(|c| c.group_name(id)))
}
