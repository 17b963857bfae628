//! "Find user": search by display name, UPN or mail as the admin types (once typing
//! pauses), with "More results". Next-page links are followed only within the chosen
//! endpoint and never twice (the core's `UserPages`).

use crate::components::error_panel::ErrorPanel;
use crate::state::navigation::use_navigation;
use crate::state::user_lists::UserList;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::graph::model::User;
use license_desk_core::graph::request;
use license_desk_core::route::Screen;
use std::time::Duration;

/// How long typing must pause before searching.
const DEBOUNCE: Duration = Duration::from_millis(300);

#[component]
pub fn FindUser() -> impl IntoView {
    let session = use_session();
    let navigation = use_navigation();
    let text = RwSignal::new(String::new());
    let results = UserList::new(session, |_: &[User]| {});
    let pending = StoredValue::new_local(None::<TimeoutHandle>);

    // A new tenant starts with an empty search: no name from the previous one stays.
    Effect::new(move |previous: Option<u64>| {
        let epoch = session.tenant_epoch();
        if previous.is_some_and(|p| p != epoch) {
            text.set(String::new());
            results.clear();
        }
        epoch
    });

    let on_input = move |value: String| {
        text.set(value.clone());
        let search = move || results.start(session, request::find_users(&value, 10));
        let handle = set_timeout_with_handle(search, DEBOUNCE).ok();
        if let Some(earlier) = pending
            .try_update_value(|timer| std::mem::replace(timer, handle))
            .flatten()
        {
            earlier.clear();
        }
    };
    let users = move || {
        results
            .pages
            .with(|p| p.as_ref().map(|p| p.users.clone()).unwrap_or_default())
    };
    let searching = move || results.reading.with(Option::is_some);
    let has_more = move || {
        results.pages.with(|p| {
            p.as_ref()
                .is_some_and(|p| p.pages_read() > 0 && !p.is_complete())
        })
    };
    let error_context = move || {
        let first = results
            .pages
            .with(|p| p.as_ref().is_none_or(|p| p.pages_read() == 0));
        if first {
            "Searching users"
        } else {
            "Loading more users"
        }
    };
    view! {
        <section class="card" aria-labelledby="find-title">
            <h2 id="find-title">"Users"</h2>
            <div class="field">
                <label for="find-user">"Find user"</label>
                <input id="find-user" type="search" autocomplete="off" placeholder="Name, UPN or mail"
                    prop:value=move || text.get()
                    on:input=move |ev| on_input(event_target_value(&ev)) />
            </div>
            <p class="visually-hidden" role="status" aria-live="polite">
                {move || if searching() { "Searching…".to_string() } else { format!("{} listed", crate::format::count(users().len(), "user", "users")) }}
            </p>
            {move || results.error.get().map(|e| view! { <ErrorPanel error=e context=error_context()/> })}
            <ul class="results" aria-label="Search results">
                <For each=users key=|user| user.id.clone() let:user>
                    {
                        let label = user.label().to_string();
                        let upn = user.user_principal_name.clone().unwrap_or_default();
                        let id = user.id.clone();
                        view! {
                            <li>
                                <button class="result" on:click=move |_| navigation.go(Screen::User(id.clone()))>
                                    <span class="result-name"><span class="visually-hidden">"Open "</span>{label}</span>
                                    <span class="part">{upn}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || has_more() && !searching()>
                <button class="secondary" on:click=move |_| results.show_more()>"More results"</button>
            </Show>
        </section>
    }
}
