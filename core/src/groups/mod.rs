//! Groups that assign licenses: the Groups screen's order and one group's license change.

pub mod change;
pub mod list;
pub mod names;

/// A member as Graph lists it, with `licenseAssignmentStates` given as JSON (an array):
/// what the groups' tests read members from.
#[cfg(test)]
pub(crate) fn member_with_states(json_states: &str) -> crate::graph::model::User {
    serde_json::from_str(&format!(
        r#"{{"id":"m","licenseAssignmentStates":{json_states}}}"#
    ))
    .unwrap()
}
