//! Graph's per-app write quota, as the simulator meters it.
//!
//! Graph's identity limits allow 3,000 writes per 150 s per app and tenant and "use a
//! token bucket": capacity = quota, refilled continuously at quota per window. That is
//! the default here. A sliding window (at most quota writes in any window) is kept as a
//! selectable model: it is stricter right after a burst, so a fake Graph can test clients
//! against both.

use license_desk_core::ops::pacing::{TokenBucket, WriteBudget};
use std::collections::VecDeque;

/// How the write quota is counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThrottleModel {
    /// Capacity = quota, continuous refill at quota per window (Graph's model).
    #[default]
    TokenBucket,
    /// At most quota writes in any window, each write counting for one window.
    SlidingWindow,
}

impl ThrottleModel {
    pub fn parse(value: &str) -> Option<ThrottleModel> {
        match value.trim().to_ascii_lowercase().as_str() {
            "token-bucket" | "bucket" => Some(ThrottleModel::TokenBucket),
            "sliding-window" | "sliding" | "window" => Some(ThrottleModel::SlidingWindow),
            _ => None,
        }
    }
}

/// One app's writes so far.
#[derive(Clone, Debug)]
pub(crate) enum WriteMeter {
    Bucket(TokenBucket),
    Window(VecDeque<u64>),
}

impl WriteMeter {
    pub fn new(model: ThrottleModel, quota: u32, window_ms: u64, now_ms: u64) -> Self {
        match model {
            ThrottleModel::TokenBucket => WriteMeter::Bucket(TokenBucket::full(
                WriteBudget {
                    writes: quota,
                    window_ms,
                },
                now_ms,
            )),
            ThrottleModel::SlidingWindow => WriteMeter::Window(VecDeque::new()),
        }
    }

    /// Records a write at `now_ms`, or returns whole seconds to wait when the quota is spent.
    pub fn take(&mut self, quota: u32, window_ms: u64, now_ms: u64) -> Option<u64> {
        match self {
            WriteMeter::Bucket(bucket) => {
                if bucket.try_take(now_ms, 1) {
                    return None;
                }
                let wait_ms = bucket.ready_at(now_ms, 1) - now_ms;
                Some(wait_ms.div_ceil(1000).max(1))
            }
            WriteMeter::Window(log) => {
                while log.front().is_some_and(|&t| t + window_ms <= now_ms) {
                    log.pop_front();
                }
                if log.len() as u32 >= quota {
                    let oldest = log.front().copied().unwrap_or(now_ms);
                    return Some((oldest + window_ms - now_ms).div_ceil(1000).max(1));
                }
                log.push_back(now_ms);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refills_continuously_where_a_window_waits_for_the_oldest_write() {
        let (quota, window) = (2, 10_000);
        let mut bucket = WriteMeter::new(ThrottleModel::TokenBucket, quota, window, 0);
        let mut sliding = WriteMeter::new(ThrottleModel::SlidingWindow, quota, window, 0);
        for meter in [&mut bucket, &mut sliding] {
            assert_eq!(meter.take(quota, window, 0), None);
            assert_eq!(meter.take(quota, window, 1_000), None);
        }
        // The bucket gains one write per 5 s; the window frees one 10 s after the first.
        assert_eq!(bucket.take(quota, window, 2_500), Some(3));
        assert_eq!(sliding.take(quota, window, 2_500), Some(8));
        assert_eq!(bucket.take(quota, window, 6_000), None);
        assert_eq!(sliding.take(quota, window, 6_000), Some(4));
    }

    #[test]
    fn models_parse_from_their_names() {
        assert_eq!(
            ThrottleModel::parse("token-bucket"),
            Some(ThrottleModel::TokenBucket)
        );
        assert_eq!(
            ThrottleModel::parse("Sliding-Window"),
            Some(ThrottleModel::SlidingWindow)
        );
        assert_eq!(
            ThrottleModel::parse("sliding"),
            Some(ThrottleModel::SlidingWindow)
        );
        assert_eq!(ThrottleModel::parse("leaky"), None);
    }
}
