//! Planning one group's license change, counting its members' states, and the diff.
//!
//! The guarantees are the user planner's ([`crate::licensing::plan`]): a SKU that is sent is sent
//! with its complete, merged `disabledPlans` (Graph replaces the list), and every plan
//! that is off in the group today and would be on afterwards is a warning the admin must
//! tick before anything is sent. A new SKU for the group is checked against the tenant:
//! owned, assignable to users, and enough free seats for the members who don't hold it.

use crate::graph::ids::{GroupId, PlanId, SkuId};
use crate::graph::model::{AppliesTo, AssignmentState, Group, LicenseAssignmentState, User};
use crate::licensing::catalog::Catalog;
use crate::licensing::effective;
use crate::licensing::plan::{Change, DirectLicenses, Plan, Refusal, Warning};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What would be sent for the group, and what the admin must see first: a user's
/// [`Plan`], whose `intended` is the group's licenses afterwards (SKU → plans off).
pub type GroupPlan = Plan;

/// The group's licenses as SKU → plans off.
pub fn group_licenses(group: &Group) -> DirectLicenses {
    group
        .assigned_licenses
        .iter()
        .map(|l| (l.sku_id.clone(), l.disabled_plans.iter().cloned().collect()))
        .collect()
}

/// Plans `changes` for `group`, whose direct user members are `members` (read with
/// `licenseAssignmentStates`), in a tenant described by `catalog`.
pub fn plan_group(
    group: &Group,
    members: &[User],
    catalog: &Catalog,
    changes: &[Change],
) -> GroupPlan {
    let current = group_licenses(group);
    let mut target = current.clone();
    let mut refusals = Vec::new();
    for change in changes {
        // A replacement keeps off, in the new SKU, the plans that are off in the group.
        let carried = |from: &SkuId, to: &SkuId| {
            crate::groups::list::carried_over_for_group(group, catalog, Some(from), to)
                .into_iter()
                .collect::<BTreeSet<PlanId>>()
        };
        if let Some(sku) = crate::licensing::plan::edit_licenses(&mut target, change, carried) {
            refusals.push(Refusal::NotAssigned { sku });
        }
    }
    let moves = crate::licensing::plan::license_moves(&current, &target);

    let mut warnings = Vec::new();
    for license in &moves.add_licenses {
        match current.get(&license.sku_id) {
            Some(off_now) => {
                // Plans off today and sent on: members get them back.
                for plan in off_now {
                    if !license.disabled_plans.contains(plan) {
                        warnings.push(Warning::PlanSwitchedOn {
                            plan: plan.clone(),
                            off_in: license.sku_id.clone(),
                            on_via: license.sku_id.clone(),
                        });
                    }
                }
            }
            None => warnings.extend(new_sku_warnings(&license.sku_id, members, catalog)),
        }
    }
    // A plan off in every license of the group today that another license would switch
    // on (Exchange Online off in Office 365 E3, Office 365 E5 added with it on): members
    // get it, so it is a warning as on the user screen.
    for switched in crate::licensing::plan_safety::switched_on(
        &as_assignments(&current),
        &as_assignments(&target),
        catalog,
    ) {
        let warning = Warning::PlanSwitchedOn {
            plan: switched.plan,
            off_in: switched.off_in,
            on_via: switched.on_via,
        };
        let already = warnings.iter().any(|w| match (w, &warning) {
            (Warning::PlanSwitchedOn { plan, .. }, Warning::PlanSwitchedOn { plan: same, .. }) => {
                plan == same
            }
            _ => false,
        });
        if !already {
            warnings.push(warning);
        }
    }
    Plan::new(moves, warnings, refusals, target)
}

/// A group's licenses (SKU → plans off) as the active assignments its members get.
fn as_assignments(licenses: &DirectLicenses) -> Vec<LicenseAssignmentState> {
    licenses
        .iter()
        .map(|(sku, off)| LicenseAssignmentState {
            sku_id: sku.clone(),
            disabled_plans: off.iter().cloned().collect(),
            state: AssignmentState::Active,
            ..LicenseAssignmentState::default()
        })
        .collect()
}

/// Checks for a SKU the group does not have yet.
fn new_sku_warnings(sku: &SkuId, members: &[User], catalog: &Catalog) -> Vec<Warning> {
    let Some(info) = catalog.sku(sku) else {
        return vec![Warning::SkuNotInTenant { sku: sku.clone() }];
    };
    let mut warnings = Vec::new();
    match &info.applies_to {
        AppliesTo::User => {}
        AppliesTo::Company => warnings.push(Warning::AppliesToCompany { sku: sku.clone() }),
        AppliesTo::Unknown(_) => warnings.push(Warning::AppliesToUnknown { sku: sku.clone() }),
    }
    // Members who already hold the SKU some other way take no new seat.
    let needed = members
        .iter()
        .filter(|member| {
            !member
                .license_assignment_states
                .iter()
                .any(|s| &s.sku_id == sku && effective::is_effective(s))
        })
        .count() as i64;
    match info.known_free_seats() {
        Some(free) if free < needed => warnings.push(Warning::NotEnoughSeatsForMembers {
            sku: sku.clone(),
            free,
            needed,
        }),
        Some(_) => {}
        None => warnings.push(Warning::SeatsUnknown { sku: sku.clone() }),
    }
    warnings
}

