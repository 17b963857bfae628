//! The session's activity log: every request sent, with its status, `request-id` and
//! duration, for the admin and for support tickets. It never holds a token: entries are
//! built from the request's method and path only.
//!
//! Adding an entry costs the same with 10 or 10,000 entries already logged, the screen
//! shows the newest entries only, and the whole log can be exported.

use serde::Serialize;

/// One request as the log shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Position in the log, unique for the session: the key for rendering.
    pub seq: u64,
    /// `HH:MM:SS` UTC.
    pub at: String,
    pub method: &'static str,
    pub path: String,
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub duration_ms: u64,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActivityLog {
    entries: Vec<LogEntry>,
}

impl ActivityLog {
    /// Appends an entry, numbering it.
    pub fn push(&mut self, mut entry: LogEntry) {
        entry.seq = self.entries.len() as u64;
        self.entries.push(entry);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The newest `n` entries, newest first.
    pub fn newest(&self, n: usize) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().rev().take(n)
    }

    /// Every entry as CSV (formula-safe), oldest first.
    pub fn to_csv(&self) -> String {
        let header = [
            "time (UTC)",
            "method",
            "path",
            "status",
            "request-id",
            "duration ms",
            "note",
        ];
        crate::lists::csv::table(
            &header,
            self.entries.iter().map(|entry| {
                vec![
                    entry.at.clone(),
                    entry.method.to_string(),
                    entry.path.clone(),
                    entry
                        .status
                        .map_or_else(|| "no answer".into(), |s| s.to_string()),
                    entry.request_id.clone().unwrap_or_default(),
                    entry.duration_ms.to_string(),
                    entry.note.clone().unwrap_or_default(),
                ]
            }),
        )
    }

    /// Every entry as JSON, oldest first.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.entries).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> LogEntry {
        LogEntry {
            seq: 0,
            at: "12:00:00".into(),
            method: "GET",
            path: path.into(),
            status: Some(200),
            request_id: Some("r-1".into()),
            duration_ms: 5,
            note: None,
        }
    }

    #[test]
    fn entries_are_numbered_and_the_newest_come_first() {
        let mut log = ActivityLog::default();
        for i in 0..10_000 {
            log.push(entry(&format!("/users/{i}")));
        }
        let newest: Vec<u64> = log.newest(3).map(|e| e.seq).collect();
        assert_eq!(newest, vec![9_999, 9_998, 9_997]);
        assert_eq!(log.len(), 10_000);
    }

    #[test]
    fn exports_hold_every_entry_and_defuse_formulas() {
        let mut log = ActivityLog::default();
        log.push(LogEntry {
            note: Some("=1+1".into()),
            ..entry("/users/x")
        });
        log.push(entry("/subscribedSkus"));
        let csv = log.to_csv();
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.contains(",'=1+1\r\n"), "{csv}");
        assert!(log.to_json().contains("\"requestId\": \"r-1\""));
    }
}
