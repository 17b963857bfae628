//! Reads the paged user lists ("Who has this license", "Unlicensed users") for their
//! screens: the first page on opening, one more page on "Show more", every remaining
//! page before an export or a hand-over to the bulk screen, and the names of the groups
//! holders inherit a license from (each group read once per tenant).
//!
//! The paging rules (headers repeated on next pages, links kept on the endpoint) are the
//! core's [`UserPages`]; this module only sends its requests.

use crate::state::read::TenantRead;
use crate::state::tenant::TenantState;
use crate::transport::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::auth::token::Action as Permission;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::ids::{GroupId, SkuId};
use license_desk_core::graph::model::User;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::lists::holders::{count, holders_of, HolderCounts};
use license_desk_core::lists::user_list::UserPages;
use std::collections::BTreeSet;
use std::rc::Rc;

/// Hears every page a list reads.
type AfterPage = Rc<dyn Fn(&[User])>;

/// What one read of a list does: one page more, or every page left and then `done`
/// with every user.
#[derive(Clone)]
pub struct ReadPages {
    /// The list's generation when the read was asked for.
    generation: u64,
    to_the_end: bool,
    label: &'static str,
    done: Option<Rc<dyn Fn(Vec<User>)>>,
}

/// One list on screen: the pages read so far and what is happening to them. Pages are
/// read by a Leptos [`Action`]; while one read runs, another is not started.
#[derive(Clone, Copy)]
pub struct UserList {
    pub pages: RwSignal<Option<UserPages>>,
    /// A read is under way (e.g. "Reading every holder… 300").
    pub reading: RwSignal<Option<String>>,
    pub error: RwSignal<Option<GraphError>>,
    /// Bumped by each new start: a read of an earlier start changes nothing.
    generation: StoredValue<u64>,
    read: Action<ReadPages, ()>,
}

impl UserList {
    /// A list whose every page read is also handed to `after_page` (to name the groups
    /// its users inherit a license from, say).
    pub fn new(session: Session, after_page: impl Fn(&[User]) + 'static) -> Self {
        let pages = RwSignal::new(None::<UserPages>);
        let reading = RwSignal::new(None::<String>);
        let error = RwSignal::new(None::<GraphError>);
        let after_page: AfterPage = Rc::new(after_page);
        let generation = StoredValue::new(0);
        let list = ListSignals {
            pages,
            reading,
            error,
            generation,
        };
        let read = Action::new_local(move |read: &ReadPages| {
            read_pages(session, list, Rc::clone(&after_page), read.clone())
        });
        UserList {
            pages,
            reading,
            error,
            generation,
            read,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.pages
            .with(|p| p.as_ref().is_some_and(UserPages::is_complete))
    }

    /// Starts the list (again) with its first page; a read of an earlier start still on
    /// its way is dropped.
    pub fn start(&self, session: Session, first: GraphRequest) {
        self.generation.update_value(|g| *g += 1);
        self.reading.set(None);
        let Some((connection, _)) = session.credentials() else {
            self.error.set(Some(GraphError::not_signed_in()));
            return;
        };
        self.pages
            .set(Some(UserPages::new(connection.endpoint, first)));
        self.dispatch(false, "Reading the first page…", None);
    }

    /// Empties the list; a read still on its way is dropped.
    pub fn clear(&self) {
        self.generation.update_value(|g| *g += 1);
        self.pages.set(None);
        self.reading.set(None);
        self.error.set(None);
    }

    /// One more page.
    pub fn show_more(&self) {
        self.dispatch(false, "Reading more…", None);
    }

    /// Every page still unread, then `done` with every user of the list.
    pub fn read_all(&self, done: impl Fn(Vec<User>) + 'static) {
        self.dispatch(true, "Reading the whole list…", Some(Rc::new(done)));
    }

    fn dispatch(&self, to_the_end: bool, label: &'static str, done: Option<Rc<dyn Fn(Vec<User>)>>) {
        if self.reading.with_untracked(Option::is_some) {
            return;
        }
        self.error.set(None);
        self.reading.set(Some(label.to_string()));
        self.read.dispatch_local(ReadPages {
            generation: self.generation.get_value(),
            to_the_end,
            label,
            done,
        });
    }
}

/// What a read changes of its list.
#[derive(Clone, Copy)]
struct ListSignals {
    pages: RwSignal<Option<UserPages>>,
    reading: RwSignal<Option<String>>,
    error: RwSignal<Option<GraphError>>,
    generation: StoredValue<u64>,
}

/// Reads one page, or every page left, into the list, telling `reading` how far it got.
async fn read_pages(session: Session, list: ListSignals, after_page: AfterPage, read: ReadPages) {
    let current = move || list.generation.try_get_value() == Some(read.generation);
    while let Some(Some(request)) = list
        .pages
        .try_with_untracked(|p| p.as_ref().and_then(|p| p.next_request().cloned()))
    {
        let answer = crate::runs::reads::users_page(session, request).await;
        if !current() {
            return; // The list started again (or the screen was left) meanwhile.
        }
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
            Err(failure) => Some(Err(failure)),
        };
        match accepted {
            None => return,
            Some(Err(failure)) => {
                list.error.try_set(Some(failure));
                list.reading.try_set(None);
                return;
            }
            Some(Ok(())) => {}
        }
        if !read.to_the_end {
            break;
        }
        let so_far = list
            .pages
            .try_with_untracked(|p| p.as_ref().map_or(0, |p| p.users.len()))
            .unwrap_or(0);
        list.reading.try_set(Some(format!(
            "{} {}",
            read.label,
            crate::format::number(so_far as i64)
        )));
    }
    list.reading.try_set(None);
    if let (Some(done), true) = (read.done, read.to_the_end) {
        if let Some(users) = list
            .pages
            .try_with_untracked(|p| p.as_ref().map(|p| p.users.clone()))
            .flatten()
        {
            done(users);
        }
    }
}

