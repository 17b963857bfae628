//! Friendly names for SKUs and service plans.
//!
//! Graph returns only `skuPartNumber` (`ENTERPRISEPACK`) and `servicePlanName`
//! (`EXCHANGE_S_ENTERPRISE`). Admins know "Office 365 E3" and "Exchange Online (Plan 2)".
//! The table comes from Microsoft's published CSV: `scripts/derive-names.py` writes it as
//! `core/data/names.json`, a file the site serves next to the app. It is data, not code:
//! some 1,300 GUIDs, which compress poorly, would otherwise weigh on every visit, so the
//! shell fetches the file after sign-in and hands it over as [`Names`]. Until it arrives,
//! and for anything it lacks (tenants can own SKUs the CSV doesn't list yet), every
//! lookup falls back to Graph's own name.
//!
//! Tests see the same file: with `cfg(test)` or the `builtin-names` feature (enabled only
//! by the dev-dependencies of the simulator and the shell), [`Names::default`] is the
//! table in `core/data/names.json` rather than none, so a catalogue built in a test names
//! SKUs as the app does once the file has arrived.

use crate::graph::ids::{Guid, PlanId, SkuId};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The table as `scripts/derive-names.py` writes it: GUIDs as 32 lower-case hex digits
/// without hyphens (the compact form), each mapped to its name.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NamesFile {
    /// The date of Microsoft's CSV the table was derived from, `YYYY-MM-DD`.
    as_of: String,
    skus: BTreeMap<String, String>,
    plans: BTreeMap<String, String>,
}

/// Product and service-plan names by GUID, and the date of the CSV they come from.
#[derive(Default, PartialEq, Eq)]
pub struct NameTable {
    as_of: Option<String>,
    skus: BTreeMap<u128, String>,
    plans: BTreeMap<u128, String>,
}

impl NameTable {
    /// Reads the file `scripts/derive-names.py` writes. A key that is not a GUID is an
    /// error: a file that parses only in part would silently lose names.
    pub fn from_json(text: &str) -> Result<NameTable, String> {
        let file: NamesFile = serde_json::from_str(text)
            .map_err(|e| format!("the names table is not valid JSON of the expected shape: {e}"))?;
        let keyed = |entries: BTreeMap<String, String>| {
            entries
                .into_iter()
                .map(|(key, name)| {
                    let guid = (key.len() == 32)
                        .then(|| u128::from_str_radix(&key, 16).ok())
                        .flatten()
                        .ok_or_else(|| format!("“{key}” in the names table is not a GUID"))?;
                    Ok((guid, name))
                })
                .collect::<Result<BTreeMap<_, _>, String>>()
        };
        Ok(NameTable {
            as_of: Some(file.as_of),
            skus: keyed(file.skus)?,
            plans: keyed(file.plans)?,
        })
    }

    fn lookup<'a>(table: &'a BTreeMap<u128, String>, id: &Guid) -> Option<&'a str> {
        table.get(&id.to_u128()?).map(String::as_str)
    }
}

/// The names the app knows now: none until the table arrives (see the module's note on
/// tests), then the whole table. Cheap to clone and to compare: clones share one table.
#[derive(Clone, PartialEq, Eq)]
pub struct Names(Arc<NameTable>);

impl Names {
    /// No names: every lookup falls back to Graph's.
    pub fn none() -> Self {
        Names(Arc::new(NameTable::default()))
    }

    pub fn new(table: NameTable) -> Self {
        Names(Arc::new(table))
    }

    /// The date of Microsoft's CSV the names come from; `None` while there is no table.
    pub fn as_of(&self) -> Option<&str> {
        self.0.as_of.as_deref()
    }

    pub fn is_empty(&self) -> bool {
        self.0.skus.is_empty() && self.0.plans.is_empty()
    }

    /// Number of SKUs and of service plans named, for reports.
    pub fn size(&self) -> (usize, usize) {
        (self.0.skus.len(), self.0.plans.len())
    }

    /// The product name of a SKU, else its part number, else its id.
    pub fn sku_name(&self, sku: &SkuId, part_number: Option<&str>) -> String {
        NameTable::lookup(&self.0.skus, sku.guid())
            .or_else(|| part_number.filter(|p| !p.is_empty()))
            .map_or_else(|| sku.to_string(), str::to_string)
    }

