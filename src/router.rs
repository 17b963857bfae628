//! Keeps the screen and the address bar in step: opening a user puts `?user=<id>` in the
//! URL (so a reload or a bookmark returns there), and Back and Forward move between
//! screens. The screen lives in the query string, so any static host serves every URL.

use crate::workspace::Workspace;
use leptos::prelude::*;
use license_desk_core::route::{Screen, SCREEN_PARAMETERS};

/// The screen the address bar names now.
pub fn screen_in_address_bar() -> Screen {
    Screen::from_query(&crate::browser::query_pairs())
}

/// Starts following the address bar: the workspace starts on the screen the URL names,
/// every change of screen is pushed to history, and Back/Forward change the screen.
pub fn follow_address_bar(workspace: Workspace) {
    workspace.screen.set(screen_in_address_bar());
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        workspace.screen.set(screen_in_address_bar());
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |_| {
        let screen = workspace.screen.get();
        if screen != screen_in_address_bar() {
            crate::browser::push_query(&SCREEN_PARAMETERS, &screen.to_query());
        }
    });
}
