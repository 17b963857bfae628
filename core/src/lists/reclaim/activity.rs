//! Whether an account is in use, from its sign-in record and its age.
//!
//! `signInActivity` holds three times: the last interactive sign-in, the last
//! non-interactive one (an app refreshing its token, such as mail on a phone) and the
//! last successful one (kept since 1 December 2023, not backfilled). A user is inactive
//! only when the **latest** of the three is older than the window: a mailbox read only on
//! a phone signs in non-interactively every day and is in use. Graph leaves the whole
//! property out for users who never signed in (or last did before April 2020); such a
//! user is waste only when the account is older than the window, since a user created
//! last week simply hasn't started yet. `createdDateTime` is `null` for some accounts
//! created before June 2018, which are older than any window.
//!
//! Sign-ins usually show within 6 hours and the last-sign-in time can take up to 24
//! hours, so a window shorter than a few days means little.

use crate::graph::dates::parse_iso_ms;
use crate::graph::model::User;
use serde::{Deserialize, Serialize};

/// The window the screen starts with, in days.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;

pub(crate) const DAY_MS: u64 = 86_400_000;

/// What the sign-in record says about one account at a given time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "activity", rename_all = "camelCase")]
pub enum Activity {
    /// Signed in, one way or another, within the window.
    #[serde(rename_all = "camelCase")]
    Recent { last_ms: u64 },
    /// No sign-in recorded yet, but the account is younger than the window.
    #[serde(rename_all = "camelCase")]
    New { created_ms: u64 },
    /// Not in use: [`Reason::Inactive`] or [`Reason::NeverSignedIn`], the user's reason
    /// to be in a section of the findings.
    Unused(Reason),
}

/// Why a user is in their section of the findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum Reason {
    /// The account can't sign in.
    Disabled,
    /// The latest sign-in of any kind is older than the window: `days` ago.
    #[serde(rename_all = "camelCase")]
    Inactive { last_ms: u64, days: u64 },
    /// No sign-in recorded, and the account is older than the window: created `days` ago.
    /// `created_ms` is `None` when Graph has no creation date (accounts created before
    /// June 2018).
    #[serde(rename_all = "camelCase")]
    NeverSignedIn {
        created_ms: Option<u64>,
        days: Option<u64>,
    },
}

/// The latest sign-in of any kind, in Unix milliseconds.
pub fn last_activity_ms(user: &User) -> Option<u64> {
    user.sign_in_activity.as_ref()?.latest_ms()
}

/// When the account was created, in Unix milliseconds, if Graph says.
pub fn created_ms(user: &User) -> Option<u64> {
    user.created_date_time.as_deref().and_then(parse_iso_ms)
}

