//! License Desk's pure core: everything the app knows about Microsoft Graph licensing.
//!
//! This crate performs no I/O and depends on nothing browser-specific (no leptos, web-sys
//! or gloo), so every rule can be tested natively with `cargo test` against the payloads
//! Microsoft publishes. The app shell builds [`request::GraphRequest`] values here,
//! executes them at its edge, and hands the raw responses back to be parsed here.
//!
//! The tenant simulator that runs inside the app as the demo tenant and behind the fake
//! Graph server is its own crate, `license-desk-sim`, built on this one; this crate never
//! depends on it.

// `GraphError` carries Graph's code, message, request-id and dates for the admin. It is
// returned on failure paths only, so its size is not worth boxing.
#![allow(clippy::result_large_err)]

pub mod access_token;
pub mod activity;
pub mod batch;
pub mod bulk;
pub mod catalog;
pub mod csv;
pub mod diff;
pub mod effective;
pub mod equivalents;
pub mod error;
pub mod group_change;
pub mod group_list;
pub mod guid;
pub mod holders;
pub mod lenient;
pub mod model;
pub mod names;
mod names_table;
pub mod ops;
pub mod paging;
pub mod plan;
pub mod plan_safety;
pub mod request;
pub mod response;
pub mod retry;
pub mod rng;
pub mod route;
pub mod subscriptions;
pub mod timeout;
pub mod token;
pub mod token_check;
pub mod url;
pub mod usage_location;
pub mod user_list;
pub mod wording;

pub use guid::Guid;
