//! What the "Reclaim licenses" screen says: each section, each reason a user or a SKU is
//! in it, why a direct copy is not safe to remove, what the bulk run leaves to do by hand,
//! and the warnings (mailboxes, sign-in delay, missing premium or permission).
//!
//! Numbers, money and dates come formatted by the caller through [`Format`]: the shell
//! formats them for the admin's locale, exports use [`PlainFormat`].

use crate::graph::model::{AssignmentError, AssignmentState};
use crate::licensing::catalog::Catalog;
use crate::lists::reclaim::copies::UnsafeReason;
use crate::lists::reclaim::exclusions::{Excluded, Exclusions, ImportError};
use crate::lists::reclaim::findings::{
    CopyFinding, Reason, SeatFinding, Section, SignInUnavailable, SkipReason,
};
use crate::lists::reclaim::handover::{GroupRemoval, Held, HeldBack, MailboxWarning};
use crate::lists::reclaim::prices::{Money, Totals};
use crate::lists::reclaim::seats::Term;

/// How the caller writes numbers, money and dates.
pub trait Format {
    fn count(&self, n: i64) -> String;
    fn money(&self, amount: &Money) -> String;
    /// A date (no time), from Unix milliseconds.
    fn date(&self, ms: u64) -> String;
}

/// Plain forms for files: `1234`, `USD 26.00`, `2027-01-15`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainFormat;

impl Format for PlainFormat {
    fn count(&self, n: i64) -> String {
        n.to_string()
    }

    fn money(&self, amount: &Money) -> String {
        amount.to_string()
    }

    fn date(&self, ms: u64) -> String {
        crate::bulk::iso_utc(ms)[..10].to_string()
    }
}

/// Shown next to a SKU the price table has no price for; it counts as 0.
pub const NO_PRICE: &str = "no price";

/// Shown with the sign-in sections.
pub const SIGN_IN_DELAY: &str = "Sign-ins usually appear within 6 hours, and the last sign-in \
time can take up to 24 hours to update.";

/// Why removing a direct copy is offered although it frees no seat.
pub const COPY_BENEFIT: &str = "Removing the direct copy frees no seat: the user keeps the \
license from the group. It leaves one place, the group, deciding the user's license, so \
taking them out of the group takes the license back too.";

/// Where seats are changed.
pub const SEATS_ARE_BOUGHT_ELSEWHERE: &str = "Seats are bought and reduced in the Microsoft \
365 admin center (Billing, Your products); License Desk can't change them.";

fn users(n: usize, f: &dyn Format) -> String {
    if n == 1 {
        "1 user".into()
    } else {
        format!("{} users", f.count(n as i64))
    }
}

/// The heading of a section.
pub fn section_title(section: Section) -> &'static str {
    match section {
        Section::Disabled => "Disabled accounts with licenses",
        Section::Inactive => "Inactive users",
        Section::NeverSignedIn => "Never signed in",
        Section::DirectCopies => "Direct copies of group licenses",
        Section::UnusedSeats => "Unused seats",
    }
}

/// The finding in a word or two, for exports.
pub fn finding_name(section: Section) -> &'static str {
    match section {
        Section::Disabled => "Disabled account",
        Section::Inactive => "Inactive",
        Section::NeverSignedIn => "Never signed in",
        Section::DirectCopies => "Direct copy of a group license",
        Section::UnusedSeats => "Unused seats",
    }
}

/// What a section holds, under its heading.
pub fn section_explainer(section: Section, window_days: u32, f: &dyn Format) -> String {
    let days = f.count(i64::from(window_days));
    match section {
        Section::Disabled => "These accounts can't sign in, but their licenses still take \
seats. Take the licenses back, or exclude the accounts you keep on purpose (shared mailboxes, \
break-glass accounts)."
            .into(),
        Section::Inactive => format!(
            "Enabled users whose latest sign-in of any kind (interactive, by an app such as \
mail on a phone, or successful) is more than {days} days ago."
        ),
        Section::NeverSignedIn => format!(
            "Enabled users with no sign-in recorded whose account is more than {days} days \
old. Users created more recently are new, not waste."
        ),
        Section::DirectCopies => format!(
            "These users hold the same license directly and from a group. {COPY_BENEFIT} It \
is offered only where the group's copy works and keeps every service plan on."
        ),
        Section::UnusedSeats => {
            format!("Seats you pay for that nobody holds. {SEATS_ARE_BOUGHT_ELSEWHERE}")
        }
    }
}

