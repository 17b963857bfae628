//! Which service plans a change would switch on for a user, across every SKU.
//!
//! Many service plans ship in several SKUs: Exchange Online (Plan 2) is in both
//! Office 365 E3 and E5. A plan the admin deliberately turned off in one SKU would come
//! back on if the user received it, switched on, through another SKU: "Replace with…",
//! "Add license", or a direct copy of a SKU the user only gets from a group that keeps
//! the plan off. This module compares the user's effective plans before and after a
//! change, so the planner can name each such plan with both SKUs, and it proposes the
//! safe default: carry the plans that are off today over to the new SKU by name.

use crate::graph::ids::{PlanId, SkuId};
use crate::graph::model::LicenseAssignmentState;
use crate::licensing::catalog::Catalog;
use crate::licensing::effective;
use std::collections::{BTreeMap, BTreeSet};

/// A plan that is off for the user today and on after the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwitchedOn {
    pub plan: PlanId,
    /// A SKU the user holds today in which the plan is off.
    pub off_in: SkuId,
    /// The SKU that would switch it on.
    pub on_via: SkuId,
}

/// Plans of the SKU in `state`: the tenant's list, plus any plan the state names as off
/// (so a SKU missing from the catalogue still counts what we know of it).
fn plans_of(state: &LicenseAssignmentState, catalog: &Catalog) -> BTreeSet<PlanId> {
    let mut plans: BTreeSet<PlanId> = state.disabled_plans.iter().cloned().collect();
    if let Some(sku) = catalog.sku(&state.sku_id) {
        plans.extend(sku.service_plans.iter().map(|p| p.service_plan_id.clone()));
    }
    plans
}

/// Plans the user has in an effective assignment but with every such assignment
/// keeping them off; each with a SKU that holds it off.
pub fn plans_off(states: &[LicenseAssignmentState], catalog: &Catalog) -> BTreeMap<PlanId, SkuId> {
    let on = effective::enabled_plans(states, catalog);
    let mut off = BTreeMap::new();
    for state in states.iter().filter(|s| effective::is_effective(s)) {
        for plan in plans_of(state, catalog) {
            if !on.contains_key(&plan) {
                off.entry(plan).or_insert_with(|| state.sku_id.clone());
            }
        }
    }
    off
}

/// Every plan off in `before` and on in `after`, with the SKUs to name. A direct
/// assignment is preferred as the one that switches it on, since that is what changed.
pub fn switched_on(
    before: &[LicenseAssignmentState],
    after: &[LicenseAssignmentState],
    catalog: &Catalog,
) -> Vec<SwitchedOn> {
    let on_after = effective::enabled_plans(after, catalog);
    plans_off(before, catalog)
        .into_iter()
        .filter(|(plan, _)| on_after.contains_key(plan))
        .map(|(plan, off_in)| {
            let mut enablers = effective::enabling_assignments(after, catalog, &plan);
            enablers.sort_by_key(|s| !s.is_direct());
            let on_via = enablers
                .first()
                .map(|s| s.sku_id.clone())
                .unwrap_or_else(|| off_in.clone());
            SwitchedOn {
                plan,
                off_in,
                on_via,
            }
        })
        .collect()
}

/// The safe default for giving the user `to`: every plan of `to` whose service-plan name
/// (or id) matches a plan that is off for the user today, or off in the direct
/// assignment of `from` being replaced, starts off.
pub fn carried_over_disabled_plans(
    states: &[LicenseAssignmentState],
    catalog: &Catalog,
    from: Option<&SkuId>,
    to: &SkuId,
) -> Vec<PlanId> {
    let mut off_ids: BTreeSet<PlanId> = plans_off(states, catalog).into_keys().collect();
    if let Some(from) = from {
        for state in states.iter().filter(|s| s.is_direct() && &s.sku_id == from) {
            off_ids.extend(state.disabled_plans.iter().cloned());
        }
    }
    let name_of = |plan: &PlanId| {
        catalog
            .skus
            .iter()
            .find_map(|sku| sku.plan(plan))
            .map(|info| info.service_plan_name.to_ascii_uppercase())
            .filter(|name| !name.is_empty())
    };
    let off_names: BTreeSet<String> = off_ids.iter().filter_map(name_of).collect();
    let Some(target) = catalog.sku(to) else {
        return Vec::new();
    };
    target
        .service_plans
        .iter()
        .filter(|info| {
            off_ids.contains(&info.service_plan_id)
                || off_names.contains(&info.service_plan_name.to_ascii_uppercase())
        })
        .map(|info| info.service_plan_id.clone())
        .collect()
}
