//! "Show more" under a paged user list: reads the next page while one remains.

use crate::state::user_lists::UserList;
use leptos::prelude::*;

#[component]
pub fn ShowMore(list: UserList, on_more: Callback<()>) -> impl IntoView {
    let busy = move || list.reading.with(Option::is_some);
    move || {
        (!list.is_complete() && list.pages.with(Option::is_some)).then(|| {
            view! {
                <p class="show-more">
                    <button class="secondary" disabled=busy on:click=move |_| on_more.run(())>"Show more"</button>
                </p>
            }
        })
    }
}
