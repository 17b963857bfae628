//! The demo tenant: real SKUs and service plans from Microsoft's table, about fifty users
//! covering every licensing situation an admin meets, and four licensed groups.
//!
//! The named users are fixed so that documentation and tests can rely on them (nine of
//! them show the "Reclaim licenses" screen's situations, see [`super::seed_reclaim`]);
//! the rest are drawn from the seed. The browser's demo adds a bulk population on first
//! access (see [`super::bulk`] and `SimConfig::demo`). Group licensing is processed once, in user order, so
//! the seat counts produce the intended `CountViolation`.

use super::seed_catalog::SEED_SKUS;
use super::seed_reclaim::{everyday_activity, reclaim_personas, Activity};
use super::sign_ins::SignIns;
use super::tenant::{Rules, SimGroup, SimUser, Tenant};
use crate::fixtures::g;
use license_desk_core::graph::ids::PlanId;
use license_desk_core::graph::model::{
    AppliesTo, AssignedLicense, AssignmentError, AssignmentState, CapabilityStatus,
    LicenseAssignmentState, LicenseUnits, ServicePlanInfo, SubscribedSku,
};
use license_desk_core::ops::rng::Rng;

pub use super::seed_ids::*;

/// Date the seed data pretends the tenant was last processed.
const SEEDED_AT: &str = "2026-01-05T09:00:00Z";

/// Seats per SKU: a fixed number, or whatever is consumed plus headroom.
enum Seats {
    Fixed(i64),
    Headroom(i64),
}

fn skus() -> Vec<(SubscribedSku, Seats)> {
    SEED_SKUS
        .iter()
        .map(|(sku_id, part, plans)| {
            let company = *part == "WINDOWS_STORE";
            let seats = match *part {
                "ENTERPRISEPACK" => Seats::Headroom(2),
                "ENTERPRISEPREMIUM" => Seats::Fixed(5),
                "FLOW_FREE" => Seats::Fixed(10_000),
                "WINDOWS_STORE" => Seats::Fixed(1),
                _ => Seats::Headroom(8),
            };
            let sku = SubscribedSku {
                id: format!("{}_{sku_id}", super::DEMO_TENANT_ID),
                account_id: Some(super::DEMO_TENANT_ID.into()),
                account_name: Some("Contoso (demo)".into()),
                applies_to: if company {
                    AppliesTo::Company
                } else {
                    AppliesTo::User
                },
                capability_status: if *part == "AAD_PREMIUM_P2" {
                    CapabilityStatus::Warning
                } else {
                    CapabilityStatus::Enabled
                },
                consumed_units: Some(0),
                // Seats of the subscriptions that are winding down (see `subscriptions`):
                // Entra ID P2 has one in its grace period, E5 one suspended and Power BI
                // Pro one locked out.
                prepaid_units: LicenseUnits {
                    warning: Some(if *part == "AAD_PREMIUM_P2" { 5 } else { 0 }),
                    suspended: Some(if *part == "ENTERPRISEPREMIUM" { 5 } else { 0 }),
                    locked_out: Some(if *part == "POWER_BI_PRO" { 3 } else { 0 }),
                    ..LicenseUnits::default()
                },
                service_plans: plans
                    .iter()
                    .map(|(id, name)| ServicePlanInfo {
                        service_plan_id: g(id),
                        service_plan_name: (*name).into(),
                        provisioning_status:
                            license_desk_core::graph::model::ProvisioningStatus::Success,
                        applies_to: if company || name.starts_with("EXCHANGE_S_FOUNDATION") {
                            AppliesTo::Company
                        } else {
                            AppliesTo::User
                        },
                    })
                    .collect(),
                sku_id: g(sku_id),
                sku_part_number: (*part).into(),
                subscription_ids: (0..subscription_count(part))
                    .map(|n| format!("{}-5ab5-4c1d-8e2{n}-{}", &sku_id[..8], &sku_id[24..]))
                    .collect(),
            };
            (sku, seats)
        })
        .collect()
}

/// Subscriptions behind a SKU: a second one where seats are winding down, and Office 365
/// E3's monthly top-up beside its yearly subscription.
fn subscription_count(part: &str) -> usize {
    match part {
        "AAD_PREMIUM_P2" | "ENTERPRISEPREMIUM" | "POWER_BI_PRO" | "ENTERPRISEPACK" => 2,
        _ => 1,
    }
}

