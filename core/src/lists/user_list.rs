//! A list of users read one page at a time, for the "Who has this license" and
//! "Unlicensed users" screens: the admin sees the first page at once and asks for more.
//!
//! Both listings are advanced queries (`ConsistencyLevel: eventual` with `$count=true`),
//! and Graph wants the header again on every `@odata.nextLink` page, so each next page
//! carries the first request's headers. Links are followed only within the endpoint and
//! never back to a page already read ([`Paging`]). Graph's `@odata.count` (the whole
//! list's size) is kept from the first page that sends it.

use crate::graph::error::GraphError;
use crate::graph::model::{ODataPage, User};
use crate::graph::paging::Paging;
use crate::graph::request::{GraphEndpoint, GraphRequest};
use crate::lists::csv;

/// Users per page on these screens.
pub const PAGE_SIZE: u32 = 100;

/// The pages of one listing read so far.
#[derive(Clone, Debug, PartialEq)]
pub struct UserPages {
    first: GraphRequest,
    paging: Paging,
    next: Option<GraphRequest>,
    pub users: Vec<User>,
    /// `@odata.count`, when Graph sent it.
    pub count: Option<u64>,
}

impl UserPages {
    /// A listing whose first page is `first`, not read yet.
    pub fn new(endpoint: GraphEndpoint, first: GraphRequest) -> Self {
        UserPages {
            paging: Paging::start(endpoint, &first),
            next: Some(first.clone()),
            first,
            users: Vec::new(),
            count: None,
        }
    }

    /// The request for the page to read next; `None` once the listing is complete.
    pub fn next_request(&self) -> Option<&GraphRequest> {
        self.next.as_ref()
    }

    pub fn is_complete(&self) -> bool {
        self.next.is_none()
    }

    pub fn pages_read(&self) -> usize {
        self.paging.pages() - usize::from(self.next.is_some())
    }

    /// Takes in the page answering [`Self::next_request`]. A next link that leaves the
    /// endpoint or repeats a page is an error, and the listing stops there.
    pub fn accept(
        &mut self,
        page: ODataPage<User>,
        request_id: Option<&str>,
    ) -> Result<(), GraphError> {
        self.count = self.count.or(page.count);
        self.users.extend(page.value);
        let followed = self.paging.follow(page.next_link.as_deref(), request_id);
        self.next = None;
        let next = followed?;
        self.next = next.map(|mut request| {
            for (name, value) in &self.first.headers {
                if request.header(name).is_none() {
                    request = request.with_header(name, value);
                }
            }
            request
        });
        Ok(())
    }

    /// How many users the whole listing has: Graph's count, else what was read when
    /// the listing is complete.
    pub fn total(&self) -> Option<u64> {
        self.count
            .or_else(|| self.is_complete().then_some(self.users.len() as u64))
    }
}

/// How the bulk screen names each user: the UPN, else the object id; each user once.
pub fn bulk_names(users: &[User]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    users
        .iter()
        .filter(|user| seen.insert(user.id.clone()))
        .map(|user| {
            user.user_principal_name
                .clone()
                .filter(|upn| !upn.trim().is_empty())
                .unwrap_or_else(|| user.id.to_string())
        })
        .collect()
}

/// The columns of the unlicensed users' CSV.
pub const UNLICENSED_CSV_HEADER: [&str; 5] = [
    "Display name",
    "User principal name",
    "User id",
    "Account enabled",
    "Usage location",
];

