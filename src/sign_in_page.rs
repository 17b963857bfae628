//! The first page the admin sees, from the small first module (`src/bin/sign_in.rs`):
//! the sign-in form, and nothing else, so it is interactive as soon as that module
//! runs. Once it is on screen the workspace module is fetched at low priority; the
//! admin's choice opens it (see [`crate::workspace_loader`]).
//!
//! An address that already says what to open (`?demo`, `#access_token=`) skips the form
//! and opens the workspace at once, which then reads the address as it always has.

use crate::components::sign_in::{SignIn, SignInChoice};
use crate::workspace_loader;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::any::Any;
use std::cell::RefCell;

thread_local! {
    /// The mounted first page, dropped (and so removed) once the workspace is open.
    static MOUNTED: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// Shows the first page, or opens the workspace at once when the address asks for it.
pub fn start() {
    let direct =
        crate::browser::query_param("demo").is_some() || crate::browser::has_fragment_token();
    let handle = mount_to(
        leptos::prelude::document().body().expect("a body"),
        move || {
            view! { <SignInPage direct=direct/> }
        },
    );
    MOUNTED.with(|mounted| *mounted.borrow_mut() = Some(Box::new(handle)));
    if !direct {
        request_animation_frame(workspace_loader::warm);
    }
}

#[component]
fn SignInPage(
    /// The address already says what to open: no form unless opening fails.
    direct: bool,
) -> impl IntoView {
    let opening = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let open = move |choice: Option<SignInChoice>| {
        if opening.get_untracked() {
            return;
        }
        opening.set(true);
        failure.set(None);
        spawn_local(async move {
            match workspace_loader::open_workspace(choice).await {
                // The workspace has mounted its own page: this one goes, and with it
                // everything typed into it.
                Ok(()) => MOUNTED.with(|mounted| drop(mounted.borrow_mut().take())),
                Err(why) => {
                    opening.set(false);
                    failure.set(Some(why));
                }
            }
        });
    };
    if direct {
        open(None);
    }
    view! {
        <header class="app-header">
            <h1 class="brand">"License Desk"</h1>
        </header>
        <main id="main">
            <Show when=move || !direct || failure.with(Option::is_some)>
                <SignIn on_choice=move |choice| open(Some(choice))/>
            </Show>
            <Show when=move || opening.get()>
                <p class="notice" role="status">"Opening License Desk…"</p>
            </Show>
            {move || failure.get().map(|why| view! {
                <div class="error-panel" role="alert">
                    <p><strong>"License Desk could not load the rest of the app."</strong></p>
                    <p>{format!("The browser said: {why}. The connection to this site may have dropped, or the site was updated while this page was open.")}</p>
                    <p>"Reload the page and sign in again. Nothing was sent to Microsoft Graph."</p>
                </div>
            })}
        </main>
    }
}
