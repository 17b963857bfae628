//! What the core says about bulk changes: dry runs, seats, prerequisites, pasted lists.

use crate::graph::ids::SkuId;
use crate::licensing::catalog::Catalog;
use crate::ops::Status;

/// A status as the results table, its filter, the counts and the report say it.
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::Waiting => "Waiting",
        Status::Sent => "Sent",
        Status::Unknown => "Outcome unknown",
        Status::Settling => "Sent, being checked",
        Status::Done => "Done",
        Status::NoOp => "No change needed",
        Status::Refused => "Refused",
        Status::Failed => "Failed",
        Status::Cancelled => "Cancelled",
        Status::NoSeats => "Stopped: no free seats",
        Status::Planned => "Will change",
    }
}

/// How fast a finished run wrote: applied writes only, with throttled sends and resends
/// beside them. `took` is the run's length in words ("16 s").
pub fn average_rate(applied: u64, seconds: f64, took: &str, throttled: u64, resent: u64) -> String {
    if applied == 0 {
        return "No write was applied.".to_string();
    }
    let mut text = format!(
        "{} applied in {took}: {:.1} writes/s on average.",
        counted(applied as usize, "write", "writes"),
        applied as f64 / seconds.max(0.001),
    );
    let mut beside = Vec::new();
    if throttled > 0 {
        beside.push(format!(
            "{} (Graph answered 429; sent again when it allowed)",
            counted(throttled as usize, "throttled send", "throttled sends")
        ));
    }
    if resent > 0 {
        beside.push(format!(
            "{} after an unclear answer showed the first was not applied",
            counted(resent as usize, "resend", "resends")
        ));
    }
    if !beside.is_empty() {
        text.push_str(&format!(" Not counted: {}.", beside.join("; ")));
    }
    text
}

/// The write-rate chart for a screen reader, and under the chart: the peak, the average
/// (applied writes since the start) and the time Graph's throttling held the run.
pub fn chart_summary(peak: f64, average: f64, throttled: &str, quota: f64) -> String {
    format!(
        "Writes sent per second, last 2 minutes. Peak {peak:.1} writes/s; average {average:.1} \
         applied writes/s since the start; throttled for {throttled} in all; quota {quota:.0} \
         writes/s."
    )
}

/// The way back to the screen a run's users were chosen on ("Back to holders of
/// Office 365 E3").
pub fn way_back(source: &str) -> String {
    let mut chars = source.trim().chars();
    match chars.next() {
        Some(first) => format!("Back to {}{}", first.to_lowercase(), chars.as_str()),
        None => "Back".into(),
    }
}

/// The heading of a run: "Run 2: Add Office 365 E3: 300 users". Runs saved by an
/// earlier version have no number.
pub fn run_heading(number: u32, title: &str) -> String {
    if number == 0 {
        title.to_string()
    } else {
        format!("Run {number}: {title}")
    }
}

/// The title of the run that undoes run `number`.
pub fn undo_title(number: u32) -> String {
    if number == 0 {
        "Undo of an earlier run".into()
    } else {
        format!("Undo of run {number}")
    }
}

/// The title of a run that retries what `title`'s run did not get through: the same
/// words, marked as a retry once ("Undo of run 2 (retry)", then "(retry 2)"…), without
/// the earlier run's user count, which no longer holds.
pub fn retry_title(title: &str) -> String {
    let mut base = title.trim();
    if let Some((before, count)) = base.rsplit_once(": ") {
        let number = count
            .strip_suffix(" users")
            .or_else(|| count.strip_suffix(" user"));
        if number
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == ','))
        {
            base = before;
        }
    }
    let mut retries = 0u32;
    if let Some(open) = base.rfind(" (retry") {
        let tail = &base[open + " (retry".len()..];
        if let Some(inner) = tail.strip_suffix(')') {
            let inner = inner.trim();
            if inner.is_empty() {
                retries = 1;
            } else if let Ok(n) = inner.parse::<u32>() {
                retries = n;
            }
            if retries > 0 {
                base = &base[..open];
            }
        }
    }
    match retries {
        0 => format!("{base} (retry)"),
        n => format!("{base} (retry {})", n + 1),
    }
}

