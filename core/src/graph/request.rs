//! Graph requests as values.
//!
//! Every call License Desk makes is built here as a [`GraphRequest`]: method, path,
//! headers and body. The app shell only executes them, which keeps URLs, `$select`
//! lists and bodies testable natively. [`GraphEndpoint`] is the allowlist of where a
//! request may go: the four Graph clouds, or loopback for development. A crafted link
//! can never point the token at another host.

use crate::graph::ids::{GroupId, SkuId};
use crate::graph::model::AssignLicenseBody;
use crate::graph::url::{build_query, encode_path_segment, origin_of};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The Microsoft Graph national clouds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Cloud {
    Global,
    UsGovL4,
    UsGovL5Dod,
    China,
}

impl Cloud {
    pub const ALL: [Cloud; 4] = [
        Cloud::Global,
        Cloud::UsGovL4,
        Cloud::UsGovL5Dod,
        Cloud::China,
    ];

    /// The Graph origin of this cloud.
    pub fn graph_origin(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5Dod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cloud::Global => "Global",
            Cloud::UsGovL4 => "US Gov L4",
            Cloud::UsGovL5Dod => "US Gov L5 (DoD)",
            Cloud::China => "China (21Vianet)",
        }
    }

    /// The admin portal page of a group in this cloud, for "change it on the group".
    pub fn group_portal_url(self, group: &GroupId) -> String {
        let portal = match self {
            Cloud::Global => "https://entra.microsoft.com",
            Cloud::UsGovL4 | Cloud::UsGovL5Dod => "https://portal.azure.us",
            Cloud::China => "https://portal.azure.cn",
        };
        format!("{portal}/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/{group}")
    }

    /// A short, stable key for forms and URLs.
    pub fn key(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGovL4 => "usgov",
            Cloud::UsGovL5Dod => "dod",
            Cloud::China => "china",
        }
    }

    pub fn from_key(key: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|cloud| cloud.key() == key)
    }

    /// The cloud whose Graph origin this is.
    pub fn from_origin(origin: &str) -> Option<Cloud> {
        Cloud::ALL
            .into_iter()
            .find(|cloud| cloud.graph_origin().eq_ignore_ascii_case(origin))
    }
}

/// `v1.0` or `beta`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiVersion {
    #[serde(rename = "v1.0")]
    V1,
    #[serde(rename = "beta")]
    Beta,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    pub fn parse(value: &str) -> Option<ApiVersion> {
        match value {
            "v1.0" => Some(ApiVersion::V1),
            "beta" => Some(ApiVersion::Beta),
            _ => None,
        }
    }
}

/// Why a base URL was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointError {
    pub url: String,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Refused to use “{}” as the Graph endpoint. License Desk only sends your token to \
             https://graph.microsoft.com, https://graph.microsoft.us, \
             https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn, or to \
             http://localhost / http://127.0.0.1 for development.",
            self.url
        )
    }
}

/// Where requests go: an allowed origin plus an API version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphEndpoint {
    origin: String,
    version: ApiVersion,
}

impl GraphEndpoint {
    pub fn for_cloud(cloud: Cloud, version: ApiVersion) -> Self {
        GraphEndpoint {
            origin: cloud.graph_origin().to_string(),
            version,
        }
    }

