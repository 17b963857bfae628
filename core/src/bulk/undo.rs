//! Undoing a bulk run, and retrying what did not go through.
//!
//! The undo of a license change restores each user's direct assignments and disabled
//! plans exactly as read before the write, planned again from the user as they are when
//! the undo runs. Warnings the undo raises only because it switches back on what the user
//! had on before are acknowledged in advance; any other warning (the user changed since)
//! stops that user's undo with the reason. A usage location the run set is put back to
//! what it was; where the user had none, the undo says so for that user, since it can
//! only set one. Reprocessing has no undo.

use crate::graph::ids::{PlanId, SkuId};
use crate::graph::model::{AssignLicenseBody, CapabilityStatus};
use crate::licensing::plan::{self, Change, Warning};
use crate::ops::{Intent, JournalRecord, RunItem, Status};
use crate::wording::bulk as words;
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

/// What undoing one record takes: a run item, or why it can't be undone.
enum Inverse {
    Item(RunItem),
    Cannot {
        user: String,
        intent: Intent,
        note: String,
    },
}

/// The inverse of a usage location the run set.
fn inverse_location(record: &JournalRecord) -> Option<Inverse> {
    let Intent::SetUsageLocation(code) = &record.item.intent else {
        return None;
    };
    if record.status != Status::Done {
        return None;
    }
    let code = code.trim().to_ascii_uppercase();
    let was = record
        .before
        .as_ref()
        .and_then(|user| user.usage_location.as_deref())
        .map(str::trim)
        .filter(|was| !was.is_empty());
    Some(match was {
        Some(was) if was.eq_ignore_ascii_case(&code) => return None,
        Some(was) => Inverse::Item(RunItem::new(
            record.item.user.clone(),
            Intent::SetUsageLocation(was.to_ascii_uppercase()),
        )),
        None => Inverse::Cannot {
            user: record.item.user.clone(),
            intent: Intent::SetUsageLocation(code.clone()),
            note: words::usage_location_not_undone(&code),
        },
    })
}

/// The undo of each user's steps: licenses first, then usage locations.
fn inverses(records: &[JournalRecord]) -> Vec<(Inverse, Option<&JournalRecord>)> {
    let mut out = Vec::new();
    for user in super::users::by_user(records) {
        let steps: Vec<&JournalRecord> = user.steps.iter().map(|&i| &records[i]).collect();
        for record in &steps {
            if let Some((changes, acknowledged)) = inverse_changes(record) {
                out.push((
                    Inverse::Item(
                        RunItem::new(record.item.user.clone(), Intent::Change(changes))
                            .acknowledging(acknowledged),
                    ),
                    None,
                ));
            }
        }
        for record in &steps {
            if let Some(inverse) = inverse_location(record) {
                out.push((inverse, Some(*record)));
            }
        }
    }
    out
}

/// The inverse change per user: licenses restored to `before`'s direct assignments and
/// disabled plans, and usage locations put back where the user had one. Nothing for
/// Reprocess.
pub fn undo_items(records: &[JournalRecord]) -> Vec<RunItem> {
    inverses(records)
        .into_iter()
        .filter_map(|(inverse, _)| match inverse {
            Inverse::Item(item) => Some(item),
            Inverse::Cannot { .. } => None,
        })
        .collect()
}

/// The undo run's journal: [`undo_items`] as fresh records, and, for each usage location
/// the undo can't take back, a record refused with the reason, so the undo's preview, its
/// results and its report say so for that user.
pub fn undo_journal(records: &[JournalRecord]) -> Vec<JournalRecord> {
    inverses(records)
        .into_iter()
        .enumerate()
        .map(|(index, (inverse, from))| match inverse {
            Inverse::Item(item) => JournalRecord::new(index, item),
            Inverse::Cannot { user, intent, note } => {
                let mut record = JournalRecord::new(index, RunItem::new(user, intent));
                record.status = Status::Refused;
                record.note = Some(note);
                record.before = from.and_then(|r| r.after.clone().or_else(|| r.before.clone()));
                record
            }
        })
        .collect()
}

/// Whether there is anything to undo (or to say about undoing).
pub fn has_undo(records: &[JournalRecord]) -> bool {
    !inverses(records).is_empty()
}

/// Failed (but found), unknown, cancelled and stopped-for-seats items again, with the
/// same intent and acknowledgements; items refused because their prerequisite did not go
/// through come back with it.
pub fn retry_failed_items(records: &[JournalRecord]) -> Vec<RunItem> {
    let mut items: Vec<RunItem> = Vec::new();
    // Old index → new index of every item taken again.
    let mut taken: Vec<Option<usize>> = vec![None; records.len()];
    let position = |index: usize| records.iter().position(|r| r.index == index);
    for (at, record) in records.iter().enumerate() {
        let prerequisite = record.item.prerequisite.and_then(position);
        let prerequisite_status = prerequisite.map(|p| records[p].status);
        let again = match record.status {
            // A user Graph doesn't know is not found again.
            Status::Failed => !super::users::not_found(record),
            Status::Unknown | Status::Cancelled | Status::NoSeats => true,
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

    #[test]
    fn retries_take_failed_steps_again_with_what_waited_on_them() {
        let add = Intent::Change(vec![Change::Remove {
            sku: SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
        }]);
        let located = Intent::SetUsageLocation("GB".into());
        let mut records = vec![
            JournalRecord::at(0, "a@x.com", located.clone(), Status::Failed),
            JournalRecord::at(1, "a@x.com", add.clone(), Status::Refused),
            JournalRecord::at(2, "b@x.com", located, Status::Done),
            JournalRecord::at(3, "b@x.com", add.clone(), Status::Unknown),
            JournalRecord::at(4, "c@x.com", add.clone(), Status::Done),
            JournalRecord::at(5, "d@x.com", add.clone(), Status::Refused),
            JournalRecord::at(6, "e@x.com", add, Status::Cancelled),
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
