//! The "Groups" screen as plain data: which groups to show and in what order, and what
//! went wrong for each member with license errors.
//!
//! Graph gives two listings: groups with `hasMembersWithLicenseErrors eq true` (a filter
//! that works only without `ConsistencyLevel: eventual`) and every group with its license
//! properties. The screen shows the groups with errors first, then every other group that
//! assigns licenses; a group in both listings appears once, with its licenses.

use crate::graph::ids::{PlanId, SkuId};
use crate::graph::model::{AssignmentError, AssignmentState, Group, LicenseAssignmentState, User};
use crate::licensing::catalog::Catalog;
use std::collections::BTreeSet;

/// One group on the "Groups" screen.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupRow {
    pub group: Group,
    /// Some member's assignment from this group failed.
    pub has_errors: bool,
}

/// How a group is named on screen: its display name, else its id.
pub fn group_label(group: &Group) -> String {
    group
        .display_name
        .clone()
        .unwrap_or_else(|| group.id.to_string())
}

fn by_name(rows: &mut [GroupRow]) {
    rows.sort_by_key(|row| (group_label(&row.group).to_lowercase(), row.group.id.clone()));
}

/// Groups with license errors first, then the other groups of `all` that assign
/// licenses, each part by name.
pub fn overview(with_errors: &[Group], all: &[Group]) -> Vec<GroupRow> {
    let mut seen = BTreeSet::new();
    let mut failing: Vec<GroupRow> = with_errors
        .iter()
        .filter(|group| seen.insert(group.id.clone()))
        .map(|group| {
            // The error listing may come without license properties: take them from the
            // full listing when it has them.
            let full = all
                .iter()
                .find(|g| g.id == group.id && !g.assigned_licenses.is_empty());
            GroupRow {
                group: full.unwrap_or(group).clone(),
                has_errors: true,
            }
        })
        .collect();
    let mut licensed: Vec<GroupRow> = all
        .iter()
        .filter(|group| !group.assigned_licenses.is_empty())
        .filter(|group| seen.insert(group.id.clone()))
        .map(|group| GroupRow {
            group: group.clone(),
            has_errors: false,
        })
        .collect();
    by_name(&mut failing);
    by_name(&mut licensed);
    failing.extend(licensed);
    failing
}

/// One failed assignment a member has from the group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberProblem {
    pub sku: SkuId,
    pub error: AssignmentError,
}

/// The failed assignments `user` has from `group`. A member listed with errors whose
/// states name none from this group (Graph lagging) gets one problem of unknown cause
/// for each of the group's licenses it lacks, so the row never reads as fine.
pub fn member_problems(group: &Group, user: &User) -> Vec<MemberProblem> {
    let from_group = |sku: &SkuId| {
        user.license_assignment_states
            .iter()
            .any(|s| &s.sku_id == sku && s.assigned_by_group.as_ref() == Some(&group.id))
    };
    let failed: Vec<MemberProblem> = user
        .license_assignment_states
        .iter()
        .filter(|s| s.assigned_by_group.as_ref() == Some(&group.id))
        .filter(|s| s.error.is_error() || s.state == AssignmentState::Error)
        .map(|s| MemberProblem {
            sku: s.sku_id.clone(),
            error: if s.error.is_error() {
                s.error.clone()
            } else {
                AssignmentError::Unknown("Error".into())
            },
        })
        .collect();
    if !failed.is_empty() {
        return failed;
    }
    group
        .assigned_licenses
        .iter()
        .filter(|license| !from_group(&license.sku_id))
        .map(|license| MemberProblem {
            sku: license.sku_id.clone(),
            error: AssignmentError::absent(),
        })
        .collect()
}

