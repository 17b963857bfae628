//! What the sign-in screen says about the pasted token as the admin pastes it: why it
//! can't work (signing in is refused) or what Graph will do with it (signing in goes
//! ahead). The judgement is the core's [`token_check::assess`].

use leptos::prelude::*;
use license_desk_core::auth::token_check::{self, Severity};
use license_desk_core::graph::request::Cloud;

/// The first reason the pasted token can't be used, in the admin's words, if any.
pub fn refusal(pasted: &str, cloud: Cloud) -> Option<String> {
    token_check::assess(pasted, cloud, crate::browser::now_seconds())
        .blocking()
        .map(|finding| format!("{} {}", finding.headline(), finding.what_to_do()))
}

#[component]
pub fn TokenCheck(
    /// The text in the token field.
    #[prop(into)]
    pasted: Signal<String>,
    /// The cloud chosen for signing in.
    #[prop(into)]
    cloud: Signal<Cloud>,
) -> impl IntoView {
    let assessment = move || {
        let text = pasted.get();
        (!text.trim().is_empty())
            .then(|| token_check::assess(&text, cloud.get(), crate::browser::now_seconds()))
    };
    view! {
        <div class="token-check" role="status" aria-live="polite" aria-label="Token check">
            {move || assessment().map(|assessment| {
                if assessment.findings.is_empty() {
                    let who = assessment.claims.as_ref().and_then(|c| c.identity().map(str::to_string));
                    return view! {
                        <p class="hint">{format!("✓ A Microsoft Graph token{}.", who.map(|w| format!(" for {w}")).unwrap_or_default())}</p>
                    }.into_any();
                }
                assessment.findings.iter().map(|finding| {
                    let class = match finding.severity() {
                        Severity::Blocking => "inline-error",
                        Severity::Warning => "warning-text",
                    };
                    view! {
                        <p class=class><strong>{finding.headline()}</strong>" "{finding.what_to_do()}</p>
                    }
                }).collect_view().into_any()
            })}
        </div>
    }
}
