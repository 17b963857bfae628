//! Who the demo tenant is: its tenant id and the claims of the unsigned tokens minted for
//! it (by the app's "Use demo tenant", the fake Graph server and the tests).
//!
//! The simulator that plays the tenant is a module of its own, loaded only when the demo
//! is opened; signing in to it must not need that module. So the tenant's identity lives
//! here, in the core both sides share, and the simulator re-exports it.

use crate::auth::token::Claims;

/// The demo tenant's id (the `tid` in minted tokens).
pub const DEMO_TENANT_ID: &str = "5f2b3c4d-6e7f-4a8b-9c0d-1e2f3a4b5c6d";

/// Claims for a simulator token: Graph audience, expiring `lifetime_seconds` after `now_seconds`.
pub fn demo_claims(upn: &str, scopes: &[&str], now_seconds: i64, lifetime_seconds: i64) -> Claims {
    Claims {
        aud: Some("https://graph.microsoft.com".into()),
        exp: Some(now_seconds + lifetime_seconds),
        tid: Some(DEMO_TENANT_ID.into()),
        upn: Some(upn.into()),
        app_displayname: Some("License Desk".into()),
        appid: Some("7e1c5f4a-0d2b-4c39-9a51-6b2f3c8d9e10".into()),
        scp: Some(scopes.join(" ")),
        wids: vec!["4d6ac14f-3453-41d0-bef9-a3e0c569773a".into()],
        ..Claims::default()
    }
}
