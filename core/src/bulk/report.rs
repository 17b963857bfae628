//! After a bulk run: a short line per user, totals per kind of change, and exports.
//!
//! Changes are described from the user as read before the write and the write itself,
//! so the description is the same whether or not Entra ID already showed the change;
//! users who got the same change are counted together and failures are grouped by
//! Graph's error code, which is what the admin acts on.

use super::iso_utc;
use super::preview::not_found;
use super::user_label;
use crate::catalog::Catalog;
use crate::csv;
use crate::diff::DiffEntry;
use crate::guid::Guid;
use crate::model::{AssignLicenseBody, User};
use crate::ops::{Intent, JournalRecord, Settlement, Status};
use crate::plan;
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
    let added: Vec<&Guid> = now.keys().filter(|sku| !was.contains_key(*sku)).collect();
    let removed: Vec<&Guid> = was.keys().filter(|sku| !now.contains_key(*sku)).collect();
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
            Some(Settlement::Shown) => words::REPROCESSED_CHANGED.to_string(),
            _ => words::REPROCESSED_NO_VISIBLE_CHANGE.to_string(),
        },
        Status::Done | Status::Planned | Status::Settling => {
            signature(record, catalog).unwrap_or_else(|| words::NOTHING_CHANGED.to_string())
        }
        Status::NoOp => words::NO_CHANGE_NEEDED.to_string(),
        Status::Refused => {
            words::not_sent(first_sentence(record.note.as_deref().unwrap_or_default()))
        }
        _ if not_found(record) => words::NOT_FOUND.to_string(),
        Status::Failed => words::failed(&error_code(record)),
        Status::Cancelled => words::CANCELLED.to_string(),
        Status::Unknown => words::OUTCOME_UNKNOWN.to_string(),
        Status::Waiting | Status::Sent => words::STILL_RUNNING.to_string(),
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
            None => (
                match record.status {
                    Status::NoOp => words::NO_CHANGE_NEEDED.to_string(),
                    Status::Refused => {
                        words::not_sent(first_sentence(record.note.as_deref().unwrap_or_default()))
                    }
                    _ if not_found(record) => words::NOT_FOUND.to_string(),
                    Status::Failed => words::failed(&error_code(record)),
                    Status::Cancelled => words::CANCELLED.to_string(),
                    _ => words::STILL_RUNNING.to_string(),
                },
                false,
            ),
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

fn sku_names(user: Option<&User>, catalog: &Catalog) -> String {
    let Some(user) = user else {
        return String::new();
    };
    let skus: BTreeSet<&Guid> = user
        .license_assignment_states
        .iter()
        .filter(|s| crate::effective::is_effective(s))
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
                sku_name,
                plan_name,
                enabled,
                ..
            } => Some(words::plan_switched(plan_name, sku_name, *enabled)),
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
            skus_after: sku_names(record.after.as_ref(), catalog),
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
    let mut out = csv::row(&[
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
    ]);
    for row in report_rows(records, catalog) {
        out.push_str(&csv::row(&[
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
        ]));
    }
    out
}

/// The same rows as JSON.
pub fn report_json(records: &[JournalRecord], catalog: &Catalog) -> String {
    serde_json::to_string_pretty(&report_rows(records, catalog)).expect("report rows serialise")
}
