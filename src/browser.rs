//! Small wrappers over browser APIs: time, the address bar, downloads, the clipboard and
//! the browser's local storage.

use wasm_bindgen::JsCast;

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Current time as `HH:MM:SS` (UTC) for the activity log.
pub fn clock() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        date.get_utc_hours(),
        date.get_utc_minutes(),
        date.get_utc_seconds()
    )
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// The site's files that are loaded only when needed (the workspace and demo modules, the
/// names table), as absolute URLs. The release build renames them by content hash and
/// lists them, space-separated, in `<meta name="{meta}" content="…">`
/// (scripts/postbuild.mjs); a debug build has no such tag and keeps Trunk's `plain` names.
pub fn site_files<const N: usize>(meta: &str, plain: [&str; N]) -> [String; N] {
    let document = window().document();
    let listed = document
        .as_ref()
        .and_then(|d| {
            d.query_selector(&format!(r#"meta[name="{meta}"]"#))
                .ok()
                .flatten()
        })
        .and_then(|tag| tag.get_attribute("content"));
    let names: Vec<&str> = listed
        .as_deref()
        .map_or_else(Vec::new, |c| c.split_whitespace().collect());
    let base = document
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    std::array::from_fn(|index| {
        let name = if names.len() == N {
            names[index]
        } else {
            plain[index]
        };
        web_sys::Url::new_with_base(name, &base)
            .map(|url| url.href())
            .unwrap_or_else(|_| name.to_string())
    })
}

/// A query parameter of the current URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    if params.has(name) {
        Some(params.get(name).unwrap_or_default())
    } else {
        None
    }
}

/// The token in `#access_token=…`, left where it is.
fn fragment_token() -> Option<String> {
    let hash = window().location().hash().ok()?;
    let fragment = hash.strip_prefix('#')?;
    let params = web_sys::UrlSearchParams::new_with_str(fragment).ok()?;
    params.get("access_token")
}

/// True when the address bar passes a token in `#access_token=…`.
pub fn has_fragment_token() -> bool {
    fragment_token().is_some_and(|token| !token.is_empty())
}

/// Reads `#access_token=…` and removes it from the address bar and history at once.
pub fn take_fragment_token() -> Option<String> {
    let location = window().location();
    let token = fragment_token()?;
    let clean = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = window()
        .history()
        .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean)));
    (!token.is_empty()).then_some(token)
}

/// The current URL's query parameters, decoded, in order.
pub fn query_pairs() -> Vec<(String, String)> {
    let search = window().location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let text: String = params.to_string().into();
    license_desk_core::graph::url::parse_query(&text)
}

/// Sets the address bar's query to the current one with `remove` deleted and `set` set,
/// keeping every other parameter; nothing reloads. The entry carries `generation` (see
/// [`history_generation`]); `replace` rewrites the current entry instead of adding one.
pub fn set_query(remove: &[&str], set: &[(&str, String)], generation: u64, replace: bool) {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    for name in remove {
        params.delete(name);
    }
    for (name, value) in set {
        params.set(name, value);
    }
    let query: String = params.to_string().into();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        }
    );
    let state = wasm_bindgen::JsValue::from_f64(generation as f64);
    let _ = window().history().and_then(|h| {
        if replace {
            h.replace_state_with_url(&state, "", Some(&url))
        } else {
            h.push_state_with_url(&state, "", Some(&url))
        }
    });
}

/// The generation a history entry was made in, from its state (`None` for entries this
/// page did not make).
pub fn history_generation(state: &wasm_bindgen::JsValue) -> Option<u64> {
    state.as_f64().map(|g| g as u64)
}

/// Moves focus to the element with `id` once the view has caught up, but only when the
/// admin's focus is nowhere (the body) or on one of `from`: never away from where they
/// went on their own. A control that just became disabled counts as nowhere. The target needs `tabindex="-1"` unless it is focusable already.
pub fn focus_when_lost(id: &'static str, from: &'static [&'static str]) {
    gloo_timers::callback::Timeout::new(0, move || {
        let Some(document) = window().document() else {
            return;
        };
        let lost = match document.active_element() {
            None => true,
            Some(active) => {
                document.body().is_some_and(|b| *b == active)
                    || active.matches(":disabled").unwrap_or(false)
                    || from.contains(&active.id().as_str())
            }
        };
        if let Some(target) = document
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            if lost {
                let _ = target.focus();
            }
        }
    })
    .forget();
}

/// Scrolls the element with `id` into view and moves focus to it (a table row the admin
/// asked to see). The target needs `tabindex="-1"` unless it is focusable already.
pub fn show_element(id: &str) {
    if let Some(target) = window()
        .document()
        .and_then(|document| document.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        target.scroll_into_view();
        let _ = target.focus();
    }
}

/// The element that holds the screen shown (see `components::app`).
const SCREEN_SELECTOR: &str = "#main .screen";

/// Moves focus to the shown screen's first heading once the view has caught up, but only
/// when the admin's focus is nowhere (the body): the link or button they used belonged to
/// the screen that went. A focus the admin placed elsewhere stays.
pub fn focus_screen_heading() {
    gloo_timers::callback::Timeout::new(0, move || {
        let Some(document) = window().document() else {
            return;
        };
        let lost = match document.active_element() {
            None => true,
            Some(active) => document.body().is_some_and(|b| *b == active),
        };
        if !lost {
            return;
        }
        let heading = document
            .query_selector(&format!("{SCREEN_SELECTOR} h2"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(heading) = heading {
            if !heading.has_attribute("tabindex") {
                let _ = heading.set_attribute("tabindex", "-1");
            }
            let _ = heading.focus();
        }
    })
    .forget();
}

/// Offers `content` as a file download.
pub fn download(file_name: &str, mime: &str, content: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(anchor) = window()
        .document()
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Copies text to the clipboard (best effort; the text is also on screen to select).
pub fn copy(text: &str) {
    let clipboard = window().navigator().clipboard();
    let _ = clipboard.write_text(text);
}

/// The first file chosen in the file input an event came from.
pub fn chosen_file(event: &web_sys::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
}

/// A chosen file's text (empty if the browser can't read it).
pub async fn file_text(file: &web_sys::File) -> String {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

/// This browser's local storage, when the browser allows it (a private window or a
/// policy may not).
fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// What this browser keeps under `key` in its local storage.
pub fn stored(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key` in this browser's local storage; false when the browser
/// refused (storage full or turned off).
pub fn store(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// Forgets what is kept under `key`.
pub fn unstore(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}
