//! The admin's prices and exclusions, kept in this browser per tenant (keyed by the
//! tenant's id), so they are there at the next sign-in. They are not secret; nothing
//! here is ever stored with, or next to, a token.
//!
//! Until the admin edits a price, nothing is stored and the list prices of the day apply;
//! from the first edit on, the tenant's whole table is theirs.

use license_desk_core::lists::reclaim::exclusions::Exclusions;
use license_desk_core::lists::reclaim::PriceTable;

fn key(kind: &str, tenant: &str) -> String {
    format!("license-desk.reclaim.{kind}.{tenant}")
}

/// Today in UTC, `YYYY-MM-DD`: which list prices are in force.
pub fn today() -> String {
    license_desk_core::bulk::iso_utc(crate::browser::now_ms())[..10].to_string()
}

/// The list prices License Desk ships, as they stand today.
pub fn list_prices() -> PriceTable {
    PriceTable::list_prices(&today())
}

/// The tenant's own prices, if the admin edited them in this browser.
pub fn edited_prices(tenant: &str) -> Option<PriceTable> {
    serde_json::from_str(&crate::browser::stored(&key("prices", tenant))?).ok()
}

/// Keeps the tenant's prices; false when the browser refused.
pub fn save_prices(tenant: &str, prices: &PriceTable) -> bool {
    serde_json::to_string(prices)
        .is_ok_and(|text| crate::browser::store(&key("prices", tenant), &text))
}

/// Back to the list prices.
pub fn forget_prices(tenant: &str) {
    crate::browser::unstore(&key("prices", tenant));
}

/// The tenant's exclusions (none when nothing, or nothing readable, is kept).
pub fn exclusions(tenant: &str) -> Exclusions {
    crate::browser::stored(&key("exclusions", tenant))
        .and_then(|text| Exclusions::from_json(&text).ok())
        .unwrap_or_default()
}

/// Keeps the tenant's exclusions, as the same versioned file they export to; false when
/// the browser refused.
pub fn save_exclusions(tenant: &str, exclusions: &Exclusions) -> bool {
    crate::browser::store(&key("exclusions", tenant), &exclusions.to_json())
}
