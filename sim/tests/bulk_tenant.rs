//! What bulk changes rely on: the lazily built bulk population and its groups, the reads
//! the bulk screen sends, the write quota, hidden `Retry-After`, faults and write counts.
#![cfg(not(target_arch = "wasm32"))]

use license_desk_core::graph::request;
use license_desk_sim::bulk::{self, GROUP_CONTRACTORS, GROUP_SUPPORT, GROUP_SUPPORT_LEADS};
use license_desk_sim::fixtures::{respond, sim_request, token_for_tenant, NOW};
use license_desk_sim::seed::{E3, EMS, EXCHANGE_P1, POWER_BI_PRO};
use license_desk_sim::{SimConfig, SimOutcome, SimRequest, Simulator, ThrottleModel};
use serde_json::{json, Value};

const ORIGIN: &str = "http://127.0.0.1:9";

fn bearer() -> String {
    token_for_tenant(license_desk_sim::DEMO_TENANT_ID)
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        license_desk_core::graph::response::find_header(&self.headers, name)
    }
}

fn call(
    sim: &mut Simulator,
    method: &str,
    target: &str,
    body: &str,
    extra: &[(&str, &str)],
    now: u64,
) -> Option<Answer> {
    let mut headers = vec![("Authorization".to_string(), format!("Bearer {}", bearer()))];
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let request = SimRequest {
        method: method.into(),
        target: format!("/v1.0{target}"),
        headers,
        body: body.into(),
        origin: ORIGIN.into(),
    };
    match sim.handle(&request, now) {
        SimOutcome::Respond(response) => Some(Answer {
            status: response.status,
            body: serde_json::from_str(&response.body).unwrap_or(Value::Null),
            headers: response.headers,
        }),
        SimOutcome::Drop => None,
    }
}

fn get(sim: &mut Simulator, target: &str, extra: &[(&str, &str)]) -> Answer {
    call(sim, "GET", target, "", extra, NOW).expect("answered")
}

/// A POST of `body` to `target` at `now`; `None` when the simulator drops the connection.
fn post(sim: &mut Simulator, target: &str, body: &str, now: u64) -> Option<Answer> {
    call(sim, "POST", target, body, &[], now)
}

/// Every page of a collection, following `@odata.nextLink`; also the first page's count.
fn all_pages(
    sim: &mut Simulator,
    first: &str,
    extra: &[(&str, &str)],
) -> (Vec<Value>, usize, Option<u64>) {
    let mut target = first.to_string();
    let (mut items, mut pages, mut count) = (Vec::new(), 0, None);
    loop {
        let page = get(sim, &target, extra);
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        if pages == 1 {
            count = page.body["@odata.count"].as_u64();
        }
        items.extend(page.body["value"].as_array().unwrap().iter().cloned());
        match page.body["@odata.nextLink"].as_str() {
            Some(link) => {
                target = link
                    .strip_prefix(&format!("{ORIGIN}/v1.0"))
                    .expect("a next link on this origin")
                    .to_string()
            }
            None => return (items, pages, count),
        }
    }
}

/// Every item of a collection, read without extra headers.
fn items(sim: &mut Simulator, first: &str) -> Vec<Value> {
    all_pages(sim, first, &[]).0
}

fn demo() -> Simulator {
    Simulator::new(SimConfig::demo())
}

/// A simulator that admits one write per `window_ms` (a sliding window), configured
/// otherwise as `rest`.
fn one_write_per(window_ms: u64, rest: SimConfig) -> Simulator {
    Simulator::new(SimConfig {
        write_quota: 1,
        write_window_ms: window_ms,
        throttle_model: ThrottleModel::SlidingWindow,
        ..rest
    })
}

fn reprocess(user: &str) -> String {
    format!("/users/{user}/reprocessLicenseAssignment")
}

fn batch_body(items: &[(&str, &str, Option<Value>)]) -> String {
    let requests: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (method, url, body))| {
            let mut item = json!({"id": (i + 1).to_string(), "method": method, "url": url});
            if let Some(body) = body {
                item["body"] = body.clone();
                item["headers"] = json!({"Content-Type": "application/json"});
            }
            item
        })
        .collect();
    json!({ "requests": requests }).to_string()
}

