//! "Reclaim licenses" against the simulator: Graph's rules for sign-in activity and the
//! advanced query for disabled accounts, a tenant without Entra ID P1, permissions,
//! short pages, renewal terms, and the demo tenant walked through the five findings the
//! way the screen will, then handed to the bulk engine.
#![cfg(not(target_arch = "wasm32"))]

mod ops_support;

use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::model::{CompanySubscription, Group, ODataPage, SubscribedSku, User};
use license_desk_core::graph::request::{self, ApiVersion, GraphEndpoint, GraphRequest};
use license_desk_core::graph::response::RawResponse;
use license_desk_core::licensing::catalog::Catalog;
use license_desk_core::lists::reclaim::findings::{Reason, SignInUnavailable};
use license_desk_core::lists::reclaim::seats::{infer_term, subscriptions_of, Term};
use license_desk_core::lists::reclaim::{
    self, analyse, hand_over, Exclusions, Findings, GroupMembers, Options, PriceTable, Reads,
    Section, Selection, SignIn,
};
use license_desk_core::lists::user_list::UserPages;
use license_desk_core::ops::{Options as RunOptions, Run, Status};
use license_desk_sim::fixtures::{answer, fresh_token, token_with, NOW, ORIGIN};
use license_desk_sim::seed::E3;
use license_desk_sim::sign_ins::{
    COMBINED_FILTER_MESSAGE, NO_PREMIUM_CODE, NO_PREMIUM_MESSAGE, SIGN_IN_PAGE_LIMIT,
};
use license_desk_sim::{SimConfig, Simulator};
use ops_support::Driver;

fn send(sim: &mut Simulator, request: &GraphRequest, token: &str) -> RawResponse {
    answer(sim, request, token, NOW)
}

fn endpoint() -> GraphEndpoint {
    GraphEndpoint::parse(ORIGIN, ApiVersion::V1).unwrap()
}

/// Every page of a user listing, as the screen reads it, and each page's size.
fn read_all(sim: &mut Simulator, first: GraphRequest, token: &str) -> (UserPages, Vec<usize>) {
    let mut pages = UserPages::new(endpoint(), first);
    let mut sizes = Vec::new();
    while let Some(next) = pages.next_request().cloned() {
        let answer = send(sim, &next, token);
        assert_eq!(answer.status, 200, "{}", answer.body);
        let page: ODataPage<User> = answer.parse().unwrap();
        sizes.push(page.value.len());
        pages.accept(page, answer.header("request-id")).unwrap();
    }
    (pages, sizes)
}

fn error_of(answer: &RawResponse) -> (u16, String, String) {
    let error = GraphError::from_response(answer);
    (answer.status, error.code.unwrap_or_default(), error.message)
}

fn get(path: &str) -> GraphRequest {
    GraphRequest::get(path)
}

#[test]
fn the_disabled_accounts_query_needs_the_advanced_query_parameters() {
    let mut sim = Simulator::new(SimConfig::default());
    let token = fresh_token(NOW);
    let full = request::disabled_licensed_users(999);
    // Without the header, or without $count=true: 400 Request_UnsupportedQuery.
    let mut headerless = full.clone();
    headerless.headers.clear();
    let (status, code, message) = error_of(&send(&mut sim, &headerless, &token));
    assert_eq!((status, code.as_str()), (400, "Request_UnsupportedQuery"));
    assert!(message.contains("$count=true") && message.contains("ConsistencyLevel:eventual"));
    let uncounted =
        get("/users?$filter=accountEnabled eq false and assignedLicenses/$count ne 0&$select=id")
            .with_header("ConsistencyLevel", "eventual");
    assert_eq!(send(&mut sim, &uncounted, &token).status, 400);
    // With both: exactly the disabled accounts that hold a license, and their count.
    let answer = send(&mut sim, &full, &token);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let page: ODataPage<User> = answer.parse().unwrap();
    let mut names: Vec<&str> = page.value.iter().map(User::label).collect();
    names.sort();
    assert_eq!(names, ["Info Mailbox", "Miriam Graham", "Rosa Quintero"]);
    assert_eq!(page.count, Some(3));
    let tenant = sim.tenant();
    let expected = (0..tenant.users.len())
        .filter(|&i| !tenant.users[i].account_enabled)
        .filter(|&i| !tenant.user_view(i).assigned_licenses.is_empty())
        .count();
    assert_eq!(expected, 3);
    // Each comes with where each license comes from, and no sign-in activity.
    let rosa = page
        .value
        .iter()
        .find(|u| u.label() == "Rosa Quintero")
        .unwrap();
    assert!(rosa.assignment_sources_known());
    assert_eq!(rosa.account_enabled, Some(false));
    assert!(rosa.created_date_time.is_some());
    assert_eq!(rosa.sign_in_activity, None);
}