/// Why a user is in their section.
pub fn reason(reason: &Reason, f: &dyn Format) -> String {
    match reason {
        Reason::Disabled => {
            "The account is disabled: it can't sign in, but its licenses still take seats.".into()
        }
        Reason::Inactive { last_ms, days } => format!(
            "No sign-in of any kind for {} days (the last one on {}).",
            f.count(*days as i64),
            f.date(*last_ms)
        ),
        Reason::NeverSignedIn {
            created_ms: Some(created),
            days: Some(days),
        } => format!(
            "No sign-in recorded since the account was created {} days ago ({}).",
            f.count(*days as i64),
            f.date(*created)
        ),
        Reason::NeverSignedIn { .. } => "No sign-in recorded, and Graph has no creation date \
(it has none for accounts created before June 2018)."
            .into(),
    }
}

fn state_words(state: &AssignmentState, error: &AssignmentError) -> String {
    if error.is_error() {
        format!("{} ({})", state.plain(), error.as_str())
    } else {
        state.plain().to_string()
    }
}

/// Why removing a direct copy is not safe.
pub fn unsafe_reason(reason: &UnsafeReason, catalog: &Catalog) -> String {
    match reason {
        UnsafeReason::GroupCopyNotWorking { groups } => {
            let copies = groups
                .iter()
                .map(|(group, state, error)| {
                    format!(
                        "from {}: {}",
                        catalog.group_name(group),
                        state_words(state, error)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "Not safe to remove: no copy from a group is active without an error ({copies}). \
The direct copy is the one that works."
            )
        }
        UnsafeReason::PlansWouldBeLost { plans } => {
            let names = plans
                .iter()
                .map(|plan| catalog.plan_name(plan))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "Not safe to remove: {names} {} on in the direct copy but off in the group's \
copy, so the user would lose {}.",
                if plans.len() == 1 { "is" } else { "are" },
                if plans.len() == 1 { "it" } else { "them" }
            )
        }
    }
}

/// Why a direct copy is listed, and whether it is safe to remove.
pub fn copy_reason(row: &CopyFinding, catalog: &Catalog) -> String {
    let groups = row
        .holding
        .from_groups()
        .map(|copy| {
            copy.group_name.clone().unwrap_or_else(|| {
                copy.group()
                    .map(|group| catalog.group_name(group))
                    .unwrap_or_default()
            })
        })
        .collect::<Vec<_>>()
        .join(", ");
    match &row.unsafe_reason {
        None => format!(
            "Held directly and from {groups}. Safe to remove the direct copy: the group's copy \
works and keeps every service plan on. It frees no seat."
        ),
        Some(reason) => format!(
            "Held directly and from {groups}. {}",
            unsafe_reason(reason, catalog)
        ),
    }
}

/// The billing term in a word.
pub fn term(term: Term) -> &'static str {
    match term {
        Term::Monthly => "monthly",
        Term::Yearly => "yearly",
        Term::Trial => "trial",
        Term::Unknown => "term unknown",
    }
}

