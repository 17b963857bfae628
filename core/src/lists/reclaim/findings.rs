//! The five findings, computed from what the screen read.
//!
//! Each licensed user lands in one section at most, the first that applies: a disabled
//! account (it can't sign in at all), then never signed in, then inactive, then direct
//! copies of group licenses (removing every license of a user covers their direct copies
//! too). Unused seats are counted per SKU, apart from users. Excluded users and licenses
//! stay in their section, marked, and count towards no saving.
//!
//! Users come from two listings: the disabled accounts
//! ([`crate::graph::request::disabled_licensed_users`]) and every user with sign-in
//! activity ([`crate::graph::request::users_with_sign_in_activity`], or
//! [`crate::graph::request::licensed_users`] when sign-ins can't be read). A user in
//! both is taken from the second, which reads each user's own properties rather than an
//! index that may lag behind.

pub use super::activity::Reason;
use super::activity::{activity, Activity};
use super::copies::{removal_safety, UnsafeReason};
use super::exclusions::{Excluded, Exclusions, GroupMembers};
use super::holdings::{holdings, Holding};
use super::prices::{Money, PriceTable, Savings, Totals};
use super::seats::{unused_seats, SeatsUnknown, UnusedSeats};
use crate::graph::error::{ErrorKind, GraphError};
use crate::graph::ids::{GroupId, UserId};
use crate::graph::model::{CompanySubscription, SignInActivity, User};
use crate::licensing::catalog::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Graph's code for a tenant without Microsoft Entra ID P1 or P2 asking for sign-ins.
pub use crate::graph::error::NO_PREMIUM_CODE;

/// The five sections of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    Disabled,
    Inactive,
    NeverSignedIn,
    DirectCopies,
    UnusedSeats,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Disabled,
        Section::Inactive,
        Section::NeverSignedIn,
        Section::DirectCopies,
        Section::UnusedSeats,
    ];
}

/// Whether the user listing carries sign-in activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "signIn", rename_all = "camelCase")]
pub enum SignIn {
    Read,
    Unavailable(SignInUnavailable),
}

/// Why sign-in activity could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "camelCase")]
pub enum SignInUnavailable {
    /// The tenant has no Microsoft Entra ID P1 or P2 (Graph's 403 [`NO_PREMIUM_CODE`]).
    NoPremium,
    /// The token lacks `AuditLog.Read.All` (predicted from its scopes, or Graph's 403).
    NotPermitted,
    /// Graph answered with another error.
    #[serde(rename_all = "camelCase")]
    Failed {
        status: Option<u16>,
        code: Option<String>,
        message: String,
        request_id: Option<String>,
    },
}

impl SignInUnavailable {
    /// What Graph's refusal of the sign-in listing means.
    pub fn from_error(error: &GraphError) -> Self {
        match error.kind {
            ErrorKind::NeedsPremium => SignInUnavailable::NoPremium,
            ErrorKind::Forbidden => SignInUnavailable::NotPermitted,
            _ => SignInUnavailable::Failed {
                status: error.status,
                code: error.code.clone(),
                message: error.message.clone(),
                request_id: error.request_id.clone(),
            },
        }
    }
}

/// What the screen read, as Graph returned it.
#[derive(Clone, Copy, Debug)]
pub struct Reads<'a> {
    /// Every page of [`crate::graph::request::disabled_licensed_users`].
    pub disabled: &'a [User],
    /// Every page of [`crate::graph::request::users_with_sign_in_activity`], or of
    /// [`crate::graph::request::licensed_users`] when `sign_in` is unavailable.
    pub users: &'a [User],
    pub sign_in: &'a SignIn,
    /// `GET /directory/subscriptions` (empty when it could not be read).
    pub subscriptions: &'a [CompanySubscription],
    /// The members of each excluded group.
    pub group_members: &'a GroupMembers,
}

/// The admin's choices for this analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    /// Days without any sign-in after which a user is inactive.
    pub window_days: u32,
    /// The time of the analysis, Unix milliseconds.
    pub now_ms: u64,
}

/// Who a finding is about, as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: UserId,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
    pub account_enabled: Option<bool>,
    pub created_date_time: Option<String>,
    pub sign_in_activity: Option<SignInActivity>,
}

