//! DynamoDB numbers: decimal text of at most 38 significant digits with a magnitude between
//! 1E-130 and 9.99…E+125, sent and received as strings. [`Number`] keeps that text exactly;
//! Rust integers and floats are converted to and from it without going through `f64`.

use crate::error::ItemError;
use std::fmt;
use std::str::FromStr;

/// The newtype name the item serializer recognises to emit `N` instead of `S`.
pub(crate) const NUMBER_TOKEN: &str = "$rboto_dynamodb_ext::Number";

const MAX_DIGITS: usize = 38;
const MAX_EXPONENT: i64 = 125;
const MIN_EXPONENT: i64 = -130;

/// A DynamoDB number as its exact decimal text, for values no Rust primitive holds (38 digits,
/// exponents up to 125) — boto3's `Decimal`.
///
/// Serialized through [`crate::to_item`] it becomes `N`; through any other serde format it is
/// a string. Ordering and equality compare the text, not the numeric value (`"1"` ≠ `"1.0"`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(String);

impl Number {
    /// Checks `text` is a number DynamoDB accepts (finite, ≤ 38 significant digits, in range).
    pub fn new(text: impl Into<String>) -> Result<Self, ItemError> {
        let text = text.into();
        Decimal::parse(&text)?.check_range(&text)?;
        Ok(Number(text))
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The value as `T` (any integer or float type), or an error naming the overflow or the
    /// fraction an integer type cannot hold.
    pub fn to<T: FromNumber>(&self) -> Result<T, ItemError> {
        T::from_number_text(&self.0)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.0)
    }
}

impl FromStr for Number {
    type Err = ItemError;
    fn from_str(s: &str) -> Result<Self, ItemError> {
        Number::new(s)
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                // Every integer up to 128 bits has at most 39 digits; only u128/i128 can exceed
                // 38, and DynamoDB rejects those anyway, so the text is kept as is.
                Number(v.to_string())
            }
        }
    )*};
}
number_from_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl TryFrom<f64> for Number {
    type Error = ItemError;
    fn try_from(v: f64) -> Result<Self, ItemError> {
        Number::new(format_float(v)?)
    }
}

impl TryFrom<f32> for Number {
    type Error = ItemError;
    fn try_from(v: f32) -> Result<Self, ItemError> {
        Number::new(format_float32(v)?)
    }
}

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(NUMBER_TOKEN, &self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(NUMBER_TOKEN, NumberVisitor)
    }
}

struct NumberVisitor;

