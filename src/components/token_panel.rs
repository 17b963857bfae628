//! Who the token signs in as, for which tenant and cloud, with which permissions, and
//! how long it lasts. Decoded locally without verification; Graph verifies.

use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;

fn countdown(seconds: i64) -> String {
    if seconds <= 0 {
        return "expired".into();
    }
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min {s:02} s")
    }
}

#[component]
pub fn TokenPanel() -> impl IntoView {
    let session = use_session();
    let claims = session.claims;
    let cloud = move || {
        session
            .connection
            .with(|c| c.as_ref().and_then(|c| c.endpoint.cloud()))
    };
    view! {
        <section class="card token-panel" aria-labelledby="token-title">
            <h2 id="token-title">"Signed in"</h2>
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
                            <dd data-testid="expiry">{left.map(countdown).unwrap_or_else(|| "no expiry claim".into())}</dd>
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
        </section>
    }
}
