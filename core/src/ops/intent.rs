//! What each item of a run asks for, and how the engine turns it into one write.
//!
//! An item names a user and an intent. Once the user has been read, [`Intent::decide`]
//! chooses the write (the planner builds `assignLicense` bodies), or says why nothing is
//! sent, and the [`Expectation`] says how a later read shows that the write landed. New
//! operations are added here: a variant, its write and its expectation.

use crate::graph::ids::SkuId;
use crate::graph::model::{LicenseAssignmentState, User};
use crate::graph::request::{self, GraphRequest};
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::{self, Change, Plan, Warning};
use crate::licensing::usage_location;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One operation on one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Intent {
    /// `reprocessLicenseAssignment`.
    Reprocess,
    /// License changes, planned against the user as read at run time.
    Change(Vec<Change>),
    /// Set `usageLocation` to this two-letter country code.
    SetUsageLocation(String),
}

/// A user (id or UPN) and what to do to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunItem {
    pub user: String,
    pub intent: Intent,
    /// Warnings the admin acknowledged before starting. A write whose plan carries a
    /// warning not among these is refused, never sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledged_warnings: Vec<Warning>,
    /// The index of an earlier item that must end done or no-op before this item's write
    /// is sent (set the usage location first, then assign). This item is planned from a
    /// read taken after that item finished; if it ends any other way, this one is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisite: Option<usize>,
}

impl RunItem {
    pub fn new(user: impl Into<String>, intent: Intent) -> Self {
        RunItem {
            user: user.into(),
            intent,
            acknowledged_warnings: Vec::new(),
            prerequisite: None,
        }
    }

    /// This item, waiting for item `index` to finish done or no-op first.
    pub fn after(mut self, index: usize) -> Self {
        self.prerequisite = Some(index);
        self
    }

    /// SKUs this item's changes add (each takes a seat unless the user holds it already).
    pub fn skus_added(&self) -> Vec<SkuId> {
        let Intent::Change(changes) = &self.intent else {
            return Vec::new();
        };
        changes
            .iter()
            .filter_map(|change| match change {
                Change::Add { sku, .. } => Some(sku.clone()),
                Change::Swap { to, .. } | Change::Replace { to, .. } => Some(to.clone()),
                Change::SetPlan { .. } | Change::Remove { .. } => None,
            })
            .collect()
    }

    /// This item, with these warnings acknowledged.
    pub fn acknowledging(mut self, warnings: Vec<Warning>) -> Self {
        self.acknowledged_warnings = warnings;
        self
    }
}

/// How a read shows that the write landed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expectation {
    Licenses(Box<Plan>),
    UsageLocation(String),
    /// Assignment states changed, or one was processed again.
    Reprocessed,
}

/// What to do for one user, decided from a read of them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Decision {
    Write {
        request: GraphRequest,
        expect: Expectation,
        warnings: Vec<Warning>,
    },
    NoOp(String),
    Refused(String),
}

impl Intent {
    /// Decides the write for `user` as read now; `target` is the id to write to.
    pub(crate) fn decide(&self, target: &str, user: &User, catalog: &Catalog) -> Decision {
        match self {
            Intent::Reprocess if !has_group_based_states(user) => {
                Decision::NoOp(nothing_to_reprocess(user).unwrap_or_default())
            }
            Intent::Reprocess => Decision::Write {
                request: request::reprocess_license_assignment(target),
                expect: Expectation::Reprocessed,
                warnings: Vec::new(),
            },
            Intent::SetUsageLocation(country) => {
                let code = country.trim().to_ascii_uppercase();
                if !usage_location::is_valid_usage_location(Some(&code)) {
                    return Decision::Refused(format!(
                        "“{}” is not a two-letter country code (such as US or GB); Graph refuses it.",
                        country.trim()
                    ));
                }
                if user.usage_location.as_deref() == Some(code.as_str()) {
                    return Decision::NoOp(format!("The usage location already is {code}."));
                }
                Decision::Write {
                    request: request::set_usage_location(target, &code),
                    expect: Expectation::UsageLocation(code),
                    warnings: Vec::new(),
                }
            }
            Intent::Change(changes) => {
                let planned = plan::plan(user, catalog, changes);
                if !planned.refusals.is_empty() {
                    let text = planned
                        .refusals
                        .iter()
                        .map(|refusal| refusal.describe(catalog))
                        .collect::<Vec<_>>()
                        .join(" ");
                    return Decision::Refused(text);
                }
                match &planned.body {
                    None => Decision::NoOp(
                        "These changes leave the user as they are: nothing to send.".into(),
                    ),
                    Some(body) => Decision::Write {
                        request: request::assign_license(target, body),
                        warnings: planned.warnings.clone(),
                        expect: Expectation::Licenses(Box::new(planned)),
                    },
                }
            }
        }
    }
}

/// Why reprocessing `user` would do nothing, said before the click and after it: only
/// licenses that come from a group are reprocessed.
pub fn nothing_to_reprocess(user: &User) -> Option<String> {
    if has_group_based_states(user) {
        return None;
    }
    Some(
        if user.assigned_licenses.is_empty() && user.license_assignment_states.is_empty() {
            "Nothing to reprocess: this user has no licenses.".into()
        } else {
            "Nothing to reprocess: every license of this user is assigned directly.".into()
        },
    )
}

