//! The Graph paths the simulator serves, and how it answers each.
//!
//! Collections page with `$top` (1–999) and `$skiptoken` next links, and carry
//! `@odata.count` for `$count=true` with `ConsistencyLevel: eventual` (the advanced-query
//! pair). `GET /users` filters on `startswith(…)` clauses or on
//! `assignedLicenses/any(x:x/skuId eq {guid})`, which also finds the users whose
//! assignment of that SKU is in error; whether Graph needs the advanced-query
//! pair for the latter is not settled, so it is accepted either way. The unlicensed-users
//! filter `assignedLicenses/$count eq 0` (and `ne 0`) is an advanced query: without both
//! `ConsistencyLevel: eventual` and `$count=true` it is refused with 400
//! `Request_UnsupportedQuery`, worded like the documented refusal of `endsWith` without
//! them (Microsoft Graph docs, "Advanced query capabilities on Microsoft Entra ID
//! objects", error handling section); it combines with `accountEnabled eq true|false`
//! through `and` (the disabled licensed accounts). Next links keep `$filter` and
//! `$count`, so every page needs the header again. `signInActivity` and `createdDateTime`
//! come back only on `$select`; a filter on `signInActivity` stands alone, and pages that
//! carry it hold at most 120 users (see `sign_ins`).
//!
//! Groups return `assignedLicenses` and `licenseProcessingState` only on `$select`, as
//! Graph documents; `POST /groups/{id}/assignLicense` answers 202 (see
//! `group_processing`). `GET /directory/subscriptions` lists the tenant's
//! `companySubscription`s (see `subscriptions`).

use super::sign_ins::{self, Clause, SignInClause};
use super::{Ctx, Simulator};
use license_desk_core::graph::ids::{GroupId, Guid, SkuId};
use license_desk_core::graph::model::{AssignLicenseBody, User};
use license_desk_core::graph::url::{decode_component, split_query};
use serde_json::{json, Map, Value};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Route {
    ListUsers,
    GetUser(String),
    LicenseDetails(String),
    AssignLicense(String),
    GroupAssignLicense(String),
    Reprocess(String),
    UpdateUser(String),
    SubscribedSkus,
    DirectorySubscriptions,
    ListGroups,
    GetGroup(String),
    GroupMembersWithErrors(String),
    GroupMembers(String),
    /// `transitiveMembers`, or its `microsoft.graph.user` cast (`users_only`).
    GroupTransitiveMembers {
        id: String,
        users_only: bool,
    },
    NotFound,
}

pub(crate) struct Failure {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn fail(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
    }
}

