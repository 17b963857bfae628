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
use crate::graph::model::{AssignmentState, User};
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::Change;
use crate::ops::{Intent, JournalRecord, Status};
use std::collections::BTreeSet;

use super::activity::DAY_MS;
use super::handover::MailboxLoss;

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

/// Whether `user` has a mailbox through a working copy of a license, leaving out the
/// direct copies of `removed`.
fn has_mailbox_without(user: &User, removed: &[SkuId], catalog: &Catalog) -> bool {
    user.license_assignment_states
        .iter()
        .filter(|state| {
            matches!(
                state.state,
                AssignmentState::Active | AssignmentState::ActiveWithError
            )
        })
        .filter(|state| !(state.is_direct() && removed.contains(&state.sku_id)))
        .any(|state| copy_has_mailbox(&state.sku_id, &state.disabled_plans, catalog))
}

/// The users a finished run of license removals took the last mailbox from: each item
/// that is done, removed only direct copies, and left the user, as read before its
/// write, with no working copy of a license that carries Exchange Online. What the
/// run's report names with the date until which undoing it reconnects them.
pub fn disconnected_by_run(records: &[JournalRecord], catalog: &Catalog) -> Vec<MailboxLoss> {
    records
        .iter()
        .filter(|record| record.status == Status::Done)
        .filter_map(|record| {
            let before = record.before.as_ref()?;
            let Intent::Change(changes) = &record.item.intent else {
                return None;
            };
            let removed = changes
                .iter()
                .map(|change| match change {
                    Change::Remove { sku } => Some(sku.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<SkuId>>>()?;
            let lost = has_mailbox_without(before, &[], catalog)
                && !has_mailbox_without(before, &removed, catalog);
            lost.then(|| MailboxLoss {
                user: before.id.clone(),
                user_label: before.label().to_string(),
                skus: removed
                    .into_iter()
                    .filter(|sku| sku_has_mailbox(sku, catalog))
                    .collect(),
            })
        })
        .collect()
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

    #[test]
    fn a_finished_run_names_the_users_it_left_without_a_mailbox() {
        let plan = |id: &str, name: &str| ServicePlanInfo {
            service_plan_id: PlanId::new(id),
            service_plan_name: name.into(),
            ..Default::default()
        };
        let catalog = Catalog::new(vec![
            SubscribedSku {
                sku_id: SkuId::new("e3"),
                service_plans: vec![plan("exo2", "EXCHANGE_S_ENTERPRISE")],
                ..Default::default()
            },
            SubscribedSku {
                sku_id: SkuId::new("pbi"),
                service_plans: vec![plan("found", "EXCHANGE_S_FOUNDATION")],
                ..Default::default()
            },
        ]);
        let user = |id: &str, states: &str| -> User {
            serde_json::from_str(&format!(
                r#"{{"id":"{id}","displayName":"{id}","licenseAssignmentStates":[{states}]}}"#
            ))
            .unwrap()
        };
        let direct = |sku: &str| {
            format!(r#"{{"skuId":"{sku}","assignedByGroup":null,"state":"Active","error":"None"}}"#)
        };
        let from_group = |sku: &str| {
            format!(r#"{{"skuId":"{sku}","assignedByGroup":"g","state":"Active","error":"None"}}"#)
        };
        let record = |index: usize, before: User, intent: Intent, status: Status| {
            let mut record =
                JournalRecord::new(index, crate::ops::RunItem::new(before.id.as_str(), intent));
            record.before = Some(before);
            record.status = status;
            record
        };
        let remove = |skus: &[&str]| {
            Intent::Change(
                skus.iter()
                    .map(|sku| Change::Remove {
                        sku: SkuId::new(sku),
                    })
                    .collect(),
            )
        };
        let records = vec![
            // Her only mailbox went with the direct E3.
            record(
                0,
                user("keiko", &direct("e3")),
                remove(&["e3"]),
                Status::Done,
            ),
            // The group's E3 keeps his mailbox.
            record(
                1,
                user("lee", &format!("{},{}", direct("e3"), from_group("e3"))),
                remove(&["e3"]),
                Status::Done,
            ),
            // Power BI Pro carries no mailbox.
            record(
                2,
                user("rosa", &format!("{},{}", direct("pbi"), from_group("e3"))),
                remove(&["pbi"]),
                Status::Done,
            ),
            // Refused or failed: nothing was removed.
            record(
                3,
                user("olga", &direct("e3")),
                remove(&["e3"]),
                Status::Failed,
            ),
            // Not a removal.
            record(
                4,
                user("miriam", &direct("e3")),
                Intent::Change(vec![Change::Add {
                    sku: SkuId::new("pbi"),
                    disabled_plans: vec![],
                }]),
                Status::Done,
            ),
        ];
        let lost = disconnected_by_run(&records, &catalog);
        assert_eq!(lost.len(), 1, "{lost:?}");
        assert_eq!(lost[0].user_label, "keiko");
        assert_eq!(lost[0].skus, [SkuId::new("e3")]);
    }
}