#[test]
fn sign_in_activity_can_be_filtered_on_but_not_with_another_property() {
    let mut sim = Simulator::new(SimConfig::default());
    let token = fresh_token(NOW);
    let combined = get("/users?$filter=accountEnabled eq true and signInActivity/lastSignInDateTime le 2026-10-17T00:00:00Z&$select=id,signInActivity");
    let (status, code, message) = error_of(&send(&mut sim, &combined, &token));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (400, "Request_UnsupportedQuery", COMBINED_FILTER_MESSAGE)
    );
    // An operator Graph doesn't support on it.
    let lt = get("/users?$filter=signInActivity/lastSignInDateTime lt 2026-10-17T00:00:00Z");
    assert_eq!(send(&mut sim, &lt, &token).status, 400);
    // Alone, it works: who last signed in interactively before 2026-10-17 (90 days ago).
    let alone = get("/users?$filter=signInActivity/lastSignInDateTime le 2026-10-17T00:00:00Z&$select=id,displayName,signInActivity");
    let answer = send(&mut sim, &alone, &token);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let page: ODataPage<User> = answer.parse().unwrap();
    let mut names: Vec<&str> = page.value.iter().map(User::label).collect();
    names.sort();
    // Sanjay's phone keeps him in use, but his last interactive sign-in is that old.
    assert_eq!(
        names,
        [
            "Hugo Brandt",
            "Keiko Tanabe",
            "Miriam Graham",
            "Rosa Quintero",
            "Sanjay Rao"
        ]
    );
}

