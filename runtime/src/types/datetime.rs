use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// A point in time with nanosecond precision (`timestamp` shapes), always UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

/// A timestamp string in none of the formats AWS uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError(String);

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp {:?}", self.0)
    }
}

impl std::error::Error for DateTimeParseError {}

impl DateTime {
    pub fn from_secs(secs: i64) -> Self {
        DateTime { secs, nanos: 0 }
    }

    /// From seconds and sub-second nanoseconds; nanos past one second carry into secs.
    pub fn from_secs_and_nanos(secs: i64, nanos: u32) -> Self {
        DateTime {
            secs: secs.saturating_add(i64::from(nanos / 1_000_000_000)),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// From fractional epoch seconds, rounded to the millisecond as AWS's JSON numbers are.
    pub fn from_secs_f64(secs: f64) -> Self {
        let millis = (secs * 1000.0).round();
        let whole = (millis / 1000.0).floor();
        let frac_millis = (millis - whole * 1000.0) as u32;
        DateTime::from_secs_and_nanos(whole as i64, frac_millis * 1_000_000)
    }

    pub fn now() -> Self {
        SystemTime::now().into()
    }

    pub fn secs(&self) -> i64 {
        self.secs
    }

    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Epoch seconds as a float (JSON protocols' `unixTimestamp`).
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    fn to_offset(self) -> Option<OffsetDateTime> {
        let t = OffsetDateTime::from_unix_timestamp(self.secs).ok()?;
        t.replace_nanosecond(self.nanos).ok()
    }

    /// `2015-01-25T08:00:00Z`, with milliseconds when non-zero (`.123Z`), as botocore writes.
    pub fn to_iso8601(&self) -> String {
        let Some(t) = self.to_offset() else {
            return self.secs.to_string();
        };
        let millis = self.nanos / 1_000_000;
        let frac = if self.nanos == 0 {
            String::new()
        } else if self.nanos % 1_000_000 == 0 {
            format!(".{millis:03}")
        } else {
            format!(".{:06}", self.nanos / 1000)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// `Sun, 25 Jan 2015 08:00:00 GMT` (HTTP date; sub-seconds dropped as the format has none).
    pub fn to_http_date(&self) -> String {
        let Some(t) = self.to_offset() else {
            return self.secs.to_string();
        };
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let day = DAYS[usize::from(t.weekday().number_days_from_monday()) % 7];
        let month = MONTHS[(usize::from(u8::from(t.month())) + 11) % 12];
        format!(
            "{day}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
            t.day(),
            t.year(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// Epoch seconds as text: integral when whole, else with up to millisecond precision.
    pub fn to_epoch_string(&self) -> String {
        if self.nanos == 0 {
            self.secs.to_string()
        } else {
            let s = format!("{:.3}", self.as_secs_f64());
            s.trim_end_matches('0').to_string()
        }
    }

    /// `20150830T123600Z`, the SigV4 timestamp.
    pub fn to_amz_date(&self) -> String {
        self.to_iso8601_basic()
    }

    fn to_iso8601_basic(self) -> String {
        let Some(t) = self.to_offset() else {
            return String::new();
        };
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

    /// Parses ISO 8601 / RFC 3339 (any offset, optional fraction, with or without `Z`).
    pub fn parse_iso8601(s: &str) -> Result<Self, DateTimeParseError> {
        let mut text = Scanner::new(s.trim());
        let parsed = (|| {
            let year = text.digits(4, 4)?;
            text.expect(b'-')?;
            let month = text.digits(2, 2)?;
            text.expect(b'-')?;
            let day = text.digits(2, 2)?;
            text.expect_any(b"Tt ")?;
            let (hour, minute, second, nanos) = text.clock()?;
            let offset = match text.next() {
                None | Some(b'Z' | b'z') => 0,
                Some(sign @ (b'+' | b'-')) => {
                    let hours = text.digits(2, 2)?;
                    text.eat(b':');
                    let minutes = text.digits(2, 2)?;
                    let offset = i64::from(hours * 3600 + minutes * 60);
                    if sign == b'-' {
                        -offset
                    } else {
                        offset
                    }
                }
                Some(_) => return None,
            };
            text.end()?;
            let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
            from_parts(year, month, day, hour, minute, second, nanos, offset)
        })();
        parsed.ok_or_else(|| DateTimeParseError(s.to_string()))
    }

    /// Parses an HTTP date (`Sun, 25 Jan 2015 08:00:00 GMT`), with or without fraction, with a
    /// `GMT`/`UT`/`UTC`/`Z` zone or a numeric one (`+0000`), the weekday optional.
    pub fn parse_http_date(s: &str) -> Result<Self, DateTimeParseError> {
        let mut text = Scanner::new(s.trim());
        let parsed = (|| {
            if text.peek()?.is_ascii_alphabetic() {
                text.word()?;
                text.expect(b',')?;
                text.spaces();
            }
            let day = text.digits(1, 2)?;
            text.spaces();
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ];
            let name = text.word()?.to_ascii_lowercase();
            let month = MONTHS.iter().position(|m| *m == name)?;
            text.spaces();
            let year = text.digits(4, 4)?;
            text.spaces();
            let (hour, minute, second, nanos) = text.clock()?;
            text.spaces();
            let offset = match text.peek() {
                Some(sign @ (b'+' | b'-')) => {
                    text.next();
                    let hhmm = i64::from(text.digits(4, 4)?);
                    let offset = hhmm / 100 * 3600 + hhmm % 100 * 60;
                    if sign == b'-' {
                        -offset
                    } else {
                        offset
                    }
                }
                _ => match text.word()?.to_ascii_uppercase().as_str() {
                    "GMT" | "UT" | "UTC" | "Z" => 0,
                    _ => return None,
                },
            };
            text.end()?;
            let month = Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
            from_parts(year, month, day, hour, minute, second, nanos, offset)
        })();
        parsed.ok_or_else(|| DateTimeParseError(s.to_string()))
    }

    /// Parses epoch seconds (`1422172800` or `1422172800.123`).
    pub fn parse_epoch(s: &str) -> Result<Self, DateTimeParseError> {
        let f: f64 = s
            .trim()
            .parse()
            .map_err(|_| DateTimeParseError(s.to_string()))?;
        if !f.is_finite() {
            return Err(DateTimeParseError(s.to_string()));
        }
        Ok(DateTime::from_secs_f64(f))
    }

    /// Parses any of the three formats, as botocore's lenient timestamp parser does.
    pub fn parse_any(s: &str) -> Result<Self, DateTimeParseError> {
        DateTime::parse_epoch(s)
            .or_else(|_| DateTime::parse_iso8601(s))
            .or_else(|_| DateTime::parse_http_date(s))
    }
}

/// A calendar date and wall-clock time at `offset` seconds east of UTC, validated by `time`.
#[allow(clippy::too_many_arguments)]
fn from_parts(
    year: u32,
    month: Month,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset: i64,
) -> Option<DateTime> {
    let date = Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?);
    // A leap second (`:60`) is read as the last second of its minute, as botocore's parser does.
    let time = Time::from_hms_nano(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second.min(59)).ok()?,
        nanos,
    );
    let local = PrimitiveDateTime::new(date.ok()?, time.ok()?).assume_utc();
    Some(DateTime {
        secs: local.unix_timestamp().checked_sub(offset)?,
        nanos,
    })
}

/// A cursor over ASCII timestamp text; every reader returns `None` on anything unexpected.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    fn expect_any(&mut self, bytes: &[u8]) -> Option<()> {
        bytes.contains(&self.next()?).then_some(())
    }

    fn end(&self) -> Option<()> {
        (self.at == self.bytes.len()).then_some(())
    }

    fn spaces(&mut self) {
        while self.eat(b' ') {}
    }

    /// `min..=max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        let mut value = 0u32;
        while self.at - start < max {
            match self.peek() {
                Some(d @ b'0'..=b'9') => value = value * 10 + u32::from(d - b'0'),
                _ => break,
            }
            self.at += 1;
        }
        (self.at - start >= min).then_some(value)
    }

    fn word(&mut self) -> Option<&'a str> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.at += 1;
        }
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()
            .filter(|w| !w.is_empty())
    }

    /// `hh:mm:ss` with an optional fraction of any length (kept to nanoseconds).
    fn clock(&mut self) -> Option<(u32, u32, u32, u32)> {
        let hour = self.digits(2, 2)?;
        self.expect(b':')?;
        let minute = self.digits(2, 2)?;
        self.expect(b':')?;
        let second = self.digits(2, 2)?;
        let mut nanos = 0;
        if self.eat(b'.') || self.eat(b',') {
            let start = self.at;
            let mut scale = 100_000_000;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                nanos += u32::from(d - b'0') * scale;
                scale /= 10;
                self.at += 1;
            }
            if self.at == start {
                return None;
            }
        }
        Some((hour, minute, second, nanos))
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(t: OffsetDateTime) -> Self {
        DateTime {
            secs: t.unix_timestamp(),
            nanos: t.nanosecond(),
        }
    }
}

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => DateTime::from_secs_and_nanos(d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let mut secs = -(d.as_secs() as i64);
                let mut nanos = d.subsec_nanos();
                if nanos > 0 {
                    secs -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                DateTime { secs, nanos }
            }
        }
    }
}