fn not_found(id: &str) -> Failure {
    fail(
        404,
        "Request_ResourceNotFound",
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

pub(crate) fn resolve(method: &str, rest: &str) -> Route {
    let path = rest.split('?').next().unwrap_or("");
    let parts: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_component)
        .collect();
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    let words: Vec<&str> = lower.iter().map(String::as_str).collect();
    let id = |i: usize| parts[i].trim_matches('\'').to_string();
    match (method, words.as_slice()) {
        ("GET", ["users"]) => Route::ListUsers,
        ("GET", ["users", _]) => Route::GetUser(id(1)),
        ("PATCH", ["users", _]) => Route::UpdateUser(id(1)),
        ("GET", ["users", _, "licensedetails"]) => Route::LicenseDetails(id(1)),
        ("POST", ["users", _, "assignlicense"]) => Route::AssignLicense(id(1)),
        ("POST", ["users", _, "reprocesslicenseassignment"]) => Route::Reprocess(id(1)),
        ("GET", ["subscribedskus"]) => Route::SubscribedSkus,
        ("GET", ["directory", "subscriptions"]) => Route::DirectorySubscriptions,
        ("POST", ["groups", _, "assignlicense"]) => Route::GroupAssignLicense(id(1)),
        ("GET", ["groups"]) => Route::ListGroups,
        ("GET", ["groups", _]) => Route::GetGroup(id(1)),
        ("GET", ["groups", _, "memberswithlicenseerrors"]) => Route::GroupMembersWithErrors(id(1)),
        ("GET", ["groups", _, "members"]) => Route::GroupMembers(id(1)),
        ("GET", ["groups", _, "members", "microsoft.graph.user"]) => Route::GroupMembers(id(1)),
        ("GET", ["groups", _, "transitivemembers"]) => Route::GroupTransitiveMembers {
            id: id(1),
            users_only: false,
        },
        ("GET", ["groups", _, "transitivemembers", "microsoft.graph.user"]) => {
            Route::GroupTransitiveMembers {
                id: id(1),
                users_only: true,
            }
        }
        _ => Route::NotFound,
    }
}

/// Properties Graph returns for a user when no `$select` is given. License properties
/// are not among them: they come back only on `$select`.
const DEFAULT_USER_PROPERTIES: [&str; 11] = [
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

const EXTRA_USER_PROPERTIES: [&str; 8] = [
    "usageLocation",
    "accountEnabled",
    "assignedLicenses",
    "assignedPlans",
    "licenseAssignmentStates",
    "createdDateTime",
    "signInActivity",
    "id",
];

/// What `User.ReadBasic.All` may read: the basic profile (and the id).
const BASIC_USER_PROPERTIES: [&str; 6] = [
    "id",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "userPrincipalName",
];

/// A user as Graph returns it to a token that reads basic profiles only: whatever else
/// was selected is left out, not refused.
fn basic_user_json(user: &User, select: Option<&[String]>) -> Value {
    let mut json = user_json(user, select);
    if let Value::Object(map) = &mut json {
        map.retain(|name, _| BASIC_USER_PROPERTIES.contains(&name.as_str()));
    }
    json
}

fn user_json(user: &User, select: Option<&[String]>) -> Value {
    let Value::Object(all) = serde_json::to_value(user).expect("user serialises") else {
        unreachable!("a user is an object")
    };
    let mut names = user.display_name.as_deref().unwrap_or("").splitn(2, ' ');
    let (given, surname) = (names.next().unwrap_or(""), names.next().unwrap_or(""));
    let lookup = |name: &str| -> Value {
        match name {
            "businessPhones" => json!([]),
            "givenName" => json!(given),
            "surname" => json!(surname),
            other => all.get(other).cloned().unwrap_or(Value::Null),
        }
    };
    let mut out = Map::new();
    match select {
        Some(properties) => {
            for property in properties {
                let known = DEFAULT_USER_PROPERTIES
                    .iter()
                    .chain(EXTRA_USER_PROPERTIES.iter())
                    .find(|name| name.eq_ignore_ascii_case(property));
                match known {
                    // Left out for users who never signed in; "never" for one kind of
                    // sign-in is written with Graph's placeholders.
                    Some(&"signInActivity") => {
                        if let Some(activity) = &user.sign_in_activity {
                            out.insert("signInActivity".into(), sign_ins::sign_in_json(activity));
                        }
                    }
                    Some(name) => {
                        out.insert((*name).to_string(), lookup(name));
                    }
                    None => {}
                }
            }
            out.insert("id".into(), lookup("id"));
        }
        None => {
            for property in DEFAULT_USER_PROPERTIES {
                out.insert(property.into(), lookup(property));
            }
        }
    }
    Value::Object(out)
}

/// A user as the token in `ctx` may read it.
fn profile_json(ctx: &Ctx, user: &User, select: Option<&[String]>) -> Value {
    if ctx.basic_profiles_only {
        basic_user_json(user, select)
    } else {
        user_json(user, select)
    }
}

fn query_value<'a>(query: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

fn select_list(query: &[(String, String)]) -> Option<Vec<String>> {
    query_value(query, "$select").map(|value| {
        value
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// The `startswith(prop,'x') [or …]` filters Graph supports on users without advanced queries.
fn parse_startswith_filter(filter: &str) -> Option<Vec<(String, String)>> {
    let mut clauses = Vec::new();
    let mut rest = filter.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        if !lower.starts_with("startswith(") {
            return None;
        }
        let inner = &rest["startswith(".len()..];
        let (property, after) = inner.split_once(',')?;
        let after = after.trim_start().strip_prefix('\'')?;
        let mut value = String::new();
        let mut chars = after.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|(_, n)| *n) == Some('\'') {
                    value.push('\'');
                    chars.next();
                } else {
                    end = Some(i);
                    break;
                }
            } else {
                value.push(c);
            }
        }
        let after = after[end? + 1..]
            .trim_start()
            .strip_prefix(')')?
            .trim_start();
        clauses.push((property.trim().to_string(), value));
        if after.is_empty() {
            return Some(clauses);
        }
        rest = after
            .strip_prefix("or ")
            .or_else(|| after.strip_prefix("OR "))?
            .trim_start();
    }
}

/// The SKU in `assignedLicenses/any(x:x/skuId eq {guid})` (any variable name).
fn parse_sku_filter(filter: &str) -> Option<SkuId> {
    let lower = filter.trim().to_ascii_lowercase();
    let inner = lower
        .strip_prefix("assignedlicenses/any(")?
        .strip_suffix(')')?;
    let (variable, condition) = inner.split_once(':')?;
    let condition = condition
        .trim()
        .strip_prefix(variable.trim())?
        .trim_start()
        .strip_prefix("/skuid")?
        .trim_start()
        .strip_prefix("eq ")?
        .trim()
        .trim_matches('\'');
    let sku = SkuId::new(condition);
    sku.is_well_formed().then_some(sku)
}

/// One condition of an `and`-joined filter on accounts and licenses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Condition {
    /// `accountEnabled eq true|false`.
    Enabled(bool),
    /// `assignedLicenses/$count ne 0` (true) or `eq 0` (false): an advanced query.
    Licensed(bool),
}

