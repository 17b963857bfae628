//! When to retry a Graph call, and how long to wait.
//!
//! Graph throttles with 429 and a `Retry-After` header (sometimes fractional, `2.128`);
//! 503 and 504 are transient. Without `Retry-After` the policy backs off exponentially
//! with jitter. Attempts are bounded. A write whose outcome is unknown (a 503/504 or a
//! dropped connection after sending) is never repeated blindly: the caller must re-read
//! the target first and decide from what it sees.

use serde::{Deserialize, Serialize};

/// Parses `Retry-After` as seconds, accepting fractions. HTTP-dates are not used by Graph
/// and yield `None`, which falls back to backoff.
pub fn parse_retry_after(value: &str) -> Option<f64> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Total attempts, including the first.
    pub max_attempts: u32,
    pub base_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 1_000,
            max_delay_ms: 60_000,
        }
    }
}

/// What happened on one attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt<'a> {
    Answered {
        status: u16,
        retry_after: Option<&'a str>,
    },
    NoAnswer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Use this answer (success or an error to show).
    Accept,
    /// Send the same request again after the delay.
    RetryAfter { delay_ms: u64 },
    /// A write may or may not have happened: re-read the target before anything else.
    ReReadFirst,
    /// Out of attempts: show the last error.
    GiveUp,
}

impl RetryPolicy {
    /// Decides after attempt number `attempt` (1-based). `jitter` is a uniform sample in
    /// `[0, 1)` supplied by the caller, which keeps this function pure and testable.
    pub fn decide(&self, attempt: u32, is_write: bool, outcome: &Attempt, jitter: f64) -> Decision {
        let (retryable, retry_after) = match outcome {
            Attempt::Answered {
                status: 429,
                retry_after,
            } => (true, retry_after.and_then(parse_retry_after)),
            // A write answered 503/504 may have been applied: look before repeating it.
            Attempt::Answered {
                status: 503 | 504, ..
            }
            | Attempt::NoAnswer
                if is_write =>
            {
                return Decision::ReReadFirst
            }
            Attempt::Answered {
                status: 503 | 504,
                retry_after,
            } => (true, retry_after.and_then(parse_retry_after)),
            Attempt::NoAnswer => (true, None),
            Attempt::Answered { .. } => (false, None),
        };
        if !retryable {
            return Decision::Accept;
        }
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let delay_ms = match retry_after {
            Some(seconds) => ((seconds * 1000.0).ceil() as u64).min(self.max_delay_ms.max(1)),
            None => self.backoff_ms(attempt, jitter),
        };
        Decision::RetryAfter { delay_ms }
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, capped.
    pub fn backoff_ms(&self, attempt: u32, jitter: f64) -> u64 {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay_ms
            .saturating_mul(1u64 << exponent)
            .min(self.max_delay_ms);
        let jitter = jitter.clamp(0.0, 1.0);
        ceiling / 2 + ((ceiling / 2) as f64 * jitter) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, retry_after: Option<&str>) -> Attempt<'_> {
        Attempt::Answered {
            status,
            retry_after,
        }
    }

    #[test]
    fn honours_fractional_retry_after() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(1, false, &answered(429, Some("2.128")), 0.5),
            Decision::RetryAfter { delay_ms: 2128 }
        );
        assert_eq!(parse_retry_after(" 10 "), Some(10.0));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn throttled_writes_are_retried_because_they_were_not_applied() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(1, true, &answered(429, Some("1")), 0.0),
            Decision::RetryAfter { delay_ms: 1000 }
        );
    }

    #[test]
    fn unknown_write_outcomes_are_reread_not_repeated() {
        let policy = RetryPolicy::default();
        for outcome in [
            answered(503, None),
            answered(504, Some("1")),
            Attempt::NoAnswer,
        ] {
            assert_eq!(policy.decide(1, true, &outcome, 0.3), Decision::ReReadFirst);
        }
        assert!(matches!(
            policy.decide(1, false, &answered(503, None), 0.3),
            Decision::RetryAfter { .. }
        ));
    }

    #[test]
    fn backoff_grows_has_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 1000,
            max_delay_ms: 8000,
        };
        assert_eq!(policy.backoff_ms(1, 0.0), 500);
        assert_eq!(policy.backoff_ms(1, 1.0), 1000);
        assert_eq!(policy.backoff_ms(3, 0.0), 2000);
        assert_eq!(policy.backoff_ms(9, 1.0), 8000);
        assert!(policy.backoff_ms(2, 0.2) < policy.backoff_ms(2, 0.8));
    }

    #[test]
    fn attempts_are_bounded_and_other_statuses_accepted() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..Default::default()
        };
        assert_eq!(
            policy.decide(3, false, &answered(429, None), 0.0),
            Decision::GiveUp
        );
        assert_eq!(
            policy.decide(1, false, &answered(200, None), 0.0),
            Decision::Accept
        );
        assert_eq!(
            policy.decide(1, true, &answered(400, None), 0.0),
            Decision::Accept
        );
        assert_eq!(
            policy.decide(1, false, &answered(500, None), 0.0),
            Decision::Accept
        );
    }
}
