//! Pacing writes by the budget and by what Graph's answers show of its quota.
//!
//! Graph documents its write quota as a token bucket (3,000 writes per 150 s per app and
//! tenant), and [`TokenBucket`] at the run's [`WriteBudget`] never sends faster than that.
//! A server may count its quota differently: a sliding window gives nothing back for a
//! whole window, then each slot exactly one window after it was used. A bucket can't
//! follow that, so the [`Pacer`] learns the window from the answers, whatever its size:
//!
//! - **The first burst is the probe.** Writes go at the budget's pace until Graph refuses
//!   a request as a whole. Then one write at a time goes after each `Retry-After` (or a
//!   backoff). If refusals last [`LUMP_AFTER_MS`] or more before a write gets through,
//!   the quota came back in a lump: a window. It holds every write answered with
//!   anything but a 429 before that (an unclear answer counts until a read shows the
//!   write was never applied), and is at most as long as from the first of them to the
//!   write that got through. A short refusal is a bucket's: the pace stays the budget's.
//! - **Evidence, not assumptions.** Once learnt, W stays (less writes later shown never
//!   applied) and the window's length is narrowed by every answer ([`window`]), so it
//!   shrinks step by step toward the real one and never grows into the run's length.
//!   One request at a time tries the step below the upper bound (the trial); the others
//!   keep to the bound, so a trial that fails costs its own writes a round trip and no
//!   more.
//! - **Refunds.** A refused write, one never looked at (401), and one with an unclear
//!   answer that a read shows was never applied used no slot: the slot is given back.
//! - **What holds every write.** Before a window is learnt, a request refused as a
//!   whole. After, only a whole refusal of several writes that the window can't explain
//!   (or a refused probe): a single refused write, a refusal at the window's edge or a
//!   stray 429 hold only their own writes.
//!
//! The budget stays a ceiling throughout: any window of length τ holds at most
//! `W + τ·W/T` sends of the budget, refused ones included.

mod bucket;
mod log;
mod window;

pub use bucket::{TokenBucket, WriteBudget};
pub use log::SendId;

use log::{SendLog, Standing};
use window::LearntWindow;

/// Refusals at least this long, followed by a write that gets through, mean the quota
/// came back in a lump (a sliding window). A bucket refilled continuously refuses for
/// about one `Retry-After` (whole seconds, usually 1) plus a probe's round trip.
pub const LUMP_AFTER_MS: u64 = 5_000;

/// The longest window learnt without the budget's help: writes older than this are
/// forgotten before a window is learnt (Graph's own is 150 s; its tenant-wide one 5 min).
pub const LEARNING_HORIZON_MS: u64 = 600_000;

/// Refusals of a stretch kept for the bounds they give once W is learnt (the latest
/// are the strongest).
const KEPT_REFUSALS: usize = 32;

/// A request waits this long at most for sends for every write due; beyond that, the
/// sends free now go.
pub const FULL_BATCH_WAIT_MS: u64 = 1_000;

/// Graph's answer to one write, as the pacer counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteAnswer {
    /// Any answer but those below: Graph counted the write against its quota.
    Counted,
    /// 429: refused, not counted.
    Refused,
    /// 500, 502, 503 or 504, or no answer: counted until a read shows whether it was
    /// applied ([`Pacer::applied`], [`Pacer::not_applied`]).
    Unclear,
    /// 401: never looked at.
    NotLookedAt,
}

/// One request of writes as Graph answered it: when, which sends, how they were counted
/// and the refusal among them, if any.
struct Answered {
    now_ms: u64,
    first: SendId,
    sent_ms: u64,
    tally: Tally,
    refusal: Option<Refusal>,
}

/// The writes of one request, as answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    counted: u32,
    unclear: u32,
    refused: u32,
    not_looked_at: u32,
}

impl Tally {
    fn of(answers: &[(SendId, WriteAnswer)]) -> Self {
        let mut tally = Tally::default();
        for (_, answer) in answers {
            match answer {
                WriteAnswer::Counted => tally.counted += 1,
                WriteAnswer::Unclear => tally.unclear += 1,
                WriteAnswer::Refused => tally.refused += 1,
                WriteAnswer::NotLookedAt => tally.not_looked_at += 1,
            }
        }
        tally
    }

    fn refused_as_a_whole(&self) -> bool {
        self.refused > 0 && self.counted + self.unclear + self.not_looked_at == 0
    }
}

