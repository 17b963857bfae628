//! The single-user actions—Apply changes, Reprocess, Set usage location—as runs of one
//! item through the operations engine, and how their journal records show on the user
//! screen: busy text, the "Changes" region, the re-read user, and any failure.
//!
//! The engine reads the user, plans, writes, re-reads until Entra ID shows the result
//! and diffs it; nothing here retries or waits. The only glue is mapping records to the
//! user screen. A failure is shown only once the item has finished: while the engine
//! still checks whether a write that got no clear answer was applied, the screen says
//! so instead.
//!
//! A single change is the core's [`Options::single_change`]: two sends at most, over
//! within 40 s, checked after an unclear answer for a window sized from the lags the
//! tenant's earlier runs measured (the cap, 15 s, before any). One whose outcome is still unknown then ends "Unknown: check again",
//! and is never sent again on a guess: [`check_again`] reads the user and compares.

use crate::runs::executor::{Launch, RunHandle};
use crate::state::tenant::TenantState;
use crate::state::user::UserScreen;
use crate::transport::session::Session;
use leptos::prelude::*;
use license_desk_core::graph::ids::UserId;
use license_desk_core::licensing::plan::Warning;
use license_desk_core::ops::{
    CheckedAgain, Effect, ErrorRecord, Intent, JournalRecord, Options, Run, RunItem, Status,
};

/// How long a single user's re-reads wait for Entra ID before saying so honestly.
const SETTLE_TIMEOUT_MS: u64 = 15_000;

/// The id of the status message under the user's licenses (focus goes there on Apply).
pub const STATUS_ID: &str = "user-action-status";
/// The id of the failure shown for the last action.
pub const ERROR_ID: &str = "user-action-error";
/// The id of the "Changes" heading.
pub const CHANGES_ID: &str = "changes-title";

/// Shown while the engine reads the user to find out whether a write was applied.
pub const CHECKING: &str = "Checking whether the change was applied…";

/// Starts `intent` on `user`, with the warnings the admin ticked.
pub fn start(
    session: Session,
    tenant: TenantState,
    screen: UserScreen,
    user: UserId,
    intent: Intent,
    acknowledged: Vec<Warning>,
) {
    screen.action_error.set(None);
    screen.action_note.set(None);
    screen.unknown_change.set(None);
    screen.last_change.set(None);
    screen.busy.set(Some(busy_text(&intent).into()));
    crate::browser::focus_when_lost(STATUS_ID, &[]);
    let item = RunItem::new(user.to_string(), intent).acknowledging(acknowledged);
    // One request at a time and no `$batch` (the activity log shows the real calls), two
    // sends at most, over within 40 s.
    let options = Options {
        settle_timeout_ms: SETTLE_TIMEOUT_MS,
        ..Options::single_change()
    };
    // Lags earlier runs saw on this tenant size the check after an unclear answer.
    let run = Run::new(vec![item], tenant.catalog.get_untracked(), options)
        .with_lags_seen(&tenant.lags_seen());
    let observer = move |effect: &Effect| match effect {
        Effect::Record(record) => progress(screen, &user, record),
        Effect::ItemFinished(record) => {
            progress(screen, &user, record);
            finished(screen, &user, record);
        }
        Effect::Finished(summary) => {
            tenant.learn_lags(&summary.lags_measured);
            finish(session, tenant, screen, &user);
        }
        _ => {}
    };
    RunHandle::start(session, run, observer, Launch::page_wide());
}

fn busy_text(intent: &Intent) -> &'static str {
    match intent {
        Intent::Change(_) => "Applying changes…",
        Intent::Reprocess => "Reprocessing…",
        Intent::SetUsageLocation(_) => "Setting usage location…",
    }
}

/// Shows where `user`'s run is: accepted, settling, or being checked.
fn progress(screen: UserScreen, user: &UserId, record: &JournalRecord) {
    let open = screen.open.get_untracked().as_ref() == Some(user);
    match record.status {
        Status::Settling | Status::Done => {
            // Accepted by Graph: the pending changes became this change.
            if matches!(record.item.intent, Intent::Change(_)) {
                screen.pending.set_for(user, Vec::new());
            }
            if record.status == Status::Settling {
                screen
                    .busy
                    .set(Some("Waiting for Entra ID to process…".into()));
            }
            if open {
                if let Some(after) = &record.after {
                    screen.read.update_ready(|read| read.user = after.clone());
                }
                screen.last_change.set(Some(record.clone()));
            }
        }
        Status::Unknown => screen.busy.set(Some(CHECKING.into())),
        _ => {}
    }
}

/// Once the item is final: any failure, and focus on the outcome.
fn finished(screen: UserScreen, user: &UserId, record: &JournalRecord) {
    if screen.open.get_untracked().as_ref() != Some(user) {
        return;
    }
    let failure = match record.status {
        Status::Settling | Status::Done | Status::Waiting | Status::Sent | Status::NoOp => None,
        _ => problem(record),
    };
    // Needing nothing is not a failure: it is said as information, with no request-id.
    let note = (record.status == Status::NoOp).then(|| record.note.clone().unwrap_or_default());
    let target = if failure.is_some() {
        ERROR_ID
    } else if note.is_some() {
        STATUS_ID
    } else {
        CHANGES_ID
    };
    // The item is final: nothing runs for it any more, and only now may a failure show.
    screen.busy.set(None);
    screen
        .unknown_change
        .set((record.status == Status::Unknown).then(|| record.clone()));
    screen.action_error.set(failure);
    screen.action_note.set(note);
    crate::browser::focus_when_lost(target, &[STATUS_ID]);
}

