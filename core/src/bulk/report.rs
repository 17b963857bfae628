//! After a bulk run: a short line per user, totals per kind of change, and exports.
//!
//! Changes are described from the user as read before the write and the write itself,
//! so the description is the same whether or not Entra ID already showed the change;
//! users who got the same change are counted together and failures are grouped by
//! Graph's error code, which is what the admin acts on. Everything counts users: a user
//! whose usage location was set before their license was added is one line, one row
//! and one count, with both steps inside ([`super::users`]).

use super::iso_utc;
use super::user_label;
use super::users::{by_user, not_found, UserSteps};
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

/// The words of a record's status, "User not found" for a user Graph doesn't know.
fn status_words(record: &JournalRecord) -> &'static str {
    if not_found(record) {
        words::NOT_FOUND
    } else {
        words::status_words(record.status)
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
        .unwrap_or_else(|| words::status_words(record.status).to_string())
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

/// A user's steps in a few words: "Usage location set to GB; Added Office 365 E3". A
/// step that needed nothing is left out when another step says more.
pub fn user_change(records: &[JournalRecord], user: &UserSteps, catalog: &Catalog) -> String {
    let steps: Vec<&JournalRecord> = user.steps.iter().map(|&i| &records[i]).collect();
    let said: Vec<&JournalRecord> = if steps.iter().all(|r| r.status == Status::NoOp) {
        steps
    } else {
        steps
            .into_iter()
            .filter(|r| r.status != Status::NoOp)
            .collect()
    };
    let mut parts: Vec<String> = Vec::new();
    for record in said {
        let part = change_summary(record, catalog);
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("; ")
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
        Status::NoSeats => words::status_words(Status::NoSeats).to_string(),
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
    no_seats: usize,
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
            (self.no_seats, "stopped: no free seats"),
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
/// found), in the order they first appear. Each user counts once, with all their steps.
pub fn aggregate(records: &[JournalRecord], catalog: &Catalog) -> Vec<String> {
    let mut groups: Vec<Group> = Vec::new();
    for user in by_user(records) {
        let steps: Vec<&JournalRecord> = user.steps.iter().map(|&i| &records[i]).collect();
        let signatures: Vec<String> = steps
            .iter()
            .filter_map(|record| signature(record, catalog))
            .collect();
        // The step that decides the user's status, for what became of them.
        let deciding = steps
            .iter()
            .find(|record| record.status == user.status)
            .copied()
            .unwrap_or(steps[0]);
        let (key, counted_as_changed) = if signatures.is_empty() {
            (outcome_without_change(deciding), false)
        } else {
            (signatures.join("; "), true)
        };
        let record = deciding;
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
            Status::NoSeats => group.no_seats += 1,
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
        Status::NoOp | Status::Refused | Status::Failed | Status::Cancelled | Status::NoSeats => {
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

/// A Graph `request-id` in the report: the item's own, or the whole `$batch`'s when
/// Graph gave the item none of its own.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestIdRow {
    id: String,
    of_batch: bool,
}

impl RequestIdRow {
    fn text(&self) -> String {
        if self.of_batch {
            words::batch_request_id(&self.id)
        } else {
            self.id.clone()
        }
    }
}

fn request_ids(record: &JournalRecord) -> Vec<RequestIdRow> {
    record
        .request_ids
        .iter()
        .map(|id| RequestIdRow {
            id: id.clone(),
            of_batch: record.is_batch_request_id(id),
        })
        .collect()
}

/// One step of a user's row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StepRow {
    status: &'static str,
    change: String,
    note: String,
    error_code: String,
    error_message: String,
    request_ids: Vec<RequestIdRow>,
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
    request_ids: Vec<RequestIdRow>,
    started: Option<String>,
    finished: Option<String>,
    steps: Vec<StepRow>,
}

fn step_row(record: &JournalRecord, catalog: &Catalog) -> StepRow {
    StepRow {
        status: status_words(record),
        change: change_summary(record, catalog),
        note: record.note.clone().unwrap_or_default(),
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
        request_ids: request_ids(record),
    }
}

fn report_rows(records: &[JournalRecord], catalog: &Catalog) -> Vec<ReportRow> {
    by_user(records)
        .into_iter()
        .map(|user| {
            let steps: Vec<&JournalRecord> = user.steps.iter().map(|&i| &records[i]).collect();
            let first = steps[0];
            let last = steps[steps.len() - 1];
            let failing = steps.iter().find(|record| record.error.is_some()).copied();
            let deciding = steps
                .iter()
                .find(|record| record.status == user.status)
                .copied()
                .unwrap_or(last);
            ReportRow {
                status: status_words(deciding),
                user: user.user.clone(),
                who: user_label(steps.iter().find(|r| r.before.is_some()).unwrap_or(&first)),
                change: user_change(records, &user, catalog),
                skus_before: sku_names(steps.iter().find_map(|r| r.before.as_ref()), catalog),
                skus_after: sku_names(
                    steps.iter().rev().find_map(|r| after_or_unchanged(r)),
                    catalog,
                ),
                plan_changes: steps
                    .iter()
                    .map(|r| plan_changes(r))
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("; "),
                error_code: failing.map(error_code).unwrap_or_default(),
                error_message: failing
                    .and_then(|r| r.error.as_ref())
                    .map(|e| e.message.clone())
                    .unwrap_or_default(),
                request_ids: steps.iter().flat_map(|r| request_ids(r)).collect(),
                started: steps
                    .iter()
                    .filter_map(|r| r.times.started_ms)
                    .min()
                    .map(iso_utc),
                finished: steps
                    .iter()
                    .filter_map(|r| r.times.finished_ms)
                    .max()
                    .map(iso_utc),
                steps: steps.iter().map(|r| step_row(r, catalog)).collect(),
            }
        })
        .collect()
}

/// One row per user of the run, whatever became of them: status, user, SKUs before and
/// after (friendly names), plan changes, error code and message, request-ids (the whole
/// `$batch`'s marked as such), started and finished (ISO 8601 UTC), and each step.
/// Formula-safe.
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
        "steps",
    ];
    csv::table(
        &header,
        report_rows(records, catalog).into_iter().map(|row| {
            let steps = row
                .steps
                .iter()
                .map(|step| format!("{}: {}", step.change, step.status))
                .collect::<Vec<_>>()
                .join("; ");
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
                row.request_ids
                    .iter()
                    .map(RequestIdRow::text)
                    .collect::<Vec<_>>()
                    .join("; "),
                row.started.unwrap_or_default(),
                row.finished.unwrap_or_default(),
                steps,
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

    /// A run of five users: one got a usage location and then E5 (two steps), one needed
    /// nothing, one was refused, one wasn't found and one was stopped for seats.
    fn five_users() -> Vec<JournalRecord> {
        let mut located = JournalRecord::new(
            0,
            RunItem::new("u1@x.com", Intent::SetUsageLocation("GB".into())),
        );
        located.status = Status::Done;
        located.write = Some(request::set_usage_location("id", "GB"));
        located.add_request_id(Some("own-0"), false);
        let mut added = replaced(1, Status::Done, None);
        added.index = 1;
        added.item.prerequisite = Some(0);
        added.add_request_id(Some("batch-1"), true);
        let mut nothing = JournalRecord::new(2, RunItem::new("n@x.com", Intent::Reprocess));
        nothing.status = Status::NoOp;
        let mut refused = replaced(3, Status::Refused, None);
        refused.write = None;
        refused.note = Some("Not yours to remove. Ask the group's owner.".into());
        let mut missing = JournalRecord::new(4, RunItem::new("gone@x.com", Intent::Reprocess));
        missing.status = Status::Failed;
        missing.error = Some(ErrorRecord {
            headline: "Not found".into(),
            what_to_do: String::new(),
            status: Some(404),
            code: Some("Request_ResourceNotFound".into()),
            message: "gone".into(),
            request_id: None,
            date: None,
        });
        let mut seatless = replaced(5, Status::NoSeats, None);
        seatless.write = None;
        vec![located, added, nothing, refused, missing, seatless]
    }

    #[test]
    fn the_report_has_one_row_per_user_whatever_became_of_them() {
        let catalog = Catalog::default();
        let records = five_users();
        let csv = report_csv(&records, &catalog);
        assert_eq!(csv.lines().count(), 1 + 5, "{csv}");
        let json: serde_json::Value =
            serde_json::from_str(&report_json(&records, &catalog)).unwrap();
        let rows = json.as_array().unwrap();
        let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(
            statuses,
            vec![
                "Done",
                "No change needed",
                "Refused",
                "User not found",
                "Stopped: no free seats"
            ]
        );
        assert_eq!(rows[0]["user"], "u1@x.com");
        assert_eq!(rows[0]["steps"].as_array().unwrap().len(), 2);
        assert_eq!(
            rows[0]["change"],
            "Usage location set to GB; Office 365 E3 → Office 365 E5"
        );
        // Each step's own request-id, else the batch's, marked.
        assert_eq!(rows[0]["requestIds"][0]["id"], "own-0");
        assert_eq!(rows[0]["requestIds"][0]["ofBatch"], false);
        assert_eq!(rows[0]["requestIds"][1]["id"], "batch-1");
        assert_eq!(rows[0]["requestIds"][1]["ofBatch"], true);
        assert!(csv.contains("own-0; batch-1 (the whole $batch's"), "{csv}");
        assert_eq!(
            aggregate(&records, &catalog),
            vec![
                "Usage location set to GB; Office 365 E3 → Office 365 E5: 1 user".to_string(),
                "No change needed: 1 user".to_string(),
                "Not sent: Not yours to remove.: 1 user".to_string(),
                "User not found: 1 user".to_string(),
                "Stopped: no free seats: 1 user".to_string(),
            ]
        );
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
