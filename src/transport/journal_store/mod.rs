//! A bulk run's journal, saved in the browser's database (IndexedDB) as the run goes, so
//! closing the tab mid-run loses nothing: the next sign-in to the same tenant offers to
//! resume the run (with `Run::resume`) or discard it.
//!
//! The database "license-desk" has two stores: "runs" holds each run's [`RunHeader`]
//! keyed by run id, and "records" holds each item's `JournalRecord` keyed by
//! `[run id, index]`. Values are structured objects (written with `serde-wasm-bindgen`), in
//! the core's versioned format ([`RunHeader`]); values of the earlier format (JSON text)
//! are still read. A saved run this version can't read is reported by name and version
//! ([`SavedRuns::unreadable`]) and never deleted or replaced. Record changes are coalesced (the latest per item wins) and written in one
//! transaction at most every [`FLUSH_EVERY_MS`], at once on [`JournalStore::flush`], and
//! when the page is hidden or left. Only what the caller passes in is stored; records and
//! headers hold no token, and nothing here reads the session.
//!
//! Where IndexedDB is unavailable every call returns a [`StoreError`] that says so; the run
//! itself does not depend on the store, and the journal can still be downloaded as a file
//! ([`to_file_json`], loaded back with [`from_file_json`]).

mod error;
mod file;
mod idb;
mod pending;

pub use error::StoreError;
pub use file::{from_file_json, to_file_json};

use error::Doing;
use license_desk_core::ops::JournalRecord;
use pending::Pending;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IdbDatabase, IdbTransaction};

/// Coalesced record changes are written at most this often.
pub const FLUSH_EVERY_MS: u32 = 300;

pub use license_desk_core::bulk::saved::{RunHeader, RunSpec, UnreadableRun};

/// What this browser keeps of a tenant's runs: the newest unfinished one, with its
/// records in index order, and any this version can't read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SavedRuns {
    pub newest: Option<(RunHeader, Vec<JournalRecord>)>,
    pub unreadable: Vec<UnreadableRun>,
    /// The newest run is running in another tab of this browser, which holds its lock
    /// (`crate::transport::run_lock`): it can't be resumed here.
    pub running_elsewhere: bool,
}

/// A fresh run id: the time in milliseconds and a random part, in hex.
pub fn new_run_id() -> String {
    let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("{:x}-{random:08x}", js_sys::Date::now() as u64)
}

/// A handle to one run's saved journal. Clones share the queue; when the last one is
/// dropped, whatever is still queued is written.
#[derive(Clone)]
pub struct JournalStore {
    inner: Rc<Inner>,
}

struct Inner {
    db: IdbDatabase,
    header: RefCell<RunHeader>,
    pending: RefCell<Pending<JournalRecord>>,
    timer_armed: Cell<bool>,
    /// A timed or page-hide write that failed, reported by the next `flush`.
    background_error: RefCell<Option<StoreError>>,
    listeners: PageListeners,
}

impl JournalStore {
    /// Creates (or reopens) the run's journal, writing the header and all records; any
    /// earlier records of the same run id are replaced. Finished runs of the same tenant
    /// are replaced by this one and deleted.
    pub async fn create(
        header: RunHeader,
        records: &[JournalRecord],
    ) -> Result<JournalStore, StoreError> {
        let db = idb::open().await?;
        if let Err(error) = write_new_run(&db, &header, records).await {
            db.close();
            return Err(error);
        }
        Ok(JournalStore {
            inner: Rc::new_cyclic(|weak| Inner {
                db,
                header: RefCell::new(header),
                pending: RefCell::new(Pending::default()),
                timer_armed: Cell::new(false),
                background_error: RefCell::new(None),
                listeners: PageListeners::attach(weak.clone()),
            }),
        })
    }

    pub fn run_id(&self) -> String {
        self.inner.header.borrow().run_id.clone()
    }

