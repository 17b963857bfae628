//! What the screens hold for the signed-in tenant, one state per screen, and the actions
//! that start runs and map what they report back onto that state. The workspace holds
//! them together for signing in and out.

pub mod bulk;
pub mod groups;
pub mod navigation;
pub mod pending;
pub mod read;
pub mod reclaim;
pub mod tenant;
pub mod user;
pub mod user_lists;
pub mod workspace;
