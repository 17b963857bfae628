//! The pacer against answers given by hand, and against a small sliding-window quota.

use super::*;
use std::collections::VecDeque;

fn budget(writes: u32, window_ms: u64) -> WriteBudget {
    WriteBudget { writes, window_ms }
}

fn ids(first: SendId, n: u32) -> impl Iterator<Item = SendId> {
    (first.0..first.0 + u64::from(n)).map(SendId)
}

/// Every write of the request that began with `first` answered `answer`.
fn all(first: SendId, n: u32, answer: WriteAnswer) -> Vec<(SendId, WriteAnswer)> {
    ids(first, n).map(|id| (id, answer)).collect()
}

/// Takes `n` at `at` and has them all answered `answer` 300 ms later; returns whether
/// every write must wait.
fn send(pacer: &mut Pacer, at: u64, n: u32, answer: WriteAnswer) -> bool {
    let first = pacer.take(at, n).expect("sends available");
    pacer.answered(at + 300, at, &all(first, n, answer), None)
}

#[test]
fn a_short_refusal_keeps_the_buckets_pace() {
    let mut pacer = Pacer::new(budget(20, 1_000), 0);
    assert!(
        send(&mut pacer, 0, 20, WriteAnswer::Refused),
        "refused as a whole"
    );
    assert!(pacer.probing());
    assert_eq!(
        pacer.available(300),
        0,
        "a refusal as a whole empties the bucket"
    );
    assert!(!send(&mut pacer, 1_300, 1, WriteAnswer::Counted));
    assert_eq!(
        pacer.available(1_300),
        19,
        "the refill since, less the probe"
    );
    assert!(!pacer.probing());
    assert_eq!(
        pacer.learned_window(),
        None,
        "a bucket's refusal, not a window's"
    );
}

/// 600 writes in three bursts, then refusals until a probe gets through at 30 s.
fn learnt_600_per_30_s() -> Pacer {
    let mut pacer = Pacer::new(budget(1_000, 1_000), 0);
    for at in [0, 1_000, 2_000] {
        assert!(!send(&mut pacer, at, 200, WriteAnswer::Counted));
    }
    assert!(send(&mut pacer, 3_000, 20, WriteAnswer::Refused));
    assert!(
        !send(&mut pacer, 30_000, 1, WriteAnswer::Counted),
        "the probe"
    );
    pacer
}

#[test]
fn a_long_refusal_then_a_probe_through_teaches_the_window() {
    let mut pacer = learnt_600_per_30_s();
    let (writes, pace_ms) = pacer.learned_window().expect("learnt");
    assert_eq!(writes, 600);
    assert_eq!(pacer.capacity(), 600);
    // At most the 30 s from the first write to the probe; the pace tries a step below.
    assert_eq!(pace_ms, 30_000 - 500);
    // The first 200 left the window (at the pace), less the probe's slot.
    assert_eq!(pacer.available(30_300), 199);
    assert_eq!(pacer.ready_at(30_300, 200), 1_000 + pace_ms);
    assert!(pacer.take(30_300, 199).is_some());
    assert_eq!(pacer.available(30_300), 0);
    assert_eq!(pacer.available(1_000 + pace_ms), 200);
}

#[test]
fn a_partly_refused_batch_in_the_first_burst_holds_nothing_and_keeps_the_pace() {
    let mut pacer = Pacer::new(budget(40, 1_000_000), 0);
    let first = pacer.take(0, 20).expect("full");
    let mut answers = all(first, 20, WriteAnswer::Counted);
    answers[7].1 = WriteAnswer::Refused;
    assert!(!pacer.answered(300, 0, &answers, None));
    assert!(!pacer.probing());
    assert_eq!(pacer.available(300), 20, "the bucket is not emptied");
}

#[test]
fn an_unclear_write_holds_its_slot_until_a_read_shows_it_was_not_applied() {
    let mut pacer = learnt_600_per_30_s();
    let at = 31_000;
    let free = pacer.available(at);
    let first = pacer.take(at, 2).expect("free slots");
    let mut answers = all(first, 2, WriteAnswer::Unclear);
    answers[1].1 = WriteAnswer::Counted;
    assert!(!pacer.answered(at + 300, at, &answers, None));
    assert_eq!(pacer.available(at + 300), free - 2);
    pacer.applied(first.nth_after(1));
    pacer.not_applied(at + 400, first);
    assert_eq!(
        pacer.available(at + 400),
        free - 1,
        "the unapplied write's slot is back"
    );
    pacer.not_applied(at + 400, first);
    assert_eq!(pacer.available(at + 400), free - 1, "only once");
    assert_eq!(pacer.learned_window().map(|(w, _)| w), Some(600));
}