    /// Queues a record change; writes are coalesced (the latest per index wins) and made
    /// in one transaction at most every [`FLUSH_EVERY_MS`], at once on [`Self::flush`],
    /// and when the page is hidden or left.
    pub fn put(&self, record: &JournalRecord) {
        self.inner
            .pending
            .borrow_mut()
            .put(record.index, record.clone());
        if !self.inner.timer_armed.replace(true) {
            let inner = self.inner.clone();
            wasm_bindgen_futures::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(FLUSH_EVERY_MS).await;
                inner.timer_armed.set(false);
                if let Err(error) = inner.write(false, false).await {
                    *inner.background_error.borrow_mut() = Some(error);
                }
            });
        }
    }

    /// Writes every queued change now and waits until it and every earlier write are
    /// saved. Also reports a timed write that failed since the last flush.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let result = self.inner.write(false, true).await;
        let earlier = self.inner.background_error.borrow_mut().take();
        result.and(earlier.map_or(Ok(()), Err))
    }

    /// Marks the run finished (it is then no longer offered for resume, but kept until
    /// discarded or replaced by the tenant's next run), writing queued changes with it.
    pub async fn finish(&self) -> Result<(), StoreError> {
        self.inner.header.borrow_mut().finished = true;
        let result = self.inner.write(true, true).await;
        let earlier = self.inner.background_error.borrow_mut().take();
        result.and(earlier.map_or(Ok(()), Err))
    }
}

/// A write whose requests are made, and the records it carries (put back if it fails).
struct Started {
    tx: IdbTransaction,
    batch: Vec<(usize, JournalRecord)>,
}

impl Inner {
    /// Starts one transaction with every queued record (and the header when asked). With
    /// `always`, an empty one too: it commits only after every earlier write.
    fn start_write(&self, with_header: bool, always: bool) -> Result<Option<Started>, StoreError> {
        if !always && !with_header && self.pending.borrow().is_empty() {
            return Ok(None);
        }
        let stores: &[&str] = if with_header {
            &[idb::RUNS, idb::RECORDS]
        } else {
            &[idb::RECORDS]
        };
        let tx = idb::transaction(&self.db, stores, Doing::Saving)?;
        let batch = self.pending.borrow_mut().take();
        let header = self.header.borrow();
        let requests = (|| {
            let records = idb::store(&tx, idb::RECORDS, Doing::Saving)?;
            for (index, record) in &batch {
                records
                    .put_with_key(&encode(record)?, &idb::record_key(&header.run_id, *index))
                    .map_err(|e| idb::thrown(Doing::Saving, e))?;
            }
            if with_header {
                put_header(&idb::store(&tx, idb::RUNS, Doing::Saving)?, &header)?;
            }
            Ok(())
        })();
        match requests {
            Ok(()) => Ok(Some(Started { tx, batch })),
            Err(error) => {
                self.pending.borrow_mut().restore(batch);
                Err(idb::abandon(&tx, error))
            }
        }
    }

    async fn write(&self, with_header: bool, always: bool) -> Result<(), StoreError> {
        let Some(Started { tx, batch }) = self.start_write(with_header, always)? else {
            return Ok(());
        };
        let committed = idb::committed(&tx, Doing::Saving).await;
        if committed.is_err() {
            self.pending.borrow_mut().restore(batch);
        }
        committed
    }

    /// The page is being hidden or left: the requests must be made before the handler
    /// returns, so only the wait for the outcome is deferred.
    fn write_now(self: Rc<Self>) {
        match self.start_write(false, false) {
            Ok(None) => {}
            Ok(Some(Started { tx, batch })) => wasm_bindgen_futures::spawn_local(async move {
                if let Err(error) = idb::committed(&tx, Doing::Saving).await {
                    self.pending.borrow_mut().restore(batch);
                    *self.background_error.borrow_mut() = Some(error);
                }
            }),
            Err(error) => *self.background_error.borrow_mut() = Some(error),
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.listeners.detach();
        let _ = self.start_write(false, false);
        // Closing waits for the transactions still running.
        self.db.close();
    }
}

/// Writes queued changes at once when the page is hidden (tab switched, window
/// minimised, mobile app switch) or left, since a closing tab may never run the timer.
struct PageListeners {
    pagehide: Closure<dyn FnMut(web_sys::Event)>,
    visibility: Closure<dyn FnMut(web_sys::Event)>,
}

impl PageListeners {
    fn attach(inner: Weak<Inner>) -> Self {
        let on_hide = move |hidden_only: bool| {
            let inner = inner.clone();
            move |_: web_sys::Event| {
                let hidden = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.hidden());
                if let Some(inner) = inner.upgrade().filter(|_| hidden || !hidden_only) {
                    inner.write_now();
                }
            }
        };
        let listeners = PageListeners {
            pagehide: Closure::new(on_hide(false)),
            visibility: Closure::new(on_hide(true)),
        };
        for (target, event, listener) in listeners.each() {
            let _ = target.add_event_listener_with_callback(event, listener);
        }
        listeners
    }

