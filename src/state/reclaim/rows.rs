//! The findings as the screen lists them: one row per user, direct copy or SKU, in the
//! reader's words and numbers, with what sorting and filtering need. Every number goes
//! through [`crate::format`]; every sentence comes from the core's wording.

use crate::format::{count, Locale};
use license_desk_core::graph::ids::{GroupId, SkuId, UserId};
use license_desk_core::graph::model::SignInActivity;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::lists::reclaim::exclusions::{Excluded, Exclusions};
use license_desk_core::lists::reclaim::findings::{
    CopyFinding, Findings, Person, PricedHolding, Reason, SeatFinding, Section, SignIn, UserFinding,
};
use license_desk_core::lists::reclaim::holdings::Holding;
use license_desk_core::lists::reclaim::{Money, Totals};
use license_desk_core::wording::reclaim as words;

/// What a row is about, and what ticking it selects.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// A user of the disabled, inactive or never-signed-in section.
    User(UserId),
    /// A user's direct copy of a group license.
    Copy(UserId, SkuId),
    /// A SKU with unused seats.
    Sku(SkuId),
}

/// Where one copy of a license comes from: directly, or from a group (linked).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Source {
    /// "Direct", or the group's name.
    pub text: String,
    pub group: Option<GroupId>,
}

/// One license of a row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LicenseLine {
    pub name: String,
    pub sources: Vec<Source>,
    /// The monthly price, or "no price".
    pub price: String,
    /// Excluded for everyone, or in error (no seat taken).
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub key: RowKey,
    /// The user's name, or the SKU's.
    pub name: String,
    /// The UPN, or the SKU's part number.
    pub detail: Option<String>,
    /// The user the row is about (their name links to their licenses).
    pub user: Option<UserId>,
    pub licenses: Vec<LicenseLine>,
    /// The latest sign-in of any kind, in words; `None` where sign-ins weren't read.
    pub last_sign_in: Option<String>,
    /// Why the row is in its section (for a direct copy: whether it is safe to remove).
    pub reason: String,
    /// What taking it back saves a month.
    pub monthly: String,
    /// Why the row counts towards no saving and no run, if it doesn't.
    pub excluded: Option<(Excluded, String)>,
    pub selectable: bool,
    sort_name: String,
    sort_days: i64,
    sort_cost: i64,
    search: String,
}

/// How a section's rows are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Name,
    /// The longest without a sign-in (or, for seats, the most unused) first.
    Days,
    /// The most expensive first.
    Cost,
}

/// A section as the screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionView {
    pub section: Section,
    pub title: &'static str,
    pub explainer: String,
    /// "12 users · 2 excluded".
    pub count: String,
    pub monthly: String,
    pub yearly: String,
    /// Why the section has no rows although there may be waste (sign-ins unavailable).
    pub unavailable: Option<String>,
    /// Words under the section (the benefit of removing a direct copy, SKUs whose seats
    /// Graph did not count).
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
    pub excluded: usize,
}

/// The currency the admin's prices are in mostly (for a zero amount): USD by default.
pub fn main_currency(prices: &license_desk_core::lists::reclaim::PriceTable) -> String {
    let mut seen: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (_, price) in prices.iter() {
        *seen.entry(price.currency.as_str()).or_default() += 1;
    }
    seen.into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or_else(|| "USD".to_string(), |(currency, _)| currency.to_string())
}

/// Totals in every currency, or zero in `currency`: "$52.00", "$52.00 and €10.00", "$0.00".
pub fn money_text(totals: &Totals, currency: &str) -> String {
    if totals.is_zero() {
        crate::format::money(&Money::new(currency, 0))
    } else {
        words::amounts(totals, &Locale)
    }
}

fn sources(holding: &Holding, catalog: &Catalog) -> Vec<Source> {
    holding
        .copies
        .iter()
        .map(|copy| match copy.group() {
            None => Source {
                text: "Direct".into(),
                group: None,
            },
            Some(group) => Source {
                text: copy
                    .group_name
                    .clone()
                    .unwrap_or_else(|| catalog.group_name(group)),
                group: Some(group.clone()),
            },
        })
        .collect()
}

fn license_line(
    holding: &Holding,
    price: Option<&Money>,
    excluded: Option<&Excluded>,
    catalog: &Catalog,
    exclusions: &Exclusions,
) -> LicenseLine {
    let note = match excluded {
        Some(excluded) => Some(words::excluded(excluded, exclusions, catalog)),
        None if !holding.takes_seat() => {
            Some("Every copy is in error: it takes no seat and saves nothing.".into())
        }
        None => None,
    };
    LicenseLine {
        name: holding.sku_name.clone(),
        sources: sources(holding, catalog),
        price: words::price(price, &Locale),
        note,
    }
}

fn last_sign_in(activity: Option<&SignInActivity>, sign_in: &SignIn) -> Option<String> {
    if *sign_in != SignIn::Read {
        return None;
    }
    Some(match activity.and_then(SignInActivity::latest_ms) {
        Some(ms) => format!("Last sign-in: {}", crate::format::date(ms)),
        None => "No sign-in recorded".into(),
    })
}

