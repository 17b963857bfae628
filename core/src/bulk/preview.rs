//! A dry run's answer: who would change, who is skipped and why, what needs a tick, and
//! whether there are seats for it, before anything is written.
//!
//! The dry run's journal holds, per user, the read, the planned write and the planner's
//! warnings. [`Preview`] groups them for the admin; [`run_items`] turns the planned users
//! into the real run, each acknowledging only the warnings the admin ticked, so a user who
//! changed since the preview in a way that raises a new warning is refused, not written.

use super::user_label;
use super::users::not_found;
use crate::graph::ids::SkuId;
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::Warning;
use crate::lists::csv;
use crate::ops::seats::seats_taken_by;
use crate::ops::{ErrorRecord, Intent, JournalRecord, RunItem, Status};
use serde::Serialize;

/// One warning and the users it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WarningGroup {
    pub warning: Warning,
    pub text: String,
    pub users: Vec<String>,
    pub needs_ack: bool,
}

/// One reason a user is skipped, and the users it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonGroup {
    pub reason: String,
    pub users: Vec<String>,
}

/// Seats of one SKU the run would take, against the free seats the tenant reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatNeed {
    pub sku: SkuId,
    pub name: String,
    pub needed: i64,
    /// `None` when Graph did not report the counts.
    pub free: Option<i64>,
}

impl SeatNeed {
    /// True when fewer seats are free than the run needs.
    pub fn short(&self) -> bool {
        self.free.is_some_and(|free| free < self.needed)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub total: usize,
    pub will_change: usize,
    pub no_change: usize,
    pub refused: usize,
    pub not_found: Vec<String>,
    pub failed: Vec<(String, ErrorRecord)>,
    pub refusals: Vec<ReasonGroup>,
    /// Users who need nothing, grouped by why (already holds it, no license from a
    /// group to reprocess…).
    pub unchanged: Vec<ReasonGroup>,
    pub warnings: Vec<WarningGroup>,
    pub seats: Vec<SeatNeed>,
    pub missing_usage_location: Vec<String>,
    /// What the run will change, in the form of the writes it will send ("Office 365 E5 →
    /// Office 365 E3: 300 users"), one line per kind of change.
    pub changes: Vec<String>,
}

/// Adds `who` to the group for `record`'s note, or starts one.
fn group_by_reason(groups: &mut Vec<ReasonGroup>, record: &JournalRecord, who: String) {
    let reason = record.note.clone().unwrap_or_default();
    match groups.iter_mut().find(|g| g.reason == reason) {
        Some(group) => group.users.push(who),
        None => groups.push(ReasonGroup {
            reason,
            users: vec![who],
        }),
    }
}

/// The error of a record that did not end as planned, made up from its note if Graph
/// sent none.
fn error_of(record: &JournalRecord) -> ErrorRecord {
    record.error.clone().unwrap_or_else(|| ErrorRecord {
        headline: crate::wording::bulk::status_words(record.status).to_string(),
        what_to_do: String::new(),
        status: None,
        code: None,
        message: record.note.clone().unwrap_or_default(),
        request_id: record.request_ids.last().cloned(),
        date: None,
    })
}

fn lacks_usage_location(record: &JournalRecord) -> bool {
    record.warnings.contains(&Warning::MissingUsageLocation)
}

impl Preview {
    pub fn from_journal(records: &[JournalRecord], catalog: &Catalog) -> Preview {
        let mut preview = Preview {
            total: records.len(),
            ..Preview::default()
        };
        let planned: Vec<JournalRecord> = records
            .iter()
            .filter(|record| record.status == Status::Planned)
            .cloned()
            .collect();
        preview.changes = super::report::aggregate(&planned, catalog);
        for record in records {
            let who = user_label(record);
            match record.status {
                Status::Planned => {
                    preview.will_change += 1;
                    for warning in &record.warnings {
                        match preview.warnings.iter_mut().find(|g| &g.warning == warning) {
                            Some(group) => group.users.push(who.clone()),
                            None => preview.warnings.push(WarningGroup {
                                warning: warning.clone(),
                                text: warning.describe(catalog),
                                users: vec![who.clone()],
                                needs_ack: warning.needs_ack(),
                            }),
                        }
                    }
                    if lacks_usage_location(record) {
                        preview.missing_usage_location.push(who.clone());
                    }
                    if let (Some(before), Some(write)) = (&record.before, &record.write) {
                        for sku in seats_taken_by(before, write) {
                            match preview.seats.iter_mut().find(|need| need.sku == sku) {
                                Some(need) => need.needed += 1,
                                None => preview.seats.push(SeatNeed {
                                    name: catalog.sku_name(&sku),
                                    free: catalog.sku(&sku).and_then(|s| s.known_free_seats()),
                                    sku,
                                    needed: 1,
                                }),
                            }
                        }
                    }
                }
                Status::NoOp => {
                    preview.no_change += 1;
                    group_by_reason(&mut preview.unchanged, record, who);
                }
                Status::Refused => {
                    preview.refused += 1;
                    group_by_reason(&mut preview.refusals, record, who);
                }
                _ if not_found(record) => preview.not_found.push(record.item.user.clone()),
                _ => preview.failed.push((who, error_of(record))),
            }
        }
        preview
    }

