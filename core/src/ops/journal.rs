//! The journal: one serialisable record per item of a run, kept up to date as it goes.
//!
//! The journal is what an admin keeps after a bulk change (what was asked, what was sent,
//! what Graph answered, before, after and the diff) and what a run resumes from after
//! the tab was closed: finished items are skipped and items whose write may have gone out
//! are read again before anything else. It never holds a token: tokens never enter the
//! engine.

use super::intent::RunItem;
use crate::graph::error::GraphError;
use crate::graph::model::User;
use crate::graph::request::GraphRequest;
use crate::licensing::diff::LicenseDiff;
use crate::licensing::plan::Warning;
use serde::{Deserialize, Serialize};

/// Where an item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not written yet (being read, planned, or waiting for the write budget).
    Waiting,
    /// The write is on its way; no answer yet.
    Sent,
    /// The write got no usable answer; the user is being read to find out whether it
    /// was applied. As a final status: it could not be found out.
    Unknown,
    /// Graph accepted the write; waiting until reads show it.
    Settling,
    Done,
    /// Nothing to change: the user already is as asked.
    NoOp,
    /// The planner will not send it (see the note).
    Refused,
    Failed,
    /// Stopped before its write was sent.
    Cancelled,
    /// Not sent because the SKU it adds had no free seat left (the run was asked to stop
    /// adding it when seats run out); the steps waiting on it end so too.
    NoSeats,
    /// A dry run read and planned the user: the record holds the write that would be
    /// sent. Nothing was sent.
    Planned,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Waiting,
        Status::Sent,
        Status::Unknown,
        Status::Settling,
        Status::Done,
        Status::NoOp,
        Status::Refused,
        Status::Failed,
        Status::Cancelled,
        Status::NoSeats,
        Status::Planned,
    ];

    /// Statuses a resumed run skips. A dry run's planned items are never resumed into
    /// writes: they are kept as they are.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            Status::Done
                | Status::NoOp
                | Status::Refused
                | Status::Failed
                | Status::NoSeats
                | Status::Planned
        )
    }

    /// A name for machines (CSS classes, the journal): the admin reads
    /// `wording::bulk::status_words` instead.
    pub fn label(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Sent => "sent",
            Status::Unknown => "unknown",
            Status::Settling => "settling",
            Status::Done => "done",
            Status::NoOp => "no-op",
            Status::Refused => "refused",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::NoSeats => "no-seats",
            Status::Planned => "planned",
        }
    }
}

/// How a `done` item ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Settlement {
    /// A read shows the change.
    Shown,
    /// Graph accepted the write, but reads did not show it within the settle timeout.
    NotShownYet,
    /// Reprocessing was accepted and nothing visible changed (nothing needed fixing, or
    /// Entra ID is still processing).
    NoVisibleChange,
}

/// An error as the admin needs it: what happened, what to do, and Graph's own words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorRecord {
    pub headline: String,
    pub what_to_do: String,
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// Graph's `innerError.date`, when it sent one.
    #[serde(default)]
    pub date: Option<String>,
}

impl From<&GraphError> for ErrorRecord {
    fn from(error: &GraphError) -> Self {
        ErrorRecord {
            headline: error.headline(),
            what_to_do: error.what_to_do(),
            status: error.status,
            code: error.code.clone(),
            message: error.message.clone(),
            request_id: error.request_id.clone(),
            date: error.date.clone(),
        }
    }
}

impl From<GraphError> for ErrorRecord {
    fn from(error: GraphError) -> Self {
        ErrorRecord::from(&error)
    }
}

/// When things happened, in the run's milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Times {
    pub started_ms: Option<u64>,
    pub first_sent_ms: Option<u64>,
    pub last_sent_ms: Option<u64>,
    pub finished_ms: Option<u64>,
}

/// One item of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalRecord {
    /// The item's position in the run.
    pub index: usize,
    #[serde(flatten)]
    pub item: RunItem,
    pub status: Status,
    /// Writes sent for this item (a throttled write that was sent again counts twice).
    pub attempts: u32,
    /// Graph's `request-id` of every answer about this item, in order.
    #[serde(default)]
    pub request_ids: Vec<String>,
    /// Those of [`Self::request_ids`] that are a whole `$batch`'s: Graph's answer for
    /// this item inside it carried no `request-id` of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batch_request_ids: Vec<String>,
    #[serde(default)]
    pub times: Times,
    #[serde(default)]
    pub before: Option<User>,
    #[serde(default)]
    pub after: Option<User>,
    #[serde(default)]
    pub diff: Option<LicenseDiff>,
    /// What the planner warned about for this user (the item carries what was acknowledged).
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// The write as planned (and as sent once the status is past `waiting`).
    #[serde(default)]
    pub write: Option<GraphRequest>,
    #[serde(default)]
    pub settlement: Option<Settlement>,
    /// Plain words for what happened: the refusal, why nothing was sent, or what an
    /// unknown outcome means.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorRecord>,
}

impl JournalRecord {
    pub fn new(index: usize, item: RunItem) -> Self {
        JournalRecord {
            index,
            item,
            status: Status::Waiting,
            attempts: 0,
            request_ids: Vec::new(),
            batch_request_ids: Vec::new(),
            times: Times::default(),
            before: None,
            after: None,
            diff: None,
            warnings: Vec::new(),
            write: None,
            settlement: None,
            note: None,
            error: None,
        }
    }

    /// Remembers Graph's request-id, once; `from_batch` when it is the whole `$batch`'s.
    pub(crate) fn add_request_id(&mut self, id: Option<&str>, from_batch: bool) {
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            if self.request_ids.last().map(String::as_str) != Some(id) {
                self.request_ids.push(id.to_string());
            }
            if from_batch && !self.batch_request_ids.iter().any(|known| known == id) {
                self.batch_request_ids.push(id.to_string());
            }
        }
    }

    /// Whether `id` (one of [`Self::request_ids`]) is the whole `$batch`'s.
    pub fn is_batch_request_id(&self, id: &str) -> bool {
        self.batch_request_ids.iter().any(|known| known == id)
    }
}

#[cfg(test)]
impl JournalRecord {
    /// A record of `user`'s item `index` that got as far as `status`, for tests.
    pub(crate) fn at(index: usize, user: &str, intent: super::Intent, status: Status) -> Self {
        let mut record = JournalRecord::new(index, RunItem::new(user, intent));
        record.status = status;
        record
    }
}
