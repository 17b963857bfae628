//! "Find user": search by display name, UPN or mail as the admin types, with paging.
//! Next-page links are followed only within the chosen endpoint and never twice.

use crate::components::error_panel::ErrorPanel;
use crate::state::navigation::use_navigation;
use crate::transport::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::model::User;
use license_desk_core::graph::paging::Paging;
use license_desk_core::graph::request::{self, GraphRequest};
use license_desk_core::route::Screen;

const DEBOUNCE_MS: u32 = 300;

#[component]
pub fn FindUser() -> impl IntoView {
    let session = use_session();
    let navigation = use_navigation();
    let text = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::<User>::new());
    let next = RwSignal::new(None::<GraphRequest>);
    let paging = StoredValue::new(None::<Paging>);
    // What failed ("Searching users", "Loading more users") and why.
    let error = RwSignal::new(None::<(&'static str, GraphError)>);
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
            paging.set_value(None);
            error.set(None);
            searching.set(false);
        }
        epoch
    });

    let search = move |query: String, page: Option<GraphRequest>| {
        let this = generation.get_value();
        let more = page.is_some();
        let context = if more {
            "Loading more users"
        } else {
            "Searching users"
        };
        let request = match page {
            Some(page) => page,
            None => {
                let first = request::find_users(&query, 10);
                let endpoint = session.connection.get_untracked().map(|c| c.endpoint);
                paging.set_value(endpoint.map(|e| Paging::start(e, &first)));
                first
            }
        };
        next.set(None);
        searching.set(true);
        spawn_local(async move {
            let result = crate::runs::reads::users_page(session, request).await;
            if generation.get_value() != this {
                return; // A newer search started while this one ran.
            }
            searching.set(false);
            match result {
                Ok((found, request_id)) => {
                    error.set(None);
                    let link = found.next_link.clone();
                    if more {
                        results.update(|r| r.extend(found.value));
                    } else {
                        results.set(found.value);
                    }
                    let followed = paging
                        .try_update_value(|p| {
                            p.as_mut()
                                .map(|p| p.follow(link.as_deref(), request_id.as_deref()))
                        })
                        .flatten();
                    match followed {
                        Some(Ok(page)) => next.set(page),
                        Some(Err(e)) => error.set(Some(("Loading more users", e))),
                        None => error.set(Some((context, GraphError::not_signed_in()))),
                    }
                }
                Err(e) => error.set(Some((context, e))),
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
        navigation.go(Screen::User(user.id.clone()));
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
            {move || error.get().map(|(context, e)| view! { <ErrorPanel error=e context=context/> })}
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
