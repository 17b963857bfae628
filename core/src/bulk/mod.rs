//! Bulk changes: one operation for thousands of users, previewed first, then run.
//!
//! The admin pastes or uploads a list of users ([`input`]), picks an operation
//! ([`operation`]) and starts a dry run of the operations engine: every user is read and
//! planned with the same planner as the single-user screen, and nothing is written. The
//! dry run's journal becomes the [`preview`] (who changes, who is skipped and why, which
//! warnings need a tick, how many seats it takes); its planned items become the real
//! run's items. After the run, [`report`] summarises and exports it, [`undo`] builds the
//! inverse run, and [`rate`] feeds the live chart and the time left.

pub mod input;
pub mod operation;
pub mod preview;
pub mod rate;
pub mod report;
pub mod saved;
pub mod undo;
pub mod users;

pub use input::{merge_sources, parse_users, BadLine, Identifier, ParsedUsers};
pub use operation::BulkOperation;
pub use preview::{
    preview_csv, preview_json, run_items, run_journal, Preview, ReasonGroup, SeatNeed, WarningGroup,
};
pub use rate::{eta_ms, RateMeter};
pub use report::{aggregate, change_summary, report_csv, report_json, user_change};
pub use undo::{has_undo, retry_failed_items, undo_items, undo_journal};
pub use users::{by_user, UserCounts, UserSteps};

use crate::ops::JournalRecord;
use crate::wording;

/// The user of a record as the admin knows them: what was typed, and who it is.
pub fn user_label(record: &JournalRecord) -> String {
    let user = record.before.as_ref().or(record.after.as_ref());
    wording::bulk::user_label(
        &record.item.user,
        user.and_then(|u| u.display_name.as_deref()),
        user.and_then(|u| u.user_principal_name.as_deref()),
    )
}

/// Unix milliseconds as ISO 8601 UTC, to the second: `2027-01-15T08:00:00Z`.
pub fn iso_utc(ms: u64) -> String {
    let seconds = ms / 1000;
    let (days, rest) = ((seconds / 86_400) as i64, seconds % 86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_are_utc_seconds() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_800_000_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(iso_utc(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(1_709_251_199_999), "2024-02-29T23:59:59Z");
    }
}
