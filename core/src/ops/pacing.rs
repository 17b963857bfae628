//! The write budget as a token bucket, so a bulk run never outpaces Graph's write quota.
//!
//! Graph's identity limits allow 3,000 writes per 150 s per app and tenant and "use a
//! token bucket": capacity W, refilled continuously at W per T. Pacing sends with the same
//! bucket means a run of any length proceeds at the quota's pace without being throttled,
//! and any window of length τ holds at most `W + τ·W/T` sends. Arithmetic is exact
//! (integers in units of 1/T of a token), so the bound holds to the last send. The
//! simulator meters its write quota with this type too.
//!
//! A server may count its quota differently: a sliding window gives back nothing for a
//! whole window, then each slot exactly one window after it was used. A bucket refilled
//! at the budget's pace can't follow that, so [`Pacer`] learns the window from Graph's
//! answers: when writes have been refused for a long stretch and a probe gets through,
//! the window is the time since the last open stretch began, and it holds as many writes
//! as that stretch got through. From then on, writes follow that window. While writes
//! are being refused, only one probe write is out at a time, so a throttled server sees
//! one refused write per wait, not a batch.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

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
}

/// A stretch of refusals at least this long, followed by an accepted write, means the
/// quota came back in a lump (a sliding window). A bucket refilled continuously refuses
/// for about one `Retry-After` (whole seconds, usually 1) plus a probe's round trip.
pub const LUMP_AFTER_MS: u64 = 5_000;

/// A quota counted in a sliding window, as learnt from Graph's answers: at most
/// `writes` sends in any `window_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LearnedWindow {
    writes: u32,
    window_ms: u64,
    /// Send times, oldest first; entries older than the window are dropped.
    sends: VecDeque<u64>,
}

impl LearnedWindow {
    fn forget_before(&mut self, now_ms: u64) {
        while self
            .sends
            .front()
            .is_some_and(|&sent| sent + self.window_ms <= now_ms)
        {
            self.sends.pop_front();
        }
    }

    fn available(&mut self, now_ms: u64) -> u32 {
        self.forget_before(now_ms);
        self.writes.saturating_sub(self.sends.len() as u32)
    }

    fn ready_at(&mut self, now_ms: u64, n: u32) -> u64 {
        self.forget_before(now_ms);
        let n = n.min(self.writes) as usize;
        let over = (self.sends.len() + n).saturating_sub(self.writes as usize);
        match over {
            0 => now_ms,
            k => self.sends[k - 1] + self.window_ms,
        }
    }
}

/// Paces writes: by the token bucket at the budget until Graph's answers show a quota
/// counted in a sliding window, then by that window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacer {
    bucket: TokenBucket,
    window: Option<LearnedWindow>,
    /// When the current stretch of refusals began: while set, writes go one at a time.
    refused_since: Option<u64>,
    /// Send times of the writes accepted since the last long stretch of refusals ended.
    open_stretch: Vec<u64>,
}

impl Pacer {
    pub fn new(budget: WriteBudget, now_ms: u64) -> Self {
        Pacer {
            bucket: TokenBucket::full(budget, now_ms),
            window: None,
            refused_since: None,
            open_stretch: Vec::new(),
        }
    }

    /// Whether Graph is refusing writes: the next write is a lone probe.
    pub fn probing(&self) -> bool {
        self.refused_since.is_some()
    }

    /// The most writes that can ever go at once.
    pub fn capacity(&self) -> u32 {
        match &self.window {
            Some(window) => window.writes,
            None => u32::try_from(self.bucket.capacity / self.bucket.unit).unwrap_or(u32::MAX),
        }
    }

    /// The window learnt from Graph's answers, as (writes, window ms), if any.
    pub fn learned_window(&self) -> Option<(u32, u64)> {
        self.window.as_ref().map(|w| (w.writes, w.window_ms))
    }

    /// Writes that may be sent at `now_ms`.
    pub fn available(&mut self, now_ms: u64) -> u32 {
        match self.window.as_mut() {
            Some(window) => window.available(now_ms),
            None => self.bucket.available(now_ms),
        }
    }

    /// The earliest time `n` writes may be sent.
    pub fn ready_at(&mut self, now_ms: u64, n: u32) -> u64 {
        match self.window.as_mut() {
            Some(window) => window.ready_at(now_ms, n),
            None => self.bucket.ready_at(now_ms, n),
        }
    }

