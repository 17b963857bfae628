//! The demo tenant's users for "Reclaim licenses", and when everyone signs in.
//!
//! Nine named users, each showing one situation of the screen, take the place of the
//! last nine generated users (so the tenant keeps its size and every other user keeps the
//! id and the licenses it had):
//!
//! | user | situation |
//! |---|---|
//! | Rosa Quintero | disabled; E3 from All Staff and Power BI Pro directly |
//! | Hugo Brandt | inactive: last sign-in 140 days ago (by an app), E3 from All Staff |
//! | Keiko Tanabe | inactive: 200 days; E3 directly (its mailbox goes with it) |
//! | Sanjay Rao | in use: no interactive sign-in for 300 days, but mail on the phone daily |
//! | Olga Berg | never signed in; account 400 days old; E3 directly |
//! | Tomas Ruiz | never signed in, created 6 days ago: new, not waste |
//! | Info Mailbox | disabled, never signed in: a shared mailbox with Exchange Online (Plan 1) directly, the kind admins exclude |
//! | Wen Zhao | E3 directly and from All Staff, whose copy fails (UniquenessViolation): not safe |
//! | Ivana Petrova | E3 directly (Sway off) and from All Staff (everything on): safe |
//!
//! Besides them, Miriam Graham (disabled) last signed in 120 days ago, Lee Gu holds a
//! safe direct copy of E3, and everyone else signed in within the last week. No existing
//! group gains a member that changes its counts: only All Staff, which has errors
//! already, gains members. (The one group that turns a plan off, Project Managers, keeps
//! its two members, so a copy unsafe for a lost plan is left to the core's tests.)

use super::seed_ids::{license, E3, EXCHANGE_P1, GROUP_ALL_STAFF, PLAN_SWAY, POWER_BI_PRO};
use super::sign_ins::SignIns;
use license_desk_core::graph::model::AssignedLicense;

/// When an account was created and when it last signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activity {
    pub created_days_ago: Option<u32>,
    pub sign_ins: Option<SignIns>,
}

/// A named user of the reclaim screen.
pub struct ReclaimPersona {
    pub name: &'static str,
    pub usage_location: &'static str,
    pub groups: &'static [&'static str],
    pub direct: Vec<AssignedLicense>,
    pub proxy_conflict: bool,
    pub enabled: bool,
    pub activity: Activity,
}

fn signed_in(created: u32, interactive: u32, apps: Option<u32>) -> Activity {
    Activity {
        created_days_ago: Some(created),
        sign_ins: Some(SignIns::interactive(interactive, apps)),
    }
}

fn never(created: u32) -> Activity {
    Activity {
        created_days_ago: Some(created),
        sign_ins: None,
    }
}

/// The nine users of the table above, in tenant order.
pub fn reclaim_personas() -> Vec<ReclaimPersona> {
    let persona =
        |name, usage_location, groups, direct, proxy_conflict, enabled, activity| ReclaimPersona {
            name,
            usage_location,
            groups,
            direct,
            proxy_conflict,
            enabled,
            activity,
        };
    vec![
        persona(
            "Rosa Quintero",
            "ES",
            &[GROUP_ALL_STAFF],
            vec![license(POWER_BI_PRO, &[])],
            false,
            false,
            signed_in(700, 160, None),
        ),
        persona(
            "Hugo Brandt",
            "DE",
            &[GROUP_ALL_STAFF],
            vec![],
            false,
            true,
            signed_in(800, 150, Some(140)),
        ),
        persona(
            "Keiko Tanabe",
            "JP",
            &[],
            vec![license(E3, &[])],
            false,
            true,
            signed_in(800, 200, None),
        ),
        persona(
            "Sanjay Rao",
            "IN",
            &[],
            vec![license(E3, &[])],
            false,
            true,
            signed_in(800, 300, Some(1)),
        ),
        persona(
            "Olga Berg",
            "SE",
            &[],
            vec![license(E3, &[])],
            false,
            true,
            never(400),
        ),
        persona(
            "Tomas Ruiz",
            "ES",
            &[GROUP_ALL_STAFF],
            vec![],
            false,
            true,
            never(6),
        ),
        persona(
            "Info Mailbox",
            "US",
            &[],
            vec![license(EXCHANGE_P1, &[])],
            false,
            false,
            never(1_000),
        ),
        persona(
            "Wen Zhao",
            "SG",
            &[GROUP_ALL_STAFF],
            vec![license(E3, &[])],
            true,
            true,
            signed_in(500, 3, Some(0)),
        ),
        persona(
            "Ivana Petrova",
            "BG",
            &[GROUP_ALL_STAFF],
            vec![license(E3, &[PLAN_SWAY])],
            false,
            true,
            signed_in(500, 1, Some(0)),
        ),
    ]
}

/// The activity of the other named users and of the generated ones: the `position`th
/// user of the tenant signed in within the last week and has had an account for a year
/// or two; Miriam Graham stopped 120 days ago.
pub fn everyday_activity(name: &str, position: usize) -> Activity {
    if name == "Miriam Graham" {
        return signed_in(900, 120, None);
    }
    let spread = position as u32;
    signed_in(400 + (spread * 37) % 500, spread % 7, Some(0))
}