/// A request with refused writes: the window was full when it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Refusal {
    first: SendId,
    sent_ms: u64,
    /// Writes of that request not refused (counted or unclear).
    not_refused: u32,
    /// The shortest `Retry-After` among the refusals, if Graph sent one.
    retry_after_ms: Option<u64>,
}

/// Paces writes: by the budget's bucket until Graph's answers show a quota counted in a
/// sliding window, then by that window too. See the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacer {
    budget: WriteBudget,
    /// Every send is charged here and nothing is given back: the budget's promise.
    ceiling: TokenBucket,
    /// Before a window is learnt, the guess at Graph's quota: emptied by a refusal as a
    /// whole, refunded for writes Graph did not count.
    guess: TokenBucket,
    log: SendLog,
    window: Option<LearntWindow>,
    /// Writes before this one made up the burst W was learnt from.
    learnt_before: Option<SendId>,
    /// When the current stretch of refusals began: while set, writes go one at a time.
    refused_since: Option<u64>,
    /// The refusals of the current stretch, before a window is learnt: their bounds are
    /// known once W is.
    refusals: Vec<Refusal>,
    /// The request out on a window shorter than the upper bound, if any: one at a time.
    trial: Option<SendId>,
}

impl Pacer {
    pub fn new(budget: WriteBudget, now_ms: u64) -> Self {
        Pacer {
            budget,
            ceiling: TokenBucket::full(budget, now_ms),
            guess: TokenBucket::full(budget, now_ms),
            log: SendLog::default(),
            window: None,
            learnt_before: None,
            refused_since: None,
            refusals: Vec::new(),
            trial: None,
        }
    }

    /// Whether Graph is refusing writes: the next write is a lone probe.
    pub fn probing(&self) -> bool {
        self.refused_since.is_some()
    }

    /// The most writes that can ever go at once.
    pub fn capacity(&self) -> u32 {
        let ceiling = self.ceiling.capacity();
        match &self.window {
            Some(window) => window.writes.min(ceiling),
            None => ceiling,
        }
    }

    /// The window learnt from Graph's answers, as (writes, window ms paced by), if any.
    pub fn learned_window(&self) -> Option<(u32, u64)> {
        self.window.as_ref().map(|w| (w.writes, w.pace_ms()))
    }

    /// How long logged writes can matter: a window's length twice over, or before one is
    /// learnt, as long as a window might be ([`LEARNING_HORIZON_MS`], or the budget's
    /// window twice over if longer).
    fn forget_old(&mut self, now_ms: u64) {
        let keep_ms = match &self.window {
            Some(window) => window.at_most_ms.saturating_mul(2),
            None => LEARNING_HORIZON_MS.max(self.budget.window_ms.saturating_mul(2)),
        };
        if let Some(until) = now_ms.checked_sub(keep_ms) {
            self.log.forget_until(until);
        }
    }

    /// The window length sends are paced by now: the learnt window's step below its upper
    /// bound for one request at a time (the trial), the upper bound while that request
    /// is out.
    fn pace_ms(&self, window: &LearntWindow) -> u64 {
        match self.trial {
            Some(_) => window.at_most_ms,
            None => window.pace_ms(),
        }
    }

    /// Writes that may be sent at `now_ms`.
    pub fn available(&mut self, now_ms: u64) -> u32 {
        self.forget_old(now_ms);
        let ceiling = self.ceiling.available(now_ms);
        match &self.window {
            Some(window) => {
                let pace = self.pace_ms(window);
                let inside = self.log.sent_after(now_ms.saturating_sub(pace));
                window.writes.saturating_sub(inside).min(ceiling)
            }
            None => self.guess.available(now_ms).min(ceiling),
        }
    }

    /// The earliest time `n` writes may be sent (`n` is capped at capacity).
    pub fn ready_at(&mut self, now_ms: u64, n: u32) -> u64 {
        self.forget_old(now_ms);
        let n = n.min(self.capacity()).max(1);
        let ceiling = self.ceiling.ready_at(now_ms, n);
        match &self.window {
            Some(window) => {
                // The (W − n + 1)-th newest write must leave the window first.
                let must_leave = (window.writes - n + 1) as usize;
                let freed = self
                    .log
                    .nth_newest(must_leave)
                    .map_or(now_ms, |sent| (sent + self.pace_ms(window)).max(now_ms));
                freed.max(ceiling)
            }
            None => self.guess.ready_at(now_ms, n).max(ceiling),
        }
    }