fn parse_condition(clause: &str) -> Option<Condition> {
    let compact: String = clause
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    match compact.as_str() {
        "accountenabledeqtrue" => Some(Condition::Enabled(true)),
        "accountenabledeqfalse" => Some(Condition::Enabled(false)),
        "assignedlicenses/$counteq0" => Some(Condition::Licensed(false)),
        "assignedlicenses/$countne0" => Some(Condition::Licensed(true)),
        _ => None,
    }
}

/// The clauses of a filter joined by `and` (any case).
fn and_clauses(filter: &str) -> Vec<&str> {
    let lower = filter.to_ascii_lowercase();
    let mut clauses = Vec::new();
    let mut start = 0;
    while let Some(at) = lower[start..].find(" and ") {
        clauses.push(filter[start..start + at].trim());
        start += at + " and ".len();
    }
    clauses.push(filter[start..].trim());
    clauses
}

/// What Graph says when an advanced-query filter comes without `$count=true` and
/// `ConsistencyLevel: eventual`: the documented `endsWith` refusal, naming `$count`.
pub(crate) const ADVANCED_QUERY_NEEDED: &str = "Operator '$count' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information";

/// How `GET /users` filters.
enum UserFilter {
    All,
    StartsWith(Vec<(String, String)>),
    HoldsSku(SkuId),
    /// Conditions on `accountEnabled` and `assignedLicenses/$count`, all of which apply.
    Conditions(Vec<Condition>),
    /// One condition on `signInActivity`, which can't be combined with another.
    SignIn(SignInClause),
}

fn unsupported_filter() -> Failure {
    fail(
        400,
        "Request_UnsupportedQuery",
        "Unsupported or invalid query filter clause specified.",
    )
}

impl UserFilter {
    fn parse(filter: Option<&str>) -> Result<UserFilter, Failure> {
        let Some(filter) = filter else {
            return Ok(UserFilter::All);
        };
        if let Some(sku) = parse_sku_filter(filter) {
            return Ok(UserFilter::HoldsSku(sku));
        }
        if let Some(clauses) = parse_startswith_filter(filter) {
            return Ok(UserFilter::StartsWith(clauses));
        }
        let clauses = and_clauses(filter);
        let sign_in: Vec<Clause> = clauses
            .iter()
            .map(|clause| SignInClause::parse(clause))
            .filter(|clause| *clause != Clause::Other)
            .collect();
        match sign_in.as_slice() {
            [] => {}
            [Clause::SignIn(clause)] if clauses.len() == 1 => {
                return Ok(UserFilter::SignIn(*clause))
            }
            [_] if clauses.len() == 1 => return Err(unsupported_filter()),
            _ => {
                return Err(fail(
                    400,
                    "Request_UnsupportedQuery",
                    sign_ins::COMBINED_FILTER_MESSAGE,
                ))
            }
        }
        clauses
            .iter()
            .map(|clause| parse_condition(clause))
            .collect::<Option<Vec<Condition>>>()
            .map(UserFilter::Conditions)
            .ok_or_else(unsupported_filter)
    }

