//! A quota counted in a sliding window, as far as Graph's answers have shown it.
//!
//! Such a quota lets at most W writes through in any window of length T, and gives each
//! slot back exactly T after the write that used it. W is learnt once, from the first
//! burst (see [`super::Pacer`]). T is known only within bounds, and every answer to a
//! write narrows them. Say a request sent at `x` had `a` of its writes counted:
//!
//! - fewer than `W − a` earlier writes can have been inside the window at `x`, so the
//!   `(W − a + 1)`-th newest write before it was outside: `T ≤ x − that write's time`;
//! - if any of its writes were refused, the window was full, so the `(W − a)`-th newest
//!   write before it was inside: `T > x − that write's time`.
//!
//! Differences of send times stand in for differences of the server's times (the network
//! delay cancels out). An upper bound only counts writes Graph surely counted, and a lower
//! bound every write that may have been, so unclear answers can only make a bound weaker,
//! never wrong. A refusal the bounds can't explain (a stray 429, or Graph under load)
//! changes nothing here.
//!
//! Writes are paced by the upper bound, less a step while the bounds are apart: the
//! learnt length is at first the probe's delay too long, and each window the step shows
//! whether a shorter one holds. A refused step is cheap: those writes used no slot and go
//! again. Once the bounds are within a resolution of each other, pacing stays on the
//! upper bound, which has been shown to hold.

/// What Graph's answers have shown of its window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LearntWindow {
    /// Writes the window holds.
    pub writes: u32,
    /// The window is longer than this (ms).
    pub longer_than_ms: u64,
    /// The window is at most this long (ms).
    pub at_most_ms: u64,
}

impl LearntWindow {
    pub fn new(writes: u32, longer_than_ms: u64, at_most_ms: u64) -> Self {
        let mut window = LearntWindow {
            writes,
            longer_than_ms: 0,
            at_most_ms,
        };
        window.longer_than(longer_than_ms);
        window
    }

    /// Bounds closer than this are close enough: pacing stays on the upper one.
    fn resolution_ms(&self) -> u64 {
        (self.at_most_ms / 300).clamp(50, 250)
    }

    /// The largest step below the upper bound tried at once.
    fn largest_step_ms(&self) -> u64 {
        (self.at_most_ms / 60).max(self.resolution_ms())
    }

    /// The window length writes are paced by.
    pub fn pace_ms(&self) -> u64 {
        let gap = self.at_most_ms.saturating_sub(self.longer_than_ms);
        if gap <= self.resolution_ms() {
            return self.at_most_ms;
        }
        self.at_most_ms - (gap / 2).min(self.largest_step_ms())
    }

    /// A write went through while the window, if it were longer than `ms`, would have
    /// been full. Shown to hold, so it is kept even against an earlier refusal (which
    /// was then a stray one).
    pub fn at_most(&mut self, ms: u64) {
        if ms < self.at_most_ms {
            self.at_most_ms = ms.max(1);
            if self.longer_than_ms >= self.at_most_ms {
                self.longer_than_ms = 0;
            }
        }
    }

    /// A write was refused while the window, if it were `ms` long or shorter, had room.
    /// Returns whether the bounds explain it; one they don't is ignored.
    pub fn longer_than(&mut self, ms: u64) -> bool {
        if ms >= self.at_most_ms {
            return false;
        }
        self.longer_than_ms = self.longer_than_ms.max(ms);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_steps_down_until_the_bounds_meet() {
        let mut window = LearntWindow::new(600, 0, 31_000);
        assert_eq!(window.pace_ms(), 31_000 - 516, "a sixtieth at most");
        window.at_most(30_484);
        window.at_most(29_968);
        assert!(window.longer_than(29_968 - 400));
        assert_eq!(window.pace_ms(), 29_968 - 200, "half the gap");
        assert!(window.longer_than(29_900));
        assert_eq!(
            window.pace_ms(),
            29_968,
            "within the resolution: the upper bound"
        );
    }

    #[test]
    fn a_refusal_the_bounds_cannot_explain_changes_nothing() {
        let mut window = LearntWindow::new(300, 14_000, 15_400);
        assert!(!window.longer_than(15_400));
        assert!(!window.longer_than(60_000));
        assert_eq!((window.longer_than_ms, window.at_most_ms), (14_000, 15_400));
    }

    #[test]
    fn a_write_through_below_the_lower_bound_overrules_it() {
        let mut window = LearntWindow::new(300, 14_000, 15_400);
        window.at_most(13_000);
        assert_eq!((window.longer_than_ms, window.at_most_ms), (0, 13_000));
        window.at_most(20_000);
        assert_eq!(window.at_most_ms, 13_000, "an upper bound never grows");
    }
}