#[test]
fn sign_in_activity_and_creation_dates_come_back_only_on_select() {
    let mut sim = Simulator::new(SimConfig::default());
    let token = fresh_token(NOW);
    let plain: serde_json::Value =
        serde_json::from_str(&send(&mut sim, &get("/users?$top=999"), &token).body).unwrap();
    for user in plain["value"].as_array().unwrap() {
        assert!(user.get("signInActivity").is_none());
        assert!(user.get("createdDateTime").is_none());
    }
    let selected = send(&mut sim, &request::users_with_sign_in_activity(999), &token);
    let raw: serde_json::Value = serde_json::from_str(&selected.body).unwrap();
    let by_name = |name: &str| {
        raw["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["displayName"] == name)
            .unwrap()
            .clone()
    };
    // Never signed in: the property is left out altogether.
    let olga = by_name("Olga Berg");
    assert!(olga.get("signInActivity").is_none(), "{olga}");
    assert_eq!(olga["createdDateTime"], "2025-12-11T08:00:00Z");
    // The phone: no interactive sign-in for 300 days, an app's yesterday; the kinds it
    // never had are written with Graph's placeholders.
    let sanjay = by_name("Sanjay Rao");
    assert_eq!(
        sanjay["signInActivity"]["lastNonInteractiveSignInDateTime"],
        "2027-01-14T08:00:00Z"
    );
    let hugo = by_name("Hugo Brandt");
    assert_eq!(
        hugo["signInActivity"]["lastSuccessfulSignInDateTime"],
        "2026-08-18T08:00:00Z"
    );
    let keiko = by_name("Keiko Tanabe");
    assert_eq!(
        keiko["signInActivity"]["lastNonInteractiveSignInDateTime"],
        "0001-01-01T00:00:00Z"
    );
    // The core reads the placeholders as "never".
    let page: ODataPage<User> = selected.parse().unwrap();
    let keiko = page
        .value
        .iter()
        .find(|u| u.label() == "Keiko Tanabe")
        .unwrap();
    let activity = keiko.sign_in_activity.as_ref().unwrap();
    assert_eq!(activity.last_non_interactive_sign_in_date_time, None);
    assert!(activity.last_sign_in_date_time.is_some());
}

#[test]
fn a_tenant_without_entra_id_p1_refuses_sign_ins_and_the_rest_still_reads() {
    let mut sim = Simulator::new(SimConfig {
        no_premium: true,
        ..SimConfig::default()
    });
    let token = fresh_token(NOW);
    let answer = send(&mut sim, &request::users_with_sign_in_activity(999), &token);
    let (status, code, message) = error_of(&answer);
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (403, NO_PREMIUM_CODE, NO_PREMIUM_MESSAGE)
    );
    assert_eq!(
        SignInUnavailable::from_error(&GraphError::from_response(&answer)),
        SignInUnavailable::NoPremium
    );
    // Filtering on it is refused the same way.
    let filtered = get("/users?$filter=signInActivity/lastSignInDateTime le 2026-10-17T00:00:00Z");
    assert_eq!(
        error_of(&send(&mut sim, &filtered, &token)).1,
        NO_PREMIUM_CODE
    );
    // The other reads don't need it.
    for other in [
        request::licensed_users(999),
        request::disabled_licensed_users(999),
        request::subscribed_skus(),
    ] {
        assert_eq!(send(&mut sim, &other, &token).status, 200, "{}", other.path);
    }
}

#[test]
fn sign_ins_need_audit_log_read_all_with_a_permission_to_read_users() {
    let mut sim = Simulator::new(SimConfig::default());
    let sign_ins = request::users_with_sign_in_activity(999);
    for scopes in [
        &["User.Read.All"][..],
        &["AuditLog.Read.All"][..],
        &["Directory.AccessAsUser.All"][..],
    ] {
        let answer = send(&mut sim, &sign_ins, &token_with(scopes, NOW));
        let (status, code, _) = error_of(&answer);
        assert_eq!(
            (status, code.as_str()),
            (403, "Authorization_RequestDenied"),
            "{scopes:?}"
        );
        assert_eq!(
            SignInUnavailable::from_error(&GraphError::from_response(&answer)),
            SignInUnavailable::NotPermitted
        );
    }
    let both = token_with(&["User.Read.All", "AuditLog.Read.All"], NOW);
    assert_eq!(send(&mut sim, &sign_ins, &both).status, 200);
    // A user listing without sign-ins needs no audit permission.
    let users_only = token_with(&["User.Read.All"], NOW);
    assert_eq!(
        send(&mut sim, &request::licensed_users(999), &users_only).status,
        200
    );
    // Inside $batch the same check applies to the item.
    let batch = license_desk_core::graph::batch::batches(std::slice::from_ref(&sign_ins));
    let answer = send(&mut sim, &batch[0], &users_only);
    let parsed: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(parsed["responses"][0]["status"], 403);
}

#[test]
fn sign_in_listings_come_in_pages_of_at_most_120_whatever_top_asks() {
    let mut sim = Simulator::new(SimConfig::demo());
    let token = fresh_token(NOW);
    let (pages, sizes) = read_all(&mut sim, request::users_with_sign_in_activity(999), &token);
    assert_eq!(pages.users.len(), sim.tenant().users.len());
    assert_eq!(pages.users.len(), 2_000);
    assert_eq!(sizes.len(), 2_000usize.div_ceil(SIGN_IN_PAGE_LIMIT));
    assert!(sizes.iter().all(|size| *size <= SIGN_IN_PAGE_LIMIT));
    assert_eq!(sizes[0], SIGN_IN_PAGE_LIMIT);
    // Each user once.
    let mut ids: Vec<&str> = pages.users.iter().map(|u| u.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2_000);
    // A smaller $top is kept; without sign-ins, $top=999 is served as asked.
    let (_, small) = read_all(&mut sim, request::users_with_sign_in_activity(50), &token);
    assert_eq!(small[0], 50);
    let (_, plain) = read_all(&mut sim, request::licensed_users(999), &token);
    assert_eq!(plain[0], 999);
}

