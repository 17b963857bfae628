//! What the "Who has this license" and "Unlicensed users" lists and the subscriptions
//! panel say: how many users a list holds, how each holder holds the license, and why
//! subscriptions can't be shown.

use super::bulk::count as thousands;
use crate::graph::ids::GroupId;
use crate::groups::names::GroupName;
use crate::licensing::subscriptions::READ_PERMISSIONS;
use crate::lists::holders::{Holder, HolderCounts};

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
/// Graph did not say. `group_name` is what Graph said of the group's name (`None`: not
/// read yet); its id is shown only when Graph would not name it.
pub fn holder_source(holder: &Holder, group_name: Option<&GroupName>) -> String {
    match (holder.is_direct(), holder.group(), group_name) {
        (true, _, _) => "Direct".into(),
        (false, Some(_), Some(GroupName::Named(name))) => format!("Through the group {name}"),
        (false, Some(group), Some(GroupName::Unreadable)) => format!(
            "Through the group {} (its name can't be read with this token)",
            group.as_str()
        ),
        (false, Some(_), None) => "Through a group (reading its name…)".into(),
        (false, None, _) => "Source unknown (Graph did not say)".into(),
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

/// Who holds the seats of `sku_name`, said beside a "no free seats" error: how many
/// users hold it directly and how many through each group (`group_name` names them),
/// leaving out assignments in error, which hold no seat.
pub fn seat_holders(
    counts: &HolderCounts,
    sku_name: &str,
    group_name: impl Fn(&GroupId) -> String,
) -> String {
    let mut said = format!(
        "The seats of {sku_name}: {} {} held directly",
        thousands(counts.direct),
        if counts.direct == 1 { "user" } else { "users" }
    );
    if counts.by_group.is_empty() {
        said.push_str(", none through a group.");
    } else {
        let groups: Vec<String> = counts
            .by_group
            .iter()
            .map(|(group, n)| format!("{} ({})", group_name(group), thousands(*n)))
            .collect();
        said.push_str(&format!("; through groups: {}.", groups.join(", ")));
    }
    said
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
    fn seat_holders_say_how_many_hold_directly_and_through_which_group() {
        let mut counts = HolderCounts {
            direct: 1,
            ..HolderCounts::default()
        };
        assert_eq!(
            seat_holders(&counts, "Office 365 E5", |g| g.to_string()),
            "The seats of Office 365 E5: 1 user held directly, none through a group."
        );
        counts.direct = 1_204;
        counts.by_group.insert(GroupId::new("g1"), 2_000);
        counts.by_group.insert(GroupId::new("g2"), 3);
        let name = |g: &GroupId| {
            if g.as_str() == "g1" {
                "All Staff".into()
            } else {
                g.to_string()
            }
        };
        assert_eq!(
            seat_holders(&counts, "E5", name),
            "The seats of E5: 1,204 users held directly; through groups: All Staff (2,000), g2 (3)."
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
            holder_source(&through, Some(&GroupName::Named("All Staff".into()))),
            "Through the group All Staff"
        );
        assert_eq!(
            holder_source(&through, None),
            "Through a group (reading its name…)"
        );
        assert_eq!(
            holder_source(&through, Some(&GroupName::Unreadable)),
            "Through the group g1 (its name can't be read with this token)"
        );
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