    /// Accepts one of the four Graph origins, or `http://localhost[:port]` /
    /// `http://127.0.0.1[:port]`. A trailing `/` or `/v1.0` is tolerated; any other path,
    /// userinfo, query or host is refused.
    pub fn parse(base: &str, version: ApiVersion) -> Result<Self, EndpointError> {
        let refuse = || EndpointError {
            url: base.to_string(),
        };
        let trimmed = base.trim();
        let origin = origin_of(trimmed).ok_or_else(refuse)?;
        let rest = &trimmed[origin.len()..];
        let rest = rest.trim_end_matches('/');
        if !(rest.is_empty() || rest == "/v1.0" || rest == "/beta") {
            return Err(refuse());
        }
        if Cloud::from_origin(&origin).is_some() || is_loopback_origin(&origin) {
            Ok(GraphEndpoint { origin, version })
        } else {
            Err(refuse())
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn version(&self) -> ApiVersion {
        self.version
    }

    pub fn cloud(&self) -> Option<Cloud> {
        Cloud::from_origin(&self.origin)
    }

    pub fn is_loopback(&self) -> bool {
        is_loopback_origin(&self.origin)
    }

    /// The versioned root, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn root(&self) -> String {
        format!("{}/{}", self.origin, self.version.as_str())
    }

    pub fn url(&self, request: &GraphRequest) -> String {
        format!("{}{}", self.root(), request.path)
    }

    /// Turns an `@odata.nextLink` into a request, but only if it stays on this endpoint.
    pub fn next_page(&self, next_link: &str) -> Result<GraphRequest, EndpointError> {
        let root = self.root();
        let refuse = || EndpointError {
            url: next_link.to_string(),
        };
        let same_origin = origin_of(next_link).is_some_and(|origin| origin == self.origin);
        if !same_origin || next_link.len() < root.len() {
            return Err(refuse());
        }
        let (head, tail) = next_link.split_at(root.len());
        if !head.eq_ignore_ascii_case(&root) || !(tail.starts_with('/')) {
            return Err(refuse());
        }
        Ok(GraphRequest::get(tail.replace(' ', "%20")))
    }

    /// [`GraphEndpoint::next_page`] for a listing whose first request carried headers
    /// (such as `ConsistencyLevel: eventual`): Graph wants them on every page.
    pub fn next_page_like(
        &self,
        first: &GraphRequest,
        next_link: &str,
    ) -> Result<GraphRequest, EndpointError> {
        let mut page = self.next_page(next_link)?;
        page.headers = first.headers.clone();
        Ok(page)
    }
}

fn is_loopback_origin(origin: &str) -> bool {
    let Some(host_port) = origin.strip_prefix("http://") else {
        return false;
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
    port_ok && (host == "localhost" || host == "127.0.0.1")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub fn parse(value: &str) -> Option<Method> {
        match value.to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }

    /// Writes change the tenant; their outcome must be known before any repeat.
    pub fn is_write(self) -> bool {
        self != Method::Get
    }
}

/// One Graph call as a value: the shell executes it, the core built it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphRequest {
    pub method: Method,
    /// Path and query below the versioned root, starting with `/`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// JSON text, when the call has a body.
    pub body: Option<String>,
}

impl GraphRequest {
    pub fn get(path: impl Into<String>) -> Self {
        GraphRequest {
            method: Method::Get,
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `POST /$batch` whose every item is a `GET`: a read, though sent as a POST.
    pub fn is_read_only_batch(&self) -> bool {
        self.method == Method::Post
            && self.path == "/$batch"
            && self
                .body
                .as_deref()
                .and_then(|body| serde_json::from_str::<serde_json::Value>(body).ok())
                .and_then(|body| {
                    body.get("requests")?.as_array().map(|items| {
                        !items.is_empty()
                            && items.iter().all(|item| {
                                item.get("method").and_then(|m| m.as_str()) == Some("GET")
                            })
                    })
                })
                .unwrap_or(false)
    }

    pub fn post_json(path: impl Into<String>, body: String) -> Self {
        GraphRequest {
            method: Method::Post,
            path: path.into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(body),
        }
    }

    /// A POST that Graph documents as taking no body.
    pub fn post_empty(path: impl Into<String>) -> Self {
        GraphRequest {
            method: Method::Post,
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        crate::graph::response::find_header(&self.headers, name)
    }

    /// The body pretty-printed for the preview, or empty.
    pub fn pretty_body(&self) -> String {
        self.body
            .as_deref()
            .map(|body| {
                serde_json::from_str::<serde_json::Value>(body)
                    .and_then(|value| serde_json::to_string_pretty(&value))
                    .unwrap_or_else(|_| body.to_string())
            })
            .unwrap_or_default()
    }

    /// The path without its query, for logs.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }
}

/// The user properties License Desk reads. License properties only come back on `$select`.
pub const USER_LICENSE_SELECT: &str = "id,displayName,userPrincipalName,mail,usageLocation,\
accountEnabled,assignedLicenses,assignedPlans,licenseAssignmentStates";

/// The properties shown in search results.
pub const USER_SEARCH_SELECT: &str = "id,displayName,userPrincipalName,mail";

pub const GROUP_LICENSE_SELECT: &str = "id,displayName,assignedLicenses,licenseProcessingState";

/// `GET /users/{id | userPrincipalName}?$select=…` with every license property.
pub fn get_user(id_or_upn: &str) -> GraphRequest {
    GraphRequest::get(format!(
        "/users/{}?{}",
        encode_path_segment(id_or_upn.trim()),
        build_query(&[("$select", USER_LICENSE_SELECT.to_string())])
    ))
}

/// Quotes a value as an OData string literal: `'` is doubled.
pub fn odata_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `GET /users?$filter=startswith(displayName,…) or startswith(userPrincipalName,…) or startswith(mail,…)`.
/// An empty search lists users. Further pages come from `@odata.nextLink`.
pub fn find_users(text: &str, page_size: u32) -> GraphRequest {
    let text = text.trim();
    let mut query = vec![
        ("$select", USER_SEARCH_SELECT.to_string()),
        ("$top", page_size.to_string()),
    ];
    if !text.is_empty() {
        let literal = odata_string(text);
        let filter = ["displayName", "userPrincipalName", "mail"]
            .iter()
            .map(|property| format!("startswith({property},{literal})"))
            .collect::<Vec<_>>()
            .join(" or ");
        query.insert(0, ("$filter", filter));
    }
    GraphRequest::get(format!("/users?{}", build_query(&query)))
}

/// `GET /subscribedSkus`.
pub fn subscribed_skus() -> GraphRequest {
    GraphRequest::get("/subscribedSkus")
}

/// `GET /users/{id}/licenseDetails`.
pub fn license_details(id_or_upn: &str) -> GraphRequest {
    GraphRequest::get(format!(
        "/users/{}/licenseDetails",
        encode_path_segment(id_or_upn.trim())
    ))
}

/// `POST /users/{id}/assignLicense`, always with both `addLicenses` and `removeLicenses`.
pub fn assign_license(id_or_upn: &str, body: &AssignLicenseBody) -> GraphRequest {
    assign_license_of("users", id_or_upn.trim(), body)
}

/// `POST /{collection}/{id}/assignLicense` (users or groups) with `body`.
fn assign_license_of(collection: &str, id: &str, body: &AssignLicenseBody) -> GraphRequest {
    GraphRequest::post_json(
        format!("/{collection}/{}/assignLicense", encode_path_segment(id)),
        serde_json::to_string(body).expect("assignLicense body serialises"),
    )
}

/// `POST /users/{id}/reprocessLicenseAssignment`, which takes no body.
pub fn reprocess_license_assignment(id_or_upn: &str) -> GraphRequest {
    GraphRequest::post_empty(format!(
        "/users/{}/reprocessLicenseAssignment",
        encode_path_segment(id_or_upn.trim())
    ))
}

/// `PATCH /users/{id}` with `usageLocation`, which direct assignment requires.
pub fn set_usage_location(id_or_upn: &str, country: &str) -> GraphRequest {
    GraphRequest {
        method: Method::Patch,
        path: format!("/users/{}", encode_path_segment(id_or_upn.trim())),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(
            serde_json::json!({ "usageLocation": country.trim().to_ascii_uppercase() }).to_string(),
        ),
    }
}

/// `GET /groups?$filter=hasMembersWithLicenseErrors eq true`. Deliberately sent without
/// `ConsistencyLevel: eventual`: with it, Graph answers 400 `Request_UnsupportedQuery`.
pub fn groups_with_license_errors() -> GraphRequest {
    GraphRequest::get(format!(
        "/groups?{}",
        build_query(&[
            ("$filter", "hasMembersWithLicenseErrors eq true".to_string()),
            ("$select", GROUP_LICENSE_SELECT.to_string()),
        ])
    ))
}

/// `GET /groups/{id}/membersWithLicenseErrors`.
pub fn members_with_license_errors(group: &GroupId) -> GraphRequest {
    GraphRequest::get(format!(
        "/groups/{}/membersWithLicenseErrors?{}",
        encode_path_segment(group.as_str()),
        build_query(&[("$select", USER_SEARCH_SELECT.to_string())])
    ))
}

/// `GET /groups/{id}/membersWithLicenseErrors?$select=…licenseAssignmentStates&$top=N`:
/// one page of the members whose assignments from the group failed, each with every
/// assignment state so each error can be explained. Later pages come from
/// `@odata.nextLink`.
pub fn members_with_license_error_states(group: &GroupId, page_size: u32) -> GraphRequest {
    members_page(
        group,
        "membersWithLicenseErrors",
        USER_STATES_SELECT,
        page_size,
    )
}

/// `GET /groups/{id}/{members}?$select={select}&$top=N`: one page of a listing of the
/// group's members (`members` names which ones, and of what type).
fn members_page(group: &GroupId, members: &str, select: &str, page_size: u32) -> GraphRequest {
    GraphRequest::get(format!(
        "/groups/{}/{members}?{}",
        encode_path_segment(group.as_str()),
        build_query(&[
            ("$select", select.to_string()),
            ("$top", page_size.to_string()),
        ])
    ))
}

/// `GET /groups?$select=id,displayName,assignedLicenses,licenseProcessingState&$top=N`:
/// groups with their license properties, which Graph returns only on `$select`. The ones
/// that assign licenses are picked from the answer ([`crate::groups::list`]), so no
/// advanced query is needed.
pub fn groups_with_licenses(page_size: u32) -> GraphRequest {
    GraphRequest::get(format!(
        "/groups?{}",
        build_query(&[
            ("$select", GROUP_LICENSE_SELECT.to_string()),
            ("$top", page_size.to_string()),
        ])
    ))
}

/// `GET /groups/{id}?$select=…` with its licenses and processing state.
pub fn get_group(group: &GroupId) -> GraphRequest {
    group_licenses(group)
}

/// `GET /groups/{id}?$select=id,displayName,assignedLicenses,licenseProcessingState`:
/// a group's licenses and how far Entra ID has got applying them. Both license
/// properties are "returned only on `$select`".
pub fn group_licenses(group: &GroupId) -> GraphRequest {
    GraphRequest::get(format!(
        "/groups/{}?{}",
        encode_path_segment(group.as_str()),
        build_query(&[("$select", GROUP_LICENSE_SELECT.to_string())])
    ))
}

/// `POST /groups/{id}/assignLicense`, with both `addLicenses` and `removeLicenses`.
/// Graph answers `202 Accepted` and a `location` header: the group changes at once, its
/// members are licensed in the background (follow `licenseProcessingState`).
pub fn group_assign_license(group: &GroupId, body: &AssignLicenseBody) -> GraphRequest {
    assign_license_of("groups", group.as_str(), body)
}

/// A user's identity and license assignment states, for lists of members and holders.
pub const USER_STATES_SELECT: &str = "id,displayName,userPrincipalName,licenseAssignmentStates";

/// `GET /groups/{id}/members/microsoft.graph.user?$select=…licenseAssignmentStates&$top=N`:
/// the group's direct user members (the ones its licenses reach; nested groups don't
/// inherit them) with the state of every assignment.
pub fn group_member_states(group: &GroupId, page_size: u32) -> GraphRequest {
    members_page(
        group,
        "members/microsoft.graph.user",
        USER_STATES_SELECT,
        page_size,
    )
}

/// `GET /users?$filter={filter}&$count=true&$select={select}&$top=N` with
/// `ConsistencyLevel: eventual`: an advanced query on users. Without both parameters
/// Graph refuses it with 400 `Request_UnsupportedQuery`; next pages need the header again
/// ([`GraphEndpoint::next_page_like`]). The answer carries `@odata.count`.
fn counted_users(filter: String, select: &str, page_size: u32) -> GraphRequest {
    GraphRequest::get(format!(
        "/users?{}",
        build_query(&[
            ("$filter", filter),
            ("$count", "true".to_string()),
            ("$select", select.to_string()),
            ("$top", page_size.to_string()),
        ])
    ))
    .with_header("ConsistencyLevel", "eventual")
}

/// `GET /users?$filter=assignedLicenses/$count eq 0&$count=true&…` with
/// `ConsistencyLevel: eventual`: users with no license at all. `$count` in a filter is an
/// advanced query; without both parameters Graph refuses it with 400
/// `Request_UnsupportedQuery`. Next pages need the header again
/// ([`GraphEndpoint::next_page_like`]). The answer carries `@odata.count`.
pub fn unlicensed_users(page_size: u32) -> GraphRequest {
    counted_users(
        "assignedLicenses/$count eq 0".to_string(),
        "id,displayName,userPrincipalName,accountEnabled,usageLocation",
        page_size,
    )
}

/// [`users_with_sku`] with each holder's `licenseAssignmentStates`, so direct holders can
/// be told from those who inherit the SKU through a group.
pub fn sku_holders(sku: &SkuId, page_size: u32) -> GraphRequest {
    counted_users(holds_sku(sku), USER_STATES_SELECT, page_size)
}

/// The filter for the users who hold `sku`.
fn holds_sku(sku: &SkuId) -> String {
    format!("assignedLicenses/any(x:x/skuId eq {})", sku.as_str())
}

/// `GET /directory/subscriptions`: the tenant's commercial subscriptions with their
/// status and next lifecycle date (see [`crate::licensing::subscriptions`]). Needs
/// `Organization.Read.All` or `Directory.Read.All`.
pub fn directory_subscriptions() -> GraphRequest {
    GraphRequest::get("/directory/subscriptions")
}

/// What the "Reclaim licenses" screen reads of each user: who they are, whether they can
/// sign in, when they were created, and where each license comes from.
pub const USER_RECLAIM_SELECT: &str = "id,displayName,userPrincipalName,accountEnabled,\
createdDateTime,assignedLicenses,licenseAssignmentStates";

/// `GET /users?$filter=accountEnabled eq false and assignedLicenses/$count ne 0&$count=true&…`
/// with `ConsistencyLevel: eventual`: accounts that can't sign in but hold licenses. An
/// advanced query (without both parameters Graph answers 400 `Request_UnsupportedQuery`);
/// next pages need the header again ([`GraphEndpoint::next_page_like`]). It needs only
/// `User.Read.All`, so this section works where sign-in activity can't be read. The index
/// behind it is eventually consistent: plan nothing from it without reading each user
/// again (the bulk engine does, see [`crate::lists::reclaim`]).
pub fn disabled_licensed_users(page_size: u32) -> GraphRequest {
    counted_users(
        "accountEnabled eq false and assignedLicenses/$count ne 0".to_string(),
        USER_RECLAIM_SELECT,
        page_size,
    )
}

/// `GET /users?$filter=assignedLicenses/$count ne 0&$count=true&…` with
/// `ConsistencyLevel: eventual`: every licensed user with where each license comes from,
/// without sign-in activity. What the reclaim screen reads instead of
/// [`users_with_sign_in_activity`] when the tenant or the token can't read sign-ins, so
/// direct copies of group licenses can still be found.
pub fn licensed_users(page_size: u32) -> GraphRequest {
    counted_users(
        "assignedLicenses/$count ne 0".to_string(),
        USER_RECLAIM_SELECT,
        page_size,
    )
}

/// `GET /users?$select=…,signInActivity&$top=N`: every user with sign-in activity and
/// license properties. `signInActivity` comes back only on `$select`, and a `$filter` on
/// it can't be combined with any other property, so nothing is filtered here: licensed
/// and enabled users are picked in the app. No advanced-query parameters either: with
/// them Graph has been seen returning the property empty for some users
/// (msgraph-sdk-powershell #1898). Graph cuts these pages short (120 users since 2023,
/// whatever `$top` asks), so follow `@odata.nextLink` to the end
/// ([`crate::lists::user_list::UserPages`]). Needs `AuditLog.Read.All` with
/// `User.Read.All`, and a Microsoft Entra ID P1 or P2 tenant.
pub fn users_with_sign_in_activity(page_size: u32) -> GraphRequest {
    GraphRequest::get(format!(
        "/users?{}",
        build_query(&[
            ("$select", format!("{USER_RECLAIM_SELECT},signInActivity")),
            ("$top", page_size.to_string()),
        ])
    ))
}

/// The properties of a user in a list of members or of license holders.
pub const USER_LIST_SELECT: &str = "id,userPrincipalName,displayName";

/// `GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select=id,userPrincipalName,displayName&$top=999`:
/// every user in the group, nested groups included.
pub fn group_transitive_user_members(group: &GroupId) -> GraphRequest {
    members_page(
        group,
        "transitiveMembers/microsoft.graph.user",
        USER_LIST_SELECT,
        999,
    )
}

/// `GET /users?$filter=assignedLicenses/any(x:x/skuId eq {sku})&$count=true&…` with
/// `ConsistencyLevel: eventual`. Whether this filter needs the advanced-query parameters
/// is not settled in Microsoft's documentation, so they are sent; further pages must carry
/// the header too ([`GraphEndpoint::next_page_like`]).
pub fn users_with_sku(sku: &SkuId) -> GraphRequest {
    counted_users(holds_sku(sku), USER_LIST_SELECT, 999)
}

/// `GET /groups?$select=id,displayName&$top=N&$orderby=displayName`. Sorting groups by
/// `displayName` works without the advanced-query parameters.
pub fn list_groups(page_size: u32) -> GraphRequest {
    GraphRequest::get(format!(
        "/groups?{}",
        build_query(&[
            ("$select", "id,displayName".to_string()),
            ("$top", page_size.to_string()),
            ("$orderby", "displayName".to_string()),
        ])
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ids::PlanId;

    #[test]
    fn every_cloud_and_version_builds_its_url() {
        for cloud in Cloud::ALL {
            for version in [ApiVersion::V1, ApiVersion::Beta] {
                let endpoint = GraphEndpoint::for_cloud(cloud, version);
                let url = endpoint.url(&subscribed_skus());
                assert_eq!(
                    url,
                    format!(
                        "{}/{}/subscribedSkus",
                        cloud.graph_origin(),
                        version.as_str()
                    )
                );
                assert_eq!(
                    GraphEndpoint::parse(cloud.graph_origin(), version).unwrap(),
                    endpoint
                );
            }
        }
    }

    #[test]
    fn group_links_point_at_each_clouds_portal() {
        let group = GroupId::new("0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60");
        assert_eq!(
            Cloud::Global.group_portal_url(&group),
            "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60"
        );
        assert!(Cloud::UsGovL5Dod
            .group_portal_url(&group)
            .starts_with("https://portal.azure.us/"));
        assert!(Cloud::China
            .group_portal_url(&group)
            .starts_with("https://portal.azure.cn/"));
    }

    #[test]
    fn allowlist_accepts_graph_and_loopback_only() {
        for ok in [
            "https://graph.microsoft.com",
            "https://GRAPH.microsoft.com/",
            "https://graph.microsoft.com/v1.0",
            "http://127.0.0.1:8787",
            "http://localhost:3000/",
            "http://localhost",
        ] {
            assert!(GraphEndpoint::parse(ok, ApiVersion::V1).is_ok(), "{ok}");
        }
        for bad in [
            "https://graph.microsoft.com.evil.example",
            "https://evil.example",
            "http://graph.microsoft.com",
            "https://127.0.0.1:8787",
            "http://127.0.0.2:80",
            "http://localhost.evil.example",
            "http://localhost:99999",
            "https://graph.microsoft.com@evil.example",
            "https://graph.microsoft.com/v1.0/../../evil",
            "http://127.0.0.1:8787/proxy?to=evil",
            "file:///etc/passwd",
            "",
        ] {
            let error = GraphEndpoint::parse(bad, ApiVersion::V1).unwrap_err();
            assert!(error.to_string().contains("Refused"), "{bad}");
        }
    }

    #[test]
    fn next_link_must_stay_on_the_endpoint() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
        let page = endpoint
            .next_page("https://graph.microsoft.com/v1.0/users?$skiptoken=abc")
            .unwrap();
        assert_eq!(page.path, "/users?$skiptoken=abc");
        assert!(endpoint
            .next_page("https://evil.example/v1.0/users?$skiptoken=abc")
            .is_err());
        assert!(endpoint
            .next_page("https://graph.microsoft.com/beta/users")
            .is_err());
        assert!(endpoint
            .next_page("https://graph.microsoft.com/v1.0evil/users")
            .is_err());
    }

    /// The path with its query decoded, as Graph reads it.
    fn decoded(request: &GraphRequest) -> String {
        crate::graph::url::decode_component(&request.path)
    }

    /// `request` is the advanced query `expected` (decoded), with its header, and its
    /// path is encoded.
    fn assert_advanced_query(request: &GraphRequest, expected: &str) {
        assert_eq!(decoded(request), expected);
        assert_eq!(request.header("ConsistencyLevel"), Some("eventual"));
        assert!(!request.path.contains(' '), "{}", request.path);
    }

    #[test]
    fn bulk_sources_have_the_agreed_paths() {
        let group = GroupId::new("0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60");
        let members = group_transitive_user_members(&group);
        assert_eq!(
            decoded(&members),
            "/groups/0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60/transitiveMembers/microsoft.graph.user?$select=id,userPrincipalName,displayName&$top=999"
        );
        assert!(members.headers.is_empty());
        let sku = SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900");
        let holders = users_with_sku(&sku);
        assert_eq!(
            decoded(&holders),
            "/users?$filter=assignedLicenses/any(x:x/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)&$count=true&$select=id,userPrincipalName,displayName&$top=999"
        );
        assert!(!holders.path.contains(' '), "spaces are encoded");
        assert_eq!(holders.header("consistencylevel"), Some("eventual"));
        assert_eq!(
            decoded(&list_groups(100)),
            "/groups?$select=id,displayName&$top=100&$orderby=displayName"
        );
    }

    #[test]
    fn group_and_tenant_reads_have_the_documented_shapes() {
        let group = GroupId::new("0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60");
        assert_eq!(
            decoded(&group_licenses(&group)),
            "/groups/0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60?$select=id,displayName,assignedLicenses,licenseProcessingState"
        );
        let write = group_assign_license(
            &group,
            &AssignLicenseBody {
                add_licenses: vec![crate::graph::model::AssignedLicense {
                    sku_id: SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"),
                    disabled_plans: vec![PlanId::new("a23b959c-7ce8-4e57-9140-b90eb88a9e97")],
                }],
                remove_licenses: vec![],
            },
        );
        assert_eq!(write.method, Method::Post);
        assert_eq!(
            write.path,
            "/groups/0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60/assignLicense"
        );
        assert_eq!(
            write.body.as_deref(),
            Some(
                r#"{"addLicenses":[{"disabledPlans":["a23b959c-7ce8-4e57-9140-b90eb88a9e97"],"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900"}],"removeLicenses":[]}"#
            )
        );
        assert_advanced_query(
            &unlicensed_users(100),
            "/users?$filter=assignedLicenses/$count eq 0&$count=true&$select=id,displayName,userPrincipalName,accountEnabled,usageLocation&$top=100",
        );
        let holders = sku_holders(&SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"), 500);
        assert!(decoded(&holders)
            .contains("$select=id,displayName,userPrincipalName,licenseAssignmentStates&$top=500"));
        assert_eq!(holders.header("ConsistencyLevel"), Some("eventual"));
        assert_eq!(
            decoded(&group_member_states(&group, 999)),
            "/groups/0f1c6a3e-5b2d-4e8f-9a7c-1d2e3f4a5b60/members/microsoft.graph.user?$select=id,displayName,userPrincipalName,licenseAssignmentStates&$top=999"
        );
        assert_eq!(directory_subscriptions().path, "/directory/subscriptions");
        assert!(directory_subscriptions().headers.is_empty());
    }

    #[test]
    fn reclaim_reads_have_the_documented_shapes() {
        assert_advanced_query(
            &disabled_licensed_users(999),
            "/users?$filter=accountEnabled eq false and assignedLicenses/$count ne 0&$count=true&$select=id,displayName,userPrincipalName,accountEnabled,createdDateTime,assignedLicenses,licenseAssignmentStates&$top=999",
        );
        let licensed = licensed_users(999);
        assert!(decoded(&licensed)
            .starts_with("/users?$filter=assignedLicenses/$count ne 0&$count=true&"));
        assert_eq!(licensed.header("ConsistencyLevel"), Some("eventual"));
        // Sign-in activity: only on $select, never filtered with other properties, and
        // without the advanced-query parameters.
        let sign_ins = users_with_sign_in_activity(999);
        assert_eq!(
            decoded(&sign_ins),
            "/users?$select=id,displayName,userPrincipalName,accountEnabled,createdDateTime,assignedLicenses,licenseAssignmentStates,signInActivity&$top=999"
        );
        assert!(sign_ins.headers.is_empty());
        assert!(!sign_ins.path.contains("$filter"));
        assert!(!sign_ins.path.contains("$count"));
    }

    #[test]
    fn next_pages_keep_the_first_requests_headers() {
        let endpoint = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
        let first = users_with_sku(&SkuId::new("6fd2c87f-b296-42f0-b197-1e91e994b900"));
        let page = endpoint
            .next_page_like(
                &first,
                "https://graph.microsoft.com/v1.0/users?$skiptoken=X1",
            )
            .unwrap();
        assert_eq!(page.path, "/users?$skiptoken=X1");
        assert_eq!(page.header("ConsistencyLevel"), Some("eventual"));
        assert!(endpoint
            .next_page_like(&first, "https://evil.example/v1.0/users?$skiptoken=X1")
            .is_err());
    }

    #[test]
    fn get_user_selects_every_license_property() {
        let request = get_user("AdeleV@contoso.com");
        assert_eq!(request.method, Method::Get);
        assert!(request
            .path
            .starts_with("/users/AdeleV@contoso.com?$select="));
        for property in [
            "assignedLicenses",
            "assignedPlans",
            "licenseAssignmentStates",
            "usageLocation",
        ] {
            assert!(request.path.contains(property), "{property}");
        }
    }

    #[test]
    fn find_users_filters_three_properties_and_escapes_quotes() {
        let request = find_users("O'Bri", 25);
        let (path, query) = crate::graph::url::split_query(&request.path);
        assert_eq!(path, "/users");
        let filter = &query.iter().find(|(k, _)| k == "$filter").unwrap().1;
        assert_eq!(
            filter,
            "startswith(displayName,'O''Bri') or startswith(userPrincipalName,'O''Bri') or startswith(mail,'O''Bri')"
        );
        assert!(query.contains(&("$top".into(), "25".into())));
        assert!(!find_users("  ", 10).path.contains("$filter"));
    }

    #[test]
    fn assign_license_always_sends_both_lists() {
        let request = assign_license("u1", &AssignLicenseBody::default());
        assert_eq!(
            request.body.as_deref(),
            Some(r#"{"addLicenses":[],"removeLicenses":[]}"#)
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
    }

    #[test]
    fn reprocess_has_no_body_and_error_groups_no_consistency_header() {
        let request = reprocess_license_assignment("u1");
        assert_eq!(request.path, "/users/u1/reprocessLicenseAssignment");
        assert!(request.body.is_none());
        let groups = groups_with_license_errors();
        assert!(groups.header("ConsistencyLevel").is_none());
        assert!(groups
            .path
            .contains("hasMembersWithLicenseErrors%20eq%20true"));
    }
}