#[test]
fn the_bulk_population_is_built_on_first_access_beyond_the_named_users() {
    let mut sim = demo();
    assert!(sim.bulk_pending());
    assert_eq!(sim.tenant().users.len(), 51);
    // Signing in and the licenses screen read the signed-in user and the SKUs only.
    let skus_before = get(&mut sim, "/subscribedSkus", &[]).body;
    assert_eq!(
        get(&mut sim, "/users/adelev@contoso.example", &[]).status,
        200
    );
    assert_eq!(
        post(&mut sim, &reprocess("meganb@contoso.example"), "", NOW)
            .unwrap()
            .status,
        200
    );
    // Opening a named user reads the groups their licenses come from.
    let all_staff = license_desk_sim::seed::GROUP_ALL_STAFF;
    assert_eq!(
        get(&mut sim, &format!("/groups/{all_staff}"), &[]).status,
        200
    );
    assert!(sim.bulk_pending(), "nothing asked for a bulk user yet");
    assert_eq!(sim.tenant().users.len(), 51);
    // A batch read of a bulk user builds them; an unknown one is still not found.
    let body = batch_body(&[
        (
            "GET",
            "/users/bulk00042@contoso.example?$select=id,userPrincipalName",
            None,
        ),
        ("GET", "/users/nobody@contoso.example?$select=id", None),
    ]);
    let answer = post(&mut sim, "/$batch", &body, NOW).unwrap();
    assert!(!sim.bulk_pending());
    assert_eq!(sim.tenant().users.len(), 2_000);
    let responses = answer.body["responses"].as_array().unwrap();
    assert_eq!(responses[0]["status"], 200);
    assert_eq!(
        responses[0]["body"]["userPrincipalName"],
        "bulk00042@contoso.example"
    );
    assert_eq!(responses[1]["status"], 404);
    assert_eq!(
        responses[1]["body"]["error"]["code"],
        "Request_ResourceNotFound"
    );
    // Seats were counted (and bought) from the start: building changes no number.
    assert_eq!(get(&mut sim, "/subscribedSkus", &[]).body, skus_before);
    // A bulk group by id builds them too.
    let mut fresh = demo();
    let sales = get(
        &mut fresh,
        &format!("/groups/{}?$select=displayName", bulk::GROUP_SALES),
        &[],
    );
    assert_eq!(sales.body["displayName"], "Sales");
    assert!(!fresh.bulk_pending());
}

#[test]
fn listing_users_builds_the_population_and_pages_through_it() {
    let mut sim = demo();
    let (users, pages, _) = all_pages(
        &mut sim,
        "/users?$select=id,userPrincipalName,displayName&$top=999",
        &[],
    );
    assert_eq!((users.len(), pages), (2_000, 3));
    let mut upns: Vec<&str> = users
        .iter()
        .map(|u| u["userPrincipalName"].as_str().unwrap())
        .collect();
    upns.sort();
    upns.dedup();
    assert_eq!(upns.len(), 2_000);
    assert!(upns.contains(&"bulk01949@contoso.example"));
    assert!(!upns.contains(&"bulk01950@contoso.example"));
}

#[test]
fn the_demo_tenant_spreads_bulk_users_over_groups_and_skus() {
    let mut sim = demo();
    sim.build_bulk();
    let tenant = sim.tenant();
    assert_eq!(tenant.groups.len(), 8);
    let size = |id: &str| {
        tenant
            .direct_members(&license_desk_core::graph::ids::GroupId::new(id))
            .len()
    };
    for (group, low, high) in [
        (bulk::GROUP_SALES, 1_000, 1_500),
        (GROUP_SUPPORT, 300, 500),
        (GROUP_SUPPORT_LEADS, 150, 250),
        (GROUP_CONTRACTORS, 50, 150),
    ] {
        assert!(
            (low..=high).contains(&size(group)),
            "{group}: {}",
            size(group)
        );
    }
    let bulk_users = &tenant.users[51..];
    assert!(
        bulk_users
            .iter()
            .filter(|u| u.usage_location.is_none())
            .count()
            > 100
    );
    // Enough seats for everyone who holds one, and Power BI Pro nearly out.
    for sku in &tenant.skus {
        assert!(
            sku.consumed_units <= sku.prepaid_units.enabled,
            "{}",
            sku.sku_part_number
        );
    }
    let pbi = tenant
        .skus
        .iter()
        .find(|s| s.sku_id.as_str() == POWER_BI_PRO)
        .unwrap();
    assert_eq!(pbi.free_seats(), 8);
}

