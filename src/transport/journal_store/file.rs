//! The journal as a downloadable file, and loading one back.
//!
//! When the browser can't keep a run (private browsing, storage full) the admin downloads
//! the journal instead; loading it must refuse anything that is not a complete journal,
//! because a resumed run trusts each record's status to skip finished users.

use super::error::StoreError;
use super::RunHeader;
use license_desk_core::ops::JournalRecord;
use serde::{Deserialize, Serialize};

/// Marks a file as a License Desk journal.
pub const FORMAT: &str = "license-desk-journal";
/// The file layout's version; a newer one is refused with a clear message. Version 1
/// files (whose header kept the run's options as JSON text) are still read.
pub const VERSION: u64 = 2;

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u64,
    header: &'a RunHeader,
    records: &'a [JournalRecord],
}

/// Just enough to tell a journal from any other JSON before reading it in full.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u64>,
}

#[derive(Deserialize)]
struct FileIn {
    /// Read through [`RunHeader::read`], which knows every header version.
    header: serde_json::Value,
    records: Vec<JournalRecord>,
}

pub fn to_file_json(header: &RunHeader, records: &[JournalRecord]) -> String {
    serde_json::to_string(&FileOut {
        format: FORMAT,
        version: VERSION,
        header,
        records,
    })
    .expect("a journal always serialises")
}

/// Reads a journal file: its header and every record, in index order.
pub fn from_file_json(text: &str) -> Result<(RunHeader, Vec<JournalRecord>), StoreError> {
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| {
        StoreError::not_a_journal(if e.is_syntax() || e.is_eof() {
            format!("it is not JSON ({e}).")
        } else {
            format!("it is JSON, but not a journal ({e}).")
        })
    })?;
    if envelope.format.as_deref() != Some(FORMAT) {
        return Err(StoreError::not_a_journal(format!(
            "it does not say \"format\": \"{FORMAT}\"."
        )));
    }
    match envelope.version {
        Some(1 | VERSION) => {}
        Some(newer) if newer > VERSION => return Err(StoreError::newer_journal(newer)),
        _ => {
            return Err(StoreError::not_a_journal(
                "its journal format version is missing or unknown.",
            ))
        }
    }
    let file: FileIn = serde_json::from_str(text).map_err(|e| {
        StoreError::inconsistent_journal(format!("its header or records can't be read ({e})."))
    })?;
    let header = RunHeader::read(file.header).map_err(|unreadable| {
        StoreError::inconsistent_journal(format!(
            "its header can't be read ({}).",
            unreadable.detail
        ))
    })?;
    let mut records = file.records;
    records.sort_by_key(|record| record.index);
    check_consistent(&header, &records)?;
    Ok((header, records))
}

