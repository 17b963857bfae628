//! The operations a bulk change offers, each one planned per user by the shared planner.
//!
//! A bulk operation is the same intent for every user; the planner turns it into each
//! user's own `assignLicense` body from the user as read at run time, so a user's own
//! disabled plans are merged, not overwritten, and a license a user only inherits from a
//! group is refused with the reason instead of being sent.

use crate::graph::ids::{PlanId, SkuId};
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::Change;
use crate::ops::{Intent, RunItem};
use crate::wording;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "camelCase")]
pub enum BulkOperation {
    Reprocess,
    #[serde(rename_all = "camelCase")]
    AddLicense {
        sku: SkuId,
        disabled_plans: Vec<PlanId>,
    },
    RemoveLicense {
        sku: SkuId,
    },
    /// One assignLicense call per user; the user's disabled plans are carried over by name
    /// (core/src/plan_safety.rs carried_over_disabled_plans) — computed per user at plan time.
    ReplaceLicense {
        from: SkuId,
        to: SkuId,
    },
    /// Merged into each user's own disabledPlans for that SKU.
    SetPlan {
        sku: SkuId,
        plan: PlanId,
        enabled: bool,
    },
}

impl BulkOperation {
    /// The change for one user.
    pub fn change(&self) -> Option<Change> {
        Some(match self {
            BulkOperation::Reprocess => return None,
            BulkOperation::AddLicense {
                sku,
                disabled_plans,
            } => Change::Add {
                sku: sku.clone(),
                disabled_plans: disabled_plans.clone(),
            },
            BulkOperation::RemoveLicense { sku } => Change::Remove { sku: sku.clone() },
            BulkOperation::ReplaceLicense { from, to } => Change::Replace {
                from: from.clone(),
                to: to.clone(),
            },
            BulkOperation::SetPlan { sku, plan, enabled } => Change::SetPlan {
                sku: sku.clone(),
                plan: plan.clone(),
                enabled: *enabled,
            },
        })
    }

    pub fn intent(&self) -> Intent {
        match self.change() {
            None => Intent::Reprocess,
            Some(change) => Intent::Change(vec![change]),
        }
    }

    /// One item per user, in order.
    pub fn items(&self, users: &[String]) -> Vec<RunItem> {
        let intent = self.intent();
        users
            .iter()
            .map(|user| RunItem::new(user.trim(), intent.clone()))
            .collect()
    }

    /// "Replace Office 365 E3 with Microsoft 365 E3".
    pub fn describe(&self, catalog: &Catalog) -> String {
        match self.change() {
            None => wording::bulk::REPROCESS.to_string(),
            Some(change) => wording::describe_change(&change, catalog),
        }
    }

    /// False for reprocessing, which changes no assignment.
    pub fn changes_licenses(&self) -> bool {
        !matches!(self, BulkOperation::Reprocess)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::SubscribedSku;

    #[test]
    fn operations_become_one_change_and_read_as_the_admin_says_them() {
        let e3 = SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900");
        let m365 = SkuId::new("05e9a617-0261-4cee-bb44-138d3ef5d965");
        let catalog = Catalog::new(vec![
            SubscribedSku {
                sku_id: e3.clone(),
                sku_part_number: "ENTERPRISEPACK".into(),
                ..Default::default()
            },
            SubscribedSku {
                sku_id: m365.clone(),
                sku_part_number: "SPE_E3".into(),
                ..Default::default()
            },
        ]);
        let replace = BulkOperation::ReplaceLicense {
            from: e3.clone(),
            to: m365.clone(),
        };
        assert_eq!(
            replace.describe(&catalog),
            "Replace Office 365 E3 with Microsoft 365 E3"
        );
        assert_eq!(
            replace.intent(),
            Intent::Change(vec![Change::Replace {
                from: e3.clone(),
                to: m365
            }])
        );
        let items = replace.items(&["a@x.com".into(), " b@x.com ".into()]);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].user, "b@x.com");
        assert!(replace.changes_licenses());
        assert!(!BulkOperation::Reprocess.changes_licenses());
        assert_eq!(BulkOperation::Reprocess.intent(), Intent::Reprocess);
        let json = serde_json::to_string(&BulkOperation::SetPlan {
            sku: e3,
            plan: PlanId::new("efb87545-963c-4e0d-99df-69c6916d9eb0"),
            enabled: false,
        })
        .unwrap();
        assert!(json.contains("\"operation\":\"setPlan\""), "{json}");
        let back: BulkOperation = serde_json::from_str(&json).unwrap();
        assert!(matches!(
            back,
            BulkOperation::SetPlan { enabled: false, .. }
        ));
    }
}
