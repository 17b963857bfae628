//! What goes wrong when a run's journal is saved, read or loaded from a file, in the
//! three parts the admin needs: what failed, why, and what to do now.
//!
//! The browser reports IndexedDB failures as `DOMException` names; they are turned into
//! plain sentences here, so the screen shows them as they are.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub what: String,
    pub why: String,
    pub what_to_do: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}", self.what, self.why, self.what_to_do)
    }
}

impl std::error::Error for StoreError {}

/// What the store was doing when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Doing {
    Saving,
    Reading,
    Discarding,
}

impl Doing {
    fn what(self) -> &'static str {
        match self {
            Doing::Saving => "The run's journal could not be saved in this browser",
            Doing::Reading => "Saved runs could not be read",
            Doing::Discarding => "Saved runs could not be deleted",
        }
    }
}

impl StoreError {
    fn new(what: impl Into<String>, why: impl Into<String>, what_to_do: impl Into<String>) -> Self {
        StoreError {
            what: what.into(),
            why: why.into(),
            what_to_do: what_to_do.into(),
        }
    }

    /// IndexedDB is missing or refused (private browsing, storage blocked for the site).
    pub(crate) fn unavailable(detail: &str) -> Self {
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        };
        StoreError::new(
            "This run can't be saved in this browser",
            format!(
                "the browser's database (IndexedDB) is not available here{detail}: private browsing or a setting that blocks site storage can cause this."
            ),
            "Open License Desk in a window that isn't private, or allow this site to store data, and resume the run; download the journal to keep what was done so far.",
        )
    }

    /// A failure reported by the browser as a `DOMException` `name` and `message`.
    pub(crate) fn from_dom(doing: Doing, name: &str, message: &str) -> Self {
        match name {
            "QuotaExceededError" => StoreError::new(
                doing.what(),
                "the browser's storage for this site is full.",
                "Download the journal to keep it. To make room, discard saved runs or clear this site's data in the browser's settings, then resume the run.",
            ),
            "SecurityError" | "InvalidStateError" => StoreError::unavailable(message),
            _ => {
                let name = if name.is_empty() { "UnknownError" } else { name };
                let message = if message.is_empty() {
                    String::new()
                } else {
                    format!(": {message}")
                };
                StoreError::new(
                    doing.what(),
                    format!("the browser's database answered {name}{message}."),
                    match doing {
                        Doing::Saving => "Download the journal to keep what was done so far, and resume the run to try again.",
                        Doing::Reading => "Reload the page to try again. New runs are still saved.",
                        Doing::Discarding => {
                            "Reload the page to try again, or clear this site's data in the browser's settings."
                        }
                    },
                )
            }
        }
    }

    /// A saved value that this version cannot read (saved by another version, or damaged).
    pub(crate) fn unreadable_saved_run(title: &str, detail: &str) -> Self {
        StoreError::new(
            format!("The saved run \u{201c}{title}\u{201d} can't be resumed"),
            format!("its journal could not be read ({detail}); it may have been saved by another version of License Desk."),
            "Discard it (\u{201c}Sign out and forget\u{201d} removes every saved run). New runs are saved as usual.",
        )
    }

    /// A file that is not a journal this version can load.
    pub(crate) fn not_a_journal(why: impl Into<String>) -> Self {
        StoreError::new(
            "This file is not a License Desk journal",
            why,
            "Choose a journal file downloaded from License Desk (\u{201c}Download journal\u{201d}).",
        )
    }

    /// A journal file saved by a newer version.
    pub(crate) fn newer_journal(version: u64) -> Self {
        StoreError::new(
            "This journal can't be loaded by this version of License Desk",
            format!("it was saved in journal format {version}, which is newer than this version understands."),
            "Open it with the newest License Desk (reload the page to update).",
        )
    }

    /// A journal file whose records don't match its header.
    pub(crate) fn inconsistent_journal(why: impl Into<String>) -> Self {
        StoreError::new(
            "This journal file is damaged",
            why,
            "Use the original file downloaded from License Desk; a changed file can't be resumed safely.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_exceeded_says_storage_is_full_and_to_download() {
        let error = StoreError::from_dom(Doing::Saving, "QuotaExceededError", "ignored");
        assert!(
            error.why.contains("storage for this site is full"),
            "{error}"
        );
        assert!(
            error.what_to_do.starts_with("Download the journal"),
            "{error}"
        );
    }

    #[test]
    fn blocked_storage_reads_as_unavailable_with_the_browser_detail() {
        let error = StoreError::from_dom(
            Doing::Reading,
            "InvalidStateError",
            "A mutation operation was attempted on a database that did not allow mutations.",
        );
        assert_eq!(error.what, "This run can't be saved in this browser");
        assert!(error.why.contains("did not allow mutations"), "{error}");
    }

    #[test]
    fn other_failures_name_the_exception_and_what_was_being_done() {
        let error = StoreError::from_dom(Doing::Discarding, "AbortError", "");
        assert_eq!(error.what, "Saved runs could not be deleted");
        assert_eq!(error.why, "the browser's database answered AbortError.");
        let shown = error.to_string();
        assert!(
            shown.starts_with("Saved runs could not be deleted: the browser's database answered AbortError. Reload"),
            "{shown}"
        );
    }
}
