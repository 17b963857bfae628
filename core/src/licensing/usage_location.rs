//! When Graph refuses an `assignLicense` call because the user has no usage location.
//!
//! Graph answers 400 `License assignment cannot be done for user with invalid usage
//! location.` to a direct assignment for a user without a valid `usageLocation`. Every
//! entry in `addLicenses` is an assignment—a SKU the user doesn't have yet, and equally a
//! SKU the user already has, sent again with other `disabledPlans`—while `removeLicenses`
//! adds nothing. The planner warns with this rule and the simulator refuses with it, so
//! the two can never disagree about which calls fail.

use crate::graph::model::AssignedLicense;

/// Graph's message for an assignment to a user without a valid usage location.
pub const INVALID_USAGE_LOCATION_MESSAGE: &str =
    "License assignment cannot be done for user with invalid usage location.";

/// True when these `addLicenses` entries assign licenses, so Graph checks the user's
/// usage location: any entry at all, whether new or re-sent with other plans.
pub fn assignment_needs_usage_location(add_licenses: &[AssignedLicense]) -> bool {
    !add_licenses.is_empty()
}

/// A usage location licensing accepts: a two-letter country code (ISO 3166).
pub fn is_valid_usage_location(location: Option<&str>) -> bool {
    location.is_some_and(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Every ISO 3166-1 alpha-2 code officially assigned, plus `XK` (Kosovo), which
/// Microsoft 365 offers as a usage location. Sorted, for a binary search.
pub const COUNTRY_CODES: [&str; 250] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Why what the admin typed is not a usage location; see `crate::wording` for the words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsageLocationProblem {
    /// Nothing typed.
    Empty,
    /// Not exactly two letters A–Z.
    NotTwoLetters(String),
    /// Two letters, but no country has that code.
    UnknownCountry(String),
}

/// The usage location the admin typed, trimmed and upper-cased, if it names a country.
pub fn parse_usage_location(input: &str) -> Result<String, UsageLocationProblem> {
    let code = input.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(UsageLocationProblem::Empty);
    }
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(UsageLocationProblem::NotTwoLetters(
            input.trim().to_string(),
        ));
    }
    if COUNTRY_CODES.binary_search(&code.as_str()).is_err() {
        return Err(UsageLocationProblem::UnknownCountry(code));
    }
    Ok(code)
}

/// True when Graph refuses an `assignLicense` call with these `addLicenses` for a user
/// whose usage location is `location`.
pub fn refused_for_usage_location(
    location: Option<&str>,
    add_licenses: &[AssignedLicense],
) -> bool {
    assignment_needs_usage_location(add_licenses) && !is_valid_usage_location(location)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::SkuId;

    fn license() -> AssignedLicense {
        AssignedLicense {
            sku_id: SkuId::new("f30db892-07e9-47e9-837c-80727f46fd3d"),
            disabled_plans: vec![],
        }
    }

    #[test]
    fn the_country_list_is_sorted_unique_and_complete() {
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
        for code in ["US", "GB", "DE", "JP", "CN", "BR", "ZA", "NZ", "AX", "SS"] {
            assert!(COUNTRY_CODES.contains(&code), "{code}");
        }
    }

    #[test]
    fn typed_usage_locations_are_checked_against_the_country_list() {
        use UsageLocationProblem::*;
        for (typed, parsed) in [
            (" gb ", Ok("GB".into())),
            ("us", Ok("US".into())),
            ("", Err(Empty)),
            ("   ", Err(Empty)),
            ("USA", Err(NotTwoLetters("USA".into()))),
            ("1A", Err(NotTwoLetters("1A".into()))),
            ("qq", Err(UnknownCountry("QQ".into()))),
            ("UK", Err(UnknownCountry("UK".into()))),
        ] {
            assert_eq!(parse_usage_location(typed), parsed, "{typed:?}");
        }
    }

    #[test]
    fn only_assignments_need_a_two_letter_location() {
        assert!(!refused_for_usage_location(None, &[]));
        assert!(refused_for_usage_location(None, &[license()]));
        assert!(refused_for_usage_location(Some(""), &[license()]));
        assert!(refused_for_usage_location(Some("USA"), &[license()]));
        assert!(refused_for_usage_location(Some("1A"), &[license()]));
        assert!(!refused_for_usage_location(Some("US"), &[license()]));
        assert!(!refused_for_usage_location(Some("gb"), &[license()]));
    }
}
