//! Friendly names for SKUs and service plans.
//!
//! Graph returns only `skuPartNumber` (`ENTERPRISEPACK`) and `servicePlanName`
//! (`EXCHANGE_S_ENTERPRISE`). Admins know "Office 365 E3" and "Exchange Online (Plan 2)".
//! The table comes from Microsoft's published CSV (see `scripts/derive-names.py`); tenants
//! can own SKUs the CSV lacks, so every lookup falls back to Graph's own name.

use crate::graph::ids::{Guid, PlanId, SkuId};
use crate::licensing::names_table::{PLAN_NAMES, SKU_NAMES};

pub use crate::licensing::names_table::TABLE_DATE;

fn lookup(table: &'static [(u128, &'static str)], id: &Guid) -> Option<&'static str> {
    let key = id.to_u128()?;
    table
        .binary_search_by_key(&key, |(guid, _)| *guid)
        .ok()
        .map(|index| table[index].1)
}

/// The product name of a SKU, else its part number, else its id.
pub fn sku_name(sku: &SkuId, part_number: Option<&str>) -> String {
    lookup(SKU_NAMES, sku.guid())
        .map(str::to_string)
        .or_else(|| part_number.filter(|p| !p.is_empty()).map(str::to_string))
        .unwrap_or_else(|| sku.to_string())
}

/// The friendly name of a service plan, else its plan name, else its id.
pub fn plan_name(plan: &PlanId, service_plan_name: Option<&str>) -> String {
    lookup(PLAN_NAMES, plan.guid())
        .map(str::to_string)
        .or_else(|| {
            service_plan_name
                .filter(|p| !p.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| plan.to_string())
}

/// Number of entries, for reports.
pub fn table_size() -> (usize, usize) {
    (SKU_NAMES.len(), PLAN_NAMES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(SKU_NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(PLAN_NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(table_size(), (569, 723));
    }

    #[test]
    fn spot_checks_from_microsofts_table() {
        let e3 = SkuId::new("6FD2C87F-B296-42F0-B197-1E91E994B900");
        assert_eq!(sku_name(&e3, Some("ENTERPRISEPACK")), "Office 365 E3");
        assert_eq!(
            sku_name(&SkuId::new("06ebc4ee-1bb5-47dd-8120-11324bc54e06"), None),
            "Microsoft 365 E5"
        );
        assert_eq!(
            sku_name(&SkuId::new("84a661c4-e949-4bd2-a560-ed7766fcaf2b"), None),
            "Microsoft Entra ID P2"
        );
        assert_eq!(
            plan_name(&PlanId::new("efb87545-963c-4e0d-99df-69c6916d9eb0"), None),
            "Exchange Online (Plan 2)"
        );
    }

    #[test]
    fn falls_back_to_graph_names() {
        let unknown = "00000000-0000-0000-0000-000000000001";
        assert_eq!(
            sku_name(
                &SkuId::new(unknown),
                Some("TEST_M365_LIGHTHOUSE_PARTNER_PLAN1")
            ),
            "TEST_M365_LIGHTHOUSE_PARTNER_PLAN1"
        );
        assert_eq!(
            plan_name(&PlanId::new(unknown), Some("NEW_PLAN")),
            "NEW_PLAN"
        );
        assert_eq!(sku_name(&SkuId::new("x"), None), "x");
    }
}
