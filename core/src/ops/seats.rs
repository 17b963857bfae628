//! Free seats during a run, so a bulk assignment can stop adding a SKU once none is left.
//!
//! Graph answers `CountViolation` when a SKU has no free seat, but only after the write
//! was sent; a run of thousands would then fail user after user. With
//! [`super::Options::stop_when_seats_run_out`] the engine counts seats from the catalogue
//! (prepaid enabled − consumed) and does not send a write that adds a SKU with none left.
//! A seat counts as used when the write is sent and is given back if the item ends
//! without the change applied. SKUs whose counts Graph did not send have no limit here.

use crate::graph::ids::SkuId;
use crate::graph::model::{AssignLicenseBody, User};
use crate::graph::request::GraphRequest;
use crate::licensing::catalog::Catalog;
use crate::licensing::effective;
use std::collections::BTreeMap;

/// SKUs an `assignLicense` body adds that `before` does not hold through any effective
/// assignment (a group-based one already takes a seat).
pub fn seats_taken(before: &User, body: &AssignLicenseBody) -> Vec<SkuId> {
    body.add_licenses
        .iter()
        .map(|license| &license.sku_id)
        .filter(|sku| {
            !before
                .license_assignment_states
                .iter()
                .any(|state| &state.sku_id == *sku && effective::is_effective(state))
        })
        .cloned()
        .collect()
}

/// [`seats_taken`] for a planned request: nothing unless it is an `assignLicense` call.
pub fn seats_taken_by(before: &User, write: &GraphRequest) -> Vec<SkuId> {
    if !write.path_only().ends_with("/assignLicense") {
        return Vec::new();
    }
    write
        .body
        .as_deref()
        .and_then(|body| serde_json::from_str::<AssignLicenseBody>(body).ok())
        .map(|body| seats_taken(before, &body))
        .unwrap_or_default()
}

/// Free seats per SKU with known counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeatPool {
    free: BTreeMap<SkuId, i64>,
}

impl SeatPool {
    pub fn from_catalog(catalog: &Catalog) -> Self {
        SeatPool {
            free: catalog
                .skus
                .iter()
                .filter_map(|sku| Some((sku.sku_id.clone(), sku.known_free_seats()?)))
                .collect(),
        }
    }

    /// Free seats of `sku`; `None` when unknown (no limit).
    pub fn free(&self, sku: &SkuId) -> Option<i64> {
        self.free.get(sku).copied()
    }

    /// The first of `skus` with no seat left.
    pub fn first_exhausted<'a>(&self, skus: &'a [SkuId]) -> Option<&'a SkuId> {
        skus.iter()
            .find(|sku| self.free(sku).is_some_and(|n| n < 1))
    }

    /// The first of `skus` (a SKU may appear more than once, one seat each) with fewer
    /// seats left than wanted.
    pub fn first_short<'a>(&self, skus: &'a [SkuId]) -> Option<&'a SkuId> {
        skus.iter().find(|sku| {
            let wanted = skus.iter().filter(|other| other == sku).count() as i64;
            self.free(sku).is_some_and(|n| n < wanted)
        })
    }

    pub fn take(&mut self, sku: &SkuId) {
        if let Some(n) = self.free.get_mut(sku) {
            *n -= 1;
        }
    }

    pub fn give_back(&mut self, sku: &SkuId) {
        if let Some(n) = self.free.get_mut(sku) {
            *n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::GroupId;
    use crate::graph::model::{AssignedLicense, LicenseAssignmentState, SubscribedSku};

    fn sku(id: &str, enabled: Option<i64>, consumed: i64) -> SubscribedSku {
        let mut sku = SubscribedSku {
            sku_id: SkuId::new(id),
            consumed_units: Some(consumed),
            ..Default::default()
        };
        sku.prepaid_units.enabled = enabled;
        sku
    }

    #[test]
    fn a_group_held_sku_takes_no_seat_and_removals_take_none() {
        let a = SkuId::new("00000000-0000-0000-0000-00000000000a");
        let b = SkuId::new("00000000-0000-0000-0000-00000000000b");
        let user = User {
            license_assignment_states: vec![LicenseAssignmentState {
                sku_id: a.clone(),
                assigned_by_group: Some(GroupId::new("00000000-0000-0000-0000-0000000000ff")),
                state: crate::graph::model::AssignmentState::Active,
                ..Default::default()
            }],
            ..Default::default()
        };
        let body = AssignLicenseBody {
            add_licenses: vec![
                AssignedLicense {
                    sku_id: a.clone(),
                    disabled_plans: vec![],
                },
                AssignedLicense {
                    sku_id: b.clone(),
                    disabled_plans: vec![],
                },
            ],
            remove_licenses: vec![a.clone()],
        };
        assert_eq!(seats_taken(&user, &body), vec![b.clone()]);
        let write = crate::graph::request::assign_license("u1", &body);
        assert_eq!(seats_taken_by(&user, &write), vec![b]);
        assert!(seats_taken_by(
            &user,
            &crate::graph::request::reprocess_license_assignment("u1")
        )
        .is_empty());
    }

    #[test]
    fn the_pool_counts_down_and_back_and_ignores_unknown_counts() {
        let a = SkuId::new("00000000-0000-0000-0000-00000000000a");
        let unknown = SkuId::new("00000000-0000-0000-0000-00000000000c");
        let mut pool = SeatPool::from_catalog(&Catalog::new(vec![
            sku(a.as_str(), Some(3), 2),
            sku(unknown.as_str(), None, 0),
        ]));
        assert_eq!(pool.free(&a), Some(1));
        assert_eq!(pool.free(&unknown), None);
        assert_eq!(pool.first_exhausted(&[a.clone(), unknown.clone()]), None);
        pool.take(&a);
        assert_eq!(
            pool.first_exhausted(&[unknown.clone(), a.clone()]),
            Some(&a)
        );
        pool.give_back(&a);
        assert_eq!(pool.free(&a), Some(1));
    }
}
