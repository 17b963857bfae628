//! A bulk run as it is saved, so that it can be resumed after the tab was closed or in
//! another browser: a typed header (which run, which tenant, how it was asked for) with
//! the journal format's version, and the run's records.
//!
//! The format is versioned. A header this version can't read is never dropped or
//! replaced: it is reported by name with the version that wrote it
//! ([`UnreadableRun`]), and stays where it is. Version 1 kept the run's operation and
//! options as a JSON string inside the header (`specJson`); it is still read, and a
//! string that can't be read makes the run unreadable rather than silently falling back
//! to default options.

use crate::bulk::operation::BulkOperation;
use crate::ops::Options;
use serde::{Deserialize, Serialize};

/// The journal format this version writes.
pub const JOURNAL_VERSION: u32 = 2;

/// How a run was asked for: saved with its journal so it resumes exactly as it began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSpec {
    pub title: String,
    /// The run's number in this browser session ("Run 2"), so a retry or an undo can
    /// name the run it comes from; 0 for a preview, or a run saved without one.
    #[serde(default)]
    pub number: u32,
    #[serde(default)]
    pub operation: Option<BulkOperation>,
    pub options: Options,
}

/// What the resume offer shows about a saved run, and what it needs to start it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunHeader {
    /// The journal format that wrote it ([`JOURNAL_VERSION`]).
    pub version: u32,
    /// Unique per run.
    pub run_id: String,
    /// The tenant (`tid`) the run works on; runs are only offered to the same tenant.
    pub tenant_id: String,
    /// Shown in the offer, e.g. "Reprocess 2,000 users".
    pub title: String,
    pub started_ms: u64,
    pub total: usize,
    pub spec: RunSpec,
    pub finished: bool,
}

impl RunHeader {
    /// The header of a new run, in this version's format.
    pub fn new(
        run_id: String,
        tenant_id: String,
        spec: RunSpec,
        started_ms: u64,
        total: usize,
    ) -> Self {
        RunHeader {
            version: JOURNAL_VERSION,
            run_id,
            tenant_id,
            title: spec.title.clone(),
            started_ms,
            total,
            spec,
            finished: false,
        }
    }

    /// Reads a saved header of any version this one can read (as JSON).
    pub fn read(value: serde_json::Value) -> Result<RunHeader, UnreadableRun> {
        let probe: HeaderProbe = serde_json::from_value(value.clone()).unwrap_or_default();
        let unreadable = |detail: String| UnreadableRun {
            run_id: probe.run_id.clone(),
            tenant_id: probe.tenant_id.clone(),
            title: probe.title.clone(),
            version: Some(probe.version.unwrap_or(1)),
            detail,
        };
        match probe.version {
            Some(JOURNAL_VERSION) => {
                serde_json::from_value(value).map_err(|e| unreadable(e.to_string()))
            }
            Some(other) => Err(unreadable(format!(
                "this version of License Desk reads journal version {JOURNAL_VERSION}, not {other}"
            ))),
            // Version 1 had no version field and kept the spec as a JSON string.
            None => {
                let old: HeaderV1 =
                    serde_json::from_value(value).map_err(|e| unreadable(e.to_string()))?;
                let spec = serde_json::from_str::<RunSpec>(&old.spec_json).map_err(|e| {
                    unreadable(format!("its operation and options can't be read ({e})"))
                })?;
                Ok(RunHeader {
                    version: JOURNAL_VERSION,
                    run_id: old.run_id,
                    tenant_id: old.tenant_id,
                    title: old.title,
                    started_ms: old.started_ms,
                    total: old.total,
                    spec,
                    finished: old.finished,
                })
            }
        }
    }
}

/// A header of journal version 1.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeaderV1 {
    run_id: String,
    tenant_id: String,
    title: String,
    started_ms: u64,
    total: usize,
    spec_json: String,
    finished: bool,
}

/// What can be told of any saved header, readable or not.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeaderProbe {
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    run_id: Option<String>,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

/// A saved run this version can't read: what is known of it, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadableRun {
    pub run_id: Option<String>,
    pub tenant_id: Option<String>,
    pub title: Option<String>,
    /// The journal version that wrote it, when it says.
    pub version: Option<u32>,
    pub detail: String,
}

impl UnreadableRun {
    /// The admin's words for it: which run, which version, why, and that it is kept.
    pub fn describe(&self) -> String {
        let name = self
            .title
            .as_deref()
            .map_or("A saved bulk run".to_string(), |title| {
                format!("The saved bulk run “{title}”")
            });
        let version = self
            .version
            .map_or("an unknown journal version".to_string(), |v| {
                format!("journal version {v}")
            });
        format!(
            "{name} ({version}) can't be read by this version of License Desk: {}. It was left in this browser's storage, untouched.",
            self.detail
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::WriteBudget;

    fn spec() -> RunSpec {
        RunSpec {
            title: "Reprocess 3 users".into(),
            number: 0,
            operation: Some(BulkOperation::Reprocess),
            options: Options {
                max_in_flight: 6,
                write_budget: WriteBudget {
                    writes: 600,
                    window_ms: 30_000,
                },
                ..Options::default()
            },
        }
    }

    #[test]
    fn a_header_reads_back_as_it_was_written() {
        let header = RunHeader::new(
            "run-1".into(),
            "tenant-a".into(),
            spec(),
            1_700_000_000_000,
            3,
        );
        let json = serde_json::to_value(&header).unwrap();
        assert_eq!(json["version"], JOURNAL_VERSION);
        assert_eq!(
            json["spec"]["options"]["maxInFlight"], 6,
            "typed, not a string"
        );
        assert_eq!(RunHeader::read(json).unwrap(), header);
    }

    #[test]
    fn a_version_1_header_is_read_with_its_spec() {
        let v1 = serde_json::json!({
            "runId": "run-1", "tenantId": "tenant-a", "title": "Reprocess 3 users",
            "startedMs": 1_700_000_000_000u64, "total": 3, "finished": false,
            "specJson": serde_json::to_string(&spec()).unwrap(),
        });
        let header = RunHeader::read(v1).unwrap();
        assert_eq!(header.spec, spec());
        assert_eq!(header.version, JOURNAL_VERSION);
    }

    #[test]
    fn a_header_that_cant_be_read_is_named_with_its_version_never_defaulted() {
        let broken_spec = serde_json::json!({
            "runId": "run-1", "tenantId": "tenant-a", "title": "Reprocess 3 users",
            "startedMs": 1, "total": 3, "finished": false, "specJson": "{not json",
        });
        let unreadable = RunHeader::read(broken_spec).unwrap_err();
        assert_eq!(unreadable.version, Some(1));
        assert_eq!(unreadable.title.as_deref(), Some("Reprocess 3 users"));
        assert!(unreadable
            .describe()
            .contains("“Reprocess 3 users” (journal version 1)"));

        let newer = serde_json::json!({"version": 9, "runId": "run-2", "tenantId": "t", "title": "Undo of run 2"});
        let unreadable = RunHeader::read(newer).unwrap_err();
        assert_eq!(unreadable.version, Some(9));
        assert!(
            unreadable
                .describe()
                .contains("reads journal version 2, not 9"),
            "{}",
            unreadable.describe()
        );
        assert!(unreadable
            .describe()
            .contains("left in this browser's storage"));
    }
}