/// How the group's members stand with the licenses it gives them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberCounts {
    /// Direct user members read.
    pub members: usize,
    /// Every assignment from the group is `Active`.
    pub active: usize,
    /// At least one assignment from the group is in error.
    pub error: usize,
    /// The group has licenses but the member's are not all settled yet (not processed,
    /// or a state Graph did not give).
    pub pending: usize,
}

/// Counts `members` by their assignments from `group`, which gives `licenses`.
pub fn member_counts(group: &GroupId, licenses: &DirectLicenses, members: &[User]) -> MemberCounts {
    let mut counts = MemberCounts {
        members: members.len(),
        ..MemberCounts::default()
    };
    for member in members {
        let from_group: Vec<_> = member
            .license_assignment_states
            .iter()
            .filter(|s| s.assigned_by_group.as_ref() == Some(group))
            .collect();
        if from_group
            .iter()
            .any(|s| s.error.is_error() || s.state == AssignmentState::Error)
        {
            counts.error += 1;
            continue;
        }
        let settled: BTreeSet<&SkuId> = from_group
            .iter()
            .filter(|s| s.state == AssignmentState::Active)
            .map(|s| &s.sku_id)
            .collect();
        if licenses.is_empty() {
            continue;
        }
        if licenses.keys().all(|sku| settled.contains(sku)) {
            counts.active += 1;
        } else {
            counts.pending += 1;
        }
    }
    counts
}

/// What changed on the group: SKUs added and removed, and plans switched per SKU kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupDiff {
    pub added: Vec<SkuId>,
    pub removed: Vec<SkuId>,
    /// SKU → plans switched on.
    pub plans_on: BTreeMap<SkuId, Vec<PlanId>>,
    /// SKU → plans switched off.
    pub plans_off: BTreeMap<SkuId, Vec<PlanId>>,
}

impl GroupDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.plans_on.is_empty()
            && self.plans_off.is_empty()
    }
}

