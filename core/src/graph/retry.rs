//! When to retry a Graph call, and how long to wait.
//!
//! Graph throttles with 429 and a `Retry-After` header (sometimes fractional, `2.128`;
//! HTTP also allows an HTTP-date); 503 and 504 are transient. A `Retry-After` is honoured
//! in full, up to [`RetryPolicy::max_retry_after_ms`] (Graph's write window is 150 s, so
//! waits of minutes are real). Without it the policy backs off exponentially with jitter.
//! Attempts are bounded. A write whose outcome is unknown (a 500, 502, 503 or 504, or no
//! answer at all) is never repeated blindly: the caller must re-read the target first and
//! decide from what it sees.

use serde::{Deserialize, Serialize};

/// Parses a delta-seconds `Retry-After`, accepting fractions. Use [`retry_after_seconds`]
/// where the current time is known, to accept the HTTP-date form as well.
pub fn parse_retry_after(value: &str) -> Option<f64> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

/// Seconds to wait for a `Retry-After` value at `now_unix_ms`: delta-seconds, or an
/// HTTP-date (a date already past means "now").
pub fn retry_after_seconds(value: &str, now_unix_ms: u64) -> Option<f64> {
    if let Some(seconds) = parse_retry_after(value) {
        return Some(seconds);
    }
    let at_ms = parse_http_date(value)?;
    Some(at_ms.saturating_sub(now_unix_ms) as f64 / 1000.0)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Parses an HTTP-date in any of the three forms HTTP allows (IMF-fixdate, RFC 850 and
/// asctime) to Unix milliseconds.
pub fn parse_http_date(value: &str) -> Option<u64> {
    let text = value.trim();
    // Drop the weekday ("Wed," / "Wednesday," / "Wed").
    let rest = match text.split_once(',') {
        Some((_, rest)) => rest.trim(),
        None => text.split_once(' ')?.1.trim(),
    };
    let parts: Vec<&str> = rest.split([' ', '-']).filter(|p| !p.is_empty()).collect();
    let month_of = |name: &str| {
        MONTHS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(name))
            .map(|i| i as u32 + 1)
    };
    let (day, month, year, time) = match parts.as_slice() {
        // IMF-fixdate "21 Oct 2015 07:28:00 GMT" and RFC 850 "21-Oct-15 07:28:00 GMT".
        [day, month, year, time, zone] if zone.eq_ignore_ascii_case("GMT") => {
            let year: i64 = year.parse().ok()?;
            let year = if year < 100 {
                1900 + year + if year < 70 { 100 } else { 0 }
            } else {
                year
            };
            (day.parse().ok()?, month_of(month)?, year, *time)
        }
        // asctime "Oct 21 07:28:00 2015".
        [month, day, time, year] => (
            day.parse().ok()?,
            month_of(month)?,
            year.parse().ok()?,
            *time,
        ),
        _ => return None,
    };
    let clock: Vec<u32> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [hour, minute, second] = clock.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *hour > 23 || *minute > 59 || *second > 60 {
        return None;
    }
    let days = crate::graph::dates::days_from_civil(year, month, day);
    let seconds =
        days * 86_400 + i64::from(*hour) * 3600 + i64::from(*minute) * 60 + i64::from(*second);
    u64::try_from(seconds).ok().map(|s| s * 1000)
}

/// Whether a status answering a write leaves its outcome unknown: the server may have
/// applied it before failing, so it must be re-read, never blindly repeated.
pub fn write_outcome_unknown(status: Option<u16>) -> bool {
    matches!(status, None | Some(500 | 502 | 503 | 504))
}

/// Attempts at a read that Graph leaves unanswered (each abandoned at the request
/// timeout) before the read fails: an admin waiting on "Loading…" is told of each retry,
/// and after this many is shown the error and **Try again**, not an endless wait.
pub const STALLED_READ_ATTEMPTS: u32 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Total attempts, including the first.
    pub max_attempts: u32,
    pub base_delay_ms: u64,
    /// The ceiling for backoff computed here (not for a server's `Retry-After`).
    pub max_delay_ms: u64,
    /// The longest `Retry-After` honoured; a longer one gives up and shows the error.
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 1_000,
            max_delay_ms: 60_000,
            max_retry_after_ms: 300_000,
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
    /// Out of attempts, or asked to wait longer than the policy allows: show the last error.
    GiveUp,
}

