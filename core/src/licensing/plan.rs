//! The change planner: from the admin's intent to the exact `assignLicense` body.
//!
//! Graph *replaces* a SKU's `disabledPlans` when the SKU is sent again, so the planner
//! always sends the complete merged list for every SKU it touches—never a partial one
//! that would silently switch plans back on. It refuses what Graph would refuse (removing
//! a license that is only inherited from a group) and flags what needs the admin's
//! attention before anything is sent: any plan that is off for the user today and would
//! be on afterwards, in any SKU (see [`crate::licensing::plan_safety`]), missing usage location, too
//! few free seats, SKUs that don't apply to users and SKUs the tenant doesn't own.

use crate::graph::ids::{GroupId, PlanId, SkuId};
use crate::graph::model::{AppliesTo, AssignLicenseBody, AssignedLicense, User};
use crate::licensing::catalog::Catalog;
use crate::licensing::effective;
use crate::licensing::plan_safety;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One thing the admin wants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum Change {
    /// Assign `sku` directly with exactly these plans off.
    Add {
        sku: SkuId,
        disabled_plans: Vec<PlanId>,
    },
    /// Turn one plan on or off in a directly assigned SKU.
    SetPlan {
        sku: SkuId,
        plan: PlanId,
        enabled: bool,
    },
    /// Remove a direct assignment.
    Remove { sku: SkuId },
    /// Replace `from` with `to` in one call.
    Swap {
        from: SkuId,
        to: SkuId,
        disabled_plans: Vec<PlanId>,
    },
    /// Replace `from` with `to` in one call, with `to`'s plans that match a plan off for
    /// the user today (by name) starting off: [`plan_safety::carried_over_disabled_plans`]
    /// computed from the user as read when the change is planned. For bulk changes, where
    /// every user has plans of their own.
    Replace { from: SkuId, to: SkuId },
}

/// Something the admin must see (and, where [`Warning::needs_ack`], acknowledge).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "warning", rename_all = "camelCase")]
pub enum Warning {
    /// `plan` is off for the user today (in `off_in`) and `on_via` would switch it on.
    PlanSwitchedOn {
        plan: PlanId,
        off_in: SkuId,
        on_via: SkuId,
    },
    MissingUsageLocation,
    NotEnoughSeats {
        sku: SkuId,
        free: i64,
    },
    /// A group's members need `needed` new seats of `sku`, which has only `free`.
    NotEnoughSeatsForMembers {
        sku: SkuId,
        free: i64,
        needed: i64,
    },
    AppliesToCompany {
        sku: SkuId,
    },
    /// Graph did not send the SKU's seat counts, so free seats can't be checked.
    SeatsUnknown {
        sku: SkuId,
    },
    /// Graph did not say whether the SKU applies to users.
    AppliesToUnknown {
        sku: SkuId,
    },
    SkuNotInTenant {
        sku: SkuId,
    },
}

impl Warning {
    pub fn needs_ack(&self) -> bool {
        true
    }
}

/// Something the planner will not send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "refusal", rename_all = "camelCase")]
pub enum Refusal {
    /// The license comes only from these groups; it can't be changed on the user.
    InheritedOnly { sku: SkuId, groups: Vec<GroupId> },
    /// The user doesn't have this SKU.
    NotAssigned { sku: SkuId },
    /// Graph returned licenses without `licenseAssignmentStates`, so direct and inherited
    /// assignments can't be told apart.
    SourcesUnknown,
}

pub use crate::licensing::effective::DirectLicenses;

/// What would be sent for a user (or a group, [`crate::groups::change::plan`]), and what
/// the admin must see first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The request body, or `None` when nothing would change or something was refused.
    pub body: Option<AssignLicenseBody>,
    pub warnings: Vec<Warning>,
    pub refusals: Vec<Refusal>,
    /// The direct assignments the user (or the group) should have afterwards.
    pub intended: DirectLicenses,
}

impl Plan {
    /// The plan that sends `moves` (from [`license_moves`]) to reach `intended`: only when
    /// nothing was refused and something would change.
    pub(crate) fn new(
        moves: AssignLicenseBody,
        warnings: Vec<Warning>,
        refusals: Vec<Refusal>,
        intended: DirectLicenses,
    ) -> Plan {
        Plan {
            body: (refusals.is_empty() && !moves.is_empty()).then_some(moves),
            warnings,
            refusals,
            intended,
        }
    }
}

