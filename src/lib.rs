//! License Desk: change Microsoft 365 licenses safely and see exactly what changed.
//!
//! This crate is the browser shell. Everything about Graph—models, requests, the planner,
//! the diff and the demo tenant—lives in the pure `license-desk-core` crate. Here are the
//! session state, the single HTTP module, and thin components named for what the admin sees.

// See license-desk-core: `GraphError` is large by design and only on failure paths.
#![allow(clippy::result_large_err)]

pub mod browser;
pub mod components;
pub mod format;
pub mod runs;
pub mod sign_in_page;
pub mod state;
pub mod transport;
pub mod workspace_loader;

pub use components::app::App;
