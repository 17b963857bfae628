//! The demo tenant's `companySubscription`s (`GET /directory/subscriptions`).
//!
//! Every SKU has one yearly subscription (created a year before it renews); the SKUs with
//! seats winding down have a second one whose seats are the `subscribedSku` counts in
//! `prepaidUnits`: Entra ID P2's second subscription is in its grace period (`Warning`),
//! Office 365 E5's is `Suspended` and Power BI Pro's is `LockedOut`. Office 365 E3 has a
//! monthly top-up of [`E3_MONTHLY_SEATS`] seats, bought today and renewing in 31 days,
//! beside its yearly subscription. Project Online Premium is a trial that ends in 12 days,
//! and Power Automate Free has no next lifecycle date. Dates are counted in whole days
//! from the request's day, so the demo always shows the same picture. What Graph
//! documents about the resource is in `license_desk_core::licensing::subscriptions`.

use super::seed::{AAD_P2, E3, E5, FLOW_FREE, POWER_BI_PRO, PROJECT_PREMIUM};
use license_desk_core::graph::model::{CompanySubscription, SubscribedSku, SubscriptionStatus};

/// Permissions that allow the list (from the core, where the sources are cited).
pub use license_desk_core::licensing::subscriptions::READ_PERMISSIONS;

const DAY_MS: u64 = 86_400_000;

/// Seats of Office 365 E3's monthly subscription.
pub const E3_MONTHLY_SEATS: i64 = 2;

/// Days between a yearly subscription's start and its renewal.
const YEAR_DAYS: u64 = 365;

/// The tenant's subscriptions at `now_ms`.
pub fn company_subscriptions(skus: &[SubscribedSku], now_ms: u64) -> Vec<CompanySubscription> {
    let today = now_ms - now_ms % DAY_MS;
    let in_days = |days: u64| Some(super::clock::iso(today + days * DAY_MS));
    let mut list = Vec::new();
    for (position, sku) in skus.iter().enumerate() {
        let sku_id = sku.sku_id.as_str();
        let base = |n: usize, status: SubscriptionStatus| CompanySubscription {
            id: sku
                .subscription_ids
                .get(n)
                .cloned()
                .unwrap_or_else(|| format!("{}-{n}", sku.id)),
            commerce_subscription_id: Some(format!(
                "{}-c0ce-4e5e-9c1d-{}",
                &sku_id[..8],
                &sku_id[24..]
            )),
            created_date_time: Some("2025-02-01T00:00:00Z".into()),
            is_trial: Some(false),
            next_lifecycle_date_time: None,
            owner_id: None,
            owner_tenant_id: None,
            owner_type: None,
            service_status: sku.service_plans.clone(),
            sku_id: sku.sku_id.clone(),
            sku_part_number: sku.sku_part_number.clone(),
            status,
            total_licenses: sku.prepaid_units.enabled,
        };
        let mut main = base(0, SubscriptionStatus::Enabled);
        let renews_in = 90 + 15 * position as u64;
        main.next_lifecycle_date_time = in_days(renews_in);
        main.created_date_time = Some(super::clock::iso(
            (today + renews_in * DAY_MS).saturating_sub(YEAR_DAYS * DAY_MS),
        ));
        if sku_id == PROJECT_PREMIUM {
            main.is_trial = Some(true);
            main.created_date_time = Some(super::clock::iso(today - 18 * DAY_MS));
            main.next_lifecycle_date_time = in_days(12);
        }
        if sku_id == FLOW_FREE {
            main.next_lifecycle_date_time = None;
            main.created_date_time = Some("2025-02-01T00:00:00Z".into());
        }
        if sku_id == E3 {
            let mut monthly = base(1, SubscriptionStatus::Enabled);
            monthly.created_date_time = in_days(0);
            monthly.next_lifecycle_date_time = in_days(31);
            monthly.total_licenses = Some(E3_MONTHLY_SEATS);
            main.total_licenses = sku
                .prepaid_units
                .enabled
                .map(|seats| seats - E3_MONTHLY_SEATS);
            list.push(main);
            list.push(monthly);
            continue;
        }
        list.push(main);
        let winding_down = match sku_id {
            AAD_P2 => Some((SubscriptionStatus::Warning, sku.prepaid_units.warning, 20)),
            E5 => Some((
                SubscriptionStatus::Suspended,
                sku.prepaid_units.suspended,
                75,
            )),
            POWER_BI_PRO => Some((
                SubscriptionStatus::LockedOut,
                sku.prepaid_units.locked_out,
                25,
            )),
            _ => None,
        };
        if let Some((status, seats, days)) = winding_down {
            let mut second = base(1, status);
            second.created_date_time = Some("2024-01-10T00:00:00Z".into());
            second.total_licenses = seats;
            second.next_lifecycle_date_time = in_days(days);
            list.push(second);
        }
    }
    list
}
