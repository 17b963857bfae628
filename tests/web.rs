//! Browser tests: real components mounted in headless Chromium, asserted on the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use license_desk::components::add_license_form::AddLicenseForm;
use license_desk::components::error_panel::ErrorPanel;
use license_desk::components::tenant_licenses::TenantLicenses;
use license_desk::components::user_licenses::UserLicenses;
use license_desk::state::user::UserRead;
use license_desk::state::workspace::Workspace;
use license_desk::transport::demo::{DemoAnswer, DemoCall};
use license_desk::transport::session::Session;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::model::{SubscribedSku, User};
use license_desk_core::graph::response::RawResponse;
use license_desk_sim::{SimConfig, SimOutcome, SimRequest, Simulator};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

/// The button whose visible text is `text`.
fn button(root: &web_sys::HtmlElement, text: &str) -> web_sys::HtmlElement {
    let buttons = root.query_selector_all("button").unwrap();
    (0..buttons.length())
        .map(|i| {
            buttons
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::HtmlElement>()
        })
        .find(|b| b.inner_text() == text)
        .unwrap_or_else(|| panic!("no button {text}"))
}

async fn settle(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Mounts `view` over a fresh, signed-out workspace; once its reads have settled,
/// `fill` gives them what a sign-in would have read (as Graph's answers would).
async fn mount_filled(
    root: &web_sys::HtmlElement,
    view: impl Fn() -> AnyView + 'static,
    fill: impl FnOnce(Workspace),
) -> (impl Sized, Workspace) {
    let shared = std::rc::Rc::new(std::cell::Cell::new(None));
    let inner = shared.clone();
    let mounted = leptos::mount::mount_to(root.clone(), move || {
        let session = Session::new();
        provide_context(session);
        inner.set(Some(Workspace::new(session).provide()));
        view()
    });
    settle(10).await;
    let workspace = shared.get().expect("mounted");
    fill(workspace);
    settle(10).await;
    (mounted, workspace)
}

/// Mounts `view` over a workspace whose tenant read `skus`.
async fn mount_with_skus(
    root: &web_sys::HtmlElement,
    view: impl Fn() -> AnyView + 'static,
    skus: Vec<SubscribedSku>,
) -> (impl Sized, Workspace) {
    mount_filled(root, view, |w| w.tenant.skus.set_ready(skus)).await
}

fn demo_skus() -> Vec<SubscribedSku> {
    Simulator::new(SimConfig::default()).tenant().skus.clone()
}

fn read_of(user: User) -> UserRead {
    UserRead {
        user,
        details: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn error_panel_shows_what_why_and_what_to_do() {
    let root = container();
    let error = GraphError::from_response(&RawResponse {
        status: 400,
        headers: vec![],
        body: r#"{"error":{"code":"Request_BadRequest","message":"License assignment cannot be done for user with invalid usage location.","innerError":{"request-id":"613a2372-1a63-4b13-8c94-56793bbb140c","date":"2025-01-06T12:25:59"}}}"#.into(),
    });
    let _mounted = leptos::mount::mount_to(
        root.clone(),
        move || view! { <ErrorPanel error=error.clone() context="Applying changes"/> },
    );
    let text = root.inner_text();
    assert!(
        text.contains("Applying changes failed: The user has no valid usage location"),
        "{text}"
    );
    assert!(text.contains("code Request_BadRequest"), "{text}");
    assert!(
        text.contains("613a2372-1a63-4b13-8c94-56793bbb140c"),
        "{text}"
    );
    assert!(text.contains("Set the user's usage location"), "{text}");
    assert!(root.query_selector("[role=alert]").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn tenant_licenses_lists_seats_and_warns_when_full() {
    let root = container();
    let _mounted = mount_with_skus(
        &root,
        || view! { <TenantLicenses/> }.into_any(),
        demo_skus(),
    )
    .await;
    let rows = root.query_selector_all("tbody tr").unwrap().length();
    assert_eq!(rows, 9);
    let text = root.inner_text();
    assert!(text.contains("Office 365 E5"), "{text}");
    assert!(text.contains("⚠ No free seats"), "{text}");
    let meter = root.query_selector("meter").unwrap().unwrap();
    assert!(meter
        .get_attribute("aria-label")
        .unwrap()
        .contains("seats used"));
    // Sorting by "Fewest free" puts a full SKU first.
    button(&root, "Fewest free").click();
    settle(10).await;
    let first = root
        .query_selector("tbody tr .sku-name")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(first, "Office 365 E5");
}

/// A SKU exactly as Graph might send it with every optional value `null`.
fn sku_graph_said_little_about() -> SubscribedSku {
    serde_json::from_str(
        r#"{"skuId":"00000000-0000-4000-8000-00000000abcd","skuPartNumber":"MYSTERY_SKU",
            "appliesTo":null,"capabilityStatus":null,"consumedUnits":null,
            "prepaidUnits":{"enabled":null,"lockedOut":null,"suspended":null,"warning":null},
            "servicePlans":[]}"#,
    )
    .unwrap()
}

#[wasm_bindgen_test]
async fn tenant_licenses_says_what_graph_left_out() {
    let root = container();
    let skus = vec![sku_graph_said_little_about()];
    let _mounted = mount_with_skus(&root, || view! { <TenantLicenses/> }.into_any(), skus).await;
    let text = root.inner_text();
    assert!(
        text.contains(
            "unknown of unknown used · free seats unknown (Graph did not send the seat counts)"
        ),
        "{text}"
    );
    assert!(
        text.contains("applies to: unknown (Graph did not say)"),
        "{text}"
    );
    let status = root.query_selector("td .status").unwrap().unwrap();
    assert_eq!(
        status.text_content().unwrap(),
        "unknown (Graph did not say)"
    );
    assert_eq!(status.class_name(), "status unknown");
    assert!(root.query_selector("meter").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn add_license_form_labels_skus_not_known_to_apply_to_users() {
    let root = container();
    let mut skus = demo_skus();
    skus.push(sku_graph_said_little_about());
    let _mounted = mount_with_skus(&root, || view! { <AddLicenseForm/> }.into_any(), skus).await;
    let options = root.query_selector_all("option").unwrap();
    let labels: Vec<String> = (0..options.length())
        .map(|i| options.item(i).unwrap().text_content().unwrap())
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l == "MYSTERY_SKU (applies to: unknown) — free seats unknown"),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.contains("(applies to: company)")),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Office 365 E3 — ") && l.ends_with(" free")),
        "{labels:?}"
    );
}

/// The "Licenses" region for `user`, over the demo tenant's SKUs.
async fn mount_user(root: &web_sys::HtmlElement, user: User) -> (impl Sized, Workspace) {
    mount_filled(
        root,
        || view! { <UserLicenses/> }.into_any(),
        |w| {
            w.tenant.skus.set_ready(demo_skus());
            w.user.read.set_ready(read_of(user));
        },
    )
    .await
}

/// [`mount_user`], and a moment more for the region to settle.
async fn show_user(root: &web_sys::HtmlElement, user: User) -> (impl Sized, Workspace) {
    let mounted = mount_user(root, user).await;
    settle(10).await;
    mounted
}

#[wasm_bindgen_test]
async fn user_licenses_lists_licenses_whose_source_graph_did_not_give() {
    let user: User = serde_json::from_value(serde_json::json!({
        "id": "00000000-0000-4000-8000-0000000000ee",
        "usageLocation": "US",
        "assignedLicenses": [{"skuId": license_desk_sim::seed::E3, "disabledPlans": []}],
        "licenseAssignmentStates": []
    }))
    .unwrap();
    let root = container();
    let _mounted = show_user(&root, user).await;
    let text = root.inner_text();
    assert!(!text.contains("No licenses."), "{text}");
    assert!(text.contains("Office 365 E3"), "{text}");
    assert!(
        text.contains("Source unknown (Graph returned no licenseAssignmentStates)"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn user_licenses_show_a_missing_state_as_unknown() {
    let user: User = serde_json::from_value(serde_json::json!({
        "id": "00000000-0000-4000-8000-0000000000ef",
        "usageLocation": "US",
        "assignedLicenses": [{"skuId": license_desk_sim::seed::E3}],
        "licenseAssignmentStates": [{"skuId": license_desk_sim::seed::E3, "assignedByGroup": null}]
    }))
    .unwrap();
    let root = container();
    let _mounted = show_user(&root, user).await;
    let state = root.query_selector(".assignment .state").unwrap().unwrap();
    assert_eq!(
        state.text_content().unwrap(),
        "State unknown (Graph did not say)"
    );
    assert_eq!(state.class_name(), "state unknown");
}

/// The demo tenant in this test module: the app loads it as a module of its own, from
/// files the test runner doesn't serve.
struct DemoHere(Rc<RefCell<Simulator>>);

/// Gives the app a demo tenant in this module; the handle reads what it has received.
fn demo_here() -> Rc<RefCell<Simulator>> {
    let tenant = Rc::new(RefCell::new(Simulator::new(SimConfig::demo())));
    license_desk::transport::demo::run_here(DemoHere(Rc::clone(&tenant)));
    tenant
}

/// Writes the demo tenant has received since it was started (each `$batch` entry counts),
/// whatever their answer: what a test checks when nothing may have gone out.
fn writes_received(tenant: &RefCell<Simulator>) -> u32 {
    tenant.borrow().stats().writes_received()
}

impl license_desk::transport::demo::Tenant for DemoHere {
    fn reset(&self) {
        *self.0.borrow_mut() = Simulator::new(SimConfig::demo());
    }

    fn answer(&self, call: DemoCall) -> DemoAnswer {
        let request = SimRequest::from_graph(&call.endpoint, &call.request, &call.authorization);
        match self
            .0
            .borrow_mut()
            .handle(&request, js_sys::Date::now() as u64)
        {
            SimOutcome::Respond(response) => Some(response),
            SimOutcome::Drop => None,
        }
    }
}

#[wasm_bindgen_test]
async fn use_demo_tenant_signs_in_and_loads_the_tenant() {
    demo_here();
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), || leptos::view! { <license_desk::App/> });
    settle(10).await;
    button(&root, "Use demo tenant").click();
    settle(600).await;
    let text = root.inner_text();
    assert!(text.contains("Demo tenant — no real data"), "{text}");
    assert!(text.contains("Licenses in this tenant"), "{text}");
    assert!(text.contains("Power BI Pro"), "{text}");
    // Folded to one line while everything is allowed; the details are in the panel.
    assert!(text.contains("actions allowed, expires in"), "{text}");
    let text = root.text_content().unwrap_or_default();
    assert!(
        text.contains("✓ Reprocess group licenses — allowed"),
        "{text}"
    );
    // The group and subscription actions, each with the least privileged permission.
    for line in [
        "✓ Read groups and their license errors — allowed by GroupMember.Read.All",
        "✓ Change a group's licenses — allowed by LicenseAssignment.ReadWrite.All",
        "✓ Read subscriptions and renewal dates — allowed by Organization.Read.All",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    // The token is in memory only.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(storage.length().unwrap(), 0);
    assert!(!web_sys::window()
        .unwrap()
        .location()
        .href()
        .unwrap()
        .contains("eyJ"));
}

#[wasm_bindgen_test]
async fn token_check_says_why_a_paste_fails_and_what_graph_will_do() {
    use license_desk::components::token_check::TokenCheck;
    use license_desk_core::graph::request::Cloud;
    let root = container();
    let pasted = RwSignal::new(String::new());
    let cloud = RwSignal::new(Cloud::Global);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <TokenCheck pasted=pasted cloud=cloud/> }
    });
    settle(10).await;
    assert_eq!(root.inner_text().trim(), "", "nothing before a paste");
    pasted.set("Bearer ".into());
    settle(10).await;
    assert!(root.inner_text().contains("Paste an access token first."));
    pasted.set("not-a-token".into());
    settle(10).await;
    let text = root.inner_text();
    assert!(text.contains("This is not a JWT"), "{text}");
    assert!(root.query_selector(".inline-error").unwrap().is_some());
    let now = license_desk::browser::now_seconds();
    let mut claims =
        license_desk_sim::demo_claims("a@contoso.example", &["User.Read.All"], now, 3600);
    claims.aud = Some("https://graph.microsoft.us".into());
    pasted.set(license_desk_core::auth::token::mint(&claims));
    settle(10).await;
    let text = root.inner_text();
    assert!(
        text.contains(
            "This token is for Microsoft Graph in the US Gov L4 cloud, but Global is selected."
        ),
        "{text}"
    );
    assert!(root.query_selector(".warning-text").unwrap().is_some());
    cloud.set(Cloud::UsGovL4);
    settle(10).await;
    let text = root.inner_text();
    assert!(
        text.contains("✓ A Microsoft Graph token for a@contoso.example."),
        "{text}"
    );
}

/// The "Licenses" region for `user`, handing out the workspace so a test can change it.
fn direct_e3_and_inherited(inherited: &str, e3_off: &[&str]) -> User {
    serde_json::from_value(serde_json::json!({
        "id": "00000000-0000-4000-8000-0000000000f1",
        "usageLocation": "US",
        "assignedLicenses": [
            {"skuId": license_desk_sim::seed::E3, "disabledPlans": e3_off},
            {"skuId": inherited, "disabledPlans": []}
        ],
        "licenseAssignmentStates": [
            {"skuId": license_desk_sim::seed::E3, "disabledPlans": e3_off, "assignedByGroup": null, "state": "Active", "error": "None"},
            {"skuId": inherited, "disabledPlans": [], "assignedByGroup": license_desk_sim::seed::GROUP_ALL_STAFF, "state": "Active", "error": "None"}
        ]
    }))
    .unwrap()
}

fn by_label(root: &web_sys::HtmlElement, label: &str) -> web_sys::HtmlElement {
    root.query_selector(&format!("[aria-label=\"{label}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("nothing labelled {label}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn an_inherited_license_cannot_be_removed_and_says_why() {
    let root = container();
    let user = direct_e3_and_inherited(license_desk_sim::seed::E5, &[]);
    let (_mounted, _workspace) = show_user(&root, user).await;
    let direct = by_label(&root, "Remove Office 365 E3 (Direct)");
    assert!(!direct.has_attribute("disabled"));
    let buttons = root
        .query_selector_all("button[aria-label^=\"Remove Office 365 E5\"]")
        .unwrap();
    assert_eq!(buttons.length(), 1);
    let inherited: web_sys::HtmlElement = buttons.item(0).unwrap().unchecked_into();
    assert!(
        inherited.has_attribute("disabled"),
        "an inherited license's Remove is disabled"
    );
    let reason_id = inherited
        .get_attribute("aria-describedby")
        .expect("the reason is linked");
    let reason = root
        .query_selector(&format!("[id=\"{reason_id}\"]"))
        .unwrap()
        .expect("the reason is on screen")
        .text_content()
        .unwrap();
    assert!(reason.starts_with("Inherited from group "), "{reason}");
    assert!(
        reason.ends_with("remove the user from the group or change the group's license."),
        "{reason}"
    );
}

#[wasm_bindgen_test]
async fn re_reading_the_user_rebuilds_only_the_card_that_changed() {
    let root = container();
    let user = direct_e3_and_inherited(license_desk_sim::seed::POWER_BI_PRO, &[]);
    let (_mounted, workspace) = show_user(&root, user).await;
    let cards = |root: &web_sys::HtmlElement| {
        let list = root
            .query_selector_all("ul.assignments:not(.unknown-source) > li")
            .unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into::<web_sys::Element>())
            .collect::<Vec<_>>()
    };
    let before = cards(&root);
    assert_eq!(before.len(), 2);
    let heading = root.query_selector("#licenses-title").unwrap().unwrap();
    // The admin had the inherited license's plan list open.
    let inherited_plans: web_sys::HtmlDetailsElement = before[1]
        .query_selector("details")
        .unwrap()
        .unwrap()
        .unchecked_into();
    inherited_plans.set_open(true);

    // Power BI Pro shares no plan with E3, so nothing on its card depends on E3.
    let reread = direct_e3_and_inherited(
        license_desk_sim::seed::POWER_BI_PRO,
        &[license_desk_sim::seed::PLAN_SWAY],
    );
    workspace.user.read.set_ready(read_of(reread));
    settle(10).await;
    let after = cards(&root);
    assert_eq!(after.len(), 2);
    assert!(
        !after[0].is_same_node(Some(&before[0])),
        "E3 changed, so its card is new"
    );
    assert!(
        after[1].is_same_node(Some(&before[1])),
        "the inherited license did not change: same card"
    );
    assert!(
        inherited_plans.open(),
        "the unchanged card keeps its open plan list"
    );
    let heading_after = root.query_selector("#licenses-title").unwrap().unwrap();
    assert!(
        heading_after.is_same_node(Some(&heading)),
        "the region is not rebuilt"
    );
    let sway =
        by_label(&root, "Sway in Office 365 E3: Off").unchecked_into::<web_sys::HtmlInputElement>();
    assert!(!sway.checked(), "the new card shows the re-read state");
}

#[wasm_bindgen_test]
async fn a_usage_location_that_is_no_country_is_refused_next_to_the_field() {
    let root = container();
    let user: User = serde_json::from_value(serde_json::json!({
        "id": "00000000-0000-4000-8000-0000000000f2",
        "assignedLicenses": [],
        "licenseAssignmentStates": []
    }))
    .unwrap();
    let (_mounted, workspace) = mount_user(&root, user).await;
    let input: web_sys::HtmlInputElement = root
        .query_selector("#usage-location")
        .unwrap()
        .expect("the usage location field")
        .unchecked_into();
    let problem = |root: &web_sys::HtmlElement| {
        root.query_selector("#usage-location-problem")
            .unwrap()
            .map(|p| p.text_content().unwrap())
    };
    let submit = button(&root, "Set usage location");

    submit.click();
    settle(10).await;
    assert_eq!(
        problem(&root).as_deref(),
        Some("Type the user's two-letter country code, such as US or GB.")
    );
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("usage-location-problem")
    );
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));

    input.set_value("uk");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle(10).await;
    assert_eq!(problem(&root), None, "typing clears the old problem");
    submit.click();
    settle(10).await;
    assert_eq!(
        problem(&root).as_deref(),
        Some("UK is not an ISO 3166 country code; the United Kingdom is GB.")
    );
    assert_eq!(
        workspace.user.busy.get_untracked(),
        None,
        "nothing was started"
    );
    assert!(!root.inner_text().contains("Setting usage location"));
}

#[wasm_bindgen_test]
async fn the_throttling_wait_is_announced_at_its_start_near_its_end_and_when_over() {
    use license_desk::components::throttle_notice::ThrottleNotice;
    use license_desk::transport::session::ThrottleWait;
    let root = container();
    let session = Session::new();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(session);
        view! { <ThrottleNotice/> }
    });
    let live = |root: &web_sys::HtmlElement| {
        let regions = root.query_selector_all("[aria-live]").unwrap();
        (0..regions.length())
            .map(|i| regions.item(i).unwrap().text_content().unwrap())
            .collect::<Vec<_>>()
    };
    let wait = |seconds_left| {
        session.throttle.set(Some(ThrottleWait {
            seconds_left,
            reason: "Graph is throttling requests".into(),
        }))
    };
    settle(10).await;
    assert_eq!(live(&root), vec![String::new()]);
    wait(150);
    settle(10).await;
    let started = live(&root);
    assert_eq!(
        started.len(),
        1,
        "only one live region: the countdown is not one"
    );
    assert!(
        started[0].contains("License Desk retries in 2 min 30 s"),
        "{started:?}"
    );
    assert!(root.inner_text().contains("retrying in 2 min 30 s"));
    // The visible countdown ticks; what is announced does not.
    wait(149);
    settle(10).await;
    assert_eq!(live(&root), started);
    assert!(root.inner_text().contains("retrying in 2 min 29 s"));
    wait(10);
    settle(10).await;
    assert_eq!(
        live(&root),
        vec!["License Desk retries in 10 seconds or less.".to_string()]
    );
    session.throttle.set(None);
    settle(10).await;
    assert_eq!(live(&root), vec!["The wait for Graph is over.".to_string()]);
}

