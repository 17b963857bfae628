//! The one module that performs HTTP: executes a core [`GraphRequest`] with gloo-net.

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use license_desk_core::access_token::AccessToken;
use license_desk_core::error::GraphError;
use license_desk_core::request::{GraphRequest, Method};
use license_desk_core::response::RawResponse;

pub async fn execute(
    url: &str,
    request: &GraphRequest,
    token: &AccessToken,
) -> Result<RawResponse, GraphError> {
    let method = match request.method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
        Method::Patch => HttpMethod::PATCH,
        Method::Delete => HttpMethod::DELETE,
    };
    let mut builder = RequestBuilder::new(url)
        .method(method)
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
    let body = response
        .text()
        .await
        .map_err(|e| GraphError::network(&e.to_string()))?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}