#[test]
fn transitive_members_reach_through_the_nested_group() {
    let mut sim = demo();
    let select = "$select=id,userPrincipalName,displayName&$top=999";
    let transitive = items(
        &mut sim,
        &format!("/groups/{GROUP_SUPPORT}/transitiveMembers/microsoft.graph.user?{select}"),
    );
    let support = items(
        &mut sim,
        &format!("/groups/{GROUP_SUPPORT}/members?{select}"),
    );
    let leads = items(
        &mut sim,
        &format!("/groups/{GROUP_SUPPORT_LEADS}/members?{select}"),
    );
    // Direct members list the nested group itself; the user cast lists only users.
    let nested: Vec<&Value> = support
        .iter()
        .filter(|m| m["@odata.type"] == "#microsoft.graph.group")
        .collect();
    assert_eq!(nested.len(), 1);
    assert_eq!(nested[0]["id"], GROUP_SUPPORT_LEADS);
    let direct_users = support.len() - 1;
    assert_eq!(transitive.len(), direct_users + leads.len());
    assert!(
        transitive
            .iter()
            .all(|m| m["@odata.type"] == "#microsoft.graph.user"
                && m["userPrincipalName"].is_string())
    );
    let lead = leads[0]["id"].as_str().unwrap();
    assert!(transitive.iter().any(|m| m["id"] == lead));
    // Paging with small pages gives the same members.
    let (small, pages, _) = all_pages(
        &mut sim,
        &format!(
            "/groups/{GROUP_SUPPORT}/transitiveMembers/microsoft.graph.user?$select=id&$top=100"
        ),
        &[],
    );
    assert_eq!(small.len(), transitive.len());
    assert!(pages > 5);
    // Licenses don't flow through nesting: a lead holds EMS, not Exchange Online.
    let user = get(
        &mut sim,
        &format!("/users/{lead}?$select=assignedLicenses"),
        &[],
    );
    let skus: Vec<&str> = user.body["assignedLicenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["skuId"].as_str().unwrap())
        .collect();
    assert_eq!(skus, vec![EMS]);
    assert!(!skus.contains(&EXCHANGE_P1));
}

#[test]
fn users_holding_a_sku_are_filtered_and_counted() {
    let mut sim = demo();
    let eventual = [("ConsistencyLevel", "eventual")];
    let target = format!(
        "/users?$filter=assignedLicenses/any(x:x/skuId eq {E3})&$count=true&$select=id,userPrincipalName,assignedLicenses&$top=999"
    );
    let (users, pages, count) = all_pages(&mut sim, &target, &eventual);
    assert_eq!(pages, 2);
    assert_eq!(count, Some(users.len() as u64));
    // The filter finds the users who hold E3, and those whose E3 is in error: Entra ID
    // keeps the intent on the user ("recorded in an error state").
    let holds = |u: &serde_json::Value| {
        u["assignedLicenses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["skuId"] == E3)
    };
    let tenant_wants_e3 = |i: usize| {
        let view = sim.tenant().user_view(i);
        view.assigned_licenses
            .iter()
            .any(|l| l.sku_id.as_str() == E3)
            || view
                .license_assignment_states
                .iter()
                .any(|s| s.sku_id.as_str() == E3)
    };
    let wanted = (0..sim.tenant().users.len())
        .filter(|&i| tenant_wants_e3(i))
        .count();
    assert_eq!(users.len(), wanted);
    // Those holding it take a seat each.
    let seated = users.iter().filter(|u| holds(u)).count() as u64;
    let e3 = get(&mut sim, "/subscribedSkus", &[]).body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skuId"] == E3)
        .unwrap()["consumedUnits"]
        .as_u64()
        .unwrap();
    assert_eq!(seated, e3);
    // Another variable name and the encoded form the core sends work alike.
    let encoded = format!(
        "/users?$filter=assignedLicenses%2Fany(l%3Al%2FskuId%20eq%20{POWER_BI_PRO})&$count=true&$top=5"
    );
    let first = get(&mut sim, &encoded, &eventual);
    assert_eq!(first.status, 200);
    assert_eq!(first.body["value"].as_array().unwrap().len(), 5);
    assert!(first.body["@odata.count"].as_u64().unwrap() > 5);
    // Without the advanced-query header the filter is accepted, without a count.
    let plain = get(&mut sim, &target, &[]);
    assert_eq!(plain.status, 200);
    assert!(plain.body.get("@odata.count").is_none());
    assert_eq!(
        get(
            &mut sim,
            "/users?$filter=assignedLicenses/any(x:x/skuId eq nonsense)",
            &[]
        )
        .status,
        400
    );
}

#[test]
fn groups_page_with_select_and_members_in_error_are_listed() {
    let mut sim = demo();
    let (groups, pages, _) = all_pages(&mut sim, "/groups?$select=id,displayName&$top=3", &[]);
    assert_eq!((groups.len(), pages), (8, 3));
    assert!(groups.iter().all(|g| g.as_object().unwrap().len() == 2));
    assert!(groups
        .iter()
        .any(|g| g["displayName"] == "Customer Support"));
    let errors = items(
        &mut sim,
        &format!("/groups/{GROUP_CONTRACTORS}/membersWithLicenseErrors?$top=20"),
    );
    let members = items(
        &mut sim,
        &format!("/groups/{GROUP_CONTRACTORS}/members?$top=999"),
    );
    assert!(
        !errors.is_empty() && errors.len() < members.len(),
        "{} of {}",
        errors.len(),
        members.len()
    );
    let listed = get(
        &mut sim,
        "/groups?$filter=hasMembersWithLicenseErrors eq true",
        &[],
    );
    assert!(listed.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == GROUP_CONTRACTORS));
}

#[test]
fn the_sliding_window_never_admits_more_than_the_quota_in_any_window() {
    let (quota, window) = (20u32, 10_000u64);
    let mut sim = Simulator::new(SimConfig {
        write_quota: quota,
        write_window_ms: window,
        throttle_model: ThrottleModel::SlidingWindow,
        ..SimConfig::default()
    });
    let mut admitted = Vec::new();
    let mut rng = license_desk_core::ops::rng::Rng::new(9);
    let mut now = NOW;
    for _ in 0..1_500 {
        now += rng.below(400) as u64;
        let answer = post(&mut sim, &reprocess("meganb@contoso.example"), "", now).unwrap();
        match answer.status {
            200 => admitted.push(now),
            429 => {
                // Retry-After is the wait until the window admits a write again.
                let wait: u64 = answer.header("Retry-After").unwrap().parse().unwrap();
                let at = now + wait * 1_000;
                let oldest_in_window = admitted
                    .iter()
                    .rev()
                    .nth(quota as usize - 1)
                    .copied()
                    .unwrap();
                assert!(
                    oldest_in_window + window <= at,
                    "waiting {wait} s is not enough"
                );
                assert!(
                    oldest_in_window + window > at - 1_000,
                    "waiting {wait} s is too long"
                );
            }
            other => panic!("status {other}"),
        }
    }
    assert!(admitted.len() > 100);
    for (i, &start) in admitted.iter().enumerate() {
        let within = admitted[i..]
            .iter()
            .take_while(|&&t| t < start + window)
            .count();
        assert!(
            within <= quota as usize,
            "{within} writes within {window} ms from {start}"
        );
    }
    assert_eq!(sim.stats().writes_applied() as usize, admitted.len());
    assert_eq!(
        sim.stats().writes_throttled() as usize,
        1_500 - admitted.len()
    );
}

#[test]
fn the_quota_is_kept_per_app_and_tenant() {
    let mut sim = one_write_per(
        60_000,
        SimConfig {
            check_tokens: true,
            ..SimConfig::default()
        },
    );
    let megan = request::reprocess_license_assignment("meganb@contoso.example");
    let send = |sim: &mut Simulator, tid: &str| {
        respond(sim, &sim_request(&megan, &token_for_tenant(tid)), NOW).status
    };
    assert_eq!(send(&mut sim, "tenant-a"), 200);
    assert_eq!(send(&mut sim, "tenant-a"), 429);
    assert_eq!(send(&mut sim, "tenant-b"), 200);
}

#[test]
fn hidden_retry_after_leaves_the_header_out_of_answers_and_batch_items() {
    for hide in [false, true] {
        let mut sim = one_write_per(
            30_000,
            SimConfig {
                hide_retry_after: hide,
                ..SimConfig::default()
            },
        );
        let megan = reprocess("meganb@contoso.example");
        assert_eq!(post(&mut sim, &megan, "", NOW).unwrap().status, 200);
        let throttled = post(&mut sim, &megan, "", NOW + 1).unwrap();
        assert_eq!(throttled.status, 429);
        assert_eq!(throttled.header("Retry-After").is_none(), hide);
        let body = batch_body(&[("POST", &megan, None), ("POST", &megan, None)]);
        let batch = post(&mut sim, "/$batch", &body, NOW + 2).unwrap();
        for item in batch.body["responses"].as_array().unwrap() {
            assert_eq!(item["status"], 429);
            assert_eq!(item["headers"].get("Retry-After").is_none(), hide, "{item}");
        }
    }
}

#[test]
fn duplicate_writes_are_counted_per_user_including_batch_items_until_reset() {
    let mut sim = demo();
    let assign = |sku: &str| json!({"addLicenses": [{"skuId": sku, "disabledPlans": []}], "removeLicenses": []});
    let alex = "/users/alexw@contoso.example/assignLicense";
    // First writes: not duplicates.
    assert_eq!(
        post(&mut sim, &reprocess("bulk00001@contoso.example"), "", NOW)
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        post(&mut sim, alex, &assign(POWER_BI_PRO).to_string(), NOW)
            .unwrap()
            .status,
        200
    );
    assert_eq!(sim.stats().duplicate_writes(), 0);
    // The same reprocess (by id this time) and the same body with other spacing, in a batch.
    let id = sim.tenant().users[sim
        .tenant()
        .user_index("bulk00001@contoso.example")
        .unwrap()]
    .id
    .to_string();
    let spaced = serde_json::to_string_pretty(&assign(POWER_BI_PRO)).unwrap();
    let body = batch_body(&[
        ("POST", &reprocess(&id), None),
        ("POST", alex, Some(serde_json::from_str(&spaced).unwrap())),
        ("POST", &reprocess("bulk00002@contoso.example"), None),
        ("POST", alex, Some(assign(E3))),
    ]);
    let batch = post(&mut sim, "/$batch", &body, NOW + 1).unwrap();
    let statuses: Vec<u64> = batch.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![200, 200, 200, 200]);
    let stats = sim.stats().to_json_with_users();
    assert_eq!(stats["duplicate_writes"], 2, "{stats}");
    assert_eq!(stats["writes_received"], 6);
    assert_eq!(stats["writes_applied"], 6);
    assert_eq!(stats["writes_throttled"], 0);
    assert_eq!(stats["users"]["bulk00001@contoso.example"], 2);
    assert_eq!(stats["users"]["alexw@contoso.example"], 3);
    assert_eq!(stats["users"]["bulk00002@contoso.example"], 1);
    assert!(stats["users"].get("bulk00003@contoso.example").is_none());
    sim.reset_stats();
    let stats = sim.stats().to_json();
    for key in [
        "writes_received",
        "writes_applied",
        "writes_throttled",
        "duplicate_writes",
        "repeated_writes_applied",
    ] {
        assert_eq!(stats[key], 0, "{key}");
    }
    // Counting starts afresh: the same write again is not a duplicate of a forgotten one.
    post(
        &mut sim,
        &reprocess("bulk00001@contoso.example"),
        "",
        NOW + 2,
    )
    .unwrap();
    assert_eq!(sim.stats().duplicate_writes(), 0);
}

