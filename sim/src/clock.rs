//! Timestamps in Graph's formats, computed from Unix milliseconds without a date crate.

/// `2026-11-23T10:04:05Z` (the `DateTimeOffset` form Graph uses in properties).
pub fn iso(ms: u64) -> String {
    let (date, time) = split(ms);
    format!("{date}T{time}Z")
}

/// `2026-11-23T10:04:05` (the form of `innerError.date`).
pub fn inner_error_date(ms: u64) -> String {
    let (date, time) = split(ms);
    format!("{date}T{time}")
}

fn split(ms: u64) -> (String, String) {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60),
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_known_instants() {
        assert_eq!(super::iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso(1_736_166_359_000), "2025-01-06T12:25:59Z");
        assert_eq!(
            super::inner_error_date(1_745_250_833_000),
            "2025-04-21T15:53:53"
        );
        assert_eq!(super::iso(951_782_400_000), "2000-02-29T00:00:00Z");
    }
}
