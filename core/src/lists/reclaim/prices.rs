//! What a license costs: a price book of monthly prices per SKU, and sums of money that
//! never add one currency to another.
//!
//! Microsoft publishes no machine-readable price list, so License Desk ships a small,
//! dated list of public list prices (`core/data/list-prices.csv`, derived by
//! `scripts/derive-list-prices.py`, source and date in its `#` lines) as defaults only:
//! every tenant pays its own prices, so the shell edits a [`PriceTable`] per tenant and
//! the findings take whichever table it hands over. A SKU without a price counts 0 and
//! is labelled "no price", never guessed.
//!
//! Amounts are whole hundredths of the currency unit (cents), so sums are exact.

use crate::graph::ids::SkuId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The list prices License Desk ships, with their source and date.
pub const LIST_PRICES_CSV: &str = include_str!("../../../data/list-prices.csv");

const HEADER: &str = "sku_id,sku_part_number,product,currency,monthly_price,effective_from";

/// An amount in one currency: `cents` hundredths of the unit (2,600 USD cents = 26.00).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// ISO 4217 code as the admin typed it, upper-cased: `USD`, `EUR`.
    pub currency: String,
    pub cents: i64,
}

impl Money {
    pub fn new(currency: &str, cents: i64) -> Self {
        Money {
            currency: currency.trim().to_ascii_uppercase(),
            cents,
        }
    }

    /// Reads a decimal amount such as `26`, `26.5` or `2.25` (at most two decimals, not
    /// negative).
    pub fn parse(currency: &str, amount: &str) -> Option<Money> {
        let amount = amount.trim();
        let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        let (whole, fraction) = match amount.split_once('.') {
            Some((whole, fraction)) if digits(fraction) && fraction.len() <= 2 => (whole, fraction),
            Some(_) => return None,
            None => (amount, ""),
        };
        let currency = currency.trim();
        let valid_currency =
            currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_alphabetic());
        if !digits(whole) || !valid_currency {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
        Some(Money::new(
            currency,
            whole.checked_mul(100)?.checked_add(fraction)?,
        ))
    }

    /// This amount `times` over.
    pub fn times(&self, times: i64) -> Money {
        Money::new(&self.currency, self.cents.saturating_mul(times))
    }

    /// The amount without its currency, to two decimals: `26.00`.
    pub fn amount(&self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let cents = self.cents.unsigned_abs();
        format!("{sign}{}.{:02}", cents / 100, cents % 100)
    }
}

impl fmt::Display for Money {
    /// `USD 26.00`: the shell formats for the admin's locale; this is for exports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount())
    }
}

/// Sums of money per currency: adding a EUR price to a USD total keeps two totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Totals(BTreeMap<String, i64>);

impl Totals {
    pub fn add(&mut self, amount: &Money) {
        *self.0.entry(amount.currency.clone()).or_default() += amount.cents;
    }

    pub fn add_all(&mut self, other: &Totals) {
        for (currency, cents) in &other.0 {
            *self.0.entry(currency.clone()).or_default() += cents;
        }
    }

    /// One amount per currency, in currency order.
    pub fn amounts(&self) -> Vec<Money> {
        self.0
            .iter()
            .map(|(currency, cents)| Money::new(currency, *cents))
            .collect()
    }

    /// The total in `currency` (0 when there is none).
    pub fn in_currency(&self, currency: &str) -> i64 {
        self.0
            .get(&currency.trim().to_ascii_uppercase())
            .copied()
            .unwrap_or(0)
    }

    pub fn is_zero(&self) -> bool {
        self.0.values().all(|cents| *cents == 0)
    }

    /// Every amount `times` over.
    pub fn times(&self, times: i64) -> Totals {
        Totals(
            self.0
                .iter()
                .map(|(currency, cents)| (currency.clone(), cents.saturating_mul(times)))
                .collect(),
        )
    }
}

