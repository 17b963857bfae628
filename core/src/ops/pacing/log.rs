//! Every write the pacer let out, for as long as it can still matter.
//!
//! A quota counted in a sliding window gives a slot back exactly one window after the
//! write that used it, so pacing by such a window means knowing when each write went and
//! whether Graph counted it. The log is also the evidence the window is learnt from: when
//! a request goes through or is refused, the writes sent before it say how long the
//! window must be (see [`super::window`]). A refused write, or one a read shows was never
//! applied, used no slot and leaves the log; one with an unclear answer stays, counted,
//! until a read settles it.

use std::collections::VecDeque;

/// One write the pacer let out (each write of a `$batch` has its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SendId(pub(crate) u64);

impl SendId {
    /// The id of the write sent `n` after this one in the same request.
    pub(crate) fn nth_after(self, n: usize) -> SendId {
        SendId(self.0 + n as u64)
    }
}

/// What is known of a logged write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Sent; no answer yet.
    InFlight,
    /// Answered with anything but a refusal or an unclear answer: Graph counted it.
    Counted,
    /// Answered 500, 502, 503 or 504, or not at all: it may or may not have been counted.
    Unclear,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    id: u64,
    sent_ms: u64,
    standing: Standing,
}

/// Logged writes, oldest first (ids rise with send time).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SendLog {
    entries: VecDeque<Entry>,
    next_id: u64,
}

impl SendLog {
    /// Logs `n` writes sent at `sent_ms`; returns the first one's id (the rest follow it).
    pub fn record(&mut self, sent_ms: u64, n: u32) -> SendId {
        let first = self.next_id;
        for id in first..first + u64::from(n) {
            self.entries.push_back(Entry {
                id,
                sent_ms,
                standing: Standing::InFlight,
            });
        }
        self.next_id += u64::from(n);
        SendId(first)
    }

    fn position(&self, id: SendId) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&id.0, |entry| entry.id)
    }

    /// Sets what is known of `id`; false if it is no longer logged.
    pub fn set(&mut self, id: SendId, standing: Standing) -> bool {
        match self.position(id) {
            Ok(at) => {
                self.entries[at].standing = standing;
                true
            }
            Err(_) => false,
        }
    }

    /// Takes `id` out of the log (it used no slot); false if it was not there.
    pub fn remove(&mut self, id: SendId) -> bool {
        match self.position(id) {
            Ok(at) => {
                self.entries.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Forgets writes sent at or before `ms`.
    pub fn forget_until(&mut self, ms: u64) {
        while self
            .entries
            .front()
            .is_some_and(|entry| entry.sent_ms <= ms)
        {
            self.entries.pop_front();
        }
    }

    /// Writes sent after `ms`.
    pub fn sent_after(&self, ms: u64) -> u32 {
        self.entries
            .iter()
            .rev()
            .take_while(|entry| entry.sent_ms > ms)
            .count() as u32
    }

    /// When the `n`-th newest logged write went (1 is the newest), if there are `n`.
    pub fn nth_newest(&self, n: usize) -> Option<u64> {
        let n = n.checked_sub(1)?;
        self.entries.iter().rev().nth(n).map(|entry| entry.sent_ms)
    }

    /// When the `n`-th newest write sent before `before` went (1 is the newest), among
    /// the writes `counts` accepts.
    pub fn nth_newest_before(
        &self,
        before: SendId,
        n: usize,
        counts: impl Fn(Standing) -> bool,
    ) -> Option<u64> {
        let n = n.checked_sub(1)?;
        let end = match self.position(before) {
            Ok(at) | Err(at) => at,
        };
        self.entries
            .range(..end)
            .rev()
            .filter(|entry| counts(entry.standing))
            .nth(n)
            .map(|entry| entry.sent_ms)
    }

    /// Writes logged before `before`, and when the oldest of them went.
    pub fn before(&self, before: SendId) -> (usize, Option<u64>) {
        let end = match self.position(before) {
            Ok(at) | Err(at) => at,
        };
        (end, self.entries.front().map(|entry| entry.sent_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: Standing) -> bool {
        true
    }

    #[test]
    fn writes_are_found_by_id_and_counted_by_time() {
        let mut log = SendLog::default();
        let first = log.record(100, 3);
        let second = log.record(200, 2);
        assert_eq!(second, SendId(3));
        assert_eq!(log.sent_after(100), 2);
        assert_eq!(log.sent_after(99), 5);
        assert!(log.remove(SendId(1)));
        assert!(!log.remove(SendId(1)), "only once");
        assert_eq!(log.sent_after(99), 4);
        assert_eq!(log.nth_newest(3), Some(100));
        assert_eq!(log.nth_newest(5), None);
        assert!(log.set(first, Standing::Counted));
        assert_eq!(log.before(second), (2, Some(100)));
        log.forget_until(100);
        assert_eq!(log.before(second), (0, Some(200)));
        assert!(!log.set(first, Standing::Counted), "forgotten");
    }

    #[test]
    fn the_nth_newest_before_a_write_counts_only_what_is_asked() {
        let mut log = SendLog::default();
        log.record(10, 1);
        log.record(20, 1);
        log.record(30, 1);
        let later = log.record(40, 1);
        log.set(SendId(0), Standing::Counted);
        log.set(SendId(2), Standing::Counted);
        assert_eq!(log.nth_newest_before(later, 1, any), Some(30));
        assert_eq!(log.nth_newest_before(later, 3, any), Some(10));
        assert_eq!(log.nth_newest_before(later, 4, any), None);
        let counted = |s: Standing| s == Standing::Counted;
        assert_eq!(log.nth_newest_before(later, 2, counted), Some(10));
        assert_eq!(log.nth_newest_before(later, 0, counted), None);
    }
}
