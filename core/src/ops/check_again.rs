//! "Check again": what a read of the user, taken after a run ended, shows of a write the
//! run left [`Status::Unknown`].
//!
//! A single change stops after two sends or 40 s; when Graph never answered clearly and
//! no read showed the write in time, it ends unknown and is never sent again on a guess.
//! The admin's "Check again" reads the user and compares with what the write would have
//! changed, from the same rules the run's own check reads use: the change shows (it was
//! applied); or it doesn't, long enough after the last send that Entra ID would show it by
//! now (it was not applied); or too soon to tell; or, for a reprocess of a user with no
//! license from a group, no read can tell.

use super::intent::Decision;
use super::journal::{JournalRecord, Settlement, Status};
use super::notes;
use crate::graph::model::User;
use crate::licensing::catalog::Catalog;
use crate::licensing::diff::LicenseDiff;

/// What the read shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckedAgain {
    /// The change shows: it was applied (once; nothing was sent again).
    Applied,
    /// The change doesn't show, and the last send was long enough ago that it would: it
    /// was not applied. Nothing was sent again.
    NotApplied,
    /// The change doesn't show yet, but Entra ID may still be showing it: check again
    /// from `at_ms`.
    TooSoon { at_ms: u64 },
    /// No read can show whether this write was applied.
    CannotTell,
}

impl JournalRecord {
    /// Compares `user`, read at `now_ms`, with what this unknown write would have changed.
    /// `window_ms` is how long after a send a read may still not show it (the run's
    /// check window cap). Returns what the read shows and the record as it now stands.
    pub fn check_again(
        &self,
        user: &User,
        catalog: &Catalog,
        now_ms: u64,
        window_ms: u64,
    ) -> (CheckedAgain, JournalRecord) {
        let mut record = self.clone();
        let Some(before) = self.before.as_ref() else {
            return (CheckedAgain::CannotTell, record);
        };
        let target = if before.id.as_str().is_empty() {
            self.item.user.clone()
        } else {
            before.id.to_string()
        };
        let expect = match self.item.intent.decide(&target, before, catalog) {
            Decision::Write { expect, .. } => expect,
            _ => return (CheckedAgain::CannotTell, record),
        };
        if expect.shows(before, user) {
            record.status = Status::Done;
            record.settlement = Some(Settlement::Shown);
            record.after = Some(user.clone());
            record.diff = Some(LicenseDiff::between(before, user, catalog));
            record.note = Some(notes::CHECKED_AGAIN_APPLIED.into());
            record.error = None;
            record.times.finished_ms = Some(now_ms);
            return (CheckedAgain::Applied, record);
        }
        if !expect.absence_is_evidence(before) {
            return (CheckedAgain::CannotTell, record);
        }
        let settled_from = self
            .times
            .last_sent_ms
            .unwrap_or(0)
            .saturating_add(window_ms);
        if now_ms < settled_from {
            return (
                CheckedAgain::TooSoon {
                    at_ms: settled_from,
                },
                record,
            );
        }
        record.status = Status::Failed;
        record.after = Some(user.clone());
        record.note = Some(notes::CHECKED_AGAIN_NOT_APPLIED.into());
        record.times.finished_ms = Some(now_ms);
        (CheckedAgain::NotApplied, record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::UserId;
    use crate::ops::intent::{Intent, RunItem};

    fn in_country(code: &str) -> User {
        User {
            id: UserId::new("00000000-0000-4000-8000-000000000001"),
            usage_location: Some(code.into()),
            ..Default::default()
        }
    }

    /// A usage-location change to JP from US, left unknown after a send at 1,000 ms.
    fn unknown() -> JournalRecord {
        let item = RunItem::new(
            "user1@contoso.example",
            Intent::SetUsageLocation("JP".into()),
        );
        let mut record = JournalRecord::new(0, item);
        record.status = Status::Unknown;
        record.attempts = 2;
        record.before = Some(in_country("US"));
        record.times.last_sent_ms = Some(1_000);
        record
    }

    #[test]
    fn a_read_that_shows_the_change_says_it_was_applied() {
        let catalog = Catalog::new(Vec::new());
        let (checked, record) = unknown().check_again(&in_country("JP"), &catalog, 2_000, 15_000);
        assert_eq!(checked, CheckedAgain::Applied);
        assert_eq!(record.status, Status::Done);
        assert_eq!(record.settlement, Some(Settlement::Shown));
        assert_eq!(record.attempts, 2, "nothing was sent again");
    }

    #[test]
    fn a_read_long_after_the_last_send_that_doesnt_show_it_says_not_applied() {
        let catalog = Catalog::new(Vec::new());
        let (checked, record) = unknown().check_again(&in_country("US"), &catalog, 16_000, 15_000);
        assert_eq!(checked, CheckedAgain::NotApplied);
        assert_eq!(record.status, Status::Failed);
        assert_eq!(record.attempts, 2, "nothing was sent again");
    }

    #[test]
    fn a_read_too_soon_after_the_last_send_says_when_to_look_again() {
        let catalog = Catalog::new(Vec::new());
        let (checked, record) = unknown().check_again(&in_country("US"), &catalog, 5_000, 15_000);
        assert_eq!(checked, CheckedAgain::TooSoon { at_ms: 16_000 });
        assert_eq!(record.status, Status::Unknown);
    }

    #[test]
    fn a_reprocess_no_read_can_show_cannot_be_told() {
        let catalog = Catalog::new(Vec::new());
        let mut record = unknown();
        record.item.intent = Intent::Reprocess;
        let (checked, _) = record.check_again(&in_country("US"), &catalog, 60_000, 15_000);
        assert_eq!(checked, CheckedAgain::CannotTell);
    }
}
