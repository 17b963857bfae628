//! What the "Pending changes" panel says, for a user's changes and a group's alike.

/// Whose licenses the pending changes are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    User,
    Group,
}

impl Subject {
    /// Above the refusals: "Refused: this can't be done on the user".
    pub fn refused_title(self) -> &'static str {
        match self {
            Subject::User => "Refused: this can't be done on the user",
            Subject::Group => "Refused: this can't be done on the group",
        }
    }

    /// What to do about a refusal.
    pub fn refused_advice(self) -> &'static str {
        match self {
            Subject::User => "Remove the refused change to continue.",
            Subject::Group => "Discard the changes and start again.",
        }
    }

    /// When the changes cancel out.
    pub fn nothing_to_send(self) -> &'static str {
        match self {
            Subject::User => "These changes leave the user as they are: nothing to send.",
            Subject::Group => "These changes leave the group as it is: nothing to send.",
        }
    }
}

/// Why Discard is off while a change is applied.
pub const DISCARD_WHILE_BUSY: &str =
    "Discard is unavailable while these changes are being applied.";
