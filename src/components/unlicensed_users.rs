//! "Unlicensed users": every user with no license at all (an advanced query), read a
//! page at a time, exported as CSV, or handed to the bulk screen to be licensed.

use crate::components::not_allowed::NotAllowed;
use crate::components::screen_link::ScreenLink;
use crate::components::show_more::ShowMore;
use crate::components::user_list_actions::UserListActions;
use crate::state::bulk::BulkState;
use crate::state::navigation::use_navigation;
use crate::state::user_lists::{hand_to_bulk, UserList};
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::graph::model::User;
use license_desk_core::graph::request;
use license_desk_core::lists::user_list::{bulk_names, unlicensed_csv, PAGE_SIZE};
use license_desk_core::route::Screen;
use license_desk_core::wording::lists::unlicensed_heading;

fn no_op(_: &[User]) {}

#[component]
pub fn UnlicensedUsers() -> impl IntoView {
    let session = use_session();
    let navigation = use_navigation();
    let bulk = expect_context::<BulkState>();
    let list = UserList::new(session, no_op);
    let refused = RwSignal::new(None::<String>);
    session.read_when_allowed(Action::ReadUsers, move || {
        if list.pages.with(Option::is_none) {
            list.start(session, request::unlicensed_users(PAGE_SIZE));
        }
    });
    let on_more = Callback::new(move |()| list.show_more());
    let on_export = Callback::new(move |()| {
        list.read_all(|users| {
            crate::browser::download("unlicensed-users.csv", "text/csv", &unlicensed_csv(&users));
        })
    });
    let on_bulk = Callback::new(move |()| {
        list.read_all(move |users| {
            refused.set(
                hand_to_bulk(
                    bulk,
                    navigation,
                    "Unlicensed users".into(),
                    bulk_names(&users),
                )
                .err(),
            );
        })
    });
    let users = move || {
        list.pages
            .with(|p| p.as_ref().map(|p| p.users.clone()).unwrap_or_default())
    };

    view! {
        <section class="card" aria-labelledby="unlicensed-title">
            <h2 id="unlicensed-title">"Unlicensed users"</h2>
            <p class="hint">"Users who hold no license at all, directly or through a group."</p>
            <NotAllowed action=Action::ReadUsers doing="Listing users"/>
            {move || list.pages.with(|p| p.as_ref().filter(|p| p.pages_read() > 0).map(|p| (p.total(), p.users.len()))).map(|(total, read)| view! {
                <p class="list-count" role="status" data-testid="unlicensed-count">{unlicensed_heading(total, read)}</p>
            })}
            <UserListActions list=list on_export=on_export on_bulk=on_bulk refused=refused context="Listing unlicensed users"/>
            <Show when=move || list.pages.with(|p| p.as_ref().is_some_and(|p| !p.users.is_empty()))>
                <table class="user-list">
                    <caption class="visually-hidden">"Users without a license"</caption>
                    <thead><tr><th scope="col">"User"</th><th scope="col">"Account"</th><th scope="col">"Usage location"</th></tr></thead>
                    <tbody>
                        <For each=users key=|user| user.id.clone() let:user>{{
                            let account = match user.account_enabled {
                                Some(true) => "Enabled",
                                Some(false) => "Disabled",
                                None => "unknown (Graph did not say)",
                            };
                            let location = user.usage_location.clone().filter(|l| !l.is_empty()).unwrap_or_else(|| "none".into());
                            let name = user.label().to_string();
                            view! {
                                <tr>
                                    <td>
                                        <ScreenLink screen=Screen::User(user.id.clone())>{name}</ScreenLink>
                                        <div class="part">{user.user_principal_name.clone().unwrap_or_default()}</div>
                                    </td>
                                    <td data-label="Account">{account}</td>
                                    <td data-label="Usage location">{location}</td>
                                </tr>
                            }
                        }}</For>
                    </tbody>
                </table>
            </Show>
            <ShowMore list=list on_more=on_more/>
            <p><ScreenLink screen=Screen::Tenant>"← Licenses in this tenant"</ScreenLink></p>
        </section>
    }
}
