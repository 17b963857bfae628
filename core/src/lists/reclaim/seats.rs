//! Seats bought and not assigned, and when they can be dropped.
//!
//! `subscribedSkus` counts seats (`prepaidUnits.enabled`, `consumedUnits`) but has no
//! dates; the subscriptions behind a SKU (`GET /directory/subscriptions`, linked through
//! the SKU's `subscriptionIds`) say when each one next changes state
//! (`nextLifecycleDateTime`), whether it is a trial and how many seats it has. Neither
//! says the billing term, so it is inferred as CIPP does: `nextLifecycleDateTime −
//! createdDateTime` of 25–35 days is monthly, of 360–1,089 days yearly (one to three
//! years); anything else is unknown.
//!
//! Seats are bought and reduced in the Microsoft 365 admin center, not through Graph:
//! the finding says "reduce by N at renewal on DATE" and changes nothing. Only SKUs that
//! apply to users are counted (company-wide SKUs have no per-user seats), and a SKU whose
//! counts Graph did not send is reported as unknown, not as zero.

use crate::graph::dates::parse_iso_ms;
use crate::graph::ids::SkuId;
use crate::graph::model::{CompanySubscription, SubscribedSku, SubscriptionStatus};
use crate::licensing::catalog::Catalog;
use serde::{Deserialize, Serialize};

use super::activity::DAY_MS;

/// How often a subscription bills, as far as its dates tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Term {
    Monthly,
    Yearly,
    /// A free trial: it ends rather than renews.
    Trial,
    Unknown,
}

/// The term of `subscription`, from its dates (see the module docs).
pub fn infer_term(subscription: &CompanySubscription) -> Term {
    if subscription.is_trial == Some(true) {
        return Term::Trial;
    }
    let date = |value: &Option<String>| value.as_deref().and_then(parse_iso_ms);
    let (Some(created), Some(next)) = (
        date(&subscription.created_date_time),
        date(&subscription.next_lifecycle_date_time),
    ) else {
        return Term::Unknown;
    };
    match next.saturating_sub(created) / DAY_MS {
        25..=35 => Term::Monthly,
        360..=1_089 => Term::Yearly,
        _ => Term::Unknown,
    }
}

/// The next renewal of a paid subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Renewal {
    pub subscription_id: String,
    pub at_ms: u64,
    pub term: Term,
    /// The subscription's seats (`totalLicenses`), when Graph sent them.
    pub seats: Option<i64>,
}

/// A SKU with seats nobody holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnusedSeats {
    pub sku: SkuId,
    pub sku_name: String,
    pub enabled: i64,
    pub consumed: i64,
    /// `enabled − consumed`.
    pub unused: i64,
    /// The soonest renewal of a paid, enabled subscription of the SKU.
    pub renewal: Option<Renewal>,
    /// Seats to drop at that renewal: the unused ones, at most that subscription's seats.
    pub reduce_by: i64,
    /// Unused seats that cost money: none when every enabled subscription is a trial.
    pub paid_unused: i64,
}

/// Why a SKU's seats could not be counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatsUnknown {
    pub sku: SkuId,
    pub sku_name: String,
}

/// The subscriptions behind `sku`: those whose `id` (or `commerceSubscriptionId`) the
/// SKU lists in `subscriptionIds`; when it lists none of them, those with its `skuId`.
pub fn subscriptions_of<'a>(
    sku: &SubscribedSku,
    subscriptions: &'a [CompanySubscription],
) -> Vec<&'a CompanySubscription> {
    let listed = |id: &str| {
        !id.trim().is_empty()
            && sku
                .subscription_ids
                .iter()
                .any(|listed| listed.trim().eq_ignore_ascii_case(id.trim()))
    };
    let linked: Vec<&CompanySubscription> = subscriptions
        .iter()
        .filter(|sub| {
            listed(&sub.id) || sub.commerce_subscription_id.as_deref().is_some_and(listed)
        })
        .collect();
    if !linked.is_empty() {
        return linked;
    }
    subscriptions
        .iter()
        .filter(|sub| sub.sku_id == sku.sku_id)
        .collect()
}

