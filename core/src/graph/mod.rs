//! Microsoft Graph as License Desk speaks it: ids, the lenient models of what Graph
//! returns, requests as values, raw responses and the one error type, paging, `$batch`,
//! the retry policy, timeouts, URLs and the activity log of requests sent.

pub mod activity;
pub mod batch;
pub mod dates;
pub mod error;
pub mod ids;
pub mod lenient;
pub mod model;
pub mod paging;
pub mod request;
pub mod response;
pub mod retry;
pub mod timeout;
pub mod url;
