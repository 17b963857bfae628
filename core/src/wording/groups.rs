//! What License Desk says about a group license change: the member counts before and
//! after, and what changed on the group.

use crate::graph::model::{AssignmentError, ProcessingState};
use crate::groups::change::{GroupDiff, MemberCounts, Phase};
use crate::licensing::catalog::Catalog;

/// A group's `licenseProcessingState` as the admin reads it.
pub fn processing_state(state: Option<&ProcessingState>) -> String {
    match state {
        Some(ProcessingState::ProcessingComplete) => "Processing complete".into(),
        Some(ProcessingState::QueuedForProcessing) => "Queued for processing".into(),
        Some(ProcessingState::ProcessingInProgress) => "Processing in progress".into(),
        Some(ProcessingState::ProcessingFailed) => "Processing failed".into(),
        Some(ProcessingState::Unknown(raw)) if !raw.is_empty() => format!("“{raw}”"),
        _ => "Processing state unknown (Graph did not say)".into(),
    }
}

/// Where a group license change is, while it runs.
pub fn change_phase(phase: Phase, processing: Option<&ProcessingState>) -> String {
    match phase {
        Phase::ReadingGroup => "Reading the group…".into(),
        Phase::ReadingMembers => "Reading the group's members…".into(),
        Phase::AwaitingAcknowledgement => "Waiting for the warnings to be checked…".into(),
        Phase::Writing => "Sending the change to Graph…".into(),
        Phase::Verifying => {
            "No clear answer from Graph: checking whether the change was applied…".into()
        }
        Phase::Processing => format!(
            "Graph accepted the change (202 Accepted). Entra ID is applying it to the members: {}…",
            match processing {
                None => "waiting for the first state".to_string(),
                Some(state) => processing_state(Some(state)).to_lowercase(),
            }
        ),
        Phase::ReadingMembersAfter => "Processing finished. Reading the members again…".into(),
        Phase::Finished => "Finished.".into(),
    }
}

/// One member's failed assignment from a group, explained with what to do.
pub fn explain_member_problem(error: &AssignmentError, sku: &str) -> String {
    if error.is_absent() {
        return format!("Graph lists this member with a license error but gives no reason for {sku} yet. Open the user to see their licenses, then Reprocess.");
    }
    super::explain_assignment_error(error, sku).unwrap_or_default()
}

/// What the bulk screen calls the members handed over from a group.
pub fn members_with_errors_label(group: &str) -> String {
    format!("Members of {group} with license errors")
}

/// "Errors: 12 → 0; Active: 340 → 352", with "Pending" only when someone was or is.
pub fn member_counts_change(before: &MemberCounts, after: &MemberCounts) -> String {
    let mut parts = vec![
        format!("Errors: {} → {}", before.error, after.error),
        format!("Active: {} → {}", before.active, after.active),
    ];
    if before.pending > 0 || after.pending > 0 {
        parts.push(format!("Pending: {} → {}", before.pending, after.pending));
    }
    parts.join("; ")
}

impl GroupDiff {
    /// One line per change on the group, e.g. "Added Office 365 E5" or
    /// "Office 365 E3: Sway turned on".
    pub fn describe(&self, catalog: &Catalog) -> Vec<String> {
        let mut lines: Vec<String> = self
            .added
            .iter()
            .map(|sku| format!("Added {}", catalog.sku_name(sku)))
            .collect();
        lines.extend(
            self.removed
                .iter()
                .map(|sku| format!("Removed {}", catalog.sku_name(sku))),
        );
        for (switched, plans) in [("on", &self.plans_on), ("off", &self.plans_off)] {
            for (sku, plans) in plans {
                let names: Vec<String> = plans.iter().map(|p| catalog.plan_name(p)).collect();
                lines.push(format!(
                    "{}: {} turned {switched}",
                    catalog.sku_name(sku),
                    names.join(", ")
                ));
            }
        }
        if lines.is_empty() {
            lines.push("The group's licenses did not change.".into());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::{PlanId, SkuId};

    #[test]
    fn processing_states_and_member_problems_read_plainly() {
        assert_eq!(
            processing_state(Some(&ProcessingState::QueuedForProcessing)),
            "Queued for processing"
        );
        assert!(processing_state(None).contains("unknown"));
        assert!(processing_state(Some(&ProcessingState::absent())).contains("unknown"));
        assert!(
            explain_member_problem(&AssignmentError::CountViolation, "Office 365 E5")
                .starts_with("No free seats in Office 365 E5.")
        );
        assert!(explain_member_problem(&AssignmentError::absent(), "E5").contains("no reason"));
        let following = change_phase(
            Phase::Processing,
            Some(&ProcessingState::ProcessingInProgress),
        );
        assert!(following.contains("202") && following.contains("processing in progress"));
    }

    #[test]
    fn counts_read_before_and_after() {
        let before = MemberCounts {
            members: 352,
            active: 340,
            error: 12,
            pending: 0,
        };
        let after = MemberCounts {
            active: 352,
            error: 0,
            ..before
        };
        assert_eq!(
            member_counts_change(&before, &after),
            "Errors: 12 → 0; Active: 340 → 352"
        );
        let pending = MemberCounts {
            pending: 2,
            ..after
        };
        assert!(member_counts_change(&before, &pending).ends_with("; Pending: 0 → 2"));
    }

    #[test]
    fn the_diff_names_skus_and_plans() {
        let e3 = SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900");
        let sway = PlanId::new("a23b959c-7ce8-4e57-9140-b90eb88a9e97");
        let mut diff = GroupDiff::default();
        diff.plans_on.insert(e3.clone(), vec![sway]);
        diff.removed.push(e3);
        let lines = diff.describe(&Catalog::default());
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("Removed "), "{lines:?}");
        assert!(lines[1].ends_with(" turned on"), "{lines:?}");
        assert_eq!(
            GroupDiff::default().describe(&Catalog::default()),
            ["The group's licenses did not change."]
        );
    }
}
