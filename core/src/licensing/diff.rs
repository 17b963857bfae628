//! What changed on a user, in the admin's terms.
//!
//! [`LicenseDiff::between`] compares two reads of one user: assignments added and removed
//! (direct and inherited kept apart even for the same SKU), service plans switched on or
//! off per assignment, assignment state and error transitions (`Error/CountViolation →
//! Active`), `assignedPlans` capability changes, and usage location. Entries are stably
//! ordered, and the diff of B→A is exactly the inverse of A→B. The same structure will
//! aggregate across many users for bulk operations.

use crate::graph::ids::{PlanId, SkuId};
use crate::graph::model::{
    AssignmentError, AssignmentSource, AssignmentState, CapabilityStatus, LicenseAssignmentState,
    User,
};
use crate::licensing::catalog::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// An assignment's state and error together, e.g. `Error/CountViolation`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StateLabel {
    pub state: AssignmentState,
    pub error: AssignmentError,
}

impl StateLabel {
    pub fn of(state: &LicenseAssignmentState) -> Self {
        StateLabel {
            state: state.state.clone(),
            error: state.error.clone(),
        }
    }
}

impl fmt::Display for StateLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error {
            AssignmentError::None => write!(f, "{}", self.state),
            _ => write!(f, "{}/{}", self.state, self.error),
        }
    }
}

/// The assignment an entry is about: a SKU and where it comes from, with their names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentRef {
    pub sku: SkuId,
    pub sku_name: String,
    pub source: AssignmentSource,
    pub source_name: String,
}

impl AssignmentRef {
    /// "Direct" or "Group: All Staff", as the CSV export says it.
    fn source_text(&self) -> String {
        match self.source {
            AssignmentSource::Direct => "Direct".to_string(),
            AssignmentSource::Group(_) => format!("Group: {}", self.source_name),
        }
    }
}

/// The service plan an entry is about, with its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRef {
    pub plan: PlanId,
    pub plan_name: String,
}

