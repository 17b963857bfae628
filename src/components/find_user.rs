//! "Find user": search by display name, UPN or mail as the admin types, with paging.

use crate::components::error_panel::ErrorPanel;
use crate::session::use_session;
use crate::workspace::use_workspace;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::error::GraphError;
use license_desk_core::model::User;
use license_desk_core::route::{Screen, UserId};

const DEBOUNCE_MS: u32 = 300;

#[component]
pub fn FindUser() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    let text = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::<User>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<GraphError>);
    let searching = RwSignal::new(false);
    let generation = StoredValue::new(0u64);

    // A new tenant starts with an empty search: no name from the previous one stays.
    Effect::new(move |previous: Option<u64>| {
        let epoch = session.tenant_epoch();
        if previous.is_some_and(|p| p != epoch) {
            generation.update_value(|g| *g += 1);
            text.set(String::new());
            results.set(Vec::new());
            next.set(None);
            error.set(None);
            searching.set(false);
        }
        epoch
    });

    let search = move |query: String, page: Option<String>| {
        let this = generation.get_value();
        searching.set(true);
        spawn_local(async move {
            let result = crate::graph_client::find_users(session, query, page.clone()).await;
            if generation.get_value() != this {
                return; // A newer search started while this one ran.
            }
            searching.set(false);
            match result {
                Ok(found) => {
                    error.set(None);
                    if page.is_some() {
                        results.update(|r| r.extend(found.value));
                    } else {
                        results.set(found.value);
                    }
                    next.set(found.next_link);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let on_input = move |value: String| {
        text.set(value.clone());
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(DEBOUNCE_MS).await;
            if generation.get_value() == this {
                search(value, None);
            }
        });
    };

    let open = move |user: &User| {
        workspace.screen.set(Screen::User(UserId::new(&user.id)));
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
                {move || if searching.get() { "Searching…".to_string() } else { format!("{} listed", crate::format::count(results.with(Vec::len), "user", "users")) }}
            </p>
            {move || error.get().map(|e| view! { <ErrorPanel error=e context="Searching users"/> })}
            <ul class="results" aria-label="Search results">
                {move || results.get().into_iter().map(|user| {
                    let label = user.label().to_string();
                    let upn = user.user_principal_name.clone().unwrap_or_default();
                    let chosen = user.clone();
                    view! {
                        <li>
                            <button class="result" on:click=move |_| open(&chosen)>
                                <span class="result-name"><span class="visually-hidden">"Open "</span>{label.clone()}</span>
                                <span class="part">{upn}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || next.with(Option::is_some)>
                <button class="secondary" on:click=move |_| search(text.get(), next.get())>"More results"</button>
            </Show>
        </section>
    }
}