/// What a section (or everything) would save: per month, and per year (twelve months).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Savings {
    pub monthly: Totals,
    pub yearly: Totals,
}

impl Savings {
    pub fn from_monthly(monthly: Totals) -> Self {
        Savings {
            yearly: monthly.times(12),
            monthly,
        }
    }

    /// These savings and `others`, added up.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Savings>) -> Savings {
        let mut monthly = Totals::default();
        for savings in all {
            monthly.add_all(&savings.monthly);
        }
        Savings::from_monthly(monthly)
    }
}

/// Monthly prices per SKU, and where they come from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceTable {
    prices: BTreeMap<SkuId, Money>,
    /// Where the prices come from, for the screen ("reseller-reported … 2026"); the
    /// shell sets its own when the admin edits them.
    #[serde(default)]
    pub source: Option<String>,
    /// The date the prices were known on (`YYYY-MM-DD`).
    #[serde(default)]
    pub as_of: Option<String>,
}

/// Why a price list could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceListError {
    pub line: usize,
    pub problem: String,
}

impl PriceTable {
    /// The monthly price of `sku`, if the table has one.
    pub fn price(&self, sku: &SkuId) -> Option<&Money> {
        self.prices.get(sku)
    }

    pub fn set(&mut self, sku: SkuId, price: Money) {
        self.prices.insert(sku, price);
    }

    pub fn remove(&mut self, sku: &SkuId) {
        self.prices.remove(sku);
    }

    pub fn len(&self) -> usize {
        self.prices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SkuId, &Money)> {
        self.prices.iter()
    }

    /// The list prices License Desk ships, as they stand on `today` (`YYYY-MM-DD`).
    pub fn list_prices(today: &str) -> PriceTable {
        PriceTable::parse_list(LIST_PRICES_CSV, today).expect("the shipped price list reads")
    }

