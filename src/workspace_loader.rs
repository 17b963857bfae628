//! The page loads in parts so that the sign-in screen comes up fast on a slow
//! connection: a small first module shows the sign-in form, and the workspace (every
//! screen) is a second module fetched while the admin pastes a token. This module is both
//! ends of the hand-over between them. (The demo tenant is a third module, which the
//! workspace loads only for the demo: `crate::transport::demo`; when the admin picks the
//! demo, it is fetched here beside the workspace.)
//!
//! The first module asks [`open_workspace`] to import the workspace module, start it and
//! call its exported `open_workspace` with the admin's choice. The token crosses as a
//! function argument, in memory only, as it would between two functions of one module.
//! The release build names the workspace files by content hash and lists them in
//! `<meta name="license-desk-workspace">` (scripts/postbuild.mjs); a debug build has no
//! such tag and uses Trunk's plain names.

use crate::components::sign_in::SignInChoice;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::request::{ApiVersion, GraphEndpoint};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/workspace_loader.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = openWorkspace)]
    async fn import_and_open(
        js: &str,
        wasm: &str,
        token: Option<String>,
        origin: Option<String>,
        version: Option<String>,
        demo: bool,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = warmModule)]
    fn warm_files(js: &str, wasm: &str, priority: &str);
}

/// The workspace module's two files, as absolute URLs.
struct WorkspaceFiles {
    js: String,
    wasm: String,
}

fn workspace_files() -> WorkspaceFiles {
    let [js, wasm] = crate::browser::site_files(
        "license-desk-workspace",
        ["license-desk.js", "license-desk_bg.wasm"],
    );
    WorkspaceFiles { js, wasm }
}

/// Starts fetching the workspace module at low priority, so that signing in finds it
/// in the HTTP cache.
pub fn warm() {
    let files = workspace_files();
    warm_files(&files.js, &files.wasm, "low");
}

/// Whether the workspace will open the demo tenant: chosen on the form, or asked for by
/// the address (`?demo`, unless a token in the fragment says otherwise, as the workspace
/// reads it).
fn opens_demo(choice: Option<&SignInChoice>) -> bool {
    match choice {
        Some(choice) => matches!(choice, SignInChoice::Demo),
        None => {
            crate::browser::query_param("demo").is_some() && !crate::browser::has_fragment_token()
        }
    }
}

/// Loads and starts the workspace with the admin's choice; with `None` the workspace
/// reads the address bar itself (`?demo`, `#access_token=`). On failure, says why.
pub async fn open_workspace(choice: Option<SignInChoice>) -> Result<(), String> {
    let files = workspace_files();
    if opens_demo(choice.as_ref()) {
        // The demo tenant's module comes after the workspace; fetching both at once
        // saves waiting for one, then the other.
        let [js, wasm] = crate::transport::demo::module_files();
        warm_files(&js, &wasm, "auto");
    }
    let (token, origin, version, demo) = match choice {
        None => (None, None, None, false),
        Some(SignInChoice::Demo) => (None, None, None, true),
        Some(SignInChoice::Token { endpoint, token }) => (
            Some(token.expose().to_string()),
            Some(endpoint.origin().to_string()),
            Some(endpoint.version().as_str().to_string()),
            false,
        ),
    };
    import_and_open(&files.js, &files.wasm, token, origin, version, demo)
        .await
        .map(|_| ())
        .map_err(|error| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| error.as_string())
                .unwrap_or_else(|| "the browser gave no reason".to_string())
        })
}

/// The workspace's end: the choice the first module handed over, checked again (an
/// endpoint outside the allowed Graph clouds and loopback is refused).
pub fn handed_over(
    token: Option<String>,
    origin: Option<String>,
    version: Option<String>,
    demo: bool,
) -> Option<SignInChoice> {
    if demo {
        return Some(SignInChoice::Demo);
    }
    let version = version
        .as_deref()
        .and_then(ApiVersion::parse)
        .unwrap_or(ApiVersion::V1);
    let endpoint = GraphEndpoint::parse(&origin?, version).ok()?;
    let token = AccessToken::from_pasted(&token?)?;
    Some(SignInChoice::Token { endpoint, token })
}
