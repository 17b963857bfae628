//! The workspace module: every screen of License Desk. The first page's small module
//! (`src/bin/sign_in.rs`) loads it and calls [`open_workspace`] with the admin's choice.

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    console_error_panic_hook::set_once();
}

/// Mounts the workspace, signed in as the first page's form chose (or, with nothing
/// chosen, as the address bar says: `?demo`, `#access_token=`).
#[wasm_bindgen]
pub fn open_workspace(
    token: Option<String>,
    origin: Option<String>,
    version: Option<String>,
    demo: bool,
) {
    let handed_over = license_desk::workspace_loader::handed_over(token, origin, version, demo);
    leptos::mount::mount_to_body(move || view! { <license_desk::App handed_over=handed_over/> });
}
