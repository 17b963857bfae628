//! Sends a request either to Graph over HTTP or to the in-browser demo tenant, and
//! fetches the site's names table.
//!
//! Both paths take the same [`GraphRequest`] and return the same [`RawResponse`], so
//! every feature behaves identically on the demo tenant, the fake Graph server and Graph.
//! Where requests go is a [`session::Connection`], checked against the clouds and
//! loopback when it is made.

pub mod demo;
pub mod http;
pub mod journal_store;
pub mod names;
pub mod run_lock;
pub mod session;

use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::graph::response::RawResponse;
use session::Connection;

/// How long a request to `connection` may take before it is abandoned.
pub fn timeout_seconds(connection: &Connection) -> u64 {
    license_desk_core::graph::timeout::request_timeout_seconds(
        &connection.endpoint,
        crate::browser::query_param("timeout_s").as_deref(),
    )
}

pub async fn execute(
    connection: &Connection,
    request: &GraphRequest,
    token: &AccessToken,
) -> Result<RawResponse, GraphError> {
    if connection.demo {
        return demo::execute(&connection.endpoint, request, token).await;
    }
    let url = connection.endpoint.url(request);
    http::execute(&url, request, token, timeout_seconds(connection)).await
}
