//! The tenant's subscriptions (`GET /directory/subscriptions`) and which of them need the
//! admin's attention soon.
//!
//! `subscribedSkus` tells how many seats are enabled, in warning, suspended or locked
//! out, but not when anything happens. `companySubscription` does: each commercial
//! subscription behind a SKU has a `status` and a `nextLifecycleDateTime`, "the date and
//! time when the subscription will move to the next state … if not renewed". What
//! Microsoft documents (Graph v1.0 "companySubscription resource type" and "List
//! subscriptions", `api-reference/v1.0/resources/companysubscription.md` and
//! `api-reference/v1.0/api/directory-list-subscriptions.md` in microsoft-graph-docs-contrib):
//!
//! - `GET /directory/subscriptions` returns `200 OK` and a collection; it supports the
//!   OData query parameters; all four national clouds.
//! - Properties: `commerceSubscriptionId`, `createdDateTime`, `id`, `isTrial` ("free trial
//!   or purchased"), `nextLifecycleDateTime`, `ownerId`, `ownerTenantId`, `ownerType`,
//!   `serviceStatus` (`servicePlanInfo` collection), `skuId`, `skuPartNumber`, `status`
//!   (`Enabled`, `Deleted`, `Suspended`, `Warning`, `LockedOut`) and `totalLicenses`.
//! - Permissions: delegated `Organization.Read.All` (least privileged) or
//!   `Directory.Read.All`; application `Organization.Read.All`, or `Directory.Read.All`,
//!   `Organization.ReadWrite.All`. `LicenseAssignment.Read.All`, which is enough for
//!   `subscribedSkus`, is not listed ([`READ_PERMISSIONS`]).
//! - The lifecycle, from the `licenseUnitsDetail` docs: an expired subscription has a
//!   grace period (`Warning`) to be renewed before it is cancelled (`Suspended`: units
//!   can't be assigned but can be reactivated), then `LockedOut`, then `Deleted`.
//!
//! [`alerts`] is a pure function of the list and the time: trials that end and paid
//! subscriptions that fall into their grace period within the window, and every
//! subscription already in grace, suspended or locked out. The admin's wording is in
//! [`crate::wording::subscriptions`].

use crate::graph::dates::parse_iso_ms;
use crate::graph::ids::SkuId;
use crate::graph::model::{CompanySubscription, SubscriptionStatus};
use serde::{Deserialize, Serialize};

/// Permissions that allow `GET /directory/subscriptions`, least privileged first
/// (`Directory.ReadWrite.All` implies `Directory.Read.All`).
pub const READ_PERMISSIONS: [&str; 4] = [
    "Organization.Read.All",
    "Directory.Read.All",
    "Organization.ReadWrite.All",
    "Directory.ReadWrite.All",
];

/// How far ahead the subscriptions screen looks by default.
pub const ALERT_WINDOW_DAYS: u64 = 30;

const DAY_MS: u64 = 86_400_000;

/// What is coming for a subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AlertKind {
    /// A free trial ends (its seats stop working unless it is bought).
    TrialEnds,
    /// A paid subscription is not renewed and enters its grace period.
    EntersGracePeriod,
    /// In its grace period now (`Warning`); suspended at the date unless renewed.
    InGracePeriod,
    /// Suspended: its seats can't be assigned; can still be reactivated.
    Suspended,
    /// Locked out: unavailable to everyone; the last step before deletion.
    LockedOut,
}

/// One subscription that needs the admin's attention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionAlert {
    pub subscription_id: String,
    pub sku_id: SkuId,
    pub sku_part_number: String,
    pub kind: AlertKind,
    /// `nextLifecycleDateTime`, when Graph sent a readable one.
    pub at_ms: Option<u64>,
    /// Whole days from `now` to `at_ms`, rounded up (0 when it is due or past).
    pub days_left: Option<u64>,
    /// `totalLicenses`, when known.
    pub seats: Option<i64>,
}

/// Subscriptions that need attention at `now_ms`: `Enabled` ones whose next lifecycle
/// date falls within `window_days` (trials ending, paid ones entering their grace
/// period), and every one in `Warning`, `Suspended` or `LockedOut`. Soonest first; those
/// without a date last. Deleted subscriptions and values not known here are left out.
pub fn alerts(
    subscriptions: &[CompanySubscription],
    now_ms: u64,
    window_days: u64,
) -> Vec<SubscriptionAlert> {
    let horizon = now_ms.saturating_add(window_days.saturating_mul(DAY_MS));
    let mut found: Vec<SubscriptionAlert> = subscriptions
        .iter()
        .filter_map(|sub| {
            let at_ms = sub
                .next_lifecycle_date_time
                .as_deref()
                .and_then(parse_iso_ms);
            let kind = match &sub.status {
                SubscriptionStatus::Enabled => {
                    if at_ms.is_none_or(|at| at > horizon) {
                        return None;
                    }
                    if sub.is_trial == Some(true) {
                        AlertKind::TrialEnds
                    } else {
                        AlertKind::EntersGracePeriod
                    }
                }
                SubscriptionStatus::Warning => AlertKind::InGracePeriod,
                SubscriptionStatus::Suspended => AlertKind::Suspended,
                SubscriptionStatus::LockedOut => AlertKind::LockedOut,
                SubscriptionStatus::Deleted | SubscriptionStatus::Unknown(_) => return None,
            };
            Some(SubscriptionAlert {
                subscription_id: sub.id.clone(),
                sku_id: sub.sku_id.clone(),
                sku_part_number: sub.sku_part_number.clone(),
                kind,
                at_ms,
                days_left: at_ms.map(|at| at.saturating_sub(now_ms).div_ceil(DAY_MS)),
                seats: sub.total_licenses,
            })
        })
        .collect();
    found.sort_by_key(|alert| {
        (
            alert.at_ms.is_none(),
            alert.at_ms,
            alert.sku_part_number.clone(),
        )
    });
    found
}

