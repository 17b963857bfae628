//! After a bulk run: a short line per user, totals per kind of change, and exports.
//!
//! Changes are described from the user as read before the write and the write itself,
//! so the description is the same whether or not Entra ID already showed the change;
//! users who got the same change are counted together and failures are grouped by
//! Graph's error code, which is what the admin acts on.

use super::iso_utc;
use super::preview::not_found;
use super::user_label;
use crate::graph::ids::SkuId;
use crate::graph::model::{AssignLicenseBody, User};
use crate::licensing::catalog::Catalog;
use crate::licensing::diff::DiffEntry;
use crate::licensing::plan;
use crate::lists::csv;
use crate::ops::{Intent, JournalRecord, Settlement, Status};
use crate::wording::bulk as words;
use serde::Serialize;
use std::collections::BTreeSet;

/// The license change a record's write makes, from the user as read before it.
pub(crate) fn license_change(
    before: Option<&User>,
    body: &AssignLicenseBody,
    catalog: &Catalog,
) -> String {
    let was = before.map(plan::direct_licenses).unwrap_or_default();
    let now = plan::apply(&was, body);
    let added: Vec<&SkuId> = now.keys().filter(|sku| !was.contains_key(*sku)).collect();
    let removed: Vec<&SkuId> = was.keys().filter(|sku| !now.contains_key(*sku)).collect();
    let mut parts = Vec::new();
    if let ([from], [to]) = (removed.as_slice(), added.as_slice()) {
        parts.push(words::replaced(
            &catalog.sku_name(from),
            &catalog.sku_name(to),
        ));
    } else {
        parts.extend(added.iter().map(|sku| words::added(&catalog.sku_name(sku))));
        parts.extend(
            removed
                .iter()
                .map(|sku| words::removed(&catalog.sku_name(sku))),
        );
    }
    for (sku, disabled) in &now {
        let Some(previous) = was.get(sku) else {
            continue;
        };
        let sku_name = catalog.sku_name(sku);
        for plan in disabled.difference(previous) {
            parts.push(words::plan_switched(
                &catalog.plan_name(plan),
                &sku_name,
                false,
            ));
        }
        for plan in previous.difference(disabled) {
            parts.push(words::plan_switched(
                &catalog.plan_name(plan),
                &sku_name,
                true,
            ));
        }
    }
    if parts.is_empty() {
        return words::NOTHING_CHANGED.to_string();
    }
    parts.join("; ")
}

/// What the record's write does, whatever became of it; `None` without a write.
fn signature(record: &JournalRecord, catalog: &Catalog) -> Option<String> {
    let write = record.write.as_ref()?;
    Some(match &record.item.intent {
        Intent::Reprocess => words::REPROCESS.to_string(),
        Intent::SetUsageLocation(code) => {
            words::usage_location_set(&code.trim().to_ascii_uppercase())
        }
        Intent::Change(_) => {
            let body: AssignLicenseBody =
                serde_json::from_str(write.body.as_deref().unwrap_or("")).ok()?;
            license_change(record.before.as_ref(), &body, catalog)
        }
    })
}

/// The first sentence of a note, for a table row.
fn first_sentence(note: &str) -> &str {
    let note = note.trim();
    match note.find(". ") {
        Some(end) => &note[..=end],
        None => note,
    }
}

fn error_code(record: &JournalRecord) -> String {
    record
        .error
        .as_ref()
        .map(|error| {
            error
                .code
                .clone()
                .or_else(|| error.status.map(|s| s.to_string()))
                .unwrap_or_else(|| error.headline.clone())
        })
        .unwrap_or_else(|| record.status.label().to_string())
}

/// Short, for a table row: "Office 365 E3 → Microsoft 365 E3", "Reprocessed; no visible
/// change", "Exchange Online (Plan 2) off in Office 365 E3"…
pub fn change_summary(record: &JournalRecord, catalog: &Catalog) -> String {
    match record.status {
        Status::Done if record.item.intent == Intent::Reprocess => match record.settlement {
            // Processing ran (its stamp shows); whether it changed anything is the diff's.
            Some(Settlement::Shown)
                if record.diff.as_ref().is_some_and(|d| !d.entries.is_empty()) =>
            {
                words::REPROCESSED_CHANGED.to_string()
            }
            Some(Settlement::Shown) => words::REPROCESSED_UNCHANGED.to_string(),
            _ => words::REPROCESSED_NO_VISIBLE_CHANGE.to_string(),
        },
        Status::Done | Status::Planned | Status::Settling => {
            signature(record, catalog).unwrap_or_else(|| words::NOTHING_CHANGED.to_string())
        }
        _ => outcome_without_change(record),
    }
}

