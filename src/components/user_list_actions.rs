//! The controls above a paged user list: how many are shown, "Export CSV" and "Select
//! for bulk change", with what is being read and why an action did nothing. "Show more"
//! is under the list ([`crate::components::show_more`]).

use crate::components::error_panel::ErrorPanel;
use crate::state::user_lists::UserList;
use leptos::prelude::*;
use license_desk_core::lists::user_list::UserPages;
use license_desk_core::wording::lists::shown_of;

#[component]
pub fn UserListActions(
    list: UserList,
    on_export: Callback<()>,
    on_bulk: Callback<()>,
    /// Why "Select for bulk change" did nothing, if it didn't.
    refused: RwSignal<Option<String>>,
    #[prop(into)] context: String,
) -> impl IntoView {
    let busy = move || list.reading.with(Option::is_some);
    let has_users = move || {
        list.pages
            .with(|p| p.as_ref().is_some_and(|p| !p.users.is_empty()))
    };
    let shown = move || {
        list.pages.with(|p| {
            p.as_ref()
                .map(|p: &UserPages| shown_of(p.users.len(), p.total()))
        })
    };
    view! {
        <div class="list-actions">
            <p class="hint">{shown}</p>
            <button class="secondary" disabled=move || busy() || !has_users() on:click=move |_| on_export.run(())>"Export CSV"</button>
            <button disabled=move || busy() || !has_users() on:click=move |_| on_bulk.run(())>"Select for bulk change"</button>
            {move || list.reading.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || refused.get().map(|text| view! { <p class="warning-text" role="alert">{text}</p> })}
            {move || list.error.get().map(|error| view! { <ErrorPanel error=error context=context.clone()/> })}
        </div>
    }
}
