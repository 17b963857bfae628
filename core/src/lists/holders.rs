//! "Who has this license": every holder of a SKU, marked direct or through which group,
//! with the state of that assignment, and a spreadsheet-safe CSV of the list.
//!
//! The holders are read with `licenseAssignmentStates` ([`crate::graph::request::sku_holders`]),
//! which is the only property that tells direct from inherited assignments. A user can
//! hold a SKU several ways at once (directly and through two groups): each way is its own
//! row, since each can be changed or can fail on its own. A user whose assigned SKU no
//! state explains gets one row with an unknown source, never a guessed "direct".

use crate::graph::ids::{GroupId, PlanId, SkuId, UserId};
use crate::graph::model::{AssignmentError, AssignmentSource, AssignmentState, User};
use crate::licensing::catalog::Catalog;
use crate::lists::csv;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One way one user holds the SKU.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    pub user_id: UserId,
    pub display_name: String,
    pub user_principal_name: String,
    /// `None` when Graph did not say where the license comes from.
    pub source: Option<AssignmentSource>,
    pub state: AssignmentState,
    pub error: AssignmentError,
    pub disabled_plans: Vec<PlanId>,
    pub last_updated: Option<String>,
}

impl Holder {
    pub fn is_direct(&self) -> bool {
        self.source == Some(AssignmentSource::Direct)
    }

    /// The group the license comes through, if it does.
    pub fn group(&self) -> Option<&GroupId> {
        match &self.source {
            Some(AssignmentSource::Group(group)) => Some(group),
            _ => None,
        }
    }
}

/// Every way each of `users` holds `sku`, ordered by user name, then direct before groups.
pub fn holders_of(users: &[User], sku: &SkuId) -> Vec<Holder> {
    let mut rows = Vec::new();
    for user in users {
        let identity = |source, state, error, disabled_plans, last_updated| Holder {
            user_id: user.id.clone(),
            display_name: user.label().to_string(),
            user_principal_name: user.user_principal_name.clone().unwrap_or_default(),
            source,
            state,
            error,
            disabled_plans,
            last_updated,
        };
        let states: Vec<_> = user
            .license_assignment_states
            .iter()
            .filter(|state| &state.sku_id == sku)
            .collect();
        if states.is_empty() {
            if let Some(license) = user.assigned_licenses.iter().find(|l| &l.sku_id == sku) {
                rows.push(identity(
                    None,
                    AssignmentState::absent(),
                    AssignmentError::None,
                    license.disabled_plans.clone(),
                    None,
                ));
            }
            continue;
        }
        for state in states {
            rows.push(identity(
                Some(state.source()),
                state.state.clone(),
                state.error.clone(),
                state.disabled_plans.clone(),
                state.last_updated_date_time.clone(),
            ));
        }
    }
    rows.sort_by(|a, b| {
        (a.display_name.to_lowercase(), &a.user_id, &a.source).cmp(&(
            b.display_name.to_lowercase(),
            &b.user_id,
            &b.source,
        ))
    });
    rows
}

/// Totals for the screen's heading.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolderCounts {
    /// Distinct users.
    pub users: usize,
    pub direct: usize,
    /// Assignments through each group.
    pub by_group: BTreeMap<GroupId, usize>,
    /// Assignments whose source Graph did not give.
    pub unknown_source: usize,
    /// Assignments in error (they hold no seat's worth of service).
    pub in_error: usize,
}

pub fn count(holders: &[Holder]) -> HolderCounts {
    let mut counts = HolderCounts::default();
    let mut users: Vec<&UserId> = holders.iter().map(|h| &h.user_id).collect();
    users.sort();
    users.dedup();
    counts.users = users.len();
    for holder in holders {
        match &holder.source {
            Some(AssignmentSource::Direct) => counts.direct += 1,
            Some(AssignmentSource::Group(group)) => {
                *counts.by_group.entry(group.clone()).or_default() += 1
            }
            None => counts.unknown_source += 1,
        }
        if holder.error.is_error() {
            counts.in_error += 1;
        }
    }
    counts
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 10] = [
    "Display name",
    "User principal name",
    "User id",
    "Assigned",
    "Group",
    "Group id",
    "State",
    "Error",
    "Plans off",
    "Last updated",
];