#[test]
fn an_unclear_write_of_the_learnt_burst_shown_never_applied_shrinks_the_window() {
    let mut pacer = Pacer::new(budget(1_000, 1_000), 0);
    let first = pacer.take(0, 300).expect("full");
    let mut answers = all(first, 300, WriteAnswer::Counted);
    answers[5].1 = WriteAnswer::Unclear;
    pacer.answered(300, 0, &answers, None);
    assert!(send(&mut pacer, 400, 20, WriteAnswer::Refused));
    assert!(!send(&mut pacer, 15_000, 1, WriteAnswer::Counted));
    assert_eq!(pacer.learned_window().map(|(w, _)| w), Some(300));
    pacer.not_applied(15_400, SendId(first.0 + 5));
    assert_eq!(pacer.learned_window().map(|(w, _)| w), Some(299));
}

#[test]
fn once_learnt_a_single_refused_write_holds_nothing() {
    let mut pacer = learnt_600_per_30_s();
    assert!(!send(&mut pacer, 30_400, 1, WriteAnswer::Refused));
    assert!(!pacer.probing());
}

#[test]
fn once_learnt_a_whole_refusal_the_window_cannot_explain_holds_every_write() {
    let mut pacer = learnt_600_per_30_s();
    // Plenty of room by the window, yet Graph refuses a batch outright.
    assert!(send(&mut pacer, 30_400, 20, WriteAnswer::Refused));
    assert!(pacer.probing());
    assert!(
        send(&mut pacer, 32_000, 1, WriteAnswer::Refused),
        "a refused probe"
    );
    assert!(!send(&mut pacer, 34_000, 1, WriteAnswer::Counted));
    assert!(!pacer.probing());
    assert_eq!(pacer.learned_window().map(|(w, _)| w), Some(600));
}

#[test]
fn the_budget_stays_a_ceiling_after_a_window_is_learnt() {
    // The server's window holds 600 per 30 s; the budget allows 650 per minute.
    let mut pacer = Pacer::new(budget(650, 60_000), 0);
    assert!(!send(&mut pacer, 0, 600, WriteAnswer::Counted));
    assert!(send(&mut pacer, 400, 20, WriteAnswer::Refused));
    assert!(!send(&mut pacer, 30_000, 1, WriteAnswer::Counted));
    assert_eq!(pacer.learned_window().map(|(w, _)| w), Some(600));
    // The window would allow 599 (all but the probe); the budget's bucket holds
    // 650 − 621 sent + 31 s of refill at 650 per minute.
    assert_eq!(pacer.available(31_000), 364);
}

/// A server's write quota counted in a sliding window, with `Retry-After` in whole
/// seconds until the oldest write leaves it; during an outage it refuses every write.
struct SlidingQuota {
    writes: usize,
    window_ms: u64,
    used: VecDeque<u64>,
    outage: Option<(u64, u64)>,
}

impl SlidingQuota {
    fn admit(&mut self, at: u64) -> Result<(), u64> {
        if let Some((from, until)) = self.outage {
            if (from..until).contains(&at) {
                return Err((until - at).div_ceil(1_000));
            }
        }
        while self.used.front().is_some_and(|&t| t + self.window_ms <= at) {
            self.used.pop_front();
        }
        if self.used.len() >= self.writes {
            let oldest = self.used[0];
            return Err((oldest + self.window_ms - at).div_ceil(1_000).max(1));
        }
        self.used.push_back(at);
        Ok(())
    }
}

struct Request {
    answer_at: u64,
    sent_ms: u64,
    answers: Vec<(SendId, WriteAnswer)>,
    retry_after_s: Option<u64>,
}

