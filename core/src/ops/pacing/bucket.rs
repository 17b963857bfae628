//! The write budget as a token bucket, so a bulk run never outpaces Graph's write quota.
//!
//! Graph's identity limits allow 3,000 writes per 150 s per app and tenant and "use a
//! token bucket": capacity W, refilled continuously at W per T. Pacing sends with the same
//! bucket means a run of any length proceeds at the quota's pace without being throttled,
//! and any window of length τ holds at most `W + τ·W/T` sends. Arithmetic is exact
//! (integers in units of 1/T of a token), so the bound holds to the last send. The
//! simulator meters its write quota with this type too.

use serde::{Deserialize, Serialize};

/// A write quota: `writes` per `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteBudget {
    pub writes: u32,
    pub window_ms: u64,
}

impl Default for WriteBudget {
    /// Graph's write quota per app and tenant: 3,000 requests per 2 min 30 s.
    fn default() -> Self {
        WriteBudget {
            writes: 3_000,
            window_ms: 150_000,
        }
    }
}

/// A token bucket with capacity `W` tokens, refilled continuously at `W` per `T` ms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenBucket {
    /// Refill per millisecond, in units (W).
    refill_per_ms: u64,
    /// Units per token (T).
    unit: u64,
    /// Capacity in units (W·T).
    capacity: u64,
    level: u64,
    at_ms: u64,
}

impl TokenBucket {
    /// A full bucket for `budget` at `now_ms`. A zero budget is treated as one write per
    /// window, so the bucket can always make progress.
    pub fn full(budget: WriteBudget, now_ms: u64) -> Self {
        let writes = u64::from(budget.writes.max(1));
        let unit = budget.window_ms.max(1);
        let capacity = writes.saturating_mul(unit);
        TokenBucket {
            refill_per_ms: writes,
            unit,
            capacity,
            level: capacity,
            at_ms: now_ms,
        }
    }

    fn refill(&mut self, now_ms: u64) {
        if now_ms > self.at_ms {
            let gained = (now_ms - self.at_ms).saturating_mul(self.refill_per_ms);
            self.level = self.level.saturating_add(gained).min(self.capacity);
            self.at_ms = now_ms;
        }
    }

    /// The most tokens the bucket holds.
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.capacity / self.unit).unwrap_or(u32::MAX)
    }

    /// Whole tokens available at `now_ms`.
    pub fn available(&mut self, now_ms: u64) -> u32 {
        self.refill(now_ms);
        u32::try_from(self.level / self.unit).unwrap_or(u32::MAX)
    }

    /// Takes `n` tokens if they are all there.
    pub fn try_take(&mut self, now_ms: u64, n: u32) -> bool {
        self.refill(now_ms);
        let cost = u64::from(n).saturating_mul(self.unit);
        if cost > self.level {
            return false;
        }
        self.level -= cost;
        true
    }

    /// The earliest time at which `n` tokens are available (`n` is capped at capacity).
    pub fn ready_at(&mut self, now_ms: u64, n: u32) -> u64 {
        self.refill(now_ms);
        let cost = u64::from(n).saturating_mul(self.unit).min(self.capacity);
        if cost <= self.level {
            return now_ms;
        }
        now_ms + (cost - self.level).div_ceil(self.refill_per_ms)
    }

    /// Empties the bucket: the server said the quota is spent, so it is.
    pub fn drain(&mut self, now_ms: u64) {
        self.refill(now_ms);
        self.level = 0;
    }

    /// Puts `n` tokens back (never beyond capacity): they were taken for writes the
    /// server did not count.
    pub fn give_back(&mut self, now_ms: u64, n: u32) {
        self.refill(now_ms);
        let refund = u64::from(n).saturating_mul(self.unit);
        self.level = self.level.saturating_add(refund).min(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(writes: u32, window_ms: u64) -> WriteBudget {
        WriteBudget { writes, window_ms }
    }

    #[test]
    fn starts_full_and_refills_continuously() {
        let mut bucket = TokenBucket::full(budget(3, 3_000), 0);
        assert!(bucket.try_take(0, 3));
        assert!(!bucket.try_take(0, 1));
        assert_eq!(bucket.ready_at(0, 1), 1_000);
        assert!(!bucket.try_take(999, 1));
        assert!(bucket.try_take(1_000, 1));
        assert_eq!(bucket.available(10_000), 3, "capped at capacity");
    }

    #[test]
    fn drain_empties_and_ready_at_is_exact() {
        let mut bucket = TokenBucket::full(WriteBudget::default(), 0);
        bucket.drain(5);
        assert_eq!(bucket.available(5), 0);
        // 3,000 per 150 s is one per 50 ms.
        assert_eq!(bucket.ready_at(5, 1), 55);
        assert_eq!(bucket.ready_at(5, 20), 1_005);
        assert_eq!(bucket.ready_at(5, 10_000), 150_005, "capped at capacity");
    }

    #[test]
    fn a_clock_going_backwards_adds_nothing() {
        let mut bucket = TokenBucket::full(budget(2, 1_000), 1_000);
        assert!(bucket.try_take(1_000, 2));
        assert_eq!(bucket.available(500), 0);
        assert_eq!(bucket.available(1_500), 1);
    }

    #[test]
    fn tokens_given_back_never_overfill() {
        let mut bucket = TokenBucket::full(budget(10, 1_000), 0);
        assert!(bucket.try_take(0, 4));
        bucket.give_back(0, 3);
        assert_eq!(bucket.available(0), 9);
        bucket.give_back(0, 5);
        assert_eq!(bucket.available(0), 10);
        assert_eq!(bucket.capacity(), 10);
    }
}