/// The difference between the group's licenses before and after.
pub fn group_diff(before: &DirectLicenses, after: &DirectLicenses) -> GroupDiff {
    let mut diff = GroupDiff {
        added: after
            .keys()
            .filter(|sku| !before.contains_key(*sku))
            .cloned()
            .collect(),
        removed: before
            .keys()
            .filter(|sku| !after.contains_key(*sku))
            .cloned()
            .collect(),
        ..GroupDiff::default()
    };
    for (sku, off_before) in before {
        let Some(off_after) = after.get(sku) else {
            continue;
        };
        let on: Vec<PlanId> = off_before.difference(off_after).cloned().collect();
        let off: Vec<PlanId> = off_after.difference(off_before).cloned().collect();
        if !on.is_empty() {
            diff.plans_on.insert(sku.clone(), on);
        }
        if !off.is_empty() {
            diff.plans_off.insert(sku.clone(), off);
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{LicenseUnits, SubscribedSku};

    const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
    const E5: &str = "c7df2760-2c81-4ef7-b578-5b5392b571df";
    const SWAY: &str = "a23b959c-7ce8-4e57-9140-b90eb88a9e97";
    const YAMMER: &str = "7547a3fe-08ee-4ccb-b430-5077c5041653";

    /// An id of whichever kind the test needs.
    fn g<T: for<'a> From<&'a str>>(id: &str) -> T {
        T::from(id)
    }

    fn group() -> Group {
        serde_json::from_str(&format!(
            r#"{{"id":"grp","assignedLicenses":[{{"skuId":"{E3}","disabledPlans":["{SWAY}","{YAMMER}"]}}],
                "licenseProcessingState":{{"state":"ProcessingComplete"}}}}"#
        ))
        .unwrap()
    }

    fn catalog(free_e5: i64) -> Catalog {
        Catalog::new(vec![SubscribedSku {
            sku_id: g(E5),
            applies_to: AppliesTo::User,
            consumed_units: Some(10),
            prepaid_units: LicenseUnits {
                enabled: Some(10 + free_e5),
                ..LicenseUnits::default()
            },
            ..SubscribedSku::default()
        }])
    }

    use crate::groups::member_with_states as member;

    /// The plan for the group, without members, that turns `plan` of its E3 on or off.
    fn switched(plan: &str, enabled: bool) -> GroupPlan {
        plan_group(
            &group(),
            &[],
            &catalog(5),
            &[Change::SetPlan {
                sku: g(E3),
                plan: g(plan),
                enabled,
            }],
        )
    }

    #[test]
    fn a_plan_switch_sends_the_whole_merged_list_and_must_be_ticked() {
        let plan = switched(SWAY, true);
        let body = plan.body.unwrap();
        assert_eq!(body.add_licenses.len(), 1);
        assert_eq!(body.add_licenses[0].disabled_plans, vec![g(YAMMER)]);
        assert!(body.remove_licenses.is_empty());
        assert_eq!(
            plan.warnings,
            vec![Warning::PlanSwitchedOn {
                plan: g(SWAY),
                off_in: g(E3),
                on_via: g(E3)
            }]
        );
        // Turning one more plan off warns about nothing.
        let off = switched("00000000-0000-0000-0000-000000000001", false);
        assert!(off.warnings.is_empty());
        assert_eq!(off.body.unwrap().add_licenses[0].disabled_plans.len(), 3);
    }

    #[test]
    fn a_new_sku_is_checked_against_free_seats_for_members_without_it() {
        let members = vec![
            member("[]"),
            member("[]"),
            member(&format!(
                r#"[{{"skuId":"{E5}","assignedByGroup":null,"state":"Active"}}]"#
            )),
        ];
        let add = [Change::Add {
            sku: g(E5),
            disabled_plans: vec![],
        }];
        let short = plan_group(&group(), &members, &catalog(1), &add);
        assert_eq!(
            short.warnings,
            vec![Warning::NotEnoughSeatsForMembers {
                sku: g(E5),
                free: 1,
                needed: 2
            }]
        );
        let words = short.warnings[0].describe(&catalog(1));
        assert!(
            words.contains("has 1 free seat; 2 of the group's members need one."),
            "{words}"
        );
        assert!(short.body.is_some());
        assert!(plan_group(&group(), &members, &catalog(2), &add)
            .warnings
            .is_empty());
        let unknown = plan_group(
            &group(),
            &members,
            &catalog(2),
            &[Change::Add {
                sku: g("00000000-0000-0000-0000-00000000dead"),
                disabled_plans: vec![],
            }],
        );
        assert!(matches!(
            unknown.warnings[0],
            Warning::SkuNotInTenant { .. }
        ));
    }

    #[test]
    fn removing_or_switching_a_sku_the_group_lacks_is_refused() {
        let plan = plan_group(&group(), &[], &catalog(5), &[Change::Remove { sku: g(E5) }]);
        assert_eq!(plan.body, None);
        assert_eq!(plan.refusals, vec![Refusal::NotAssigned { sku: g(E5) }]);
        let nothing = switched(SWAY, false);
        assert_eq!(nothing.body, None, "already off: nothing to send");
        let removal = plan_group(&group(), &[], &catalog(5), &[Change::Remove { sku: g(E3) }]);
        assert_eq!(removal.body.unwrap().remove_licenses, vec![g(E3)]);
    }

    #[test]
    fn members_are_counted_by_their_assignments_from_this_group() {
        let licenses = group_licenses(&group());
        let from = |state: &str, error: &str| {
            format!(
                r#"{{"skuId":"{E3}","assignedByGroup":"grp","state":"{state}","error":"{error}"}}"#
            )
        };
        let members = vec![
            member(&format!("[{}]", from("Active", "None"))),
            member(&format!("[{}]", from("Error", "CountViolation"))),
            member("[]"),
            member(&format!(
                r#"[{{"skuId":"{E3}","assignedByGroup":"other","state":"Error","error":"CountViolation"}}]"#
            )),
        ];
        let counts = member_counts(&g("grp"), &licenses, &members);
        assert_eq!(
            counts,
            MemberCounts {
                members: 4,
                active: 1,
                error: 1,
                pending: 2
            }
        );
        // A group without licenses has no one pending.
        let none = member_counts(&g("grp"), &DirectLicenses::new(), &members[2..]);
        assert_eq!(none.pending, 0);
    }

    #[test]
    fn the_diff_names_added_removed_and_switched_plans() {
        let before = group_licenses(&group());
        let mut after = before.clone();
        after.get_mut(&g(E3)).unwrap().remove(&g(SWAY));
        after.insert(g(E5), BTreeSet::new());
        let diff = group_diff(&before, &after);
        assert_eq!(diff.added, vec![g(E5)]);
        assert!(diff.removed.is_empty());
        assert_eq!(diff.plans_on.get(&g(E3)), Some(&vec![g(SWAY)]));
        assert!(diff.plans_off.is_empty());
        assert!(group_diff(&before, &before).is_empty());
        let gone = group_diff(&after, &DirectLicenses::new());
        assert_eq!(gone.removed.len(), 2);
    }
}
