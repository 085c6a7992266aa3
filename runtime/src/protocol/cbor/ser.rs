//! Writing a Value as a CBOR request body (botocore's `CBORSerializer._serialize_type_*`).

use crate::protocol::codec::{is_document, mismatch, too_deep, Fail, MAX_DEPTH};
use crate::protocol::format::{epoch_seconds, EpochSeconds};
use crate::schema::{Kind, Shape};
use crate::types::{DateTime, Document, Number};
use crate::value::Value;
use minicbor::data::Tag;
use minicbor::Encoder;

/// CBOR tag 1: epoch-based date/time.
const TAG_EPOCH: u64 = 1;
/// CBOR tag 4: decimal fraction `[exponent, mantissa]`.
const TAG_DECIMAL_FRACTION: u64 = 4;

type Enc<'a> = Encoder<&'a mut Vec<u8>>;

// Writing to a `Vec` cannot fail (its `minicbor::encode::Write` error is `Infallible`), so the
// encoder's results are dropped with `let _`.

/// botocore's `_get_bytes_for_special_numbers`: NaN and the infinities as half-precision floats.
fn special_float(f: f64) -> Option<[u8; 3]> {
    if f.is_nan() {
        Some([0xf9, 0x7e, 0x00])
    } else if f == f64::INFINITY {
        Some([0xf9, 0x7c, 0x00])
    } else if f == f64::NEG_INFINITY {
        Some([0xf9, 0xfc, 0x00])
    } else {
        None
    }
}

fn write_f32(e: &mut Enc<'_>, f: f64) {
    match special_float(f) {
        Some(b) => e.writer_mut().extend_from_slice(&b),
        None => {
            let _ = e.f32(f as f32);
        }
    }
}

fn write_f64(e: &mut Enc<'_>, f: f64) {
    match special_float(f) {
        Some(b) => e.writer_mut().extend_from_slice(&b),
        None => {
            let _ = e.f64(f);
        }
    }
}

/// Tag 1 around epoch seconds: an integer, or a double when there are microseconds (botocore's
/// `_timestamp_unixtimestamp` at its default precision; sub-microsecond digits are dropped).
fn write_timestamp(e: &mut Enc<'_>, t: &DateTime) {
    let _ = e.tag(Tag::new(TAG_EPOCH));
    match epoch_seconds(t) {
        EpochSeconds::Whole(secs) => {
            let _ = e.i64(secs);
        }
        EpochSeconds::Fractional(f) => write_f64(e, f),
    }
}

/// A `bigDecimal` as the specification's decimal fraction: `4([exponent, mantissa])`, from the
/// shortest decimal that reads back as `f`.
fn write_decimal(e: &mut Enc<'_>, f: f64) -> Result<(), Fail> {
    if !f.is_finite() {
        return Err(Fail::new(format!("{f} is not a valid big decimal")));
    }
    // `{:e}` gives the shortest round-tripping digits: `-1.2345e-7`.
    let text = format!("{f:e}");
    let (digits, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let negative = digits.starts_with('-');
    let digits = digits.trim_start_matches('-');
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let mantissa_text = format!("{int_part}{frac_part}");
    // At most 17 significant digits: always within i64.
    let mut mantissa: i64 = mantissa_text
        .parse()
        .map_err(|_| Fail::new(format!("{f} is not a valid big decimal")))?;
    if negative {
        mantissa = -mantissa;
    }
    let exponent = exp - frac_part.len() as i64;
    let _ = e.tag(Tag::new(TAG_DECIMAL_FRACTION));
    let _ = e.array(2);
    let _ = e.i64(exponent);
    let _ = e.i64(mantissa);
    Ok(())
}

fn write_document(e: &mut Enc<'_>, d: &Document, depth: usize) -> Result<(), Fail> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    match d {
        Document::Null => {
            let _ = e.null();
        }
        Document::Bool(b) => {
            let _ = e.bool(*b);
        }
        Document::Number(Number::PosInt(u)) => {
            let _ = e.u64(*u);
        }
        Document::Number(Number::NegInt(i)) => {
            let _ = e.i64(*i);
        }
        Document::Number(Number::Float(f)) => write_f64(e, *f),
        Document::String(s) => {
            let _ = e.str(s);
        }
        Document::Array(items) => {
            let _ = e.array(items.len() as u64);
            for (i, item) in items.iter().enumerate() {
                write_document(e, item, depth + 1).map_err(|f| f.at(format!("[{i}]")))?;
            }
        }
        Document::Object(entries) => {
            let _ = e.map(entries.len() as u64);
            for (k, v) in entries {
                let _ = e.str(k);
                write_document(e, v, depth + 1).map_err(|f| f.at(format!("[{k:?}]")))?;
            }
        }
    }
    Ok(())
}

