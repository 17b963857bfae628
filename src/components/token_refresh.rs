//! The prompt for a fresh token when Graph answers 401 mid-work: everything on screen
//! stays, and the work continues with the new token.

use crate::components::error_panel::ErrorPanel;
use crate::components::token_field::TokenField;
use crate::state::workspace::use_workspace;
use crate::transport::demo::demo_token;
use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::access_token::AccessToken;

/// Shown over the workspace after a 401: a fresh token continues where the admin was.
#[component]
pub fn TokenRefresh() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    let token = RwSignal::new(String::new());
    let submit = move || {
        if let Some(fresh) = AccessToken::from_pasted(&token.get()) {
            workspace.renew(session, fresh);
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
                    <TokenField id="fresh-token" label="Fresh access token" value=token/>
                </div>
                <div class="actions">
                    <button type="submit" class="primary">"Continue"</button>
                    <Show when=move || session.is_demo()>
                        <button type="button" class="secondary" on:click=move |_| workspace.renew(session, demo_token())>"Renew demo token"</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
