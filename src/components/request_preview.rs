//! The exact request a change will send, as raw HTTP (method, URL on the chosen cloud,
//! headers and JSON body): shown before every write, on every screen, the same way.

use crate::transport::session::use_session;
use leptos::prelude::*;
use license_desk_core::graph::request::GraphRequest;
use license_desk_core::licensing::equivalents;

#[component]
pub fn RequestPreview(
    /// The request that would be sent; nothing is shown without one.
    #[prop(into)]
    request: Signal<Option<GraphRequest>>,
    /// Names the request for screen readers ("Request", "Usage location request").
    #[prop(default = "Request")]
    label: &'static str,
    /// Shows the "Request to be sent" heading above it.
    #[prop(default = true)]
    heading: bool,
) -> impl IntoView {
    let session = use_session();
    let text = move || {
        let endpoint = session
            .connection
            .with(|c| c.as_ref().map(|c| c.endpoint.clone()));
        request.with(|request| match (request, endpoint) {
            (Some(request), Some(endpoint)) => equivalents::http_text(&endpoint, request),
            (Some(request), None) => request.pretty_body(),
            (None, _) => String::new(),
        })
    };
    view! {
        {heading.then(|| view! { <h3>"Request to be sent"</h3> })}
        <pre class="request" aria-label=label>{text}</pre>
    }
}