/// An observer that calls back into its own run while the run's step is being carried
/// out is served once that step is done, and the run finishes.
#[wasm_bindgen_test]
async fn an_observer_that_calls_back_in_is_served_after_the_step() {
    use license_desk::runs::executor::{Launch, RunHandle};
    use license_desk_core::licensing::catalog::Catalog;
    use license_desk_core::ops::{Effect, Event, Intent, PauseReason, Run, RunItem};
    use std::cell::Cell;

    let owner = Owner::new();
    owner.set();
    let session = Session::new();
    let workspace = Workspace::new(session);
    demo_here();
    workspace.start_demo(session);
    let slot: Rc<RefCell<Option<RunHandle<Run>>>> = Rc::new(RefCell::new(None));
    let (called_back, paused, finished) = (
        Rc::new(Cell::new(0)),
        Rc::new(Cell::new(false)),
        Rc::new(Cell::new(false)),
    );
    let observer = {
        let (slot, called_back, paused, finished) = (
            slot.clone(),
            called_back.clone(),
            paused.clone(),
            finished.clone(),
        );
        move |effect: &Effect| {
            let handle = slot.borrow().clone();
            match effect {
                // While the step that recorded this is still being carried out, pause…
                Effect::Record(_) if called_back.get() == 0 => {
                    if let Some(handle) = handle {
                        called_back.set(1);
                        handle.send(Event::Pause);
                    }
                }
                // …and, from the pause's own step, resume.
                Effect::Paused(PauseReason::ByAdmin) => {
                    paused.set(true);
                    called_back.set(2);
                    if let Some(handle) = handle {
                        handle.send(Event::Resume);
                    }
                }
                Effect::Finished(_) => finished.set(true),
                _ => {}
            }
        }
    };
    let item = RunItem::new("meganb@contoso.example".to_string(), Intent::Reprocess);
    let run = Run::new(vec![item], Catalog::default(), Default::default());
    let handle = RunHandle::start(session, run, observer, Launch::on_its_screen());
    *slot.borrow_mut() = Some(handle.clone());
    for _ in 0..100 {
        if finished.get() {
            break;
        }
        settle(100).await;
    }
    assert!(
        paused.get(),
        "the pause sent from inside the observer was handled"
    );
    assert_eq!(called_back.get(), 2);
    assert!(finished.get() && handle.is_finished(), "the run finished");
}

