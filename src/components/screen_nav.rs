//! The links between screens: "Licenses in this tenant", "Bulk changes", "Groups",
//! "Unlicensed users" and "Reclaim licenses". Each is a
//! real link with its own address, so it can be opened in a new tab or bookmarked; a
//! plain click changes the screen without reloading.

use crate::state::navigation::Navigation;
use leptos::prelude::*;
use license_desk_core::route::Screen;

/// The address of `screen`, keeping the parameters that aren't about screens.
pub fn href(screen: &Screen) -> String {
    let mut pairs: Vec<(String, String)> = crate::browser::query_pairs()
        .into_iter()
        .filter(|(key, _)| !license_desk_core::route::SCREEN_PARAMETERS.contains(&key.as_str()))
        .collect();
    pairs.extend(
        screen
            .to_query()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
    );
    let query = web_sys::UrlSearchParams::new().ok();
    match query {
        Some(params) => {
            for (key, value) in &pairs {
                params.append(key, value);
            }
            let text: String = params.to_string().into();
            if text.is_empty() {
                "?".into()
            } else {
                format!("?{text}")
            }
        }
        None => "?".into(),
    }
}

#[component]
pub fn ScreenNav() -> impl IntoView {
    let navigation = expect_context::<Navigation>();
    let link = move |screen: Screen, label: &'static str| {
        let target = screen.clone();
        let current = screen.clone();
        view! {
            <a href=move || { navigation.screen.track(); href(&target) }
                aria-current=move || (navigation.screen.with(|s| s == &current)).then_some("page")
                on:click=move |ev: leptos::ev::MouseEvent| {
                    if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                        return;
                    }
                    ev.prevent_default();
                    navigation.go(screen.clone());
                }>{label}</a>
        }
    };
    view! {
        <nav class="screens" aria-label="Screens">
            {link(Screen::Tenant, "Licenses in this tenant")}
            {link(Screen::Bulk, "Bulk changes")}
            {link(Screen::Groups, "Groups")}
            {link(Screen::Unlicensed, "Unlicensed users")}
            {link(Screen::Reclaim, "Reclaim licenses")}
        </nav>
    }
}