impl RetryPolicy {
    /// Decides after attempt number `attempt` (1-based) at `now_unix_ms`. `jitter` is a
    /// uniform sample in `[0, 1)` supplied by the caller, which keeps this function pure.
    pub fn decide(
        &self,
        attempt: u32,
        is_write: bool,
        outcome: &Attempt,
        jitter: f64,
        now_unix_ms: u64,
    ) -> Decision {
        let status = match outcome {
            Attempt::Answered { status, .. } => Some(*status),
            Attempt::NoAnswer => None,
        };
        if is_write && write_outcome_unknown(status) {
            return Decision::ReReadFirst;
        }
        let retry_after = match outcome {
            Attempt::Answered {
                status: 429 | 503 | 504,
                retry_after,
            } => retry_after.and_then(|v| retry_after_seconds(v, now_unix_ms)),
            Attempt::NoAnswer => None,
            Attempt::Answered { .. } => return Decision::Accept,
        };
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let delay_ms = match retry_after {
            Some(seconds) => {
                let wanted = (seconds * 1000.0).ceil() as u64;
                if wanted > self.max_retry_after_ms {
                    return Decision::GiveUp;
                }
                wanted
            }
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

    /// 2015-10-21T07:28:00Z, in Unix milliseconds.
    const NOW: u64 = 1_445_412_480_000;

    fn answered(status: u16, retry_after: Option<&str>) -> Attempt<'_> {
        Attempt::Answered {
            status,
            retry_after,
        }
    }

    #[test]
    fn a_429_waits_as_long_as_retry_after_says() {
        let policy = RetryPolicy::default();
        // (a write, Retry-After, jitter, what is decided)
        for (write, retry_after, jitter, decision) in [
            // Fractional seconds are honoured; jitter plays no part.
            (false, "2.128", 0.5, Decision::RetryAfter { delay_ms: 2128 }),
            // Throttled writes are retried: they were not applied.
            (true, "1", 0.0, Decision::RetryAfter { delay_ms: 1000 }),
            // Longer than a minute is honoured in full.
            (true, "150", 0.0, Decision::RetryAfter { delay_ms: 150_000 }),
            (
                false,
                "299.5",
                0.0,
                Decision::RetryAfter { delay_ms: 299_500 },
            ),
            // Longer than any Graph window: give up and show the error rather than hang.
            (false, "3600", 0.0, Decision::GiveUp),
        ] {
            assert_eq!(
                policy.decide(1, write, &answered(429, Some(retry_after)), jitter, NOW),
                decision,
                "Retry-After: {retry_after}"
            );
        }
        assert_eq!(parse_retry_after(" 10 "), Some(10.0));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"), Some(NOW));
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn unknown_write_outcomes_are_reread_not_repeated() {
        let policy = RetryPolicy::default();
        for outcome in [
            answered(500, None),
            answered(502, None),
            answered(503, None),
            answered(504, Some("1")),
            Attempt::NoAnswer,
        ] {
            assert_eq!(
                policy.decide(1, true, &outcome, 0.3, NOW),
                Decision::ReReadFirst
            );
        }
        assert!(matches!(
            policy.decide(1, false, &answered(503, None), 0.3, NOW),
            Decision::RetryAfter { .. }
        ));
    }

    #[test]
    fn backoff_grows_has_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 1000,
            max_delay_ms: 8000,
            ..Default::default()
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
        // (attempt, a write, status, what is decided)
        for (attempt, write, status, decision) in [
            (3, false, 429, Decision::GiveUp),
            (1, false, 200, Decision::Accept),
            (1, true, 400, Decision::Accept),
            (1, false, 500, Decision::Accept),
        ] {
            assert_eq!(
                policy.decide(attempt, write, &answered(status, None), 0.0, NOW),
                decision,
                "attempt {attempt}, status {status}"
            );
        }
    }

    #[test]
    fn retry_after_accepts_every_http_date_form() {
        let in_90_s = "Wed, 21 Oct 2015 07:29:30 GMT";
        assert_eq!(retry_after_seconds(in_90_s, NOW), Some(90.0));
        assert_eq!(
            retry_after_seconds("Wednesday, 21-Oct-15 07:29:30 GMT", NOW),
            Some(90.0)
        );
        assert_eq!(
            retry_after_seconds("Wed Oct 21 07:29:30 2015", NOW),
            Some(90.0)
        );
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2015 07:00:00 GMT", NOW),
            Some(0.0)
        );
        assert_eq!(retry_after_seconds("soon", NOW), None);
        assert_eq!(
            retry_after_seconds("Wed, 32 Oct 2015 07:29:30 GMT", NOW),
            None
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(1_835_438_400_000)
        );
        assert_eq!(
            RetryPolicy::default().decide(1, false, &answered(429, Some(in_90_s)), 0.0, NOW),
            Decision::RetryAfter { delay_ms: 90_000 }
        );
    }
}