/// The holders as CSV (CRLF rows, formula-safe fields), names from `catalog`.
pub fn holders_csv(holders: &[Holder], catalog: &Catalog) -> String {
    let rows = holders.iter().map(|holder| {
        let (assigned, group, group_id) = match &holder.source {
            Some(AssignmentSource::Direct) => ("Direct".to_string(), String::new(), String::new()),
            Some(AssignmentSource::Group(id)) => {
                ("Group".to_string(), catalog.group_name(id), id.to_string())
            }
            None => ("Unknown".to_string(), String::new(), String::new()),
        };
        let plans_off = holder
            .disabled_plans
            .iter()
            .map(|plan| catalog.plan_name(plan))
            .collect::<Vec<_>>()
            .join("; ");
        let error = if holder.error.is_error() {
            holder.error.as_str().to_string()
        } else {
            String::new()
        };
        vec![
            holder.display_name.clone(),
            holder.user_principal_name.clone(),
            holder.user_id.to_string(),
            assigned,
            group,
            group_id,
            holder.state.to_string(),
            error,
            plans_off,
            holder.last_updated.clone().unwrap_or_default(),
        ]
    });
    csv::table(&CSV_HEADER, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKU: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
    const GROUP: &str = "0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60";

    fn users() -> Vec<User> {
        serde_json::from_str(&format!(
            r#"[
              {{"id":"u2","displayName":"=cmd|' /C calc'!A0","userPrincipalName":"zed@contoso.example",
                "assignedLicenses":[{{"skuId":"{SKU}","disabledPlans":[]}}],
                "licenseAssignmentStates":[
                  {{"skuId":"{SKU}","assignedByGroup":"{GROUP}","state":"Error","error":"CountViolation",
                    "disabledPlans":[],"lastUpdatedDateTime":"2027-01-15T08:00:00Z"}}]}},
              {{"id":"u1","displayName":"Adele Vance","userPrincipalName":"adelev@contoso.example",
                "assignedLicenses":[{{"skuId":"{SKU}","disabledPlans":["p1"]}}],
                "licenseAssignmentStates":[
                  {{"skuId":"{SKU}","assignedByGroup":"{GROUP}","state":"Active","error":"None","disabledPlans":[]}},
                  {{"skuId":"{SKU}","assignedByGroup":null,"state":"Active","error":null,"disabledPlans":["p1"]}},
                  {{"skuId":"other","assignedByGroup":null,"state":"Active"}}]}},
              {{"id":"u3","displayName":"Bo Unknown","assignedLicenses":[{{"skuId":"{SKU}"}}]}},
              {{"id":"u4","displayName":"No License","assignedLicenses":[],"licenseAssignmentStates":[]}}
            ]"#
        ))
        .unwrap()
    }

    #[test]
    fn each_way_of_holding_the_sku_is_a_row_and_unknown_sources_are_not_guessed() {
        let rows = holders_of(&users(), &SkuId::new(SKU));
        let summary: Vec<(&str, Option<AssignmentSource>, &str)> = rows
            .iter()
            .map(|h| (h.user_id.as_str(), h.source.clone(), h.state.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "u2",
                    Some(AssignmentSource::Group(GroupId::new(GROUP))),
                    "Error"
                ),
                ("u1", Some(AssignmentSource::Direct), "Active"),
                (
                    "u1",
                    Some(AssignmentSource::Group(GroupId::new(GROUP))),
                    "Active"
                ),
                ("u3", None, "unknown"),
            ]
        );
        let counts = count(&rows);
        assert_eq!(counts.users, 3);
        assert_eq!(counts.direct, 1);
        assert_eq!(counts.by_group.get(&GroupId::new(GROUP)), Some(&2));
        assert_eq!(counts.unknown_source, 1);
        assert_eq!(counts.in_error, 1);
        assert!(rows[1].is_direct());
        assert_eq!(rows[2].group(), Some(&GroupId::new(GROUP)));
    }

    #[test]
    fn csv_names_the_group_and_defuses_formulas() {
        let mut catalog = Catalog::default();
        catalog
            .groups
            .insert(GroupId::new(GROUP), "All Staff".into());
        let rows = holders_of(&users(), &SkuId::new(SKU));
        let text = holders_csv(&rows, &catalog);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Display name,User principal name,User id,Assigned,Group,Group id,State,Error,Plans off,Last updated"
        );
        assert_eq!(
            lines[1],
            format!("'=cmd|' /C calc'!A0,zed@contoso.example,u2,Group,All Staff,{GROUP},Error,CountViolation,,2027-01-15T08:00:00Z")
        );
        assert!(lines[2].starts_with("Adele Vance,adelev@contoso.example,u1,Direct,,,Active,,p1,"));
        assert!(lines[4].starts_with("Bo Unknown,,u3,Unknown,,,unknown,"));
        assert_eq!(lines.len(), 6, "four rows, a header and the final CRLF");
    }
}
