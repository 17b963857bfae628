//! What "Reclaim licenses" reads, each listing followed page by page to its end (Graph
//! cuts sign-in pages short, so no page size is assumed), with the count read so far for
//! the progress bar.
//!
//! Sign-in activity needs `AuditLog.Read.All` and a tenant with Microsoft Entra ID P1 or
//! P2. When the token can't, or Graph refuses, every licensed user is read without it
//! instead, so disabled accounts, direct copies and unused seats still show and the
//! sign-in sections say why they are empty.

use crate::state::read::Answer;
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::graph::ids::GroupId;
use license_desk_core::graph::model::{Group, User};
use license_desk_core::graph::request;
use license_desk_core::lists::reclaim::{GroupMembers, SignIn, SignInUnavailable, PAGE_SIZE};

/// Every user as the reclaim screen reads them, and whether sign-ins came with them.
#[derive(Clone, Debug, PartialEq)]
pub struct UsersRead {
    pub users: Vec<User>,
    pub sign_in: SignIn,
    /// When the listing was read (Unix ms): the findings are as of then.
    pub read_at_ms: u64,
}

/// The disabled accounts that hold licenses (an advanced query on an eventually
/// consistent index; the bulk run reads each user again before planning).
pub async fn disabled_accounts(session: Session, count: RwSignal<usize>) -> Answer<Vec<User>> {
    count.try_set(0);
    let (users, _) = crate::runs::reads::all_users(
        session,
        request::disabled_licensed_users(PAGE_SIZE),
        move |read| {
            count.try_set(read);
        },
    )
    .await?;
    Ok(users)
}

/// Every user with sign-in activity; when that can't be read (`sign_ins` says why
/// beforehand, or Graph refuses it), every licensed user without it.
pub async fn users(
    session: Session,
    sign_ins: Result<(), SignInUnavailable>,
    count: RwSignal<usize>,
) -> Answer<UsersRead> {
    let progress = move |read| {
        count.try_set(read);
    };
    count.try_set(0);
    let why = match sign_ins {
        Ok(()) => {
            let first = request::users_with_sign_in_activity(PAGE_SIZE);
            match crate::runs::reads::all_users(session, first, progress).await {
                Ok((users, _)) => {
                    return Ok(UsersRead {
                        users,
                        sign_in: SignIn::Read,
                        read_at_ms: crate::browser::now_ms(),
                    })
                }
                Err(error) => SignInUnavailable::from_error(&error),
            }
        }
        Err(why) => why,
    };
    count.try_set(0);
    let (users, _) =
        crate::runs::reads::all_users(session, request::licensed_users(PAGE_SIZE), progress)
            .await?;
    Ok(UsersRead {
        users,
        sign_in: SignIn::Unavailable(why),
        read_at_ms: crate::browser::now_ms(),
    })
}

/// The tenant's groups, to pick one to exclude and to name the groups licenses come
/// from (every name is remembered for the whole app). `None` when the token may not
/// read groups.
pub async fn groups(
    session: Session,
    tenant: TenantState,
    allowed: bool,
) -> Answer<Option<Vec<Group>>> {
    if !allowed {
        return Ok(None);
    }
    let groups = crate::runs::reads::all_pages::<Group>(session, request::list_groups(999)).await?;
    for group in &groups {
        if let Some(name) = &group.display_name {
            tenant.name_group(group.id.clone(), name.clone());
        }
    }
    Ok(Some(groups))
}

/// The members (nested groups included) of each excluded group. A group whose members
/// can't be read is left out: the screen says its members are not excluded yet.
pub async fn group_members(session: Session, groups: Vec<GroupId>) -> Answer<GroupMembers> {
    let mut members = GroupMembers::new();
    for group in groups {
        let first = request::group_transitive_user_members(&group);
        if let Ok(users) = crate::runs::reads::all_pages::<User>(session, first).await {
            members.insert(group, users.into_iter().map(|user| user.id).collect());
        }
    }
    Ok(members)
}