    /// The friendly name of a service plan, else its plan name, else its id.
    pub fn plan_name(&self, plan: &PlanId, service_plan_name: Option<&str>) -> String {
        NameTable::lookup(&self.0.plans, plan.guid())
            .or_else(|| service_plan_name.filter(|p| !p.is_empty()))
            .map_or_else(|| plan.to_string(), str::to_string)
    }
}

impl Default for Names {
    #[cfg(not(any(test, feature = "builtin-names")))]
    fn default() -> Self {
        Names::none()
    }

    #[cfg(any(test, feature = "builtin-names"))]
    fn default() -> Self {
        builtin::names()
    }
}

/// The date and the counts: 1,300 names would drown whatever prints a catalogue.
impl fmt::Debug for NameTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameTable")
            .field("as_of", &self.as_of)
            .field("skus", &self.skus.len())
            .field("plans", &self.plans.len())
            .finish()
    }
}

impl fmt::Debug for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(any(test, feature = "builtin-names"))]
mod builtin {
    use super::{NameTable, Names};
    use std::sync::OnceLock;

    /// The table the site serves, read once per test process.
    pub fn names() -> Names {
        static TABLE: OnceLock<Names> = OnceLock::new();
        TABLE
            .get_or_init(|| {
                let text = include_str!("../../data/names.json");
                Names::new(NameTable::from_json(text).expect("core/data/names.json parses"))
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_table_parses_whole() {
        let names = Names::default();
        assert_eq!(names.size(), (569, 723));
        assert_eq!(names.as_of(), Some("2025-12-30"));
    }

    #[test]
    fn spot_checks_from_microsofts_table() {
        let names = Names::default();
        let e3 = SkuId::new("6FD2C87F-B296-42F0-B197-1E91E994B900");
        assert_eq!(names.sku_name(&e3, Some("ENTERPRISEPACK")), "Office 365 E3");
        assert_eq!(
            names.sku_name(&SkuId::new("06ebc4ee-1bb5-47dd-8120-11324bc54e06"), None),
            "Microsoft 365 E5"
        );
        assert_eq!(
            names.sku_name(&SkuId::new("84a661c4-e949-4bd2-a560-ed7766fcaf2b"), None),
            "Microsoft Entra ID P2"
        );
        assert_eq!(
            names.plan_name(&PlanId::new("efb87545-963c-4e0d-99df-69c6916d9eb0"), None),
            "Exchange Online (Plan 2)"
        );
    }

    #[test]
    fn falls_back_to_graph_names() {
        let names = Names::default();
        let unknown = "00000000-0000-0000-0000-000000000001";
        assert_eq!(
            names.sku_name(
                &SkuId::new(unknown),
                Some("TEST_M365_LIGHTHOUSE_PARTNER_PLAN1")
            ),
            "TEST_M365_LIGHTHOUSE_PARTNER_PLAN1"
        );
        assert_eq!(
            names.plan_name(&PlanId::new(unknown), Some("NEW_PLAN")),
            "NEW_PLAN"
        );
        assert_eq!(names.sku_name(&SkuId::new("x"), None), "x");
    }

    #[test]
    fn without_the_table_names_are_graphs() {
        let none = Names::none();
        let e3 = SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900");
        assert_eq!(none.sku_name(&e3, Some("ENTERPRISEPACK")), "ENTERPRISEPACK");
        assert_eq!(none.as_of(), None);
        assert!(none.is_empty());
        assert_ne!(none, Names::default());
    }

    #[test]
    fn a_table_with_a_key_that_is_no_guid_is_refused() {
        let bad = r#"{"asOf":"2025-12-30","skus":{"6fd2c87f-b296-42f0-b197-1e91e994b900":"Office 365 E3"},"plans":{}}"#;
        assert!(NameTable::from_json(bad)
            .unwrap_err()
            .contains("is not a GUID"));
        assert!(NameTable::from_json("<html>").is_err());
        let good = r#"{"asOf":"2025-12-30","skus":{"6fd2c87fb29642f0b1971e91e994b900":"Office 365 E3"},"plans":{}}"#;
        let names = Names::new(NameTable::from_json(good).unwrap());
        assert_eq!(
            names.sku_name(&SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"), None),
            "Office 365 E3"
        );
    }
}