fn days_since(activity: Option<&SignInActivity>, now_ms: u64) -> i64 {
    activity
        .and_then(SignInActivity::latest_ms)
        .map_or(i64::MAX, |ms| {
            (now_ms.saturating_sub(ms) / 86_400_000) as i64
        })
}

fn first_cents(totals: &Totals) -> i64 {
    totals.amounts().first().map_or(0, |amount| amount.cents)
}

fn haystack(parts: impl IntoIterator<Item = String>) -> String {
    parts
        .into_iter()
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

fn excluded_text(
    excluded: Option<&Excluded>,
    exclusions: &Exclusions,
    catalog: &Catalog,
) -> Option<(Excluded, String)> {
    excluded.map(|e| (e.clone(), words::excluded(e, exclusions, catalog)))
}

/// Context every row needs.
struct Build<'a> {
    findings: &'a Findings,
    catalog: &'a Catalog,
    exclusions: &'a Exclusions,
    currency: &'a str,
}

impl Build<'_> {
    fn user(&self, finding: &UserFinding) -> Row {
        let person = &finding.person;
        let label = person.label().to_string();
        let licenses: Vec<LicenseLine> = finding
            .licenses
            .iter()
            .map(|license: &PricedHolding| {
                license_line(
                    &license.holding,
                    license.price.as_ref(),
                    license.excluded.as_ref(),
                    self.catalog,
                    self.exclusions,
                )
            })
            .collect();
        let excluded = excluded_text(finding.excluded.as_ref(), self.exclusions, self.catalog);
        let unpriced = finding
            .licenses
            .iter()
            .any(|license| license.holding.takes_seat() && license.price.is_none());
        let monthly = if excluded.is_some() {
            "not counted (excluded)".to_string()
        } else if finding.monthly.is_zero() && unpriced {
            words::NO_PRICE.to_string()
        } else {
            money_text(&finding.monthly, self.currency)
        };
        let sort_days = match finding.reason {
            Reason::Inactive { days, .. } => days as i64,
            Reason::NeverSignedIn { days, .. } => days.map_or(i64::MAX, |d| d as i64),
            Reason::Disabled => days_since(
                person.sign_in_activity.as_ref(),
                self.findings.options.now_ms,
            ),
        };
        let search = haystack(
            [
                label,
                person.user_principal_name.clone().unwrap_or_default(),
            ]
            .into_iter()
            .chain(licenses.iter().flat_map(|line| {
                std::iter::once(line.name.clone())
                    .chain(line.sources.iter().map(|source| source.text.clone()))
            })),
        );
        Row {
            licenses,
            reason: words::reason(&finding.reason, &Locale),
            monthly,
            excluded,
            selectable: finding.selectable(),
            sort_days,
            sort_cost: first_cents(&finding.monthly),
            search,
            ..self.about(RowKey::User(person.id.clone()), person)
        }
    }

    fn copy(&self, finding: &CopyFinding) -> Row {
        let person = &finding.person;
        let label = person.label().to_string();
        let line = license_line(
            &finding.holding,
            finding.price.as_ref(),
            None,
            self.catalog,
            self.exclusions,
        );
        let search = haystack(
            [
                label,
                person.user_principal_name.clone().unwrap_or_default(),
                line.name.clone(),
            ]
            .into_iter()
            .chain(line.sources.iter().map(|source| source.text.clone())),
        );
        Row {
            licenses: vec![line],
            reason: words::copy_reason(finding, self.catalog),
            monthly: format!(
                "{} (frees no seat)",
                money_text(&Totals::default(), self.currency)
            ),
            excluded: excluded_text(finding.excluded.as_ref(), self.exclusions, self.catalog),
            selectable: finding.selectable(),
            sort_days: days_since(
                person.sign_in_activity.as_ref(),
                self.findings.options.now_ms,
            ),
            sort_cost: 0,
            search,
            ..self.about(
                RowKey::Copy(person.id.clone(), finding.holding.sku.clone()),
                person,
            )
        }
    }

    /// A row about one person: their name, their UPN beside it where it differs, and
    /// their last sign-in. The caller fills in the rest.
    fn about(&self, key: RowKey, person: &Person) -> Row {
        let label = person.label().to_string();
        Row {
            key,
            detail: person
                .user_principal_name
                .clone()
                .filter(|upn| *upn != label),
            sort_name: label.to_lowercase(),
            name: label,
            user: Some(person.id.clone()),
            licenses: Vec::new(),
            last_sign_in: last_sign_in(person.sign_in_activity.as_ref(), &self.findings.sign_in),
            reason: String::new(),
            monthly: String::new(),
            excluded: None,
            selectable: false,
            sort_days: 0,
            sort_cost: 0,
            search: String::new(),
        }
    }

    fn seats(&self, finding: &SeatFinding) -> Row {
        let seats = &finding.seats;
        let part = self
            .catalog
            .sku(&seats.sku)
            .map(|sku| sku.sku_part_number.clone())
            .filter(|part| !part.is_empty() && *part != seats.sku_name);
        let excluded = excluded_text(finding.excluded.as_ref(), self.exclusions, self.catalog);
        let monthly = if excluded.is_some() {
            "not counted (excluded)".to_string()
        } else if finding.price.is_none() && seats.paid_unused > 0 {
            words::NO_PRICE.to_string()
        } else {
            money_text(&finding.monthly, self.currency)
        };
        Row {
            key: RowKey::Sku(seats.sku.clone()),
            search: haystack([seats.sku_name.clone(), part.clone().unwrap_or_default()]),
            sort_name: seats.sku_name.to_lowercase(),
            name: seats.sku_name.clone(),
            detail: part,
            user: None,
            licenses: Vec::new(),
            last_sign_in: None,
            reason: words::unused_seats_reason(finding, &Locale),
            monthly,
            excluded,
            selectable: false,
            sort_days: seats.unused,
            sort_cost: first_cents(&finding.monthly),
        }
    }
}

