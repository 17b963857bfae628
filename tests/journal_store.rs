//! Browser tests of the journal store against Chromium's real IndexedDB: what a closed
//! tab leaves behind is exactly what the next sign-in offers to resume.
#![cfg(target_arch = "wasm32")]

use license_desk::transport::journal_store::{
    self, discard, discard_all, from_file_json, saved_runs, to_file_json, JournalStore, RunHeader,
    RunSpec, StoreError,
};
use license_desk_core::bulk::BulkOperation;
use license_desk_core::ops::{Intent, JournalRecord, Options, RunItem, Status};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn header(run_id: &str, tenant_id: &str, started_ms: u64, total: usize) -> RunHeader {
    let spec = RunSpec {
        title: format!("Reprocess {total} users"),
        number: 0,
        operation: Some(BulkOperation::Reprocess),
        options: Options {
            max_in_flight: 4,
            ..Options::default()
        },
    };
    RunHeader::new(run_id.into(), tenant_id.into(), spec, started_ms, total)
}

/// The newest unfinished run of `tenant`, as the resume offer gets it.
async fn unfinished_run(
    tenant: &str,
) -> Result<Option<(RunHeader, Vec<JournalRecord>)>, StoreError> {
    saved_runs(tenant).await.map(|runs| runs.newest)
}

fn records(total: usize) -> Vec<JournalRecord> {
    (0..total)
        .map(|i| {
            JournalRecord::new(
                i,
                RunItem::new(format!("user{i}@contoso.com"), Intent::Reprocess),
            )
        })
        .collect()
}

fn with_status(mut record: JournalRecord, status: Status, attempts: u32) -> JournalRecord {
    record.status = status;
    record.attempts = attempts;
    record
        .request_ids
        .push(format!("req-{}-{attempts}", record.index));
    record
}

/// A new run's journal, `header` and `records`, stored.
async fn stored(header: RunHeader, records: &[JournalRecord]) -> JournalStore {
    JournalStore::create(header, records).await.unwrap()
}

/// A new run of `total` items, stored: see [`header`] and [`records`].
async fn stored_run(run_id: &str, tenant_id: &str, started_ms: u64, total: usize) -> JournalStore {
    stored(
        header(run_id, tenant_id, started_ms, total),
        &records(total),
    )
    .await
}

/// A new run of `total` items, stored, then its last record put again with `status`: the
/// store and that record, queued for writing.
async fn stored_then_put(
    run_id: &str,
    tenant_id: &str,
    total: usize,
    status: Status,
) -> (JournalStore, JournalRecord) {
    let store = stored_run(run_id, tenant_id, 1, total).await;
    let changed = with_status(records(total)[total - 1].clone(), status, 1);
    store.put(&changed);
    (store, changed)
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Everything in one of the database's stores, read without the store's own code.
async fn raw_values(store: &str) -> Vec<String> {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open = factory.open("license-desk").unwrap();
    wait(&open).await;
    let db: web_sys::IdbDatabase = open.result().unwrap().unchecked_into();
    let tx = db.transaction_with_str(store).unwrap();
    let request = tx.object_store(store).unwrap().get_all().unwrap();
    wait(&request).await;
    let values: js_sys::Array = request.result().unwrap().unchecked_into();
    db.close();
    // Structured objects, as canonical JSON (keys sorted) to compare.
    let mut values: Vec<String> = values
        .iter()
        .map(|v| {
            let value: serde_json::Value = serde_wasm_bindgen::from_value(v).unwrap();
            value.to_string()
        })
        .collect();
    values.sort();
    values
}

/// Puts `value` into `store` under `key` as it is, bypassing the journal store.
async fn put_raw(store: &str, key: &wasm_bindgen::JsValue, value: &wasm_bindgen::JsValue) {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open = factory.open("license-desk").unwrap();
    wait(&open).await;
    let db: web_sys::IdbDatabase = open.result().unwrap().unchecked_into();
    let tx = db
        .transaction_with_str_and_mode(store, web_sys::IdbTransactionMode::Readwrite)
        .unwrap();
    let request = tx
        .object_store(store)
        .unwrap()
        .put_with_key(value, key)
        .unwrap();
    wait(&request).await;
    db.close();
}

async fn wait(request: &web_sys::IdbRequest) {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await.unwrap();
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).unwrap().to_string()
}

#[wasm_bindgen_test]
async fn a_resumed_run_gets_the_latest_version_of_every_record_in_index_order() {
    let total = 1_500;
    let header = header("run-order", "tenant-order", 1_000, total);
    let initial = records(total);
    let store = stored(header.clone(), &initial).await;

    let mut expected = initial.clone();
    // Every third item goes sent then done; the puts arrive out of index order.
    for i in (0..total).rev().filter(|i| i % 3 == 0) {
        store.put(&with_status(initial[i].clone(), Status::Sent, 1));
        expected[i] = with_status(
            with_status(initial[i].clone(), Status::Sent, 1),
            Status::Done,
            1,
        );
        store.put(&expected[i]);
    }
    store.flush().await.unwrap();

    let (saved_header, saved) = unfinished_run("tenant-order").await.unwrap().unwrap();
    assert_eq!(saved_header, header);
    assert_eq!(saved.len(), total);
    assert!(
        saved.iter().enumerate().all(|(i, r)| r.index == i),
        "index order (2 before 10)"
    );
    assert_eq!(saved, expected);
    discard("run-order").await.unwrap();
}

