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

pub mod auth;
pub mod bulk;
pub mod graph;
pub mod groups;
pub mod licensing;
pub mod lists;
pub mod ops;
pub mod route;
pub mod wording;

pub use graph::ids::Guid;
