//! The findings as a file: one row per user and license (and one per SKU with unused
//! seats), as CSV that opens safely in a spreadsheet and as JSON.
//!
//! Every row names the user (UPN, display name, whether the account is enabled, the
//! three last sign-in times and the creation date as Graph sent them), the SKU, where the
//! license comes from (direct, a group, or both), its monthly price ("no price" when the
//! table has none), what removing it saves a month, the finding and the reason in words.
//! Display names and group names are chosen by anyone in the directory, so every CSV
//! field goes through [`crate::lists::csv`], which defuses spreadsheet formulas.

use super::exclusions::Exclusions;
use super::findings::{Findings, Person, Section};
use super::holdings::Holding;
use super::prices::{Money, Totals};
use crate::licensing::catalog::Catalog;
use crate::lists::csv;
use crate::wording::reclaim::{self as words, PlainFormat};
use serde::Serialize;
use std::collections::BTreeMap;

/// The CSV's header row.
pub const CSV_HEADER: [&str; 18] = [
    "Finding",
    "User principal name",
    "Display name",
    "User id",
    "Account enabled",
    "Last sign-in",
    "Last non-interactive sign-in",
    "Last successful sign-in",
    "Created",
    "SKU",
    "SKU id",
    "Source",
    "Seats",
    "Monthly price",
    "Currency",
    "Monthly saving",
    "Excluded",
    "Reason",
];

/// One row of the export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportRow {
    pub finding: &'static str,
    pub section: Section,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
    pub user_id: Option<String>,
    pub account_enabled: Option<bool>,
    pub last_sign_in: Option<String>,
    pub last_non_interactive_sign_in: Option<String>,
    pub last_successful_sign_in: Option<String>,
    pub created: Option<String>,
    pub sku: String,
    pub sku_id: String,
    /// "Direct", "Group: Sales", or both joined with " + "; empty for unused seats.
    pub source: String,
    /// 1 for a user's license; the unused seats of a SKU.
    pub seats: i64,
    /// Two decimals, or `None` when the price table has no price.
    pub monthly_price: Option<String>,
    pub currency: Option<String>,
    /// Two decimals; 0.00 when nothing is saved.
    pub monthly_saving: String,
    /// Why the row is excluded, if it is.
    pub excluded: Option<String>,
    pub reason: String,
}