/// When `subscription` next changes state (`nextLifecycleDateTime`), when Graph sent a
/// readable date.
pub fn renewal_ms(subscription: &CompanySubscription) -> Option<u64> {
    subscription
        .next_lifecycle_date_time
        .as_deref()
        .and_then(parse_iso_ms)
}

/// The soonest renewal among the subscriptions of `sku`: how the tenant's SKUs sort
/// by renewal date.
pub fn next_renewal_ms(sku: &SkuId, subscriptions: &[CompanySubscription]) -> Option<u64> {
    subscriptions
        .iter()
        .filter(|subscription| &subscription.sku_id == sku)
        .filter_map(renewal_ms)
        .min()
}

/// The sort key for "soonest renewal first": those without a date come last.
pub fn by_renewal(renewal_ms: Option<u64>) -> (bool, u64) {
    (renewal_ms.is_none(), renewal_ms.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2027-01-15T08:00:00Z.
    const NOW: u64 = 1_800_000_000_000;

    fn sub(status: &str, trial: bool, next: Option<&str>) -> CompanySubscription {
        CompanySubscription {
            id: format!("{status}-{trial}"),
            status: SubscriptionStatus::parse(status),
            is_trial: Some(trial),
            next_lifecycle_date_time: next.map(str::to_string),
            sku_part_number: status.to_uppercase(),
            total_licenses: Some(10),
            ..Default::default()
        }
    }

    #[test]
    fn a_sku_renews_with_its_soonest_subscription_and_undated_ones_sort_last() {
        let e3 = SkuId::new("e3");
        let of_e3 = |next: Option<&str>| CompanySubscription {
            sku_id: e3.clone(),
            ..sub("Enabled", false, next)
        };
        let list = vec![
            of_e3(Some("2027-06-01T00:00:00Z")),
            of_e3(Some("2027-02-01T00:00:00Z")),
            of_e3(None),
            sub("Enabled", false, Some("2026-12-24T00:00:00Z")),
        ];
        let soonest = next_renewal_ms(&e3, &list);
        assert_eq!(soonest, parse_iso_ms("2027-02-01T00:00:00Z"));
        assert_eq!(next_renewal_ms(&SkuId::new("none"), &list), None);
        let mut keys = [None, soonest, Some(1)];
        keys.sort_by_key(|k| by_renewal(*k));
        assert_eq!(keys, [Some(1), soonest, None]);
    }

    #[test]
    fn trials_and_renewals_inside_the_window_are_flagged_soonest_first() {
        let list = vec![
            sub("Enabled", false, Some("2027-06-01T00:00:00Z")),
            sub("Enabled", true, Some("2027-01-27T00:00:00Z")),
            sub("Enabled", false, Some("2027-02-10T00:00:00Z")),
            sub("Enabled", true, Some("2027-03-01T00:00:00Z")),
            sub("Enabled", false, None),
        ];
        let found = alerts(&list, NOW, ALERT_WINDOW_DAYS);
        let kinds: Vec<(&AlertKind, Option<u64>)> =
            found.iter().map(|a| (&a.kind, a.days_left)).collect();
        assert_eq!(
            kinds,
            [
                (&AlertKind::TrialEnds, Some(12)),
                (&AlertKind::EntersGracePeriod, Some(26))
            ]
        );
        assert_eq!(found[0].seats, Some(10));
        // Widen the window and the far trial appears too.
        assert_eq!(alerts(&list, NOW, 60).len(), 3);
    }

    #[test]
    fn winding_down_subscriptions_are_always_flagged_and_deleted_ones_never() {
        let list = vec![
            sub("Warning", false, Some("2027-04-01T00:00:00Z")),
            sub("Suspended", false, None),
            sub("LockedOut", false, Some("2027-01-20T00:00:00Z")),
            sub("Deleted", false, Some("2027-01-16T00:00:00Z")),
            sub("Mystery", false, Some("2027-01-16T00:00:00Z")),
        ];
        let kinds: Vec<AlertKind> = alerts(&list, NOW, ALERT_WINDOW_DAYS)
            .into_iter()
            .map(|a| a.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                AlertKind::LockedOut,
                AlertKind::InGracePeriod,
                AlertKind::Suspended
            ]
        );
    }

    #[test]
    fn a_date_already_past_is_due_now() {
        let list = vec![sub("Enabled", true, Some("2027-01-01T00:00:00Z"))];
        let found = alerts(&list, NOW, ALERT_WINDOW_DAYS);
        assert_eq!(found[0].days_left, Some(0));
    }
}
