//! JSON batching (`POST /$batch`): at most 20 requests per batch, split automatically.
//!
//! Each sub-request is throttled on its own, so a batch that answers 200 may still hold
//! 429 items. [`BatchResponse::throttled`] finds them and the longest `retry-after`, after
//! which the failed items go out again in a new batch.

use crate::graph::request::{GraphRequest, Method};
use crate::graph::response::RawResponse;
use crate::graph::retry::parse_retry_after;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Graph's documented limit of requests in one batch.
pub const MAX_BATCH: usize = 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItem {
    pub id: String,
    pub method: Method,
    pub url: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchRequest {
    pub requests: Vec<BatchItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchResponseItem {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchResponse {
    pub responses: Vec<BatchResponseItem>,
}

impl BatchItem {
    /// Wraps a request; `id` correlates the answer (answers may come in any order).
    pub fn from_request(id: String, request: &GraphRequest) -> Self {
        let mut headers: BTreeMap<String, String> = request.headers.iter().cloned().collect();
        let body = request
            .body
            .as_deref()
            .map(|text| serde_json::from_str(text).unwrap_or(Value::String(text.into())));
        if body.is_some()
            && !headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case("content-type"))
        {
            headers.insert("Content-Type".into(), "application/json".into());
        }
        BatchItem {
            id,
            method: request.method,
            url: request.path.clone(),
            headers,
            body,
            depends_on: Vec::new(),
        }
    }

    /// Back to a plain request (the simulator executes batch items this way).
    pub fn to_request(&self) -> GraphRequest {
        GraphRequest {
            method: self.method,
            path: if self.url.starts_with('/') {
                self.url.clone()
            } else {
                format!("/{}", self.url)
            },
            headers: self.headers.clone().into_iter().collect(),
            body: self.body.as_ref().map(Value::to_string),
        }
    }
}

/// Splits `requests` into `POST /$batch` calls of at most [`MAX_BATCH`] items. Item ids are
/// the index of the request in `requests`, so answers map back across batches.
pub fn batches(requests: &[GraphRequest]) -> Vec<GraphRequest> {
    requests
        .chunks(MAX_BATCH)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            let items = chunk
                .iter()
                .enumerate()
                .map(|(offset, request)| {
                    BatchItem::from_request((chunk_index * MAX_BATCH + offset).to_string(), request)
                })
                .collect();
            GraphRequest::post_json(
                "/$batch",
                serde_json::to_string(&BatchRequest { requests: items }).expect("batch serialises"),
            )
        })
        .collect()
}

impl BatchResponseItem {
    /// The item as a plain response, so the usual parsing and error mapping apply.
    pub fn to_raw(&self) -> RawResponse {
        RawResponse {
            status: self.status,
            headers: self.headers.clone().into_iter().collect(),
            body: match &self.body {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(value) => value.to_string(),
            },
        }
    }

    fn retry_after(&self) -> Option<f64> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, value)| parse_retry_after(value))
    }
}

/// Items Graph throttled inside a batch, and how long to wait before resending them.
#[derive(Clone, Debug, PartialEq)]
pub struct Throttled {
    pub ids: Vec<String>,
    /// The longest `retry-after` among them, if any item carried one.
    pub wait_seconds: Option<f64>,
}

impl BatchResponse {
    pub fn throttled(&self) -> Option<Throttled> {
        let items: Vec<&BatchResponseItem> = self
            .responses
            .iter()
            .filter(|item| item.status == 429)
            .collect();
        if items.is_empty() {
            return None;
        }
        Some(Throttled {
            ids: items.iter().map(|item| item.id.clone()).collect(),
            wait_seconds: items
                .iter()
                .filter_map(|item| item.retry_after())
                .fold(None, |longest: Option<f64>, secs| {
                    Some(longest.map_or(secs, |l| l.max(secs)))
                }),
        })
    }

    pub fn item(&self, id: &str) -> Option<&BatchResponseItem> {
        self.responses.iter().find(|item| item.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::request::{assign_license, get_user};

    #[test]
    fn splits_into_batches_of_twenty_with_global_ids() {
        let requests: Vec<GraphRequest> = (0..45).map(|i| get_user(&format!("u{i}"))).collect();
        let calls = batches(&requests);
        assert_eq!(calls.len(), 3);
        let sizes: Vec<usize> = calls
            .iter()
            .map(|call| {
                let batch: BatchRequest =
                    serde_json::from_str(call.body.as_deref().unwrap()).unwrap();
                batch.requests.len()
            })
            .collect();
        assert_eq!(sizes, vec![20, 20, 5]);
        let last: BatchRequest = serde_json::from_str(calls[2].body.as_deref().unwrap()).unwrap();
        assert_eq!(last.requests[0].id, "40");
        assert_eq!(last.requests[0].url, requests[40].path);
        assert_eq!(calls[0].path, "/$batch");
    }

    #[test]
    fn bodies_get_content_type_and_stay_json() {
        let request = assign_license("u1", &Default::default());
        let item = BatchItem::from_request("1".into(), &request);
        assert_eq!(
            item.headers.get("Content-Type").map(String::as_str),
            Some("application/json")
        );
        assert_eq!(
            item.body.as_ref().unwrap()["removeLicenses"],
            serde_json::json!([])
        );
        assert_eq!(item.to_request().body, request.body);
    }

    #[test]
    fn finds_throttled_items_and_the_longest_wait() {
        let response: BatchResponse = serde_json::from_value(serde_json::json!({
            "responses": [
                {"id": "1", "status": 200, "body": {}},
                {"id": "2", "status": 429, "headers": {"Retry-After": "3"}},
                {"id": "3", "status": 429, "headers": {"retry-after": "7.5"}},
                {"id": "4", "status": 429}
            ]
        }))
        .unwrap();
        let throttled = response.throttled().unwrap();
        assert_eq!(throttled.ids, vec!["2", "3", "4"]);
        assert_eq!(throttled.wait_seconds, Some(7.5));
        assert!(BatchResponse { responses: vec![] }.throttled().is_none());
    }
}