impl<'de> serde::de::Visitor<'de> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a DynamoDB number")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Number, E> {
        Number::new(v).map_err(E::custom)
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Number, E> {
        Number::new(v).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Number, E> {
        Ok(Number::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
        Ok(Number::from(v))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Number, E> {
        Number::new(v.to_string()).map_err(E::custom)
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Number, E> {
        Number::new(v.to_string()).map_err(E::custom)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
        Number::try_from(v).map_err(E::custom)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
        d.deserialize_any(self)
    }
}

/// A float as the shortest text that reads back as the same float, in the form Python's
/// `str(Decimal)` writes large and small magnitudes (`1.5E+100`, `2.5E-7`).
pub(crate) fn format_float(v: f64) -> Result<String, ItemError> {
    if !v.is_finite() {
        return Err(ItemError::new(format!(
            "{v} is not a number DynamoDB can store (Infinity and NaN are not supported)"
        )));
    }
    Ok(python_exponent(format!("{v:?}")))
}

pub(crate) fn format_float32(v: f32) -> Result<String, ItemError> {
    if !v.is_finite() {
        return Err(ItemError::new(format!(
            "{v} is not a number DynamoDB can store (Infinity and NaN are not supported)"
        )));
    }
    Ok(python_exponent(format!("{v:?}")))
}

/// Rust's `Debug` writes `1e100` and `2.5e-7`; DynamoDB accepts both, but boto3 users see
/// `1E+100`, so the exponent is written that way.
fn python_exponent(text: String) -> String {
    match text.split_once('e') {
        Some((mantissa, exp)) if exp.starts_with('-') => format!("{mantissa}E{exp}"),
        Some((mantissa, exp)) => format!("{mantissa}E+{exp}"),
        None => text,
    }
}

/// A parsed decimal: sign, significant digits without leading zeros, and the power of ten of
/// the last digit.
pub(crate) struct Decimal {
    negative: bool,
    /// Digits with leading and trailing zeros removed (empty for zero).
    digits: String,
    /// Value = digits × 10^exponent.
    exponent: i64,
}

impl Decimal {
    pub(crate) fn parse(text: &str) -> Result<Self, ItemError> {
        let bad = || ItemError::new(format!("{text:?} is not a decimal number"));
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(bad());
        }
        let mut exponent: i64 = match exp {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !all_digits(digits) || digits.len() > 6 {
                    return Err(bad());
                }
                e.parse().map_err(|_| bad())?
            }
        };
        exponent -= frac_part.len() as i64;
        let mut digits: String = int_part.chars().chain(frac_part.chars()).collect();
        let trimmed_end = digits.trim_end_matches('0').len();
        exponent += (digits.len() - trimmed_end) as i64;
        digits.truncate(trimmed_end);
        let digits = digits.trim_start_matches('0').to_string();
        if digits.is_empty() {
            exponent = 0;
        }
        Ok(Decimal {
            negative,
            digits,
            exponent,
        })
    }

    /// DynamoDB's limits: 38 significant digits, magnitude 1E-130 ≤ |x| < 1E+126.
    fn check_range(&self, text: &str) -> Result<(), ItemError> {
        if self.digits.is_empty() {
            return Ok(());
        }
        if self.digits.len() > MAX_DIGITS {
            return Err(ItemError::new(format!(
                "number {text} has {} significant digits; DynamoDB keeps at most {MAX_DIGITS}",
                self.digits.len()
            )));
        }
        // Exponent of the leading digit (scientific notation's exponent).
        let adjusted = self.exponent + self.digits.len() as i64 - 1;
        if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&adjusted) {
            return Err(ItemError::new(format!(
                "number {text} is out of DynamoDB's range (1E-130 to 9.99…E+125 in magnitude)"
            )));
        }
        Ok(())
    }

    /// The value as a whole number, if it is one.
    fn integer(&self) -> Option<(bool, String)> {
        if self.exponent < 0 {
            return None;
        }
        if self.digits.is_empty() {
            return Some((false, "0".to_string()));
        }
        // Beyond 40 digits no Rust integer holds it; the length alone says overflow.
        let zeros = usize::try_from(self.exponent).ok()?.min(41);
        let mut s = self.digits.clone();
        s.extend(std::iter::repeat_n('0', zeros));
        Some((self.negative, s))
    }
}

/// Rust number types a DynamoDB `N` can be read into.
pub trait FromNumber: Sized {
    #[doc(hidden)]
    fn from_number_text(text: &str) -> Result<Self, ItemError>;
}

macro_rules! from_number_int {
    ($($t:ty),*) => {$(
        impl FromNumber for $t {
            fn from_number_text(text: &str) -> Result<Self, ItemError> {
                // Plain integer text is the common case and parses directly.
                if let Ok(v) = text.parse::<$t>() {
                    return Ok(v);
                }
                let dec = Decimal::parse(text)?;
                let Some((negative, digits)) = dec.integer() else {
                    return Err(ItemError::new(format!(
                        "number {text} has a fraction; {} holds whole numbers only",
                        stringify!($t)
                    )));
                };
                let signed = if negative { format!("-{digits}") } else { digits };
                signed.parse::<$t>().map_err(|_| {
                    ItemError::new(format!(
                        "number {text} does not fit in {} ({} to {})",
                        stringify!($t),
                        <$t>::MIN,
                        <$t>::MAX
                    ))
                })
            }
        }
    )*};
}
from_number_int!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl FromNumber for f64 {
    fn from_number_text(text: &str) -> Result<Self, ItemError> {
        Decimal::parse(text)?;
        let v: f64 = text
            .parse()
            .map_err(|_| ItemError::new(format!("{text:?} is not a decimal number")))?;
        if v.is_infinite() {
            return Err(ItemError::new(format!("number {text} does not fit in f64")));
        }
        Ok(v)
    }
}

