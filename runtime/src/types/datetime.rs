use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::OffsetDateTime;

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
        let err = || DateTimeParseError(s.to_string());
        let trimmed = s.trim();
        let parsed = OffsetDateTime::parse(trimmed, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(&format!("{trimmed}Z"), &Rfc3339))
            .map_err(|_| err())?;
        Ok(parsed.into())
    }

    /// Parses an HTTP date (`Sun, 25 Jan 2015 08:00:00 GMT`), with or without fraction.
    pub fn parse_http_date(s: &str) -> Result<Self, DateTimeParseError> {
        let err = || DateTimeParseError(s.to_string());
        let trimmed = s.trim();
        // RFC 2822 wants a numeric zone or "GMT"/"UT"; fractional seconds are not allowed there.
        let (main, frac) = match trimmed.split_once('.') {
            Some((a, b)) => {
                let digits: String = b.chars().take_while(char::is_ascii_digit).collect();
                let rest = &b[digits.len()..];
                (format!("{a}{rest}"), digits)
            }
            None => (trimmed.to_string(), String::new()),
        };
        let parsed = OffsetDateTime::parse(&main, &Rfc2822).map_err(|_| err())?;
        let nanos = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<9}");
            padded[..9].parse::<u32>().map_err(|_| err())?
        };
        let base: DateTime = parsed.into();
        Ok(DateTime::from_secs_and_nanos(base.secs, nanos))
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
}