/// How `user` stands at `now_ms` against a window of `window_days`. A time in the
/// future (clocks differ) counts as now.
pub fn activity(user: &User, now_ms: u64, window_days: u32) -> Activity {
    let window_ms = u64::from(window_days) * DAY_MS;
    let age = |at: u64| now_ms.saturating_sub(at);
    match (last_activity_ms(user), created_ms(user)) {
        (Some(last_ms), _) if age(last_ms) > window_ms => Activity::Unused(Reason::Inactive {
            last_ms,
            days: age(last_ms) / DAY_MS,
        }),
        (Some(last_ms), _) => Activity::Recent { last_ms },
        (None, Some(created_ms)) if age(created_ms) <= window_ms => Activity::New { created_ms },
        (None, created_ms) => Activity::Unused(Reason::NeverSignedIn {
            created_ms,
            days: created_ms.map(|at| age(at) / DAY_MS),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2027-01-15T08:00:00Z.
    const NOW: u64 = 1_800_000_000_000;

    fn user(json: &str) -> User {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_latest_of_the_three_times_decides() {
        // Interactive sign-ins stopped in June; mail on the phone signs in every day.
        let phone = user(
            r#"{"id":"u","signInActivity":{"lastSignInDateTime":"2026-06-01T09:00:00Z",
                "lastNonInteractiveSignInDateTime":"2027-01-14T22:10:00Z",
                "lastSuccessfulSignInDateTime":"2026-06-01T09:00:00Z"}}"#,
        );
        assert_eq!(
            activity(&phone, NOW, 90),
            Activity::Recent {
                last_ms: parse_iso_ms("2027-01-14T22:10:00Z").unwrap()
            }
        );
        let gone = user(
            r#"{"id":"u","signInActivity":{"lastSignInDateTime":"2026-06-01T09:00:00Z",
                "lastNonInteractiveSignInDateTime":"2026-06-03T09:00:00Z"}}"#,
        );
        assert_eq!(
            activity(&gone, NOW, 90),
            Activity::Unused(Reason::Inactive {
                last_ms: parse_iso_ms("2026-06-03T09:00:00Z").unwrap(),
                days: 225
            })
        );
        // Only the successful sign-in is recent.
        let successful = user(
            r#"{"id":"u","signInActivity":{"lastSignInDateTime":"0001-01-01T00:00:00Z",
                "lastSuccessfulSignInDateTime":"2027-01-10T09:00:00Z"}}"#,
        );
        assert!(matches!(
            activity(&successful, NOW, 90),
            Activity::Recent { .. }
        ));
    }

    #[test]
    fn the_window_is_strictly_older_than_its_days() {
        let at = |days: u64| {
            let time = crate::bulk::iso_utc(NOW - days * DAY_MS);
            user(&format!(
                r#"{{"id":"u","signInActivity":{{"lastSignInDateTime":"{time}"}}}}"#
            ))
        };
        assert!(matches!(
            activity(&at(90), NOW, 90),
            Activity::Recent { .. }
        ));
        assert!(matches!(
            activity(&at(91), NOW, 90),
            Activity::Unused(Reason::Inactive { days: 91, .. })
        ));
        assert!(matches!(
            activity(&at(31), NOW, 30),
            Activity::Unused(Reason::Inactive { .. })
        ));
        assert!(matches!(
            activity(&at(31), NOW, 60),
            Activity::Recent { .. }
        ));
    }

    #[test]
    fn no_sign_in_is_waste_only_for_accounts_older_than_the_window() {
        let created = |when: &str| user(&format!(r#"{{"id":"u","createdDateTime":"{when}"}}"#));
        // Created last week: new, not waste.
        let new = created("2027-01-08T10:00:00Z");
        assert_eq!(
            activity(&new, NOW, 90),
            Activity::New {
                created_ms: parse_iso_ms("2027-01-08T10:00:00Z").unwrap()
            }
        );
        let old = created("2026-01-15T08:00:00Z");
        assert_eq!(
            activity(&old, NOW, 90),
            Activity::Unused(Reason::NeverSignedIn {
                created_ms: parse_iso_ms("2026-01-15T08:00:00Z"),
                days: Some(365)
            })
        );
        // No creation date (before June 2018) and no sign-in: never signed in.
        assert_eq!(
            activity(&user(r#"{"id":"u","createdDateTime":null}"#), NOW, 90),
            Activity::Unused(Reason::NeverSignedIn {
                created_ms: None,
                days: None
            })
        );
        // Graph's placeholders for "never" are no sign-in at all.
        let placeholders = user(
            r#"{"id":"u","createdDateTime":"2025-01-01T00:00:00Z","signInActivity":{
                "lastSignInDateTime":"0001-01-01T00:00:00Z","lastNonInteractiveSignInDateTime":"",
                "lastSuccessfulSignInDateTime":null}}"#,
        );
        assert!(matches!(
            activity(&placeholders, NOW, 90),
            Activity::Unused(Reason::NeverSignedIn { .. })
        ));
    }

    #[test]
    fn a_sign_in_in_the_future_counts_as_now() {
        let ahead =
            user(r#"{"id":"u","signInActivity":{"lastSignInDateTime":"2027-01-15T09:00:00Z"}}"#);
        assert!(matches!(activity(&ahead, NOW, 0), Activity::Recent { .. }));
    }
}