impl Person {
    fn of(user: &User) -> Person {
        Person {
            id: user.id.clone(),
            user_principal_name: user.user_principal_name.clone(),
            display_name: user.display_name.clone(),
            account_enabled: user.account_enabled,
            created_date_time: user.created_date_time.clone(),
            sign_in_activity: user.sign_in_activity.clone(),
        }
    }

    /// The name an admin recognises: display name, else UPN, else id.
    pub fn label(&self) -> &str {
        self.display_name
            .as_deref()
            .or(self.user_principal_name.as_deref())
            .unwrap_or(self.id.as_str())
    }
}

/// A SKU a user holds, with its price and whether it is excluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedHolding {
    #[serde(flatten)]
    pub holding: Holding,
    /// `None`: no price in the table ("no price"), counted as 0.
    pub price: Option<Money>,
    /// Set when the SKU is excluded for everyone.
    pub excluded: Option<Excluded>,
}

impl PricedHolding {
    /// What removing this license saves a month: its price, when it takes a seat and is
    /// not excluded.
    pub fn monthly_saving(&self) -> Option<&Money> {
        (self.holding.takes_seat() && self.excluded.is_none())
            .then_some(self.price.as_ref())
            .flatten()
    }
}

/// A user in the disabled, inactive or never-signed-in section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFinding {
    pub person: Person,
    pub reason: Reason,
    pub licenses: Vec<PricedHolding>,
    /// Set when the user is excluded (by name or through a group).
    pub excluded: Option<Excluded>,
    /// What taking every license back saves a month; nothing when excluded.
    pub monthly: Totals,
}

impl UserFinding {
    /// Whether the admin may select the user for a bulk run.
    pub fn selectable(&self) -> bool {
        self.excluded.is_none()
    }
}

/// A user holding a SKU both directly and from a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyFinding {
    pub person: Person,
    pub holding: Holding,
    pub price: Option<Money>,
    /// Why removing the direct copy is not safe; `None` when it is.
    pub unsafe_reason: Option<UnsafeReason>,
    pub excluded: Option<Excluded>,
}

impl CopyFinding {
    pub fn is_safe(&self) -> bool {
        self.unsafe_reason.is_none()
    }

    /// Safe and not excluded: the admin may select it for a bulk run.
    pub fn selectable(&self) -> bool {
        self.is_safe() && self.excluded.is_none()
    }
}

/// A SKU with unused seats, priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatFinding {
    #[serde(flatten)]
    pub seats: UnusedSeats,
    pub price: Option<Money>,
    pub excluded: Option<Excluded>,
    /// The paid unused seats times the price; nothing when excluded or unpriced.
    pub monthly: Totals,
}

/// The disabled, inactive or never-signed-in users.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSection {
    pub rows: Vec<UserFinding>,
    pub savings: Savings,
}

impl UserSection {
    fn from_rows(mut rows: Vec<UserFinding>) -> Self {
        sort_by_person(&mut rows, |row| &row.person);
        let savings = Savings::from_monthly(sum(rows.iter().map(|row| &row.monthly)));
        UserSection { rows, savings }
    }

    /// Users that count (not excluded).
    pub fn counted(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| row.excluded.is_none())
            .count()
    }

    pub fn excluded(&self) -> usize {
        self.rows.len() - self.counted()
    }
}

/// The direct copies of group licenses. They free no seat: no saving.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopySection {
    pub rows: Vec<CopyFinding>,
}

impl CopySection {
    pub fn safe(&self) -> usize {
        self.rows.iter().filter(|row| row.selectable()).count()
    }

    pub fn not_safe(&self) -> usize {
        self.rows.iter().filter(|row| !row.is_safe()).count()
    }

    pub fn excluded(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| row.excluded.is_some())
            .count()
    }
}

/// The SKUs with unused seats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatSection {
    pub rows: Vec<SeatFinding>,
    /// SKUs whose seat counts Graph did not send.
    pub unknown: Vec<SeatsUnknown>,
    pub savings: Savings,
}

/// A licensed user no section could place, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub person: Person,
    pub why: SkipReason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// `licenseAssignmentStates` doesn't explain every SKU: direct and group copies can't
    /// be told apart.
    SourcesUnknown,
    /// Graph did not say whether the account is enabled.
    EnabledUnknown,
}