/// The section `section` of `findings`, every row in order of name.
pub fn section_view(
    findings: &Findings,
    section: Section,
    catalog: &Catalog,
    exclusions: &Exclusions,
    currency: &str,
) -> SectionView {
    let build = Build {
        findings,
        catalog,
        exclusions,
        currency,
    };
    let savings = findings.section_savings(section);
    let mut notes = Vec::new();
    let mut unavailable = None;
    let (count_text, rows, excluded) = match section {
        Section::DirectCopies => {
            let copies = &findings.direct_copies;
            let mut text = count(copies.rows.len(), "direct copy", "direct copies");
            if !copies.rows.is_empty() {
                text.push_str(&format!(
                    " · {} safe to remove · {} not safe",
                    crate::format::number(copies.safe() as i64),
                    crate::format::number(copies.not_safe() as i64)
                ));
            }
            let excluded = copies.excluded();
            if excluded > 0 {
                text.push_str(&format!(
                    " · {} excluded",
                    crate::format::number(excluded as i64)
                ));
            }
            let rows = copies.rows.iter().map(|row| build.copy(row)).collect();
            (text, rows, excluded)
        }
        Section::UnusedSeats => {
            let seats = &findings.unused_seats;
            let unused: i64 = seats.rows.iter().map(|row| row.seats.unused).sum();
            let mut text = count(seats.rows.len(), "license", "licenses");
            if !seats.rows.is_empty() {
                text.push_str(&format!(
                    " with {}",
                    count(unused.max(0) as usize, "unused seat", "unused seats")
                ));
            }
            if !seats.unknown.is_empty() {
                let names: Vec<&str> = seats.unknown.iter().map(|s| s.sku_name.as_str()).collect();
                notes.push(format!(
                    "Graph did not send the seat counts of {}, so their unused seats are unknown.",
                    names.join(", ")
                ));
            }
            let excluded = seats.rows.iter().filter(|r| r.excluded.is_some()).count();
            let rows = seats.rows.iter().map(|row| build.seats(row)).collect();
            (text, rows, excluded)
        }
        users => {
            let list = findings.user_section(users).cloned().unwrap_or_default();
            if users != Section::Disabled {
                if let SignIn::Unavailable(why) = &findings.sign_in {
                    unavailable = Some(words::sign_in_unavailable(why));
                }
            }
            let mut text = count(list.counted(), "user", "users");
            if list.excluded() > 0 {
                text.push_str(&format!(
                    " · {} excluded",
                    crate::format::number(list.excluded() as i64)
                ));
            }
            let rows = list.rows.iter().map(|row| build.user(row)).collect();
            (text, rows, list.excluded())
        }
    };
    SectionView {
        section,
        title: words::section_title(section),
        explainer: words::section_explainer(section, findings.options.window_days, &Locale),
        count: count_text,
        monthly: money_text(&savings.monthly, currency),
        yearly: money_text(&savings.yearly, currency),
        unavailable,
        notes,
        rows,
        excluded,
    }
}

/// The rows that match `filter` (any part of a name, UPN, license or group), excluded
/// ones only when `show_excluded`, in the order asked.
pub fn arrange(rows: &[Row], filter: &str, sort: SortBy, show_excluded: bool) -> Vec<Row> {
    let filter = filter.trim().to_lowercase();
    let mut shown: Vec<Row> = rows
        .iter()
        .filter(|row| show_excluded || row.excluded.is_none())
        .filter(|row| filter.is_empty() || row.search.contains(&filter))
        .cloned()
        .collect();
    shown.sort_by(|a, b| {
        let by = match sort {
            SortBy::Name => std::cmp::Ordering::Equal,
            SortBy::Days => b.sort_days.cmp(&a.sort_days),
            SortBy::Cost => b.sort_cost.cmp(&a.sort_cost),
        };
        by.then_with(|| a.sort_name.cmp(&b.sort_name))
    });
    shown
}
