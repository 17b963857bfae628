//! Browser tests: real components mounted in headless Chromium, asserted on the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use license_desk::components::error_panel::ErrorPanel;
use license_desk::components::tenant_licenses::TenantLicenses;
use license_desk::session::Session;
use license_desk::workspace::{Load, Workspace};
use license_desk_core::error::GraphError;
use license_desk_core::response::RawResponse;
use license_desk_core::sim::{SimConfig, Simulator};
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
    let skus = Simulator::new(SimConfig::default()).tenant().skus.clone();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(Session::new());
        let workspace = Workspace::new();
        workspace.skus.set(Load::Ready(skus.clone()));
        provide_context(workspace);
        view! { <TenantLicenses/> }
    });
    settle(10).await;
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

#[wasm_bindgen_test]
async fn use_demo_tenant_signs_in_and_loads_the_tenant() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), license_desk::App);
    settle(10).await;
    button(&root, "Use demo tenant").click();
    settle(600).await;
    let text = root.inner_text();
    assert!(text.contains("Demo tenant — no real data"), "{text}");
    assert!(text.contains("Licenses in this tenant"), "{text}");
    assert!(text.contains("Power BI Pro"), "{text}");
    assert!(
        text.contains("✓ Reprocess group licenses — allowed"),
        "{text}"
    );
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
    use license_desk_core::request::Cloud;
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
        license_desk_core::token::demo_claims("a@contoso.example", &["User.Read.All"], now, 3600);
    claims.aud = Some("https://graph.microsoft.us".into());
    pasted.set(license_desk_core::token::mint(&claims));
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
