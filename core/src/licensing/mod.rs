//! Licensing rules: the tenant's SKUs and names, how assignments add up to effective
//! plans, the change planner and its safety checks, usage locations, subscriptions, the
//! before/after diff, and the same change as PowerShell and raw HTTP.

pub mod catalog;
pub mod checklist;
pub mod diff;
pub mod effective;
pub mod equivalents;
pub mod names;
pub mod plan;
pub mod plan_safety;
pub mod subscriptions;
pub mod usage_location;