    /// Takes `n` sends if they are all there.
    pub fn try_take(&mut self, now_ms: u64, n: u32) -> bool {
        match self.window.as_mut() {
            Some(window) => {
                if window.available(now_ms) < n {
                    return false;
                }
                window.sends.extend(std::iter::repeat_n(now_ms, n as usize));
                true
            }
            None => self.bucket.try_take(now_ms, n),
        }
    }

    /// Graph answered a write request sent at `sent_ms`: `accepted` writes went through
    /// the quota (any answer but a refusal or an unclear one) and `refused` were
    /// answered 429. A 429 also empties the bucket: the server's quota is spent,
    /// whatever the bucket thought. Only a request refused as a whole starts probing.
    pub fn answered(&mut self, now_ms: u64, sent_ms: u64, accepted: u32, refused: u32) {
        if accepted > 0 {
            if let Some(since) = self.refused_since.take() {
                if now_ms.saturating_sub(since) >= LUMP_AFTER_MS {
                    self.learn_window(sent_ms);
                }
            }
        }
        if refused > 0 {
            self.bucket.drain(now_ms);
            // Refused as a whole: the quota is spent, so probe until a write gets through.
            if accepted == 0 {
                self.refused_since.get_or_insert(now_ms);
            }
        }
        self.open_stretch
            .extend(std::iter::repeat_n(sent_ms, accepted as usize));
    }

    /// After a long stretch of refusals, a write sent at `probe_ms` went through: the
    /// server gave back the slots of the last open stretch one window after they were
    /// used. The window is at most the time from that stretch's first write to the
    /// probe, and holds as many writes as that stretch got through.
    fn learn_window(&mut self, probe_ms: u64) {
        let stretch = std::mem::take(&mut self.open_stretch);
        let Some(&first) = stretch.first() else {
            return;
        };
        if probe_ms <= first {
            return;
        }
        let writes = stretch.len() as u32;
        let mut sends: VecDeque<u64> = stretch.into_iter().collect();
        sends.make_contiguous().sort_unstable();
        sends.push_back(probe_ms);
        self.window = Some(LearnedWindow {
            writes,
            window_ms: probe_ms - first,
            sends,
        });
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
    fn a_short_refusal_keeps_the_buckets_pace() {
        let mut pacer = Pacer::new(budget(20, 1_000), 0);
        assert!(pacer.try_take(0, 20));
        pacer.answered(300, 0, 0, 20);
        assert!(pacer.probing());
        assert_eq!(pacer.available(300), 0, "a 429 empties the bucket");
        assert!(pacer.try_take(1_300, 1));
        assert_eq!(
            pacer.available(1_300),
            19,
            "the refill since the 429, less the probe"
        );
        pacer.answered(1_600, 1_300, 1, 0);
        assert!(!pacer.probing());
        assert_eq!(pacer.learned_window(), None);
    }

    #[test]
    fn a_long_refusal_then_an_accepted_probe_teaches_the_window() {
        let mut pacer = Pacer::new(budget(1_000, 1_000), 0);
        for at in [0, 1_000, 2_000] {
            assert!(pacer.try_take(at, 200));
            pacer.answered(at + 300, at, 200, 0);
        }
        assert!(pacer.try_take(3_000, 20));
        pacer.answered(3_300, 3_000, 0, 20);
        assert!(pacer.try_take(30_000, 1), "the probe");
        pacer.answered(30_300, 30_000, 1, 0);
        assert_eq!(pacer.learned_window(), Some((600, 30_000)));
        // The slots come back as the first stretch used them, one window later.
        assert_eq!(
            pacer.available(30_300),
            199,
            "the first 200 are back, less the probe"
        );
        assert_eq!(pacer.ready_at(30_300, 200), 31_000);
        assert!(pacer.try_take(30_300, 199));
        assert_eq!(pacer.available(30_999), 0);
        assert_eq!(pacer.available(31_000), 200);
        assert_eq!(pacer.capacity(), 600);
    }

    #[test]
    fn a_batch_partly_refused_empties_the_bucket_without_probing() {
        let mut pacer = Pacer::new(budget(20, 1_000), 0);
        assert!(pacer.try_take(0, 20));
        pacer.answered(300, 0, 19, 1);
        assert!(!pacer.probing());
        assert_eq!(pacer.available(300), 0);
    }

    #[test]
    fn unclear_answers_change_nothing() {
        let mut pacer = Pacer::new(budget(10, 1_000), 0);
        pacer.answered(10, 0, 0, 0);
        assert!(!pacer.probing());
        assert_eq!(pacer.available(10), 10);
    }
}
