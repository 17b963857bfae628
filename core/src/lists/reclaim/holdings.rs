//! What one user holds, SKU by SKU, and where each copy comes from.
//!
//! A seat is taken once per user and SKU however many times it is assigned (directly and
//! through groups), and only by an assignment that works (`Active` or `ActiveWithError`):
//! a copy in `Error` takes none. `licenseAssignmentStates` tells direct copies from
//! inherited ones; a user whose SKUs it doesn't explain has sources unknown, and nothing
//! about them is guessed.

use crate::graph::ids::{GroupId, PlanId, SkuId};
use crate::graph::model::{AssignmentError, AssignmentSource, AssignmentState, User};
use crate::licensing::catalog::Catalog;
use serde::{Deserialize, Serialize};

/// One copy of a SKU on a user: direct, or from a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseCopy {
    pub source: AssignmentSource,
    /// The group's name, when the copy comes from a group the catalogue names.
    pub group_name: Option<String>,
    pub state: AssignmentState,
    pub error: AssignmentError,
    pub disabled_plans: Vec<PlanId>,
}

impl LicenseCopy {
    pub fn is_direct(&self) -> bool {
        self.source == AssignmentSource::Direct
    }

    pub fn group(&self) -> Option<&GroupId> {
        match &self.source {
            AssignmentSource::Group(group) => Some(group),
            AssignmentSource::Direct => None,
        }
    }

    /// `Active` and without an error: the copy a user can rely on.
    pub fn works_cleanly(&self) -> bool {
        self.state == AssignmentState::Active && !self.error.is_error()
    }

    /// Gives the user service (and takes a seat): the rule of
    /// [`crate::licensing::effective::is_effective`].
    pub fn is_effective(&self) -> bool {
        matches!(
            self.state,
            AssignmentState::Active | AssignmentState::ActiveWithError
        )
    }
}

/// A SKU on a user, with every copy of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holding {
    pub sku: SkuId,
    pub sku_name: String,
    pub copies: Vec<LicenseCopy>,
}

impl Holding {
    /// Whether the user takes a seat of this SKU (some copy works).
    pub fn takes_seat(&self) -> bool {
        self.copies.iter().any(LicenseCopy::is_effective)
    }

    pub fn direct(&self) -> Option<&LicenseCopy> {
        self.copies.iter().find(|copy| copy.is_direct())
    }

    pub fn from_groups(&self) -> impl Iterator<Item = &LicenseCopy> {
        self.copies.iter().filter(|copy| !copy.is_direct())
    }
}

/// Every SKU `user` holds with its copies, in the order of `licenseAssignmentStates`.
/// `None` when the states don't explain every assigned SKU (sources unknown).
pub fn holdings(user: &User, catalog: &Catalog) -> Option<Vec<Holding>> {
    if !user.assignment_sources_known() {
        return None;
    }
    let mut holdings: Vec<Holding> = Vec::new();
    for state in &user.license_assignment_states {
        let copy = LicenseCopy {
            source: state.source(),
            group_name: state
                .assigned_by_group
                .as_ref()
                .and_then(|group| catalog.groups.get(group).cloned()),
            state: state.state.clone(),
            error: state.error.clone(),
            disabled_plans: state.disabled_plans.clone(),
        };
        match holdings.iter_mut().find(|h| h.sku == state.sku_id) {
            Some(holding) => holding.copies.push(copy),
            None => holdings.push(Holding {
                sku: state.sku_id.clone(),
                sku_name: catalog.sku_name(&state.sku_id),
                copies: vec![copy],
            }),
        }
    }
    Some(holdings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::SubscribedSku;

    #[test]
    fn copies_of_one_sku_are_one_holding_and_one_seat() {
        // Microsoft's Entra sample: a SKU assigned directly and through a group.
        let user: User = serde_json::from_str(
            r#"{"id":"e61ff361-5baf-41f0-b2fd-380a6a5e406a","licenseAssignmentState":[
                {"skuId":"157870f6-e050-4b3c-ad5e-0f0a377c8f4d","disabledPlans":[],"assignedByGroup":null,"state":"Active","error":"None"},
                {"skuId":"240622ac-b9b8-4d50-94e2-dad19a3bf4b5","disabledPlans":["e61ff361-5baf-41f0-b2fd-380a6a5e406a"],
                 "assignedByGroup":"e61ff361-5baf-41f0-b2fd-380a6a5e406a","state":"Active","error":"None"},
                {"skuId":"240622ac-b9b8-4d50-94e2-dad19a3bf4b5","disabledPlans":[],"assignedByGroup":null,"state":" Active ","error":" None"}],
                "assignedLicenses":[{"skuId":"157870f6-e050-4b3c-ad5e-0f0a377c8f4d"},{"skuId":"240622ac-b9b8-4d50-94e2-dad19a3bf4b5"}]}"#,
        )
        .unwrap();
        let mut catalog = Catalog::new(vec![SubscribedSku {
            sku_id: SkuId::new("240622ac-b9b8-4d50-94e2-dad19a3bf4b5"),
            sku_part_number: "PART".into(),
            ..Default::default()
        }]);
        catalog.groups.insert(
            GroupId::new("e61ff361-5baf-41f0-b2fd-380a6a5e406a"),
            "Sales".into(),
        );
        let held = holdings(&user, &catalog).unwrap();
        assert_eq!(held.len(), 2);
        let both = &held[1];
        assert_eq!(both.copies.len(), 2);
        assert!(both.takes_seat());
        assert!(both.direct().unwrap().works_cleanly());
        let group = both.from_groups().next().unwrap();
        assert_eq!(group.group_name.as_deref(), Some("Sales"));
        assert_eq!(group.disabled_plans.len(), 1);
    }

    #[test]
    fn a_copy_in_error_takes_no_seat_and_unknown_sources_are_not_guessed() {
        let failed: User = serde_json::from_str(
            r#"{"id":"u","licenseAssignmentStates":[{"skuId":"s","assignedByGroup":"g",
                "state":"Error","error":"CountViolation"}]}"#,
        )
        .unwrap();
        let held = holdings(&failed, &Catalog::default()).unwrap();
        assert!(!held[0].takes_seat());
        assert!(!held[0].copies[0].works_cleanly());
        let unexplained: User =
            serde_json::from_str(r#"{"id":"u","assignedLicenses":[{"skuId":"s"}]}"#).unwrap();
        assert_eq!(holdings(&unexplained, &Catalog::default()), None);
    }
}