    /// Whether Graph answers this filter only as an advanced query (`$count` in it).
    fn is_advanced(&self) -> bool {
        matches!(self, UserFilter::Conditions(conditions)
            if conditions.iter().any(|c| matches!(c, Condition::Licensed(_))))
    }

    fn admits(&self, user: &User) -> bool {
        match self {
            UserFilter::All => true,
            UserFilter::StartsWith(clauses) => {
                clauses.iter().any(|clause| matches_clause(user, clause))
            }
            // A license a group could not assign (state `Error`) is still the user's:
            // "the original intent to license the user is never lost, but is recorded in
            // an error state" (Entra docs, "Resolve group license assignment problems"),
            // and the filter finds those users too.
            UserFilter::HoldsSku(sku) => {
                user.assigned_licenses.iter().any(|l| &l.sku_id == sku)
                    || user
                        .license_assignment_states
                        .iter()
                        .any(|state| &state.sku_id == sku)
            }
            UserFilter::Conditions(conditions) => {
                conditions.iter().all(|condition| match condition {
                    Condition::Enabled(enabled) => user.account_enabled == Some(*enabled),
                    Condition::Licensed(licensed) => user.assigned_licenses.is_empty() != *licensed,
                })
            }
            UserFilter::SignIn(clause) => clause.admits(user.sign_in_activity.as_ref()),
        }
    }
}

fn matches_clause(user: &User, (property, value): &(String, String)) -> bool {
    let field = match property.to_ascii_lowercase().as_str() {
        "displayname" => user.display_name.as_deref(),
        "userprincipalname" => user.user_principal_name.as_deref(),
        "mail" => user.mail.as_deref(),
        _ => None,
    };
    field.is_some_and(|f| f.to_lowercase().starts_with(&value.to_lowercase()))
}

/// Whether the request carries both advanced-query parameters.
fn is_advanced_query(ctx: &Ctx, query: &[(String, String)]) -> bool {
    let count_asked = query_value(query, "$count").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let eventual = ctx
        .request
        .header("ConsistencyLevel")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"));
    count_asked && eventual
}

/// One page of `items`: `$top` of them (100 unless asked, and at most `limit`), from
/// `$skiptoken` on, with a next link when more remain.
fn page(
    ctx: &Ctx,
    path: &str,
    query: &[(String, String)],
    items: Vec<Value>,
    context: &str,
    limit: Option<usize>,
) -> Result<(u16, Value), Failure> {
    let asked: usize = match query_value(query, "$top") {
        None => 100,
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|n| (1..=999).contains(n))
            .ok_or_else(|| fail(400, "Request_BadRequest", format!("Invalid page size specified: '{raw}'. Must be between 1 and 999 inclusive.")))?,
    };
    let top = limit.map_or(asked, |limit| asked.min(limit));
    let skip: usize = query_value(query, "$skiptoken")
        .and_then(|t| t.strip_prefix("X'"))
        .and_then(|t| t.strip_suffix('\''))
        .and_then(|t| usize::from_str_radix(t, 16).ok())
        .unwrap_or(0);
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(skip).take(top).collect();
    let mut body = json!({
        "@odata.context": format!("{}/{}/$metadata#{context}", ctx.request.origin, ctx.version),
        "value": value,
    });
    let count_asked = query_value(query, "$count").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let eventual = ctx
        .request
        .header("ConsistencyLevel")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"));
    if count_asked && eventual {
        body["@odata.count"] = json!(total);
    }
    if skip + top < total {
        let mut kept: Vec<(&str, String)> = query
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken"))
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        kept.push(("$skiptoken", format!("X'{:x}'", skip + top)));
        body["@odata.nextLink"] = json!(format!(
            "{}/{}{path}?{}",
            ctx.request.origin,
            ctx.version,
            license_desk_core::graph::url::build_query(&kept)
        ));
    }
    Ok((200, body))
}

fn user_index(sim: &Simulator, id: &str) -> Result<usize, Failure> {
    sim.user_index(id).ok_or_else(|| not_found(id))
}

