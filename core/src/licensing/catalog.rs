//! What the tenant owns and what its ids are called, for planning and for showing diffs.

use crate::graph::ids::{GroupId, PlanId, SkuId};
use crate::graph::model::{Group, SubscribedSku};
use crate::licensing::names::Names;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub skus: Vec<SubscribedSku>,
    pub groups: BTreeMap<GroupId, String>,
    /// Friendly SKU and plan names, as far as the app has them (see [`Names`]).
    pub names: Names,
}

impl Catalog {
    pub fn new(skus: Vec<SubscribedSku>) -> Self {
        Catalog {
            skus,
            groups: BTreeMap::new(),
            names: Names::default(),
        }
    }

    pub fn with_names(mut self, names: Names) -> Self {
        self.names = names;
        self
    }

    pub fn with_groups(mut self, groups: &[Group]) -> Self {
        for group in groups {
            if let Some(name) = &group.display_name {
                self.groups.insert(group.id.clone(), name.clone());
            }
        }
        self
    }

    pub fn sku(&self, sku: &SkuId) -> Option<&SubscribedSku> {
        self.skus.iter().find(|candidate| &candidate.sku_id == sku)
    }

    pub fn sku_name(&self, sku: &SkuId) -> String {
        self.names
            .sku_name(sku, self.sku(sku).map(|s| s.sku_part_number.as_str()))
    }

    pub fn plan_name(&self, plan: &PlanId) -> String {
        let graph_name = self
            .skus
            .iter()
            .find_map(|sku| sku.plan(plan))
            .map(|info| info.service_plan_name.as_str());
        self.names.plan_name(plan, graph_name)
    }

    pub fn group_name(&self, group: &GroupId) -> String {
        self.groups
            .get(group)
            .cloned()
            .unwrap_or_else(|| group.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fall_back_to_the_id_when_graph_sends_null_names() {
        let sku: SubscribedSku = serde_json::from_str(
            r#"{"skuId":"00000000-0000-0000-0000-0000000000aa","skuPartNumber":null,
                "servicePlans":[{"servicePlanId":"00000000-0000-0000-0000-0000000000bb",
                                 "servicePlanName":null}]}"#,
        )
        .unwrap();
        let catalog = Catalog::new(vec![sku.clone()]);
        assert_eq!(
            catalog.sku_name(&sku.sku_id),
            "00000000-0000-0000-0000-0000000000aa"
        );
        assert_eq!(
            catalog.plan_name(&sku.service_plans[0].service_plan_id),
            "00000000-0000-0000-0000-0000000000bb"
        );
    }

    #[test]
    fn names_fall_back_to_part_numbers_until_the_table_arrives() {
        let sku: SubscribedSku = serde_json::from_str(
            r#"{"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900","skuPartNumber":"ENTERPRISEPACK",
                "servicePlans":[{"servicePlanId":"efb87545-963c-4e0d-99df-69c6916d9eb0",
                                 "servicePlanName":"EXCHANGE_S_ENTERPRISE"}]}"#,
        )
        .unwrap();
        let plan = sku.service_plans[0].service_plan_id.clone();
        let waiting = Catalog::new(vec![sku.clone()]).with_names(Names::none());
        assert_eq!(waiting.sku_name(&sku.sku_id), "ENTERPRISEPACK");
        assert_eq!(waiting.plan_name(&plan), "EXCHANGE_S_ENTERPRISE");
        let arrived = waiting.clone().with_names(Names::default());
        assert_eq!(arrived.sku_name(&sku.sku_id), "Office 365 E3");
        assert_eq!(arrived.plan_name(&plan), "Exchange Online (Plan 2)");
        assert_ne!(waiting, arrived);
    }
}
