//! A run's records gathered per user: the admin counts users, not steps.
//!
//! A run that sets a usage location before adding a license has two records for that
//! user, the second waiting for the first. Progress, counts, the results table and the
//! report show one line per user with one status, and keep the steps for the details.
//! A user's status is the step that says most about them: one still under way, else
//! one that went wrong, else what was done.

use crate::ops::{JournalRecord, Status};
use std::collections::{BTreeMap, HashMap};

/// True when the read answered 404: the user does not exist (or is not visible).
pub(crate) fn not_found(record: &JournalRecord) -> bool {
    record.status == Status::Failed
        && record
            .error
            .as_ref()
            .is_some_and(|error| error.status == Some(404))
}

/// One user of a run and the positions of their records, in run order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSteps {
    /// The user as the first step names them.
    pub user: String,
    pub steps: Vec<usize>,
    pub status: Status,
}

/// How much a step's status says about its user: the highest ranked step's status is
/// the user's.
fn rank(status: Status) -> u8 {
    match status {
        Status::Sent => 10,
        Status::Settling => 9,
        Status::Unknown => 8,
        Status::Waiting => 7,
        Status::Failed => 6,
        Status::NoSeats => 5,
        Status::Refused => 4,
        Status::Cancelled => 3,
        Status::Done => 2,
        Status::Planned => 1,
        Status::NoOp => 0,
    }
}

/// One status for a user's steps.
pub fn user_status<'a>(steps: impl IntoIterator<Item = &'a JournalRecord>) -> Status {
    steps
        .into_iter()
        .map(|record| record.status)
        .max_by_key(|status| rank(*status))
        .unwrap_or(Status::Waiting)
}

fn key(user: &str) -> String {
    user.trim().to_lowercase()
}

/// The run's users in the order they first appear, each with their steps.
pub fn by_user(records: &[JournalRecord]) -> Vec<UserSteps> {
    let mut users: Vec<UserSteps> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (position, record) in records.iter().enumerate() {
        let at = *seen.entry(key(&record.item.user)).or_insert_with(|| {
            users.push(UserSteps {
                user: record.item.user.clone(),
                steps: Vec::new(),
                status: Status::Waiting,
            });
            users.len() - 1
        });
        users[at].steps.push(position);
    }
    for user in &mut users {
        user.status = user_status(user.steps.iter().map(|&step| &records[step]));
    }
    users
}

/// How many users are in each status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserCounts {
    pub total: usize,
    pub by_status: BTreeMap<Status, usize>,
}

impl UserCounts {
    pub fn of(users: &[UserSteps]) -> Self {
        let mut counts = UserCounts {
            total: users.len(),
            ..UserCounts::default()
        };
        for user in users {
            *counts.by_status.entry(user.status).or_insert(0) += 1;
        }
        counts
    }

    pub fn count(&self, status: Status) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    /// Users whose outcome is settled while the run goes on (an unknown outcome is
    /// still being read again, so it is not).
    pub fn finished(&self) -> usize {
        self.by_status
            .iter()
            .filter(|(status, _)| {
                !matches!(
                    status,
                    Status::Waiting | Status::Sent | Status::Settling | Status::Unknown
                )
            })
            .map(|(_, n)| n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::SkuId;
    use crate::licensing::plan::Change;
    use crate::ops::Intent;

    fn add() -> Intent {
        Intent::Change(vec![Change::Add {
            sku: SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
            disabled_plans: vec![],
        }])
    }

    #[test]
    fn a_usage_location_and_a_license_are_one_user() {
        let located = Intent::SetUsageLocation("GB".into());
        let records = vec![
            JournalRecord::at(0, "a@x.com", located.clone(), Status::Done),
            JournalRecord::at(1, "A@X.com", add(), Status::Done),
            JournalRecord::at(2, "b@x.com", add(), Status::NoOp),
            JournalRecord::at(3, "c@x.com", located.clone(), Status::Failed),
            JournalRecord::at(4, "c@x.com", add(), Status::Refused),
            JournalRecord::at(5, "d@x.com", located, Status::NoSeats),
            JournalRecord::at(6, "d@x.com", add(), Status::NoSeats),
            JournalRecord::at(7, "e@x.com", add(), Status::Settling),
        ];
        let users = by_user(&records);
        let seen: Vec<(&str, Vec<usize>, Status)> = users
            .iter()
            .map(|u| (u.user.as_str(), u.steps.clone(), u.status))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("a@x.com", vec![0, 1], Status::Done),
                ("b@x.com", vec![2], Status::NoOp),
                ("c@x.com", vec![3, 4], Status::Failed),
                ("d@x.com", vec![5, 6], Status::NoSeats),
                ("e@x.com", vec![7], Status::Settling),
            ]
        );
        let counts = UserCounts::of(&users);
        assert_eq!(counts.total, 5);
        assert_eq!(counts.count(Status::Done), 1);
        assert_eq!(
            counts.count(Status::Refused),
            0,
            "a stop for seats is not a refusal"
        );
        assert_eq!(counts.count(Status::NoSeats), 1);
        assert_eq!(counts.finished(), 4);
    }

    #[test]
    fn a_user_is_under_way_while_any_step_is() {
        let located = Intent::SetUsageLocation("GB".into());
        let records = vec![
            JournalRecord::at(0, "a@x.com", located, Status::Done),
            JournalRecord::at(1, "a@x.com", add(), Status::Waiting),
        ];
        assert_eq!(by_user(&records)[0].status, Status::Waiting);
        assert_eq!(UserCounts::of(&by_user(&records)).finished(), 0);
    }
}
