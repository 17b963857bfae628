//! The one module that performs HTTP: executes a core [`GraphRequest`] with gloo-net,
//! abandoning it when no complete answer arrives within the timeout; and reads a file of
//! the site itself (same origin, never with the token).

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use gloo_timers::callback::Timeout;
use license_desk_core::auth::access_token::AccessToken;
use license_desk_core::graph::error::GraphError;
use license_desk_core::graph::request::{GraphRequest, Method};
use license_desk_core::graph::response::RawResponse;
use std::cell::Cell;
use std::rc::Rc;

/// Sends `request` to `url`. If the status, headers and body have not all arrived after
/// `timeout_seconds`, the request is aborted and reported as [`GraphError::timeout`].
pub async fn execute(
    url: &str,
    request: &GraphRequest,
    token: &AccessToken,
    timeout_seconds: u64,
) -> Result<RawResponse, GraphError> {
    let controller = web_sys::AbortController::new()
        .map_err(|_| GraphError::network("This browser can't abandon a request."))?;
    let timed_out = Rc::new(Cell::new(false));
    let deadline = {
        let (controller, timed_out) = (controller.clone(), Rc::clone(&timed_out));
        let millis = u32::try_from(timeout_seconds.saturating_mul(1000)).unwrap_or(u32::MAX);
        Timeout::new(millis, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let result = send(url, request, token, &controller.signal()).await;
    deadline.cancel();
    result.map_err(|error| {
        if timed_out.get() {
            GraphError::timeout(timeout_seconds)
        } else {
            error
        }
    })
}

async fn send(
    url: &str,
    request: &GraphRequest,
    token: &AccessToken,
    signal: &web_sys::AbortSignal,
) -> Result<RawResponse, GraphError> {
    let method = match request.method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
        Method::Patch => HttpMethod::PATCH,
        Method::Delete => HttpMethod::DELETE,
    };
    let mut builder = RequestBuilder::new(url)
        .method(method)
        .abort_signal(Some(signal))
        .header("Authorization", &token.authorization());
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match &request.body {
        Some(body) => builder.body(body.clone()),
        None => builder.build(),
    }
    .map_err(|e| GraphError::network(&e.to_string()))?;
    let response = built.send().await.map_err(|e| {
        GraphError::network(&format!(
            "{e} (offline, blocked by the browser, or the connection was dropped)"
        ))
    })?;
    let status = response.status();
    let headers = response.headers().entries().collect();
    let body = response.text().await.map_err(|e| {
        GraphError::network(&format!(
            "{e} (the connection was lost while the answer arrived)"
        ))
    })?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// The text of a file of the site itself, at `url` (same origin: the policy's
/// `connect-src 'self'`). No token goes with it. On failure, says why.
pub async fn site_file(url: &str) -> Result<String, String> {
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("{url} answered {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}