/// The user's direct assignments now, from `licenseAssignmentStates`. Without the states
/// nothing is known to be direct (never "everything is direct").
pub fn direct_licenses(user: &User) -> DirectLicenses {
    user.license_assignment_states
        .iter()
        .filter(|state| state.is_direct())
        .map(|s| (s.sku_id.clone(), s.disabled_plans.iter().cloned().collect()))
        .collect()
}

/// Plans `changes` for `user` in a tenant described by `catalog`.
pub fn plan(user: &User, catalog: &Catalog, changes: &[Change]) -> Plan {
    let current = direct_licenses(user);
    if !user.assignment_sources_known() && !changes.is_empty() {
        return Plan {
            body: None,
            warnings: Vec::new(),
            refusals: vec![Refusal::SourcesUnknown],
            intended: current,
        };
    }
    let mut target = current.clone();
    let mut refusals = Vec::new();
    let refuse_missing = |sku: &SkuId, refusals: &mut Vec<Refusal>| {
        let groups = user.inheriting_groups(sku);
        refusals.push(if groups.is_empty() {
            Refusal::NotAssigned { sku: sku.clone() }
        } else {
            Refusal::InheritedOnly {
                sku: sku.clone(),
                groups,
            }
        });
    };
    for change in changes {
        let carried = |from: &SkuId, to: &SkuId| {
            plan_safety::carried_over_disabled_plans(
                &user.license_assignment_states,
                catalog,
                Some(from),
                to,
            )
            .into_iter()
            .collect()
        };
        if let Some(missing) = edit_licenses(&mut target, change, carried) {
            refuse_missing(&missing, &mut refusals);
        }
    }

    let moves = license_moves(&current, &target);

    let mut warnings = Vec::new();
    let newly_assigned: Vec<&SkuId> = moves
        .add_licenses
        .iter()
        .map(|l| &l.sku_id)
        .filter(|sku| !current.contains_key(*sku))
        .collect();
    let after = effective::with_direct_assignments(&user.license_assignment_states, &target, "");
    for switched in plan_safety::switched_on(&user.license_assignment_states, &after, catalog) {
        warnings.push(Warning::PlanSwitchedOn {
            plan: switched.plan,
            off_in: switched.off_in,
            on_via: switched.on_via,
        });
    }
    // A plan off in a direct SKU that is re-sent with it on, even where another
    // assignment already provides it: the admin's own choice in that SKU is undone.
    for license in &moves.add_licenses {
        for plan in current.get(&license.sku_id).into_iter().flatten() {
            let already = warnings
                .iter()
                .any(|w| matches!(w, Warning::PlanSwitchedOn { plan: p, .. } if p == plan));
            if !license.disabled_plans.contains(plan) && !already {
                warnings.push(Warning::PlanSwitchedOn {
                    plan: plan.clone(),
                    off_in: license.sku_id.clone(),
                    on_via: license.sku_id.clone(),
                });
            }
        }
    }
    if crate::licensing::usage_location::refused_for_usage_location(
        user.usage_location.as_deref(),
        &moves.add_licenses,
    ) {
        warnings.push(Warning::MissingUsageLocation);
    }
    for sku in &newly_assigned {
        match catalog.sku(sku) {
            None => warnings.push(Warning::SkuNotInTenant {
                sku: (*sku).clone(),
            }),
            Some(info) => {
                match &info.applies_to {
                    AppliesTo::User => {}
                    AppliesTo::Company => warnings.push(Warning::AppliesToCompany {
                        sku: (*sku).clone(),
                    }),
                    AppliesTo::Unknown(_) => warnings.push(Warning::AppliesToUnknown {
                        sku: (*sku).clone(),
                    }),
                }
                // A seat is already consumed if the user holds the SKU through a group.
                let holds_seat = user
                    .license_assignment_states
                    .iter()
                    .any(|s| &s.sku_id == *sku && effective::is_effective(s));
                match info.known_free_seats() {
                    _ if holds_seat => {}
                    Some(free) if free < 1 => warnings.push(Warning::NotEnoughSeats {
                        sku: (*sku).clone(),
                        free,
                    }),
                    Some(_) => {}
                    None => warnings.push(Warning::SeatsUnknown {
                        sku: (*sku).clone(),
                    }),
                }
            }
        }
    }
    Plan::new(moves, warnings, refusals, target)
}

