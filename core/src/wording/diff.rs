//! The before/after diff in admin language: "Added Office 365 E5 (direct), with
//! Exchange Online (Plan 2) off: Active", "Error (no free seats) → Active".

use crate::graph::model::{AssignmentError, AssignmentSource};
use crate::licensing::diff::{AssignmentRef, DiffEntry, StateLabel};

impl StateLabel {
    /// Plain words for the admin: "Error (no free seats)". A state Graph did not send is
    /// said to be unknown, never guessed.
    pub fn plain(&self) -> String {
        let state = if self.state.is_absent() {
            "State unknown (Graph did not say)".to_string()
        } else {
            self.state.to_string()
        };
        let reason = match &self.error {
            AssignmentError::None => return state,
            AssignmentError::CountViolation => "no free seats",
            AssignmentError::MutuallyExclusiveViolation => "conflicting service plans",
            AssignmentError::DependencyViolation => "a required plan is missing",
            AssignmentError::ProhibitedInUsageLocationViolation => {
                "not available in the user's usage location"
            }
            AssignmentError::UniquenessViolation => "proxy address already in use",
            AssignmentError::Other => "another license in the same group failed",
            AssignmentError::Unknown(raw) => raw.as_str(),
        };
        if self.state.is_absent() {
            format!("{state}, error: {reason}")
        } else {
            format!("{state} ({reason})")
        }
    }
}

impl AssignmentRef {
    /// "Office 365 E3 (direct)" or "Office 365 E3 via group All Staff".
    pub fn describe(&self) -> String {
        match self.source {
            AssignmentSource::Direct => format!("{} (direct)", self.sku_name),
            AssignmentSource::Group(_) => {
                format!("{} via group {}", self.sku_name, self.source_name)
            }
        }
    }
}

impl DiffEntry {
    /// One line in admin language.
    pub fn describe(&self) -> String {
        use DiffEntry::*;
        let off = |plans: &[String]| {
            if plans.is_empty() {
                String::new()
            } else {
                format!(", with {} off", plans.join(", "))
            }
        };
        match self {
            AssignmentAdded {
                assignment,
                state,
                plans_off,
            } => format!(
                "Added {}{}: {}",
                assignment.describe(),
                off(plans_off),
                state.plain()
            ),
            AssignmentRemoved { assignment, .. } => format!("Removed {}", assignment.describe()),
            PlanSwitched {
                assignment,
                plan,
                enabled,
            } => format!(
                "{} switched {} in {}",
                plan.plan_name,
                if *enabled { "ON" } else { "OFF" },
                assignment.describe()
            ),
            StateChanged {
                assignment,
                before,
                after,
            } => format!(
                "{}: {} → {}",
                assignment.describe(),
                before.plain(),
                after.plain()
            ),
            CapabilityChanged {
                plan,
                before,
                after,
            } => format!(
                "{}: {} → {}",
                plan.plan_name,
                before
                    .as_ref()
                    .map_or("not assigned".into(), |s| s.to_string()),
                after
                    .as_ref()
                    .map_or("not assigned".into(), |s| s.to_string())
            ),
            UsageLocationChanged { before, after } => format!(
                "Usage location: {} → {}",
                before.as_deref().unwrap_or("none"),
                after.as_deref().unwrap_or("none")
            ),
        }
    }
}
