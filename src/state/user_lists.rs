//! Reads the paged user lists ("Who has this license", "Unlicensed users") for their
//! screens: the first page on opening, one more page on "Show more", every remaining
//! page before an export or a hand-over to the bulk screen, and the names of the groups
//! holders inherit a license from (each group read once per tenant).
//!
//! The paging rules (headers repeated on next pages, links kept on the endpoint) are the
//! core's [`UserPages`]; this module only sends its requests.

use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::{GroupId, SkuId};
use license_desk_core::graph::model::User;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::lists::user_list::UserPages;
use std::collections::BTreeSet;

/// One list on screen: the pages read so far and what is happening to them.
#[derive(Clone, Copy)]
pub struct UserList {
    pub pages: RwSignal<Option<UserPages>>,
    /// A read is under way (e.g. "Reading every holder… 300").
    pub reading: RwSignal<Option<String>>,
    pub error: RwSignal<Option<GraphError>>,
}

impl UserList {
    pub fn new() -> Self {
        UserList {
            pages: RwSignal::new(None),
            reading: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    pub fn is_complete(&self) -> bool {
        self.pages
            .with(|p| p.as_ref().is_some_and(UserPages::is_complete))
    }

    /// Starts the list with its first page.
    pub fn start(
        &self,
        session: Session,
        first: GraphRequest,
        after_page: impl Fn(&[User]) + 'static,
    ) {
        let Some((connection, _)) = session.credentials() else {
            self.error.set(Some(GraphError::not_signed_in()));
            return;
        };
        self.pages
            .set(Some(UserPages::new(connection.endpoint, first)));
        self.read(
            session,
            false,
            "Reading the first page…",
            after_page,
            |_| {},
        );
    }

    /// One more page.
    pub fn show_more(&self, session: Session, after_page: impl Fn(&[User]) + 'static) {
        self.read(session, false, "Reading more…", after_page, |_| {});
    }

    /// Every page still unread, then `done` with every user of the list.
    pub fn read_all(
        &self,
        session: Session,
        after_page: impl Fn(&[User]) + 'static,
        done: impl FnOnce(Vec<User>) + 'static,
    ) {
        self.read(session, true, "Reading the whole list…", after_page, done);
    }

    fn read(
        &self,
        session: Session,
        to_the_end: bool,
        label: &'static str,
        after_page: impl Fn(&[User]) + 'static,
        done: impl FnOnce(Vec<User>) + 'static,
    ) {
        if self.reading.with_untracked(Option::is_some) {
            return;
        }
        let list = *self;
        list.error.set(None);
        list.reading.set(Some(label.to_string()));
        spawn_local(async move {
            while let Some(Some(request)) = list
                .pages
                .try_with_untracked(|p| p.as_ref().and_then(|p| p.next_request().cloned()))
            {
                let answer = crate::runs::reads::users_page(session, request).await;
                let accepted = match answer {
                    Ok((page, request_id)) => {
                        let added = page.value.clone();
                        let result = list.pages.try_update(|p| match p {
                            Some(pages) => pages.accept(page, request_id.as_deref()),
                            None => Ok(()),
                        });
                        after_page(&added);
                        result
                    }
                    Err(error) => Some(Err(error)),
                };
                match accepted {
                    None => return, // The screen was left.
                    Some(Err(error)) => {
                        list.error.try_set(Some(error));
                        list.reading.try_set(None);
                        return;
                    }
                    Some(Ok(())) => {}
                }
                if !to_the_end {
                    break;
                }
                let so_far = list
                    .pages
                    .try_with_untracked(|p| p.as_ref().map_or(0, |p| p.users.len()))
                    .unwrap_or(0);
                list.reading.try_set(Some(format!(
                    "{label} {}",
                    crate::format::number(so_far as i64)
                )));
            }
            list.reading.try_set(None);
            if let Some(users) = list
                .pages
                .try_with_untracked(|p| p.as_ref().map(|p| p.users.clone()))
                .flatten()
            {
                if to_the_end {
                    done(users);
                }
            }
        });
    }
}

impl Default for UserList {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads the names of the groups `users` inherit `sku` from, when the token may read
/// groups and the name is not known yet. Each group is asked for once per tenant; a
/// group that can't be read keeps showing its id.
pub fn name_groups(session: Session, tenant: TenantState, users: &[User], sku: &SkuId) {
    if !session.may_attempt(Action::ReadGroups) {
        return;
    }
    let wanted: BTreeSet<GroupId> = users
        .iter()
        .flat_map(|user| &user.license_assignment_states)
        .filter(|state| &state.sku_id == sku)
        .filter_map(|state| state.assigned_by_group.clone())
        .filter(|group| tenant.ask_for_group_name(group))
        .collect();
    if wanted.is_empty() {
        return;
    }
    spawn_local(async move {
        for group in wanted {
            if let Ok(found) = crate::runs::reads::group(session, &group).await {
                if let Some(name) = found.display_name {
                    tenant.name_group(group, name);
                }
            }
        }
    });
}

/// Hands `users` to the bulk screen as one source named `label`, and opens it. A
/// finished run or a preview there is put back to choosing first; a run being previewed
/// or sent is never touched, and the admin is told why nothing happened.
pub fn hand_to_bulk(
    bulk: crate::state::bulk::BulkState,
    navigation: crate::state::navigation::Navigation,
    label: String,
    users: Vec<String>,
) -> Result<(), String> {
    use crate::state::bulk::{Phase, SourceList};
    if bulk.is_running() {
        return Err("A bulk run is under way: wait for it to finish, then select again.".into());
    }
    if matches!(
        bulk.phase.get_untracked(),
        Phase::Finished | Phase::Previewed
    ) {
        bulk.reset_run();
    }
    if !bulk.hand_over(SourceList { label, users }, None) {
        return Err("A bulk run is under way: wait for it to finish, then select again.".into());
    }
    navigation.go(license_desk_core::route::Screen::Bulk);
    Ok(())
}
