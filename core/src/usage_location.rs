//! When Graph refuses an `assignLicense` call because the user has no usage location.
//!
//! Graph answers 400 `License assignment cannot be done for user with invalid usage
//! location.` to a direct assignment for a user without a valid `usageLocation`. Every
//! entry in `addLicenses` is an assignment—a SKU the user doesn't have yet, and equally a
//! SKU the user already has, sent again with other `disabledPlans`—while `removeLicenses`
//! adds nothing. The planner warns with this rule and the simulator refuses with it, so
//! the two can never disagree about which calls fail.

use crate::model::AssignedLicense;

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
    use crate::guid::Guid;

    fn license() -> AssignedLicense {
        AssignedLicense {
            sku_id: Guid::new("f30db892-07e9-47e9-837c-80727f46fd3d"),
            disabled_plans: vec![],
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