fn next_renewal(subscriptions: &[&CompanySubscription]) -> Option<Renewal> {
    subscriptions
        .iter()
        .filter(|sub| sub.status == SubscriptionStatus::Enabled && sub.is_trial != Some(true))
        .filter_map(|sub| {
            let at_ms = sub
                .next_lifecycle_date_time
                .as_deref()
                .and_then(parse_iso_ms)?;
            Some(Renewal {
                subscription_id: sub.id.clone(),
                at_ms,
                term: infer_term(sub),
                seats: sub.total_licenses,
            })
        })
        .min_by_key(|renewal| (renewal.at_ms, renewal.subscription_id.clone()))
}

/// Every SKU that applies to users and has unused seats, and the SKUs whose seats Graph
/// did not count.
pub fn unused_seats(
    catalog: &Catalog,
    subscriptions: &[CompanySubscription],
) -> (Vec<UnusedSeats>, Vec<SeatsUnknown>) {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for sku in catalog.skus.iter().filter(|sku| sku.applies_to.is_user()) {
        let (Some(enabled), Some(consumed)) = (sku.prepaid_units.enabled, sku.consumed_units)
        else {
            unknown.push(SeatsUnknown {
                sku: sku.sku_id.clone(),
                sku_name: catalog.sku_name(&sku.sku_id),
            });
            continue;
        };
        let unused = enabled - consumed;
        if unused <= 0 {
            continue;
        }
        let behind = subscriptions_of(sku, subscriptions);
        let enabled_subs: Vec<&&CompanySubscription> = behind
            .iter()
            .filter(|sub| sub.status == SubscriptionStatus::Enabled)
            .collect();
        let trial_only =
            !enabled_subs.is_empty() && enabled_subs.iter().all(|sub| sub.is_trial == Some(true));
        let paid_seats: Option<i64> = enabled_subs
            .iter()
            .filter(|sub| sub.is_trial != Some(true))
            .map(|sub| sub.total_licenses)
            .sum();
        let paid_unused = if trial_only {
            0
        } else {
            paid_seats.map_or(unused, |paid| unused.min(paid))
        };
        let renewal = next_renewal(&behind);
        let reduce_by = match &renewal {
            Some(renewal) => paid_unused.min(renewal.seats.unwrap_or(paid_unused)),
            None => 0,
        };
        found.push(UnusedSeats {
            sku: sku.sku_id.clone(),
            sku_name: catalog.sku_name(&sku.sku_id),
            enabled,
            consumed,
            unused,
            renewal,
            reduce_by,
            paid_unused,
        });
    }
    (found, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{AppliesTo, LicenseUnits};

    fn sub(id: &str, created: &str, next: &str, seats: i64) -> CompanySubscription {
        CompanySubscription {
            id: id.into(),
            created_date_time: Some(created.into()),
            next_lifecycle_date_time: Some(next.into()),
            is_trial: Some(false),
            status: SubscriptionStatus::Enabled,
            total_licenses: Some(seats),
            sku_id: SkuId::new("e3"),
            ..Default::default()
        }
    }

    fn sku(enabled: Option<i64>, consumed: Option<i64>, ids: &[&str]) -> SubscribedSku {
        SubscribedSku {
            sku_id: SkuId::new("e3"),
            sku_part_number: "ENTERPRISEPACK".into(),
            applies_to: AppliesTo::User,
            consumed_units: consumed,
            prepaid_units: LicenseUnits {
                enabled,
                ..LicenseUnits::unknown()
            },
            subscription_ids: ids.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_term_is_inferred_from_the_dates_as_cipp_does() {
        let term = |created: &str, next: &str| infer_term(&sub("s", created, next, 1));
        assert_eq!(
            term("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
            Term::Monthly
        );
        assert_eq!(
            term("2027-02-01T00:00:00Z", "2027-02-26T00:00:00Z"),
            Term::Monthly
        );
        assert_eq!(
            term("2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z"),
            Term::Yearly
        );
        // Three-year terms count as yearly billing periods too.
        assert_eq!(
            term("2024-03-01T00:00:00Z", "2027-02-20T00:00:00Z"),
            Term::Yearly
        );
        assert_eq!(
            term("2027-01-01T00:00:00Z", "2027-04-01T00:00:00Z"),
            Term::Unknown
        );
        assert_eq!(
            infer_term(&CompanySubscription {
                created_date_time: None,
                ..sub("s", "", "2027-04-01T00:00:00Z", 1)
            }),
            Term::Unknown
        );
        let trial = CompanySubscription {
            is_trial: Some(true),
            ..sub("t", "2027-01-01T00:00:00Z", "2027-01-31T00:00:00Z", 25)
        };
        assert_eq!(infer_term(&trial), Term::Trial);
    }

    #[test]
    fn unused_seats_are_reduced_at_the_soonest_paid_renewal() {
        let catalog = Catalog::new(vec![sku(Some(30), Some(24), &["yearly", "monthly"])]);
        let subs = vec![
            sub("yearly", "2026-04-01T00:00:00Z", "2027-04-01T00:00:00Z", 26),
            sub("monthly", "2027-01-10T00:00:00Z", "2027-02-10T00:00:00Z", 4),
            // Another SKU's subscription, not linked.
            CompanySubscription {
                sku_id: SkuId::new("other"),
                ..sub("x", "2027-01-01T00:00:00Z", "2027-01-20T00:00:00Z", 100)
            },
        ];
        let (found, unknown) = unused_seats(&catalog, &subs);
        assert!(unknown.is_empty());
        let e3 = &found[0];
        assert_eq!((e3.unused, e3.paid_unused), (6, 6));
        let renewal = e3.renewal.as_ref().unwrap();
        assert_eq!(renewal.subscription_id, "monthly");
        assert_eq!(renewal.term, Term::Monthly);
        assert_eq!(renewal.at_ms, parse_iso_ms("2027-02-10T00:00:00Z").unwrap());
        // The monthly subscription has 4 seats: 4 can go at its renewal.
        assert_eq!(e3.reduce_by, 4);
    }

    #[test]
    fn trials_cost_nothing_and_unknown_counts_are_said() {
        let catalog = Catalog::new(vec![
            sku(Some(25), Some(20), &["trial"]),
            SubscribedSku {
                sku_id: SkuId::new("mystery"),
                ..sku(None, Some(3), &[])
            },
            SubscribedSku {
                sku_id: SkuId::new("store"),
                applies_to: AppliesTo::Company,
                ..sku(Some(1), Some(0), &[])
            },
            SubscribedSku {
                sku_id: SkuId::new("full"),
                ..sku(Some(5), Some(5), &[])
            },
        ]);
        let subs = vec![CompanySubscription {
            is_trial: Some(true),
            ..sub("trial", "2027-01-01T00:00:00Z", "2027-01-31T00:00:00Z", 25)
        }];
        let (found, unknown) = unused_seats(&catalog, &subs);
        assert_eq!(found.len(), 1, "company SKUs and full SKUs have no row");
        assert_eq!((found[0].unused, found[0].paid_unused), (5, 0));
        assert_eq!(found[0].renewal, None);
        assert_eq!(found[0].reduce_by, 0);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].sku, SkuId::new("mystery"));
    }

    #[test]
    fn subscriptions_link_by_id_or_commerce_id_else_by_sku() {
        let by_commerce = CompanySubscription {
            commerce_subscription_id: Some("C-1".into()),
            ..sub("dir-1", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 1)
        };
        let subs = vec![by_commerce];
        assert_eq!(subscriptions_of(&sku(None, None, &["c-1"]), &subs).len(), 1);
        assert_eq!(subscriptions_of(&sku(None, None, &[]), &subs).len(), 1);
        let foreign = SubscribedSku {
            sku_id: SkuId::new("other"),
            ..sku(None, None, &["nope"])
        };
        assert!(subscriptions_of(&foreign, &subs).is_empty());
    }
}
