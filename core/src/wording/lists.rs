//! What the "Who has this license" and "Unlicensed users" lists and the subscriptions
//! panel say: how many users a list holds, how each holder holds the license, and why
//! subscriptions can't be shown.

use crate::licensing::subscriptions::READ_PERMISSIONS;
use crate::lists::holders::Holder;

fn users(n: u64) -> String {
    super::bulk::users(n as usize)
}

/// "42 users hold Office 365 E3." (Graph's count), or how many were read so far when
/// Graph gave no count.
pub fn holders_heading(total: Option<u64>, read: usize, sku_name: &str) -> String {
    match total {
        Some(1) => format!("1 user holds {sku_name}."),
        Some(n) => format!("{} hold {sku_name}.", users(n)),
        None => format!(
            "{} read so far hold {sku_name}; Graph did not give the total.",
            users(read as u64)
        ),
    }
}

/// "17 users have no license." or how many were read so far without a count.
pub fn unlicensed_heading(total: Option<u64>, read: usize) -> String {
    match total {
        Some(1) => "1 user has no license.".into(),
        Some(n) => format!("{} have no license.", users(n)),
        None => format!(
            "{} read so far have no license; Graph did not give the total.",
            users(read as u64)
        ),
    }
}

/// "Showing 100 of 240." while more pages remain.
pub fn shown_of(shown: usize, total: Option<u64>) -> String {
    match total {
        Some(total) => format!(
            "Showing {} of {}.",
            super::bulk::count(shown),
            super::bulk::count(total as usize)
        ),
        None => format!("Showing {}.", super::bulk::count(shown)),
    }
}

/// How one holder holds the SKU: "Direct", "Through the group All Staff", or that
/// Graph did not say.
pub fn holder_source(holder: &Holder, group_name: Option<&str>) -> String {
    match (holder.is_direct(), holder.group()) {
        (true, _) => "Direct".into(),
        (false, Some(group)) => {
            format!("Through the group {}", group_name.unwrap_or(group.as_str()))
        }
        (false, None) => "Source unknown (Graph did not say)".into(),
    }
}

/// The state of a holder's assignment, with the error explained and what to do.
pub fn holder_state(holder: &Holder, sku_name: &str) -> String {
    match super::explain_assignment_error(&holder.error, sku_name) {
        Some(explained) => format!(
            "{} ({}): {explained}",
            holder.state.plain(),
            holder.error.as_str()
        ),
        None => holder.state.plain().to_string(),
    }
}

fn permissions_least_first() -> String {
    format!(
        "{} (least privileged) or {}",
        READ_PERMISSIONS[0], READ_PERMISSIONS[1]
    )
}

/// The subscriptions panel when the token's scopes don't allow the read.
pub fn subscriptions_not_allowed() -> String {
    format!(
        "Subscriptions and renewal dates need {}; this token has neither. Everything else works without it.",
        permissions_least_first()
    )
}

/// The subscriptions panel when Graph refused the read (403).
pub fn subscriptions_refused() -> String {
    format!(
        "Graph refused to list subscriptions (403 Forbidden): it needs {}. Everything else works without it.",
        permissions_least_first()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::{GroupId, UserId};
    use crate::graph::model::{AssignmentError, AssignmentSource, AssignmentState};

    fn holder(source: Option<AssignmentSource>, error: AssignmentError) -> Holder {
        Holder {
            user_id: UserId::new("u1"),
            display_name: "Adele".into(),
            user_principal_name: "adele@contoso.example".into(),
            source,
            state: if error.is_error() {
                AssignmentState::Error
            } else {
                AssignmentState::Active
            },
            error,
            disabled_plans: Vec::new(),
            last_updated: None,
        }
    }

    #[test]
    fn headings_use_the_count_or_say_it_is_missing() {
        assert_eq!(
            holders_heading(Some(42), 10, "Office 365 E3"),
            "42 users hold Office 365 E3."
        );
        assert_eq!(holders_heading(Some(1), 1, "E3"), "1 user holds E3.");
        assert!(holders_heading(None, 7, "E3").starts_with("7 users read so far"));
        assert_eq!(unlicensed_heading(Some(3), 3), "3 users have no license.");
        assert_eq!(shown_of(100, Some(240)), "Showing 100 of 240.");
        // Thousands are grouped.
        assert_eq!(
            holders_heading(Some(1_194), 100, "Office 365 E3"),
            "1,194 users hold Office 365 E3."
        );
        assert_eq!(shown_of(1_000, Some(1_194)), "Showing 1,000 of 1,194.");
        assert_eq!(
            unlicensed_heading(Some(2_001), 0),
            "2,001 users have no license."
        );
    }

    #[test]
    fn sources_name_the_group_and_errors_say_what_to_do() {
        let group = GroupId::new("g1");
        let through = holder(
            Some(AssignmentSource::Group(group)),
            AssignmentError::CountViolation,
        );
        assert_eq!(
            holder_source(&through, Some("All Staff")),
            "Through the group All Staff"
        );
        assert_eq!(holder_source(&through, None), "Through the group g1");
        let state = holder_state(&through, "Office 365 E3");
        assert!(
            state.starts_with("Error (CountViolation): No free seats in Office 365 E3."),
            "{state}"
        );
        let direct = holder(Some(AssignmentSource::Direct), AssignmentError::None);
        assert_eq!(holder_source(&direct, None), "Direct");
        assert_eq!(holder_state(&direct, "E3"), "Active");
        assert!(
            holder_source(&holder(None, AssignmentError::None), None).starts_with("Source unknown")
        );
    }

    #[test]
    fn missing_permission_names_the_least_privileged_first() {
        let text = subscriptions_not_allowed();
        assert!(
            text.contains("Organization.Read.All (least privileged) or Directory.Read.All"),
            "{text}"
        );
        assert!(subscriptions_refused().contains("403"));
    }
}