    /// When the next request of writes may go and how many it may hold, with `wanted`
    /// due: all of them as soon as there are sends for all, unless that is more than
    /// [`FULL_BATCH_WAIT_MS`] away while some are free sooner. Then those go: a window
    /// gives slots back in lumps, and a slot left unused while writes wait is lost.
    pub fn next_batch(&mut self, now_ms: u64, wanted: u32) -> (u64, u32) {
        let wanted = wanted.min(self.capacity()).max(1);
        let all_at = self.ready_at(now_ms, wanted);
        let wait_until = all_at.saturating_sub(FULL_BATCH_WAIT_MS);
        if wait_until <= now_ms {
            return (all_at, wanted);
        }
        match self.available(now_ms) {
            0 => (self.ready_at(now_ms, 1).min(wait_until), 0),
            free => (now_ms, free),
        }
    }

    /// Takes `n` sends if they are all there; the writes' ids are the returned one and
    /// the `n − 1` after it.
    pub fn take(&mut self, now_ms: u64, n: u32) -> Option<SendId> {
        if n == 0 || self.available(now_ms) < n {
            return None;
        }
        let charged = self.ceiling.try_take(now_ms, n);
        debug_assert!(charged, "available never exceeds the ceiling");
        let trial = match &self.window {
            None => {
                self.guess.try_take(now_ms, n);
                false
            }
            // Sends the upper bound can't vouch for make this request the trial.
            Some(window) => {
                let inside = self
                    .log
                    .sent_after(now_ms.saturating_sub(window.at_most_ms));
                window.writes.saturating_sub(inside) < n
            }
        };
        let first = self.log.record(now_ms, n);
        if trial {
            self.trial = Some(first);
        }
        Some(first)
    }

    /// Graph answered a request of writes sent at `sent_ms`; `retry_after_ms` is the
    /// shortest `Retry-After` among its refusals, if Graph sent one. Returns whether every
    /// write must now wait (for the refusal's `Retry-After`) and the next go alone as a
    /// probe.
    pub fn answered(
        &mut self,
        now_ms: u64,
        sent_ms: u64,
        answers: &[(SendId, WriteAnswer)],
        retry_after_ms: Option<u64>,
    ) -> bool {
        let Some(first) = answers.iter().map(|(id, _)| *id).min() else {
            return false;
        };
        let tally = Tally::of(answers);
        if self.trial == Some(first) {
            self.trial = None;
        }
        for &(id, answer) in answers {
            match answer {
                WriteAnswer::Counted => {
                    self.log.set(id, Standing::Counted);
                }
                WriteAnswer::Unclear => {
                    self.log.set(id, Standing::Unclear);
                }
                WriteAnswer::Refused | WriteAnswer::NotLookedAt => {
                    self.log.remove(id);
                }
            }
        }
        if tally.not_looked_at > 0 {
            // Never looked at: no evidence, and the slots were never used.
            if self.window.is_none() {
                self.guess.give_back(now_ms, tally.not_looked_at);
            }
            return false;
        }
        let refusal = (tally.refused > 0).then_some(Refusal {
            first,
            sent_ms,
            not_refused: tally.counted + tally.unclear,
            retry_after_ms,
        });
        let answer = Answered {
            now_ms,
            first,
            sent_ms,
            tally,
            refusal,
        };
        if self.window.is_some() {
            self.answered_with_window(answer)
        } else {
            self.answered_learning(answer)
        }
    }

    /// Before a window is learnt: the first burst probes the quota.
    fn answered_learning(&mut self, answer: Answered) -> bool {
        let Answered {
            now_ms,
            first,
            sent_ms,
            tally,
            refusal,
        } = answer;
        if let Some(refusal) = refusal {
            if self.refusals.len() == KEPT_REFUSALS {
                self.refusals.remove(0);
            }
            self.refusals.push(refusal);
            if tally.refused_as_a_whole() {
                // The quota is spent, whatever the bucket thought.
                self.guess.drain(now_ms);
                self.refused_since.get_or_insert(now_ms);
                return true;
            }
            // The quota's edge, or a stray refusal: those slots were not used.
            self.guess.give_back(now_ms, tally.refused);
        }
        if tally.counted > 0 {
            if let Some(since) = self.refused_since.take() {
                if now_ms.saturating_sub(since) >= LUMP_AFTER_MS {
                    self.learn(first, sent_ms, tally.counted);
                }
                self.refusals.clear();
            }
        }
        false
    }

