//! What an item's journal note says when the engine decides its fate.
//!
//! The notes are what the admin reads in the run's report and in a single change's
//! result, so they say what happened and what to do, in plain words, in one place.

/// A read shows a write with an unclear answer was applied.
pub const UNCLEAR_BUT_APPLIED: &str =
    "Graph gave no clear answer to the write; a read shows it was applied.";

/// A read shows a write whose answer was long overdue was applied.
pub const SLOW_ANSWER_BUT_APPLIED: &str =
    "Graph's answer to the write was long overdue; a read shows it was applied.";

/// A write with an unclear answer is being checked.
pub const UNCLEAR_CHECKING: &str =
    "Graph gave no clear answer to the write; reading the user before anything else.";

/// A resumed run found a write whose answer was never recorded.
pub const UNRECORDED_CHECKING: &str =
    "The answer to the last write was not recorded; reading the user before anything else.";

/// A read after the check window shows the write was not applied, so it goes again.
pub const NOT_APPLIED_SENDING_AGAIN: &str = "Graph gave no clear answer; a read after the \
check window shows the write was not applied, so it is sent again.";

/// A read after the check window shows the write was not applied, and no send is left.
pub const NOT_APPLIED_NO_SENDS_LEFT: &str = "Graph gave no clear answer to any attempt, and \
reads show the change was not applied.";

/// The journal has no read from before the write.
pub const NO_READ_BEFORE: &str = "The journal has no read of this user from before the \
write, so License Desk can't tell whether it was applied. Open the user and check before \
trying again.";

/// A read could not be done to find out whether a write was applied.
pub const UNKNOWN_ADVICE: &str = "Graph gave no clear answer to the write and the user could \
not be read to find out whether it was applied. Open the user and check before trying again.";

/// A reprocess with an unclear answer, for a user whose processing a read can't show.
pub const REPROCESS_UNKNOWN_ADVICE: &str = "Graph gave no clear answer to the reprocess \
request, and the user has no license from a group whose processing a read could show. It \
was not sent again. Open the user: if a license error is still shown, press Reprocess.";

/// The run was cancelled before a check read could show whether a write was applied.
pub const CANCELLED_BEFORE_KNOWN: &str = "Cancelled before a read could show whether the \
write was applied. It was not sent again: check the user before trying again.";

/// The run's time ran out before a read showed whether a write was applied.
pub const CHECK_AGAIN: &str = "Unknown: check again. Graph gave no clear answer to the write \
and no read showed in time whether it was applied. It was not sent again: check the user \
before trying again.";

/// The run's time ran out before anything was sent for this item.
pub const OUT_OF_TIME_NOT_SENT: &str =
    "Not finished in time; nothing was applied. Try again in a moment.";

/// A write was due, but there was no request to send.
pub const NO_REQUEST: &str = "License Desk had no request to send for this user, so nothing \
was sent. Preview the change again.";

/// "Check again" read the user after the run and the change shows.
pub const CHECKED_AGAIN_APPLIED: &str =
    "A read after the run shows the change: it was applied, once. Nothing was sent again.";

/// "Check again" read the user long after the last send and the change doesn't show.
pub const CHECKED_AGAIN_NOT_APPLIED: &str = "A read after the run doesn't show the change: it \
was not applied. Nothing was sent again; apply it again when you are ready.";