/// A journaled run of one usage-location write to Alex on the demo tenant, whose journal
/// barrier holds the step that sends the write until `open` is set, and answers it
/// `saved` then. `held` is set once the write is waiting at the barrier.
struct HeldWrite {
    handle: license_desk::runs::executor::RunHandle<license_desk_core::ops::Run>,
    held: std::rc::Rc<std::cell::Cell<bool>>,
    open: std::rc::Rc<std::cell::Cell<bool>>,
    refuse: std::rc::Rc<std::cell::Cell<bool>>,
    effects: std::rc::Rc<std::cell::RefCell<Vec<license_desk_core::ops::Effect>>>,
}

/// Sets up the executor tasks are spawned on (mounting does), for a test that mounts
/// nothing and may run on its own.
fn executor_ready() {
    std::mem::forget(leptos::mount::mount_to(container(), || ()));
}

fn hold_a_write(session: Session) -> HeldWrite {
    use license_desk::runs::executor::{Barrier, Launch, RunHandle};
    use license_desk_core::licensing::catalog::Catalog;
    use license_desk_core::ops::{Effect, Intent, Run, RunItem, Status};
    use std::cell::Cell;

    let (held, open, refuse) = (
        Rc::new(Cell::new(false)),
        Rc::new(Cell::new(false)),
        Rc::new(Cell::new(false)),
    );
    let effects: Rc<RefCell<Vec<Effect>>> = Rc::new(RefCell::new(Vec::new()));
    let writing = Rc::new(Cell::new(false));
    let observer = {
        let (effects, writing) = (effects.clone(), writing.clone());
        move |effect: &Effect| {
            if let Effect::Record(record) = effect {
                if record.status == Status::Sent {
                    writing.set(true);
                }
            }
            effects.borrow_mut().push(effect.clone());
        }
    };
    let barrier: Barrier = {
        let (held, open, refuse) = (held.clone(), open.clone(), refuse.clone());
        Rc::new(move || {
            let (held, open, refuse, writing) =
                (held.clone(), open.clone(), refuse.clone(), writing.clone());
            Box::pin(async move {
                if !writing.get() {
                    return Ok(()); // The read before the write goes at once.
                }
                held.set(true);
                while !open.get() {
                    settle(20).await;
                }
                if refuse.get() {
                    Err(
                        "The run's journal could not be saved in this browser: the disk is full."
                            .into(),
                    )
                } else {
                    Ok(())
                }
            })
        })
    };
    let item = RunItem::new(
        "alexw@contoso.example".to_string(),
        Intent::SetUsageLocation("JP".into()),
    );
    let run = Run::new(vec![item], Catalog::default(), Default::default());
    let handle = RunHandle::start(
        session,
        run,
        observer,
        Launch::on_its_screen_saving_first(barrier),
    );
    HeldWrite {
        handle,
        held,
        open,
        refuse,
        effects,
    }
}

