//! Which licenses carry a mailbox, and how long taking one away can be undone.
//!
//! Removing a user's last Exchange Online plan disconnects their mailbox; adding a
//! license with Exchange Online again within 30 days reconnects it, on a best-effort
//! basis (Exchange team blog, 2016). An Exchange Online plan is recognised by its
//! service-plan name: `EXCHANGE_S_STANDARD` (Plan 1), `EXCHANGE_S_ENTERPRISE` (Plan 2),
//! `EXCHANGE_S_DESKLESS` (Kiosk), `EXCHANGE_S_ESSENTIALS`, `EXCHANGE_L_STANDARD`,
//! `EXCHANGE_B_STANDARD` and their government twins all start with `EXCHANGE_`. Plans
//! that share the prefix but hold no mailbox are left out: `EXCHANGE_S_FOUNDATION` (in
//! Power BI, Entra ID and many other SKUs), `EXCHANGE_ANALYTICS` (MyAnalytics) and the
//! archiving add-ons.

use crate::graph::ids::{PlanId, SkuId};
use crate::licensing::catalog::Catalog;
use std::collections::BTreeSet;

use super::activity::DAY_MS;

/// Days within which re-adding a license reconnects a disconnected mailbox.
pub const RECONNECT_DAYS: u64 = 30;

/// Whether a service plan with this name gives the user an Exchange Online mailbox.
pub fn is_mailbox_plan(plan_name: &str) -> bool {
    let name = plan_name.trim().to_ascii_uppercase();
    name.starts_with("EXCHANGE_")
        && !["FOUNDATION", "ANALYTICS", "ARCHIVE"]
            .iter()
            .any(|part| name.contains(part))
}

/// The Exchange Online plans in `sku`, by the catalogue's service-plan names.
pub fn mailbox_plans(sku: &SkuId, catalog: &Catalog) -> BTreeSet<PlanId> {
    catalog
        .sku(sku)
        .map(|info| {
            info.service_plans
                .iter()
                .filter(|plan| is_mailbox_plan(&plan.service_plan_name))
                .map(|plan| plan.service_plan_id.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `sku` includes an Exchange Online plan: removing it can disconnect a mailbox.
pub fn sku_has_mailbox(sku: &SkuId, catalog: &Catalog) -> bool {
    !mailbox_plans(sku, catalog).is_empty()
}

/// Whether a copy of `sku` with `disabled_plans` off gives the user a mailbox.
pub fn copy_has_mailbox(sku: &SkuId, disabled_plans: &[PlanId], catalog: &Catalog) -> bool {
    mailbox_plans(sku, catalog)
        .iter()
        .any(|plan| !disabled_plans.contains(plan))
}

/// Until when undoing a run that started at `run_ms` reconnects the mailboxes it
/// disconnected.
pub fn reconnect_until_ms(run_ms: u64) -> u64 {
    run_ms + RECONNECT_DAYS * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{ServicePlanInfo, SubscribedSku};

    #[test]
    fn mailbox_plans_are_exchange_online_plans_not_foundations_or_add_ons() {
        for mailbox in [
            "EXCHANGE_S_STANDARD",
            "EXCHANGE_S_ENTERPRISE",
            "EXCHANGE_S_DESKLESS",
            "EXCHANGE_S_ESSENTIALS",
            "EXCHANGE_L_STANDARD",
            "EXCHANGE_B_STANDARD",
            "EXCHANGE_S_ENTERPRISE_GOV",
            "exchange_s_standard",
        ] {
            assert!(is_mailbox_plan(mailbox), "{mailbox}");
        }
        for other in [
            "EXCHANGE_S_FOUNDATION",
            "EXCHANGE_FOUNDATION_GOV",
            "EXCHANGE_ANALYTICS",
            "EXCHANGE_S_ARCHIVE_ADDON",
            "EXCHANGEONLINE_MULTIGEO",
            "SHAREPOINTENTERPRISE",
        ] {
            assert!(!is_mailbox_plan(other), "{other}");
        }
    }

    #[test]
    fn a_copy_carries_a_mailbox_unless_its_exchange_plan_is_off() {
        let plan = |id: &str, name: &str| ServicePlanInfo {
            service_plan_id: PlanId::new(id),
            service_plan_name: name.into(),
            ..Default::default()
        };
        let catalog = Catalog::new(vec![
            SubscribedSku {
                sku_id: SkuId::new("e3"),
                service_plans: vec![
                    plan("exo2", "EXCHANGE_S_ENTERPRISE"),
                    plan("spo", "SHAREPOINTENTERPRISE"),
                ],
                ..Default::default()
            },
            SubscribedSku {
                sku_id: SkuId::new("pbi"),
                service_plans: vec![plan("found", "EXCHANGE_S_FOUNDATION")],
                ..Default::default()
            },
        ]);
        let e3 = SkuId::new("e3");
        assert!(copy_has_mailbox(&e3, &[], &catalog));
        assert!(copy_has_mailbox(&e3, &[PlanId::new("spo")], &catalog));
        assert!(!copy_has_mailbox(&e3, &[PlanId::new("exo2")], &catalog));
        assert!(!copy_has_mailbox(&SkuId::new("pbi"), &[], &catalog));
        assert!(sku_has_mailbox(&e3, &catalog));
        assert!(!sku_has_mailbox(&SkuId::new("pbi"), &catalog));
        assert!(!copy_has_mailbox(&SkuId::new("unknown"), &[], &catalog));
        // 2027-01-15 plus 30 days.
        assert_eq!(
            crate::bulk::iso_utc(reconnect_until_ms(1_800_000_000_000)),
            "2027-02-14T08:00:00Z"
        );
    }
}
