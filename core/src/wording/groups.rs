//! What License Desk says about a group license change: the member counts before and
//! after, and what changed on the group.

use crate::catalog::Catalog;
use crate::group_change::{GroupDiff, MemberCounts};

/// "Errors: 12 → 0; Active: 340 → 352", with "Pending" only when someone was or is.
pub fn member_counts_change(before: &MemberCounts, after: &MemberCounts) -> String {
    let mut parts = vec![
        format!("Errors: {} → {}", before.error, after.error),
        format!("Active: {} → {}", before.active, after.active),
    ];
    if before.pending > 0 || after.pending > 0 {
        parts.push(format!("Pending: {} → {}", before.pending, after.pending));
    }
    parts.join("; ")
}

impl GroupDiff {
    /// One line per change on the group, e.g. "Added Office 365 E5" or
    /// "Office 365 E3: Sway turned on".
    pub fn describe(&self, catalog: &Catalog) -> Vec<String> {
        let mut lines: Vec<String> = self
            .added
            .iter()
            .map(|sku| format!("Added {}", catalog.sku_name(sku)))
            .collect();
        lines.extend(
            self.removed
                .iter()
                .map(|sku| format!("Removed {}", catalog.sku_name(sku))),
        );
        for (switched, plans) in [("on", &self.plans_on), ("off", &self.plans_off)] {
            for (sku, plans) in plans {
                let names: Vec<String> = plans.iter().map(|p| catalog.plan_name(p)).collect();
                lines.push(format!(
                    "{}: {} turned {switched}",
                    catalog.sku_name(sku),
                    names.join(", ")
                ));
            }
        }
        if lines.is_empty() {
            lines.push("The group's licenses did not change.".into());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guid::Guid;

    #[test]
    fn counts_read_before_and_after() {
        let before = MemberCounts {
            members: 352,
            active: 340,
            error: 12,
            pending: 0,
        };
        let after = MemberCounts {
            active: 352,
            error: 0,
            ..before
        };
        assert_eq!(
            member_counts_change(&before, &after),
            "Errors: 12 → 0; Active: 340 → 352"
        );
        let pending = MemberCounts {
            pending: 2,
            ..after
        };
        assert!(member_counts_change(&before, &pending).ends_with("; Pending: 0 → 2"));
    }

    #[test]
    fn the_diff_names_skus_and_plans() {
        let e3 = Guid::new("6fd2c87f-b296-42f0-b197-1e91e994b900");
        let sway = Guid::new("a23b959c-7ce8-4e57-9140-b90eb88a9e97");
        let mut diff = GroupDiff::default();
        diff.plans_on.insert(e3.clone(), vec![sway]);
        diff.removed.push(e3);
        let lines = diff.describe(&Catalog::default());
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("Removed "), "{lines:?}");
        assert!(lines[1].ends_with(" turned on"), "{lines:?}");
        assert_eq!(
            GroupDiff::default().describe(&Catalog::default()),
            ["The group's licenses did not change."]
        );
    }
}
