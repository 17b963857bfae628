//! Signing in with a token the admin brings, or straight into the demo tenant.
//! Also the prompt for a fresh token when Graph answers 401 mid-work.

use crate::components::app::{demo_token, start_demo};
use crate::components::error_panel::ErrorPanel;
use crate::components::token_check::{refusal, TokenCheck};
use crate::session::{use_session, Connection};
use leptos::prelude::*;
use license_desk_core::request::{ApiVersion, Cloud, GraphEndpoint};

/// True when the page itself is served from loopback (development).
fn on_loopback() -> bool {
    web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost")
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let token = RwSignal::new(String::new());
    let cloud = RwSignal::new(Cloud::Global.key().to_string());
    let version = RwSignal::new("v1.0".to_string());
    let graph = RwSignal::new(crate::browser::query_param("graph").unwrap_or_default());
    let problem = RwSignal::new(None::<String>);

    let endpoint = move || -> Result<GraphEndpoint, String> {
        let version = ApiVersion::parse(&version.get()).unwrap_or(ApiVersion::V1);
        let custom = graph.get();
        if !custom.trim().is_empty() {
            let endpoint = GraphEndpoint::parse(&custom, version).map_err(|e| e.to_string())?;
            if !endpoint.is_loopback() {
                return Err(format!("The Graph endpoint field accepts loopback addresses only (http://127.0.0.1:PORT or http://localhost:PORT); use the cloud selector for {custom}."));
            }
            return Ok(endpoint);
        }
        let cloud = Cloud::from_key(&cloud.get()).unwrap_or(Cloud::Global);
        Ok(GraphEndpoint::for_cloud(cloud, version))
    };

    let sign_in = move || {
        let text = license_desk_core::token::bare(&token.get()).to_string();
        if text.is_empty() {
            problem.set(Some("Paste an access token first.".into()));
            return;
        }
        match endpoint() {
            Ok(endpoint) => {
                let chosen = Cloud::from_key(&cloud.get()).unwrap_or(Cloud::Global);
                if let Some(why) = refusal(&token.get(), chosen) {
                    problem.set(Some(why));
                    return;
                }
                problem.set(None);
                session.connection.set(Some(Connection {
                    endpoint,
                    demo: false,
                }));
                session.token.set(Some(text));
                token.set(String::new());
            }
            Err(message) => problem.set(Some(message)),
        }
    };

    view! {
        <section class="sign-in card" aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">"Sign in with an access token"</h2>
            <p class="hint">"License Desk calls Microsoft Graph from this browser tab with the token you paste. The token stays in memory: it is never stored, logged or put in the address bar."</p>
            <form on:submit=move |ev| { ev.prevent_default(); sign_in(); }>
                <div class="field">
                    <label for="access-token">"Access token"</label>
                    <input id="access-token" type="password" autocomplete="off" spellcheck="false"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev)) />
                    <p class="hint">"Get one with " <code>"az account get-access-token --resource-type ms-graph"</code> " or from Graph Explorer's “Access token” tab."</p>
                    <TokenCheck pasted=token cloud=Signal::derive(move || Cloud::from_key(&cloud.get()).unwrap_or(Cloud::Global))/>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="cloud">"Cloud"</label>
                        <select id="cloud" on:change=move |ev| cloud.set(event_target_value(&ev))>
                            {Cloud::ALL.into_iter().map(|c| view! {
                                <option value=c.key() selected=move || cloud.get() == c.key()>{c.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="api-version">"API version"</label>
                        <select id="api-version" on:change=move |ev| version.set(event_target_value(&ev))>
                            <option value="v1.0">"v1.0"</option>
                            <option value="beta">"beta"</option>
                        </select>
                    </div>
                </div>
                <Show when=move || on_loopback() || !graph.get().is_empty()>
                    <div class="field">
                        <label for="graph-endpoint">"Graph endpoint (development, loopback only)"</label>
                        <input id="graph-endpoint" type="url" placeholder="http://127.0.0.1:8787"
                            prop:value=move || graph.get()
                            on:input=move |ev| graph.set(event_target_value(&ev)) />
                    </div>
                </Show>
                {move || problem.get().map(|p| view! { <p class="inline-error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="submit" class="primary">"Sign in"</button>
                    <button type="button" class="secondary" on:click=move |_| start_demo(session)>"Use demo tenant"</button>
                </div>
            </form>
        </section>
    }
}

/// Shown over the workspace after a 401: a fresh token continues where the admin was.
#[component]
pub fn TokenRefresh() -> impl IntoView {
    let session = use_session();
    let token = RwSignal::new(String::new());
    let submit = move || {
        let text = license_desk_core::token::bare(&token.get()).to_string();
        if !text.is_empty() {
            session.token.set(Some(text));
            session.needs_token.set(None);
            token.set(String::new());
        }
    };
    view! {
        <section class="card refresh" aria-labelledby="refresh-title">
            <h2 id="refresh-title">"Your token needs renewing"</h2>
            {move || session.needs_token.get().map(|error| view! { <ErrorPanel error=error context="The last request"/> })}
            <p>"Everything on screen, including your pending changes, is kept. Paste a fresh token to continue."</p>
            <form on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <div class="field">
                    <label for="fresh-token">"Fresh access token"</label>
                    <input id="fresh-token" type="password" autocomplete="off"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev)) />
                </div>
                <div class="actions">
                    <button type="submit" class="primary">"Continue"</button>
                    <Show when=move || session.is_demo()>
                        <button type="button" class="secondary" on:click=move |_| {
                            session.token.set(Some(demo_token()));
                            session.needs_token.set(None);
                        }>"Renew demo token"</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