/// A user whose usage location the run set, where there was none before: the undo
/// can't put that back.
pub fn usage_location_not_undone(code: &str) -> String {
    format!(
        "This user had no usage location before the run. An undo can set a usage location \
         but not take one away, so it stays {code}."
    )
}

/// The undo of a usage location the run set.
pub fn usage_location_back(code: &str) -> String {
    format!("Usage location back to {code}")
}

/// The note on a dry run's planned item.
pub const DRY_RUN_PLANNED: &str =
    "Dry run: this is the request that would be sent. Nothing was sent.";

/// A write not sent because the SKU it adds has no free seat left.
pub fn seats_ran_out(sku: &SkuId, catalog: &Catalog) -> String {
    format!(
        "No free seats of {} were left, so the run stopped adding it. Nothing was sent for \
         this user; free or buy seats, then retry.",
        catalog.sku_name(sku)
    )
}

/// An item whose prerequisite did not end done or no-op.
pub fn prerequisite_not_met(status: Status, note: Option<&str>) -> String {
    let status_label = status_words(status).to_lowercase();
    let why = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| format!(" {n}"))
        .unwrap_or_default();
    format!(
        "The step that had to come first (such as setting the usage location) ended \
         {status_label}, so this change was not attempted.{why}"
    )
}

/// An item whose prerequisite is not an earlier item of the run.
pub const PREREQUISITE_INVALID: &str =
    "The step this change waits for is not an earlier item of the run.";

/// A pasted line that is not an identifier.
pub const NOT_AN_IDENTIFIER: &str = "not a UPN, email or object id";

/// A line whose quotes don't close.
pub const UNCLOSED_QUOTE: &str = "unclosed quote";

/// A CSV row without a value in the chosen column.
pub fn column_empty(column: &str) -> String {
    format!("the {column} column is empty")
}

/// The name of a user in previews and reports: what the admin typed, and who it is.
pub fn user_label(typed: &str, display_name: Option<&str>, upn: Option<&str>) -> String {
    let display = display_name.map(str::trim).filter(|d| !d.is_empty());
    let upn = upn
        .map(str::trim)
        .filter(|u| !u.is_empty() && !u.eq_ignore_ascii_case(typed.trim()));
    match (display, upn) {
        (Some(display), Some(upn)) => format!("{typed} ({display}, {upn})"),
        (Some(display), None) => format!("{typed} ({display})"),
        (None, Some(upn)) => format!("{typed} ({upn})"),
        (None, None) => typed.to_string(),
    }
}

/// A count with thousands separators: 4812 → "4,812".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 seat", "4,812 seats": a count with the right word.
pub fn counted(n: usize, singular: &str, plural: &str) -> String {
    format!("{} {}", count(n), if n == 1 { singular } else { plural })
}

/// "1 user", "4,812 users".
pub fn users(n: usize) -> String {
    if n == 1 {
        "1 user".into()
    } else {
        format!("{} users", count(n))
    }
}

pub const REPROCESS: &str = "Reprocess licenses";
pub const REPROCESSED_NO_VISIBLE_CHANGE: &str = "Reprocessed; no visible change";
pub const REPROCESSED_CHANGED: &str = "Reprocessed; license states changed";
pub const REPROCESSED_UNCHANGED: &str = "Reprocessed; licenses as before";
pub const NO_CHANGE_NEEDED: &str = "No change needed";
pub const NOTHING_CHANGED: &str = "No license change";
pub const NOT_FOUND: &str = "User not found";
pub const CANCELLED: &str = "Cancelled before anything was sent";
pub const OUTCOME_UNKNOWN: &str = "Outcome unknown";
pub const STILL_RUNNING: &str = "Not finished";

