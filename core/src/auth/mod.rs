//! The access token: held so it never prints, decoded to claims, checked when pasted,
//! and read for which actions its permissions allow; and the demo tenant's tokens.

pub mod access_token;
pub mod demo_token;
pub mod token;
pub mod token_check;