#[test]
fn subscriptions_renew_monthly_and_yearly_and_a_trial_ends() {
    let mut sim = Simulator::new(SimConfig::default());
    let token = fresh_token(NOW);
    let skus: ODataPage<SubscribedSku> = send(&mut sim, &request::subscribed_skus(), &token)
        .parse()
        .unwrap();
    let subs: ODataPage<CompanySubscription> =
        send(&mut sim, &request::directory_subscriptions(), &token)
            .parse()
            .unwrap();
    let e3 = skus
        .value
        .iter()
        .find(|s| s.sku_part_number == "ENTERPRISEPACK")
        .unwrap();
    let mut terms: Vec<Term> = subscriptions_of(e3, &subs.value)
        .into_iter()
        .map(infer_term)
        .collect();
    terms.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(terms, [Term::Monthly, Term::Yearly]);
    let project = skus
        .value
        .iter()
        .find(|s| s.sku_part_number == "PROJECTPREMIUM")
        .unwrap();
    assert_eq!(
        subscriptions_of(project, &subs.value)
            .into_iter()
            .map(infer_term)
            .collect::<Vec<_>>(),
        [Term::Trial]
    );
    // Every enabled paid subscription with a renewal date reads as monthly (E3's top-up)
    // or yearly: seven SKUs renew yearly (Power Automate Free gives no date).
    let enabled: Vec<Term> = subs
        .value
        .iter()
        .filter(|s| s.status == license_desk_core::graph::model::SubscriptionStatus::Enabled)
        .filter(|s| s.is_trial == Some(false) && s.next_lifecycle_date_time.is_some())
        .map(infer_term)
        .collect();
    assert_eq!(enabled.iter().filter(|t| **t == Term::Monthly).count(), 1);
    assert_eq!(enabled.iter().filter(|t| **t == Term::Yearly).count(), 7);
    assert_eq!(enabled.len(), 8);
}

/// Reads the tenant the way the screen does and analyses it.
fn read_and_analyse(sim: &mut Simulator, token: &str, prices: &PriceTable) -> (Findings, Catalog) {
    let skus: ODataPage<SubscribedSku> = send(sim, &request::subscribed_skus(), token)
        .parse()
        .unwrap();
    let subs: ODataPage<CompanySubscription> =
        send(sim, &request::directory_subscriptions(), token)
            .parse()
            .unwrap();
    let groups: ODataPage<Group> = send(sim, &request::list_groups(999), token)
        .parse()
        .unwrap();
    let catalog = Catalog::new(skus.value).with_groups(&groups.value);
    let (disabled, _) = read_all(
        sim,
        request::disabled_licensed_users(reclaim::PAGE_SIZE),
        token,
    );
    let (users, sizes) = read_all(
        sim,
        request::users_with_sign_in_activity(reclaim::PAGE_SIZE),
        token,
    );
    assert!(sizes.len() > 1, "several short pages");
    let members = GroupMembers::new();
    let findings = analyse(
        &Reads {
            disabled: &disabled.users,
            users: &users.users,
            sign_in: &SignIn::Read,
            subscriptions: &subs.value,
            group_members: &members,
        },
        &catalog,
        prices,
        &Exclusions::default(),
        Options {
            window_days: reclaim::DEFAULT_WINDOW_DAYS,
            now_ms: NOW,
        },
    );
    (findings, catalog)
}

/// The demo tenant on first use, read the way the screen does and analysed at list prices.
struct Demo {
    sim: Simulator,
    token: String,
    prices: PriceTable,
    findings: Findings,
    catalog: Catalog,
}