/// A `request-id` that is a whole `$batch`'s, not the item's own.
pub fn batch_request_id(id: &str) -> String {
    format!("{id} (the whole $batch's: Graph gave this request none of its own)")
}

pub fn usage_location_set(code: &str) -> String {
    format!("Usage location set to {code}")
}

pub fn plan_switched(plan: &str, sku: &str, enabled: bool) -> String {
    format!("{plan} {} in {sku}", if enabled { "on" } else { "off" })
}

pub fn added(sku: &str) -> String {
    format!("Added {sku}")
}

pub fn removed(sku: &str) -> String {
    format!("Removed {sku}")
}

pub fn replaced(from: &str, to: &str) -> String {
    format!("{from} → {to}")
}

pub fn not_sent(reason: &str) -> String {
    format!("Not sent: {reason}")
}

pub fn failed(code: &str) -> String {
    format!("Failed: {code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(4_812), "4,812");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(users(1), "1 user");
        assert_eq!(users(12_000), "12,000 users");
    }

    #[test]
    fn run_titles_do_not_nest() {
        assert_eq!(undo_title(2), "Undo of run 2");
        assert_eq!(retry_title(&undo_title(2)), "Undo of run 2 (retry)");
        assert_eq!(
            retry_title(&retry_title(&undo_title(2))),
            "Undo of run 2 (retry 2)"
        );
        assert_eq!(
            retry_title("Add Office 365 E3: 1,300 users"),
            "Add Office 365 E3 (retry)"
        );
        assert_eq!(retry_title("Reprocess: 1 user"), "Reprocess (retry)");
        assert_eq!(
            run_heading(3, "Undo of run 2 (retry)"),
            "Run 3: Undo of run 2 (retry)"
        );
        assert_eq!(counted(1, "free seat", "free seats"), "1 free seat");
        assert_eq!(counted(1_194, "row", "rows"), "1,194 rows");
    }

    #[test]
    fn the_average_counts_applied_writes_and_says_the_rest_beside_it() {
        assert_eq!(
            average_rate(1_200, 60.0, "1 min", 1, 3),
            "1,200 writes applied in 1 min: 20.0 writes/s on average. Not counted: 1 throttled \
             send (Graph answered 429; sent again when it allowed); 3 resends after an unclear \
             answer showed the first was not applied."
        );
        assert_eq!(
            average_rate(1, 2.0, "2 s", 0, 0),
            "1 write applied in 2 s: 0.5 writes/s on average."
        );
        assert_eq!(average_rate(0, 2.0, "2 s", 4, 0), "No write was applied.");
        assert_eq!(
            way_back("Holders of Office 365 E3"),
            "Back to holders of Office 365 E3"
        );
        assert!(chart_summary(20.0, 18.44, "12 s", 20.0)
            .contains("Peak 20.0 writes/s; average 18.4 applied writes/s"));
    }

    #[test]
    fn statuses_are_said_in_the_tables_words() {
        for status in Status::ALL {
            let words = status_words(status);
            assert_ne!(words, status.label(), "{status:?} has words of its own");
            assert!(!words.contains("no-op") && !words.to_lowercase().contains("settling"));
        }
        assert_eq!(status_words(Status::NoSeats), "Stopped: no free seats");
    }

    #[test]
    fn users_are_named_as_typed_then_who_they_are() {
        assert_eq!(
            user_label(
                "adele@contoso.com",
                Some("Adele Vance"),
                Some("Adele@Contoso.com")
            ),
            "adele@contoso.com (Adele Vance)"
        );
        assert_eq!(
            user_label("1f0c…", Some("Adele Vance"), Some("adele@contoso.com")),
            "1f0c… (Adele Vance, adele@contoso.com)"
        );
        assert_eq!(user_label("x@y.z", None, None), "x@y.z");
    }
}
