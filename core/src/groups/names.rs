//! The names of the groups a screen shows, read on demand: `GET /groups/{id}?$select=
//! id,displayName` for each group whose name isn't known yet, twenty to a `$batch`. A
//! group the token can't read (403) or that no longer exists (404) is said to be so, and
//! only then is its id shown in place of a name. An item Graph throttled or failed on is
//! left unknown, to be asked again.

use crate::graph::batch::{self, BatchResponse};
use crate::graph::ids::GroupId;
use crate::graph::model::Group;
use crate::graph::request::GraphRequest;
use crate::graph::url::{build_query, encode_path_segment};

/// What Graph said about one group's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupName {
    Named(String),
    /// 403 or 404: the token may not read it, or it is gone.
    Unreadable,
}

/// `GET /groups/{id}?$select=id,displayName`.
pub fn name_request(group: &GroupId) -> GraphRequest {
    GraphRequest::get(format!(
        "/groups/{}?{}",
        encode_path_segment(group.as_str()),
        build_query(&[("$select", "id,displayName".to_string())])
    ))
}

/// The `$batch`es that read the names of `groups`; their item ids index `groups`.
pub fn name_batches(groups: &[GroupId]) -> Vec<GraphRequest> {
    let requests: Vec<GraphRequest> = groups.iter().map(name_request).collect();
    batch::batches(&requests)
}

/// The names a `$batch` answer gives, for the `groups` the batches were built from.
pub fn names_in(groups: &[GroupId], answer: &BatchResponse) -> Vec<(GroupId, GroupName)> {
    answer
        .responses
        .iter()
        .filter_map(|item| {
            let group = groups.get(item.id.parse::<usize>().ok()?)?.clone();
            let name = match item.status {
                200 => GroupName::Named(
                    item.to_raw()
                        .parse::<Group>()
                        .ok()?
                        .display_name
                        .filter(|name| !name.trim().is_empty())?,
                ),
                403 | 404 => GroupName::Unreadable,
                _ => return None,
            };
            Some((group, name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::batch::BatchRequest;

    #[test]
    fn names_are_read_twenty_to_a_batch_of_gets() {
        let groups: Vec<GroupId> = (0..25).map(|i| GroupId::new(&format!("g{i}"))).collect();
        let batches = name_batches(&groups);
        assert_eq!(batches.len(), 2);
        assert!(batches.iter().all(GraphRequest::is_read_only_batch));
        let second: BatchRequest =
            serde_json::from_str(batches[1].body.as_deref().unwrap()).unwrap();
        assert_eq!(second.requests.len(), 5);
        assert_eq!(second.requests[0].id, "20");
        assert_eq!(second.requests[0].url, "/groups/g20?$select=id,displayName");
    }

    #[test]
    fn a_group_that_cannot_be_read_is_said_so_and_a_throttled_one_is_asked_again() {
        let groups: Vec<GroupId> = ["staff", "secret", "gone", "busy", "blank"]
            .into_iter()
            .map(GroupId::new)
            .collect();
        let answer: BatchResponse = serde_json::from_value(serde_json::json!({"responses": [
            {"id": "0", "status": 200, "body": {"id": "staff", "displayName": "All Staff"}},
            {"id": "1", "status": 403, "body": {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}},
            {"id": "2", "status": 404, "body": {"error": {"code": "Request_ResourceNotFound", "message": "Resource 'gone' does not exist or one of its queried reference-property objects are not present."}}},
            {"id": "3", "status": 429, "headers": {"Retry-After": "5"}},
            {"id": "4", "status": 200, "body": {"id": "blank", "displayName": null}},
            {"id": "9", "status": 200, "body": {"id": "stray", "displayName": "Stray"}}
        ]}))
        .unwrap();
        assert_eq!(
            names_in(&groups, &answer),
            vec![
                (GroupId::new("staff"), GroupName::Named("All Staff".into())),
                (GroupId::new("secret"), GroupName::Unreadable),
                (GroupId::new("gone"), GroupName::Unreadable),
            ]
        );
    }
}