/// What to do about a SKU's unused seats.
pub fn unused_seats_reason(row: &SeatFinding, f: &dyn Format) -> String {
    let seats = &row.seats;
    let unused = format!(
        "{} of {} seats are unused.",
        f.count(seats.unused),
        f.count(seats.enabled)
    );
    if seats.paid_unused == 0 {
        return format!("{unused} They belong to a trial: they cost nothing and end with it.");
    }
    match &seats.renewal {
        Some(renewal) if seats.reduce_by > 0 => {
            let rest = seats.paid_unused - seats.reduce_by;
            let later = if rest > 0 {
                format!(", and the other {} at later renewals", f.count(rest))
            } else {
                String::new()
            };
            format!(
                "{unused} Reduce by {} at renewal on {} ({}){later}, in the Microsoft 365 admin \
center.",
                f.count(seats.reduce_by),
                f.date(renewal.at_ms),
                term(renewal.term)
            )
        }
        _ => format!(
            "{unused} Graph gave no renewal date: reduce them at the next renewal, in the \
Microsoft 365 admin center."
        ),
    }
}

/// A price, or "no price".
pub fn price(price: Option<&Money>, f: &dyn Format) -> String {
    price.map_or_else(|| NO_PRICE.to_string(), |amount| f.money(amount))
}

/// Totals in every currency: "USD 52.00", "USD 52.00 and EUR 10.00", or "nothing".
pub fn amounts(totals: &Totals, f: &dyn Format) -> String {
    let amounts: Vec<String> = totals
        .amounts()
        .iter()
        .filter(|amount| amount.cents != 0)
        .map(|amount| f.money(amount))
        .collect();
    if amounts.is_empty() {
        "nothing".into()
    } else {
        amounts.join(" and ")
    }
}

/// Why the inactive and never-signed-in sections are empty.
pub fn sign_in_unavailable(why: &SignInUnavailable) -> String {
    let rest = "Disabled accounts, direct copies of group licenses and unused seats are \
still shown.";
    match why {
        SignInUnavailable::NoPremium => format!(
            "Sign-in activity needs Microsoft Entra ID P1 or P2, which this tenant doesn't \
have (Graph answered 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant: \"Neither \
tenant is B2C or tenant doesn't have premium license\"), so inactive users can't be found. \
{rest}"
        ),
        SignInUnavailable::NotPermitted => format!(
            "Reading sign-in activity needs AuditLog.Read.All with User.Read.All (for a \
delegated token, a role such as Reports Reader too), and this token doesn't have it, so \
inactive users can't be found. {rest}"
        ),
        SignInUnavailable::Failed {
            status,
            code,
            message,
            request_id,
        } => {
            let status = status.map(|s| format!("{s} ")).unwrap_or_default();
            let code = code.as_deref().unwrap_or("no code");
            let request = request_id
                .as_deref()
                .map(|id| format!(" (request-id {id})"))
                .unwrap_or_default();
            format!(
                "Graph refused to list sign-in activity ({status}{code}): {message}{request}. \
{rest}"
            )
        }
    }
}

/// What a token lacks, from [`crate::auth::token::Action::missing`]: "needs
/// AuditLog.Read.All and User.Read.All or User.ReadWrite.All".
pub fn missing_permissions(missing: &[&[&str]]) -> String {
    let needs = missing
        .iter()
        .map(|any_of| any_of[..2.min(any_of.len())].join(" or "))
        .collect::<Vec<_>>()
        .join(" and ");
    format!("needs {needs}")
}

/// The mailbox warning of a run.
pub fn mailbox_warning(warning: &MailboxWarning, f: &dyn Format) -> String {
    let n = warning.users.len();
    format!(
        "{} {} their Exchange Online mailbox: removing the license disconnects it. Undoing \
this run by {} (within 30 days) reconnects it, as far as Exchange can; after that the mailbox \
may be gone.",
        users(n, f),
        if n == 1 { "loses" } else { "lose" },
        f.date(warning.reconnect_until_ms)
    )
}

/// What to do about a license the run can't remove.
pub fn group_removal(removal: &GroupRemoval) -> String {
    let group = removal
        .group_name
        .clone()
        .unwrap_or_else(|| removal.group.to_string());
    let mailbox = if removal.carries_mailbox {
        " This copy carries their mailbox: taking them out of the group disconnects it."
    } else {
        ""
    };
    format!(
        "{} gets {} from the group {group}: take them out of the group (or change the group's \
licenses). A license from a group can't be removed from the user directly.{mailbox}",
        removal.user_label, removal.sku_name
    )
}

