//! "Reclaim licenses": which paid licenses nobody uses, what they cost, and how to take
//! them back safely. Pure functions of what the screen read; nothing here sends a request.
//!
//! Five findings, a user in one of them at most ([`findings`]): disabled accounts that
//! still hold licenses, inactive users (no sign-in of any kind within the window, 90
//! days by default, [`activity`]), users who never signed in and whose account is older
//! than the window, direct copies of group licenses and whether removing each is safe
//! ([`copies`]), and unused seats with the renewal at which to drop them ([`seats`]).
//! Savings come from a price table the shell can edit per tenant ([`prices`]); the
//! admin's exclusions keep users, groups' members and SKUs out of savings and runs but
//! in sight ([`exclusions`]). The findings export as CSV and JSON ([`export`]), and the
//! selected ones become a bulk "Remove license" run of direct copies only
//! ([`handover`]), with the mailbox warning ([`mailbox`]). What the screen says is in
//! [`crate::wording::reclaim`].
//!
//! The screen reads, each listing followed to its end with
//! [`crate::lists::user_list::UserPages`] (Graph's pages are short and their size is never
//! assumed):
//!
//! 1. `GET /subscribedSkus` ([`crate::graph::request::subscribed_skus`], needs
//!    [`Action::ReadSkus`](crate::auth::token::Action::ReadSkus)): the catalogue and
//!    seat counts;
//! 2. `GET /directory/subscriptions` ([`crate::graph::request::directory_subscriptions`],
//!    `ReadSubscriptions`): renewal dates; without it seats show no renewal;
//! 3. the disabled licensed accounts ([`crate::graph::request::disabled_licensed_users`],
//!    `ReadUsers`): an advanced query, works without Entra ID P1;
//! 4. every user with sign-in activity
//!    ([`crate::graph::request::users_with_sign_in_activity`], `ReadSignInActivity`:
//!    `AuditLog.Read.All` with `User.Read.All`, and Entra ID P1 or P2). When the token
//!    can't ([`Action::missing`](crate::auth::token::Action::missing)) or Graph refuses
//!    ([`SignInUnavailable::from_error`]), read
//!    [`crate::graph::request::licensed_users`] instead: the other sections still work;
//! 5. for each excluded group, its members
//!    ([`crate::graph::request::group_transitive_user_members`], `ReadGroups`).
//!
//! Then [`analyse`] gives the [`Findings`], and [`hand_over`] the bulk run for what the
//! admin selected. The run's engine reads every user again before planning (see
//! [`handover`]), because the index behind the disabled-accounts query is eventually
//! consistent.

pub mod activity;
pub mod copies;
pub mod exclusions;
pub mod export;
pub mod findings;
pub mod handover;
pub mod holdings;
pub mod mailbox;
pub mod prices;
pub mod seats;
#[cfg(test)]
mod test_tenant;

pub use activity::DEFAULT_WINDOW_DAYS;
pub use exclusions::{Excluded, Exclusions, GroupMembers};
pub use export::{findings_csv, findings_json};
pub use findings::{analyse, Findings, Options, Reads, Section, SignIn, SignInUnavailable};
pub use handover::{hand_over, Handover, Selection};
pub use prices::{Money, PriceTable, Savings, Totals};

/// `$top` for the reclaim listings: Graph's largest page for users. Sign-in listings
/// come back in pages of 120 or so whatever is asked.
pub const PAGE_SIZE: u32 = 999;