fn demo() -> Demo {
    let mut sim = Simulator::new(SimConfig::demo());
    let token = fresh_token(NOW);
    let prices = PriceTable::list_prices("2027-01-15");
    let (findings, catalog) = read_and_analyse(&mut sim, &token, &prices);
    Demo {
        sim,
        token,
        prices,
        findings,
        catalog,
    }
}

fn labels(findings: &Findings, section: Section) -> Vec<String> {
    findings
        .user_section(section)
        .unwrap()
        .rows
        .iter()
        .map(|row| row.person.label().to_string())
        .collect()
}

#[test]
fn the_demo_tenant_walks_through_the_five_findings_with_savings_on_first_use() {
    let Demo { findings, .. } = demo();
    let usd = |section: Section| findings.section_savings(section).monthly.in_currency("USD");
    for section in [
        Section::Disabled,
        Section::Inactive,
        Section::NeverSignedIn,
        Section::UnusedSeats,
    ] {
        assert!(usd(section) > 0, "{section:?} saves something");
    }
    assert!(findings.savings.monthly.in_currency("USD") > 0);
    assert_eq!(
        findings.savings.yearly.in_currency("USD"),
        findings.savings.monthly.in_currency("USD") * 12
    );

    assert_eq!(
        labels(&findings, Section::Disabled),
        ["Info Mailbox", "Miriam Graham", "Rosa Quintero"]
    );
    let inactive = labels(&findings, Section::Inactive);
    for name in ["Hugo Brandt", "Keiko Tanabe"] {
        assert!(inactive.iter().any(|n| n == name), "{name}");
    }
    assert!(
        inactive.len() > 10,
        "the bulk users bring more: {}",
        inactive.len()
    );
    let never = labels(&findings, Section::NeverSignedIn);
    assert!(never.iter().any(|n| n == "Olga Berg"));
    // In use through the phone, and new: in no section.
    for section in [Section::Disabled, Section::Inactive, Section::NeverSignedIn] {
        let names = labels(&findings, section);
        assert!(!names.iter().any(|n| n == "Sanjay Rao" || n == "Tomas Ruiz"));
    }
    assert!(matches!(
        findings
            .inactive
            .rows
            .iter()
            .find(|r| r.person.label() == "Hugo Brandt")
            .unwrap()
            .reason,
        Reason::Inactive { days: 140, .. }
    ));

    // Direct copies: Lee and Ivana safe, Wen not (All Staff's copy fails); no saving.
    let copies: Vec<(&str, bool)> = findings
        .direct_copies
        .rows
        .iter()
        .map(|row| (row.person.label(), row.is_safe()))
        .collect();
    assert_eq!(
        copies,
        [
            ("Ivana Petrova", true),
            ("Lee Gu", true),
            ("Wen Zhao", false)
        ]
    );
    assert_eq!(usd(Section::DirectCopies), 0);

    // Office 365 E3's two unused seats go at the monthly top-up's renewal.
    let e3 = findings
        .unused_seats
        .rows
        .iter()
        .find(|row| row.seats.sku.as_str() == E3)
        .unwrap();
    assert_eq!((e3.seats.unused, e3.seats.reduce_by), (2, 2));
    let renewal = e3.seats.renewal.as_ref().unwrap();
    assert_eq!(renewal.term, Term::Monthly);
    assert_eq!(
        license_desk_core::bulk::iso_utc(renewal.at_ms),
        "2027-02-15T00:00:00Z"
    );
    assert_eq!(e3.monthly.in_currency("USD"), 2 * 2_600);
    // The trial's unused seats cost nothing.
    let trial = findings
        .unused_seats
        .rows
        .iter()
        .find(|row| row.seats.sku_name == "Project Online Premium")
        .unwrap();
    assert_eq!(trial.seats.paid_unused, 0);
    assert!(findings.skipped.is_empty());

    // The exports have a row for each license and each SKU with unused seats.
    let catalog = Catalog::default();
    let csv = reclaim::findings_csv(&findings, &catalog, &Exclusions::default());
    let rows: usize = [
        &findings.disabled,
        &findings.inactive,
        &findings.never_signed_in,
    ]
    .iter()
    .map(|s| s.rows.iter().map(|r| r.licenses.len()).sum::<usize>())
    .sum::<usize>()
        + findings.direct_copies.rows.len()
        + findings.unused_seats.rows.len();
    assert_eq!(csv.lines().count(), rows + 1);
}