async fn until(mut ready: impl FnMut() -> bool, what: &str) {
    for _ in 0..100 {
        if ready() {
            return;
        }
        settle(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// The demo tenant signed in, with a run whose write waits for its journal.
struct DemoWithHeldWrite {
    _owner: Owner,
    session: Session,
    workspace: Workspace,
    tenant: Rc<RefCell<Simulator>>,
    run: HeldWrite,
}

/// A workspace signed in to a fresh demo tenant, with the executor ready.
fn signed_in_demo() -> (Owner, Session, Workspace, Rc<RefCell<Simulator>>) {
    executor_ready();
    let owner = Owner::new();
    owner.set();
    let session = Session::new();
    let workspace = Workspace::new(session);
    let tenant = demo_here();
    workspace.start_demo(session);
    (owner, session, workspace, tenant)
}

/// Signs `workspace` in to another tenant than the demo's.
fn sign_in_to_another_tenant(workspace: Workspace, session: Session) {
    use license_desk::transport::session::Connection;
    use license_desk_core::auth::access_token::AccessToken;
    use license_desk_core::auth::token;
    use license_desk_core::graph::request::{ApiVersion, Cloud, GraphEndpoint};

    let mut claims = license_desk_sim::demo_claims(
        "admin@fabrikam.example",
        &["User.ReadWrite.All", "LicenseAssignment.ReadWrite.All"],
        license_desk::browser::now_seconds(),
        3600,
    );
    claims.tid = Some("22222222-2222-4222-8222-222222222222".into());
    workspace.sign_in(
        session,
        Connection {
            endpoint: GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1),
            demo: true,
        },
        AccessToken::from_pasted(&token::mint(&claims)).unwrap(),
    );
}

async fn demo_with_a_held_write() -> DemoWithHeldWrite {
    let (owner, session, workspace, tenant) = signed_in_demo();
    let run = hold_a_write(session);
    until(|| run.held.get(), "the write to wait for its journal").await;
    DemoWithHeldWrite {
        _owner: owner,
        session,
        workspace,
        tenant,
        run,
    }
}

/// Hole 1: a write waiting for its journal when the admin signs in to another tenant
/// never goes out, neither to the old tenant nor with the new tenant's token.
#[wasm_bindgen_test]
async fn a_write_held_for_the_journal_does_not_go_out_after_a_switch_to_another_tenant() {
    let DemoWithHeldWrite {
        _owner,
        session,
        workspace,
        tenant,
        run,
    } = demo_with_a_held_write().await;
    assert_eq!(writes_received(&tenant), 0);

    sign_in_to_another_tenant(workspace, session);
    assert!(run.handle.is_stale());
    run.open.set(true);
    settle(1_500).await;
    assert_eq!(
        writes_received(&tenant),
        0,
        "the held write went out after the switch"
    );
    assert!(!run.handle.is_finished(), "the left run takes no answer");
}

/// Hole 2: a journal that refuses to save pauses the run before its write goes out,
/// nothing is sent while it can't be saved, and resuming sends the write once.
#[wasm_bindgen_test]
async fn a_journal_that_refuses_to_save_pauses_the_run_and_nothing_goes_out_unrecorded() {
    use license_desk_core::ops::{Effect, Event, PauseReason, Run, Status};

    // The owner is bound, not dropped: the run's signals live as long as the test.
    let DemoWithHeldWrite {
        _owner,
        tenant,
        run,
        ..
    } = demo_with_a_held_write().await;
    run.refuse.set(true);
    run.open.set(true);
    until(
        || run.handle.with(Run::pause_reason) == Some(PauseReason::JournalNotSaved),
        "the run to pause",
    )
    .await;
    assert!(run
        .effects
        .borrow()
        .iter()
        .any(|e| matches!(e, Effect::Paused(PauseReason::JournalNotSaved))));
    settle(1_500).await;
    assert_eq!(writes_received(&tenant), 0, "a write went out unrecorded");
    assert_eq!(
        run.handle
            .with(|r| r.record(0).map(|record| (record.status, record.attempts))),
        Some((Status::Waiting, 0)),
        "the write held back is not counted as sent"
    );

    run.refuse.set(false);
    run.handle.send(Event::Resume);
    until(|| run.handle.is_finished(), "the resumed run to finish").await;
    assert_eq!(writes_received(&tenant), 1, "sent once, after resuming");
    assert_eq!(
        run.handle.with(|r| r.record(0).map(|record| record.status)),
        Some(Status::Done)
    );
}

#[wasm_bindgen_test]
async fn the_write_rate_chart_is_labelled_and_legible_on_a_phone() {
    use license_desk::components::write_rate_chart::WriteRateChart;
    let root = container();
    // A phone's width, less the card's padding.
    root.style().set_property("width", "350px").unwrap();
    root.style().set_property("display", "block").unwrap();
    let mut series = vec![0.0; 120];
    series[100] = 20.0;
    series[101] = 12.5;
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <WriteRateChart series=Signal::derive(move || series.clone()) budget=20.0
                average=Signal::derive(|| 18.44) throttled=Signal::derive(|| "12 s".to_string())/>
        }
    });
    settle(10).await;
    let text = root.text_content().unwrap_or_default();
    for label in [
        "Writes per second",
        "Time",
        "2 min ago",
        "now",
        "Quota 20/s",
    ] {
        assert!(text.contains(label), "{label} in {text}");
    }
    // The text equivalent names the chart for a screen reader.
    let svg = root.query_selector("svg").unwrap().unwrap();
    let summary_id = svg.get_attribute("aria-labelledby").unwrap();
    let summary = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .get_element_by_id(&summary_id)
        .unwrap()
        .text_content()
        .unwrap();
    assert!(summary.contains("Peak 20.0 writes/s"), "{summary}");
    assert!(
        summary.contains("average 18.4 applied writes/s"),
        "{summary}"
    );
    assert!(summary.contains("throttled for 12 s"), "{summary}");
    // Its words are drawn at least 10 px tall at this width.
    let ticks = root.query_selector_all("svg text").unwrap();
    assert!(ticks.length() >= 5);
    for i in 0..ticks.length() {
        let tick: web_sys::Element = ticks.item(i).unwrap().unchecked_into();
        let measure: js_sys::Function =
            js_sys::Reflect::get(&tick, &"getBoundingClientRect".into())
                .unwrap()
                .unchecked_into();
        let rect = measure.call0(&tick).unwrap();
        let height = js_sys::Reflect::get(&rect, &"height".into())
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            height >= 10.0,
            "{:?} is {height} px tall",
            tick.text_content()
        );
    }
}