#[wasm_bindgen_test]
async fn queued_changes_are_written_by_the_timer_without_a_flush() {
    let (_store, changed) = stored_then_put("run-timer", "tenant-timer", 3, Status::Done).await;
    sleep(journal_store::FLUSH_EVERY_MS + 400).await;

    let (_, saved) = unfinished_run("tenant-timer").await.unwrap().unwrap();
    assert_eq!(saved[2], changed);
    assert_eq!(saved[0], records(3)[0]);
    discard("run-timer").await.unwrap();
}

#[wasm_bindgen_test]
async fn leaving_the_page_writes_queued_changes_at_once() {
    let (store, changed) = stored_then_put("run-hide", "tenant-hide", 2, Status::Settling).await;
    let window = web_sys::window().unwrap();
    window
        .dispatch_event(&web_sys::Event::new("pagehide").unwrap())
        .unwrap();

    // Read at once, well before the timer: the page-hide write is already queued ahead.
    let (_, saved) = unfinished_run("tenant-hide").await.unwrap().unwrap();
    assert_eq!(saved[1], changed);
    drop(store);
    discard("run-hide").await.unwrap();
}

#[wasm_bindgen_test]
async fn a_finished_run_is_not_offered_but_keeps_its_last_records() {
    let header = header("run-finish", "tenant-finish", 1, 2);
    let store = stored(header.clone(), &records(2)).await;
    assert!(unfinished_run("tenant-finish").await.unwrap().is_some());
    let last = with_status(records(2)[0].clone(), Status::Done, 1);
    store.put(&last);
    store.finish().await.unwrap();

    assert_eq!(unfinished_run("tenant-finish").await.unwrap(), None);
    let runs = raw_values("runs").await;
    let finished = RunHeader {
        finished: true,
        ..header
    };
    assert!(runs.contains(&json(&finished)), "{runs:?}");
    assert!(raw_values("records").await.contains(&json(&last)));
    discard("run-finish").await.unwrap();
}

