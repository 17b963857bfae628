//! Packing an item's requests into one `POST /$batch` and giving each item its answer.
//!
//! Graph takes up to 20 requests per batch and answers each one on its own: a batch that
//! answers 200 may hold 429s, errors and successes side by side, in any order. Each item
//! gets back exactly the answer Graph gave for its request; when the batch itself got no
//! usable answer, every item in it shares that fate (for writes, an unknown outcome).

use super::item::Answer;
use super::Outcome;
use crate::graph::batch::{BatchItem, BatchRequest, BatchResponse};
use crate::graph::request::GraphRequest;
use crate::graph::response::RawResponse;

/// The request for `parts` (item index, request): the request itself when alone,
/// otherwise a `$batch` whose sub-request ids are the item indexes.
pub(crate) fn pack(parts: &[(usize, GraphRequest)]) -> GraphRequest {
    if let [(_, single)] = parts {
        return single.clone();
    }
    let requests = parts
        .iter()
        .map(|(index, request)| BatchItem::from_request(index.to_string(), request))
        .collect();
    GraphRequest::post_json(
        "/$batch",
        serde_json::to_string(&BatchRequest { requests }).expect("batch serialises"),
    )
}

/// One item's share of an outcome.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PartAnswer {
    /// Graph's answer to this request. Inside a `$batch` an answer may carry no
    /// `request-id` of its own: it is then given the whole batch's, and
    /// `request_id_of_batch` says so.
    Http {
        response: RawResponse,
        request_id_of_batch: bool,
    },
    Dropped,
    TimedOut {
        after_ms: u64,
    },
    /// The batch was answered, but not this request.
    Missing,
}

impl PartAnswer {
    pub fn as_answer(&self) -> Answer<'_> {
        match self {
            PartAnswer::Http { response, .. } => Answer::Http(response),
            PartAnswer::Dropped => Answer::Dropped,
            PartAnswer::TimedOut { after_ms } => Answer::TimedOut {
                after_ms: *after_ms,
            },
            PartAnswer::Missing => Answer::Missing,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.response().map(|response| response.status)
    }

    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            PartAnswer::Http { response, .. } => Some(response),
            _ => None,
        }
    }

    /// Graph's `request-id` for this answer, and whether it is the whole `$batch`'s.
    pub fn request_id(&self) -> Option<(&str, bool)> {
        match self {
            PartAnswer::Http {
                response,
                request_id_of_batch,
            } => response
                .header("request-id")
                .map(|id| (id, *request_id_of_batch)),
            _ => None,
        }
    }
}

impl PartAnswer {
    fn whole(response: &RawResponse) -> Self {
        PartAnswer::Http {
            response: response.clone(),
            request_id_of_batch: false,
        }
    }
}

/// Each item's answer, in the order of `items`.
pub(crate) fn unpack(items: &[usize], batched: bool, outcome: &Outcome) -> Vec<PartAnswer> {
    let shared = |answer: PartAnswer| vec![answer; items.len()];
    let response = match outcome {
        // `Run::answer` takes a request the shell did not send before it gets here; were
        // one to come, nothing would be assumed about it but that it is unclear.
        Outcome::Dropped | Outcome::NotSent => return shared(PartAnswer::Dropped),
        Outcome::TimedOut { after_ms } => {
            return shared(PartAnswer::TimedOut {
                after_ms: *after_ms,
            })
        }
        Outcome::Answered(response) => response,
    };
    if !batched {
        return shared(PartAnswer::whole(response));
    }
    match response.status {
        200 => {}
        // Graph's throttling page says a throttled batch may fail as a whole with 424;
        // its batching page says 200 or 400. Nothing can be known about the items.
        424 => return shared(PartAnswer::Missing),
        // The batch failed as a whole: its answer, and its request-id, are each item's.
        _ => {
            return shared(PartAnswer::Http {
                response: response.clone(),
                request_id_of_batch: true,
            })
        }
    }
    let Ok(batch) = serde_json::from_str::<BatchResponse>(&response.body) else {
        return shared(PartAnswer::Missing);
    };
    let outer_request_id = response.header("request-id");
    items
        .iter()
        .map(|index| match batch.item(&index.to_string()) {
            None => PartAnswer::Missing,
            Some(item) => {
                let mut raw = item.to_raw();
                let mut request_id_of_batch = false;
                if raw.header("request-id").is_none() {
                    if let Some(id) = outer_request_id {
                        raw.headers.push(("request-id".into(), id.to_string()));
                        request_id_of_batch = true;
                    }
                }
                PartAnswer::Http {
                    response: raw,
                    request_id_of_batch,
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::request::get_user;
    use serde_json::json;

    fn answered(status: u16, body: serde_json::Value) -> Outcome {
        Outcome::Answered(RawResponse {
            status,
            headers: vec![("request-id".into(), "outer-1".into())],
            body: body.to_string(),
        })
    }

    #[test]
    fn a_lone_request_is_sent_as_itself() {
        let request = get_user("u1");
        assert_eq!(pack(&[(7, request.clone())]), request);
        let batch = pack(&[(7, request.clone()), (9, get_user("u2"))]);
        assert_eq!(batch.path, "/$batch");
        let parsed: BatchRequest = serde_json::from_str(batch.body.as_deref().unwrap()).unwrap();
        assert_eq!(parsed.requests[0].id, "7");
        assert_eq!(parsed.requests[1].id, "9");
    }

    #[test]
    fn items_get_their_own_answers_in_any_order() {
        let outcome = answered(
            200,
            json!({"responses": [
                {"id": "9", "status": 429, "headers": {"Retry-After": "3"}},
                {"id": "7", "status": 200, "body": {"id": "u1"}}
            ]}),
        );
        let parts = unpack(&[7, 9, 11], true, &outcome);
        assert_eq!(parts[0].status(), Some(200));
        assert_eq!(parts[1].status(), Some(429));
        assert_eq!(parts[2], PartAnswer::Missing);
        assert_eq!(parts[0].request_id(), Some(("outer-1", true)));
        assert_eq!(parts[2].request_id(), None);
    }

    #[test]
    fn an_items_own_request_id_is_kept_and_the_batchs_is_marked() {
        let outcome = answered(
            200,
            json!({"responses": [
                {"id": "7", "status": 204, "headers": {"request-id": "own-7"}},
                {"id": "9", "status": 204}
            ]}),
        );
        let parts = unpack(&[7, 9], true, &outcome);
        assert_eq!(parts[0].request_id(), Some(("own-7", false)));
        assert_eq!(parts[1].request_id(), Some(("outer-1", true)));
        let alone = unpack(&[7], false, &answered(204, json!({})));
        assert_eq!(alone[0].request_id(), Some(("outer-1", false)));
        let refused = unpack(&[7, 9], true, &answered(429, json!({})));
        assert_eq!(refused[1].request_id(), Some(("outer-1", true)));
    }

    #[test]
    fn a_failed_batch_is_every_items_answer() {
        let throttled = answered(429, json!({"error": {"code": "TooManyRequests"}}));
        assert!(unpack(&[1, 2], true, &throttled)
            .iter()
            .all(|p| p.status() == Some(429)));
        assert!(unpack(&[1, 2], true, &answered(424, json!({})))
            .iter()
            .all(|p| *p == PartAnswer::Missing));
        assert!(unpack(&[1, 2], true, &Outcome::Dropped)
            .iter()
            .all(|p| *p == PartAnswer::Dropped));
        assert_eq!(
            unpack(&[1], false, &answered(503, json!({})))[0].status(),
            Some(503)
        );
    }
}
