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

/// One difference. Names are resolved when the diff is made, so it can be exported as is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum DiffEntry {
    #[serde(rename_all = "camelCase")]
    AssignmentAdded {
        sku: SkuId,
        sku_name: String,
        source: AssignmentSource,
        source_name: String,
        state: StateLabel,
        plans_off: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    AssignmentRemoved {
        sku: SkuId,
        sku_name: String,
        source: AssignmentSource,
        source_name: String,
        state: StateLabel,
        plans_off: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    PlanSwitched {
        sku: SkuId,
        sku_name: String,
        source: AssignmentSource,
        source_name: String,
        plan: PlanId,
        plan_name: String,
        enabled: bool,
    },
    #[serde(rename_all = "camelCase")]
    StateChanged {
        sku: SkuId,
        sku_name: String,
        source: AssignmentSource,
        source_name: String,
        before: StateLabel,
        after: StateLabel,
    },
    #[serde(rename_all = "camelCase")]
    CapabilityChanged {
        plan: PlanId,
        plan_name: String,
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
    /// The same change seen from the other side.
    pub fn inverse(&self) -> DiffEntry {
        use DiffEntry::*;
        match self.clone() {
            AssignmentAdded {
                sku,
                sku_name,
                source,
                source_name,
                state,
                plans_off,
            } => AssignmentRemoved {
                sku,
                sku_name,
                source,
                source_name,
                state,
                plans_off,
            },
            AssignmentRemoved {
                sku,
                sku_name,
                source,
                source_name,
                state,
                plans_off,
            } => AssignmentAdded {
                sku,
                sku_name,
                source,
                source_name,
                state,
                plans_off,
            },
            PlanSwitched {
                sku,
                sku_name,
                source,
                source_name,
                plan,
                plan_name,
                enabled,
            } => PlanSwitched {
                sku,
                sku_name,
                source,
                source_name,
                plan,
                plan_name,
                enabled: !enabled,
            },
            StateChanged {
                sku,
                sku_name,
                source,
                source_name,
                before,
                after,
            } => StateChanged {
                sku,
                sku_name,
                source,
                source_name,
                before: after,
                after: before,
            },
            CapabilityChanged {
                plan,
                plan_name,
                before,
                after,
            } => CapabilityChanged {
                plan,
                plan_name,
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
        let (sku_name, sku, source) = match self {
            AssignmentAdded {
                sku,
                sku_name,
                source,
                ..
            }
            | AssignmentRemoved {
                sku,
                sku_name,
                source,
                ..
            }
            | StateChanged {
                sku,
                sku_name,
                source,
                ..
            }
            | PlanSwitched {
                sku,
                sku_name,
                source,
                ..
            } => (sku_name.clone(), sku.to_string(), Some(source.clone())),
            CapabilityChanged { .. } | UsageLocationChanged { .. } => Default::default(),
        };
        let (plan_name, plan) = match self {
            PlanSwitched {
                plan, plan_name, ..
            }
            | CapabilityChanged {
                plan, plan_name, ..
            } => (plan_name.clone(), plan.to_string()),
            _ => Default::default(),
        };
        (rank, sku_name, sku, source, plan_name, plan)
    }

    /// `(kind, sku id, sku, source, plan id, plan, before, after)` for CSV.
    fn csv_fields(&self) -> [String; 8] {
        use DiffEntry::*;
        let source_text = |source: &AssignmentSource, name: &str| match source {
            AssignmentSource::Direct => "Direct".to_string(),
            AssignmentSource::Group(_) => format!("Group: {name}"),
        };
        match self {
            AssignmentAdded {
                sku,
                sku_name,
                source,
                source_name,
                state,
                plans_off,
            } => [
                "assignment added".into(),
                sku.to_string(),
                sku_name.clone(),
                source_text(source, source_name),
                String::new(),
                plans_off.join("; "),
                String::new(),
                state.to_string(),
            ],
            AssignmentRemoved {
                sku,
                sku_name,
                source,
                source_name,
                state,
                plans_off,
            } => [
                "assignment removed".into(),
                sku.to_string(),
                sku_name.clone(),
                source_text(source, source_name),
                String::new(),
                plans_off.join("; "),
                state.to_string(),
                String::new(),
            ],
            PlanSwitched {
                sku,
                sku_name,
                source,
                source_name,
                plan,
                plan_name,
                enabled,
            } => [
                "plan switched".into(),
                sku.to_string(),
                sku_name.clone(),
                source_text(source, source_name),
                plan.to_string(),
                plan_name.clone(),
                if *enabled { "off" } else { "on" }.into(),
                if *enabled { "on" } else { "off" }.into(),
            ],
            StateChanged {
                sku,
                sku_name,
                source,
                source_name,
                before,
                after,
            } => [
                "state changed".into(),
                sku.to_string(),
                sku_name.clone(),
                source_text(source, source_name),
                String::new(),
                String::new(),
                before.to_string(),
                after.to_string(),
            ],
            CapabilityChanged {
                plan,
                plan_name,
                before,
                after,
            } => [
                "capability changed".into(),
                String::new(),
                String::new(),
                String::new(),
                plan.to_string(),
                plan_name.clone(),
                before.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                after.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            ],
            UsageLocationChanged { before, after } => [
                "usage location changed".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                before.clone().unwrap_or_default(),
                after.clone().unwrap_or_default(),
            ],
        }
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
            let sku_name = catalog.sku_name(sku);
            let name = source_name(source);
            match (old.get(key), new.get(key)) {
                (None, Some(state)) => entries.push(DiffEntry::AssignmentAdded {
                    sku: sku.clone(),
                    sku_name,
                    source: source.clone(),
                    source_name: name,
                    state: StateLabel::of(state),
                    plans_off: plans_off(state),
                }),
                (Some(state), None) => entries.push(DiffEntry::AssignmentRemoved {
                    sku: sku.clone(),
                    sku_name,
                    source: source.clone(),
                    source_name: name,
                    state: StateLabel::of(state),
                    plans_off: plans_off(state),
                }),
                (Some(was), Some(now)) => {
                    let (was_label, now_label) = (StateLabel::of(was), StateLabel::of(now));
                    if was_label != now_label {
                        entries.push(DiffEntry::StateChanged {
                            sku: sku.clone(),
                            sku_name: sku_name.clone(),
                            source: source.clone(),
                            source_name: name.clone(),
                            before: was_label,
                            after: now_label,
                        });
                    }
                    let was_off: BTreeSet<&PlanId> = was.disabled_plans.iter().collect();
                    let now_off: BTreeSet<&PlanId> = now.disabled_plans.iter().collect();
                    for plan in was_off.symmetric_difference(&now_off) {
                        entries.push(DiffEntry::PlanSwitched {
                            sku: sku.clone(),
                            sku_name: sku_name.clone(),
                            source: source.clone(),
                            source_name: name.clone(),
                            plan: (*plan).clone(),
                            plan_name: catalog.plan_name(plan),
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
                    plan: (*plan).clone(),
                    plan_name: catalog.plan_name(plan),
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
        let mut out = String::from("change,sku_id,sku,source,plan_id,plan,before,after\r\n");
        for entry in &self.entries {
            out.push_str(&crate::lists::csv::row(&entry.csv_fields()));
        }
        out
    }
}
