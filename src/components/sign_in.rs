//! Signing in with a token the admin brings, or straight into the demo tenant.
//! Also the prompt for a fresh token when Graph answers 401 mid-work.

use crate::components::error_panel::ErrorPanel;
use crate::components::token_check::{refusal, TokenCheck};
use crate::session::{demo_token, use_session, Connection};
use crate::workspace::use_workspace;
use leptos::prelude::*;
use license_desk_core::access_token::AccessToken;
use license_desk_core::request::{ApiVersion, Cloud, GraphEndpoint};

/// True when the page itself is served from loopback (development).
fn on_loopback() -> bool {
    web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost")
}

/// True when this page may call a Graph on loopback: its own policy lets loopback in
/// (the development page), or it carries no policy and is served from loopback (`trunk
/// serve`). The release page's policy allows Microsoft's Graph hosts only, so it offers
/// no field for an endpoint it could never reach.
fn loopback_allowed() -> bool {
    let policy = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(r#"meta[http-equiv="Content-Security-Policy"]"#)
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"));
    match policy {
        Some(policy) => policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("connect-src"))
            .is_some_and(|d| d.contains("127.0.0.1") || d.contains("localhost")),
        None => on_loopback(),
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    let token = RwSignal::new(String::new());
    let cloud = RwSignal::new(Cloud::Global);
    let version = RwSignal::new(ApiVersion::V1);
    let graph = RwSignal::new(crate::browser::query_param("graph").unwrap_or_default());
    let problem = RwSignal::new(None::<String>);

    let endpoint = move || -> Result<GraphEndpoint, String> {
        let version = version.get();
        let custom = graph.get();
        if !custom.trim().is_empty() {
            let endpoint = GraphEndpoint::parse(&custom, version).map_err(|e| e.to_string())?;
            if !endpoint.is_loopback() {
                return Err(format!("The Graph endpoint field accepts loopback addresses only (http://127.0.0.1:PORT or http://localhost:PORT); use the cloud selector for {custom}."));
            }
            return Ok(endpoint);
        }
        Ok(GraphEndpoint::for_cloud(cloud.get(), version))
    };

    let sign_in = move || {
        let Some(pasted) = AccessToken::from_pasted(&token.get()) else {
            problem.set(Some("Paste an access token first.".into()));
            return;
        };
        match endpoint() {
            Ok(endpoint) => {
                let chosen = cloud.get();
                if let Some(why) = refusal(&token.get(), chosen) {
                    problem.set(Some(why));
                    return;
                }
                problem.set(None);
                session.sign_in(
                    workspace,
                    Connection {
                        endpoint,
                        demo: false,
                    },
                    pasted,
                );
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
                    <TokenCheck pasted=token cloud=Signal::derive(move || cloud.get())/>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="cloud">"Cloud"</label>
                        <select id="cloud" on:change=move |ev| cloud.set(Cloud::from_key(&event_target_value(&ev)).unwrap_or(Cloud::Global))>
                            {Cloud::ALL.into_iter().map(|c| view! {
                                <option value=c.key() selected=move || cloud.get() == c>{c.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="api-version">"API version"</label>
                        <select id="api-version" on:change=move |ev| version.set(ApiVersion::parse(&event_target_value(&ev)).unwrap_or(ApiVersion::V1))>
                            <option value="v1.0">"v1.0"</option>
                            <option value="beta">"beta"</option>
                        </select>
                    </div>
                </div>
                <Show when=loopback_allowed>
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
                    <button type="button" class="secondary" on:click=move |_| session.start_demo(workspace)>"Use demo tenant"</button>
                </div>
            </form>
        </section>
    }
}

/// Shown over the workspace after a 401: a fresh token continues where the admin was.
#[component]
pub fn TokenRefresh() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    let token = RwSignal::new(String::new());
    let submit = move || {
        if let Some(fresh) = AccessToken::from_pasted(&token.get()) {
            session.renew(workspace, fresh);
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
                        <button type="button" class="secondary" on:click=move |_| session.renew(workspace, demo_token())>"Renew demo token"</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
