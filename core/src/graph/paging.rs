//! Following `@odata.nextLink` safely: only within the chosen endpoint, and never in a
//! loop.
//!
//! Each page Graph returns may carry a link to the next one. License Desk follows it only
//! if it stays on the endpoint the admin chose ([`GraphEndpoint::next_page`]) and only if
//! it leads somewhere not read yet in this listing. A link back to a page already read
//! would otherwise page forever, repeating the same users.

use crate::graph::error::GraphError;
use crate::graph::request::{GraphEndpoint, GraphRequest};
use crate::graph::url::{decode_component, split_query};

/// The pages of one listing read so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paging {
    endpoint: GraphEndpoint,
    visited: Vec<String>,
}

impl Paging {
    /// Starts a listing whose first page is `first`.
    pub fn start(endpoint: GraphEndpoint, first: &GraphRequest) -> Self {
        Paging {
            endpoint,
            visited: vec![key(&first.path)],
        }
    }

    /// Checks the next-page link of the page just read. `Ok(None)`: the listing is
    /// complete. `Ok(Some(request))`: the next page, recorded as visited.
    /// `request_id` is the page's own, quoted in the error if the link is refused.
    pub fn follow(
        &mut self,
        next_link: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<Option<GraphRequest>, GraphError> {
        let Some(link) = next_link.map(str::trim).filter(|l| !l.is_empty()) else {
            return Ok(None);
        };
        let with_id = |mut error: GraphError| {
            error.request_id = request_id.map(str::to_string);
            error
        };
        let request = self
            .endpoint
            .next_page(link)
            .map_err(|e| with_id(GraphError::refused_link(&e.to_string())))?;
        let visited = key(&request.path);
        if self.visited.contains(&visited) {
            return Err(with_id(GraphError::repeated_link(link)));
        }
        self.visited.push(visited);
        Ok(Some(request))
    }

    /// How many pages have been requested in this listing.
    pub fn pages(&self) -> usize {
        self.visited.len()
    }
}

/// The page a path names: decoded (`%24skiptoken` is `$skiptoken`), with the query's
/// pairs sorted and empty ones dropped (`?a=1&` is `?a=1`, as browsers may send it).
fn key(path: &str) -> String {
    let (path, mut pairs) = split_query(path);
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}?{}", decode_component(path), query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::error::ErrorKind;
    use crate::graph::request::{find_users, ApiVersion, Cloud};

    fn paging() -> Paging {
        Paging::start(
            GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1),
            &GraphRequest::get("/users?$top=2"),
        )
    }

    #[test]
    fn follows_new_pages_and_stops_at_the_end() {
        let mut paging = paging();
        let next = paging
            .follow(
                Some("https://graph.microsoft.com/v1.0/users?$top=2&$skiptoken=A"),
                None,
            )
            .unwrap();
        assert_eq!(next.unwrap().path, "/users?$top=2&$skiptoken=A");
        assert_eq!(paging.follow(None, None), Ok(None));
        assert_eq!(paging.pages(), 2);
    }

    #[test]
    fn a_link_back_to_a_read_page_stops_paging() {
        let mut paging = paging();
        let link = "https://graph.microsoft.com/v1.0/users?$top=2&$skiptoken=A";
        paging.follow(Some(link), None).unwrap();
        let error = paging.follow(Some(link), Some("rid-7")).unwrap_err();
        assert_eq!(error.kind, ErrorKind::RepeatedLink);
        assert_eq!(error.request_id.as_deref(), Some("rid-7"));
        let to_first = "https://graph.microsoft.com/v1.0/users?%24top=2";
        let error = paging.follow(Some(to_first), None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::RepeatedLink);
    }

    #[test]
    fn the_same_page_is_recognised_however_its_query_is_written() {
        let first = find_users("", 10);
        let endpoint = GraphEndpoint::parse("http://127.0.0.1:8789", ApiVersion::V1).unwrap();
        // A browser may send a trailing `&`, and a server may echo it back.
        let echoed = format!("http://127.0.0.1:8789/v1.0{}&", first.path);
        let error = Paging::start(endpoint.clone(), &first)
            .follow(Some(&echoed), None)
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::RepeatedLink);
        let reordered = "http://127.0.0.1:8789/v1.0/users?$top=10&$select=id,displayName,userPrincipalName,mail";
        let error = Paging::start(endpoint, &first)
            .follow(Some(reordered), None)
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::RepeatedLink);
    }

    #[test]
    fn a_link_to_another_host_is_refused() {
        let first = find_users("Al", 10);
        let mut paging = Paging::start(
            GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1),
            &first,
        );
        let elsewhere = "https://graph.microsoft.com.evil.example/v1.0/users";
        let error = paging.follow(Some(elsewhere), None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::RefusedLink);
        assert_eq!(paging.pages(), 1);
    }
}