    fn detach(&self) {
        for (target, event, listener) in self.each() {
            let _ = target.remove_event_listener_with_callback(event, listener);
        }
    }

    /// Each listener with the page object and the event it listens to.
    fn each(&self) -> Vec<(web_sys::EventTarget, &'static str, &js_sys::Function)> {
        let Some(window) = web_sys::window() else {
            return Vec::new();
        };
        let mut each = Vec::new();
        if let Some(document) = window.document() {
            each.push((
                document.into(),
                "visibilitychange",
                self.visibility.as_ref().unchecked_ref(),
            ));
        }
        each.push((
            window.into(),
            "pagehide",
            self.pagehide.as_ref().unchecked_ref(),
        ));
        each
    }
}

fn put_header(runs: &web_sys::IdbObjectStore, header: &RunHeader) -> Result<(), StoreError> {
    runs.put_with_key(&encode(header)?, &JsValue::from_str(&header.run_id))
        .map(drop)
        .map_err(|e| idb::thrown(Doing::Saving, e))
}

/// A value as a structured object for the database.
fn encode<T: Serialize>(value: &T) -> Result<JsValue, StoreError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StoreError::from_dom(Doing::Saving, "DataError", &e.to_string()))
}

/// A stored value as JSON: a structured object, or the earlier format's JSON text.
fn as_json(value: &JsValue) -> Result<serde_json::Value, String> {
    match value.as_string() {
        Some(text) => serde_json::from_str(&text).map_err(|e| e.to_string()),
        None => serde_wasm_bindgen::from_value(value.clone()).map_err(|e| e.to_string()),
    }
}

fn decode_record(value: &JsValue) -> Result<JournalRecord, String> {
    serde_json::from_value(as_json(value)?).map_err(|e| e.to_string())
}

/// Every saved run header this version reads, and what it knows of those it can't.
async fn saved_headers(
    db: &IdbDatabase,
) -> Result<(Vec<RunHeader>, Vec<UnreadableRun>), StoreError> {
    let tx = idb::transaction(db, &[idb::RUNS], Doing::Reading)?;
    let request = idb::store(&tx, idb::RUNS, Doing::Reading)?
        .get_all()
        .map_err(|e| idb::thrown(Doing::Reading, e))?;
    let all = idb::read(request, Doing::Reading).await?;
    let mut readable = Vec::new();
    let mut unreadable = Vec::new();
    for value in idb::values(all) {
        let read = as_json(&value)
            .map_err(|detail| UnreadableRun {
                run_id: None,
                tenant_id: None,
                title: None,
                version: None,
                detail,
            })
            .and_then(RunHeader::read);
        match read {
            Ok(header) => readable.push(header),
            Err(run) => unreadable.push(run),
        }
    }
    Ok((readable, unreadable))
}

