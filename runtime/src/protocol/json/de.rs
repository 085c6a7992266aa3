//! Reading a JSON body into a Value (botocore's `BaseJSONParser._handle_*`).

use crate::protocol::codec::{is_document, kind_name, too_deep, Fail, MAX_DEPTH};
use crate::protocol::format::{timestamp_from_epoch, LENIENT_BASE64, MAX_EPOCH_SECS};
use crate::protocol::{empty_slots, ParseError};
use crate::schema::{Kind, Shape};
use crate::types::{Blob, DateTime, Document};
use crate::value::Value;
use base64::Engine;
use serde_json::Value as Json;

/// Parses a whole JSON body against a structure shape; an empty body (or `null`) has no members.
pub(crate) fn parse_body(shape: &'static Shape, body: &[u8]) -> Result<Value, ParseError> {
    let empty = || Value::Struct(empty_slots(shape.members()));
    if body.trim_ascii().is_empty() {
        return Ok(empty());
    }
    let json: Json = serde_json::from_slice(body).map_err(|e| {
        ParseError(format!(
            "{}: invalid JSON in the response body: {e}",
            shape.name
        ))
    })?;
    if !json.is_object() && !json.is_null() {
        return Err(ParseError(format!(
            "{}: expected a JSON object as the response body, found {}",
            shape.name,
            json_type(&json)
        )));
    }
    match parse_value(shape, json, 0) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Ok(empty()),
        Err(f) => Err(ParseError(f.render(shape.name))),
    }
}

fn json_type(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn unexpected(shape: &Shape, j: &Json) -> Fail {
    let shown = match j {
        Json::String(s) if s.len() <= 40 => format!("string {s:?}"),
        Json::Number(n) => format!("number {n}"),
        other => json_type(other).to_string(),
    };
    Fail::new(format!(
        "expected {} for shape {}, found {shown}",
        kind_name(&shape.kind),
        shape.name
    ))
}

/// Parses one JSON value; `Ok(None)` for `null` (an absent member). Timestamps are parsed
/// leniently whatever their modeled format, as botocore does.
fn parse_value(shape: &'static Shape, json: Json, depth: usize) -> Result<Option<Value>, Fail> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    if json.is_null() {
        return Ok(None);
    }
    if is_document(shape) {
        return Ok(Some(Value::Document(Document::from_json(json))));
    }
    let v = match (&shape.kind, json) {
        (Kind::Structure(members), Json::Object(mut map)) => {
            let mut slots = Vec::with_capacity(members.len());
            for m in members.iter() {
                let slot = match map.remove(m.wire_name()) {
                    Some(j) => parse_value(m.target(), j, depth + 1)
                        .map_err(|f| f.at(format!(".{}", m.name)))?,
                    None => None,
                };
                slots.push(slot);
            }
            Value::Struct(slots)
        }
        (Kind::Union(members), Json::Object(mut map)) => {
            // botocore: `__type` and nulls aside, exactly one key must be set.
            map.remove("__type");
            map.retain(|_, v| !v.is_null());
            if map.len() != 1 {
                return Err(Fail::new(format!(
                    "invalid service response: union {} must have one and only one member set, \
                     found {}",
                    shape.name,
                    map.len()
                )));
            }
            let mut slots = empty_slots(members);
            // A member this client does not know yet (botocore's `SDK_UNKNOWN_MEMBER`) leaves
            // every slot empty.
            for (i, m) in members.iter().enumerate() {
                if let Some(j) = map.remove(m.wire_name()) {
                    slots[i] = parse_value(m.target(), j, depth + 1)
                        .map_err(|f| f.at(format!(".{}", m.name)))?;
                    break;
                }
            }
            Value::Struct(slots)
        }
        (Kind::List(m), Json::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, j) in items.into_iter().enumerate() {
                // Nulls in a list have no place in a Value list; they are skipped.
                if let Some(v) =
                    parse_value(m.target(), j, depth + 1).map_err(|f| f.at(format!("[{i}]")))?
                {
                    out.push(v);
                }
            }
            Value::List(out)
        }
        (Kind::Map(_, vm), Json::Object(map)) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, j) in map {
                let parsed =
                    parse_value(vm.target(), j, depth + 1).map_err(|f| f.at(format!("[{k:?}]")))?;
                if let Some(v) = parsed {
                    out.push((k, v));
                }
            }
            Value::Map(out)
        }
        (Kind::String, Json::String(s)) => Value::Str(s),
        (Kind::Boolean, Json::Bool(b)) => Value::Bool(b),
        (
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
            Json::Number(n),
        ) => Value::Int(parse_int(shape, &n)?),
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::Number(n)) => match n.as_f64() {
            Some(f) => Value::Float(f),
            None => {
                return Err(Fail::new(format!(
                    "number {n} is not a valid {}",
                    kind_name(&shape.kind)
                )))
            }
        },
        (Kind::Float | Kind::Double | Kind::BigDecimal, Json::String(s)) => match s.as_str() {
            "NaN" => Value::Float(f64::NAN),
            "Infinity" => Value::Float(f64::INFINITY),
            "-Infinity" => Value::Float(f64::NEG_INFINITY),
            _ => return Err(unexpected(shape, &Json::String(s))),
        },
        (Kind::Blob, Json::String(s)) => Value::Blob(decode_base64(&s)?),
        (Kind::Timestamp, Json::Number(n)) => Value::Timestamp(timestamp_from_number(&n)?),
        (Kind::Timestamp, Json::String(s)) => Value::Timestamp(timestamp_from_str(&s)?),
        (_, other) => return Err(unexpected(shape, &other)),
    };
    Ok(Some(v))
}

