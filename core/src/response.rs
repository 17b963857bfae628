//! Raw HTTP responses and their parsing into models or a [`GraphError`].

use crate::error::GraphError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What the shell hands back after executing a request: status, headers, body text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses a successful body as `T`, or turns the response into a [`GraphError`].
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        if !self.is_success() {
            return Err(GraphError::from_response(self));
        }
        serde_json::from_str(&self.body).map_err(|error| GraphError::unreadable(self, &error))
    }

    /// Checks for success without reading the body.
    pub fn ok(&self) -> Result<(), GraphError> {
        if self.is_success() {
            Ok(())
        } else {
            Err(GraphError::from_response(self))
        }
    }
}
