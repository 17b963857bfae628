//! How long Entra ID takes to show an accepted write in this run, and the check window
//! that follows from it.
//!
//! A write with an unclear answer (a 5xx, or none) may have been applied: it is sent again
//! only once a read shows it was not. Entra ID replicates writes with a delay, so a read
//! that doesn't show a write proves nothing until that delay has passed. Rather than a
//! fixed wait, the run measures the delay: each write Graph accepted is read until it
//! shows, and the time from the accepted answer to the read that first showed it is one
//! sample (an upper bound: the write may have shown a little earlier). The check window
//! is three times the 99th percentile of the samples so far, never under
//! [`CHECK_WINDOW_FLOOR_MS`] and never over the run's cap. With no sample yet, it is the
//! cap.
//!
//! Lag is the tenant's, not the run's: a run may start from the samples of earlier runs
//! on the same tenant ([`super::Run::with_lags_seen`]), so a single change made after
//! others is checked in seconds, not for the whole cap.

/// The shortest check window, whatever the samples say.
pub const CHECK_WINDOW_FLOOR_MS: u64 = 2_000;

/// How many times the 99th percentile lag the check window lasts.
const LAGS_PER_WINDOW: u64 = 3;

/// Samples are counted in buckets this wide, rounded up.
const BUCKET_MS: u64 = 50;

/// Lags seen in this run, as a histogram (so a run of any size costs the same).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LagStats {
    /// `counts[i]` samples were at most `(i + 1) · BUCKET_MS` (and over the one before).
    counts: Vec<u64>,
    total: u64,
}

impl LagStats {
    /// One write showed `lag_ms` after Graph accepted it.
    pub fn record(&mut self, lag_ms: u64) {
        let bucket = lag_ms.div_ceil(BUCKET_MS).saturating_sub(1) as usize;
        if self.counts.len() <= bucket {
            self.counts.resize(bucket + 1, 0);
        }
        self.counts[bucket] += 1;
        self.total += 1;
    }

    /// Counts `other`'s samples with these: lags seen by earlier runs on the same tenant.
    pub fn absorb(&mut self, other: &LagStats) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    pub fn samples(&self) -> u64 {
        self.total
    }

    /// The 99th percentile lag (rounded up to the bucket), if any sample was taken.
    pub fn p99_ms(&self) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let wanted = (self.total * 99).div_ceil(100);
        let mut seen = 0;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                return Some((bucket as u64 + 1) * BUCKET_MS);
            }
        }
        Some(self.counts.len() as u64 * BUCKET_MS)
    }

    /// How long after an unclear answer a read that doesn't show the write proves it was
    /// not applied: `max(floor, 3 × p99)`, at most `cap_ms` (the cap with no samples).
    pub fn check_window_ms(&self, cap_ms: u64) -> u64 {
        match self.p99_ms() {
            Some(p99) => (p99 * LAGS_PER_WINDOW)
                .max(CHECK_WINDOW_FLOOR_MS)
                .min(cap_ms),
            None => cap_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorbed_samples_count_as_if_recorded_here() {
        let mut earlier = LagStats::default();
        earlier.record(400);
        earlier.record(2_000);
        let mut here = LagStats::default();
        here.record(100);
        here.absorb(&earlier);
        let mut all = LagStats::default();
        for lag in [100, 400, 2_000] {
            all.record(lag);
        }
        assert_eq!(here, all);
        assert_eq!(here.samples(), 3);
        let mut empty = LagStats::default();
        empty.absorb(&LagStats::default());
        assert_eq!(empty.check_window_ms(15_000), 15_000);
    }

    #[test]
    fn without_samples_the_window_is_the_cap() {
        assert_eq!(LagStats::default().check_window_ms(15_000), 15_000);
        assert_eq!(LagStats::default().p99_ms(), None);
    }

    #[test]
    fn the_window_is_three_p99_lags_within_the_floor_and_the_cap() {
        let mut lags = LagStats::default();
        for _ in 0..99 {
            lags.record(400);
        }
        assert_eq!(
            lags.check_window_ms(15_000),
            2_000,
            "1.2 s is under the floor"
        );
        lags.record(1_100);
        assert_eq!(lags.p99_ms(), Some(400), "one slow write in a hundred");
        lags.record(1_100);
        assert_eq!(
            lags.p99_ms(),
            Some(1_100),
            "two are over the 99th percentile"
        );
        assert_eq!(lags.check_window_ms(15_000), 3_300);
        lags.record(60_000);
        lags.record(60_000);
        assert_eq!(lags.check_window_ms(15_000), 15_000, "capped");
        assert_eq!(
            lags.check_window_ms(1_000),
            1_000,
            "a cap under the floor wins"
        );
        assert_eq!(lags.samples(), 103);
    }

    #[test]
    fn samples_round_up_to_their_bucket() {
        let mut lags = LagStats::default();
        lags.record(0);
        assert_eq!(lags.p99_ms(), Some(50));
        lags.record(1);
        lags.record(51);
        assert_eq!(lags.p99_ms(), Some(100));
    }
}
