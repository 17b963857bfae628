//! What the token panel says in its one collapsed line: how many actions the token
//! allows and how long it lasts.

/// Time left on a token: "59 min 58 s", "1 h 05 min", or "expired".
pub fn time_left(seconds: i64) -> String {
    if seconds <= 0 {
        return "expired".into();
    }
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min {s:02} s")
    }
}

/// The collapsed panel's line after the identity: "9 of 9 actions allowed, expires in
/// 59 min 58 s".
pub fn summary(allowed: usize, total: usize, seconds_left: Option<i64>) -> String {
    let actions = format!(
        "{allowed} of {total} {} allowed",
        if total == 1 { "action" } else { "actions" }
    );
    match seconds_left {
        Some(left) if left <= 0 => format!("{actions}, expired"),
        Some(left) => format!("{actions}, expires in {}", time_left(left)),
        None => format!("{actions}, no expiry claim"),
    }
}

#[cfg(test)]
mod tests {
    use super::{summary, time_left};

    #[test]
    fn time_left_reads_in_hours_minutes_and_seconds() {
        assert_eq!(time_left(0), "expired");
        assert_eq!(time_left(-5), "expired");
        assert_eq!(time_left(59 * 60 + 58), "59 min 58 s");
        assert_eq!(time_left(3600 + 5 * 60 + 9), "1 h 05 min");
    }

    #[test]
    fn the_collapsed_line_counts_actions_and_says_when_the_token_expires() {
        assert_eq!(
            summary(9, 9, Some(3598)),
            "9 of 9 actions allowed, expires in 59 min 58 s"
        );
        assert_eq!(summary(7, 9, Some(-1)), "7 of 9 actions allowed, expired");
        assert_eq!(
            summary(1, 1, None),
            "1 of 1 action allowed, no expiry claim"
        );
    }
}
