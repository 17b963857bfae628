//! Dates as Graph writes them: `DateTimeOffset` values (`2023-02-01T00:00:00Z`) read to
//! Unix milliseconds, for sign-in times, creation dates and subscription lifecycles.

/// Parses Graph's `DateTimeOffset` (`2023-02-01T00:00:00Z`, with optional fractions and
/// a `±hh:mm` offset) to Unix milliseconds. Anything else, or a date before 1970, is `None`.
pub fn parse_iso_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.split('-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    if date_parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset_minutes) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0i64)
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let (clock, offset) = rest.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':')?;
        let minutes = hours.parse::<i64>().ok()? * 60 + minutes.parse::<i64>().ok()?;
        (clock, sign * minutes)
    } else {
        (rest, 0)
    };
    let mut clock_parts = clock.split(':');
    let hour: i64 = clock_parts.next()?.parse().ok()?;
    let minute: i64 = clock_parts.next()?.parse().ok()?;
    let seconds: f64 = clock_parts.next().unwrap_or("0").parse().ok()?;
    if clock_parts.next().is_some() || hour > 23 || minute > 59 || !(0.0..61.0).contains(&seconds) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let ms = (days * 86_400 + hour * 3600 + minute * 60 - offset_minutes * 60) * 1000
        + (seconds * 1000.0).round() as i64;
    u64::try_from(ms).ok()
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn parses_graph_dates_with_fractions_and_offsets() {
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso_ms("2027-01-15T08:00:00Z"), Some(NOW));
        assert_eq!(parse_iso_ms("2027-01-15T08:00:00.250Z"), Some(NOW + 250));
        assert_eq!(parse_iso_ms("2027-01-15T10:00:00+02:00"), Some(NOW));
        assert_eq!(parse_iso_ms("2027-01-15T07:30:00-00:30"), Some(NOW));
        assert_eq!(parse_iso_ms("2027-01-15T08:00:00"), Some(NOW));
        for bad in [
            "",
            "soon",
            "2027-13-01T00:00:00Z",
            "2027-01-15",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_iso_ms(bad), None, "{bad}");
        }
    }
}
