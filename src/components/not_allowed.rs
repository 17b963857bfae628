//! Why the token doesn't allow what a screen would do, and the way out: one sentence,
//! the same on every screen ("Reading groups is not allowed by this token: it needs
//! GroupMember.Read.All or Group.Read.All. Use “Try anyway” …"). Nothing is shown when the
//! token allows it or the admin chose to try anyway.

use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::auth::token::Action;

#[component]
pub fn NotAllowed(
    action: Action,
    /// What would be done, as a sentence's subject: "Reading groups".
    doing: &'static str,
    /// The note's id, for controls it describes (`aria-describedby`).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let session = use_session();
    let reason = move || {
        (!session.may_attempt(action))
            .then(|| action.permitted_by(session.claims.get().as_ref()).err())
            .flatten()
    };
    move || {
        reason().map(|why| {
            view! {
                <p id=id class="warning-text" role="note">{format!(
                    "{doing} is not allowed by this token: it {why}. Use “Try anyway” in the token panel if Graph may still allow it."
                )}</p>
            }
        })
    }
}
