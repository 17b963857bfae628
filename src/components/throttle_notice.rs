//! The visible wait while Graph throttles or a request is retried, which the admin can
//! stop: the change is then not sent, and pending changes stay.
//!
//! The countdown itself is not a live region (it changes every second); a separate,
//! visually hidden one announces only the start of a wait, the last ten seconds, and the
//! end.

use crate::transport::session::use_session;
use leptos::prelude::*;

/// Seconds left at which the wait is announced once more.
const SOON_S: u64 = 10;

/// What the announcement region says; it changes only between these.
#[derive(Clone, PartialEq)]
enum Announcement {
    Quiet,
    Started(String),
    Soon,
    Over,
}

impl Announcement {
    fn text(&self) -> String {
        match self {
            Announcement::Quiet => String::new(),
            Announcement::Started(text) => text.clone(),
            Announcement::Soon => format!("License Desk retries in {SOON_S} seconds or less."),
            Announcement::Over => "The wait for Graph is over.".into(),
        }
    }
}

#[component]
pub fn ThrottleNotice() -> impl IntoView {
    let session = use_session();
    let announcement = Memo::new(move |previous: Option<&Announcement>| {
        let previous = previous.cloned().unwrap_or(Announcement::Quiet);
        session.throttle.with(|wait| match (wait, previous) {
            (None, Announcement::Quiet) => Announcement::Quiet,
            (None, _) => Announcement::Over,
            (Some(wait), _) if wait.seconds_left <= SOON_S => Announcement::Soon,
            (Some(_), started @ Announcement::Started(_)) => started,
            (Some(wait), _) => Announcement::Started(format!(
                "{}. License Desk retries in {} by itself; you can stop waiting.",
                wait.reason,
                crate::format::duration(wait.seconds_left)
            )),
        })
    });
    view! {
        <p class="visually-hidden" role="status" aria-live="polite">{move || announcement.get().text()}</p>
        {move || session.stalled.get().map(|text| view! { <p class="notice warning" role="status">{text}</p> })}
        {move || session.throttle.get().map(|wait| view! {
            <div class="notice warning">
                {format!("{} — retrying in {}. Nothing is lost; License Desk continues by itself.", wait.reason, crate::format::duration(wait.seconds_left))}
                " "
                <button class="secondary" on:click=move |_| session.stop_waiting.set(true)>"Stop waiting"</button>
            </div>
        })}
    }
}
