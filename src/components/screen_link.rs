//! A link to another screen (a group's page, a member's licenses): a real link with the
//! screen's own address, so it opens in a new tab; a plain click changes the screen
//! without reloading.

use crate::components::screen_nav::href;
use crate::router::use_navigation;
use leptos::prelude::*;
use license_desk_core::route::Screen;

#[component]
pub fn ScreenLink(
    screen: Screen,
    #[prop(into)] label: String,
    #[prop(into, optional)] class: String,
) -> impl IntoView {
    let navigation = use_navigation();
    let address = href(&screen);
    view! {
        <a class=class href=address
            on:click=move |ev: leptos::ev::MouseEvent| {
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                navigation.go(screen.clone());
            }>{label}</a>
    }
}
