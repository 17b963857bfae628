//! How long the app waits for Graph's answer before giving up on a request.
//!
//! A response that never comes (a stalled proxy, a half-open connection) would otherwise
//! leave the admin looking at "Applying changes…" forever. After the timeout the request
//! is abandoned and reported as [`crate::graph::error::ErrorKind::Timeout`]; for a write that is
//! an unknown outcome, so the target is read again before anything else. Tests against a
//! Graph on loopback may ask for a shorter timeout; real Graph endpoints always get the
//! default.

use crate::graph::request::GraphEndpoint;

/// The timeout for every Graph request, in seconds.
pub const DEFAULT_SECONDS: u64 = 30;

/// The range a loopback (development) endpoint may ask for.
pub const LOOPBACK_RANGE: std::ops::RangeInclusive<u64> = 1..=300;

/// The timeout for requests to `endpoint`. `requested` (the `timeout_s` query parameter)
/// is honoured only for a loopback endpoint, clamped to [`LOOPBACK_RANGE`].
pub fn request_timeout_seconds(endpoint: &GraphEndpoint, requested: Option<&str>) -> u64 {
    if !endpoint.is_loopback() {
        return DEFAULT_SECONDS;
    }
    requested
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(|seconds| seconds.clamp(*LOOPBACK_RANGE.start(), *LOOPBACK_RANGE.end()))
        .unwrap_or(DEFAULT_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::request::{ApiVersion, Cloud};

    #[test]
    fn only_loopback_may_shorten_the_timeout() {
        let graph = GraphEndpoint::for_cloud(Cloud::Global, ApiVersion::V1);
        assert_eq!(request_timeout_seconds(&graph, Some("2")), DEFAULT_SECONDS);
        let fake = GraphEndpoint::parse("http://127.0.0.1:8787", ApiVersion::V1).unwrap();
        assert_eq!(request_timeout_seconds(&fake, Some("2")), 2);
        assert_eq!(request_timeout_seconds(&fake, Some("0")), 1);
        assert_eq!(request_timeout_seconds(&fake, Some("99999")), 300);
        assert_eq!(
            request_timeout_seconds(&fake, Some("soon")),
            DEFAULT_SECONDS
        );
        assert_eq!(request_timeout_seconds(&fake, None), DEFAULT_SECONDS);
    }
}
