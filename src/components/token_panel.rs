//! Who the token signs in as, for which tenant and cloud, with which permissions, and
//! how long it lasts. Decoded locally without verification; Graph verifies.
//!
//! Once signed in it folds to one line (who, how many actions the token allows, when it
//! expires), so the screens come first; it opens by itself while something needs the
//! admin's eye: an action the token doesn't allow, an expired token, or a token that
//! can't be read. The admin may open or fold it at any time.

use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;
use license_desk_core::wording::token::{summary, time_left};

#[component]
pub fn TokenPanel() -> impl IntoView {
    let session = use_session();
    let claims = session.claims;
    let cloud = move || {
        session
            .connection
            .with(|c| c.as_ref().and_then(|c| c.endpoint.cloud()))
    };
    let allowed = move || {
        claims.with(|c| {
            Action::ALL
                .into_iter()
                .filter(|action| action.permitted_by(c.as_ref()).is_ok())
                .count()
        })
    };
    // Open by itself while something needs attention; the admin's own choice wins.
    let needs_eye = move || {
        claims.with(|c| match c {
            None => true,
            Some(c) => c.is_expired(session.now.get()) || allowed() < Action::ALL.len(),
        })
    };
    let chosen = RwSignal::new(None::<bool>);
    let open = move || chosen.get().unwrap_or_else(needs_eye);
    let line = move || {
        claims.with(|c| {
            c.as_ref().map(|c| {
                summary(
                    allowed(),
                    Action::ALL.len(),
                    c.seconds_left(session.now.get()),
                )
            })
        })
    };
    view! {
        <section class="card token-panel" aria-labelledby="token-title">
            <details prop:open=open on:toggle=move |ev| {
                let now_open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                if now_open != open() {
                    chosen.set(Some(now_open));
                }
            }>
            <summary>
                <h2 id="token-title">"Signed in"</h2>
                {move || claims.with(|c| c.as_ref().and_then(|c| c.identity().map(str::to_string))).map(|who| view! {
                    <span class="token-identity">{who}</span>
                })}
                {move || line().map(|line| view! { <span class="token-line">{line}</span> })}
            </summary>
            {move || match claims.get() {
                None => view! {
                    <p class="warning-text" role="status">"This token is not a JWT, so License Desk can't show who it belongs to or what it allows. Graph will still decide."</p>
                }.into_any(),
                Some(c) => {
                    let now = session.now.get();
                    let left = c.seconds_left(now);
                    let audience_ok = cloud().is_none_or(|cloud| c.audience_matches(cloud));
                    let roles = c.role_names();
                    view! {
                        <dl class="facts">
                            <dt>"Identity"</dt><dd>{c.identity().unwrap_or("unknown").to_string()}</dd>
                            <dt>"Tenant"</dt><dd><code>{c.tid.clone().unwrap_or_else(|| "unknown".into())}</code></dd>
                            <dt>"Audience"</dt><dd>{c.aud.clone().unwrap_or_else(|| "none".into())}</dd>
                            <dt>{if c.is_app_only() { "App roles" } else { "Scopes" }}</dt>
                            <dd class="scopes">{c.scopes().join(" ")}</dd>
                            <dt>"Directory roles"</dt>
                            <dd>{if roles.is_empty() { "none that matter for licensing".to_string() } else { roles.join(", ") }}</dd>
                            <dt>"Expires"</dt>
                            <dd data-testid="expiry">{left.map(time_left).unwrap_or_else(|| "no expiry claim".into())}</dd>
                        </dl>
                        {(!audience_ok).then(|| view! { <p class="warning-text" role="status">"Warning: this token's audience is not Microsoft Graph for the chosen cloud; Graph will reject it."</p> })}
                        {c.reads_basic_profiles_only().then(|| view! { <p class="warning-text" role="status">"Warning: User.ReadBasic.All reads basic profiles only; Graph returns no licenses, assignment states or usage location with it. Use User.Read.All or higher."</p> })}
                        {c.is_expired(now).then(|| view! { <p class="warning-text" role="status">"Warning: this token has expired. Paste a fresh one when asked; nothing on screen is lost."</p> })}
                    }.into_any()
                }
            }}
            <h3>"What this token allows"</h3>
            <p class="hint">"A prediction from the token's scopes. Graph decides: if a scope list here misses your token, use “Try anyway”."</p>
            <ul class="permissions">
                {Action::ALL.into_iter().map(|action| view! {
                    <li>
                        {move || match action.permitted_by(claims.get().as_ref()) {
                            Ok(()) => match claims.get().and_then(|c| action.granted_by(&c)) {
                                Some(grant) => format!("✓ {} — {}", action.label(), grant.describe()),
                                None => format!("✓ {} — allowed (Graph decides)", action.label()),
                            }.into_any(),
                            Err(why) if session.try_anyway.with(|t| t.contains(&action)) => format!(
                                "✗ {} — not predicted by the token ({why}); trying anyway, Graph decides",
                                action.label()
                            ).into_any(),
                            Err(why) => view! {
                                {format!("✗ {} — not allowed: {why} ", action.label())}
                                <button class="link" aria-label=format!("Try anyway: {}", action.label())
                                    on:click=move |_| session.try_anyway.update(|t| t.push(action))>"Try anyway"</button>
                            }.into_any(),
                        }}
                    </li>
                }).collect_view()}
            </ul>
            </details>
        </section>
    }
}
