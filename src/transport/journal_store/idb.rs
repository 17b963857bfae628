//! The few IndexedDB calls the journal store makes, awaited as futures.
//!
//! IndexedDB reports through events; each request or transaction here is wrapped in a
//! promise whose resolve and reject functions are the event handlers themselves, so no
//! Rust closure outlives a call. Everything a transaction does is requested before it is
//! awaited, because a transaction commits as soon as it has nothing left to do.

use super::error::{Doing, StoreError};
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbKeyRange, IdbObjectStore, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

pub const DATABASE: &str = "license-desk";
/// Version 1 has the two stores below; a later version adds to them in `on_upgrade`.
const VERSION: u32 = 1;
/// Run headers as JSON, keyed by run id.
pub const RUNS: &str = "runs";
/// Records as JSON, keyed by `[run id, item index]`, so a run's records read back in
/// index order and go in one key range.
pub const RECORDS: &str = "records";

fn dom_error(doing: Doing, error: Option<DomException>) -> StoreError {
    match error {
        Some(e) => StoreError::from_dom(doing, &e.name(), &e.message()),
        None => StoreError::from_dom(doing, "", ""),
    }
}

/// A thrown value (a `DOMException`, usually) as a store error.
pub fn thrown(doing: Doing, value: JsValue) -> StoreError {
    dom_error(doing, value.dyn_into::<DomException>().ok())
}

/// Opens the database, creating its stores the first time.
pub async fn open() -> Result<IdbDatabase, StoreError> {
    let factory = web_sys::window()
        .ok_or_else(|| StoreError::unavailable("no browser window"))?
        .indexed_db()
        .map_err(|e| thrown(Doing::Reading, e))?
        .ok_or_else(|| StoreError::unavailable(""))?;
    let request = factory
        .open_with_u32(DATABASE, VERSION)
        .map_err(|e| thrown(Doing::Reading, e))?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new({
        let request = request.clone();
        move |_: web_sys::Event| {
            if let Ok(db) = request.result().and_then(|db| db.dyn_into::<IdbDatabase>()) {
                on_upgrade(&db);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let outcome = request_done(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = outcome
        .map_err(|_| dom_error(Doing::Reading, request.error().ok().flatten()))?
        .unchecked_into();
    // Another tab opening a newer version must not wait for this one: close on request.
    if let Ok(close) = js_sys::Reflect::get(&db, &"close".into()) {
        let close: Function = close.unchecked_into();
        db.set_onversionchange(Some(&close.bind0(&db)));
    }
    Ok(db)
}

/// Creates the stores of a new database (the only upgrade so far is from nothing).
fn on_upgrade(db: &IdbDatabase) {
    let names = db.object_store_names();
    for store in [RUNS, RECORDS] {
        if !names.contains(store) {
            let _ = db.create_object_store(store);
        }
    }
}

/// Waits for a request's `success` (its result) or `error`.
async fn request_done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await?;
    request.result()
}

/// The result of a read request (errors show up when the transaction aborts).
pub async fn read(request: IdbRequest, doing: Doing) -> Result<JsValue, StoreError> {
    request_done(&request)
        .await
        .map_err(|_| dom_error(doing, request.error().ok().flatten()))
}

/// A transaction over `stores`.
pub fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    doing: Doing,
) -> Result<IdbTransaction, StoreError> {
    // Reading never writes; saving and discarding do.
    let mode = match doing {
        Doing::Reading => IdbTransactionMode::Readonly,
        Doing::Saving | Doing::Discarding => IdbTransactionMode::Readwrite,
    };
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| thrown(doing, e))
}

pub fn store(tx: &IdbTransaction, name: &str, doing: Doing) -> Result<IdbObjectStore, StoreError> {
    tx.object_store(name).map_err(|e| thrown(doing, e))
}

/// Waits until the transaction has committed, or says why it was aborted.
pub async fn committed(tx: &IdbTransaction, doing: Doing) -> Result<(), StoreError> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|_| dom_error(doing, tx.error()))
}

/// Aborts a transaction whose requests could not all be made, and returns `error`.
pub fn abandon(tx: &IdbTransaction, error: StoreError) -> StoreError {
    let _ = tx.abort();
    error
}

/// The key of one record.
pub fn record_key(run_id: &str, index: usize) -> JsValue {
    Array::of2(&JsValue::from_str(run_id), &JsValue::from_f64(index as f64)).into()
}

/// Every record key of a run: from `[run_id]` up to `[run_id, []]` (an array sorts after
/// any number).
pub fn run_records(run_id: &str) -> Result<JsValue, JsValue> {
    let lower = Array::of1(&JsValue::from_str(run_id));
    let upper = Array::of2(&JsValue::from_str(run_id), &Array::new());
    IdbKeyRange::bound(&lower, &upper).map(JsValue::from)
}

/// The values of a `getAll` result.
pub fn values(all: JsValue) -> Vec<JsValue> {
    all.dyn_into::<Array>()
        .map(|array| array.iter().collect())
        .unwrap_or_default()
}