    /// True when some SKU has fewer free seats than the run needs.
    pub fn seats_short(&self) -> bool {
        self.seats.iter().any(SeatNeed::short)
    }
}

/// The real run's items from a dry run: only users that will change (status Planned), each
/// with the intent it was previewed with and acknowledging the ticked warnings; when
/// `usage_location` is Some(country), users missing one get a SetUsageLocation item first
/// and their change item has it as prerequisite.
pub fn run_items(
    records: &[JournalRecord],
    ticked: &[Warning],
    usage_location: Option<&str>,
) -> Vec<RunItem> {
    let mut items = Vec::new();
    for record in records.iter().filter(|r| r.status == Status::Planned) {
        let acknowledged: Vec<Warning> = record
            .warnings
            .iter()
            .filter(|warning| ticked.contains(warning))
            .cloned()
            .collect();
        let user = record.item.user.clone();
        // The planner warns exactly when Graph would refuse the write for it.
        let missing = lacks_usage_location(record);
        let mut item =
            RunItem::new(user.clone(), record.item.intent.clone()).acknowledging(acknowledged);
        if let (Some(country), true) = (usage_location, missing) {
            items.push(RunItem::new(
                user,
                Intent::SetUsageLocation(country.trim().to_ascii_uppercase()),
            ));
            item = item.after(items.len() - 1);
        }
        items.push(item);
    }
    items
}

/// The real run's journal from a dry run: every user of the preview, in order. Users who
/// will change get fresh records, as [`run_items`] makes them; users who need nothing,
/// were refused or weren't found keep their dry-run record as it ended, so the run's
/// results and report account for every user the admin asked about.
pub fn run_journal(
    records: &[JournalRecord],
    ticked: &[Warning],
    usage_location: Option<&str>,
) -> Vec<JournalRecord> {
    let mut journal: Vec<JournalRecord> = Vec::new();
    for record in records {
        if record.status == Status::Planned {
            let first = journal.len();
            for item in run_items(std::slice::from_ref(record), ticked, usage_location) {
                let item = match item.prerequisite {
                    Some(at) => item.after(first + at),
                    None => item,
                };
                journal.push(JournalRecord::new(journal.len(), item));
            }
        } else {
            let mut kept = record.clone();
            kept.index = journal.len();
            kept.item.prerequisite = None;
            journal.push(kept);
        }
    }
    journal
}

/// The outcome of a dry-run record in a word or two.
fn outcome(record: &JournalRecord) -> &'static str {
    match record.status {
        Status::Planned => "will change",
        Status::NoOp => "no change",
        Status::Refused => "refused",
        _ if not_found(record) => "not found",
        Status::Failed => "failed",
        other => crate::wording::bulk::status_words(other),
    }
}

fn request_line(record: &JournalRecord) -> String {
    record
        .write
        .as_ref()
        .map(|w| format!("{} {}", w.method.as_str(), w.path))
        .unwrap_or_default()
}

fn reason(record: &JournalRecord) -> String {
    match record.status {
        Status::Planned => String::new(),
        _ => record
            .error
            .as_ref()
            .map(|e| format!("{} {}", e.headline, e.message).trim().to_string())
            .or_else(|| record.note.clone())
            .unwrap_or_default(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreviewRow {
    user: String,
    display_name: Option<String>,
    user_principal_name: Option<String>,
    outcome: &'static str,
    request: String,
    body: Option<serde_json::Value>,
    warnings: Vec<String>,
    reason: String,
}

fn rows(records: &[JournalRecord], catalog: &Catalog) -> Vec<PreviewRow> {
    records
        .iter()
        .map(|record| PreviewRow {
            user: record.item.user.clone(),
            display_name: record.before.as_ref().and_then(|u| u.display_name.clone()),
            user_principal_name: record
                .before
                .as_ref()
                .and_then(|u| u.user_principal_name.clone()),
            outcome: outcome(record),
            request: request_line(record),
            body: record
                .write
                .as_ref()
                .and_then(|w| w.body.as_deref())
                .and_then(|b| serde_json::from_str(b).ok()),
            warnings: record
                .warnings
                .iter()
                .map(|w| w.describe(catalog))
                .collect(),
            reason: reason(record),
        })
        .collect()
}

/// Per user: user, outcome, planned request and body, warnings, reason.
pub fn preview_csv(records: &[JournalRecord], catalog: &Catalog) -> String {
    let header = [
        "user",
        "displayName",
        "userPrincipalName",
        "outcome",
        "request",
        "body",
        "warnings",
        "reason",
    ];
    csv::table(
        &header,
        rows(records, catalog).into_iter().map(|row| {
            vec![
                row.user,
                row.display_name.unwrap_or_default(),
                row.user_principal_name.unwrap_or_default(),
                row.outcome.to_string(),
                row.request,
                row.body.map(|b| b.to_string()).unwrap_or_default(),
                row.warnings.join(" | "),
                row.reason,
            ]
        }),
    )
}

/// The same rows as JSON, bodies as JSON values.
pub fn preview_json(records: &[JournalRecord], catalog: &Catalog) -> String {
    serde_json::to_string_pretty(&rows(records, catalog)).expect("preview rows serialise")
}
