//! Timestamps: just enough RFC 3339 parsing to order messages whatever their offsets.

/// Milliseconds since the Unix epoch for an RFC 3339 timestamp
/// (`2024-05-01T10:20:30Z`, `…30.123+02:00`), or `None` if it is not one.
pub fn parse_rfc3339_millis(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let mut d = date.splitn(3, '-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    // RFC 3339 years have four digits; the bound also keeps the arithmetic below in range
    // (a fuzz finding: a huge year overflowed).
    if !(0..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    let split_at = rest.find(['Z', 'z', '+', '-'])?;
    let (clock, zone) = rest.split_at(split_at);
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) => (h, f),
        None => (clock, ""),
    };
    let mut t = hms.splitn(3, ':');
    let h: i64 = t.next()?.parse().ok()?;
    let m: i64 = t.next()?.parse().ok()?;
    let sec: i64 = t.next()?.parse().ok()?;
    if !(0..=23).contains(&h)
        || !(0..=59).contains(&m)
        || !(0..=60).contains(&sec)
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let millis: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    let offset_min = parse_offset(zone)?;
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3600 + m * 60 + sec - offset_min * 60) * 1000) + millis)
}

fn parse_offset(zone: &str) -> Option<i64> {
    if zone.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let sign = match zone.get(..1)? {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    let (h, m) = zone.get(1..)?.split_once(':')?;
    let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    ((0..=23).contains(&h) && (0..=59).contains(&m)).then_some(sign * (h * 60 + m))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's civil-from-days inverse).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339_millis as p;

    #[test]
    fn out_of_range_fields_are_not_timestamps_and_never_overflow() {
        // A fuzz finding: a year of many digits overflowed the day arithmetic.
        for bad in [
            "99999999999999-01-01T00:00:00Z",
            "-5-01-01T00:00:00Z",
            "2024-01-01T-1:00:00Z",
            "2024-01-01T00:00:00+99999999999999:00",
            "2024-01-01T00:00:00+01:-5",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
        assert_eq!(p("9999-12-31T23:59:60+23:59").map(|ms| ms > 0), Some(true));
    }

    #[test]
    fn the_epoch_is_zero() {
        assert_eq!(p("1970-01-01T00:00:00Z"), Some(0));
    }

    #[test]
    fn offsets_and_fractions_are_honoured() {
        assert_eq!(p("2023-11-07T05:31:56Z"), Some(1_699_335_116_000));
        assert_eq!(p("2023-11-07T07:31:56.250+02:00"), Some(1_699_335_116_250));
        assert_eq!(p("2023-11-07T05:31:56.123456Z"), Some(1_699_335_116_123));
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in [
            "",
            "yesterday",
            "2023-13-01T00:00:00Z",
            "2023-02-30T00:00:00Z",
            "2023-01-01T00:00:00",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