impl FromNumber for f32 {
    fn from_number_text(text: &str) -> Result<Self, ItemError> {
        Decimal::parse(text)?;
        let v: f32 = text
            .parse()
            .map_err(|_| ItemError::new(format!("{text:?} is not a decimal number")))?;
        if v.is_infinite() {
            return Err(ItemError::new(format!("number {text} does not fit in f32")));
        }
        Ok(v)
    }
}

impl FromNumber for Number {
    fn from_number_text(text: &str) -> Result<Self, ItemError> {
        Number::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_dynamodbs() {
        assert!(Number::new("9.9999999999999999999999999999999999999E+125").is_ok());
        assert!(Number::new("1E-130").is_ok());
        assert!(Number::new("-0.000").is_ok());
        assert_eq!(
            Number::new("1E+126").unwrap_err().to_string(),
            "number 1E+126 is out of DynamoDB's range (1E-130 to 9.99…E+125 in magnitude)"
        );
        assert!(Number::new("1E-131").is_err());
        assert_eq!(
            Number::new("1234567890123456789012345678901234567891")
                .unwrap_err()
                .to_string(),
            "number 1234567890123456789012345678901234567891 has 40 significant digits; \
             DynamoDB keeps at most 38"
        );
        // Trailing zeros of an integer are not significant (1 digit, exponent 39).
        assert!(Number::new("1000000000000000000000000000000000000000").is_ok());
        for bad in [
            "", "-", "1.2.3", "1e", "0x10", "NaN", "Infinity", " 1", "1_000",
        ] {
            assert!(Number::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn floats_are_shortest_round_trip_text() {
        assert_eq!(format_float(0.1).unwrap(), "0.1");
        assert_eq!(format_float(-2.5).unwrap(), "-2.5");
        assert_eq!(format_float(1.0).unwrap(), "1.0");
        assert_eq!(format_float(1e100).unwrap(), "1E+100");
        assert_eq!(format_float(2.5e-7).unwrap(), "2.5E-7");
        assert_eq!(format_float32(0.1f32).unwrap(), "0.1");
        assert!(format_float(f64::NAN).is_err());
        assert!(format_float(f64::INFINITY).is_err());
    }

    #[test]
    fn integers_read_exactly_with_overflow_named() {
        assert_eq!(u8::from_number_text("255").unwrap(), 255);
        assert_eq!(
            u8::from_number_text("256").unwrap_err().to_string(),
            "number 256 does not fit in u8 (0 to 255)"
        );
        assert_eq!(i64::from_number_text("1E+3").unwrap(), 1000);
        assert_eq!(i64::from_number_text("-12.50E+1").unwrap(), -125);
        assert_eq!(
            i32::from_number_text("1.5").unwrap_err().to_string(),
            "number 1.5 has a fraction; i32 holds whole numbers only"
        );
        assert_eq!(
            u64::from_number_text("-1").unwrap_err().to_string(),
            "number -1 does not fit in u64 (0 to 18446744073709551615)"
        );
        assert_eq!(
            i128::from_number_text("1E+100").unwrap_err().to_string(),
            format!(
                "number 1E+100 does not fit in i128 ({} to {})",
                i128::MIN,
                i128::MAX
            )
        );
        assert_eq!(
            u64::from_number_text("18446744073709551615").unwrap(),
            u64::MAX
        );
        assert_eq!(f64::from_number_text("1E+100").unwrap(), 1e100);
        assert_eq!(
            f32::from_number_text("1E+100").unwrap_err().to_string(),
            "number 1E+100 does not fit in f32"
        );
    }
}
