//! A link to another screen inside a view (a group's page, a user's name, "Who has this
//! license"): a real link with the screen's own address, so it opens in a new tab when
//! asked; a plain click changes the screen without reloading.

use crate::components::screen_nav::href;
use crate::state::navigation::use_navigation;
use leptos::prelude::*;
use license_desk_core::route::Screen;

#[component]
pub fn ScreenLink(
    screen: Screen,
    children: Children,
    #[prop(optional, into)] class: String,
    /// An accessible name, when the visible text alone would be ambiguous.
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    let navigation = use_navigation();
    let address = href(&screen);
    view! {
        <a class=class href=address aria-label=label
            on:click=move |ev: leptos::ev::MouseEvent| {
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                navigation.go(screen.clone());
            }>{children()}</a>
    }
}