/// One difference. Names are resolved when the diff is made, so it can be exported as is.
/// What an entry is about ([`AssignmentRef`], [`PlanRef`]) is written once per variant and
/// flattened, so the exported JSON has the same flat fields as Graph-minded tools expect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum DiffEntry {
    #[serde(rename_all = "camelCase")]
    AssignmentAdded {
        #[serde(flatten)]
        assignment: AssignmentRef,
        state: StateLabel,
        plans_off: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    AssignmentRemoved {
        #[serde(flatten)]
        assignment: AssignmentRef,
        state: StateLabel,
        plans_off: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    PlanSwitched {
        #[serde(flatten)]
        assignment: AssignmentRef,
        #[serde(flatten)]
        plan: PlanRef,
        enabled: bool,
    },
    #[serde(rename_all = "camelCase")]
    StateChanged {
        #[serde(flatten)]
        assignment: AssignmentRef,
        before: StateLabel,
        after: StateLabel,
    },
    #[serde(rename_all = "camelCase")]
    CapabilityChanged {
        #[serde(flatten)]
        plan: PlanRef,
        before: Option<CapabilityStatus>,
        after: Option<CapabilityStatus>,
    },
    #[serde(rename_all = "camelCase")]
    UsageLocationChanged {
        before: Option<String>,
        after: Option<String>,
    },
}

impl DiffEntry {
    /// The assignment the entry is about, if it is about one.
    pub fn assignment(&self) -> Option<&AssignmentRef> {
        use DiffEntry::*;
        match self {
            AssignmentAdded { assignment, .. }
            | AssignmentRemoved { assignment, .. }
            | PlanSwitched { assignment, .. }
            | StateChanged { assignment, .. } => Some(assignment),
            CapabilityChanged { .. } | UsageLocationChanged { .. } => None,
        }
    }

    /// The service plan the entry is about, if it is about one.
    pub fn plan(&self) -> Option<&PlanRef> {
        match self {
            DiffEntry::PlanSwitched { plan, .. } | DiffEntry::CapabilityChanged { plan, .. } => {
                Some(plan)
            }
            _ => None,
        }
    }

    /// The same change seen from the other side.
    pub fn inverse(&self) -> DiffEntry {
        use DiffEntry::*;
        match self.clone() {
            AssignmentAdded {
                assignment,
                state,
                plans_off,
            } => AssignmentRemoved {
                assignment,
                state,
                plans_off,
            },
            AssignmentRemoved {
                assignment,
                state,
                plans_off,
            } => AssignmentAdded {
                assignment,
                state,
                plans_off,
            },
            PlanSwitched {
                assignment,
                plan,
                enabled,
            } => PlanSwitched {
                assignment,
                plan,
                enabled: !enabled,
            },
            StateChanged {
                assignment,
                before,
                after,
            } => StateChanged {
                assignment,
                before: after,
                after: before,
            },
            CapabilityChanged {
                plan,
                before,
                after,
            } => CapabilityChanged {
                plan,
                before: after,
                after: before,
            },
            UsageLocationChanged { before, after } => UsageLocationChanged {
                before: after,
                after: before,
            },
        }
    }

    /// A sort key that an entry and its inverse share, so ordering is stable both ways.
    /// Names come first so the admin reads SKUs and plans alphabetically.
    fn sort_key(&self) -> (u8, String, String, Option<AssignmentSource>, String, String) {
        use DiffEntry::*;
        let rank = match self {
            UsageLocationChanged { .. } => 0,
            AssignmentAdded { .. } | AssignmentRemoved { .. } => 1,
            StateChanged { .. } => 2,
            PlanSwitched { .. } => 3,
            CapabilityChanged { .. } => 4,
        };
        let (sku_name, sku, source) = self
            .assignment()
            .map(|a| {
                (
                    a.sku_name.clone(),
                    a.sku.to_string(),
                    Some(a.source.clone()),
                )
            })
            .unwrap_or_default();
        let (plan_name, plan) = self
            .plan()
            .map(|p| (p.plan_name.clone(), p.plan.to_string()))
            .unwrap_or_default();
        (rank, sku_name, sku, source, plan_name, plan)
    }

    /// `(kind, sku id, sku, source, plan id, plan, before, after)` for CSV.
    fn csv_fields(&self) -> [String; 8] {
        use DiffEntry::*;
        let (kind, plans_off, before, after) = match self {
            AssignmentAdded {
                state, plans_off, ..
            } => (
                "assignment added",
                plans_off.join("; "),
                String::new(),
                state.to_string(),
            ),
            AssignmentRemoved {
                state, plans_off, ..
            } => (
                "assignment removed",
                plans_off.join("; "),
                state.to_string(),
                String::new(),
            ),
            PlanSwitched { enabled, .. } => {
                let (was, now) = if *enabled {
                    ("off", "on")
                } else {
                    ("on", "off")
                };
                ("plan switched", String::new(), was.into(), now.into())
            }
            StateChanged { before, after, .. } => (
                "state changed",
                String::new(),
                before.to_string(),
                after.to_string(),
            ),
            CapabilityChanged { before, after, .. } => (
                "capability changed",
                String::new(),
                before.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                after.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            ),
            UsageLocationChanged { before, after } => (
                "usage location changed",
                String::new(),
                before.clone().unwrap_or_default(),
                after.clone().unwrap_or_default(),
            ),
        };
        let (sku, sku_name, source) = self
            .assignment()
            .map(|a| (a.sku.to_string(), a.sku_name.clone(), a.source_text()))
            .unwrap_or_default();
        // A plan switch names the plan; the assignment's plans-off column is for
        // assignments added and removed.
        let (plan, plan_name) = match self.plan() {
            Some(p) => (p.plan.to_string(), p.plan_name.clone()),
            None => (String::new(), plans_off),
        };
        [
            kind.into(),
            sku,
            sku_name,
            source,
            plan,
            plan_name,
            before,
            after,
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LicenseDiff {
    pub entries: Vec<DiffEntry>,
}

type AssignmentKey = (SkuId, AssignmentSource);

fn assignments(user: &User) -> BTreeMap<AssignmentKey, &LicenseAssignmentState> {
    user.license_assignment_states
        .iter()
        .map(|state| ((state.sku_id.clone(), state.source()), state))
        .collect()
}

impl LicenseDiff {
    pub fn between(before: &User, after: &User, catalog: &Catalog) -> LicenseDiff {
        let mut entries = Vec::new();
        if before.usage_location != after.usage_location {
            entries.push(DiffEntry::UsageLocationChanged {
                before: before.usage_location.clone(),
                after: after.usage_location.clone(),
            });
        }
        let old = assignments(before);
        let new = assignments(after);
        let source_name = |source: &AssignmentSource| match source {
            AssignmentSource::Direct => "Direct".to_string(),
            AssignmentSource::Group(group) => catalog.group_name(group),
        };
        let plans_off = |state: &LicenseAssignmentState| -> Vec<String> {
            let mut names: Vec<String> = state
                .disabled_plans
                .iter()
                .map(|p| catalog.plan_name(p))
                .collect();
            names.sort();
            names
        };
        let keys: BTreeSet<&AssignmentKey> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (sku, source) = key;
            let assignment = AssignmentRef {
                sku: sku.clone(),
                sku_name: catalog.sku_name(sku),
                source: source.clone(),
                source_name: source_name(source),
            };
            match (old.get(key), new.get(key)) {
                (None, Some(state)) => entries.push(DiffEntry::AssignmentAdded {
                    assignment,
                    state: StateLabel::of(state),
                    plans_off: plans_off(state),
                }),
                (Some(state), None) => entries.push(DiffEntry::AssignmentRemoved {
                    assignment,
                    state: StateLabel::of(state),
                    plans_off: plans_off(state),
                }),
                (Some(was), Some(now)) => {
                    let (was_label, now_label) = (StateLabel::of(was), StateLabel::of(now));
                    if was_label != now_label {
                        entries.push(DiffEntry::StateChanged {
                            assignment: assignment.clone(),
                            before: was_label,
                            after: now_label,
                        });
                    }
                    let was_off: BTreeSet<&PlanId> = was.disabled_plans.iter().collect();
                    let now_off: BTreeSet<&PlanId> = now.disabled_plans.iter().collect();
                    for plan in was_off.symmetric_difference(&now_off) {
                        entries.push(DiffEntry::PlanSwitched {
                            assignment: assignment.clone(),
                            plan: PlanRef {
                                plan: (*plan).clone(),
                                plan_name: catalog.plan_name(plan),
                            },
                            enabled: was_off.contains(plan),
                        });
                    }
                }
                (None, None) => unreachable!("key came from one side"),
            }
        }
        let old_plans: BTreeMap<&PlanId, &CapabilityStatus> = before
            .assigned_plans
            .iter()
            .map(|p| (&p.service_plan_id, &p.capability_status))
            .collect();
        let new_plans: BTreeMap<&PlanId, &CapabilityStatus> = after
            .assigned_plans
            .iter()
            .map(|p| (&p.service_plan_id, &p.capability_status))
            .collect();
        let plan_ids: BTreeSet<&&PlanId> = old_plans.keys().chain(new_plans.keys()).collect();
        for plan in plan_ids {
            let (was, now) = (old_plans.get(*plan), new_plans.get(*plan));
            if was != now {
                entries.push(DiffEntry::CapabilityChanged {
                    plan: PlanRef {
                        plan: (*plan).clone(),
                        plan_name: catalog.plan_name(plan),
                    },
                    before: was.map(|s| (*s).clone()),
                    after: now.map(|s| (*s).clone()),
                });
            }
        }
        let mut diff = LicenseDiff { entries };
        diff.sort();
        diff
    }

    fn sort(&mut self) {
        self.entries.sort_by_key(DiffEntry::sort_key);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn inverse(&self) -> LicenseDiff {
        let mut diff = LicenseDiff {
            entries: self.entries.iter().map(DiffEntry::inverse).collect(),
        };
        diff.sort();
        diff
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("diff serialises")
    }

    /// RFC 4180 CSV with a header row.
    pub fn to_csv(&self) -> String {
        let header = [
            "change", "sku_id", "sku", "source", "plan_id", "plan", "before", "after",
        ];
        crate::lists::csv::table(&header, self.entries.iter().map(DiffEntry::csv_fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::GroupId;

    #[test]
    fn an_entry_is_exported_flat_and_reads_back_the_same() {
        let entry = DiffEntry::PlanSwitched {
            assignment: AssignmentRef {
                sku: SkuId::new("e3"),
                sku_name: "Office 365 E3".into(),
                source: AssignmentSource::Group(GroupId::new("g1")),
                source_name: "All Staff".into(),
            },
            plan: PlanRef {
                plan: PlanId::new("sway"),
                plan_name: "Sway".into(),
            },
            enabled: true,
        };
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["change"], "planSwitched");
        assert_eq!(json["skuName"], "Office 365 E3");
        assert_eq!(json["sourceName"], "All Staff");
        assert_eq!(json["source"]["groupId"], "g1");
        assert_eq!(json["planName"], "Sway");
        assert_eq!(json["enabled"], true);
        assert_eq!(serde_json::from_value::<DiffEntry>(json).unwrap(), entry);
        assert_eq!(entry.inverse().inverse(), entry);
    }
}