/// Applies `change` to the licenses `target` (SKU → plans off). For a replacement, the new
/// SKU's plans off come from `carried(from, to)`. Returns the SKU the change needed and
/// did not find (the change to the rest still applies, as Graph would be asked to).
pub fn edit_licenses(
    target: &mut DirectLicenses,
    change: &Change,
    carried: impl FnOnce(&SkuId, &SkuId) -> BTreeSet<PlanId>,
) -> Option<SkuId> {
    let missing = |present: bool, sku: &SkuId| (!present).then(|| sku.clone());
    match change {
        Change::Add {
            sku,
            disabled_plans,
        } => {
            target.insert(sku.clone(), disabled_plans.iter().cloned().collect());
            None
        }
        Change::SetPlan { sku, plan, enabled } => match target.get_mut(sku) {
            Some(disabled) => {
                if *enabled {
                    disabled.remove(plan);
                } else {
                    disabled.insert(plan.clone());
                }
                None
            }
            None => Some(sku.clone()),
        },
        Change::Remove { sku } => missing(target.remove(sku).is_some(), sku),
        Change::Swap {
            from,
            to,
            disabled_plans,
        } => {
            let found = target.remove(from).is_some();
            target.insert(to.clone(), disabled_plans.iter().cloned().collect());
            missing(found, from)
        }
        Change::Replace { from, to } => {
            let found = target.remove(from).is_some();
            target.insert(to.clone(), carried(from, to));
            missing(found, from)
        }
    }
}

/// The `assignLicense` lists that take `current` to `target`: each SKU to add (or add
/// again with other plans off) with exactly its plans off, and each SKU to remove.
pub fn license_moves(current: &DirectLicenses, target: &DirectLicenses) -> AssignLicenseBody {
    let add_licenses = target
        .iter()
        .filter(|(sku, disabled)| current.get(*sku) != Some(disabled))
        .map(|(sku, disabled)| AssignedLicense {
            sku_id: sku.clone(),
            disabled_plans: disabled.iter().cloned().collect(),
        })
        .collect();
    let remove_licenses = current
        .keys()
        .filter(|sku| !target.contains_key(*sku))
        .cloned()
        .collect();
    AssignLicenseBody {
        add_licenses,
        remove_licenses,
    }
}

/// Records the admin's wish for one plan of `sku`: an earlier wish for the same plan is
/// replaced, and a wish for how the plan is now (`on_now`) leaves nothing pending for it.
pub fn switch_plan(
    changes: &mut Vec<Change>,
    sku: &SkuId,
    plan: &PlanId,
    enabled: bool,
    on_now: bool,
) {
    changes
        .retain(|c| !matches!(c, Change::SetPlan { sku: s, plan: p, .. } if s == sku && p == plan));
    if enabled != on_now {
        changes.push(Change::SetPlan {
            sku: sku.clone(),
            plan: plan.clone(),
            enabled,
        });
    }
}

/// The changes that take direct assignments `now` back to `was`: remove what was added,
/// and add back (with its disabled plans) what was removed or changed.
pub fn changes_restoring(was: &DirectLicenses, now: &DirectLicenses) -> Vec<Change> {
    let mut changes: Vec<Change> = now
        .keys()
        .filter(|sku| !was.contains_key(*sku))
        .map(|sku| Change::Remove { sku: sku.clone() })
        .collect();
    for (sku, disabled) in was {
        if now.get(sku) != Some(disabled) {
            changes.push(Change::Add {
                sku: sku.clone(),
                disabled_plans: disabled.iter().cloned().collect(),
            });
        }
    }
    changes
}

/// What Graph does with an `assignLicense` body: removals, then each added SKU's
/// `disabledPlans` replaces whatever was there.
pub fn apply(current: &DirectLicenses, body: &AssignLicenseBody) -> DirectLicenses {
    let mut next = current.clone();
    for sku in &body.remove_licenses {
        next.remove(sku);
    }
    for license in &body.add_licenses {
        next.insert(
            license.sku_id.clone(),
            license.disabled_plans.iter().cloned().collect(),
        );
    }
    next
}

impl Plan {
    /// The body that undoes this plan, given the user as it was before.
    pub fn undo_changes(before: &User, after: &User) -> Vec<Change> {
        changes_restoring(&direct_licenses(before), &direct_licenses(after))
    }

    /// The user as the planner expects Graph to show them once the change has landed.
    pub fn predict(&self, before: &User, catalog: &Catalog, now: &str) -> User {
        let states = effective::with_direct_assignments(
            &before.license_assignment_states,
            &self.intended,
            now,
        );
        User {
            assigned_licenses: effective::assigned_licenses(&states),
            assigned_plans: effective::assigned_plans(
                &states,
                catalog,
                &before.assigned_plans,
                now,
            ),
            license_assignment_states: states,
            ..before.clone()
        }
    }

    /// True once `user` shows exactly the intended direct assignments.
    pub fn is_reflected_in(&self, user: &User) -> bool {
        direct_licenses(user) == self.intended
    }
}
