//! When a request without an answer counts as lost, from how soon answers usually come.
//!
//! The shell gives up on a request only after its own timeout (30 s against Graph), and
//! a run can't wait that long for every lost answer: near the end of a run each one would
//! add the whole timeout. So the run watches each request: once it has waited four times
//! the 99th percentile of the round trips seen so far (at least the run's floor), it is
//! overdue, and [`super::Run`] reads its users alongside it. The watch repeats each
//! period for as long as the request stays out.

use super::lag::LagStats;
use super::RequestId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Before any answer has come, a request is overdue after this long.
pub const OVERDUE_UNKNOWN_MS: u64 = 10_000;

/// How many p99 round trips a request may take before it is overdue.
const ROUND_TRIPS_BEFORE_OVERDUE: u64 = 4;

/// Round trips seen, and when each watched request becomes overdue.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overdue {
    round_trips: LagStats,
    due: BinaryHeap<Reverse<(u64, RequestId)>>,
}

impl Overdue {
    /// A request was answered `ms` after it was sent.
    pub fn answered_after(&mut self, ms: u64) {
        self.round_trips.record(ms);
    }

    /// How long a request may go without an answer, at least `floor_ms`.
    pub fn wait_ms(&self, floor_ms: u64) -> u64 {
        self.round_trips
            .p99_ms()
            .map_or(OVERDUE_UNKNOWN_MS, |p99| p99 * ROUND_TRIPS_BEFORE_OVERDUE)
            .max(floor_ms)
    }

    /// Watches request `id` from `now`.
    pub fn watch(&mut self, id: RequestId, now: u64, floor_ms: u64) {
        let at = now + self.wait_ms(floor_ms);
        self.due.push(Reverse((at, id)));
    }

    /// The next watched request overdue at `now`, if any (it is no longer watched).
    pub fn next_due(&mut self, now: u64) -> Option<RequestId> {
        let Reverse((at, id)) = self.due.peek().copied()?;
        if at > now {
            return None;
        }
        self.due.pop();
        Some(id)
    }

    /// When the next request still out becomes overdue; requests `out` says are no
    /// longer out stop being watched.
    pub fn next_at(&mut self, out: impl Fn(RequestId) -> bool) -> Option<u64> {
        while let Some(Reverse((at, id))) = self.due.peek().copied() {
            if out(id) {
                return Some(at);
            }
            self.due.pop();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_four_p99_round_trips_at_least_the_floor() {
        let mut overdue = Overdue::default();
        assert_eq!(
            overdue.wait_ms(1_000),
            OVERDUE_UNKNOWN_MS,
            "nothing seen yet"
        );
        for _ in 0..100 {
            overdue.answered_after(300);
        }
        assert_eq!(overdue.wait_ms(1_000), 1_200);
        assert_eq!(overdue.wait_ms(5_000), 5_000);
    }

    #[test]
    fn requests_come_due_in_order_and_answered_ones_stop_being_watched() {
        let mut overdue = Overdue::default();
        overdue.answered_after(100);
        overdue.watch(RequestId(1), 0, 1_000);
        overdue.watch(RequestId(2), 500, 1_000);
        assert_eq!(overdue.next_due(999), None);
        assert_eq!(overdue.next_at(|id| id == RequestId(2)), Some(1_500));
        assert_eq!(overdue.next_due(2_000), Some(RequestId(2)));
        assert_eq!(overdue.next_due(2_000), None);
    }
}
