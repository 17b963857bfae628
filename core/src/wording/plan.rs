//! What the planner tells the admin: warnings to acknowledge and refusals, naming SKUs,
//! plans and groups by their friendly names.

use crate::licensing::catalog::Catalog;
use crate::licensing::plan::{Refusal, Warning};

impl Warning {
    pub fn describe(&self, catalog: &Catalog) -> String {
        match self {
            Warning::PlanSwitchedOn {
                plan,
                off_in,
                on_via,
            } if off_in == on_via => format!(
                "{} will be switched back ON in {} (it is off now).",
                catalog.plan_name(plan),
                catalog.sku_name(on_via)
            ),
            Warning::PlanSwitchedOn {
                plan,
                off_in,
                on_via,
            } => format!(
                "{} is off today in {}; {} would switch it ON.",
                catalog.plan_name(plan),
                catalog.sku_name(off_in),
                catalog.sku_name(on_via)
            ),
            Warning::MissingUsageLocation => "The user has no usage location; Graph will refuse to assign licenses until one is set.".into(),
            Warning::NotEnoughSeats { sku, free } => format!(
                "{} has {}; this change needs one. Graph will refuse it unless a seat is freed first.",
                catalog.sku_name(sku),
                free_seats(*free)
            ),
            Warning::NotEnoughSeatsForMembers { sku, free, needed } => format!(
                "{} has {}; {} of the group's members need one. Members beyond the free seats get a license error (CountViolation) until seats are freed.",
                catalog.sku_name(sku),
                free_seats(*free),
                crate::wording::bulk::count(usize::try_from(*needed).unwrap_or_default())
            ),
            Warning::AppliesToCompany { sku } => format!(
                "{} applies to the company, not to users; Graph will refuse to assign it.",
                catalog.sku_name(sku)
            ),
            Warning::SeatsUnknown { sku } => format!(
                "Graph did not send the seat counts of {}, so License Desk can't check for a free seat; Graph will refuse the change if none is free.",
                catalog.sku_name(sku)
            ),
            Warning::AppliesToUnknown { sku } => format!(
                "Graph did not say whether {} applies to users; it may be a company-wide SKU that Graph refuses to assign.",
                catalog.sku_name(sku)
            ),
            Warning::SkuNotInTenant { sku } => format!(
                "SKU {sku} is not in this tenant; Graph will refuse it."
            ),
        }
    }
}

impl Refusal {
    pub fn describe(&self, catalog: &Catalog) -> String {
        match self {
            Refusal::InheritedOnly { sku, groups } => format!(
                "{} is inherited from {}; it can't be removed or changed on the user. Change the group's licenses or the user's membership instead.",
                catalog.sku_name(sku),
                groups
                    .iter()
                    .map(|g| format!("group {}", catalog.group_name(g)))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Refusal::NotAssigned { sku } => format!(
                "The user has no direct {} assignment to change.",
                catalog.sku_name(sku)
            ),
            Refusal::SourcesUnknown => "Graph returned this user's licenses without licenseAssignmentStates, so License Desk can't tell direct from group-based assignments. Reload the user; if it persists, check the token can read licenses (User.Read.All).".into(),
        }
    }
}

/// "no free seats", "1 free seat", "1,200 free seats".
fn free_seats(free: i64) -> String {
    match free {
        n if n <= 0 => "no free seats".into(),
        n => super::bulk::counted(n as usize, "free seat", "free seats"),
    }
}

#[cfg(test)]
mod seat_words {
    use super::free_seats;

    #[test]
    fn free_seats_have_the_right_number() {
        assert_eq!(free_seats(0), "no free seats");
        assert_eq!(free_seats(-3), "no free seats");
        assert_eq!(free_seats(1), "1 free seat");
        assert_eq!(free_seats(1_200), "1,200 free seats");
    }
}