pub(crate) fn write_value(
    buf: &mut Vec<u8>,
    shape: &'static Shape,
    value: &Value,
    depth: usize,
) -> Result<(), Fail> {
    let mut e = Encoder::new(buf);
    write(&mut e, shape, value, depth)
}

fn write(e: &mut Enc<'_>, shape: &'static Shape, value: &Value, depth: usize) -> Result<(), Fail> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    if is_document(shape) {
        return match value {
            Value::Document(d) => write_document(e, d, depth),
            other => Err(mismatch(shape, other)),
        };
    }
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Struct(slots)) => {
            // A definite-length map of the set members, in model order.
            let set = members
                .iter()
                .zip(slots.iter())
                .filter(|(_, s)| s.is_some())
                .count();
            let _ = e.map(set as u64);
            for (m, slot) in members.iter().zip(slots.iter()) {
                let Some(v) = slot else { continue };
                let _ = e.str(m.wire_name());
                write(e, m.target(), v, depth + 1).map_err(|f| f.at(format!(".{}", m.name)))?;
            }
        }
        (Kind::List(m), Value::List(items)) => {
            let _ = e.array(items.len() as u64);
            for (i, v) in items.iter().enumerate() {
                write(e, m.target(), v, depth + 1).map_err(|f| f.at(format!("[{i}]")))?;
            }
        }
        (Kind::Map(_, vm), Value::Map(entries)) => {
            let _ = e.map(entries.len() as u64);
            for (k, v) in entries {
                let _ = e.str(k);
                write(e, vm.target(), v, depth + 1).map_err(|f| f.at(format!("[{k:?}]")))?;
            }
        }
        (Kind::String, Value::Str(s)) => {
            let _ = e.str(s);
        }
        (Kind::Boolean, Value::Bool(b)) => {
            let _ = e.bool(*b);
        }
        (
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
            Value::Int(i),
        ) => {
            let _ = e.i64(*i);
        }
        // botocore packs whatever number it is given with `struct.pack`.
        (Kind::Float, Value::Int(i)) => write_f32(e, *i as f64),
        (Kind::Float, Value::Float(f)) => write_f32(e, *f),
        (Kind::Double, Value::Int(i)) => write_f64(e, *i as f64),
        (Kind::Double, Value::Float(f)) => write_f64(e, *f),
        (Kind::BigDecimal, Value::Int(i)) => {
            let _ = e.tag(Tag::new(TAG_DECIMAL_FRACTION));
            let _ = e.array(2);
            let _ = e.i64(0);
            let _ = e.i64(*i);
        }
        (Kind::BigDecimal, Value::Float(f)) => write_decimal(e, *f)?,
        (Kind::Blob, Value::Blob(b)) => {
            let _ = e.bytes(b.as_bytes());
        }
        (Kind::Blob, Value::Str(s)) => {
            let _ = e.bytes(s.as_bytes());
        }
        (Kind::Blob, Value::Body(body)) => match body.bytes() {
            Some(b) => {
                let _ = e.bytes(b);
            }
            None => {
                return Err(Fail::new(
                    "a streaming body cannot be sent in a CBOR document",
                ))
            }
        },
        (Kind::Timestamp, Value::Timestamp(t)) => write_timestamp(e, t),
        (_, other) => return Err(mismatch(shape, other)),
    }
    Ok(())
}
