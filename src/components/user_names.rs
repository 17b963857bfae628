//! A list of users by name, the first twenty in full and a count of the rest (the whole
//! list is in the export): for previews that name thousands of users.

use crate::format::number;
use leptos::prelude::*;

/// Users shown in full before the rest are counted.
const SHOWN: usize = 20;

#[component]
pub fn UserNames(
    users: Vec<String>,
    /// The rest are in the exported report, not the exported preview.
    #[prop(optional)]
    in_report: bool,
) -> impl IntoView {
    let more = users.len().saturating_sub(SHOWN);
    let export = if in_report { "report" } else { "preview" };
    view! {
        <ul class="user-list">
            {users.into_iter().take(SHOWN).map(|user| view! { <li>{user}</li> }).collect_view()}
            {(more > 0).then(|| view! { <li class="hint">{format!("and {} more (in the exported {export})", number(more as i64))}</li> })}
        </ul>
    }
}
