//! The single-user actions—Apply changes, Reprocess, Set usage location—as runs of one
//! item through the operations engine, and how their journal records show on the user
//! screen: busy text, the "Changes" region, the re-read user, and any failure.
//!
//! The engine reads the user, plans, writes, re-reads until Entra ID shows the result
//! and diffs it; nothing here retries or waits. The only glue is mapping records to the
//! workspace.

use crate::executor::RunHandle;
use crate::session::Session;
use crate::workspace::{Load, Workspace};
use leptos::prelude::*;
use license_desk_core::ops::{
    Effect, ErrorRecord, Intent, JournalRecord, Options, Run, RunItem, Status,
};
use license_desk_core::plan::Warning;
use license_desk_core::route::UserId;

/// How long a single user's re-reads wait for Entra ID before saying so honestly.
const SETTLE_TIMEOUT_MS: u64 = 15_000;

/// Starts `intent` on `user`, with the warnings the admin ticked.
pub fn start(
    session: Session,
    workspace: Workspace,
    user: UserId,
    intent: Intent,
    acknowledged: Vec<Warning>,
) {
    workspace.action_error.set(None);
    workspace.last_change.set(None);
    workspace.busy.set(Some(busy_text(&intent).into()));
    let item = RunItem::new(user.to_string(), intent).acknowledging(acknowledged);
    // One request at a time and no `$batch`: the activity log shows the real calls.
    let options = Options {
        use_batch: false,
        max_in_flight: 1,
        settle_timeout_ms: SETTLE_TIMEOUT_MS,
        ..Options::default()
    };
    let run = Run::new(vec![item], workspace.catalog(), options);
    let observer = Box::new(move |effect: &Effect| match effect {
        Effect::Record(record) | Effect::ItemFinished(record) => {
            show(workspace, &user, record);
        }
        Effect::Finished(_) => finish(session, workspace, &user),
        _ => {}
    });
    RunHandle::start(session, run, observer);
}

fn busy_text(intent: &Intent) -> &'static str {
    match intent {
        Intent::Change(_) => "Applying changes…",
        Intent::Reprocess => "Reprocessing…",
        Intent::SetUsageLocation(_) => "Setting usage location…",
    }
}

/// Shows one record of `user`'s run.
fn show(workspace: Workspace, user: &UserId, record: &JournalRecord) {
    let open = workspace.open_user().as_ref() == Some(user);
    match record.status {
        Status::Settling | Status::Done => {
            // Accepted by Graph: the pending changes became this change.
            if matches!(record.item.intent, Intent::Change(_)) {
                workspace.set_pending_for(user, Vec::new());
            }
            if record.status == Status::Settling {
                workspace
                    .busy
                    .set(Some("Waiting for Entra ID to process…".into()));
            }
            if open {
                if let Some(after) = &record.after {
                    workspace.user.set(Load::Ready(after.clone()));
                }
                workspace.last_change.set(Some(record.clone()));
            }
        }
        Status::Failed | Status::Refused | Status::Unknown | Status::NoOp => {
            if open {
                workspace.action_error.set(problem(record));
            }
        }
        Status::Cancelled => {
            if open {
                workspace.action_error.set(problem(record));
            }
        }
        Status::Waiting | Status::Sent | Status::Planned => {}
    }
}

/// What to tell the admin when a run of one did not end with the change shown.
pub fn problem(record: &JournalRecord) -> Option<ErrorRecord> {
    if let Some(error) = &record.error {
        return Some(error.clone());
    }
    let note = record.note.clone().unwrap_or_default();
    let (headline, what_to_do) = match record.status {
        Status::Refused => (
            "License Desk did not send the change",
            "The user changed since the preview. Review the user's licenses and your pending changes, then preview again.",
        ),
        Status::Unknown => (
            "Graph may or may not have done this",
            "Reload the user to see the current state before trying again; License Desk does not repeat a write it can't confirm.",
        ),
        Status::NoOp => (
            "Nothing to send",
            "The user already is as the change asks; nothing was sent.",
        ),
        Status::Cancelled => (
            "Stopped before anything was sent",
            "Your pending changes are kept; apply them again when you are ready.",
        ),
        _ => return None,
    };
    Some(ErrorRecord {
        headline: headline.into(),
        what_to_do: what_to_do.into(),
        status: None,
        code: None,
        message: note,
        request_id: record.request_ids.last().cloned(),
        date: None,
    })
}

/// After the run: seat counts and license details changed, so read them once.
fn finish(session: Session, workspace: Workspace, user: &UserId) {
    workspace.busy.set(None);
    let id = user.to_string();
    leptos::task::spawn_local(async move {
        if let Ok(details) = crate::graph_client::license_details(session, &id).await {
            workspace.details.set(details);
        }
        if let Ok(skus) = crate::graph_client::subscribed_skus(session).await {
            workspace.skus.set(Load::Ready(skus));
        }
    });
}