/// When the demo groups were created.
pub const GROUPS_CREATED_AT: &str = "2025-03-12T11:15:03Z";

fn groups() -> Vec<SimGroup> {
    vec![
        SimGroup {
            id: g(GROUP_ALL_STAFF),
            display_name: "All Staff".into(),
            licenses: vec![license(E3, &[])],
            member_groups: Vec::new(),
        },
        SimGroup {
            id: g(GROUP_EXECUTIVES),
            display_name: "Executives".into(),
            licenses: vec![license(E5, &[]), license(POWER_BI_PRO, &[])],
            member_groups: Vec::new(),
        },
        SimGroup {
            id: g(GROUP_PROJECT),
            display_name: "Project Managers".into(),
            licenses: vec![license(PROJECT_PREMIUM, &[PLAN_SHAREPOINT_P2])],
            member_groups: Vec::new(),
        },
        SimGroup {
            id: g(GROUP_SECURITY),
            display_name: "Security Team".into(),
            licenses: vec![license(EMS, &[]), license(AAD_P2, &[])],
            member_groups: Vec::new(),
        },
    ]
}

/// A named demo user: (display name, usage location, groups, direct licenses, proxy conflict, enabled).
type Persona = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    Vec<AssignedLicense>,
    bool,
    bool,
);

fn personas() -> Vec<Persona> {
    vec![
        (
            "Adele Vance",
            Some("US"),
            &[],
            vec![license(E3, &[PLAN_YAMMER, PLAN_SWAY])],
            false,
            true,
        ),
        ("Alex Wilber", Some("US"), &[], vec![], false, true),
        (
            "Megan Bowen",
            Some("US"),
            &[GROUP_ALL_STAFF],
            vec![],
            false,
            true,
        ),
        (
            "Lee Gu",
            Some("GB"),
            &[GROUP_ALL_STAFF],
            vec![license(E3, &[PLAN_YAMMER])],
            false,
            true,
        ),
        (
            "Diego Siciliani",
            Some("US"),
            &[],
            vec![license(E5, &[])],
            false,
            true,
        ),
        ("Grady Archie", None, &[], vec![], false, true),
        (
            "Johanna Lorenz",
            Some("DE"),
            &[GROUP_PROJECT],
            vec![],
            false,
            true,
        ),
        (
            "Lidia Holloway",
            Some("AQ"),
            &[GROUP_PROJECT],
            vec![],
            false,
            true,
        ),
        (
            "Pradeep Gupta",
            Some("IN"),
            &[GROUP_ALL_STAFF],
            vec![license(EXCHANGE_P1, &[])],
            false,
            true,
        ),
        (
            "Nestor Wilke",
            Some("US"),
            &[GROUP_ALL_STAFF],
            vec![],
            true,
            true,
        ),
        (
            "Patti Fernandez",
            Some("US"),
            &[GROUP_SECURITY],
            vec![license(POWER_BI_PRO, &[])],
            false,
            true,
        ),
        (
            "Joni Sherman",
            Some("FR"),
            &[],
            vec![license(FLOW_FREE, &[]), license(AAD_P2, &[PLAN_MFA])],
            false,
            true,
        ),
        (
            "Miriam Graham",
            Some("US"),
            &[],
            vec![license(E3, &[])],
            false,
            false,
        ),
        (
            "Christie Cline",
            Some("US"),
            &[GROUP_EXECUTIVES],
            vec![],
            false,
            true,
        ),
        (
            "Enrico Cattaneo",
            Some("IT"),
            &[GROUP_EXECUTIVES],
            vec![],
            false,
            true,
        ),
        (
            "Henrietta Mueller",
            Some("DE"),
            &[GROUP_EXECUTIVES],
            vec![],
            false,
            true,
        ),
        (
            "Irvin Sayers",
            Some("US"),
            &[GROUP_EXECUTIVES],
            vec![],
            false,
            true,
        ),
        (
            "Allan Deyoung",
            Some("US"),
            &[],
            vec![license(E3, &[PLAN_EXCHANGE_P2])],
            false,
            true,
        ),
        // Evaluated after the four executives above and Diego's direct E5: no seat left.
        (
            "Isaiah Langer",
            Some("US"),
            &[GROUP_EXECUTIVES, GROUP_ALL_STAFF],
            vec![],
            false,
            true,
        ),
    ]
}