fn source(holding: &Holding, catalog: &Catalog) -> String {
    holding
        .copies
        .iter()
        .map(|copy| match copy.group() {
            None => "Direct".to_string(),
            Some(group) => format!(
                "Group: {}",
                copy.group_name
                    .clone()
                    .unwrap_or_else(|| catalog.group_name(group))
            ),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn user_columns(person: &Person) -> ExportRow {
    let times = person
        .sign_in_activity
        .as_ref()
        .map(|activity| activity.times().map(|t| t.map(str::to_string)))
        .unwrap_or_default();
    let [last, non_interactive, successful] = times;
    ExportRow {
        finding: "",
        section: Section::Disabled,
        user_principal_name: person.user_principal_name.clone(),
        display_name: person.display_name.clone(),
        user_id: Some(person.id.to_string()),
        account_enabled: person.account_enabled,
        last_sign_in: last,
        last_non_interactive_sign_in: non_interactive,
        last_successful_sign_in: successful,
        created: person.created_date_time.clone(),
        sku: String::new(),
        sku_id: String::new(),
        source: String::new(),
        seats: 1,
        monthly_price: None,
        currency: None,
        monthly_saving: "0.00".into(),
        excluded: None,
        reason: String::new(),
    }
}

fn priced(row: &mut ExportRow, price: Option<&Money>, saving: Option<Money>) {
    row.monthly_price = price.map(Money::amount);
    row.currency = price.map(|p| p.currency.clone());
    if let Some(saving) = saving {
        row.monthly_saving = saving.amount();
    }
}

/// Every row of the findings, section by section.
pub fn rows(findings: &Findings, catalog: &Catalog, exclusions: &Exclusions) -> Vec<ExportRow> {
    let f = PlainFormat;
    let mut rows = Vec::new();
    for section in [Section::Disabled, Section::Inactive, Section::NeverSignedIn] {
        let Some(users) = findings.user_section(section) else {
            continue;
        };
        for finding in &users.rows {
            for license in &finding.licenses {
                let mut row = user_columns(&finding.person);
                row.finding = words::finding_name(section);
                row.section = section;
                row.sku = license.holding.sku_name.clone();
                row.sku_id = license.holding.sku.to_string();
                row.source = source(&license.holding, catalog);
                let saving = license
                    .monthly_saving()
                    .filter(|_| finding.excluded.is_none())
                    .cloned();
                priced(&mut row, license.price.as_ref(), saving);
                row.excluded = finding
                    .excluded
                    .as_ref()
                    .or(license.excluded.as_ref())
                    .map(|e| words::excluded(e, exclusions, catalog));
                row.reason = words::reason(&finding.reason, &f);
                rows.push(row);
            }
        }
    }
    for finding in &findings.direct_copies.rows {
        let mut row = user_columns(&finding.person);
        row.finding = words::finding_name(Section::DirectCopies);
        row.section = Section::DirectCopies;
        row.sku = finding.holding.sku_name.clone();
        row.sku_id = finding.holding.sku.to_string();
        row.source = source(&finding.holding, catalog);
        priced(&mut row, finding.price.as_ref(), None);
        row.excluded = finding
            .excluded
            .as_ref()
            .map(|e| words::excluded(e, exclusions, catalog));
        row.reason = words::copy_reason(finding, catalog);
        rows.push(row);
    }
    for finding in &findings.unused_seats.rows {
        let seats = &finding.seats;
        let saving = finding.monthly.amounts().into_iter().next();
        let mut row = ExportRow {
            finding: words::finding_name(Section::UnusedSeats),
            section: Section::UnusedSeats,
            user_principal_name: None,
            display_name: None,
            user_id: None,
            account_enabled: None,
            last_sign_in: None,
            last_non_interactive_sign_in: None,
            last_successful_sign_in: None,
            created: None,
            sku: seats.sku_name.clone(),
            sku_id: seats.sku.to_string(),
            source: String::new(),
            seats: seats.unused,
            monthly_price: None,
            currency: None,
            monthly_saving: "0.00".into(),
            excluded: finding
                .excluded
                .as_ref()
                .map(|e| words::excluded(e, exclusions, catalog)),
            reason: words::unused_seats_reason(finding, &f),
        };
        priced(&mut row, finding.price.as_ref(), saving);
        rows.push(row);
    }
    rows
}

/// The findings as CSV (CRLF rows, formula-safe fields).
pub fn findings_csv(findings: &Findings, catalog: &Catalog, exclusions: &Exclusions) -> String {
    let rows = rows(findings, catalog, exclusions).into_iter().map(|row| {
        vec![
            row.finding.to_string(),
            row.user_principal_name.unwrap_or_default(),
            row.display_name.unwrap_or_default(),
            row.user_id.unwrap_or_default(),
            csv::yes_no(row.account_enabled).to_string(),
            row.last_sign_in.unwrap_or_default(),
            row.last_non_interactive_sign_in.unwrap_or_default(),
            row.last_successful_sign_in.unwrap_or_default(),
            row.created.unwrap_or_default(),
            row.sku,
            row.sku_id,
            row.source,
            row.seats.to_string(),
            row.monthly_price
                .unwrap_or_else(|| words::NO_PRICE.to_string()),
            row.currency.unwrap_or_default(),
            row.monthly_saving,
            row.excluded.unwrap_or_default(),
            row.reason,
        ]
    });
    csv::table(&CSV_HEADER, rows)
}

/// Totals per currency with two decimals: `{"USD": "52.00"}`.
fn totals_json(totals: &Totals) -> BTreeMap<String, String> {
    totals
        .amounts()
        .into_iter()
        .map(|amount| (amount.currency.clone(), amount.amount()))
        .collect()
}

/// The findings as JSON: when, the window, the savings per section and overall, and
/// the rows.
pub fn findings_json(findings: &Findings, catalog: &Catalog, exclusions: &Exclusions) -> String {
    let sections: BTreeMap<&str, serde_json::Value> = Section::ALL
        .into_iter()
        .map(|section| {
            let savings = findings.section_savings(section);
            (
                words::section_title(section),
                serde_json::json!({
                    "monthly": totals_json(&savings.monthly),
                    "yearly": totals_json(&savings.yearly),
                }),
            )
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "kind": "licenseDeskReclaimFindings",
        "version": 1,
        "generated": crate::bulk::iso_utc(findings.options.now_ms),
        "windowDays": findings.options.window_days,
        "signIn": findings.sign_in,
        "savings": {
            "monthly": totals_json(&findings.savings.monthly),
            "yearly": totals_json(&findings.savings.yearly),
            "bySection": sections,
        },
        "rows": rows(findings, catalog, exclusions),
    }))
    .expect("findings serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::UserId;
    use crate::lists::reclaim::findings::tests::findings_for;
    use crate::lists::reclaim::test_tenant::*;

    fn findings(exclusions: &Exclusions) -> Findings {
        findings_for(&users(), exclusions)
    }

    #[test]
    fn csv_has_a_row_per_user_and_license_and_defuses_formulas() {
        let mut exclusions = Exclusions::default();
        exclusions.exclude_user(UserId::new("id-olga"), "olga@contoso.example");
        let text = findings_csv(&findings(&exclusions), &catalog(), &exclusions);
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        // Disabled 3 (Rosa holds two SKUs), inactive 3, never 1, copies 3, seats 1.
        assert_eq!(lines.len(), 1 + 3 + 3 + 1 + 3 + 1);
        let miriam = lines.iter().find(|l| l.contains("Miriam Graham")).unwrap();
        assert!(
            miriam
                .starts_with("Disabled account,miriam@contoso.example,Miriam Graham,id-miriam,No,"),
            "{miriam}"
        );
        assert!(
            miriam.contains(
                ",Office 365 E3,6fd2c87f-b296-42f0-b197-1e91e994b900,Direct,1,26.00,USD,26.00,,"
            ),
            "{miriam}"
        );
        // The formula is text in the spreadsheet, in the name and in the UPN.
        let formula = lines.iter().find(|l| l.contains("calc")).unwrap();
        assert!(
            formula.contains(",'=cmd|'@contoso.example,'=cmd|' /C calc'!A0,"),
            "{formula}"
        );
        // Power BI Pro has no price: labelled, and saves 0.
        assert!(
            formula.contains(
                ",Power BI Pro,f8a1db68-be16-40ed-86d5-cb42ce701560,Direct,1,no price,,0.00,"
            ),
            "{formula}"
        );
        let rosa: Vec<&&str> = lines
            .iter()
            .filter(|l| l.contains("Rosa Quintero"))
            .collect();
        assert!(
            rosa[0].contains(",Group: All Staff,1,26.00,USD,26.00,"),
            "{}",
            rosa[0]
        );
        // Excluded: listed, says why, saves nothing.
        let olga = lines.iter().find(|l| l.contains("Olga Berg")).unwrap();
        assert!(
            olga.contains(",26.00,USD,0.00,Excluded: olga@contoso.example,"),
            "{olga}"
        );
        // A direct copy saves nothing; the unused seats say when to reduce them.
        let lee = lines.iter().find(|l| l.contains("Lee Gu")).unwrap();
        assert!(
            lee.contains(",Direct + Group: All Staff,1,26.00,USD,0.00,"),
            "{lee}"
        );
        let seats = lines.last().unwrap();
        assert!(
            seats.starts_with("Unused seats,,,,,,,,,Office 365 E3,"),
            "{seats}"
        );
        assert!(seats.contains(",6,26.00,USD,156.00,"), "{seats}");
        assert!(
            seats.contains("Reduce by 4 at renewal on 2027-02-10 (monthly)"),
            "{seats}"
        );
        // The group named like a formula stays text too.
        let noor = lines.iter().find(|l| l.contains("Noor Haddad")).unwrap();
        assert!(noor.contains("Group: =HYPERLINK"), "{noor}");
        assert!(!noor.contains(",=HYPERLINK"), "{noor}");
    }

    #[test]
    fn json_carries_the_rows_and_the_savings_per_section() {
        let exclusions = Exclusions::default();
        let text = findings_json(&findings(&exclusions), &catalog(), &exclusions);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["kind"], "licenseDeskReclaimFindings");
        assert_eq!(json["generated"], "2027-01-15T08:00:00Z");
        assert_eq!(json["windowDays"], 90);
        assert_eq!(json["savings"]["monthly"]["USD"], "286.00");
        assert_eq!(json["savings"]["yearly"]["USD"], "3432.00");
        let sections = &json["savings"]["bySection"];
        assert_eq!(sections["Unused seats"]["monthly"]["USD"], "156.00");
        assert_eq!(
            sections["Direct copies of group licenses"]["monthly"],
            serde_json::json!({})
        );
        let rows = json["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 11);
        let hugo = rows
            .iter()
            .find(|r| r["displayName"] == "Hugo Brandt")
            .unwrap();
        assert_eq!(hugo["section"], "inactive");
        assert_eq!(
            hugo["lastNonInteractiveSignIn"],
            crate::bulk::iso_utc(NOW - 140 * DAY)
        );
        assert_eq!(hugo["lastSuccessfulSignIn"], serde_json::Value::Null);
        assert_eq!(hugo["monthlySaving"], "26.00");
        assert_eq!(
            hugo["reason"],
            "No sign-in of any kind for 140 days (the last one on 2026-08-28)."
        );
    }
}
