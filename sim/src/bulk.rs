//! The bulk population: thousands of extra users and the groups bulk changes work on,
//! added to the demo tenant only when something first needs them.
//!
//! The demo tenant's named users must appear at once, but building two thousand more
//! (with their assigned plans) is work the sign-in screen should not pay for. So every
//! bulk user is a pure function of its number: seat counts can be added up without
//! building anyone, and [`users`] builds them all on first access. User `n` (from 1)
//! has the UPN `bulk00001@contoso.example` pattern ([`upn`]) and belongs to one team:
//!
//! | `n % 20` | team | licensing |
//! |---|---|---|
//! | 0–11 | Sales | Office 365 E3 from the group |
//! | 12–15 | Customer Support | Exchange Online (Plan 1) from the group |
//! | 16–17 | Support Leads (nested in Customer Support) | EMS E3 from the group |
//! | 18 | Contractors | Power BI Pro from the group; every other one in `CountViolation` |
//! | 19 | none | Power BI Pro directly for every other one, else unlicensed |
//!
//! Users with `n % 7 == 3` outside the last team have no usage location. Nested groups
//! pass membership on (transitive members) but not licenses, as in Entra ID.
//!
//! Most sign in every day. One in fifty (`n % 50 == 7`) stopped 100 to 249 days ago, one
//! in fifty (`n % 50 == 23`) never signed in, and one in fifty (`n % 50 == 41`) only reads
//! mail on a phone (no interactive sign-in for 200 days, an app's yesterday), so the
//! reclaim screen finds inactive and never-signed-in users among them too.

use super::seed::{DOMAIN, E3, EMS, EXCHANGE_P1, POWER_BI_PRO};
use super::sign_ins::SignIns;
use super::tenant::{SimGroup, SimUser};
use license_desk_core::graph::ids::{GroupId, SkuId};
use license_desk_core::graph::model::{
    AssignedLicense, AssignmentError, AssignmentState, LicenseAssignmentState,
};
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::ops::rng::Rng;
use std::collections::BTreeMap;

/// Bulk users in the browser's demo tenant: with the 51 named ones, 2,000 users.
pub const DEMO_BULK_USERS: usize = 1_949;

pub const GROUP_SALES: &str = "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4";
pub const GROUP_SUPPORT: &str = "6e7f8091-a2b3-4c4d-9e5f-60718293a4b5";
pub const GROUP_SUPPORT_LEADS: &str = "7f8091a2-b3c4-4d5e-af60-718293a4b5c6";
pub const GROUP_CONTRACTORS: &str = "8091a2b3-c4d5-4e6f-8071-8293a4b5c6d7";

/// Date the bulk users' group licensing was last processed.
const PROCESSED_AT: &str = "2026-01-06T09:00:00Z";

const FIRST: [&str; 40] = [
    "Bea", "Carl", "Dana", "Eli", "Fay", "Gil", "Hana", "Ivo", "Jade", "Kai", "Nora", "Otto",
    "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wes", "Yara", "Zoe", "Ruth", "Tom", "Vera",
    "Owen", "Noel", "Hugo", "Ida", "Kurt", "Rhea", "Saul", "Tess", "Uri", "Wren", "Xena", "Yusuf",
    "Zara", "Beth", "Cora", "Emil",
];
const LAST: [&str; 50] = [
    "Abbott",
    "Bauer",
    "Cruz",
    "Dahl",
    "Ekström",
    "Ferreira",
    "Gallo",
    "Hale",
    "Ibsen",
    "Jovanović",
    "Kato",
    "Larsen",
    "Mbeki",
    "Novak",
    "Olsen",
    "Park",
    "Quist",
    "Rossi",
    "Sato",
    "Tanaka",
    "Ueda",
    "Vogel",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhou",
    "Andersen",
    "Brandt",
    "Castillo",
    "Dumont",
    "Engel",
    "Fontaine",
    "Gupta",
    "Hoffmann",
    "Iqbal",
    "Jansen",
    "Keller",
    "Lindqvist",
    "Meyer",
    "Nowak",
    "Oliveira",
    "Pereira",
    "Quinlan",
    "Richter",
    "Schmidt",
    "Torres",
    "Unger",
    "Varga",
    "Weber",
    "Young",
];
const COUNTRIES: [&str; 7] = ["US", "GB", "DE", "FR", "NL", "CA", "SE"];

/// Which group a bulk user is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Team {
    Sales,
    Support,
    SupportLeads,
    Contractors,
    None,
}

/// Everything about bulk user `n` that seat counts depend on.
#[derive(Clone, Copy, Debug)]
struct Profile {
    team: Team,
    usage_location: Option<&'static str>,
    /// A directly assigned SKU.
    direct: Option<&'static str>,
    /// The group's assignment failed for lack of seats.
    count_violation: bool,
}

fn profile(n: usize) -> Profile {
    let team = match n % 20 {
        0..=11 => Team::Sales,
        12..=15 => Team::Support,
        16 | 17 => Team::SupportLeads,
        18 => Team::Contractors,
        _ => Team::None,
    };
    let alternate = (n / 20) % 2 == 1;
    let usage_location =
        (team == Team::None || n % 7 != 3).then(|| COUNTRIES[(n / 3) % COUNTRIES.len()]);
    Profile {
        team,
        usage_location,
        direct: (team == Team::None && !alternate).then_some(POWER_BI_PRO),
        count_violation: team == Team::Contractors && alternate,
    }
}

/// The UPN of bulk user `n` (from 1): `bulk00001@contoso.example`.
pub fn upn(n: usize) -> String {
    format!("bulk{n:05}@{DOMAIN}")
}