#[wasm_bindgen_test]
async fn runs_are_offered_only_to_their_tenant_newest_first() {
    let _older = stored_run("run-a-old", "tenant-a", 1_000, 1).await;
    let _newer = stored_run("run-a-new", "tenant-a", 2_000, 2).await;

    assert_eq!(unfinished_run("tenant-b").await.unwrap(), None);
    let (offered, saved) = unfinished_run("tenant-a").await.unwrap().unwrap();
    assert_eq!(offered.run_id, "run-a-new");
    assert_eq!(saved, records(2));

    discard("run-a-new").await.unwrap();
    let (offered, _) = unfinished_run("tenant-a").await.unwrap().unwrap();
    assert_eq!(offered.run_id, "run-a-old");
    discard("run-a-old").await.unwrap();
    assert_eq!(unfinished_run("tenant-a").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn discarding_a_run_deletes_its_header_and_records() {
    let before = (raw_values("runs").await, raw_values("records").await);
    let _store = stored_run("run-gone", "tenant-gone", 1, 3).await;
    assert_eq!(raw_values("records").await.len(), before.1.len() + 3);
    discard("run-gone").await.unwrap();
    assert_eq!(unfinished_run("tenant-gone").await.unwrap(), None);
    assert_eq!(
        (raw_values("runs").await, raw_values("records").await),
        before
    );
}

#[wasm_bindgen_test]
async fn reopening_a_run_replaces_its_records_and_a_new_run_replaces_finished_ones() {
    let first = stored_run("run-1", "tenant-re", 1, 5).await;
    first.finish().await.unwrap();
    let other_tenant = stored_run("run-x", "tenant-other", 1, 1).await;
    other_tenant.finish().await.unwrap();

    let _second = stored_run("run-2", "tenant-re", 2, 4).await;
    let resumed = vec![with_status(records(1)[0].clone(), Status::Done, 2)];
    let _reopened = stored(header("run-2", "tenant-re", 2, 1), &resumed).await;

    let (offered, saved) = unfinished_run("tenant-re").await.unwrap().unwrap();
    assert_eq!((offered.run_id.as_str(), offered.total), ("run-2", 1));
    assert_eq!(saved, resumed);
    let runs = raw_values("runs").await;
    assert!(!runs.iter().any(|h| h.contains("\"run-1\"")), "{runs:?}");
    assert!(runs.iter().any(|h| h.contains("\"run-x\"")), "{runs:?}");
    discard("run-2").await.unwrap();
    discard("run-x").await.unwrap();
}

#[wasm_bindgen_test]
async fn the_store_keeps_exactly_what_it_is_given_and_discard_all_forgets_it() {
    discard_all().await.unwrap();
    let header = header("run-exact", "tenant-exact", 7, 3);
    let mut expected = records(3);
    let store = stored(header.clone(), &expected).await;
    expected[1] = with_status(expected[1].clone(), Status::Failed, 3);
    store.put(&expected[1]);
    store.flush().await.unwrap();
    let _other = stored(header_for_other(), &records(1)).await;

    let mut want_runs = vec![json(&header), json(&header_for_other())];
    want_runs.sort();
    assert_eq!(raw_values("runs").await, want_runs);
    let mut want_records: Vec<String> = expected.iter().chain(&records(1)).map(json).collect();
    want_records.sort();
    assert_eq!(raw_values("records").await, want_records);
    // JWTs start with a base64url `{"`: nothing token-like is added on the way.
    assert!(!raw_values("runs")
        .await
        .iter()
        .chain(&raw_values("records").await)
        .any(|v| v.contains("eyJ")));

    discard_all().await.unwrap();
    assert!(raw_values("runs").await.is_empty());
    assert!(raw_values("records").await.is_empty());
    assert_eq!(unfinished_run("tenant-exact").await.unwrap(), None);
    assert_eq!(unfinished_run("tenant-exact-2").await.unwrap(), None);
    // The handle outlives the forgetting; a later flush writes only what is put after.
    store.flush().await.unwrap();
    assert!(raw_values("records").await.is_empty());
}

fn header_for_other() -> RunHeader {
    header("run-exact-2", "tenant-exact-2", 8, 1)
}

#[wasm_bindgen_test]
async fn a_downloaded_journal_loads_back_and_garbage_is_refused() {
    let header = header("run-file", "tenant-file", 3, 3);
    let mut saved = records(3);
    saved[0] = with_status(saved[0].clone(), Status::Done, 1);
    let text = to_file_json(&header, &saved);
    assert_eq!(from_file_json(&text).unwrap(), (header, saved));

    let error = from_file_json("<html>not a journal</html>").unwrap_err();
    assert_eq!(error.what, "This file is not a License Desk journal");
    assert!(from_file_json(r#"{"format":"license-desk-journal","version":1}"#).is_err());
}

#[wasm_bindgen_test]
fn run_ids_differ() {
    let a = journal_store::new_run_id();
    let b = journal_store::new_run_id();
    assert_ne!(a, b);
    assert!(a.len() > 9, "{a}");
}

#[wasm_bindgen_test]
async fn values_are_stored_as_objects_with_the_journal_version() {
    let header = header("run-object", "tenant-object", 1, 1);
    let _store = stored(header.clone(), &records(1)).await;
    let runs = raw_values("runs").await;
    let ours = runs.iter().find(|h| h.contains("\"run-object\"")).unwrap();
    let value: serde_json::Value = serde_json::from_str(ours).unwrap();
    assert_eq!(value["version"], 2);
    assert_eq!(
        value["spec"]["options"]["maxInFlight"], 4,
        "typed, not JSON text"
    );
    discard("run-object").await.unwrap();
}

#[wasm_bindgen_test]
async fn a_run_saved_as_json_text_by_the_earlier_version_is_still_offered() {
    let spec = header("run-text", "tenant-text", 5, 2).spec;
    let v1 = serde_json::json!({
        "runId": "run-text", "tenantId": "tenant-text", "title": "Reprocess 2 users",
        "startedMs": 5, "total": 2, "finished": false,
        "specJson": serde_json::to_string(&spec).unwrap(),
    });
    put_raw("runs", &"run-text".into(), &v1.to_string().into()).await;
    for record in records(2) {
        let key = js_sys::Array::of2(&"run-text".into(), &(record.index as f64).into());
        put_raw("records", &key, &json(&record).into()).await;
    }
    let (offered, saved) = unfinished_run("tenant-text").await.unwrap().unwrap();
    assert_eq!(offered.spec, spec);
    assert_eq!(saved, records(2));
    discard("run-text").await.unwrap();
}

#[wasm_bindgen_test]
async fn a_run_this_version_cant_read_is_named_with_its_version_and_never_replaced() {
    let newer = serde_json::json!({
        "version": 7, "runId": "run-newer", "tenantId": "tenant-newer",
        "title": "Undo of run 2", "finished": true,
    });
    let value = serde_wasm_bindgen::to_value(&newer).unwrap();
    put_raw("runs", &"run-newer".into(), &value).await;
    let runs = saved_runs("tenant-newer").await.unwrap();
    assert_eq!(runs.newest, None);
    assert_eq!(runs.unreadable.len(), 1);
    let said = runs.unreadable[0].describe();
    assert!(
        said.contains("“Undo of run 2” (journal version 7)"),
        "{said}"
    );
    // A new run of the same tenant replaces its finished runs, but not this one.
    let _store = stored_run("run-new", "tenant-newer", 9, 1).await;
    assert!(raw_values("runs")
        .await
        .iter()
        .any(|h| h.contains("\"run-newer\"")));
    assert_eq!(
        saved_runs("tenant-newer").await.unwrap().unreadable.len(),
        1
    );
    discard("run-newer").await.unwrap();
    discard("run-new").await.unwrap();
}