/// Whether any of the user's licenses comes from a group: the only ones a reprocess
/// evaluates.
fn has_group_based_states(user: &User) -> bool {
    user.license_assignment_states
        .iter()
        .any(|state| state.assigned_by_group.is_some())
}

/// An assignment state as far as reprocessing can change it.
fn state_key(state: &LicenseAssignmentState) -> String {
    format!(
        "{}|{:?}|{}|{}|{:?}|{}",
        state.sku_id,
        state.source(),
        state.state,
        state.error,
        state
            .disabled_plans
            .iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|plan| plan.as_str())
            .collect::<Vec<_>>(),
        state.last_updated_date_time.as_deref().unwrap_or("")
    )
}

impl Expectation {
    /// True when `after` shows the write, compared with `before` where that matters.
    pub(crate) fn shows(&self, before: &User, after: &User) -> bool {
        match self {
            Expectation::Licenses(plan) => plan.is_reflected_in(after),
            Expectation::UsageLocation(code) => after.usage_location.as_deref() == Some(code),
            Expectation::Reprocessed => {
                let keys = |user: &User| -> BTreeSet<String> {
                    user.license_assignment_states
                        .iter()
                        .map(state_key)
                        .collect()
                };
                keys(before) != keys(after)
            }
        }
    }

    /// Whether a read that doesn't show the write proves it was not applied. Processing
    /// stamps each group-based state's `lastUpdatedDateTime` (the reference's way to
    /// confirm a reprocess), so for a user with one, an unchanged read is evidence too.
    pub(crate) fn absence_is_evidence(&self, before: &User) -> bool {
        match self {
            Expectation::Reprocessed => has_group_based_states(before),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::GroupId;
    use crate::graph::model::{AssignmentError, AssignmentState};

    fn state(updated: &str, error: AssignmentError) -> LicenseAssignmentState {
        LicenseAssignmentState {
            sku_id: SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
            assigned_by_group: Some(GroupId::new("0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60")),
            state: if error.is_error() {
                AssignmentState::Error
            } else {
                AssignmentState::Active
            },
            error,
            last_updated_date_time: Some(updated.into()),
            ..Default::default()
        }
    }

    fn user(states: Vec<LicenseAssignmentState>) -> User {
        User {
            license_assignment_states: states,
            ..Default::default()
        }
    }

    #[test]
    fn reprocess_shows_as_a_state_change_or_a_newer_timestamp() {
        let before = user(vec![state(
            "2026-01-05T09:00:00Z",
            AssignmentError::CountViolation,
        )]);
        let fixed = user(vec![state("2026-01-05T09:00:00Z", AssignmentError::None)]);
        let touched = user(vec![state(
            "2026-01-06T10:00:00Z",
            AssignmentError::CountViolation,
        )]);
        let expect = Expectation::Reprocessed;
        assert!(!expect.shows(&before, &before.clone()));
        assert!(expect.shows(&before, &fixed));
        assert!(expect.shows(&before, &touched));
        assert!(
            expect.absence_is_evidence(&before),
            "processing would stamp it"
        );
        let direct_only = user(vec![LicenseAssignmentState {
            assigned_by_group: None,
            ..state("2026-01-05T09:00:00Z", AssignmentError::None)
        }]);
        assert!(!expect.absence_is_evidence(&direct_only));
    }

    #[test]
    fn a_user_with_no_license_from_a_group_has_nothing_to_reprocess() {
        let catalog = Catalog::default();
        let direct_only = user(vec![LicenseAssignmentState {
            assigned_by_group: None,
            ..state("2026-01-05T09:00:00Z", AssignmentError::None)
        }]);
        for (nothing, why) in [
            (
                user(vec![]),
                "Nothing to reprocess: this user has no licenses.",
            ),
            (
                direct_only,
                "Nothing to reprocess: every license of this user is assigned directly.",
            ),
        ] {
            assert_eq!(nothing_to_reprocess(&nothing).as_deref(), Some(why));
            assert!(matches!(
                Intent::Reprocess.decide("u1", &nothing, &catalog),
                Decision::NoOp(said) if said == why
            ));
        }
        let grouped = user(vec![state("2026-01-05T09:00:00Z", AssignmentError::None)]);
        assert!(matches!(
            Intent::Reprocess.decide("u1", &grouped, &catalog),
            Decision::Write { .. }
        ));
    }

    #[test]
    fn usage_location_is_normalised_refused_or_a_no_op() {
        let catalog = Catalog::default();
        let located = User {
            usage_location: Some("GB".into()),
            ..Default::default()
        };
        assert!(matches!(
            Intent::SetUsageLocation(" gb ".into()).decide("u1", &located, &catalog),
            Decision::NoOp(_)
        ));
        assert!(matches!(
            Intent::SetUsageLocation("GBR".into()).decide("u1", &located, &catalog),
            Decision::Refused(_)
        ));
        let Decision::Write {
            request, expect, ..
        } = Intent::SetUsageLocation("us".into()).decide("u1", &located, &catalog)
        else {
            panic!("a write")
        };
        assert_eq!(request.body.as_deref(), Some(r#"{"usageLocation":"US"}"#));
        assert!(expect.shows(
            &located,
            &User {
                usage_location: Some("US".into()),
                ..Default::default()
            }
        ));
    }
}