#[wasm_bindgen_test]
fn money_and_days_read_in_the_browsers_locale() {
    use license_desk::format::{date, money};
    use license_desk_core::lists::reclaim::Money;
    let amount = Money::new("USD", 123_456);
    let shown = money(&amount);
    // The browser's own form ("$1,234.56", "1.234,56 $"), never the plain fallback.
    assert_ne!(shown, amount.to_string());
    assert!(shown.contains("234"), "{shown}");
    assert!(shown.contains('$'), "{shown}");
    // 15 February 2027, read in UTC: a day in words, not the ISO fallback.
    let day = date(1_802_649_600_000);
    assert_ne!(day, "2027-02-15");
    assert!(day.contains("2027") && day.contains("15"), "{day}");
}

/// The pending changes' preview stays open while a fresh read leaves the changes and their
/// request as they were, and closes when either changes: a late re-read of the user must
/// not take away the preview the admin just opened.
#[wasm_bindgen_test]
async fn the_preview_stays_open_until_the_changes_or_their_request_change() {
    use license_desk::components::pending_changes_panel::PendingChangesPanel;
    use license_desk_core::graph::request::GraphRequest;
    use license_desk_core::licensing::checklist::Checklist;
    use license_desk_core::licensing::plan::Warning;
    use license_desk_core::wording::pending::Subject;

    let changes = RwSignal::new(vec!["Remove Power BI Pro".to_string()]);
    let request = RwSignal::new(Some(GraphRequest::post_json(
        "/users/u1/assignLicense",
        r#"{"addLicenses":[],"removeLicenses":["f8a1db68-be16-40ed-86d5-cb42ce701560"]}"#.into(),
    )));
    let root = container();
    let (_mounted, _) = mount_filled(
        &root,
        move || {
            view! {
                <PendingChangesPanel subject=Subject::User heading_id="pending-test"
                    changes=changes refusals=Signal::derive(Vec::new) request=request
                    checklist=RwSignal::new(Checklist::new(Vec::<Warning>::new()))
                    describe=|_warning: Warning| String::new()
                    busy=Signal::derive(|| false) allowed=Signal::derive(|| true)
                    on_discard=|_| {} on_apply=|_| {}>
                    <p>"predicted diff"</p>
                </PendingChangesPanel>
            }
            .into_any()
        },
        |_| {},
    )
    .await;
    let preview_shown = || root.query_selector(".preview").unwrap().is_some();
    button(&root, "Preview changes").click();
    settle(10).await;
    assert!(preview_shown(), "{}", root.inner_text());

    // The user is read again: the same changes, the same request.
    changes.set(vec!["Remove Power BI Pro".to_string()]);
    request.set(request.get_untracked());
    settle(10).await;
    assert!(
        preview_shown(),
        "a re-read that changed nothing closed the preview"
    );

    // Another request for the same words needs another preview.
    request.update(|r| r.as_mut().unwrap().path = "/users/u2/assignLicense".into());
    settle(10).await;
    assert!(!preview_shown());

    button(&root, "Preview changes").click();
    settle(10).await;
    changes.set(vec!["Remove Office 365 E3".to_string()]);
    settle(10).await;
    assert!(!preview_shown(), "other changes kept the old preview");
}

/// A change teaches the tenant how long its Entra ID takes to show a write, so the next
/// change's check after an unclear answer is sized from it; another tenant starts
/// without it.
#[wasm_bindgen_test]
async fn a_change_keeps_the_tenants_lag_for_the_next_and_another_tenant_starts_without_it() {
    use license_desk_core::graph::ids::UserId;
    use license_desk_core::ops::Intent;

    let (_owner, session, workspace, _demo) = signed_in_demo();
    assert_eq!(workspace.tenant.lags_seen().samples(), 0);
    license_desk::state::user::actions::start(
        session,
        workspace.tenant,
        workspace.user,
        UserId::new("alexw@contoso.example"),
        Intent::SetUsageLocation("JP".into()),
        Vec::new(),
    );
    until(
        || workspace.tenant.lags_seen().samples() == 1,
        "the change's lag to be kept",
    )
    .await;
    sign_in_to_another_tenant(workspace, session);
    assert_eq!(
        workspace.tenant.lags_seen().samples(),
        0,
        "another tenant's lag was kept"
    );
}
