//! What the tenant owns and what its ids are called, for planning and for showing diffs.

use crate::graph::ids::{GroupId, PlanId, SkuId};
use crate::graph::model::{Group, SubscribedSku};
use crate::licensing::names;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub skus: Vec<SubscribedSku>,
    pub groups: BTreeMap<GroupId, String>,
}

impl Catalog {
    pub fn new(skus: Vec<SubscribedSku>) -> Self {
        Catalog {
            skus,
            groups: BTreeMap::new(),
        }
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
        names::sku_name(sku, self.sku(sku).map(|s| s.sku_part_number.as_str()))
    }

    pub fn plan_name(&self, plan: &PlanId) -> String {
        let graph_name = self
            .skus
            .iter()
            .find_map(|sku| sku.plan(plan))
            .map(|info| info.service_plan_name.as_str());
        names::plan_name(plan, graph_name)
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
}