/// A resumable journal has one record per item, numbered from 0, and a run id.
fn check_consistent(header: &RunHeader, sorted: &[JournalRecord]) -> Result<(), StoreError> {
    if header.run_id.trim().is_empty() {
        return Err(StoreError::inconsistent_journal("its run has no id."));
    }
    if sorted.len() != header.total {
        return Err(StoreError::inconsistent_journal(format!(
            "its header says {} users, but it holds {} records.",
            header.total,
            sorted.len()
        )));
    }
    if let Some((position, record)) = sorted
        .iter()
        .enumerate()
        .find(|(position, record)| record.index != *position)
    {
        let why = if position > 0 && sorted[position - 1].index == record.index {
            format!("it holds two records for item {}.", record.index)
        } else {
            format!("the record for item {position} is missing.")
        };
        return Err(StoreError::inconsistent_journal(why));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use license_desk_core::ops::{Intent, RunItem, Status};

    fn header(total: usize) -> RunHeader {
        let spec = super::super::RunSpec {
            title: "Reprocess 3 users".into(),
            number: 0,
            operation: Some(license_desk_core::bulk::BulkOperation::Reprocess),
            options: license_desk_core::ops::Options::default(),
        };
        RunHeader::new(
            "run-1".into(),
            "tenant-a".into(),
            spec,
            1_700_000_000_000,
            total,
        )
    }

    fn records(n: usize) -> Vec<JournalRecord> {
        (0..n)
            .map(|i| {
                let mut record = JournalRecord::new(
                    i,
                    RunItem::new(format!("user{i}@contoso.com"), Intent::Reprocess),
                );
                if i == 1 {
                    record.status = Status::Done;
                    record.note = Some("reprocessed".into());
                }
                record
            })
            .collect()
    }

    #[test]
    fn a_journal_file_round_trips() {
        let text = to_file_json(&header(3), &records(3));
        assert!(text.starts_with(r#"{"format":"license-desk-journal","version":2,"#));
        assert_eq!(from_file_json(&text).unwrap(), (header(3), records(3)));
    }

    #[test]
    fn records_come_back_in_index_order_whatever_the_file_order() {
        let mut shuffled = records(3);
        shuffled.reverse();
        let (_, loaded) = from_file_json(&to_file_json(&header(3), &shuffled)).unwrap();
        assert_eq!(loaded, records(3));
    }

    #[test]
    fn text_that_is_not_json_is_refused_as_not_a_journal() {
        let error = from_file_json("user,license\nadele@contoso.com,E5\n").unwrap_err();
        assert_eq!(error.what, "This file is not a License Desk journal");
        assert!(error.why.starts_with("it is not JSON"), "{error}");
    }

    #[test]
    fn other_json_is_refused_as_not_a_journal() {
        for text in [
            "[1, 2, 3]",
            r#"{"value":[{"id":"1"}]}"#,
            r#"{"format":"activity-log","version":1}"#,
        ] {
            let error = from_file_json(text).unwrap_err();
            assert_eq!(
                error.what, "This file is not a License Desk journal",
                "{text}"
            );
        }
    }

    #[test]
    fn a_newer_journal_format_asks_for_a_newer_version() {
        let text =
            to_file_json(&header(3), &records(3)).replacen(r#""version":2"#, r#""version":3"#, 1);
        let error = from_file_json(&text).unwrap_err();
        assert!(error.why.contains("journal format 3"), "{error}");
    }

    #[test]
    fn a_version_1_file_is_still_read() {
        let v1_header = serde_json::json!({
            "runId": "run-1", "tenantId": "tenant-a", "title": "Reprocess 3 users",
            "startedMs": 1_700_000_000_000u64, "total": 3, "finished": false,
            "specJson": serde_json::to_string(&header(3).spec).unwrap(),
        });
        let text = serde_json::json!({
            "format": FORMAT, "version": 1, "header": v1_header, "records": records(3),
        })
        .to_string();
        assert_eq!(from_file_json(&text).unwrap(), (header(3), records(3)));
    }

    #[test]
    fn a_journal_with_a_broken_record_is_refused() {
        let text = to_file_json(&header(3), &records(3))
            .replace(r#""status":"done""#, r#""status":"maybe""#);
        let error = from_file_json(&text).unwrap_err();
        assert_eq!(error.what, "This journal file is damaged");
        assert!(error.why.contains("maybe"), "{error}");
    }

    #[test]
    fn records_must_match_the_header() {
        let missing = from_file_json(&to_file_json(&header(4), &records(3))).unwrap_err();
        assert!(
            missing.why.contains("says 4 users, but it holds 3"),
            "{missing}"
        );

        let mut twice = records(3);
        twice[2].index = 1;
        let duplicate = from_file_json(&to_file_json(&header(3), &twice)).unwrap_err();
        assert!(
            duplicate.why.contains("two records for item 1"),
            "{duplicate}"
        );

        let mut gap = records(3);
        gap[1].index = 5;
        let hole = from_file_json(&to_file_json(&header(3), &gap)).unwrap_err();
        assert!(hole.why.contains("record for item 1 is missing"), "{hole}");

        let mut no_id = header(3);
        no_id.run_id = " ".into();
        let unnamed = from_file_json(&to_file_json(&no_id, &records(3))).unwrap_err();
        assert!(unnamed.why.contains("no id"), "{unnamed}");
    }
}