const FIRST: [&str; 16] = [
    "Ava", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Luis",
    "Maya", "Nils", "Omar", "Priya",
];
const LAST: [&str; 16] = [
    "Adams", "Baker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov",
];
/// Generated users besides the named ones. The last of them give their place to the
/// reclaim screen's named users ([`super::seed_reclaim`]).
const FILLER_USERS: usize = 32;
const COUNTRIES: [&str; 6] = ["US", "GB", "DE", "FR", "NL", "CA"];

fn upn_for(name: &str) -> String {
    let mut parts = name.split_whitespace();
    let first = parts.next().unwrap_or("user");
    let last = parts.next_back().unwrap_or("");
    format!(
        "{}{}@{DOMAIN}",
        first.to_ascii_lowercase(),
        last.chars()
            .next()
            .map(|c| c.to_ascii_lowercase().to_string())
            .unwrap_or_default()
    )
}

/// Builds the demo tenant for `seed`. No service plans are mutually exclusive in it.
pub fn demo_tenant(seed: u64) -> Tenant {
    demo_tenant_with_exclusive_plans(seed, &[])
}

/// Builds the demo tenant for `seed` with `exclusive` service-plan pairs treated as
/// mutually exclusive (an injected fault), applied from the first group processing on.
pub fn demo_tenant_with_exclusive_plans(seed: u64, exclusive: &[(PlanId, PlanId)]) -> Tenant {
    let mut rng = Rng::new(seed);
    let sku_specs = skus();
    let mut tenant = Tenant {
        skus: sku_specs
            .iter()
            .map(|(sku, _)| {
                let mut sku = sku.clone();
                sku.prepaid_units.enabled = Some(1_000_000);
                sku
            })
            .collect(),
        users: Vec::new(),
        groups: groups(),
        rules: Rules {
            // Exchange Online Plan 1 and Plan 2, once the textbook example, may now be
            // held together; conflicts exist only when injected.
            mutually_exclusive: exclusive.to_vec(),
            // Project Online needs SharePoint (Plan 2), as in the captured Graph error.
            depends_on: vec![(g(PLAN_SHAREPOINT_PROJECT), vec![g(PLAN_SHAREPOINT_P2)])],
            // A demo policy: Project Online Premium is not offered in Antarctica.
            prohibited: vec![(g(PROJECT_PREMIUM), "AQ".into())],
            default_usage_location: "US".into(),
        },
    };
    let mut people: Vec<Persona> = personas();
    let mut used: Vec<String> = people.iter().map(|p| upn_for(p.0)).collect();
    let mut fillers = Vec::new();
    while fillers.len() < FILLER_USERS {
        let name = format!(
            "{} {}",
            FIRST[rng.below(FIRST.len())],
            LAST[rng.below(LAST.len())]
        );
        let upn = upn_for(&name);
        if used.contains(&upn) {
            continue;
        }
        used.push(upn);
        let country = COUNTRIES[rng.below(COUNTRIES.len())];
        let (groups, direct): (&'static [&'static str], Vec<AssignedLicense>) = match rng.below(6) {
            0 => (&[], vec![]),
            1 => (&[], vec![license(POWER_BI_PRO, &[])]),
            2 => (&[GROUP_SECURITY], vec![]),
            _ => (&[GROUP_ALL_STAFF], vec![]),
        };
        fillers.push((name, Some(country), groups, direct, false, true));
    }
    // The reclaim screen's users take the last fillers' places: every other user keeps
    // the id and licenses the seed gives it.
    let reclaim = reclaim_personas();
    fillers.truncate(FILLER_USERS - reclaim.len());
    let mut activity: Vec<Activity> = (0..fillers.len())
        .map(|position| everyday_activity("", position))
        .collect();
    for persona in reclaim {
        fillers.push((
            persona.name.to_string(),
            Some(persona.usage_location),
            persona.groups,
            persona.direct,
            persona.proxy_conflict,
            persona.enabled,
        ));
        activity.push(persona.activity);
    }
    // Fillers first, so the named executives and Isaiah are evaluated last.
    let named = people
        .drain(..)
        .map(|(name, location, groups, direct, conflict, enabled)| {
            (
                name.to_string(),
                location,
                groups,
                direct,
                conflict,
                enabled,
            )
        });
    fillers.extend(named);
    for (position, (name, location, groups, direct, conflict, enabled)) in
        fillers.into_iter().enumerate()
    {
        let Activity {
            created_days_ago,
            sign_ins,
        } = activity
            .get(position)
            .copied()
            .unwrap_or_else(|| everyday_activity(&name, position));
        let upn = upn_for(&name);
        tenant.users.push(SimUser {
            id: rng.guid().into(),
            display_name: name,
            mail: Some(upn.clone()),
            user_principal_name: upn,
            usage_location: location.map(str::to_string),
            account_enabled: enabled,
            groups: groups.iter().map(|id| g(id)).collect(),
            proxy_conflict: conflict,
            states: direct
                .into_iter()
                .map(|l| LicenseAssignmentState {
                    sku_id: l.sku_id,
                    disabled_plans: l.disabled_plans,
                    assigned_by_group: None,
                    state: AssignmentState::Active,
                    error: AssignmentError::None,
                    last_updated_date_time: Some(SEEDED_AT.into()),
                })
                .collect(),
            assigned_plans: Vec::new(),
            created_days_ago,
            sign_ins,
        });
    }
    // Fixed seat counts apply from the start; headroom is set once everyone is processed.
    for (sku, (_, seats)) in tenant.skus.iter_mut().zip(&sku_specs) {
        if let Seats::Fixed(n) = seats {
            sku.prepaid_units.enabled = Some(*n);
        }
    }
    // Seats follow every change from here on; count the direct assignments first.
    tenant.recount();
    for index in 0..tenant.users.len() {
        tenant.process_groups(index, SEEDED_AT);
    }
    tenant.recount();
    for (sku, (_, seats)) in tenant.skus.iter_mut().zip(&sku_specs) {
        if let Seats::Headroom(n) = seats {
            sku.prepaid_units.enabled = Some(sku.consumed_units.unwrap_or(0) + n);
        }
    }
    tenant
}