#[test]
fn faults_hit_whole_requests_and_batch_items_and_applied_ones_are_counted() {
    let mut sim = Simulator::new(SimConfig {
        fault_rate: 0.3,
        bulk_users: 600,
        write_quota: 100_000,
        ..SimConfig::default()
    });
    let mut statuses = std::collections::BTreeMap::new();
    let mut dropped = 0;
    for n in 1..=300 {
        match post(&mut sim, &reprocess(&bulk::upn(n)), "", NOW + n as u64) {
            Some(answer) => *statuses.entry(answer.status).or_insert(0) += 1,
            None => dropped += 1,
        }
    }
    let ok = statuses.get(&200).copied().unwrap_or(0);
    assert!(
        dropped > 5 && statuses[&503] > 5 && statuses[&504] > 10,
        "{statuses:?} {dropped}"
    );
    // Lost answers and 504-after-apply were applied; 503 and 504-before were not.
    let applied = sim.stats().writes_applied();
    assert!(
        applied > ok + dropped && applied < 300 - statuses[&503],
        "{applied} {statuses:?}"
    );
    assert_eq!(sim.stats().applied_per_user().len() as u32, applied);
    let mut items = std::collections::BTreeMap::new();
    for chunk in 0..15 {
        let urls: Vec<String> = (0..20)
            .map(|i| reprocess(&bulk::upn(301 + chunk * 20 + i)))
            .collect();
        let body = batch_body(
            &urls
                .iter()
                .map(|u| ("POST", u.as_str(), None))
                .collect::<Vec<_>>(),
        );
        if let Some(answer) = post(&mut sim, "/$batch", &body, NOW + 1_000 + chunk as u64) {
            if answer.status == 200 {
                for item in answer.body["responses"].as_array().unwrap() {
                    *items.entry(item["status"].as_u64().unwrap()).or_insert(0) += 1;
                }
            }
        }
    }
    for status in [200, 429, 503, 504] {
        assert!(items.get(&status).copied().unwrap_or(0) > 3, "{items:?}");
    }
    assert_eq!(sim.stats().writes_received(), 600);
    assert!(sim.stats().writes_throttled() >= items[&429]);
}