/// Sends `total` writes in requests of up to 20, four at a time, answered after 300 ms,
/// against `quota`; with `Retry-After` read, or a 750 ms wait when it is hidden. Returns
/// when the last write went through, the writes refused, and the pacer.
fn against(mut quota: SlidingQuota, total: u32, hidden: bool) -> (u64, u32, Pacer) {
    const LATENCY_MS: u64 = 300;
    let mut pacer = Pacer::new(WriteBudget::default(), 0);
    let (mut now, mut hold_until, mut left, mut refused, mut done_at) = (0, 0, total, 0, 0);
    let mut in_flight: Vec<Request> = Vec::new();
    while left > 0 || !in_flight.is_empty() {
        while in_flight.len() < 4 && left > 0 && now >= hold_until {
            let lone = pacer.probing();
            if lone && !in_flight.is_empty() {
                break;
            }
            let (at, n) = pacer.next_batch(now, left.min(if lone { 1 } else { 20 }));
            if at > now || n == 0 {
                break;
            }
            let first = pacer.take(now, n).expect("the batch's sends");
            left -= n;
            let mut retry_after_s = None;
            let answers = ids(first, n)
                .map(|id| match quota.admit(now) {
                    Ok(()) => (id, WriteAnswer::Counted),
                    Err(seconds) => {
                        retry_after_s = Some(seconds);
                        (id, WriteAnswer::Refused)
                    }
                })
                .collect();
            in_flight.push(Request {
                answer_at: now + LATENCY_MS,
                sent_ms: now,
                answers,
                retry_after_s,
            });
        }
        let next_answer = in_flight.iter().map(|r| r.answer_at).min();
        let next_send = (left > 0).then(|| pacer.next_batch(now, left.min(20)).0.max(hold_until));
        now = match (next_answer, next_send) {
            (Some(a), Some(s)) => a.min(s.max(now + 1)),
            (Some(a), None) => a,
            (None, Some(s)) => s.max(now + 1),
            (None, None) => break,
        };
        while let Some(at) = in_flight.iter().position(|r| r.answer_at <= now) {
            let request = in_flight.remove(at);
            let bounced = request
                .answers
                .iter()
                .filter(|(_, a)| *a == WriteAnswer::Refused)
                .count() as u32;
            if (bounced as usize) < request.answers.len() {
                done_at = done_at.max(request.answer_at);
            }
            left += bounced;
            refused += bounced;
            let retry_after_ms = request
                .retry_after_s
                .filter(|_| !hidden)
                .map(|seconds| seconds * 1_000);
            if pacer.answered(now, request.sent_ms, &request.answers, retry_after_ms) {
                let wait = match (hidden, request.retry_after_s) {
                    (false, Some(seconds)) => seconds * 1_000,
                    _ => 750,
                };
                let until = request.sent_ms + LATENCY_MS / 2 + wait;
                hold_until = if hold_until > now {
                    hold_until.min(until)
                } else {
                    until
                };
            }
        }
    }
    (done_at, refused, pacer)
}

#[test]
fn any_window_is_learnt_and_followed_close_to_its_pace() {
    for (writes, window_ms) in [(600, 30_000), (300, 15_000), (240, 12_000)] {
        for hidden in [false, true] {
            let total = writes as u32 * 8;
            let quota = SlidingQuota {
                writes,
                window_ms,
                used: VecDeque::new(),
                outage: None,
            };
            let (done_at, refused, pacer) = against(quota, total, hidden);
            let optimum = 7 * window_ms + 300;
            let (learnt_writes, pace_ms) = pacer.learned_window().expect("learnt");
            let share = optimum as f64 / done_at as f64;
            println!(
                "{writes}/{window_ms} ms, Retry-After hidden {hidden}: {done_at} ms \
                 ({:.1}% of {optimum} ms), {refused} refused, paced at {pace_ms} ms",
                share * 100.0
            );
            assert_eq!(learnt_writes as usize, writes);
            let at_most_ms = pacer.window.as_ref().map_or(0, |w| w.at_most_ms);
            assert!(at_most_ms >= window_ms, "a bound shorter than the window");
            assert!(at_most_ms <= window_ms + 250, "{at_most_ms} ms");
            assert!(share >= 0.95, "{:.1}% of the optimum", share * 100.0);
            assert!(refused < total / 10, "{refused} refused");
        }
    }
}

#[test]
fn a_late_long_refusal_does_not_teach_a_window_as_long_as_the_run() {
    // Ten windows of 600 per 30 s, and Graph refusing every write for 20 s in the seventh.
    let quota = SlidingQuota {
        writes: 600,
        window_ms: 30_000,
        used: VecDeque::new(),
        outage: Some((190_000, 210_000)),
    };
    let (done_at, _, pacer) = against(quota, 6_000, false);
    let window = pacer.window.as_ref().expect("learnt");
    assert_eq!(window.writes, 600);
    assert!(
        (30_000..=30_250).contains(&window.at_most_ms),
        "learnt {} ms",
        window.at_most_ms
    );
    // The outage costs its own length, not a longer window ever after.
    assert!(done_at < 9 * 30_000 + 20_000 + 5_000, "{done_at} ms");
}