/// Why an exclusion applies, naming what is excluded.
pub fn excluded(excluded: &Excluded, exclusions: &Exclusions, catalog: &Catalog) -> String {
    let name = exclusions.name_of(excluded).map(str::to_string);
    match excluded {
        Excluded::User(id) => format!("Excluded: {}", name.unwrap_or_else(|| id.to_string())),
        Excluded::Group(id) => format!(
            "Excluded as a member of {}",
            name.unwrap_or_else(|| catalog.group_name(id))
        ),
        Excluded::Sku(id) => format!(
            "Excluded: {} is excluded for everyone",
            name.unwrap_or_else(|| catalog.sku_name(id))
        ),
    }
}

/// Why something selected is not in the run.
pub fn held_back(held: &HeldBack, exclusions: &Exclusions, catalog: &Catalog) -> String {
    let what = match &held.sku {
        Some(sku) => format!("{} ({})", held.user_label, catalog.sku_name(sku)),
        None => held.user_label.clone(),
    };
    let why = match &held.held {
        Held::Excluded { excluded: e } => excluded(e, exclusions, catalog),
        Held::Unsafe { reason } => unsafe_reason(reason, catalog),
        Held::NotFound => "Not among the findings any more: read the tenant again.".into(),
        Held::NothingDirect => {
            "Every license comes from a group: take the user out of the groups below.".into()
        }
    };
    format!("{what}: {why}")
}

/// Why a licensed user is in no section.
pub fn skipped(why: SkipReason) -> &'static str {
    match why {
        SkipReason::SourcesUnknown => {
            "Graph did not say which licenses are direct and which \
come from a group, so none is offered for removal."
        }
        SkipReason::EnabledUnknown => "Graph did not say whether the account is enabled.",
    }
}

/// Excluded groups whose members were not read.
pub fn groups_not_read(n: usize) -> String {
    if n == 1 {
        "The members of 1 excluded group could not be read: they are not excluded until they are."
            .into()
    } else {
        format!("The members of {n} excluded groups could not be read: they are not excluded until they are.")
    }
}

