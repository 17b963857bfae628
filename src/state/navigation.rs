//! Keeps the screen and the address bar in step: opening a user puts `?user=<id>` in the
//! URL (so a reload or a bookmark returns there), and Back and Forward move between
//! screens. The screen lives in the query string, so any static host serves every URL.
//!
//! Every history entry carries the *generation* it was made in. Signing out or into
//! another tenant starts a new generation and rewrites the current entry to the tenant
//! screen; Back to an entry of an older generation lands on the tenant screen too, so no
//! user id of the previous tenant is ever opened again.

use leptos::prelude::*;
use license_desk_core::route::{Screen, SCREEN_PARAMETERS};

/// Which screen is shown. Provided as context by [`crate::state::workspace::Workspace::provide`].
#[derive(Clone, Copy)]
pub struct Navigation {
    /// The screen shown; [`follow_address_bar`] keeps it in step with the address bar.
    pub screen: RwSignal<Screen>,
    generation: StoredValue<u64>,
}

impl Navigation {
    pub fn new() -> Self {
        Navigation {
            screen: RwSignal::new(Screen::Tenant),
            generation: StoredValue::new(0),
        }
    }

    /// Opens `screen`; the address bar gains a history entry for it. When the control
    /// the admin used went away with the old screen, focus moves to the new screen's
    /// heading, so the next Tab starts there and a screen reader announces it.
    pub fn go(&self, screen: Screen) {
        self.screen.set(screen);
        crate::browser::focus_screen_heading();
    }

    /// Back to the tenant screen for a new tenant: older history entries stop counting
    /// and the current one is replaced, not pushed.
    pub fn reset(&self) {
        self.generation.update_value(|g| *g += 1);
        self.screen.set(Screen::Tenant);
        crate::browser::set_query(&SCREEN_PARAMETERS, &[], self.generation.get_value(), true);
    }
}

impl Default for Navigation {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_navigation() -> Navigation {
    expect_context::<Navigation>()
}

/// The screen the address bar names now.
pub fn screen_in_address_bar() -> Screen {
    Screen::from_query(&crate::browser::query_pairs())
}

/// Starts following the address bar: the app starts on the screen the URL names, every
/// change of screen is pushed to history, and Back/Forward change the screen.
pub fn follow_address_bar(navigation: Navigation) {
    let here = screen_in_address_bar();
    crate::browser::set_query(
        &SCREEN_PARAMETERS,
        &here.to_query(),
        navigation.generation.get_value(),
        true,
    );
    navigation.screen.set(here);
    let listener = window_event_listener(leptos::ev::popstate, move |event| {
        let current = navigation.generation.get_value();
        if crate::browser::history_generation(&event.state()) == Some(current) {
            navigation.screen.set(screen_in_address_bar());
        } else {
            // An entry from before a tenant change: its screen belongs to that tenant.
            crate::browser::set_query(&SCREEN_PARAMETERS, &[], current, true);
            navigation.screen.set(Screen::Tenant);
        }
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |_| {
        let screen = navigation.screen.get();
        if screen != screen_in_address_bar() {
            crate::browser::set_query(
                &SCREEN_PARAMETERS,
                &screen.to_query(),
                navigation.generation.get_value(),
                false,
            );
        }
    });
}