/// Everything the screen shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Findings {
    pub options: Options,
    pub sign_in: SignIn,
    pub disabled: UserSection,
    /// Empty when sign-in activity is unavailable (see `sign_in`).
    pub inactive: UserSection,
    /// Empty when sign-in activity is unavailable (see `sign_in`).
    pub never_signed_in: UserSection,
    pub direct_copies: CopySection,
    pub unused_seats: SeatSection,
    pub skipped: Vec<Skipped>,
    /// Excluded groups whose members were not read: their members count as not excluded.
    pub groups_not_read: Vec<GroupId>,
    /// Every section's savings added up.
    pub savings: Savings,
}

impl Findings {
    /// The users of a user section (`None` for the other two).
    pub fn user_section(&self, section: Section) -> Option<&UserSection> {
        match section {
            Section::Disabled => Some(&self.disabled),
            Section::Inactive => Some(&self.inactive),
            Section::NeverSignedIn => Some(&self.never_signed_in),
            Section::DirectCopies | Section::UnusedSeats => None,
        }
    }

    /// What a section saves; direct copies save nothing.
    pub fn section_savings(&self, section: Section) -> Savings {
        match section {
            Section::DirectCopies => Savings::default(),
            Section::UnusedSeats => self.unused_seats.savings.clone(),
            user => self
                .user_section(user)
                .map(|s| s.savings.clone())
                .unwrap_or_default(),
        }
    }

    /// The user finding of `user`, wherever it is.
    pub fn user_finding(&self, user: &UserId) -> Option<(Section, &UserFinding)> {
        [Section::Disabled, Section::Inactive, Section::NeverSignedIn]
            .into_iter()
            .find_map(|section| {
                let rows = &self.user_section(section)?.rows;
                Some((section, rows.iter().find(|row| &row.person.id == user)?))
            })
    }
}

fn sum<'a>(all: impl Iterator<Item = &'a Totals>) -> Totals {
    let mut total = Totals::default();
    for totals in all {
        total.add_all(totals);
    }
    total
}

fn sort_by_person<T>(rows: &mut [T], person: impl Fn(&T) -> &Person) {
    rows.sort_by_cached_key(|row| {
        let person = person(row);
        (person.label().to_lowercase(), person.id.clone())
    });
}

/// Each user once: those of `users`, then those of `disabled` not among them.
fn merged<'a>(reads: &Reads<'a>) -> Vec<&'a User> {
    let mut seen: BTreeSet<&UserId> = BTreeSet::new();
    reads
        .users
        .iter()
        .chain(reads.disabled)
        .filter(|user| seen.insert(&user.id))
        .collect()
}

/// Which user section `user` belongs in, if any; `Err` when Graph did not say whether
/// the account is enabled.
fn reason_for(
    user: &User,
    sign_in: &SignIn,
    options: Options,
) -> Result<Option<Reason>, SkipReason> {
    match (user.account_enabled, sign_in) {
        (Some(false), _) => Ok(Some(Reason::Disabled)),
        (None, _) => Err(SkipReason::EnabledUnknown),
        (Some(true), SignIn::Unavailable(_)) => Ok(None),
        (Some(true), SignIn::Read) => {
            Ok(match activity(user, options.now_ms, options.window_days) {
                Activity::Unused(reason) => Some(reason),
                Activity::Recent { .. } | Activity::New { .. } => None,
            })
        }
    }
}

/// A user's finding: every license priced, and what taking them back saves.
fn user_finding(
    user: &User,
    reason: Reason,
    held: Vec<Holding>,
    excluded: Option<Excluded>,
    prices: &PriceTable,
    exclusions: &Exclusions,
) -> UserFinding {
    let licenses: Vec<PricedHolding> = held
        .into_iter()
        .map(|holding| PricedHolding {
            price: prices.price(&holding.sku).cloned(),
            excluded: exclusions.sku(&holding.sku),
            holding,
        })
        .collect();
    let mut monthly = Totals::default();
    if excluded.is_none() {
        for price in licenses.iter().filter_map(PricedHolding::monthly_saving) {
            monthly.add(price);
        }
    }
    UserFinding {
        person: Person::of(user),
        reason,
        licenses,
        excluded,
        monthly,
    }
}