/// What became of a user whose change did not happen (or has not yet).
fn outcome_without_change(record: &JournalRecord) -> String {
    match record.status {
        Status::NoOp => words::NO_CHANGE_NEEDED.to_string(),
        Status::Refused => {
            words::not_sent(first_sentence(record.note.as_deref().unwrap_or_default()))
        }
        _ if not_found(record) => words::NOT_FOUND.to_string(),
        Status::Failed => words::failed(&error_code(record)),
        Status::Cancelled => words::CANCELLED.to_string(),
        Status::Unknown => words::OUTCOME_UNKNOWN.to_string(),
        _ => words::STILL_RUNNING.to_string(),
    }
}

/// Totals of one kind of change.
#[derive(Default)]
struct Group {
    key: String,
    /// Done (or planned, in a dry run).
    changed: usize,
    failed: Vec<String>,
    not_sent: usize,
    unknown: usize,
    cancelled: usize,
    other: usize,
}

impl Group {
    fn line(&self) -> String {
        let mut line = format!("{}: {}", self.key, words::users(self.changed));
        if !self.failed.is_empty() {
            let mut codes: Vec<(String, usize)> = Vec::new();
            for code in &self.failed {
                match codes.iter_mut().find(|(c, _)| c == code) {
                    Some((_, n)) => *n += 1,
                    None => codes.push((code.clone(), 1)),
                }
            }
            codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let codes = if codes.len() == 1 {
                codes[0].0.clone()
            } else {
                codes
                    .iter()
                    .map(|(code, n)| format!("{code} ({})", words::count(*n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            line.push_str(&format!(
                "; {} failed: {codes}",
                words::count(self.failed.len())
            ));
        }
        for (n, what) in [
            (self.not_sent, "not sent"),
            (self.unknown, "unknown"),
            (self.cancelled, "cancelled"),
            (self.other, "not finished"),
        ] {
            if n > 0 {
                line.push_str(&format!("; {} {what}", words::count(n)));
            }
        }
        line
    }
}

/// Lines like "Office 365 E3 → Microsoft 365 E3: 4,812 users; 3 failed: CountViolation",
/// one per kind of change, then users with no write (no change needed, not sent, not
/// found), in the order they first appear.
pub fn aggregate(records: &[JournalRecord], catalog: &Catalog) -> Vec<String> {
    let mut groups: Vec<Group> = Vec::new();
    for record in records {
        let (key, counted_as_changed) = match signature(record, catalog) {
            Some(signature) => (signature, true),
            None => (outcome_without_change(record), false),
        };
        let index = match groups.iter().position(|g| g.key == key) {
            Some(index) => index,
            None => {
                groups.push(Group {
                    key,
                    ..Group::default()
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        match record.status {
            _ if !counted_as_changed => group.changed += 1,
            Status::Done | Status::Planned => group.changed += 1,
            Status::Failed => group.failed.push(error_code(record)),
            Status::Refused => group.not_sent += 1,
            Status::Unknown => group.unknown += 1,
            Status::Cancelled => group.cancelled += 1,
            _ => group.other += 1,
        }
    }
    groups.iter().map(Group::line).collect()
}

/// The user after the run: as read after it, or as before when nothing was applied (not
/// sent, refused, failed, cancelled), so an unchanged user never looks stripped. An unknown
/// outcome with no read after stays blank.
fn after_or_unchanged(record: &JournalRecord) -> Option<&User> {
    record.after.as_ref().or(match record.status {
        Status::NoOp | Status::Refused | Status::Failed | Status::Cancelled => {
            record.before.as_ref()
        }
        _ => None,
    })
}

fn sku_names(user: Option<&User>, catalog: &Catalog) -> String {
    let Some(user) = user else {
        return String::new();
    };
    let skus: BTreeSet<&SkuId> = user
        .license_assignment_states
        .iter()
        .filter(|s| crate::licensing::effective::is_effective(s))
        .map(|s| &s.sku_id)
        .chain(user.assigned_licenses.iter().map(|l| &l.sku_id))
        .collect();
    let mut names: Vec<String> = skus.into_iter().map(|sku| catalog.sku_name(sku)).collect();
    names.sort();
    names.join("; ")
}

fn plan_changes(record: &JournalRecord) -> String {
    record
        .diff
        .iter()
        .flat_map(|diff| &diff.entries)
        .filter_map(|entry| match entry {
            DiffEntry::PlanSwitched {
                assignment,
                plan,
                enabled,
            } => Some(words::plan_switched(
                &plan.plan_name,
                &assignment.sku_name,
                *enabled,
            )),
            // A plan's status in assignedPlans (Enabled, Suspended, Deleted…) is a plan
            // change too, even when no assignment's disabledPlans moved.
            DiffEntry::CapabilityChanged { .. } => Some(entry.describe()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportRow {
    status: &'static str,
    user: String,
    who: String,
    change: String,
    skus_before: String,
    skus_after: String,
    plan_changes: String,
    error_code: String,
    error_message: String,
    request_ids: Vec<String>,
    started: Option<String>,
    finished: Option<String>,
}

fn report_rows(records: &[JournalRecord], catalog: &Catalog) -> Vec<ReportRow> {
    records
        .iter()
        .map(|record| ReportRow {
            status: record.status.label(),
            user: record.item.user.clone(),
            who: user_label(record),
            change: change_summary(record, catalog),
            skus_before: sku_names(record.before.as_ref(), catalog),
            skus_after: sku_names(after_or_unchanged(record), catalog),
            plan_changes: plan_changes(record),
            error_code: record
                .error
                .as_ref()
                .map(|_| error_code(record))
                .unwrap_or_default(),
            error_message: record
                .error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
            request_ids: record.request_ids.clone(),
            started: record.times.started_ms.map(iso_utc),
            finished: record.times.finished_ms.map(iso_utc),
        })
        .collect()
}

/// Per user: status, user, SKUs before and after (friendly names), plan changes, error
/// code and message, request-ids, started and finished (ISO 8601 UTC). Formula-safe.
pub fn report_csv(records: &[JournalRecord], catalog: &Catalog) -> String {
    let header = [
        "status",
        "user",
        "who",
        "change",
        "skusBefore",
        "skusAfter",
        "planChanges",
        "errorCode",
        "errorMessage",
        "requestIds",
        "started",
        "finished",
    ];
    csv::table(
        &header,
        report_rows(records, catalog).into_iter().map(|row| {
            vec![
                row.status.to_string(),
                row.user,
                row.who,
                row.change,
                row.skus_before,
                row.skus_after,
                row.plan_changes,
                row.error_code,
                row.error_message,
                row.request_ids.join(" "),
                row.started.unwrap_or_default(),
                row.finished.unwrap_or_default(),
            ]
        }),
    )
}

/// The same rows as JSON.
pub fn report_json(records: &[JournalRecord], catalog: &Catalog) -> String {
    serde_json::to_string_pretty(&report_rows(records, catalog)).expect("report rows serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::PlanId;
    use crate::graph::model::{AssignedLicense, AssignmentState, LicenseAssignmentState};
    use crate::graph::request;
    use crate::licensing::diff::PlanRef;
    use crate::licensing::plan::Change;
    use crate::ops::{ErrorRecord, RunItem};

    const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
    const E5: &str = "c7df2760-2c81-4ef7-b578-5b5392b571df";

    fn replaced(index: usize, status: Status, code: Option<&str>) -> JournalRecord {
        let before = User {
            license_assignment_states: vec![LicenseAssignmentState {
                sku_id: SkuId::new(E3),
                state: AssignmentState::Active,
                ..Default::default()
            }],
            display_name: Some(format!("User {index}")),
            ..Default::default()
        };
        let body = AssignLicenseBody {
            add_licenses: vec![AssignedLicense {
                sku_id: SkuId::new(E5),
                disabled_plans: vec![],
            }],
            remove_licenses: vec![SkuId::new(E3)],
        };
        let mut record = JournalRecord::new(
            index,
            RunItem::new(
                format!("u{index}@x.com"),
                Intent::Change(vec![Change::Replace {
                    from: SkuId::new(E3),
                    to: SkuId::new(E5),
                }]),
            ),
        );
        record.status = status;
        record.before = Some(before);
        record.write = Some(request::assign_license("id", &body));
        record.error = code.map(|code| ErrorRecord {
            headline: "h".into(),
            what_to_do: String::new(),
            status: Some(400),
            code: Some(code.into()),
            message: "=cmd|' /C calc'!A0".into(),
            request_id: None,
            date: None,
        });
        record.times.started_ms = Some(1_800_000_000_000);
        record
    }

    #[test]
    fn aggregates_group_by_change_and_failures_by_code() {
        let catalog = Catalog::default();
        let mut records: Vec<JournalRecord> = (0..1_200)
            .map(|i| replaced(i, Status::Done, None))
            .collect();
        records.push(replaced(1_200, Status::Failed, Some("CountViolation")));
        records.push(replaced(1_201, Status::Failed, Some("CountViolation")));
        records.push(replaced(1_202, Status::Failed, Some("Request_BadRequest")));
        let mut noop = JournalRecord::new(9_999, RunItem::new("n@x.com", Intent::Reprocess));
        noop.status = Status::NoOp;
        records.push(noop);
        assert_eq!(
            aggregate(&records, &catalog),
            vec![
                "Office 365 E3 → Office 365 E5: 1,200 users; 3 failed: CountViolation (2), Request_BadRequest (1)".to_string(),
                "No change needed: 1 user".to_string(),
            ]
        );
        assert_eq!(
            change_summary(&records[0], &catalog),
            "Office 365 E3 → Office 365 E5"
        );
        assert_eq!(
            change_summary(&records[1_200], &catalog),
            "Failed: CountViolation"
        );
        let csv = report_csv(&records[1_199..1_201], &catalog);
        assert!(csv.contains("'=cmd"), "formula-safe: {csv}");
        assert!(csv.contains("2027-01-15T08:00:00Z"));
        let json: serde_json::Value =
            serde_json::from_str(&report_json(&records, &catalog)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), records.len());
    }

    #[test]
    fn a_plan_status_change_is_a_plan_change_in_the_report() {
        use crate::graph::model::CapabilityStatus;
        use crate::licensing::diff::{DiffEntry, LicenseDiff};
        let catalog = Catalog::default();
        let mut record = replaced(1, Status::Done, None);
        record.diff = Some(LicenseDiff {
            entries: vec![DiffEntry::CapabilityChanged {
                plan: PlanRef {
                    plan: PlanId::new(E3),
                    plan_name: "Exchange Online (Plan 2)".into(),
                },
                before: Some(CapabilityStatus::Enabled),
                after: Some(CapabilityStatus::Suspended),
            }],
        });
        let json: serde_json::Value =
            serde_json::from_str(&report_json(&[record], &catalog)).unwrap();
        let plans = json[0]["planChanges"].as_str().unwrap();
        assert!(plans.contains("Exchange Online (Plan 2)"), "{plans}");
        assert!(plans.contains("Suspended"), "{plans}");
    }

    #[test]
    fn an_unknown_outcome_is_not_still_running_once_the_run_is_over() {
        let catalog = Catalog::default();
        let mut record = JournalRecord::new(0, RunItem::new("u@x.com", Intent::Reprocess));
        record.status = Status::Unknown;
        assert_eq!(
            aggregate(&[record.clone()], &catalog),
            vec![format!("{}: 1 user", words::OUTCOME_UNKNOWN)]
        );
        assert_eq!(change_summary(&record, &catalog), words::OUTCOME_UNKNOWN);
    }

    #[test]
    fn a_user_nothing_was_applied_to_keeps_their_licenses_in_the_report() {
        let catalog = Catalog::default();
        let mut record = replaced(1, Status::Failed, Some("CountViolation"));
        record.after = None;
        let json: serde_json::Value =
            serde_json::from_str(&report_json(&[record.clone()], &catalog)).unwrap();
        assert_eq!(json[0]["skusAfter"], json[0]["skusBefore"]);
        assert_ne!(json[0]["skusAfter"], "");
        record.status = Status::Unknown;
        let json: serde_json::Value =
            serde_json::from_str(&report_json(&[record], &catalog)).unwrap();
        assert_eq!(json[0]["skusAfter"], "", "unknown stays unknown");
    }
}
