//! One component per file, each named for what the admin sees.

pub mod activity_log;
pub mod add_license_form;
pub mod app;
pub mod changes_view;
pub mod error_panel;
pub mod find_user;
pub mod pending_changes;
pub mod plan_choices;
pub mod replace_with;
pub mod sign_in;
pub mod tenant_licenses;
pub mod throttle_notice;
pub mod token_check;
pub mod token_panel;
pub mod user_licenses;
