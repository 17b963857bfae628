//! One component per file, each named for what the admin sees.

pub mod activity_log;
pub mod add_license_form;
pub mod app;
pub mod bulk_changes;
pub mod bulk_operation_picker;
pub mod bulk_preview;
pub mod bulk_results;
pub mod bulk_results_table;
pub mod bulk_run_progress;
pub mod bulk_user_sources;
pub mod changes_view;
pub mod error_panel;
pub mod find_user;
pub mod pending_changes;
pub mod plan_choices;
pub mod replace_with;
pub mod saved_run_offer;
pub mod screen_nav;
pub mod sign_in;
pub mod tenant_licenses;
pub mod throttle_notice;
pub mod token_check;
pub mod token_panel;
pub mod token_refresh;
pub mod user_licenses;
pub mod write_rate_chart;