/// A large tenant for bulk runs: `users` users drawn cheaply from `seed`, the demo
/// tenant's SKUs with a seat for everyone, and the demo groups. About a third of the users
/// get Office 365 E3 from All Staff and a quarter hold Power Automate Free directly; all
/// have a usage location. Group licensing is recorded as already processed without
/// errors, so ten thousand users take no per-user processing. UPNs are
/// `user00000@contoso.example` onwards.
pub fn bulk_tenant(seed: u64, users: usize) -> Tenant {
    let mut rng = Rng::new(seed);
    let mut tenant = Tenant {
        skus: skus()
            .into_iter()
            .map(|(mut sku, _)| {
                sku.prepaid_units.enabled = Some(if sku.applies_to == AppliesTo::User {
                    users as i64 + 100
                } else {
                    1
                });
                sku
            })
            .collect(),
        users: Vec::with_capacity(users),
        groups: groups(),
        rules: Rules {
            default_usage_location: "US".into(),
            ..Rules::default()
        },
    };
    let catalog = tenant.catalog();
    for index in 0..users {
        let mut states = Vec::new();
        if rng.below(4) == 0 {
            states.push(LicenseAssignmentState {
                sku_id: g(FLOW_FREE),
                state: AssignmentState::Active,
                last_updated_date_time: Some(SEEDED_AT.into()),
                ..LicenseAssignmentState::default()
            });
        }
        let mut groups = Vec::new();
        if rng.below(3) == 0 {
            groups.push(g(GROUP_ALL_STAFF));
            states.push(LicenseAssignmentState {
                sku_id: g(E3),
                assigned_by_group: Some(g(GROUP_ALL_STAFF)),
                state: AssignmentState::Active,
                last_updated_date_time: Some(SEEDED_AT.into()),
                ..LicenseAssignmentState::default()
            });
        }
        license_desk_core::licensing::effective::sort_states(&mut states);
        let name = format!(
            "{} {} {index}",
            FIRST[rng.below(FIRST.len())],
            LAST[rng.below(LAST.len())]
        );
        let upn = format!("user{index:05}@{DOMAIN}");
        tenant.users.push(SimUser {
            id: rng.guid().into(),
            display_name: name,
            mail: Some(upn.clone()),
            user_principal_name: upn,
            usage_location: Some(COUNTRIES[rng.below(COUNTRIES.len())].into()),
            account_enabled: true,
            groups,
            proxy_conflict: false,
            assigned_plans: license_desk_core::licensing::effective::assigned_plans(
                &states,
                &catalog,
                &[],
                SEEDED_AT,
            ),
            states,
            created_days_ago: Some(365),
            sign_ins: Some(SignIns::interactive(1, Some(0))),
        });
    }
    tenant.recount();
    tenant
}
