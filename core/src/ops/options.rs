//! How a run behaves: the options the shell sets for a bulk run or a single change.
//!
//! Options are saved with a run's journal, so every field added since the first has a
//! serde default: a journal saved before it still loads.

use super::pacing::WriteBudget;
use crate::graph::retry::RetryPolicy;
use serde::{Deserialize, Serialize};

/// How a run behaves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    /// Writes are never sent faster than this budget allows.
    pub write_budget: WriteBudget,
    /// HTTP requests (a `$batch` counts once) awaiting an answer at any time.
    pub max_in_flight: usize,
    /// How long reads may take to show a write Graph accepted before the item ends done
    /// but "not shown yet".
    pub settle_timeout_ms: u64,
    /// The longest check window: how long after an unclear answer (a 5xx, or none) reads
    /// must keep not showing a write before it counts as not applied and is sent again.
    /// The window itself is sized from the lags this run has seen (three times the 99th
    /// percentile, at least 2 s; see [`super::lag`]); with none seen yet, it is this cap.
    #[serde(default = "default_check_window_cap_ms")]
    pub check_window_cap_ms: u64,
    /// Pack reads and writes into `$batch` requests of up to 20.
    pub use_batch: bool,
    pub retry: RetryPolicy,
    /// Seeds the backoff jitter, so a run is reproducible.
    pub jitter_seed: u64,
    /// Read and plan every item, send no write: each item that would be written ends
    /// [`Status::Planned`] with the write it would send.
    #[serde(default)]
    pub dry_run: bool,
    /// Count free seats from the catalogue and send no write that adds a SKU with none
    /// left (the item is refused). Off: Graph answers `CountViolation` itself.
    #[serde(default)]
    pub stop_when_seats_run_out: bool,
    /// A 429 never uses up an item's attempts: a bulk run waits out Graph's throttling
    /// for as long as it lasts (the admin sees the wait and can pause or cancel). Off: a
    /// change throttled on every attempt ends failed, as a single change should.
    #[serde(default)]
    pub keep_trying_when_throttled: bool,
    /// The most write requests sent for one item, throttled ones included. `None`: as
    /// many as the retry policy allows. A single user's change uses 2 (see
    /// [`Options::single_change`]): once both are spent, an item whose outcome is still
    /// unknown ends [`super::Status::Unknown`] ("check again"), never sent a third time.
    #[serde(default)]
    pub max_sends: Option<u32>,
    /// The shortest wait before a request without an answer counts as overdue. The wait
    /// is four times the 99th percentile of the round trips seen (10 s before any), at
    /// least this. An overdue request no longer takes one of the `max_in_flight` places,
    /// and its users are read alongside it: a lost read is read again, and a write whose
    /// answer is lost may show as applied long before the shell's request timeout.
    #[serde(default = "default_overdue_floor_ms")]
    pub overdue_floor_ms: u64,
    /// How long the run may take, from Start, not counting the waits Graph asks writes to
    /// make (a 429's `Retry-After`; with at most [`Options::max_sends`] they are bounded
    /// too). When it is up, every open item ends:
    /// a write Graph accepted is done, one whose outcome is unknown ends
    /// [`super::Status::Unknown`] with a note to check again, and anything else failed with
    /// nothing applied; answers still on their way are ignored. `None`: no limit.
    #[serde(default)]
    pub time_limit_ms: Option<u64>,
}

fn default_check_window_cap_ms() -> u64 {
    15_000
}

fn default_overdue_floor_ms() -> u64 {
    1_000
}

impl Options {
    /// A single user's change, as the user screen runs it: one request at a time, no
    /// `$batch`, at most two sends, and over within 40 s plus any wait Graph asked for
    /// with a `Retry-After`. The check after an unclear
    /// answer is the run's evidence-sized window (the cap until a lag has been seen), so
    /// even with both sends unclear the item ends by the time limit: done, failed with
    /// nothing applied, or unknown with a note to check again.
    pub fn single_change() -> Self {
        Options {
            use_batch: false,
            max_in_flight: 1,
            max_sends: Some(2),
            time_limit_ms: Some(40_000),
            ..Options::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            write_budget: WriteBudget::default(),
            max_in_flight: 4,
            settle_timeout_ms: 30_000,
            use_batch: true,
            retry: RetryPolicy::default(),
            jitter_seed: 0,
            dry_run: false,
            stop_when_seats_run_out: false,
            keep_trying_when_throttled: false,
            check_window_cap_ms: default_check_window_cap_ms(),
            max_sends: None,
            overdue_floor_ms: default_overdue_floor_ms(),
            time_limit_ms: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_saved_before_the_newer_fields_still_load() {
        let saved = r#"{"writeBudget":{"writes":3000,"windowMs":150000},"maxInFlight":6,
            "settleTimeoutMs":15000,"useBatch":true,
            "retry":{"max_attempts":5,"base_delay_ms":1000,"max_delay_ms":60000,
                     "max_retry_after_ms":300000},
            "jitterSeed":0}"#;
        let options: Options = serde_json::from_str(saved).expect("loads");
        assert_eq!(options.check_window_cap_ms, 15_000);
        assert_eq!(options.overdue_floor_ms, 1_000);
        assert_eq!((options.max_sends, options.time_limit_ms), (None, None));
        assert_eq!(options.max_in_flight, 6);
    }

    #[test]
    fn a_single_change_sends_twice_at_most_within_40_seconds() {
        let options = Options::single_change();
        assert_eq!(options.max_sends, Some(2));
        assert_eq!(options.time_limit_ms, Some(40_000));
        assert_eq!((options.use_batch, options.max_in_flight), (false, 1));
        let text = serde_json::to_string(&options).expect("serialises");
        assert_eq!(
            serde_json::from_str::<Options>(&text).expect("loads"),
            options
        );
    }
}
