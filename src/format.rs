//! Numbers, counts and durations as the reader expects them: grouped for the browser's
//! locale ("10,000" or "10 000"), with the right plural, and waits in minutes and seconds.

/// `n` formatted for the reader's locale.
pub fn number(n: i64) -> String {
    js_sys::Number::from(n as f64)
        .to_locale_string(&default_locale())
        .as_string()
        .unwrap_or_else(|| n.to_string())
}

/// "1 request", "2 requests", "10,000 requests".
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        number(n as i64),
        if n == 1 { singular } else { plural }
    )
}

/// "45 s", "2 min 30 s".
pub fn duration(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s:02} s"),
    }
}

fn default_locale() -> String {
    web_sys::window()
        .map(|w| w.navigator().language().unwrap_or_default())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en-US".into())
}

/// A moment (Unix ms) in the reader's locale and time zone.
pub fn date_time(unix_ms: u64) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_ms as f64))
        .to_locale_string(&default_locale(), &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}
