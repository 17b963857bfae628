//! The operations a bulk change offers, each one planned per user by the shared planner.
//!
//! A bulk operation is the same intent for every user; the planner turns it into each
//! user's own `assignLicense` body from the user as read at run time, so a user's own
//! disabled plans are merged, not overwritten, and a license a user only inherits from a
//! group is refused with the reason instead of being sent.

use crate::catalog::Catalog;
use crate::guid::Guid;
use crate::ops::{Intent, RunItem};
use crate::plan::Change;
use crate::wording;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "camelCase")]
pub enum BulkOperation {
    Reprocess,
    #[serde(rename_all = "camelCase")]
    AddLicense {
        sku: Guid,
        disabled_plans: Vec<Guid>,
    },
    RemoveLicense {
        sku: Guid,
    },
    /// One assignLicense call per user; the user's disabled plans are carried over by name
    /// (core/src/plan_safety.rs carried_over_disabled_plans) — computed per user at plan time.
    ReplaceLicense {
        from: Guid,
        to: Guid,
    },
    /// Merged into each user's own disabledPlans for that SKU.
    SetPlan {
        sku: Guid,
        plan: Guid,
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
