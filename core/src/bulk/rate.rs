//! Writes per second for the live chart, and the time a run has left.
//!
//! The meter keeps a fixed ring of buckets (no allocation per record, O(1) per record),
//! so a run of hours costs the same as a run of seconds. The time left uses the slower of
//! the write budget and the rate actually measured: throttling or a slow network make the
//! measured rate the truth, and the budget caps any optimism.

use crate::ops::WriteBudget;

/// Writes counted in buckets of `bucket_ms`, the newest `keep` of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateMeter {
    bucket_ms: u64,
    /// (bucket number, writes) per slot; a slot holds bucket `n` at `n % keep`.
    slots: Vec<(u64, u64)>,
}

impl RateMeter {
    pub fn new(bucket_ms: u64, keep: usize) -> Self {
        RateMeter {
            bucket_ms: bucket_ms.max(1),
            slots: vec![(u64::MAX, 0); keep.max(1)],
        }
    }

    fn keep(&self) -> u64 {
        self.slots.len() as u64
    }

    /// Counts `writes` sent at `now_ms`. Records older than the kept buckets are dropped.
    pub fn record(&mut self, now_ms: u64, writes: u64) {
        let bucket = now_ms / self.bucket_ms;
        let slot = (bucket % self.keep()) as usize;
        let (held, count) = &mut self.slots[slot];
        if *held == bucket {
            *count += writes;
        } else if *held == u64::MAX || *held < bucket {
            *held = bucket;
            *count = writes;
        }
    }

    fn count(&self, bucket: u64) -> u64 {
        let (held, count) = self.slots[(bucket % self.keep()) as usize];
        if held == bucket {
            count
        } else {
            0
        }
    }

    /// Writes per second per bucket, oldest first, zero-filled, `keep` long, ending with
    /// the bucket of `now_ms`.
    pub fn series(&self, now_ms: u64) -> Vec<f64> {
        let newest = now_ms / self.bucket_ms;
        let seconds = self.bucket_ms as f64 / 1000.0;
        (0..self.keep())
            .rev()
            .map(|back| match newest.checked_sub(back) {
                Some(bucket) => self.count(bucket) as f64 / seconds,
                None => 0.0,
            })
            .collect()
    }

    /// Writes per second over the last `window_ms` (whole buckets, up to the kept ones).
    pub fn rate(&self, now_ms: u64, window_ms: u64) -> f64 {
        let buckets = window_ms.div_ceil(self.bucket_ms).min(self.keep());
        if buckets == 0 {
            return 0.0;
        }
        let newest = now_ms / self.bucket_ms;
        let writes: u64 = (0..buckets)
            .filter_map(|back| newest.checked_sub(back))
            .map(|bucket| self.count(bucket))
            .sum();
        writes as f64 / (buckets * self.bucket_ms) as f64 * 1000.0
    }
}

/// Milliseconds until `remaining_writes` are sent at the slower of the budget's rate and
/// the measured one (when one was measured); `None` when no rate allows progress.
pub fn eta_ms(remaining_writes: u64, budget: &WriteBudget, measured_rate: f64) -> Option<u64> {
    if remaining_writes == 0 {
        return Some(0);
    }
    let budget_rate = if budget.window_ms == 0 {
        f64::INFINITY
    } else {
        f64::from(budget.writes) * 1000.0 / budget.window_ms as f64
    };
    let rate = if measured_rate > 0.0 && measured_rate.is_finite() {
        budget_rate.min(measured_rate)
    } else {
        budget_rate
    };
    if !(rate > 0.0) || !rate.is_finite() {
        return None;
    }
    Some((remaining_writes as f64 / rate * 1000.0).ceil() as u64)
}