    /// Reads a price list in the shipped format: `#` lines (`# Source: …`, `# As of: …`),
    /// the header, then `sku_id,sku_part_number,product,currency,monthly_price,effective_from`
    /// rows. Of a SKU's rows, the one with the latest `effective_from` on or before `today`
    /// wins; an empty `effective_from` applies to any earlier date.
    pub fn parse_list(text: &str, today: &str) -> Result<PriceTable, PriceListError> {
        let mut table = PriceTable::default();
        let mut chosen: BTreeMap<SkuId, String> = BTreeMap::new();
        let mut header_seen = false;
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let fail = |problem: &str| PriceListError {
                line: line_no,
                problem: problem.to_string(),
            };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if let Some(source) = comment.strip_prefix("Source:") {
                    table.source = Some(source.trim().to_string());
                } else if let Some(as_of) = comment.strip_prefix("As of:") {
                    let date = as_of.trim().split(['.', ' ']).next().unwrap_or("");
                    table.as_of = Some(date.to_string());
                }
                continue;
            }
            if !header_seen {
                if line != HEADER {
                    return Err(fail("the header row is not the expected one"));
                }
                header_seen = true;
                continue;
            }
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let [sku, _part, _product, currency, price, effective_from] = fields[..] else {
                return Err(fail("a row needs six fields"));
            };
            let sku = SkuId::new(sku);
            if !sku.is_well_formed() {
                return Err(fail("the SKU id is not a GUID"));
            }
            let price = Money::parse(currency, price).ok_or_else(|| fail("not a price"))?;
            if !effective_from.is_empty() && !is_date(effective_from) {
                return Err(fail("effective_from is not a YYYY-MM-DD date"));
            }
            if effective_from > today {
                continue;
            }
            let newer = chosen
                .get(&sku)
                .is_none_or(|current| effective_from >= current.as_str());
            if newer {
                chosen.insert(sku.clone(), effective_from.to_string());
                table.prices.insert(sku, price);
            }
        }
        if !header_seen {
            return Err(PriceListError {
                line: 0,
                problem: "no header row".into(),
            });
        }
        Ok(table)
    }
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
    const COPILOT: &str = "639dec6b-bb19-468b-871c-c5c441c4b0cb";

    #[test]
    fn amounts_read_exactly_and_reject_what_is_not_a_price() {
        assert_eq!(Money::parse("usd", "26"), Some(Money::new("USD", 2_600)));
        assert_eq!(Money::parse("USD", "2.25"), Some(Money::new("USD", 225)));
        assert_eq!(Money::parse("EUR", "12.5"), Some(Money::new("EUR", 1_250)));
        for bad in ["", "-1", "1.234", "1,5", "abc", "1.", ".5"] {
            assert_eq!(Money::parse("USD", bad), None, "{bad}");
        }
        assert_eq!(Money::parse("US", "1"), None);
        assert_eq!(Money::new("USD", 2_600).to_string(), "USD 26.00");
        assert_eq!(Money::new("USD", 5).amount(), "0.05");
    }

    #[test]
    fn totals_keep_currencies_apart_and_a_year_is_twelve_months() {
        let mut monthly = Totals::default();
        monthly.add(&Money::new("USD", 2_600).times(3));
        monthly.add(&Money::new("EUR", 1_000));
        monthly.add(&Money::new("usd", 225));
        assert_eq!(monthly.in_currency("USD"), 8_025);
        assert_eq!(monthly.in_currency("EUR"), 1_000);
        let savings = Savings::from_monthly(monthly);
        assert_eq!(savings.yearly.in_currency("USD"), 96_300);
        let both = Savings::sum([&savings, &savings]);
        assert_eq!(both.monthly.in_currency("EUR"), 2_000);
        assert_eq!(both.yearly.in_currency("EUR"), 24_000);
        assert!(Totals::default().is_zero());
        assert!(!both.monthly.is_zero());
    }

    #[test]
    fn the_shipped_list_is_dated_and_takes_the_price_in_force_on_the_day() {
        let before = PriceTable::list_prices("2026-06-30");
        let after = PriceTable::list_prices("2026-07-01");
        assert_eq!(
            before.price(&SkuId::new(E3)),
            Some(&Money::new("USD", 2_300))
        );
        assert_eq!(
            after.price(&SkuId::new(E3)),
            Some(&Money::new("USD", 2_600))
        );
        // No new Copilot price was announced: the earlier one stays.
        assert_eq!(
            after.price(&SkuId::new(COPILOT)),
            Some(&Money::new("USD", 3_000))
        );
        assert!(after
            .source
            .as_deref()
            .is_some_and(|s| s.contains("reseller")));
        assert_eq!(after.as_of.as_deref(), Some("2026-12-04"));
        // Office 365 E5 is not in the list: no price, never a guess.
        let e5 = SkuId::new("c7df2760-2c81-4ef7-b578-5b5392b571df");
        assert_eq!(after.price(&e5), None);
    }

    #[test]
    fn a_tenant_edits_its_own_prices_and_they_round_trip_as_json() {
        let mut table = PriceTable::list_prices("2027-01-15");
        table.set(SkuId::new(E3), Money::new("EUR", 2_100));
        table.remove(&SkuId::new(COPILOT));
        let json = serde_json::to_string(&table).unwrap();
        let back: PriceTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, table);
        assert_eq!(back.price(&SkuId::new(E3)), Some(&Money::new("EUR", 2_100)));
        assert_eq!(back.price(&SkuId::new(COPILOT)), None);
    }

    #[test]
    fn a_broken_price_list_names_the_line() {
        let text =
            format!("# Source: test\n{HEADER}\n{E3},ENTERPRISEPACK,Office 365 E3,USD,lots,\n");
        let error = PriceTable::parse_list(&text, "2027-01-01").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(PriceTable::parse_list("no header", "2027-01-01").is_err());
        let bad_date = format!("{HEADER}\n{E3},P,N,USD,1.00,July\n");
        assert!(PriceTable::parse_list(&bad_date, "2027-01-01").is_err());
    }
}
