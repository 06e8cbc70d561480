//! The request time: `X-Amz-Date` (ISO 8601 basic, `yyyymmddThhmmssZ`) or an HTTP `Date`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Formats as SigV4's `yyyymmddThhmmssZ` (UTC, seconds truncated).
pub(crate) fn format_amz(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn build(year: u32, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<OffsetDateTime> {
    let year = i32::try_from(year).ok()?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(h).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(s).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Parses `yyyymmddThhmmssZ` strictly.
pub(crate) fn parse_amz(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    build(
        digits(s.get(0..4)?)?,
        digits(s.get(4..6)?)?,
        digits(s.get(6..8)?)?,
        digits(s.get(9..11)?)?,
        digits(s.get(11..13)?)?,
        digits(s.get(13..15)?)?,
    )
}

/// Parses an HTTP date in the RFC 1123 / RFC 2822 shape SDKs send: `Thu, 26 Nov 2026 12:34:56
/// GMT` (botocore writes `-0000` for the zone). Only UTC zones are accepted.
pub(crate) fn parse_http(s: &str) -> Option<OffsetDateTime> {
    let mut words: Vec<&str> = s.split_ascii_whitespace().collect();
    if words
        .first()
        .is_some_and(|w| w.ends_with(',') && w.len() == 4)
    {
        words.remove(0);
    }
    let [day, month, year, hms, zone] = words.as_slice() else {
        return None;
    };
    if !matches!(*zone, "GMT" | "UTC" | "UT" | "Z" | "+0000" | "-0000") {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
    let mut parts = hms.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    build(
        digits(year)?,
        u32::try_from(month + 1).ok()?,
        digits(day)?,
        digits(h)?,
        digits(m)?,
        digits(sec)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_round_trip_and_rejects() {
        let t = parse_amz("20150830T123600Z").expect("valid");
        assert_eq!(format_amz(t), "20150830T123600Z");
        for bad in [
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "20151330T123600Z",
            "20150830T256000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "",
        ] {
            assert!(parse_amz(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn http_dates() {
        let want = parse_amz("20261126T123456Z");
        assert_eq!(parse_http("Thu, 26 Nov 2026 12:34:56 GMT"), want);
        assert_eq!(parse_http("Thu, 26 Nov 2026 12:34:56 -0000"), want);
        assert_eq!(parse_http("26 Nov 2026 12:34:56 +0000"), want);
        assert!(parse_http("Thu, 26 Nov 2026 12:34:56 +0100").is_none());
        assert!(parse_http("Thu, 26 Foo 2026 12:34:56 GMT").is_none());
        assert!(parse_http("Thursday, 26-Nov-26 12:34:56 GMT").is_none());
    }
}