#[test]
fn the_hand_over_runs_through_the_bulk_engine_and_never_touches_a_group_copy() {
    let Demo {
        mut sim,
        token,
        prices,
        findings,
        catalog,
    } = demo();
    // Nothing is excluded: every finding is selectable.
    let handover = hand_over(&findings, &Selection::everything(&findings), &catalog, NOW);
    assert!(!handover.items.is_empty());
    // Wen's copy is held back as unsafe; the group copies are listed with their groups.
    assert!(handover
        .held_back
        .iter()
        .any(|h| h.user_label == "Wen Zhao"
            && matches!(h.held, reclaim::handover::Held::Unsafe { .. })));
    assert!(handover
        .group_removals
        .iter()
        .any(|r| r.user_label == "Rosa Quintero" && r.group_name.as_deref() == Some("All Staff")));
    let mailbox = handover
        .mailbox
        .clone()
        .expect("mailboxes go with E3 and Exchange Online");
    let losing: Vec<&str> = mailbox
        .users
        .iter()
        .map(|u| u.user_label.as_str())
        .collect();
    for name in ["Miriam Graham", "Keiko Tanabe", "Olga Berg", "Info Mailbox"] {
        assert!(losing.contains(&name), "{name}: {losing:?}");
    }
    assert!(!losing.contains(&"Lee Gu"), "a safe copy keeps the mailbox");
    assert_eq!(mailbox.reconnect_until_ms, NOW + 30 * 86_400_000);

    // The engine reads each user again, plans, and writes: nothing is refused.
    let before: Vec<(String, User)> = handover
        .items
        .iter()
        .map(|item| {
            let user: User = send(&mut sim, &request::get_user(&item.user), &token)
                .parse()
                .unwrap();
            (item.user.clone(), user)
        })
        .collect();
    let mut driver = Driver::new(sim, 3);
    let mut run = Run::new(
        handover.items.clone(),
        license_desk_sim::fixtures::catalog_of(driver.sim.tenant()),
        RunOptions {
            keep_trying_when_throttled: true,
            ..RunOptions::default()
        },
    );
    driver.start(&mut run);
    driver.run(&mut run);
    assert!(driver.finished.is_some());
    for record in driver.journal.values() {
        assert_eq!(record.status, Status::Done, "{record:?}");
    }
    // Afterwards each user holds no direct copy of what was removed, and every group copy
    // they had is still there.
    for (id, before) in before {
        let after: User = send(&mut driver.sim, &request::get_user(&id), &token)
            .parse()
            .unwrap();
        assert!(
            !after
                .license_assignment_states
                .iter()
                .any(|s| s.is_direct()),
            "{}: direct copies left",
            after.label()
        );
        let groups = |user: &User| {
            user.license_assignment_states
                .iter()
                .filter(|s| !s.is_direct())
                .map(|s| (s.sku_id.clone(), s.assigned_by_group.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(groups(&after), groups(&before), "{}", after.label());
    }
    // Read again, the tenant shows the reclaimed seats as unused.
    let (again, _) = read_and_analyse(&mut driver.sim, &token, &prices);
    let unused_e3 = |f: &Findings| {
        f.unused_seats
            .rows
            .iter()
            .find(|row| row.seats.sku.as_str() == E3)
            .map_or(0, |row| row.seats.unused)
    };
    assert!(unused_e3(&again) > unused_e3(&findings));
    assert!(again.direct_copies.rows.iter().all(|row| !row.is_safe()));
}