/// The safe default plans-off for giving the group `to` (added, or replacing `from`):
/// every plan of `to` whose service plan is off in the group today, or off in `from`,
/// starts off, matched by name as on the user screen, so no plan turns on unseen.
pub fn carried_over_for_group(
    group: &Group,
    catalog: &Catalog,
    from: Option<&SkuId>,
    to: &SkuId,
) -> Vec<PlanId> {
    // The group's licenses read as a holder's direct assignments.
    let states: Vec<LicenseAssignmentState> = group
        .assigned_licenses
        .iter()
        .map(|license| LicenseAssignmentState {
            sku_id: license.sku_id.clone(),
            disabled_plans: license.disabled_plans.clone(),
            state: AssignmentState::Active,
            ..LicenseAssignmentState::default()
        })
        .collect();
    crate::licensing::plan_safety::carried_over_disabled_plans(&states, catalog, from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
    const E5: &str = "c7df2760-2c81-4ef7-b578-5b5392b571df";

    fn group(id: &str, name: &str, skus: &[&str]) -> Group {
        let licenses: Vec<String> = skus
            .iter()
            .map(|s| format!(r#"{{"skuId":"{s}","disabledPlans":[]}}"#))
            .collect();
        serde_json::from_str(&format!(
            r#"{{"id":"{id}","displayName":"{name}","assignedLicenses":[{}]}}"#,
            licenses.join(",")
        ))
        .unwrap()
    }

    use crate::groups::member_with_states as user;

    #[test]
    fn groups_with_errors_come_first_then_licensed_groups_by_name() {
        let all = vec![
            group("a", "zeta", &[E3]),
            group("b", "Alpha", &[E5]),
            group("c", "No licenses", &[]),
            group("d", "Beta", &[E3]),
        ];
        // The error listing names "zeta" without its licenses.
        let errors = vec![group("a", "zeta", &[]), group("a", "zeta", &[])];
        let rows = overview(&errors, &all);
        let names: Vec<String> = rows.iter().map(|r| group_label(&r.group)).collect();
        assert_eq!(names, ["zeta", "Alpha", "Beta"]);
        assert!(rows[0].has_errors && !rows[1].has_errors && !rows[2].has_errors);
        assert_eq!(
            rows[0].group.assigned_licenses.len(),
            1,
            "licenses merged in"
        );
        assert!(overview(&[], &[]).is_empty());
    }

    #[test]
    fn a_replacement_starts_with_the_plans_off_that_were_off() {
        use crate::graph::model::{ServicePlanInfo, SubscribedSku};
        const SWAY: &str = "a23b959c-7ce8-4e57-9140-b90eb88a9e97";
        const SWAY_IN_E5: &str = "00000000-0000-0000-0000-00000000e5e5";
        let plan = |id: &str, name: &str| ServicePlanInfo {
            service_plan_id: PlanId::new(id),
            service_plan_name: name.into(),
            ..ServicePlanInfo::default()
        };
        let sku = |id: &str, plans: Vec<ServicePlanInfo>| SubscribedSku {
            sku_id: SkuId::new(id),
            service_plans: plans,
            ..SubscribedSku::default()
        };
        let catalog = Catalog::new(vec![
            sku(E3, vec![plan(SWAY, "SWAY")]),
            sku(E5, vec![plan(SWAY_IN_E5, "SWAY")]),
        ]);
        let mut staff = group("g", "All Staff", &[E3]);
        staff.assigned_licenses[0].disabled_plans = vec![PlanId::new(SWAY)];
        assert_eq!(
            carried_over_for_group(&staff, &catalog, Some(&SkuId::new(E3)), &SkuId::new(E5)),
            vec![PlanId::new(SWAY_IN_E5)]
        );
        let all_on = group("g", "All Staff", &[E3]);
        assert!(carried_over_for_group(&all_on, &catalog, None, &SkuId::new(E5)).is_empty());
    }

    #[test]
    fn a_members_problems_are_the_failed_assignments_from_this_group() {
        let staff = group("g", "All Staff", &[E3]);
        let member = user(&format!(
            r#"[{{"skuId":"{E3}","assignedByGroup":"g","state":"Error","error":"CountViolation"}},
                {{"skuId":"{E5}","assignedByGroup":"other","state":"Error","error":"UniquenessViolation"}},
                {{"skuId":"{E5}","assignedByGroup":null,"state":"Active","error":"None"}}]"#
        ));
        assert_eq!(
            member_problems(&staff, &member),
            vec![MemberProblem {
                sku: SkuId::new(E3),
                error: AssignmentError::CountViolation
            }]
        );
        // Listed with errors but no failed state from the group yet: unknown cause, per
        // license it lacks.
        let lagging = user("[]");
        let problems = member_problems(&staff, &lagging);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].error.is_absent());
        // Fine now: nothing to explain.
        let fine = user(&format!(
            r#"[{{"skuId":"{E3}","assignedByGroup":"g","state":"Active","error":"None"}}]"#
        ));
        assert!(member_problems(&staff, &fine).is_empty());
    }
}