/// What to tell the admin when a run of one did not end with the change shown.
pub fn problem(record: &JournalRecord) -> Option<ErrorRecord> {
    if let Some(error) = &record.error {
        let mut error = error.clone();
        if record.status == Status::Cancelled {
            // The admin stopped waiting: nothing more was tried, whatever Graph said last.
            error.what_to_do = STOPPED.into();
        }
        if record.status == Status::Unknown {
            // Graph's last answer was unclear, and no read showed in time what it did.
            error.headline = UNKNOWN.into();
            error.what_to_do = CHECK_AGAIN.into();
        }
        return Some(error);
    }
    let note = record.note.clone().unwrap_or_default();
    let (headline, what_to_do) = match record.status {
        Status::Refused => (
            "License Desk did not send the change",
            "The user changed since the preview. Review the user's licenses and your pending changes, then preview again.",
        ),
        Status::Unknown => (UNKNOWN, CHECK_AGAIN),
        Status::Cancelled => ("Stopped before anything was sent", STOPPED),
        _ => return None,
    };
    Some(ErrorRecord {
        headline: headline.into(),
        what_to_do: what_to_do.into(),
        status: None,
        code: None,
        message: note,
        // A request-id only for a write that went out: a refusal sent nothing.
        request_id: (record.status != Status::Refused)
            .then(|| record.request_ids.last().cloned())
            .flatten(),
        date: None,
    })
}

/// "Check again": reads the user whose last write ended unknown and says what the read
/// shows. Nothing is sent but the read.
pub fn check_again(session: Session, tenant: TenantState, screen: UserScreen) {
    let Some(record) = screen.unknown_change.get_untracked() else {
        return;
    };
    let Some(user) = screen.open.get_untracked() else {
        return;
    };
    screen.busy.set(Some(CHECKING.into()));
    screen.action_note.set(None);
    leptos::task::spawn_local(async move {
        let read = crate::runs::reads::get_user(session, user.as_str()).await;
        if screen.open.get_untracked().as_ref() != Some(&user) {
            return; // The admin opened another user meanwhile.
        }
        screen.busy.set(None);
        let found = match read {
            Ok(found) => found,
            Err(error) => {
                screen.action_error.set(Some(ErrorRecord::from(&error)));
                return;
            }
        };
        let (checked, record) = record.check_again(
            &found,
            &tenant.catalog.get_untracked(),
            crate::browser::now_ms(),
            Options::single_change().check_window_cap_ms,
        );
        screen.read.update_ready(|read| read.user = found);
        let note = match checked {
            CheckedAgain::Applied => {
                if matches!(record.item.intent, Intent::Change(_)) {
                    screen.pending.set_for(&user, Vec::new());
                }
                screen.last_change.set(Some(record.clone()));
                record.note.clone()
            }
            CheckedAgain::NotApplied => record.note.clone(),
            CheckedAgain::TooSoon { at_ms } => Some(format!(
                "The read doesn't show the change yet, but Entra ID may still be showing it. Check again in {} s.",
                at_ms.saturating_sub(crate::browser::now_ms()).div_ceil(1000).max(1)
            )),
            CheckedAgain::CannotTell => Some(
                "A read can't show whether this was applied: open the user's license errors, and press Reprocess if one is still shown.".into(),
            ),
        };
        if matches!(checked, CheckedAgain::Applied | CheckedAgain::NotApplied) {
            screen.unknown_change.set(None);
            screen.action_error.set(None);
        }
        screen.action_note.set(note);
        crate::browser::focus_when_lost(STATUS_ID, &[]);
    });
}

/// A change whose outcome no read showed in time.
const UNKNOWN: &str = "Unknown: check again";
/// What to do about it.
const CHECK_AGAIN: &str = "License Desk does not send a write again on a guess. Press \u{201c}Check again\u{201d} to read the user and compare; your pending changes are kept.";

/// What to do after the admin stopped a run before its write went out.
const STOPPED: &str = "The change was not sent, and your pending changes are kept. Apply them again when you are ready.";

/// After the run: seat counts and license details changed, so read them once.
fn finish(session: Session, tenant: TenantState, screen: UserScreen, user: &UserId) {
    screen.busy.set(None);
    let id = user.to_string();
    leptos::task::spawn_local(async move {
        if let Ok(details) = crate::runs::reads::license_details(session, &id).await {
            // Only onto the same user's screen: the admin may have opened another.
            if screen
                .open
                .get_untracked()
                .is_some_and(|open| open.as_str() == id)
            {
                screen.read.update_ready(|read| read.details = details);
            }
        }
        if let Ok(skus) = crate::runs::reads::subscribed_skus(session).await {
            tenant.skus.set_ready(skus);
        }
    });
}