/// Why an exclusions file could not be imported.
pub fn import_error(error: &ImportError) -> String {
    match error {
        ImportError::NotJson(detail) => format!("This file is not JSON ({detail})."),
        ImportError::NotExclusions => {
            "This JSON file is not a License Desk exclusions file.".into()
        }
        ImportError::NewerVersion(version) => format!(
            "This exclusions file was written by a newer License Desk (version {version}); \
update License Desk to import it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::{GroupId, PlanId, SkuId, UserId};
    use crate::lists::reclaim::seats::{Renewal, UnusedSeats};

    /// 2027-01-15T08:00:00Z.
    const NOW: u64 = 1_800_000_000_000;
    const DAY: u64 = 86_400_000;

    fn seats(unused: i64, paid: i64, reduce_by: i64, renewal: Option<Term>) -> SeatFinding {
        SeatFinding {
            seats: UnusedSeats {
                sku: SkuId::new("e3"),
                sku_name: "Office 365 E3".into(),
                enabled: 30,
                consumed: 30 - unused,
                unused,
                renewal: renewal.map(|term| Renewal {
                    subscription_id: "s".into(),
                    at_ms: NOW + 31 * DAY,
                    term,
                    seats: Some(reduce_by),
                }),
                reduce_by,
                paid_unused: paid,
            },
            price: None,
            excluded: None,
            monthly: Totals::default(),
        }
    }

    #[test]
    fn unused_seats_say_by_how_many_and_when_and_never_pretend_to_change_them() {
        let f = PlainFormat;
        let text = unused_seats_reason(&seats(6, 6, 4, Some(Term::Monthly)), &f);
        assert_eq!(
            text,
            "6 of 30 seats are unused. Reduce by 4 at renewal on 2027-02-15 (monthly), and the \
other 2 at later renewals, in the Microsoft 365 admin center."
        );
        let all = unused_seats_reason(&seats(2, 2, 2, Some(Term::Yearly)), &f);
        assert!(
            all.contains("Reduce by 2 at renewal on 2027-02-15 (yearly), in"),
            "{all}"
        );
        let trial = unused_seats_reason(&seats(5, 0, 0, None), &f);
        assert!(trial.contains("trial"), "{trial}");
        let undated = unused_seats_reason(&seats(3, 3, 0, None), &f);
        assert!(undated.contains("no renewal date"), "{undated}");
        assert!(section_explainer(Section::UnusedSeats, 90, &f).contains("can't change them"));
    }

    #[test]
    fn reasons_name_the_days_and_dates() {
        let f = PlainFormat;
        assert_eq!(
            reason(
                &Reason::Inactive {
                    last_ms: NOW - 142 * DAY,
                    days: 142
                },
                &f
            ),
            "No sign-in of any kind for 142 days (the last one on 2026-08-26)."
        );
        assert!(reason(
            &Reason::NeverSignedIn {
                created_ms: None,
                days: None
            },
            &f
        )
        .contains("before June 2018"));
        assert!(reason(&Reason::Disabled, &f).contains("can't sign in"));
    }

    #[test]
    fn unsafe_copies_name_the_plans_or_the_failing_group() {
        let mut catalog = Catalog::default();
        catalog.groups.insert(GroupId::new("g"), "All Staff".into());
        let lost = unsafe_reason(
            &UnsafeReason::PlansWouldBeLost {
                plans: vec![PlanId::new("5dbe027f-2339-4123-9542-606e4d348a72")],
            },
            &catalog,
        );
        assert!(lost.contains("SharePoint"), "{lost}");
        assert!(lost.contains("is on in the direct copy"), "{lost}");
        let failing = unsafe_reason(
            &UnsafeReason::GroupCopyNotWorking {
                groups: vec![(
                    GroupId::new("g"),
                    AssignmentState::Error,
                    AssignmentError::UniquenessViolation,
                )],
            },
            &catalog,
        );
        assert!(
            failing.contains("from All Staff: Error (UniquenessViolation)"),
            "{failing}"
        );
    }

    #[test]
    fn money_is_labelled_and_currencies_are_kept_apart() {
        let f = PlainFormat;
        assert_eq!(price(None, &f), "no price");
        assert_eq!(price(Some(&Money::new("USD", 2_600)), &f), "USD 26.00");
        let mut totals = Totals::default();
        assert_eq!(amounts(&totals, &f), "nothing");
        totals.add(&Money::new("USD", 5_200));
        totals.add(&Money::new("EUR", 1_000));
        assert_eq!(amounts(&totals, &f), "EUR 10.00 and USD 52.00");
    }

    #[test]
    fn the_missing_permission_and_the_mailbox_deadline_are_named() {
        assert_eq!(
            missing_permissions(&[
                &["AuditLog.Read.All"],
                &["User.Read.All", "User.ReadWrite.All", "Directory.Read.All"]
            ]),
            "needs AuditLog.Read.All and User.Read.All or User.ReadWrite.All"
        );
        let warning = MailboxWarning {
            users: vec![crate::lists::reclaim::handover::MailboxLoss {
                user: UserId::new("u"),
                user_label: "Keiko".into(),
                skus: vec![SkuId::new("e3")],
            }],
            reconnect_until_ms: NOW + 30 * DAY,
        };
        let text = mailbox_warning(&warning, &PlainFormat);
        assert!(
            text.starts_with("1 user loses their Exchange Online mailbox"),
            "{text}"
        );
        assert!(text.contains("by 2027-02-14"), "{text}");
        assert!(sign_in_unavailable(&SignInUnavailable::NoPremium).contains("P1 or P2"));
        assert!(sign_in_unavailable(&SignInUnavailable::NotPermitted).contains("AuditLog.Read.All"));
    }
}