fn display_name(n: usize) -> String {
    format!(
        "{} {}",
        FIRST[(n / LAST.len()) % FIRST.len()],
        LAST[n % LAST.len()]
    )
}

fn group_of(team: Team) -> Option<&'static str> {
    match team {
        Team::Sales => Some(GROUP_SALES),
        Team::Support => Some(GROUP_SUPPORT),
        Team::SupportLeads => Some(GROUP_SUPPORT_LEADS),
        Team::Contractors => Some(GROUP_CONTRACTORS),
        Team::None => None,
    }
}

fn group_sku(team: Team) -> Option<&'static str> {
    match team {
        Team::Sales => Some(E3),
        Team::Support => Some(EXCHANGE_P1),
        Team::SupportLeads => Some(EMS),
        Team::Contractors => Some(POWER_BI_PRO),
        Team::None => None,
    }
}

/// The groups bulk changes work on. Customer Support contains Support Leads.
pub fn groups() -> Vec<SimGroup> {
    let group = |id: &str, name: &str, sku: &str, nested: &[&str]| SimGroup {
        id: GroupId::new(id),
        display_name: name.into(),
        licenses: vec![AssignedLicense {
            sku_id: SkuId::new(sku),
            disabled_plans: Vec::new(),
        }],
        member_groups: nested.iter().map(|id| GroupId::new(id)).collect(),
    };
    vec![
        group(GROUP_SALES, "Sales", E3, &[]),
        group(
            GROUP_SUPPORT,
            "Customer Support",
            EXCHANGE_P1,
            &[GROUP_SUPPORT_LEADS],
        ),
        group(GROUP_SUPPORT_LEADS, "Support Leads", EMS, &[]),
        group(GROUP_CONTRACTORS, "Contractors", POWER_BI_PRO, &[]),
    ]
}

/// When bulk user `n`'s account was created and when they last signed in.
fn activity(n: usize) -> (Option<u32>, Option<SignIns>) {
    let created = 120 + (n as u32 * 7) % 900;
    let sign_ins = match n % 50 {
        7 => Some(SignIns::interactive(100 + (n as u32 % 150), None)),
        23 => None,
        41 => Some(SignIns::interactive(200, Some(1))),
        _ => Some(SignIns::interactive(n as u32 % 5, Some(0))),
    };
    (Some(created), sign_ins)
}

/// Seats `count` bulk users hold, per SKU, without building them.
pub fn seats_held(count: usize) -> BTreeMap<SkuId, i64> {
    let mut held: BTreeMap<SkuId, i64> = BTreeMap::new();
    for n in 1..=count {
        let profile = profile(n);
        let from_group = group_sku(profile.team).filter(|_| !profile.count_violation);
        for sku in [from_group, profile.direct].into_iter().flatten() {
            *held.entry(SkuId::new(sku)).or_default() += 1;
        }
    }
    held
}

/// Builds `count` bulk users; ids are drawn from `seed`.
pub fn users(seed: u64, count: usize, catalog: &Catalog) -> Vec<SimUser> {
    let mut rng = Rng::new(seed ^ 0xB01C_05E5);
    (1..=count)
        .map(|n| {
            let profile = profile(n);
            let mut states = Vec::new();
            if let (Some(group), Some(sku)) = (group_of(profile.team), group_sku(profile.team)) {
                states.push(LicenseAssignmentState {
                    sku_id: SkuId::new(sku),
                    assigned_by_group: Some(GroupId::new(group)),
                    state: if profile.count_violation {
                        AssignmentState::Error
                    } else {
                        AssignmentState::Active
                    },
                    error: if profile.count_violation {
                        AssignmentError::CountViolation
                    } else {
                        AssignmentError::None
                    },
                    last_updated_date_time: Some(PROCESSED_AT.into()),
                    ..LicenseAssignmentState::default()
                });
            }
            if let Some(sku) = profile.direct {
                states.push(LicenseAssignmentState {
                    sku_id: SkuId::new(sku),
                    state: AssignmentState::Active,
                    last_updated_date_time: Some(PROCESSED_AT.into()),
                    ..LicenseAssignmentState::default()
                });
            }
            license_desk_core::licensing::effective::sort_states(&mut states);
            let upn = upn(n);
            let (created_days_ago, sign_ins) = activity(n);
            SimUser {
                id: rng.guid().into(),
                display_name: display_name(n),
                mail: Some(upn.clone()),
                user_principal_name: upn,
                usage_location: profile.usage_location.map(str::to_string),
                account_enabled: true,
                groups: group_of(profile.team)
                    .map(GroupId::new)
                    .into_iter()
                    .collect(),
                proxy_conflict: false,
                assigned_plans: license_desk_core::licensing::effective::assigned_plans(
                    &states,
                    catalog,
                    &[],
                    PROCESSED_AT,
                ),
                states,
                created_days_ago,
                sign_ins,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_seats_match_the_built_users() {
        let catalog = crate::seed::demo_tenant(1).catalog();
        let users = users(1, 400, &catalog);
        let mut built: BTreeMap<SkuId, i64> = BTreeMap::new();
        for user in &users {
            for state in &user.states {
                if license_desk_core::licensing::effective::is_effective(state) {
                    *built.entry(state.sku_id.clone()).or_default() += 1;
                }
            }
        }
        assert_eq!(built, seats_held(400));
        assert_eq!(built.len(), 4);
        assert_eq!(users[0].user_principal_name, "bulk00001@contoso.example");
        assert!(users.iter().any(|u| u.usage_location.is_none()));
        assert!(users
            .iter()
            .filter(|u| u.usage_location.is_none())
            .all(|u| u.states.iter().all(|s| !s.is_direct())));
    }
}