fn parse_assign_body(text: &str) -> Result<AssignLicenseBody, Failure> {
    let value: Value = serde_json::from_str(text)
        .map_err(|_| fail(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."))?;
    let missing: Vec<&str> = ["addLicenses", "removeLicenses"]
        .into_iter()
        .filter(|key| value.get(key).is_none_or(Value::is_null))
        .collect();
    if !missing.is_empty() {
        return Err(fail(
            400,
            "Request_BadRequest",
            format!(
                "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: {}.",
                missing.join(",")
            ),
        ));
    }
    let guids = value["removeLicenses"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(
            value["addLicenses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| &l["skuId"]),
        )
        .chain(
            value["addLicenses"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|l| l["disabledPlans"].as_array().into_iter().flatten()),
        );
    for guid in guids {
        if !guid.as_str().is_some_and(|g| Guid::new(g).is_well_formed()) {
            return Err(fail(400, "Request_BadRequest", "Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details"));
        }
    }
    serde_json::from_value(value).map_err(|e| fail(400, "BadRequest", e.to_string()))
}

pub(crate) fn answer(
    sim: &mut Simulator,
    ctx: &Ctx,
    route: Route,
) -> Result<(u16, Value), Failure> {
    let (path, query) = split_query(&ctx.request.target);
    let path = &path[ctx.version.len() + 1..];
    let now = Simulator::clock_iso(ctx.now_ms);
    match route {
        Route::NotFound => Err(fail(
            400,
            "BadRequest",
            format!(
                "Resource not found for the segment '{}'.",
                path.trim_start_matches('/')
            ),
        )),
        Route::GetUser(id) => {
            let index = user_index(sim, &id)?;
            let user = sim.read_user(index, ctx.now_ms);
            let mut body = profile_json(ctx, &user, select_list(&query).as_deref());
            body["@odata.context"] = json!(format!(
                "{}/{}/$metadata#users/$entity",
                ctx.request.origin, ctx.version
            ));
            Ok((200, body))
        }
        Route::ListUsers => {
            let filter = UserFilter::parse(query_value(&query, "$filter"))?;
            if filter.is_advanced() && !is_advanced_query(ctx, &query) {
                return Err(fail(400, "Request_UnsupportedQuery", ADVANCED_QUERY_NEEDED));
            }
            let select = select_list(&query);
            let count = sim.tenant().users.len();
            let mut users: Vec<User> = (0..count).map(|i| sim.read_user(i, ctx.now_ms)).collect();
            users.sort_by_key(|u| u.display_name.clone().unwrap_or_default().to_lowercase());
            let items = users
                .iter()
                .filter(|user| filter.admits(user))
                .map(|user| profile_json(ctx, user, select.as_deref()))
                .collect();
            let limit =
                sign_ins::asks_for_sign_in_activity(&query).then_some(sign_ins::SIGN_IN_PAGE_LIMIT);
            page(ctx, path, &query, items, "users", limit)
        }
        Route::LicenseDetails(id) => {
            let index = user_index(sim, &id)?;
            let user = sim.read_user(index, ctx.now_ms);
            let catalog = sim.tenant().catalog();
            let value: Vec<Value> = user
                .assigned_licenses
                .iter()
                .filter_map(|license| {
                    let sku = catalog.sku(&license.sku_id)?;
                    Some(json!({
                        "id": format!("{}{}", user.id.as_str().replace('-', ""), sku.sku_id.as_str().replace('-', "")),
                        "skuId": sku.sku_id,
                        "skuPartNumber": sku.sku_part_number,
                        "servicePlans": sku.service_plans.iter().map(|plan| json!({
                            "servicePlanId": plan.service_plan_id,
                            "servicePlanName": plan.service_plan_name,
                            "provisioningStatus": if license.disabled_plans.contains(&plan.service_plan_id) { "Disabled" } else { "Success" },
                            "appliesTo": plan.applies_to,
                        })).collect::<Vec<_>>(),
                    }))
                })
                .collect();
            Ok((200, json!({"value": value})))
        }
        Route::AssignLicense(id) => {
            let index = user_index(sim, &id)?;
            let body = parse_assign_body(&ctx.request.body)?;
            let before = sim.read_user(index, ctx.now_ms);
            sim.tenant_mut()
                .assign_license(index, &body, &now)
                .map_err(|v| fail(v.status, v.code, v.message))?;
            sim.publish(index, before, ctx.now_ms);
            let view = sim.tenant().user_view(index);
            Ok((200, user_json(&view, None)))
        }
        Route::GroupAssignLicense(id) => {
            let index = sim
                .tenant()
                .group_index(&id)
                .ok_or_else(|| not_found(&id))?;
            let body = parse_assign_body(&ctx.request.body)?;
            sim.tenant_mut()
                .assign_group_license(index, &body)
                .map_err(|v| fail(v.status, v.code, v.message))?;
            let group = sim.tenant().groups[index].clone();
            sim.start_group_run(group.id.clone(), ctx.now_ms);
            Ok((
                202,
                json!({
                    "id": group.id,
                    "createdDateTime": super::seed::GROUPS_CREATED_AT,
                    "displayName": group.display_name,
                    "groupTypes": [],
                    "securityEnabled": true,
                }),
            ))
        }
        Route::DirectorySubscriptions => {
            let value = super::subscriptions::company_subscriptions(&sim.tenant().skus, ctx.now_ms);
            Ok((
                200,
                json!({
                    "@odata.context": format!("{}/{}/$metadata#directory/subscriptions", ctx.request.origin, ctx.version),
                    "value": value,
                }),
            ))
        }
        Route::Reprocess(id) => {
            let index = user_index(sim, &id)?;
            let before = sim.read_user(index, ctx.now_ms);
            sim.tenant_mut().process_groups(index, &now);
            sim.publish(index, before, ctx.now_ms);
            let view = sim.tenant().user_view(index);
            Ok((200, user_json(&view, None)))
        }
        Route::UpdateUser(id) => {
            let index = user_index(sim, &id)?;
            let patch: Value = serde_json::from_str(&ctx.request.body)
                .map_err(|_| fail(400, "BadRequest", "Unable to read JSON request payload."))?;
            let before = sim.read_user(index, ctx.now_ms);
            if let Some(location) = patch.get("usageLocation") {
                let code = location.as_str().unwrap_or("").trim().to_ascii_uppercase();
                if !license_desk_core::licensing::usage_location::is_valid_usage_location(Some(
                    &code,
                )) {
                    return Err(fail(
                        400,
                        "Request_BadRequest",
                        "Invalid value specified for property 'usageLocation' of resource 'User'.",
                    ));
                }
                sim.tenant_mut().users[index].usage_location = Some(code);
            }
            sim.publish(index, before, ctx.now_ms);
            Ok((204, Value::Null))
        }
        Route::SubscribedSkus => {
            let skus = &sim.tenant().skus;
            Ok((
                200,
                json!({
                    "@odata.context": format!("{}/{}/$metadata#subscribedSkus", ctx.request.origin, ctx.version),
                    "value": skus,
                }),
            ))
        }
        Route::ListGroups => {
            let filter =
                query_value(&query, "$filter").map(|f| f.replace(' ', "").to_ascii_lowercase());
            let errors_only = match filter.as_deref() {
                None => false,
                Some("hasmemberswithlicenseerrorseqtrue") => true,
                Some(_) => {
                    return Err(fail(
                        400,
                        "Request_UnsupportedQuery",
                        "Unsupported or invalid query filter clause specified.",
                    ))
                }
            };
            if errors_only
                && ctx
                    .request
                    .header("ConsistencyLevel")
                    .is_some_and(|v| v.eq_ignore_ascii_case("eventual"))
            {
                return Err(fail(
                    400,
                    "Request_UnsupportedQuery",
                    "Unsupported or invalid query filter clause specified for property 'hasMembersWithLicenseErrors' of resource 'Group'.",
                ));
            }
            let view: &Simulator = sim;
            let tenant = view.tenant();
            let select = select_list(&query);
            let items = tenant
                .groups
                .iter()
                .filter(|group| !errors_only || !tenant.members_with_errors(&group.id).is_empty())
                .map(|group| group_out(view, ctx, group, select.as_deref()))
                .collect();
            page(ctx, path, &query, items, "groups", None)
        }
        Route::GetGroup(id) => {
            let tenant = sim.tenant();
            let index = tenant.group_index(&id).ok_or_else(|| not_found(&id))?;
            let select = select_list(&query);
            let mut body = group_out(sim, ctx, &tenant.groups[index], select.as_deref());
            body["@odata.context"] = json!(format!(
                "{}/{}/$metadata#groups/$entity",
                ctx.request.origin, ctx.version
            ));
            Ok((200, body))
        }
        Route::GroupMembersWithErrors(id) | Route::GroupMembers(id) => {
            let errors_only = path
                .to_ascii_lowercase()
                .ends_with("memberswithlicenseerrors");
            let users_only = path.to_ascii_lowercase().ends_with("/microsoft.graph.user");
            let tenant = sim.tenant();
            let index = tenant.group_index(&id).ok_or_else(|| not_found(&id))?;
            let group = tenant.groups[index].id.clone();
            let members: Vec<usize> = if errors_only {
                tenant.members_with_errors(&group)
            } else {
                tenant.direct_members(&group)
            };
            let select = member_select(&query);
            let mut items = member_users(tenant, members, &select);
            if !errors_only && !users_only {
                items.extend(member_groups(sim, ctx, &[group], &select));
            }
            let context = if users_only {
                "users"
            } else {
                "directoryObjects"
            };
            page(ctx, path, &query, items, context, None)
        }
        Route::GroupTransitiveMembers { id, users_only } => {
            let tenant = sim.tenant();
            let index = tenant.group_index(&id).ok_or_else(|| not_found(&id))?;
            let group = tenant.groups[index].id.clone();
            let select = member_select(&query);
            let mut items = member_users(tenant, tenant.transitive_members(&group), &select);
            let context = if users_only {
                "users"
            } else {
                items.extend(member_groups(
                    sim,
                    ctx,
                    &tenant.nested_groups(&group),
                    &select,
                ));
                "directoryObjects"
            };
            page(ctx, path, &query, items, context, None)
        }
    }
}

/// What member lists return without `$select`.
fn member_select(query: &[(String, String)]) -> Vec<String> {
    select_list(query).unwrap_or_else(|| {
        vec![
            "id".into(),
            "displayName".into(),
            "userPrincipalName".into(),
        ]
    })
}

fn member_users(tenant: &super::Tenant, members: Vec<usize>, select: &[String]) -> Vec<Value> {
    members
        .into_iter()
        .map(|i| {
            let mut json = user_json(&tenant.user_view(i), Some(select));
            json["@odata.type"] = json!("#microsoft.graph.user");
            json
        })
        .collect()
}

/// The groups nested directly in each of `parents`, as member objects.
fn member_groups(sim: &Simulator, ctx: &Ctx, parents: &[GroupId], select: &[String]) -> Vec<Value> {
    let tenant = sim.tenant();
    tenant
        .groups
        .iter()
        .filter(|group| {
            parents.iter().any(|parent| {
                tenant
                    .groups
                    .iter()
                    .any(|p| &p.id == parent && p.member_groups.contains(&group.id))
            })
        })
        .map(|group| {
            let mut json = group_out(sim, ctx, group, Some(select));
            json["@odata.type"] = json!("#microsoft.graph.group");
            json
        })
        .collect()
}

/// `json` with only the `$select`ed properties (and the id), when a selection is given.
fn selected(json: Value, select: Option<&[String]>) -> Value {
    let (Value::Object(mut map), Some(select)) = (json.clone(), select) else {
        return json;
    };
    map.retain(|name, _| name == "id" || select.iter().any(|s| s.eq_ignore_ascii_case(name)));
    Value::Object(map)
}

fn group_json(group: &super::tenant::SimGroup, processing: &str) -> Value {
    json!({
        "id": group.id,
        "displayName": group.display_name,
        "securityEnabled": true,
        "groupTypes": [],
        "assignedLicenses": group.licenses,
        "licenseProcessingState": {"state": processing},
    })
}

/// Properties of a group that Graph returns only on `$select`.
const GROUP_SELECT_ONLY: [&str; 2] = ["assignedLicenses", "licenseProcessingState"];

/// A group as Graph returns it: its license properties only when `$select`ed.
fn group_out(
    sim: &Simulator,
    ctx: &Ctx,
    group: &super::tenant::SimGroup,
    select: Option<&[String]>,
) -> Value {
    let processing = sim.group_processing_state(&group.id, ctx.now_ms);
    let json = group_json(group, processing.as_str());
    match select {
        Some(_) => selected(json, select),
        None => {
            let Value::Object(mut map) = json else {
                return json;
            };
            map.retain(|name, _| !GROUP_SELECT_ONLY.contains(&name.as_str()));
            Value::Object(map)
        }
    }
}
