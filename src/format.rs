//! Numbers, counts and durations as the reader expects them: grouped for the browser's
//! locale ("10,000" or "10 000"), with the right plural, and waits in minutes and seconds;
//! money ("$26.00", "26,00 €") and dates ("Feb 15, 2027") too, and the same forms for the
//! core's wording ([`Locale`]).

use license_desk_core::lists::reclaim::Money;
use wasm_bindgen::JsValue;

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

/// Calls `value.method(locale, options)` (`toLocaleString`, `toLocaleDateString`), or
/// `None` when the browser refuses the options: a refusal is a thrown exception, caught
/// here rather than let through the wasm boundary.
fn localised(value: &JsValue, method: &str, options: &[(&str, &str)]) -> Option<String> {
    let object = js_sys::Object::new();
    for (key, option) in options {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(option)).ok()?;
    }
    // From the prototype: `Reflect.get` refuses a bare number, `getPrototypeOf` takes one.
    let prototype = js_sys::Object::get_prototype_of(value);
    let function: js_sys::Function = js_sys::Reflect::get(&prototype, &JsValue::from_str(method))
        .ok()?
        .into();
    let arguments = js_sys::Array::of2(&JsValue::from_str(&default_locale()), &object);
    js_sys::Reflect::apply(&function, value, &arguments)
        .ok()?
        .as_string()
}

/// An amount in its currency for the reader's locale: "$26.00", "US$26.00", "26,00 €".
pub fn money(amount: &Money) -> String {
    let well_formed =
        amount.currency.len() == 3 && amount.currency.bytes().all(|b| b.is_ascii_alphabetic());
    let value = JsValue::from_f64(amount.cents as f64 / 100.0);
    well_formed
        .then(|| {
            localised(
                &value,
                "toLocaleString",
                &[("style", "currency"), ("currency", &amount.currency)],
            )
        })
        .flatten()
        .unwrap_or_else(|| amount.to_string())
}

/// A day (Unix ms, read in UTC as Graph's dates are) for the reader's locale: "Feb 15, 2027".
pub fn date(unix_ms: u64) -> String {
    let day = js_sys::Date::new(&JsValue::from_f64(unix_ms as f64));
    localised(
        &day,
        "toLocaleDateString",
        &[
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("timeZone", "UTC"),
        ],
    )
    .unwrap_or_else(|| license_desk_core::bulk::iso_utc(unix_ms)[..10].to_string())
}

/// The reader's forms, for the core's wording (counts, money, days).
#[derive(Clone, Copy, Debug, Default)]
pub struct Locale;

impl license_desk_core::wording::reclaim::Format for Locale {
    fn count(&self, n: i64) -> String {
        number(n)
    }

    fn money(&self, amount: &Money) -> String {
        money(amount)
    }

    fn date(&self, ms: u64) -> String {
        date(ms)
    }
}