impl From<DateTime> for SystemTime {
    fn from(t: DateTime) -> Self {
        if t.secs >= 0 {
            UNIX_EPOCH + Duration::new(t.secs as u64, t.nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(t.secs.unsigned_abs())
                + Duration::from_nanos(u64::from(t.nanos))
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        let t = DateTime::from_secs(1422172800);
        assert_eq!(t.to_iso8601(), "2015-01-25T08:00:00Z");
        assert_eq!(t.to_http_date(), "Sun, 25 Jan 2015 08:00:00 GMT");
        assert_eq!(t.to_epoch_string(), "1422172800");
        assert_eq!(DateTime::parse_iso8601("2015-01-25T08:00:00Z"), Ok(t));
        assert_eq!(
            DateTime::parse_http_date("Sun, 25 Jan 2015 08:00:00 GMT"),
            Ok(t)
        );
        assert_eq!(DateTime::parse_epoch("1422172800"), Ok(t));
        let frac = DateTime::from_secs_and_nanos(1422172800, 123_000_000);
        assert_eq!(frac.to_iso8601(), "2015-01-25T08:00:00.123Z");
        assert_eq!(frac.to_epoch_string(), "1422172800.123");
        assert_eq!(DateTime::parse_any("2015-01-25T08:00:00.123Z"), Ok(frac));
        assert_eq!(DateTime::parse_any("1422172800.123"), Ok(frac));
        assert_eq!(
            DateTime::parse_any("Sun, 25 Jan 2015 08:00:00.123 GMT"),
            Ok(frac)
        );
        assert!(DateTime::parse_any("yesterday").is_err());
    }

    #[test]
    fn iso8601_offsets_fractions_and_spacing() {
        let t = DateTime::from_secs(1422172800);
        for text in [
            "2015-01-25T09:30:00+01:30",
            "2015-01-25T06:00:00-0200",
            "2015-01-25t08:00:00z",
            "2015-01-25 08:00:00",
            " 2015-01-25T08:00:00Z ",
        ] {
            assert_eq!(DateTime::parse_iso8601(text), Ok(t), "{text}");
        }
        assert_eq!(
            DateTime::parse_iso8601("2015-01-25T08:00:00.123456789123Z"),
            Ok(DateTime::from_secs_and_nanos(1422172800, 123_456_789))
        );
        assert_eq!(
            DateTime::parse_iso8601("1969-12-31T23:59:59.5Z"),
            Ok(DateTime::from_secs_and_nanos(-1, 500_000_000))
        );
    }

    #[test]
    fn http_dates_with_and_without_weekday_and_zones() {
        let t = DateTime::from_secs(1422172800);
        for text in [
            "Sun, 25 Jan 2015 08:00:00 GMT",
            "25 Jan 2015 08:00:00 GMT",
            "Sun, 25 JAN 2015 08:00:00 UTC",
            "Sun, 25 Jan 2015 09:00:00 +0100",
            "Sun,  5 Jan 2015 08:00:00 GMT".replace(" 5", "25").as_str(),
        ] {
            assert_eq!(DateTime::parse_http_date(text), Ok(t), "{text}");
        }
    }

    #[test]
    fn impossible_or_malformed_timestamps_are_errors() {
        for text in [
            "2015-13-25T08:00:00Z",
            "2015-02-30T08:00:00Z",
            "2015-01-25T24:00:00Z",
            "2015-01-25T08:00:00Zjunk",
            "2015-01-25T08:00:00.Z",
            "2015-01-25",
            "",
            "Sun, 25 Foo 2015 08:00:00 GMT",
            "Sun, 25 Jan 2015 08:00:00 PST",
            "Sun, 25 Jan 2015 08:00",
            "Sun 25 Jan 2015 08:00:00 GMT",
        ] {
            assert!(DateTime::parse_any(text).is_err(), "{text:?}");
        }
    }
}
