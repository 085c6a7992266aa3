//! Writing a Value as a JSON request body (botocore's `JSONSerializer._serialize_*`).

use crate::protocol::codec::{is_document, mismatch, too_deep, Fail, MAX_DEPTH};
use crate::protocol::format::{epoch_seconds, format_timestamp, EpochSeconds};
use crate::schema::{Kind, Shape, TimestampFormat};
use crate::types::DateTime;
use crate::value::Value;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

fn write_json_str(buf: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail, and a &str always serializes.
    let _ = serde_json::to_writer(&mut *buf, s);
}

fn write_f64(buf: &mut Vec<u8>, f: f64) {
    // botocore's `_handle_float`: JSON has no spelling for these, AWS uses strings.
    if f.is_nan() {
        buf.extend_from_slice(b"\"NaN\"");
    } else if f == f64::INFINITY {
        buf.extend_from_slice(b"\"Infinity\"");
    } else if f == f64::NEG_INFINITY {
        buf.extend_from_slice(b"\"-Infinity\"");
    } else {
        let _ = serde_json::to_writer(&mut *buf, &f);
    }
}

/// A `float` shape's value: when it is exactly an `f32`, the shortest decimal of that `f32`
/// (`0.1f32` goes out as `0.1`, as a Python user's float would, not as `0.10000000149011612`).
fn float_shape_value(f: f64) -> f64 {
    let narrow = f as f32;
    if f.is_finite() && f64::from(narrow) == f {
        narrow.to_string().parse().unwrap_or(f)
    } else {
        f
    }
}

/// botocore's JSON timestamp forms: epoch seconds (integer when whole, else microsecond
/// precision), ISO 8601 (microseconds when non-zero), or an HTTP date.
fn write_timestamp(buf: &mut Vec<u8>, t: &DateTime, format: Option<TimestampFormat>) {
    match format.unwrap_or(TimestampFormat::UnixTimestamp) {
        // A JSON number, written as JSON writes numbers (not as Python's `str`).
        TimestampFormat::UnixTimestamp => match epoch_seconds(t) {
            EpochSeconds::Whole(secs) => buf.extend_from_slice(secs.to_string().as_bytes()),
            EpochSeconds::Fractional(f) => {
                let _ = serde_json::to_writer(&mut *buf, &f);
            }
        },
        text => write_json_str(buf, &format_timestamp(t, text, false)),
    }
}

/// A whole JSON document for `value` (a structure of `shape`, or any value of it), for
/// rest-json bodies and payload members; errors name the member path from `shape`.
pub(crate) fn to_json_body(
    shape: &'static Shape,
    value: &Value,
) -> Result<Vec<u8>, crate::protocol::SerializeError> {
    let mut buf = Vec::with_capacity(64);
    write_value(&mut buf, shape, None, value, 0)
        .map_err(|f| crate::protocol::SerializeError(f.render(shape.name)))?;
    Ok(buf)
}

pub(super) fn write_value(
    buf: &mut Vec<u8>,
    shape: &'static Shape,
    ts_format: Option<TimestampFormat>,
    value: &Value,
    depth: usize,
) -> Result<(), Fail> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    if is_document(shape) {
        return match value {
            Value::Document(d) => {
                let _ = serde_json::to_writer(&mut *buf, &d.to_json());
                Ok(())
            }
            other => Err(mismatch(shape, other)),
        };
    }
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Struct(slots)) => {
            buf.push(b'{');
            let mut first = true;
            for (m, slot) in members.iter().zip(slots.iter()) {
                let Some(v) = slot else { continue };
                if !first {
                    buf.push(b',');
                }
                first = false;
                write_json_str(buf, m.wire_name());
                buf.push(b':');
                write_value(buf, m.target(), m.timestamp_format(), v, depth + 1)
                    .map_err(|f| f.at(format!(".{}", m.name)))?;
            }
            buf.push(b'}');
        }
        (Kind::List(m), Value::List(items)) => {
            buf.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                write_value(buf, m.target(), m.timestamp_format(), v, depth + 1)
                    .map_err(|f| f.at(format!("[{i}]")))?;
            }
            buf.push(b']');
        }
        (Kind::Map(_, vm), Value::Map(entries)) => {
            buf.push(b'{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                write_json_str(buf, k);
                buf.push(b':');
                write_value(buf, vm.target(), vm.timestamp_format(), v, depth + 1)
                    .map_err(|f| f.at(format!("[{k:?}]")))?;
            }
            buf.push(b'}');
        }
        (Kind::String, Value::Str(s)) => write_json_str(buf, s),
        (Kind::Boolean, Value::Bool(b)) => {
            buf.extend_from_slice(if *b { b"true" } else { b"false" })
        }
        (
            Kind::Byte
            | Kind::Short
            | Kind::Integer
            | Kind::Long
            | Kind::BigInteger
            | Kind::Float
            | Kind::Double
            | Kind::BigDecimal,
            Value::Int(i),
        ) => buf.extend_from_slice(i.to_string().as_bytes()),
        (Kind::Float, Value::Float(f)) => write_f64(buf, float_shape_value(*f)),
        (Kind::Double | Kind::BigDecimal, Value::Float(f)) => write_f64(buf, *f),
        (Kind::Blob, Value::Blob(b)) => write_json_str(buf, &STANDARD.encode(b.as_bytes())),
        (Kind::Blob, Value::Str(s)) => write_json_str(buf, &STANDARD.encode(s.as_bytes())),
        (Kind::Blob, Value::Body(body)) => match body.bytes() {
            Some(b) => write_json_str(buf, &STANDARD.encode(b)),
            None => {
                return Err(Fail::new(
                    "a streaming body cannot be sent in a JSON document",
                ))
            }
        },
        (Kind::Timestamp, Value::Timestamp(t)) => write_timestamp(buf, t, ts_format),
        (_, other) => return Err(mismatch(shape, other)),
    }
    Ok(())
}
