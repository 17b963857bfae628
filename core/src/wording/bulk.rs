//! What the core says about bulk changes: dry runs, seats, prerequisites, pasted lists.

use crate::graph::ids::SkuId;
use crate::licensing::catalog::Catalog;

/// The note on a dry run's planned item.
pub const DRY_RUN_PLANNED: &str =
    "Dry run: this is the request that would be sent. Nothing was sent.";

/// A write not sent because the SKU it adds has no free seat left.
pub fn seats_ran_out(sku: &SkuId, catalog: &Catalog) -> String {
    format!(
        "No free seats of {} were left, so the run stopped adding it. Nothing was sent for \
         this user; free or buy seats, then retry.",
        catalog.sku_name(sku)
    )
}

/// An item whose prerequisite did not end done or no-op.
pub fn prerequisite_not_met(status_label: &str, note: Option<&str>) -> String {
    let why = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| format!(" {n}"))
        .unwrap_or_default();
    format!(
        "The step that had to come first (such as setting the usage location) ended \
         {status_label}, so this change was not attempted.{why}"
    )
}

/// An item whose prerequisite is not an earlier item of the run.
pub const PREREQUISITE_INVALID: &str =
    "The step this change waits for is not an earlier item of the run.";

/// A pasted line that is not an identifier.
pub const NOT_AN_IDENTIFIER: &str = "not a UPN, email or object id";

/// A line whose quotes don't close.
pub const UNCLOSED_QUOTE: &str = "unclosed quote";

/// A CSV row without a value in the chosen column.
pub fn column_empty(column: &str) -> String {
    format!("the {column} column is empty")
}

/// The name of a user in previews and reports: what the admin typed, and who it is.
pub fn user_label(typed: &str, display_name: Option<&str>, upn: Option<&str>) -> String {
    let display = display_name.map(str::trim).filter(|d| !d.is_empty());
    let upn = upn
        .map(str::trim)
        .filter(|u| !u.is_empty() && !u.eq_ignore_ascii_case(typed.trim()));
    match (display, upn) {
        (Some(display), Some(upn)) => format!("{typed} ({display}, {upn})"),
        (Some(display), None) => format!("{typed} ({display})"),
        (None, Some(upn)) => format!("{typed} ({upn})"),
        (None, None) => typed.to_string(),
    }
}

/// A count with thousands separators: 4812 → "4,812".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 user", "4,812 users".
pub fn users(n: usize) -> String {
    if n == 1 {
        "1 user".into()
    } else {
        format!("{} users", count(n))
    }
}

pub const REPROCESS: &str = "Reprocess licenses";
pub const REPROCESSED_NO_VISIBLE_CHANGE: &str = "Reprocessed; no visible change";
pub const REPROCESSED_CHANGED: &str = "Reprocessed; license states changed";
pub const REPROCESSED_UNCHANGED: &str = "Reprocessed; licenses as before";
pub const NO_CHANGE_NEEDED: &str = "No change needed";
pub const NOTHING_CHANGED: &str = "No license change";
pub const NOT_FOUND: &str = "User not found";
pub const CANCELLED: &str = "Cancelled before anything was sent";
pub const OUTCOME_UNKNOWN: &str = "Outcome unknown";
pub const STILL_RUNNING: &str = "Not finished";

pub fn usage_location_set(code: &str) -> String {
    format!("Usage location set to {code}")
}

pub fn plan_switched(plan: &str, sku: &str, enabled: bool) -> String {
    format!("{plan} {} in {sku}", if enabled { "on" } else { "off" })
}

pub fn added(sku: &str) -> String {
    format!("Added {sku}")
}

pub fn removed(sku: &str) -> String {
    format!("Removed {sku}")
}

pub fn replaced(from: &str, to: &str) -> String {
    format!("{from} → {to}")
}

pub fn not_sent(reason: &str) -> String {
    format!("Not sent: {reason}")
}

pub fn failed(code: &str) -> String {
    format!("Failed: {code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(4_812), "4,812");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(users(1), "1 user");
        assert_eq!(users(12_000), "12,000 users");
    }

    #[test]
    fn users_are_named_as_typed_then_who_they_are() {
        assert_eq!(
            user_label(
                "adele@contoso.com",
                Some("Adele Vance"),
                Some("Adele@Contoso.com")
            ),
            "adele@contoso.com (Adele Vance)"
        );
        assert_eq!(
            user_label("1f0c…", Some("Adele Vance"), Some("adele@contoso.com")),
            "1f0c… (Adele Vance, adele@contoso.com)"
        );
        assert_eq!(user_label("x@y.z", None, None), "x@y.z");
    }
}
