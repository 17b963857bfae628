//! Undoing a bulk run, and retrying what did not go through.
//!
//! The undo of a license change restores each user's direct assignments and disabled
//! plans exactly as read before the write, planned again from the user as they are when
//! the undo runs. Warnings the undo raises only because it switches back on what the user
//! had on before are acknowledged in advance; any other warning (the user changed since)
//! stops that user's undo with the reason. Reprocessing and usage-location items have no
//! undo.

use crate::graph::ids::{PlanId, SkuId};
use crate::graph::model::{AssignLicenseBody, CapabilityStatus};
use crate::licensing::plan::{self, Change, Warning};
use crate::ops::{Intent, JournalRecord, RunItem, Status};
use std::collections::BTreeSet;

/// The changes that take `record`'s user back to their direct assignments before it.
fn inverse_changes(record: &JournalRecord) -> Option<(Vec<Change>, Vec<Warning>)> {
    if record.status != Status::Done || !matches!(record.item.intent, Intent::Change(_)) {
        return None;
    }
    let before = record.before.as_ref()?;
    let body: AssignLicenseBody =
        serde_json::from_str(record.write.as_ref()?.body.as_deref()?).ok()?;
    let was = plan::direct_licenses(before);
    let now = plan::apply(&was, &body);
    let changes = plan::changes_restoring(&was, &now);
    if changes.is_empty() {
        return None;
    }
    // Plans the user had on before: switching them back on is the undo's purpose.
    let mut restored: BTreeSet<PlanId> = before
        .assigned_plans
        .iter()
        .filter(|p| p.capability_status == CapabilityStatus::Enabled)
        .map(|p| p.service_plan_id.clone())
        .collect();
    for (sku, disabled) in &now {
        if let Some(previous) = was.get(sku) {
            restored.extend(disabled.difference(previous).cloned());
        }
    }
    let skus: BTreeSet<SkuId> = before
        .license_assignment_states
        .iter()
        .map(|s| s.sku_id.clone())
        .chain(now.keys().cloned())
        .chain(was.keys().cloned())
        .collect();
    let mut acknowledged = Vec::new();
    for plan in &restored {
        for off_in in &skus {
            for on_via in &skus {
                acknowledged.push(Warning::PlanSwitchedOn {
                    plan: plan.clone(),
                    off_in: off_in.clone(),
                    on_via: on_via.clone(),
                });
            }
        }
    }
    for sku in was.keys().filter(|sku| !now.contains_key(*sku)) {
        acknowledged.push(Warning::SeatsUnknown { sku: sku.clone() });
        acknowledged.push(Warning::AppliesToUnknown { sku: sku.clone() });
    }
    Some((changes, acknowledged))
}

/// The inverse change per user that ended Done (licenses restored to `before`'s direct assignments and disabled plans); none for Reprocess or usage-location items.
pub fn undo_items(records: &[JournalRecord]) -> Vec<RunItem> {
    records
        .iter()
        .filter_map(|record| {
            let (changes, acknowledged) = inverse_changes(record)?;
            Some(
                RunItem::new(record.item.user.clone(), Intent::Change(changes))
                    .acknowledging(acknowledged),
            )
        })
        .collect()
}

/// Failed, unknown and cancelled items again, with the same intent and acknowledgements;
/// items refused because their prerequisite did not go through come back with it.
pub fn retry_failed_items(records: &[JournalRecord]) -> Vec<RunItem> {
    let mut items: Vec<RunItem> = Vec::new();
    // Old index → new index of every item taken again.
    let mut taken: Vec<Option<usize>> = vec![None; records.len()];
    let position = |index: usize| records.iter().position(|r| r.index == index);
    for (at, record) in records.iter().enumerate() {
        let prerequisite = record.item.prerequisite.and_then(position);
        let prerequisite_status = prerequisite.map(|p| records[p].status);
        let again = match record.status {
            Status::Failed | Status::Unknown | Status::Cancelled => true,
            Status::Refused => prerequisite.is_some_and(|p| taken[p].is_some()),
            _ => false,
        };
        if !again {
            continue;
        }
        let mut item = RunItem::new(record.item.user.clone(), record.item.intent.clone())
            .acknowledging(record.item.acknowledged_warnings.clone());
        match (prerequisite.and_then(|p| taken[p]), prerequisite_status) {
            (Some(new), _) => item = item.after(new),
            (None, None | Some(Status::Done | Status::NoOp)) => {}
            // The step before did not go through and is not taken again.
            (None, Some(_)) => continue,
        }
        taken[at] = Some(items.len());
        items.push(item);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::ErrorRecord;

    fn record(index: usize, user: &str, intent: Intent, status: Status) -> JournalRecord {
        let mut record = JournalRecord::new(index, RunItem::new(user, intent));
        record.status = status;
        record
    }

    #[test]
    fn retries_take_failed_steps_again_with_what_waited_on_them() {
        let add = Intent::Change(vec![Change::Remove {
            sku: SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
        }]);
        let located = Intent::SetUsageLocation("GB".into());
        let mut records = vec![
            record(0, "a@x.com", located.clone(), Status::Failed),
            record(1, "a@x.com", add.clone(), Status::Refused),
            record(2, "b@x.com", located, Status::Done),
            record(3, "b@x.com", add.clone(), Status::Unknown),
            record(4, "c@x.com", add.clone(), Status::Done),
            record(5, "d@x.com", add.clone(), Status::Refused),
            record(6, "e@x.com", add, Status::Cancelled),
        ];
        records[0].error = Some(ErrorRecord::from(crate::graph::error::GraphError::network(
            "x",
        )));
        records[1].item.prerequisite = Some(0);
        records[3].item.prerequisite = Some(2);
        records[3].item.acknowledged_warnings = vec![Warning::MissingUsageLocation];
        let retry = retry_failed_items(&records);
        let users: Vec<(&str, Option<usize>)> = retry
            .iter()
            .map(|item| (item.user.as_str(), item.prerequisite))
            .collect();
        assert_eq!(
            users,
            vec![
                ("a@x.com", None),
                ("a@x.com", Some(0)),
                ("b@x.com", None),
                ("e@x.com", None)
            ]
        );
        assert_eq!(
            retry[2].acknowledged_warnings,
            vec![Warning::MissingUsageLocation]
        );
        assert!(
            undo_items(&records).is_empty(),
            "nothing done has a write to undo"
        );
    }
}