/// Reads the names of the groups `users` inherit `sku` from, when the token may read
/// groups and the name is not known yet, twenty to a `$batch`. Each group is asked for
/// once per tenant; a group that can't be read (or any, when the token may not read
/// groups) is marked so, and shows its id.
pub fn name_groups(session: Session, tenant: TenantState, users: &[User], sku: &SkuId) {
    let wanted: BTreeSet<GroupId> = users
        .iter()
        .flat_map(|user| &user.license_assignment_states)
        .filter(|state| &state.sku_id == sku)
        .filter_map(|state| state.assigned_by_group.clone())
        .collect();
    if !session.may_attempt(Permission::ReadGroups) {
        tenant
            .unreadable_groups
            .update(|groups| groups.extend(wanted));
        return;
    }
    spawn_local(async move { tenant.name_groups(session, wanted).await });
}

/// Who holds the seats of `sku`: every holder read (pages of 999), those in error left
/// out (they hold no seat), counted by source, with the groups' names read. Said beside
/// a "no free seats" error.
pub fn seat_holders(session: Session, tenant: TenantState, sku: SkuId) -> TenantRead<HolderCounts> {
    TenantRead::eager(session, move || {
        let sku = sku.clone();
        (session.connected.get() && session.may_attempt(Permission::ReadUsers)).then_some(
            async move {
                let (users, _) = crate::runs::reads::all_users(
                    session,
                    license_desk_core::graph::request::sku_holders(&sku, 999),
                    |_| {},
                )
                .await?;
                let seated: Vec<_> = holders_of(&users, &sku)
                    .into_iter()
                    .filter(|holder| !holder.error.is_error())
                    .collect();
                tenant
                    .name_groups(session, seated.iter().filter_map(|h| h.group().cloned()))
                    .await;
                Ok(count(&seated))
            },
        )
    })
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
    // The screen the users were chosen on is the way back from the run.
    let origin = Some(navigation.screen.get_untracked());
    if !bulk.hand_over(
        SourceList {
            label,
            users,
            origin,
        },
        None,
    ) {
        return Err("A bulk run is under way: wait for it to finish, then select again.".into());
    }
    navigation.go(license_desk_core::route::Screen::Bulk);
    Ok(())
}
