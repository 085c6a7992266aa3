//! The text and number forms botocore gives scalars on the wire, written once for every
//! protocol: timestamps (`_convert_timestamp_to_str`: ISO 8601 with microseconds, epoch seconds,
//! HTTP dates), floats as Python's `str(float)` prints them, epoch seconds read back the way
//! Python's `datetime.fromtimestamp` rounds them, and base64 as lenient as `b64decode`.
//!
//! Each protocol still decides *where* a form goes (a JSON number, a CBOR tag, a header); only
//! the form itself lives here, so a botocore quirk is fixed in one place.

use crate::schema::TimestampFormat;
use crate::types::DateTime;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;

/// Seconds from the epoch to 9999-12-31: Python's `datetime` goes no further.
pub(crate) const MAX_EPOCH_SECS: f64 = 253_402_300_800.0;

/// Base64 decoding as lenient as Python's `b64decode` (padding optional, trailing bits allowed);
/// callers strip the characters `b64decode` would discard first.
pub(crate) const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A timestamp as epoch seconds at botocore's default (microsecond) precision: whole seconds
/// stay an integer, anything else is a float. Sub-microsecond digits are dropped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum EpochSeconds {
    Whole(i64),
    Fractional(f64),
}

/// `t` as [`EpochSeconds`].
pub(crate) fn epoch_seconds(t: &DateTime) -> EpochSeconds {
    let micros = t.subsec_nanos() / 1000;
    if micros == 0 {
        EpochSeconds::Whole(t.secs())
    } else {
        // Whole microseconds first, then one division, as Python's `timedelta.total_seconds`.
        let scaled = i128::from(t.secs()) * 1_000_000 + i128::from(micros);
        EpochSeconds::Fractional(scaled as f64 / 1e6)
    }
}

/// A timestamp as text in `format` (botocore's `_convert_timestamp_to_str`); `whole_seconds`
/// drops the fraction first, as `_convert_header_value` does via `calendar.timegm`. Epoch floats
/// are written as Python prints them ([`python_float`]).
pub(crate) fn format_timestamp(
    t: &DateTime,
    format: TimestampFormat,
    whole_seconds: bool,
) -> String {
    let t = &if whole_seconds {
        DateTime::from_secs(t.secs())
    } else {
        *t
    };
    let micros = t.subsec_nanos() / 1000;
    match format {
        // `%Y-%m-%dT%H:%M:%SZ`, or `%Y-%m-%dT%H:%M:%S.%fZ` when there are microseconds.
        TimestampFormat::Iso8601 => {
            let whole = DateTime::from_secs(t.secs()).to_iso8601();
            match whole.strip_suffix('Z') {
                Some(base) if micros != 0 => format!("{base}.{micros:06}Z"),
                _ => whole,
            }
        }
        TimestampFormat::UnixTimestamp => match epoch_seconds(t) {
            EpochSeconds::Whole(secs) => secs.to_string(),
            EpochSeconds::Fractional(f) => python_float(f),
        },
        // HTTP dates have whole seconds.
        TimestampFormat::Rfc822 => t.to_http_date(),
    }
}

/// A float as Python's `str(float)` writes it (botocore formats URI, query, header and form
/// values with `str`), with botocore's spellings of the special values.
pub(crate) fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // Shortest round-trip digits and the decimal exponent, as repr() uses.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let point = exp as usize + 1;
            let (int, frac) = if digits.len() > point {
                (digits[..point].to_string(), digits[point..].to_string())
            } else {
                (format!("{digits:0<point$}"), "0".to_string())
            };
            format!("{sign}{int}.{frac}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{rest}e{esign}{:02}", exp.abs())
    }
}

/// Epoch seconds to a timestamp, rounded to the microsecond like Python's `fromtimestamp`;
/// `None` outside the years Python's `datetime` can hold.
pub(crate) fn timestamp_from_epoch(f: f64) -> Option<DateTime> {
    if !f.is_finite() || f.abs() > MAX_EPOCH_SECS {
        return None;
    }
    let secs = f.floor();
    let mut micros = ((f - secs) * 1e6).round() as u32;
    let mut secs = secs as i64;
    if micros >= 1_000_000 {
        secs += 1;
        micros -= 1_000_000;
    }
    Some(DateTime::from_secs_and_nanos(secs, micros * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_format_like_python() {
        for (f, want) in [
            (10.8, "10.8"),
            (1.0, "1.0"),
            (-0.5, "-0.5"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123456789.125, "123456789.125"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(python_float(f), want);
        }
    }

    #[test]
    fn timestamps_format_like_botocore() {
        let t = DateTime::from_secs_and_nanos(1422172800, 123_456_789);
        let cases = [
            (
                TimestampFormat::Iso8601,
                false,
                "2015-01-25T08:00:00.123456Z",
            ),
            (TimestampFormat::Iso8601, true, "2015-01-25T08:00:00Z"),
            (TimestampFormat::UnixTimestamp, false, "1422172800.123456"),
            (TimestampFormat::UnixTimestamp, true, "1422172800"),
            (
                TimestampFormat::Rfc822,
                false,
                "Sun, 25 Jan 2015 08:00:00 GMT",
            ),
        ];
        for (format, whole, want) in cases {
            assert_eq!(format_timestamp(&t, format, whole), want);
        }
        assert_eq!(
            epoch_seconds(&t),
            EpochSeconds::Fractional(1422172800.123456)
        );
        let whole = DateTime::from_secs(1422172800);
        assert_eq!(epoch_seconds(&whole), EpochSeconds::Whole(1422172800));
        assert_eq!(
            format_timestamp(&whole, TimestampFormat::UnixTimestamp, false),
            "1422172800"
        );
    }

    #[test]
    fn epoch_seconds_round_to_the_microsecond() {
        let t = timestamp_from_epoch(1422172800.1234567).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1422172800, 123_457_000));
        let t = timestamp_from_epoch(-0.5).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (-1, 500_000_000));
        assert!(timestamp_from_epoch(f64::NAN).is_none());
        assert!(timestamp_from_epoch(MAX_EPOCH_SECS * 2.0).is_none());
    }
}
