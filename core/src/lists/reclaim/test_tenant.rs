//! A small tenant for the reclaim tests: Office 365 E3 (with its Exchange, SharePoint
//! and Yammer plans) and Power BI Pro, the group All Staff, two E3 subscriptions (yearly
//! and monthly), and users built the way Graph returns them.

use crate::graph::ids::{GroupId, PlanId, SkuId, UserId};
use crate::graph::model::{
    AppliesTo, AssignmentError, AssignmentState, CompanySubscription, LicenseAssignmentState,
    LicenseUnits, ServicePlanInfo, SignInActivity, SubscribedSku, SubscriptionStatus, User,
};
use crate::licensing::catalog::Catalog;
use crate::licensing::effective;

/// 2027-01-15T08:00:00Z.
pub const NOW: u64 = 1_800_000_000_000;
pub const DAY: u64 = 86_400_000;

pub const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
pub const PBI: &str = "f8a1db68-be16-40ed-86d5-cb42ce701560";
pub const EXCHANGE_P2: &str = "efb87545-963c-4e0d-99df-69c6916d9eb0";
pub const SHAREPOINT: &str = "5dbe027f-2339-4123-9542-606e4d348a72";
pub const YAMMER: &str = "7547a3fe-08ee-4ccb-b430-5077c5041653";
pub const ALL_STAFF: &str = "0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60";
pub const PROJECT: &str = "3b4c5d6e-7f80-4192-a3b4-c5d6e7f8091a";

fn plan(id: &str, name: &str) -> ServicePlanInfo {
    ServicePlanInfo {
        service_plan_id: PlanId::new(id),
        service_plan_name: name.into(),
        applies_to: AppliesTo::User,
        ..Default::default()
    }
}

/// E3 with 30 seats, 24 of them taken; Power BI Pro with 10, 10 taken.
pub fn catalog() -> Catalog {
    let mut catalog = Catalog::new(vec![
        SubscribedSku {
            sku_id: SkuId::new(E3),
            sku_part_number: "ENTERPRISEPACK".into(),
            applies_to: AppliesTo::User,
            consumed_units: Some(24),
            prepaid_units: LicenseUnits {
                enabled: Some(30),
                ..LicenseUnits::unknown()
            },
            service_plans: vec![
                plan(EXCHANGE_P2, "EXCHANGE_S_ENTERPRISE"),
                plan(SHAREPOINT, "SHAREPOINTENTERPRISE"),
                plan(YAMMER, "YAMMER_ENTERPRISE"),
            ],
            subscription_ids: vec!["e3-yearly".into(), "e3-monthly".into()],
            ..Default::default()
        },
        SubscribedSku {
            sku_id: SkuId::new(PBI),
            sku_part_number: "POWER_BI_PRO".into(),
            applies_to: AppliesTo::User,
            consumed_units: Some(10),
            prepaid_units: LicenseUnits {
                enabled: Some(10),
                ..LicenseUnits::unknown()
            },
            service_plans: vec![
                plan(
                    "113feb6c-3fe4-4440-bddc-54d774bf0318",
                    "EXCHANGE_S_FOUNDATION",
                ),
                plan("70d33638-9c74-4d01-bfd3-562de28bd4ba", "BI_AZURE_P2"),
            ],
            ..Default::default()
        },
    ]);
    catalog
        .groups
        .insert(GroupId::new(ALL_STAFF), "All Staff".into());
    catalog
        .groups
        .insert(GroupId::new(PROJECT), "=HYPERLINK(\"x\")".into());
    catalog
}

/// E3's subscriptions: 26 seats yearly, renewing 2027-04-01; 4 seats monthly, renewing
/// 2027-02-10.
pub fn subscriptions() -> Vec<CompanySubscription> {
    let sub = |id: &str, created: &str, next: &str, seats: i64| CompanySubscription {
        id: id.into(),
        created_date_time: Some(created.into()),
        next_lifecycle_date_time: Some(next.into()),
        is_trial: Some(false),
        status: SubscriptionStatus::Enabled,
        sku_id: SkuId::new(E3),
        sku_part_number: "ENTERPRISEPACK".into(),
        total_licenses: Some(seats),
        ..Default::default()
    };
    vec![
        sub(
            "e3-yearly",
            "2026-04-01T00:00:00Z",
            "2027-04-01T00:00:00Z",
            26,
        ),
        sub(
            "e3-monthly",
            "2027-01-10T00:00:00Z",
            "2027-02-10T00:00:00Z",
            4,
        ),
    ]
}

/// One copy of a SKU: (sku, group, state, error, plans off).
pub type CopySpec<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, &'a [&'a str]);

