//! How a user's assignments add up to `assignedLicenses` and `assignedPlans`.
//!
//! `licenseAssignmentStates` is the source of truth (one entry per SKU and source).
//! `assignedLicenses` has one entry per SKU, and a plan is off only if every active
//! assignment of that SKU turns it off. `assignedPlans` lists plans the user has had;
//! a plan no longer provided by any active assignment becomes `Deleted`. The simulator
//! and the planner's prediction both use these rules, so a prediction can be compared
//! with what is read back.

use crate::graph::ids::{PlanId, SkuId};
use crate::graph::model::{
    AssignedLicense, AssignedPlan, AssignmentError, AssignmentState, CapabilityStatus,
    LicenseAssignmentState,
};
use crate::licensing::catalog::Catalog;
use std::collections::{BTreeMap, BTreeSet};

/// Assignments that give the user service (active, with or without a warning).
pub fn is_effective(state: &LicenseAssignmentState) -> bool {
    matches!(
        state.state,
        AssignmentState::Active | AssignmentState::ActiveWithError
    )
}

/// `assignedLicenses` from the assignment states.
pub fn assigned_licenses(states: &[LicenseAssignmentState]) -> Vec<AssignedLicense> {
    let mut by_sku: BTreeMap<SkuId, Option<BTreeSet<PlanId>>> = BTreeMap::new();
    for state in states.iter().filter(|s| is_effective(s)) {
        let disabled: BTreeSet<PlanId> = state.disabled_plans.iter().cloned().collect();
        let entry = by_sku.entry(state.sku_id.clone()).or_insert(None);
        *entry = Some(match entry.take() {
            None => disabled,
            Some(previous) => previous.intersection(&disabled).cloned().collect(),
        });
    }
    by_sku
        .into_iter()
        .map(|(sku_id, disabled)| AssignedLicense {
            sku_id,
            disabled_plans: disabled.unwrap_or_default().into_iter().collect(),
        })
        .collect()
}

/// Plans enabled by at least one effective assignment, with the service they belong to.
pub fn enabled_plans(
    states: &[LicenseAssignmentState],
    catalog: &Catalog,
) -> BTreeMap<PlanId, String> {
    let mut plans = BTreeMap::new();
    for state in states.iter().filter(|s| is_effective(s)) {
        let Some(sku) = catalog.sku(&state.sku_id) else {
            continue;
        };
        for info in &sku.service_plans {
            if !state.disabled_plans.contains(&info.service_plan_id) {
                plans.insert(
                    info.service_plan_id.clone(),
                    service_of(&info.service_plan_name),
                );
            }
        }
    }
    plans
}

/// The `service` label Graph puts on an assigned plan, derived from the plan name.
fn service_of(plan_name: &str) -> String {
    let upper = plan_name.to_ascii_uppercase();
    let service = [
        ("EXCHANGE", "exchange"),
        ("SHAREPOINT", "SharePoint"),
        ("TEAMS", "TeamspaceAPI"),
        ("MCO", "MicrosoftCommunicationsOnline"),
        ("INTUNE", "SCO"),
        ("AAD", "AADPremiumService"),
        ("MFA", "MultiFactorService"),
        ("RMS", "RMSOnline"),
        ("POWER_BI", "PowerBI"),
        ("BI_AZURE", "PowerBI"),
        ("FLOW", "ProcessSimple"),
        ("POWERAPPS", "PowerAppsService"),
        ("PROJECT", "ProjectWorkManagement"),
        ("OFFICESUBSCRIPTION", "MicrosoftOffice"),
    ]
    .iter()
    .find(|(prefix, _)| upper.contains(prefix))
    .map(|(_, service)| *service)
    .unwrap_or("MicrosoftOffice");
    service.to_string()
}

/// The new `assignedPlans`: enabled plans are `Enabled` (keeping their first assignment
/// date), plans that were listed but are no longer provided become `Deleted`.
pub fn assigned_plans(
    states: &[LicenseAssignmentState],
    catalog: &Catalog,
    previous: &[AssignedPlan],
    now: &str,
) -> Vec<AssignedPlan> {
    let enabled = enabled_plans(states, catalog);
    let mut result: Vec<AssignedPlan> = Vec::new();
    for plan in previous {
        let still = enabled.contains_key(&plan.service_plan_id);
        let status = if still {
            CapabilityStatus::Enabled
        } else {
            CapabilityStatus::Deleted
        };
        let changed = status != plan.capability_status;
        result.push(AssignedPlan {
            assigned_date_time: if changed {
                Some(now.to_string())
            } else {
                plan.assigned_date_time.clone()
            },
            capability_status: status,
            ..plan.clone()
        });
    }
    for (plan, service) in enabled {
        if !previous.iter().any(|p| p.service_plan_id == plan) {
            result.push(AssignedPlan {
                assigned_date_time: Some(now.to_string()),
                capability_status: CapabilityStatus::Enabled,
                service: Some(service),
                service_plan_id: plan,
            });
        }
    }
    result
}

/// Which assignments enable `plan` on the user: the "why is this plan on" answer.
pub fn enabling_assignments<'a>(
    states: &'a [LicenseAssignmentState],
    catalog: &Catalog,
    plan: &PlanId,
) -> Vec<&'a LicenseAssignmentState> {
    states
        .iter()
        .filter(|state| is_effective(state) && !state.disabled_plans.contains(plan))
        .filter(|state| {
            catalog
                .sku(&state.sku_id)
                .is_some_and(|sku| sku.plan(plan).is_some())
        })
        .collect()
}

/// Direct assignments: SKU → the plans switched off in it.
pub type DirectLicenses = BTreeMap<SkuId, BTreeSet<PlanId>>;

/// The assignment states after the direct assignments become `direct`: inherited states
/// stay as they are; a direct SKU whose `disabledPlans` didn't change keeps its state;
/// every other direct SKU is freshly `Active` as of `now`. Sorted by SKU, then source.
pub fn with_direct_assignments(
    states: &[LicenseAssignmentState],
    direct: &DirectLicenses,
    now: &str,
) -> Vec<LicenseAssignmentState> {
    let mut next: Vec<LicenseAssignmentState> =
        states.iter().filter(|s| !s.is_direct()).cloned().collect();
    for (sku, disabled) in direct {
        let previous = states.iter().find(|s| s.is_direct() && &s.sku_id == sku);
        let unchanged = previous.is_some_and(|p| {
            p.disabled_plans.iter().cloned().collect::<BTreeSet<_>>() == *disabled
        });
        next.push(match previous {
            Some(state) if unchanged => state.clone(),
            _ => LicenseAssignmentState {
                sku_id: sku.clone(),
                disabled_plans: disabled.iter().cloned().collect(),
                assigned_by_group: None,
                state: AssignmentState::Active,
                error: AssignmentError::None,
                last_updated_date_time: Some(now.to_string()),
            },
        });
    }
    sort_states(&mut next);
    next
}

/// The order Graph-shaped state lists are kept in: by SKU, then direct before groups.
pub fn sort_states(states: &mut [LicenseAssignmentState]) {
    states.sort_by(|a, b| (&a.sku_id, a.source()).cmp(&(&b.sku_id, b.source())));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::LicenseAssignmentState;

    #[test]
    fn a_missing_or_null_state_is_never_effective() {
        for json in crate::graph::model::tests::STATE_NOT_SAID {
            let state: LicenseAssignmentState = serde_json::from_str(json).unwrap();
            assert!(!is_effective(&state), "{json}");
        }
    }
}