/// Writes a run's header and records in one transaction, replacing earlier records of
/// the run and the tenant's finished runs.
async fn write_new_run(
    db: &IdbDatabase,
    header: &RunHeader,
    records: &[JournalRecord],
) -> Result<(), StoreError> {
    let replaced: Vec<String> = saved_headers(db)
        .await?
        .0
        .into_iter()
        .filter(|h| h.tenant_id == header.tenant_id && h.finished && h.run_id != header.run_id)
        .map(|h| h.run_id)
        .collect();
    let tx = idb::transaction(db, &[idb::RUNS, idb::RECORDS], Doing::Saving)?;
    let requests = (|| {
        let runs = idb::store(&tx, idb::RUNS, Doing::Saving)?;
        let store = idb::store(&tx, idb::RECORDS, Doing::Saving)?;
        for run_id in replaced.iter().chain([&header.run_id]) {
            runs.delete(&JsValue::from_str(run_id))
                .and_then(|_| store.delete(&idb::run_records(run_id)?))
                .map_err(|e| idb::thrown(Doing::Saving, e))?;
        }
        put_header(&runs, header)?;
        for record in records {
            store
                .put_with_key(
                    &encode(record)?,
                    &idb::record_key(&header.run_id, record.index),
                )
                .map_err(|e| idb::thrown(Doing::Saving, e))?;
        }
        Ok(())
    })();
    match requests {
        Ok(()) => idb::committed(&tx, Doing::Saving).await,
        Err(error) => Err(idb::abandon(&tx, error)),
    }
}

/// This tenant's saved runs: the newest unfinished one with its records in index order,
/// and the runs of this tenant this version can't read.
pub async fn saved_runs(tenant_id: &str) -> Result<SavedRuns, StoreError> {
    let db = idb::open().await?;
    let result = read_saved_runs(&db, tenant_id).await;
    db.close();
    result
}

async fn read_saved_runs(db: &IdbDatabase, tenant_id: &str) -> Result<SavedRuns, StoreError> {
    let (headers, unreadable) = saved_headers(db).await?;
    let unreadable = unreadable
        .into_iter()
        .filter(|run| run.tenant_id.as_deref() == Some(tenant_id))
        .collect();
    let Some(header) = headers
        .into_iter()
        .filter(|h| h.tenant_id == tenant_id && !h.finished)
        .max_by(|a, b| (a.started_ms, &a.run_id).cmp(&(b.started_ms, &b.run_id)))
    else {
        return Ok(SavedRuns {
            newest: None,
            unreadable,
            running_elsewhere: false,
        });
    };
    let tx = idb::transaction(db, &[idb::RECORDS], Doing::Reading)?;
    let range = idb::run_records(&header.run_id).map_err(|e| idb::thrown(Doing::Reading, e))?;
    let request = idb::store(&tx, idb::RECORDS, Doing::Reading)?
        .get_all_with_key(&range)
        .map_err(|e| idb::thrown(Doing::Reading, e))?;
    let all = idb::read(request, Doing::Reading).await?;
    let mut records = idb::values(all)
        .iter()
        .map(decode_record)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|detail| StoreError::unreadable_saved_run(&header.title, &detail))?;
    records.sort_by_key(|record| record.index);
    Ok(SavedRuns {
        newest: Some((header, records)),
        unreadable,
        running_elsewhere: false,
    })
}

/// Deletes one saved run.
pub async fn discard(run_id: &str) -> Result<(), StoreError> {
    let run_id = run_id.to_string();
    delete(move |runs, records| {
        runs.delete(&JsValue::from_str(&run_id))?;
        records.delete(&idb::run_records(&run_id)?)?;
        Ok(())
    })
    .await
}

/// Deletes every saved run (used by "Sign out and forget").
pub async fn discard_all() -> Result<(), StoreError> {
    delete(|runs, records| {
        runs.clear()?;
        records.clear()?;
        Ok(())
    })
    .await
}

async fn delete(
    requests: impl FnOnce(&web_sys::IdbObjectStore, &web_sys::IdbObjectStore) -> Result<(), JsValue>,
) -> Result<(), StoreError> {
    let db = idb::open().await?;
    let result = async {
        let tx = idb::transaction(&db, &[idb::RUNS, idb::RECORDS], Doing::Discarding)?;
        let runs = idb::store(&tx, idb::RUNS, Doing::Discarding)?;
        let records = idb::store(&tx, idb::RECORDS, Doing::Discarding)?;
        match requests(&runs, &records) {
            Ok(()) => idb::committed(&tx, Doing::Discarding).await,
            Err(e) => Err(idb::abandon(&tx, idb::thrown(Doing::Discarding, e))),
        }
    }
    .await;
    db.close();
    result
}