    /// After a long stretch of refusals, `counted` writes of a request sent at `sent_ms`
    /// (the probe, its first write `probe`) went through: the writes logged before it
    /// are what the window holds, and they bound its length.
    fn learn(&mut self, probe: SendId, sent_ms: u64, counted: u32) {
        let (writes, oldest) = self.log.before(probe);
        let Some(oldest) = oldest else {
            return;
        };
        // A window holding more than the budget's burst would never pace anything.
        if writes == 0 || writes > self.ceiling.capacity() as usize {
            return;
        }
        // The oldest write left the window before the probe got through; the probe's own
        // evidence may show more.
        let mut at_most = sent_ms.saturating_sub(oldest);
        let surely_counted = |standing| standing == Standing::Counted;
        if let Some(outside) = self.log.nth_newest_before(
            probe,
            (writes + 1).saturating_sub(counted as usize),
            surely_counted,
        ) {
            at_most = at_most.min(sent_ms.saturating_sub(outside));
        }
        let mut window = LearntWindow::new(writes as u32, 0, at_most);
        for refusal in std::mem::take(&mut self.refusals) {
            if let Some(bound) = self.refusal_bound(&window, refusal) {
                window.longer_than(bound);
            }
        }
        self.window = Some(window);
        self.learnt_before = Some(probe);
    }

    /// The lower bound a refusal shows: the window was full, so the `(W − a)`-th newest
    /// write before the request (counting every write that may have been counted) was
    /// still inside it, and by `Retry-After` (whole seconds, rounded up) it would be for
    /// all but the last second of the wait. None if the log can't fill the window (the
    /// refusal is not the window's).
    fn refusal_bound(&self, window: &LearntWindow, refusal: Refusal) -> Option<u64> {
        let inside = (window.writes as usize).checked_sub(refusal.not_refused as usize)?;
        let still_there = refusal
            .retry_after_ms
            .map_or(0, |wait| wait.saturating_sub(1_000));
        self.log
            .nth_newest_before(refusal.first, inside, |_| true)
            .map(|sent| (refusal.sent_ms + still_there).saturating_sub(sent))
    }

    /// With a window learnt: narrow its length, and hold every write only for a refusal
    /// it can't explain.
    fn answered_with_window(&mut self, answer: Answered) -> bool {
        let Answered { tally, refusal, .. } = answer;
        let Some(window) = self.window.as_ref() else {
            return false;
        };
        let writes = window.writes as usize;
        let surely_counted = |standing| standing == Standing::Counted;
        let upper = self
            .log
            .nth_newest_before(
                answer.first,
                writes + 1 - (tally.counted as usize).min(writes),
                surely_counted,
            )
            .map(|outside| answer.sent_ms.saturating_sub(outside));
        let lower = refusal.and_then(|refusal| self.refusal_bound(window, refusal));
        let Some(window) = self.window.as_mut() else {
            return false;
        };
        if let Some(bound) = upper {
            window.at_most(bound);
        }
        let explained = lower.is_some_and(|bound| window.longer_than(bound));
        if tally.refused > 0 && tally.counted == 0 {
            let several = tally.refused + tally.unclear > 1;
            if self.refused_since.is_some() || (several && !explained) {
                self.refused_since.get_or_insert(answer.now_ms);
                return true;
            }
        }
        if tally.counted > 0 {
            self.refused_since = None;
        }
        false
    }

    /// A read shows that the write `id`, whose answer was unclear, was applied.
    pub fn applied(&mut self, id: SendId) {
        self.log.set(id, Standing::Counted);
    }

    /// A read shows that the write `id`, whose answer was unclear, was never applied: it
    /// used no slot.
    pub fn not_applied(&mut self, now_ms: u64, id: SendId) {
        if !self.log.remove(id) {
            return;
        }
        match self.window.as_mut() {
            Some(window) => {
                // W was learnt counting it.
                if self.learnt_before.is_some_and(|before| id < before) && window.writes > 1 {
                    window.writes -= 1;
                }
            }
            None => self.guess.give_back(now_ms, 1),
        }
    }
}

#[cfg(test)]
mod tests;