fn parse_int(shape: &Shape, n: &serde_json::Number) -> Result<i64, Fail> {
    let value = match n.as_i64() {
        Some(i) => Some(i),
        // `3.0` is an integer to Python too; anything fractional is not.
        None => match n.as_f64() {
            Some(f) if f.fract() != 0.0 => {
                return Err(Fail::new(format!(
                    "number {n} is not an integer ({} shape {})",
                    kind_name(&shape.kind),
                    shape.name
                )))
            }
            Some(f) if f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        },
    };
    let (min, max) = match shape.kind {
        Kind::Byte => (i64::from(i8::MIN), i64::from(i8::MAX)),
        Kind::Short => (i64::from(i16::MIN), i64::from(i16::MAX)),
        Kind::Integer => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    match value {
        Some(i) if (min..=max).contains(&i) => Ok(i),
        _ => Err(Fail::new(format!(
            "number {n} is out of range for {} shape {}",
            kind_name(&shape.kind),
            shape.name
        ))),
    }
}

fn decode_base64(s: &str) -> Result<Blob, Fail> {
    // Python's b64decode drops characters outside the alphabet (line breaks, mostly).
    let cleaned: Vec<u8> = s
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .collect();
    let trimmed = {
        let end = cleaned
            .iter()
            .position(|&b| b == b'=')
            .unwrap_or(cleaned.len());
        &cleaned[..end]
    };
    LENIENT_BASE64
        .decode(trimmed)
        .map(Blob::from)
        .map_err(|e| Fail::new(format!("invalid base64 in a blob: {e}")))
}

fn timestamp_from_number(n: &serde_json::Number) -> Result<DateTime, Fail> {
    let t = match n.as_i64() {
        Some(i) if i.unsigned_abs() <= MAX_EPOCH_SECS as u64 => Some(DateTime::from_secs(i)),
        Some(_) => None,
        None => n.as_f64().and_then(timestamp_from_epoch),
    };
    t.ok_or_else(|| Fail::new(format!("timestamp {n} is out of range")))
}

/// botocore's `parse_timestamp`: epoch seconds as text, else ISO 8601, else an HTTP date.
fn timestamp_from_str(s: &str) -> Result<DateTime, Fail> {
    if let Ok(f) = s.trim().parse::<f64>() {
        if let Some(t) = timestamp_from_epoch(f) {
            return Ok(t);
        }
    }
    DateTime::parse_iso8601(s)
        .or_else(|_| DateTime::parse_http_date(s))
        .map_err(|e| Fail::new(e.to_string()))
}