/// Users without a license as CSV (CRLF rows, formula-safe fields). What Graph did not
/// send stays empty, never a guessed value.
pub fn unlicensed_csv(users: &[User]) -> String {
    csv::table(
        &UNLICENSED_CSV_HEADER,
        users.iter().map(|user| {
            vec![
                user.display_name.clone().unwrap_or_default(),
                user.user_principal_name.clone().unwrap_or_default(),
                user.id.to_string(),
                csv::yes_no(user.account_enabled).to_string(),
                user.usage_location.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::request::{ApiVersion, Cloud};

    fn endpoint() -> GraphEndpoint {
        GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1)
    }

    fn page(ids: &[&str], next: Option<&str>, count: Option<u64>) -> ODataPage<User> {
        ODataPage {
            value: ids
                .iter()
                .map(|id| serde_json::from_str(&format!(r#"{{"id":"{id}"}}"#)).unwrap())
                .collect(),
            next_link: next.map(str::to_string),
            count,
        }
    }

    #[test]
    fn every_next_page_repeats_the_consistency_header_and_the_count_is_kept() {
        let first = crate::graph::request::unlicensed_users(2);
        let mut pages = UserPages::new(endpoint(), first.clone());
        assert_eq!(pages.next_request(), Some(&first));
        assert_eq!(pages.total(), None);
        let link = "https://graph.microsoft.com/v1.0/users?$filter=assignedLicenses/$count%20eq%200&$count=true&$top=2&$skiptoken=X'2'";
        pages
            .accept(page(&["a", "b"], Some(link), Some(3)), None)
            .unwrap();
        let second = pages.next_request().unwrap().clone();
        assert!(second.path.contains("skiptoken"), "{}", second.path);
        assert_eq!(second.header("ConsistencyLevel"), Some("eventual"));
        assert_eq!(pages.pages_read(), 1);
        assert_eq!(pages.total(), Some(3));
        pages.accept(page(&["c"], None, None), None).unwrap();
        assert!(pages.is_complete());
        assert_eq!(pages.users.len(), 3);
        assert_eq!(pages.count, Some(3));
        assert_eq!(pages.pages_read(), 2);
    }

    #[test]
    fn without_a_count_the_total_is_known_only_when_complete() {
        let mut pages = UserPages::new(endpoint(), crate::graph::request::unlicensed_users(1));
        let link = "https://graph.microsoft.com/v1.0/users?$top=1&$skiptoken=X'1'";
        pages.accept(page(&["a"], Some(link), None), None).unwrap();
        assert_eq!(pages.total(), None);
        pages.accept(page(&["b"], None, None), None).unwrap();
        assert_eq!(pages.total(), Some(2));
    }

    #[test]
    fn links_off_the_endpoint_or_back_to_a_read_page_stop_the_listing() {
        let mut pages = UserPages::new(endpoint(), crate::graph::request::unlicensed_users(1));
        let error = pages
            .accept(
                page(&["a"], Some("https://evil.example/v1.0/users"), None),
                Some("req-1"),
            )
            .unwrap_err();
        assert_eq!(error.request_id.as_deref(), Some("req-1"));
        assert!(pages.is_complete());
        assert_eq!(pages.users.len(), 1);

        let first = crate::graph::request::sku_holders(&crate::graph::ids::SkuId::new("s"), 1);
        let mut looping = UserPages::new(endpoint(), first.clone());
        let again = format!("https://graph.microsoft.com/v1.0{}", first.path);
        assert!(looping
            .accept(page(&["a"], Some(&again), None), None)
            .is_err());
    }

    #[test]
    fn bulk_names_prefer_the_upn_and_list_each_user_once() {
        let users: Vec<User> = serde_json::from_str(
            r#"[{"id":"u1","userPrincipalName":"adele@contoso.example"},
                {"id":"u2","userPrincipalName":"  "},
                {"id":"u1","userPrincipalName":"adele@contoso.example"}]"#,
        )
        .unwrap();
        assert_eq!(bulk_names(&users), ["adele@contoso.example", "u2"]);
    }

    #[test]
    fn unlicensed_csv_leaves_unknowns_empty_and_defuses_formulas() {
        let users: Vec<User> = serde_json::from_str(
            r#"[{"id":"u1","displayName":"@SUM(A1)","userPrincipalName":"x@contoso.example","accountEnabled":false,"usageLocation":"DE"},
                {"id":"u2"}]"#,
        )
        .unwrap();
        let text = unlicensed_csv(&users);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Display name,User principal name,User id,Account enabled,Usage location"
        );
        assert_eq!(lines[1], "'@SUM(A1),x@contoso.example,u1,No,DE");
        assert_eq!(lines[2], ",,u2,,");
        assert_eq!(lines.len(), 4);
    }
}
