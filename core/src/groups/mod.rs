//! Groups that assign licenses: the Groups screen's order and one group's license change.

pub mod change;
pub mod list;
pub mod names;
