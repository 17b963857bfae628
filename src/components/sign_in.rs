//! Signing in with a token the admin brings, or straight into the demo tenant.
//!
//! The form only judges what was typed and says what the admin chose; whoever shows it
//! acts on the choice. The first page shows it before the workspace is even loaded (see
//! [`crate::sign_in_page`]), and the workspace shows it again after signing out, so it
//! depends on nothing of the workspace.

use crate::components::token_check::{refusal, TokenCheck};
use crate::components::token_field::TokenField;
use leptos::prelude::*;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::request::{ApiVersion, Cloud, GraphEndpoint};

/// What the admin chose on the sign-in form.
#[derive(Clone, Debug)]
pub enum SignInChoice {
    /// Sign in to `endpoint` with a token that passed the checks.
    Token {
        endpoint: GraphEndpoint,
        token: AccessToken,
    },
    /// Open the demo tenant.
    Demo,
}

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
pub fn SignIn(
    /// Called with the admin's choice once it passes the checks.
    #[prop(into)]
    on_choice: Callback<SignInChoice>,
) -> impl IntoView {
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
                on_choice.run(SignInChoice::Token {
                    endpoint,
                    token: pasted,
                });
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
                    <TokenField id="access-token" label="Access token" value=token/>
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
                    <button type="button" class="secondary" on:click=move |_| on_choice.run(SignInChoice::Demo)>"Use demo tenant"</button>
                </div>
            </form>
        </section>
    }
}