/// The SKUs with unused seats, priced.
fn seat_section(
    catalog: &Catalog,
    subscriptions: &[CompanySubscription],
    prices: &PriceTable,
    exclusions: &Exclusions,
) -> SeatSection {
    let (seats, unknown) = unused_seats(catalog, subscriptions);
    let rows: Vec<SeatFinding> = seats
        .into_iter()
        .map(|seats| {
            let price = prices.price(&seats.sku).cloned();
            let excluded = exclusions.sku(&seats.sku);
            let mut monthly = Totals::default();
            if let (Some(price), None) = (&price, &excluded) {
                monthly.add(&price.times(seats.paid_unused));
            }
            SeatFinding {
                seats,
                price,
                excluded,
                monthly,
            }
        })
        .collect();
    SeatSection {
        savings: Savings::from_monthly(sum(rows.iter().map(|row| &row.monthly))),
        rows,
        unknown,
    }
}

/// The findings for what the screen read, with `prices` and `exclusions`.
pub fn analyse(
    reads: &Reads,
    catalog: &Catalog,
    prices: &PriceTable,
    exclusions: &Exclusions,
    options: Options,
) -> Findings {
    let (mut disabled, mut inactive, mut never) = (Vec::new(), Vec::new(), Vec::new());
    let mut copies = Vec::new();
    let mut skipped = Vec::new();
    for user in merged(reads) {
        let skip = |why| Skipped {
            person: Person::of(user),
            why,
        };
        let Some(held) = holdings(user, catalog) else {
            if !user.assigned_licenses.is_empty() {
                skipped.push(skip(SkipReason::SourcesUnknown));
            }
            continue;
        };
        if !held.iter().any(Holding::takes_seat) {
            continue;
        }
        let excluded = exclusions.user(&user.id, reads.group_members);
        let reason = reason_for(user, reads.sign_in, options).unwrap_or_else(|why| {
            skipped.push(skip(why));
            None
        });
        if let Some(reason) = reason {
            let section = match reason {
                Reason::Disabled => &mut disabled,
                Reason::Inactive { .. } => &mut inactive,
                Reason::NeverSignedIn { .. } => &mut never,
            };
            section.push(user_finding(
                user, reason, held, excluded, prices, exclusions,
            ));
            continue;
        }
        for holding in held {
            let Some(safety) = removal_safety(&holding) else {
                continue;
            };
            copies.push(CopyFinding {
                person: Person::of(user),
                price: prices.price(&holding.sku).cloned(),
                unsafe_reason: safety.err(),
                excluded: excluded.clone().or_else(|| exclusions.sku(&holding.sku)),
                holding,
            });
        }
    }
    sort_by_person(&mut copies, |row| &row.person);
    sort_by_person(&mut skipped, |row| &row.person);
    let unused_seats = seat_section(catalog, reads.subscriptions, prices, exclusions);
    let disabled = UserSection::from_rows(disabled);
    let inactive = UserSection::from_rows(inactive);
    let never_signed_in = UserSection::from_rows(never);
    let savings = Savings::sum([
        &disabled.savings,
        &inactive.savings,
        &never_signed_in.savings,
        &unused_seats.savings,
    ]);
    Findings {
        options,
        sign_in: reads.sign_in.clone(),
        disabled,
        inactive,
        never_signed_in,
        direct_copies: CopySection { rows: copies },
        unused_seats,
        skipped,
        groups_not_read: exclusions.groups_not_read(reads.group_members),
        savings,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::graph::ids::SkuId;
    use crate::lists::reclaim::test_tenant::*;

    fn options() -> Options {
        Options {
            window_days: 90,
            now_ms: NOW,
        }
    }

    fn run(
        disabled: &[User],
        users: &[User],
        sign_in: &SignIn,
        prices: &PriceTable,
        exclusions: &Exclusions,
        members: &GroupMembers,
    ) -> Findings {
        let subscriptions = subscriptions();
        let reads = Reads {
            disabled,
            users,
            sign_in,
            subscriptions: &subscriptions,
            group_members: members,
        };
        analyse(&reads, &catalog(), prices, exclusions, options())
    }

    /// The findings for `users`, every sign-in read, nothing excluded.
    fn of(users: &[User], prices: &PriceTable) -> Findings {
        run(
            &[],
            users,
            &SignIn::Read,
            prices,
            &Exclusions::default(),
            &GroupMembers::new(),
        )
    }

    /// The findings for `users`, every sign-in read, Office 365 E3 at USD 26.00: what the
    /// export's and the hand-over's tests start from.
    pub(crate) fn findings_for(users: &[User], exclusions: &Exclusions) -> Findings {
        run(
            &[],
            users,
            &SignIn::Read,
            &e3_at(2_600),
            exclusions,
            &GroupMembers::new(),
        )
    }

    fn e3_at(cents: i64) -> PriceTable {
        let mut prices = PriceTable::default();
        prices.set(SkuId::new(E3), Money::new("USD", cents));
        prices
    }

    fn names(section: &UserSection) -> Vec<&str> {
        section.rows.iter().map(|row| row.person.label()).collect()
    }

    fn copy_names(findings: &Findings) -> Vec<&str> {
        findings
            .direct_copies
            .rows
            .iter()
            .map(|row| row.person.label())
            .collect()
    }

    fn everything(prices: &PriceTable) -> Findings {
        of(&users(), prices)
    }

    #[test]
    fn each_user_is_in_one_section_only() {
        let findings = everything(&e3_at(2_600));
        // Miriam is disabled and inactive, Rosa disabled and never signed in: disabled.
        assert_eq!(
            names(&findings.disabled),
            ["Miriam Graham", "Rosa Quintero"]
        );
        // Keiko also holds a direct copy of a group license: inactive only.
        assert_eq!(
            names(&findings.inactive),
            ["=cmd|' /C calc'!A0", "Hugo Brandt", "Keiko Tanabe"]
        );
        assert_eq!(names(&findings.never_signed_in), ["Olga Berg"]);
        assert_eq!(copy_names(&findings), ["Lee Gu", "Noor Haddad", "Wen Zhao"]);
        let mut seen = std::collections::BTreeSet::new();
        for section in [
            &findings.disabled,
            &findings.inactive,
            &findings.never_signed_in,
        ] {
            for row in &section.rows {
                assert!(seen.insert(row.person.id.clone()), "{:?}", row.person);
            }
        }
        for row in &findings.direct_copies.rows {
            assert!(seen.insert(row.person.id.clone()), "{:?}", row.person);
        }
        // The phone user, the new user and the unlicensed one are in none.
        for name in ["Sanjay Rao", "Tomas Ruiz", "Alex Wilber"] {
            let json = serde_json::to_string(&findings).unwrap();
            assert!(!json.contains(name), "{name}");
        }
        assert!(findings.skipped.is_empty());
    }

    #[test]
    fn reasons_carry_the_days() {
        let findings = everything(&PriceTable::default());
        let hugo = &findings.inactive.rows[1];
        assert_eq!(
            hugo.reason,
            Reason::Inactive {
                last_ms: NOW - 140 * DAY,
                days: 140
            }
        );
        assert_eq!(
            findings.never_signed_in.rows[0].reason,
            Reason::NeverSignedIn {
                created_ms: Some(NOW - 400 * DAY),
                days: Some(400)
            }
        );
        assert_eq!(findings.disabled.rows[0].reason, Reason::Disabled);
    }

    #[test]
    fn a_wider_window_finds_fewer_inactive_users() {
        let users = users();
        let subscriptions = subscriptions();
        let members = GroupMembers::new();
        let reads = Reads {
            disabled: &[],
            users: &users,
            sign_in: &SignIn::Read,
            subscriptions: &subscriptions,
            group_members: &members,
        };
        let wide = analyse(
            &reads,
            &catalog(),
            &PriceTable::default(),
            &Exclusions::default(),
            Options {
                window_days: 180,
                now_ms: NOW,
            },
        );
        assert_eq!(
            names(&wide.inactive),
            ["=cmd|' /C calc'!A0", "Keiko Tanabe"]
        );
        // Hugo is no longer inactive; his only license comes from a group: no copy either.
        assert!(wide
            .direct_copies
            .rows
            .iter()
            .all(|r| r.person.label() != "Hugo Brandt"));
        assert_eq!(names(&wide.never_signed_in), ["Olga Berg"]);
    }

    #[test]
    fn savings_add_up_per_section_and_overall_monthly_and_yearly() {
        let findings = everything(&e3_at(2_600));
        // Miriam's E3; Rosa's E3 (from the group) and her Power BI Pro, which has no price.
        assert_eq!(findings.disabled.savings.monthly.in_currency("USD"), 5_200);
        let rosa = &findings.disabled.rows[1];
        assert_eq!(rosa.licenses.len(), 2);
        assert!(rosa.licenses.iter().any(|l| l.price.is_none()));
        // Hugo's and Keiko's E3 (Keiko's two copies take one seat); the formula user's
        // Power BI Pro has no price.
        assert_eq!(findings.inactive.savings.monthly.in_currency("USD"), 5_200);
        assert_eq!(
            findings.never_signed_in.savings.monthly.in_currency("USD"),
            2_600
        );
        // Six unused E3 seats, all paid: 6 x 26.00.
        assert_eq!(
            findings.unused_seats.savings.monthly.in_currency("USD"),
            15_600
        );
        assert_eq!(findings.unused_seats.rows.len(), 1, "Power BI Pro is full");
        // Direct copies free no seat.
        assert!(findings
            .section_savings(Section::DirectCopies)
            .monthly
            .is_zero());
        let total = 5_200 + 5_200 + 2_600 + 15_600;
        assert_eq!(findings.savings.monthly.in_currency("USD"), total);
        assert_eq!(findings.savings.yearly.in_currency("USD"), total * 12);
        assert_eq!(
            findings
                .section_savings(Section::Inactive)
                .yearly
                .in_currency("USD"),
            5_200 * 12
        );
        // Without prices, everything is found and nothing is saved.
        let unpriced = everything(&PriceTable::default());
        assert!(unpriced.savings.monthly.is_zero());
        assert_eq!(unpriced.disabled.rows.len(), 2);
    }

    #[test]
    fn a_copy_in_error_takes_no_seat_and_saves_nothing() {
        let users = vec![user(
            "Isaiah Langer",
            false,
            900,
            None,
            &[
                (E3, Some(ALL_STAFF), "Error", "CountViolation", &[]),
                direct(PBI, &[]),
            ],
        )];
        let mut prices = e3_at(2_600);
        prices.set(SkuId::new(PBI), Money::new("USD", 1_400));
        let findings = of(&users, &prices);
        assert_eq!(findings.disabled.savings.monthly.in_currency("USD"), 1_400);
        // Only a failed copy: nothing to reclaim, no finding.
        let failed_only = vec![user(
            "Only Failed",
            false,
            900,
            None,
            &[(E3, Some(ALL_STAFF), "Error", "CountViolation", &[])],
        )];
        let none = of(&failed_only, &prices);
        assert!(none.disabled.rows.is_empty());
    }

    #[test]
    fn excluded_users_and_skus_are_counted_marked_and_save_nothing() {
        let mut exclusions = Exclusions::default();
        exclusions.exclude_user(UserId::new("id-miriam"), "miriam@contoso.example");
        exclusions.exclude_group(GroupId::new("g-shared"), "Shared mailboxes");
        exclusions.exclude_sku(SkuId::new(PBI), "Power BI Pro");
        let mut members = GroupMembers::new();
        members.insert(GroupId::new("g-shared"), [UserId::new("id-olga")].into());
        let users = users();
        let mut prices = e3_at(2_600);
        prices.set(SkuId::new(PBI), Money::new("USD", 1_400));
        let findings = run(&[], &users, &SignIn::Read, &prices, &exclusions, &members);
        let miriam = &findings.disabled.rows[0];
        assert_eq!(
            miriam.excluded,
            Some(Excluded::User(UserId::new("id-miriam")))
        );
        assert!(!miriam.selectable());
        assert!(miriam.monthly.is_zero());
        assert_eq!(
            (findings.disabled.counted(), findings.disabled.excluded()),
            (1, 1)
        );
        // Rosa's Power BI Pro is excluded for everyone; her E3 still counts.
        let rosa = &findings.disabled.rows[1];
        assert_eq!(rosa.monthly.in_currency("USD"), 2_600);
        assert_eq!(findings.disabled.savings.monthly.in_currency("USD"), 2_600);
        // Olga is excluded as a member of the group, and still listed.
        let olga = &findings.never_signed_in.rows[0];
        assert_eq!(
            olga.excluded,
            Some(Excluded::Group(GroupId::new("g-shared")))
        );
        assert!(findings.never_signed_in.savings.monthly.is_zero());
        assert!(findings.groups_not_read.is_empty());
        // The group's members not read: said, and Olga is not excluded.
        let unread = run(
            &[],
            &users,
            &SignIn::Read,
            &prices,
            &exclusions,
            &GroupMembers::new(),
        );
        assert_eq!(unread.groups_not_read, [GroupId::new("g-shared")]);
        assert_eq!(unread.never_signed_in.rows[0].excluded, None);
    }

    #[test]
    fn without_sign_in_activity_the_other_sections_still_work() {
        // What licensed_users returns: no signInActivity.
        let users: Vec<User> = users()
            .into_iter()
            .map(|mut user| {
                user.sign_in_activity = None;
                user
            })
            .collect();
        let sign_in = SignIn::Unavailable(SignInUnavailable::NoPremium);
        let findings = run(
            &[],
            &users,
            &sign_in,
            &e3_at(2_600),
            &Exclusions::default(),
            &GroupMembers::new(),
        );
        assert_eq!(findings.sign_in, sign_in);
        // The findings (and why sign-ins are missing) survive a round trip through JSON.
        let json = serde_json::to_value(&findings).unwrap();
        assert_eq!(json["signIn"]["signIn"], "unavailable");
        assert_eq!(json["signIn"]["why"], "noPremium");
        assert_eq!(serde_json::from_value::<Findings>(json).unwrap(), findings);
        assert!(findings.inactive.rows.is_empty());
        assert!(findings.never_signed_in.rows.is_empty());
        assert_eq!(findings.disabled.rows.len(), 2);
        // Keiko is no longer known to be inactive: her direct copy is listed instead.
        assert_eq!(
            copy_names(&findings),
            ["Keiko Tanabe", "Lee Gu", "Noor Haddad", "Wen Zhao"]
        );
        assert_eq!(findings.unused_seats.rows.len(), 1);
    }

    #[test]
    fn the_users_listing_wins_over_the_index_of_disabled_accounts() {
        let users = users();
        // The index still lists Sanjay as disabled; his own record says enabled.
        let mut stale = users[4].clone();
        stale.account_enabled = Some(false);
        // And it lists someone the users listing didn't return.
        let only_indexed = user("Dana Fox", false, 900, None, &[direct(E3, &[])]);
        let findings = run(
            &[stale, only_indexed],
            &users,
            &SignIn::Read,
            &PriceTable::default(),
            &Exclusions::default(),
            &GroupMembers::new(),
        );
        assert_eq!(
            names(&findings.disabled),
            ["Dana Fox", "Miriam Graham", "Rosa Quintero"]
        );
    }

    #[test]
    fn users_whose_sources_or_status_graph_did_not_send_are_skipped_and_said() {
        let inactive_with_e3 = |name| user(name, true, 900, signed_in(400), &[direct(E3, &[])]);
        let mut unexplained = inactive_with_e3("Unexplained States");
        unexplained.license_assignment_states.clear();
        let mut unknown = inactive_with_e3("Unknown Status");
        unknown.account_enabled = None;
        let findings = of(&[unexplained, unknown], &PriceTable::default());
        let why: Vec<(&str, SkipReason)> = findings
            .skipped
            .iter()
            .map(|s| (s.person.label(), s.why))
            .collect();
        assert_eq!(
            why,
            [
                ("Unexplained States", SkipReason::SourcesUnknown),
                ("Unknown Status", SkipReason::EnabledUnknown)
            ]
        );
        assert!(findings.inactive.rows.is_empty());
    }

    #[test]
    fn graphs_refusals_of_sign_ins_are_told_apart() {
        let error = |status: u16, code: &str| {
            GraphError::from_response(&crate::graph::response::RawResponse {
                status,
                headers: vec![],
                body: format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#),
            })
        };
        assert_eq!(
            SignInUnavailable::from_error(&error(403, NO_PREMIUM_CODE)),
            SignInUnavailable::NoPremium
        );
        assert_eq!(
            SignInUnavailable::from_error(&error(403, "Authorization_RequestDenied")),
            SignInUnavailable::NotPermitted
        );
        assert!(matches!(
            SignInUnavailable::from_error(&error(400, "Request_UnsupportedQuery")),
            SignInUnavailable::Failed {
                status: Some(400),
                ..
            }
        ));
    }
}
