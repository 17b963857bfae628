//! Every sentence License Desk says to the admin about warnings, refusals, errors and
//! changes, in one place, so wording stays consistent and reviewable. The types live
//! with their logic; what they say lives here.

pub mod bulk;
mod diff;
mod errors;
pub mod groups;
pub mod lists;
pub mod pending;
mod plan;
pub mod reclaim;
pub mod subscriptions;
pub mod token;
mod usage_location;

use crate::graph::model::AssignmentError;
use crate::licensing::catalog::Catalog;
use crate::licensing::plan::Change;

/// Said while a read Graph left unanswered for `seconds` is sent again: attempt
/// `attempt` of `of`.
pub fn stalled_read(seconds: u64, attempt: u32, of: u32) -> String {
    format!("Graph hasn't answered for {seconds} s; trying again ({attempt} of {of})")
}

/// A service plan's switch in words: what it is now and, when a pending change turns it,
/// what it will become ("Off → On").
pub fn plan_switch(on_now: bool, on_after: bool) -> &'static str {
    match (on_now, on_after) {
        (true, true) => "On",
        (false, false) => "Off",
        (false, true) => "Off → On",
        (true, false) => "On → Off",
    }
}

/// Plain words for an assignment's error, and what to do about it.
pub fn explain_assignment_error(error: &AssignmentError, sku: &str) -> Option<String> {
    Some(match error {
        AssignmentError::None => return None,
        AssignmentError::CountViolation => format!("No free seats in {sku}. Free a seat or buy more, then press Reprocess."),
        AssignmentError::MutuallyExclusiveViolation => "A service plan conflicts with a plan the user already has. Remove or turn off the conflicting plan, then Reprocess.".into(),
        AssignmentError::DependencyViolation => "A service plan needs another plan the user doesn't have. Assign or turn on the required plan, then Reprocess.".into(),
        AssignmentError::ProhibitedInUsageLocationViolation => format!("{sku} isn't available in the user's usage location. Correct the usage location, then Reprocess."),
        AssignmentError::UniquenessViolation => "The user's proxy address is already used by another object. Fix the address conflict, then Reprocess.".into(),
        AssignmentError::Other => "Another license from the same group failed, so none were assigned. Fix that error, then Reprocess.".into(),
        AssignmentError::Unknown(raw) => format!("Entra ID reported “{raw}”. Check the group's licensing errors, then Reprocess."),
    })
}

/// A pending change as the admin reads it: "Replace Office 365 E3 with Office 365 E5".
pub fn describe_change(change: &Change, catalog: &Catalog) -> String {
    match change {
        Change::Add {
            sku,
            disabled_plans,
        } if disabled_plans.is_empty() => format!("Add {}", catalog.sku_name(sku)),
        Change::Add {
            sku,
            disabled_plans,
        } => format!(
            "Add {} with {} off",
            catalog.sku_name(sku),
            disabled_plans
                .iter()
                .map(|p| catalog.plan_name(p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Change::SetPlan { sku, plan, enabled } => format!(
            "Turn {} {} in {}",
            catalog.plan_name(plan),
            if *enabled { "on" } else { "off" },
            catalog.sku_name(sku)
        ),
        Change::Remove { sku } => format!("Remove {}", catalog.sku_name(sku)),
        Change::Replace { from, to } => format!(
            "Replace {} with {}",
            catalog.sku_name(from),
            catalog.sku_name(to)
        ),
        Change::Swap { from, to, .. } => format!(
            "Replace {} with {}",
            catalog.sku_name(from),
            catalog.sku_name(to)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{plan_switch, stalled_read};

    #[test]
    fn a_stalled_read_says_how_long_and_which_attempt() {
        assert_eq!(
            stalled_read(30, 2, 3),
            "Graph hasn't answered for 30 s; trying again (2 of 3)"
        );
    }

    #[test]
    fn a_plan_switch_says_what_it_is_and_what_it_will_become() {
        assert_eq!(plan_switch(true, true), "On");
        assert_eq!(plan_switch(false, false), "Off");
        assert_eq!(plan_switch(false, true), "Off → On");
        assert_eq!(plan_switch(true, false), "On → Off");
    }
}