/// A user as `users_with_sign_in_activity` returns them. `sign_in` gives the days since
/// the interactive, non-interactive and successful sign-ins; `None`: never signed in.
pub fn user(
    name: &str,
    enabled: bool,
    created_days_ago: u64,
    sign_in: Option<[Option<u64>; 3]>,
    copies: &[CopySpec],
) -> User {
    let ago = |days: u64| crate::bulk::iso_utc(NOW - days * DAY);
    let states: Vec<LicenseAssignmentState> = copies
        .iter()
        .map(|(sku, group, state, error, off)| LicenseAssignmentState {
            sku_id: SkuId::new(sku),
            assigned_by_group: group.map(GroupId::new),
            state: AssignmentState::parse(state),
            error: AssignmentError::parse(error),
            disabled_plans: off.iter().map(|p| PlanId::new(p)).collect(),
            last_updated_date_time: Some("2026-01-05T09:00:00Z".into()),
        })
        .collect();
    let first = name.split(' ').next().unwrap_or(name).to_lowercase();
    User {
        id: UserId::new(&format!("id-{first}")),
        display_name: Some(name.into()),
        user_principal_name: Some(format!("{first}@contoso.example")),
        account_enabled: Some(enabled),
        created_date_time: Some(ago(created_days_ago)),
        sign_in_activity: sign_in.map(|[a, b, c]| SignInActivity {
            last_sign_in_date_time: a.map(ago),
            last_non_interactive_sign_in_date_time: b.map(ago),
            last_successful_sign_in_date_time: c.map(ago),
        }),
        assigned_licenses: effective::assigned_licenses(&states),
        license_assignment_states: states,
        ..Default::default()
    }
}

/// A direct copy, active, with these plans off.
pub fn direct<'a>(sku: &'a str, off: &'a [&'a str]) -> CopySpec<'a> {
    (sku, None, "Active", "None", off)
}

/// A copy from `group`, active.
pub fn from_group<'a>(sku: &'a str, group: &'a str, off: &'a [&'a str]) -> CopySpec<'a> {
    (sku, Some(group), "Active", "None", off)
}

/// Signed in interactively `days` ago, nothing else.
pub fn signed_in(days: u64) -> Option<[Option<u64>; 3]> {
    Some([Some(days), None, Some(days)])
}

/// The users of the tests, one for each situation.
pub fn users() -> Vec<User> {
    vec![
        // Disabled, and inactive too: counted as disabled only.
        user(
            "Miriam Graham",
            false,
            900,
            signed_in(200),
            &[direct(E3, &[])],
        ),
        // Disabled, never signed in: disabled only; one group copy, one direct.
        user(
            "Rosa Quintero",
            false,
            700,
            None,
            &[from_group(E3, ALL_STAFF, &[]), direct(PBI, &[])],
        ),
        // Inactive through the group only.
        user(
            "Hugo Brandt",
            true,
            800,
            Some([Some(150), Some(140), None]),
            &[from_group(E3, ALL_STAFF, &[])],
        ),
        // Inactive, with a direct copy of a group license: inactive only.
        user(
            "Keiko Tanabe",
            true,
            800,
            signed_in(200),
            &[direct(E3, &[]), from_group(E3, ALL_STAFF, &[])],
        ),
        // Mail on the phone: interactive long ago, non-interactive yesterday. In use.
        user(
            "Sanjay Rao",
            true,
            800,
            Some([Some(300), Some(1), Some(300)]),
            &[direct(E3, &[])],
        ),
        user("Olga Berg", true, 400, None, &[direct(E3, &[])]),
        // Created last week: new, not waste.
        user(
            "Tomas Ruiz",
            true,
            6,
            None,
            &[from_group(E3, ALL_STAFF, &[])],
        ),
        // Direct copy with Yammer off beside a group copy with everything on: safe.
        user(
            "Lee Gu",
            true,
            900,
            signed_in(2),
            &[direct(E3, &[YAMMER]), from_group(E3, ALL_STAFF, &[])],
        ),
        // The group copy failed: unsafe.
        user(
            "Wen Zhao",
            true,
            900,
            signed_in(3),
            &[
                direct(E3, &[]),
                (E3, Some(ALL_STAFF), "Error", "UniquenessViolation", &[]),
            ],
        ),
        // The group copy turns SharePoint off: unsafe.
        user(
            "Noor Haddad",
            true,
            900,
            signed_in(3),
            &[direct(E3, &[]), from_group(E3, PROJECT, &[SHAREPOINT])],
        ),
        // A spreadsheet formula for a name.
        user(
            "=cmd|' /C calc'!A0",
            true,
            900,
            signed_in(400),
            &[direct(PBI, &[])],
        ),
        // Unlicensed: in no section.
        user("Alex Wilber", true, 900, None, &[]),
    ]
}
