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
    /// The newest bucket recorded.
    newest: Option<u64>,
}

impl RateMeter {
    pub fn new(bucket_ms: u64, keep: usize) -> Self {
        RateMeter {
            bucket_ms: bucket_ms.max(1),
            slots: vec![(u64::MAX, 0); keep.max(1)],
            newest: None,
        }
    }

    fn keep(&self) -> u64 {
        self.slots.len() as u64
    }

    /// Counts `writes` sent at `now_ms`. Records older than the kept buckets are dropped.
    pub fn record(&mut self, now_ms: u64, writes: u64) {
        let bucket = now_ms / self.bucket_ms;
        let newest = self.newest.map_or(bucket, |n| n.max(bucket));
        if bucket + self.keep() <= newest {
            return;
        }
        self.newest = Some(newest);
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
    if !rate.is_finite() || rate <= 0.0 {
        return None;
    }
    Some((remaining_writes as f64 / rate * 1000.0).ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_is_per_second_oldest_first_and_zero_filled() {
        let mut meter = RateMeter::new(1_000, 4);
        meter.record(10_100, 20);
        meter.record(10_900, 4);
        meter.record(12_000, 10);
        assert_eq!(meter.series(12_500), vec![0.0, 24.0, 0.0, 10.0]);
        assert_eq!(meter.series(13_000), vec![24.0, 0.0, 10.0, 0.0]);
        // Old buckets fall out; a late record older than the ring is dropped.
        assert_eq!(meter.series(20_000), vec![0.0; 4]);
        meter.record(5_000, 99);
        meter.record(9_000, 1);
        assert_eq!(meter.series(12_000), vec![1.0, 24.0, 0.0, 10.0]);
        assert_eq!(meter.series(5_000), vec![0.0; 4]);
        let mut half = RateMeter::new(500, 2);
        half.record(0, 3);
        assert_eq!(half.series(0), vec![0.0, 6.0]);
    }

    #[test]
    fn rate_averages_the_window() {
        let mut meter = RateMeter::new(1_000, 60);
        for second in 0..30u64 {
            meter.record(second * 1_000, 20);
        }
        assert!((meter.rate(29_999, 10_000) - 20.0).abs() < 1e-9);
        assert!((meter.rate(34_999, 10_000) - 10.0).abs() < 1e-9);
        assert_eq!(meter.rate(29_999, 0), 0.0);
        // A window longer than what is kept is capped at the kept buckets.
        assert!((meter.rate(29_999, 1_000_000) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn eta_uses_the_slower_of_budget_and_measurement() {
        let budget = WriteBudget::default(); // 20 writes/s
        assert_eq!(eta_ms(0, &budget, 0.0), Some(0));
        assert_eq!(eta_ms(2_000, &budget, 0.0), Some(100_000));
        assert_eq!(eta_ms(2_000, &budget, 50.0), Some(100_000));
        assert_eq!(eta_ms(2_000, &budget, 10.0), Some(200_000));
        assert_eq!(eta_ms(1, &budget, f64::NAN), Some(50));
        let stopped = WriteBudget {
            writes: 0,
            window_ms: 1_000,
        };
        assert_eq!(eta_ms(5, &stopped, 0.0), None);
    }
}
