//! Raw HTTP responses as the shell hands them back: status, headers and body text.
//! Turning one into a model or a [`crate::graph::error::GraphError`] is the error
//! module's job (`RawResponse::parse`), so this module depends on nothing.

use serde::{Deserialize, Serialize};

/// What the shell hands back after executing a request: status, headers, body text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The value of the header `name` among `headers`; header names match in any case.
pub fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// How long the answer's `Retry-After` asks to wait at `now_unix_ms`, in whole ms,
    /// when it says.
    pub fn retry_after_ms(&self, now_unix_ms: u64) -> Option<u64> {
        self.header("Retry-After")
            .and_then(|value| crate::graph::retry::retry_after_seconds(value, now_unix_ms))
            .map(|seconds| (seconds * 1000.0).ceil() as u64)
    }
}
