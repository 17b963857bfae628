//! Direct copies of group licenses: a user who holds a SKU directly and from a group.
//!
//! Only one seat is taken either way (Entra docs, "Migrate users to group-based
//! licensing"), so removing the direct copy frees nothing; what it buys is one place
//! deciding the user's license, the group. Overlapping copies add up: the user's enabled
//! plans are the union of the copies' enabled plans (Entra docs, "Scenarios,
//! limitations and known issues with group-based licensing"). Removing the direct copy is
//! therefore safe only when
//!
//! - (a) every plan the direct copy switches on stays on through a group copy, so the
//!   user's effective plans don't change; and
//! - (b) that group copy works: `Active`, with no error (a `CountViolation` or any other
//!   error means the user would be left with nothing).
//!
//! With several groups, the plans that would be lost are those the direct copy enables
//! and every working group copy disables. An unsafe copy carries its reason and can't be
//! handed to a bulk run.

use super::holdings::{Holding, LicenseCopy};
use crate::graph::ids::{GroupId, PlanId};
use crate::graph::model::{AssignmentError, AssignmentState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Why removing a direct copy is not safe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unsafe", rename_all = "camelCase")]
pub enum UnsafeReason {
    /// No group copy is `Active` without an error: each group copy, with its state.
    #[serde(rename_all = "camelCase")]
    GroupCopyNotWorking {
        groups: Vec<(GroupId, AssignmentState, AssignmentError)>,
    },
    /// These plans are on in the direct copy and off in every working group copy: the
    /// user would lose them.
    #[serde(rename_all = "camelCase")]
    PlansWouldBeLost { plans: Vec<PlanId> },
}

/// Whether the direct copy of `holding` can be removed without changing what the user
/// has. `None` when the holding has no direct copy or no group copy.
pub fn removal_safety(holding: &Holding) -> Option<Result<(), UnsafeReason>> {
    let direct = holding.direct()?;
    let groups: Vec<&LicenseCopy> = holding.from_groups().collect();
    if groups.is_empty() {
        return None;
    }
    let working: Vec<&&LicenseCopy> = groups.iter().filter(|copy| copy.works_cleanly()).collect();
    if working.is_empty() {
        return Some(Err(UnsafeReason::GroupCopyNotWorking {
            groups: groups
                .iter()
                .filter_map(|copy| {
                    Some((
                        copy.group()?.clone(),
                        copy.state.clone(),
                        copy.error.clone(),
                    ))
                })
                .collect(),
        }));
    }
    let direct_off: BTreeSet<&PlanId> = direct.disabled_plans.iter().collect();
    let mut off_everywhere: BTreeSet<&PlanId> = working[0].disabled_plans.iter().collect();
    for copy in &working[1..] {
        let off: BTreeSet<&PlanId> = copy.disabled_plans.iter().collect();
        off_everywhere.retain(|plan| off.contains(plan));
    }
    let lost: Vec<PlanId> = off_everywhere
        .into_iter()
        .filter(|plan| !direct_off.contains(plan))
        .cloned()
        .collect();
    Some(if lost.is_empty() {
        Ok(())
    } else {
        Err(UnsafeReason::PlansWouldBeLost { plans: lost })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::SkuId;
    use crate::graph::model::AssignmentSource;

    fn copy(group: Option<&str>, off: &[&str], state: &str, error: &str) -> LicenseCopy {
        LicenseCopy {
            source: match group {
                None => AssignmentSource::Direct,
                Some(id) => AssignmentSource::Group(GroupId::new(id)),
            },
            group_name: None,
            state: AssignmentState::parse(state),
            error: AssignmentError::parse(error),
            disabled_plans: off.iter().map(|p| PlanId::new(p)).collect(),
        }
    }

    fn holding(copies: Vec<LicenseCopy>) -> Holding {
        Holding {
            sku: SkuId::new("e3"),
            sku_name: "Office 365 E3".into(),
            copies,
        }
    }

    #[test]
    fn safe_when_the_group_copy_keeps_every_plan_on_and_works() {
        // Direct copy with Yammer off; the group's copy has everything on.
        let lee = holding(vec![
            copy(None, &["yammer"], "Active", "None"),
            copy(Some("all-staff"), &[], "Active", "None"),
        ]);
        assert_eq!(removal_safety(&lee), Some(Ok(())));
        // The group turns off what the direct copy turns off too: still safe.
        let same = holding(vec![
            copy(None, &["sway"], "Active", "None"),
            copy(Some("g"), &["sway"], "Active", "None"),
        ]);
        assert_eq!(removal_safety(&same), Some(Ok(())));
    }

    #[test]
    fn unsafe_when_the_group_copy_turns_off_a_plan_the_direct_copy_turns_on() {
        let noor = holding(vec![
            copy(None, &[], "Active", "None"),
            copy(Some("project"), &["sharepoint"], "Active", "None"),
        ]);
        assert_eq!(
            removal_safety(&noor),
            Some(Err(UnsafeReason::PlansWouldBeLost {
                plans: vec![PlanId::new("sharepoint")]
            }))
        );
        // A second working group with the plan on makes it safe again.
        let covered = holding(vec![
            copy(None, &[], "Active", "None"),
            copy(Some("project"), &["sharepoint"], "Active", "None"),
            copy(Some("other"), &[], "Active", "None"),
        ]);
        assert_eq!(removal_safety(&covered), Some(Ok(())));
    }

    #[test]
    fn unsafe_when_no_group_copy_is_active_without_an_error() {
        let wen = holding(vec![
            copy(None, &[], "Active", "None"),
            copy(Some("all-staff"), &[], "Error", "UniquenessViolation"),
            copy(Some("other"), &[], "ActiveWithError", "Other"),
        ]);
        let Some(Err(UnsafeReason::GroupCopyNotWorking { groups })) = removal_safety(&wen) else {
            panic!("unsafe")
        };
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].2, AssignmentError::UniquenessViolation);
        // A state Graph did not send is not "Active".
        let unknown = holding(vec![
            copy(None, &[], "Active", "None"),
            copy(Some("g"), &[], "", "None"),
        ]);
        assert!(matches!(removal_safety(&unknown), Some(Err(_))));
        // A working group copy beside a failed one is enough.
        let one_works = holding(vec![
            copy(None, &[], "Active", "None"),
            copy(Some("g1"), &[], "Error", "CountViolation"),
            copy(Some("g2"), &[], "Active", "None"),
        ]);
        assert_eq!(removal_safety(&one_works), Some(Ok(())));
    }

    #[test]
    fn only_a_sku_held_both_ways_is_a_direct_copy() {
        assert_eq!(
            removal_safety(&holding(vec![copy(None, &[], "Active", "None")])),
            None
        );
        assert_eq!(
            removal_safety(&holding(vec![copy(Some("g"), &[], "Active", "None")])),
            None
        );
    }
}
