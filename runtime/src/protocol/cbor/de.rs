//! Reading a CBOR body into a Value by schema (botocore's `BaseCBORParser` and
//! `BaseRpcV2Parser._handle_*`), with `minicbor`'s streaming decoder: no intermediate tree.
//!
//! Hostile input is bounded: every read is checked against the remaining input, a length prefix
//! never pre-allocates more than [`MAX_PREALLOC`] items, nesting stops at [`MAX_DEPTH`], and
//! unknown members are skipped by `minicbor`'s iterative (non-recursive) `skip`.

use crate::protocol::codec::{is_document, kind_name, too_deep, Fail, MAX_DEPTH};
use crate::protocol::format::{timestamp_from_epoch, MAX_EPOCH_SECS};
use crate::protocol::{empty_slots, ParseError};
use crate::schema::{Kind, Member, Shape};
use crate::types::{Blob, DateTime, Document, Number};
use crate::value::Value;
use minicbor::data::Type;
use minicbor::Decoder;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Most items a definite length may reserve room for up front; more are pushed as they come.
const MAX_PREALLOC: usize = 1024;
/// Parses a whole CBOR body against a structure shape; an empty body (or `null`) has no members.
/// Bytes after the first data item are ignored, as botocore reads exactly one.
pub(crate) fn parse_body(shape: &'static Shape, body: &[u8]) -> Result<Value, ParseError> {
    let empty = || Value::Struct(empty_slots(shape.members()));
    if body.is_empty() {
        return Ok(empty());
    }
    let mut d = Decoder::new(body);
    match parse_value(&mut d, shape, 0) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Ok(empty()),
        Err(f) => Err(ParseError(f.render(shape.name))),
    }
}

/// The fields of an error body that [`super::parse_error`] reads.
#[derive(Debug, Default)]
pub(super) struct ErrorFields {
    pub type_: Option<String>,
    pub message: Option<String>,
    pub message_upper: Option<String>,
}

/// Reads `__type`, `message` and `Message` from an error body's top-level map, skipping the rest.
/// A body that is not a CBOR map is an error (botocore fails on it too).
pub(super) fn scan_error_body(body: &[u8]) -> Result<ErrorFields, String> {
    let mut d = Decoder::new(body);
    let mut fields = ErrorFields::default();
    let ty = peek(&d).map_err(|f| f.msg)?;
    if !matches!(ty, Type::Map | Type::MapIndef) {
        return Err(format!("expected a CBOR map, found {}", type_name(ty)));
    }
    let scan = |d: &mut Decoder<'_>, fields: &mut ErrorFields| -> Result<(), Fail> {
        let mut entries = Entries::new(d.map().map_err(cbor)?);
        while entries.next(d)? {
            let key = match peek(d)? {
                Type::String | Type::StringIndef => Some(read_text(d)?),
                _ => {
                    d.skip().map_err(cbor)?;
                    None
                }
            };
            let slot = match key.as_deref() {
                Some("__type") => Some(&mut fields.type_),
                Some("message") => Some(&mut fields.message),
                Some("Message") => Some(&mut fields.message_upper),
                _ => None,
            };
            match (slot, peek(d)?) {
                (Some(slot), Type::String | Type::StringIndef) => {
                    *slot = Some(read_text(d)?.into_owned())
                }
                // Nulls are dropped while decoding, so they never replace a value; other types
                // are not a code or a message.
                _ => d.skip().map_err(cbor)?,
            }
        }
        Ok(())
    };
    scan(&mut d, &mut fields).map_err(|f| f.msg)?;
    Ok(fields)
}

// ---------------------------------------------------------------------------------------------
// Low-level reading
// ---------------------------------------------------------------------------------------------

fn cbor(e: minicbor::decode::Error) -> Fail {
    Fail::new(format!("malformed CBOR: {e}"))
}

fn peek(d: &Decoder<'_>) -> Result<Type, Fail> {
    d.datatype().map_err(cbor)
}

/// The next `len` items of an array or map (`None`: indefinite, up to a break).
struct Entries {
    len: Option<u64>,
    read: u64,
}

impl Entries {
    fn new(len: Option<u64>) -> Entries {
        Entries { len, read: 0 }
    }

    /// Whether another item follows; consumes the break of an indefinite container.
    fn next(&mut self, d: &mut Decoder<'_>) -> Result<bool, Fail> {
        match self.len {
            Some(n) if self.read >= n => Ok(false),
            Some(_) => {
                self.read += 1;
                Ok(true)
            }
            None => {
                if peek(d)? == Type::Break {
                    d.set_position(d.position() + 1);
                    Ok(false)
                } else {
                    self.read += 1;
                    Ok(true)
                }
            }
        }
    }

    /// Room to reserve: never more than the items the rest of the input could hold.
    fn prealloc(&self, d: &Decoder<'_>) -> usize {
        let remaining = d.input().len().saturating_sub(d.position());
        match self.len {
            Some(n) => usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(remaining)
                .min(MAX_PREALLOC),
            None => 0,
        }
    }
}

fn type_name(ty: Type) -> String {
    match ty {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => "unsigned integer".into(),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => "integer".into(),
        Type::F16 | Type::F32 | Type::F64 => "float".into(),
        Type::String | Type::StringIndef => "text string".into(),
        Type::Bytes | Type::BytesIndef => "byte string".into(),
        Type::Array | Type::ArrayIndef => "array".into(),
        Type::Map | Type::MapIndef => "map".into(),
        Type::Break => "unexpected break".into(),
        Type::Unknown(b) => format!("invalid initial byte 0x{b:02x}"),
        other => other.to_string(),
    }
}

fn unexpected(shape: &Shape, ty: Type) -> Fail {
    Fail::new(format!(
        "expected {} for shape {}, found CBOR {}",
        kind_name(&shape.kind),
        shape.name,
        type_name(ty)
    ))
}

/// A text string, definite (borrowed) or indefinite (its chunks joined).
fn read_text<'b>(d: &mut Decoder<'b>) -> Result<Cow<'b, str>, Fail> {
    match peek(d)? {
        Type::String => d.str().map(Cow::Borrowed).map_err(cbor),
        Type::StringIndef => {
            let mut s = String::new();
            for chunk in d.str_iter().map_err(cbor)? {
                s.push_str(chunk.map_err(cbor)?);
            }
            Ok(Cow::Owned(s))
        }
        other => Err(Fail::new(format!(
            "expected a text string, found CBOR {}",
            type_name(other)
        ))),
    }
}

/// A byte string, definite or indefinite.
fn read_byte_string<'b>(d: &mut Decoder<'b>) -> Result<Cow<'b, [u8]>, Fail> {
    match peek(d)? {
        Type::Bytes => d.bytes().map(Cow::Borrowed).map_err(cbor),
        Type::BytesIndef => {
            let mut v = Vec::new();
            for chunk in d.bytes_iter().map_err(cbor)? {
                v.extend_from_slice(chunk.map_err(cbor)?);
            }
            Ok(Cow::Owned(v))
        }
        other => Err(Fail::new(format!(
            "expected a byte string, found CBOR {}",
            type_name(other)
        ))),
    }
}

/// IEEE 754 half precision to `f64` (exact: every half is a double).
fn f16_to_f64(bits: u16) -> f64 {
    let negative = bits & 0x8000 != 0;
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x03ff);
    let magnitude = match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// Any CBOR float; `ty` is the peeked type.
pub(super) fn read_float_item(d: &mut Decoder<'_>, ty: Type) -> Result<f64, Fail> {
    match ty {
        Type::F16 => {
            let pos = d.position();
            let bits = d
                .input()
                .get(pos + 1..pos + 3)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| Fail::new("malformed CBOR: end of input bytes"))?;
            d.set_position(pos + 3);
            Ok(f16_to_f64(bits))
        }
        _ => d.f64().map_err(cbor),
    }
}

pub(super) fn is_int_type(ty: Type) -> bool {
    matches!(
        ty,
        Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int
    )
}

fn is_float_type(ty: Type) -> bool {
    matches!(ty, Type::F16 | Type::F32 | Type::F64)
}

fn int_range(kind: &Kind) -> (i128, i128) {
    match kind {
        Kind::Byte => (i8::MIN.into(), i8::MAX.into()),
        Kind::Short => (i16::MIN.into(), i16::MAX.into()),
        Kind::Integer => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

fn checked_int(shape: &Shape, n: i128) -> Result<i64, Fail> {
    let (min, max) = int_range(&shape.kind);
    if (min..=max).contains(&n) {
        // In range of an i64 by construction.
        Ok(n as i64)
    } else {
        Err(Fail::new(format!(
            "{n} is out of range for {} shape {}",
            kind_name(&shape.kind),
            shape.name
        )))
    }
}

/// An integer shape's value: any CBOR integer in range, or a float with no fraction.
fn read_int(d: &mut Decoder<'_>, shape: &Shape, ty: Type) -> Result<i64, Fail> {
    if is_int_type(ty) {
        let i = d.int().map_err(cbor)?;
        return checked_int(shape, i128::from(i));
    }
    if is_float_type(ty) {
        let f = read_float_item(d, ty)?;
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e18 {
            return checked_int(shape, f as i128);
        }
        return Err(Fail::new(format!(
            "{f} is not an integer ({} shape {})",
            kind_name(&shape.kind),
            shape.name
        )));
    }
    Err(unexpected(shape, ty))
}

/// A float shape's value: any CBOR float, or an integer.
fn read_float(d: &mut Decoder<'_>, shape: &Shape, ty: Type) -> Result<f64, Fail> {
    if is_float_type(ty) {
        return read_float_item(d, ty);
    }
    if is_int_type(ty) {
        return Ok(i128::from(d.int().map_err(cbor)?) as f64);
    }
    Err(unexpected(shape, ty))
}

/// The number inside tag 1 (or an untagged number where a timestamp is expected).
fn read_epoch(d: &mut Decoder<'_>) -> Result<DateTime, Fail> {
    let ty = peek(d)?;
    let t = if is_int_type(ty) {
        let i = i128::from(d.int().map_err(cbor)?);
        (i.unsigned_abs() <= MAX_EPOCH_SECS as u128).then(|| DateTime::from_secs(i as i64))
    } else if is_float_type(ty) {
        timestamp_from_epoch(read_float_item(d, ty)?)
    } else {
        return Err(Fail::new(format!(
            "unable to parse a datetime from CBOR {}",
            type_name(ty)
        )));
    };
    t.ok_or_else(|| Fail::new("timestamp is out of range"))
}

/// Tags 2 and 3 (bignums) for integer shapes.
fn read_bignum(d: &mut Decoder<'_>, shape: &Shape, negative: bool) -> Result<i64, Fail> {
    let bytes = read_byte_string(d)?;
    let digits: &[u8] = {
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        &bytes[start..]
    };
    if digits.len() > 8 {
        return Err(Fail::new(format!(
            "bignum of {} bytes is out of range for {} shape {}",
            digits.len(),
            kind_name(&shape.kind),
            shape.name
        )));
    }
    let n = digits.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
    let n = i128::from(n);
    checked_int(shape, if negative { -1 - n } else { n })
}

/// Tag 4 (decimal fraction `[exponent, mantissa]`) for float shapes.
fn read_decimal_fraction(d: &mut Decoder<'_>) -> Result<f64, Fail> {
    let bad = || Fail::new("a decimal fraction must be an array of two integers");
    if !matches!(peek(d)?, Type::Array | Type::ArrayIndef) {
        return Err(bad());
    }
    let mut entries = Entries::new(d.array().map_err(cbor)?);
    let mut parts = [0i128; 2];
    for part in parts.iter_mut() {
        if !entries.next(d)? || !is_int_type(peek(d)?) {
            return Err(bad());
        }
        *part = i128::from(d.int().map_err(cbor)?);
    }
    if entries.next(d)? {
        return Err(bad());
    }
    let [exponent, mantissa] = parts;
    // Parsing the decimal text rounds once, correctly.
    format!("{mantissa}e{exponent}")
        .parse::<f64>()
        .map_err(|_| bad())
}

// ---------------------------------------------------------------------------------------------
// Values by schema
// ---------------------------------------------------------------------------------------------

/// Parses one data item as `shape`; `Ok(None)` for null or undefined (an absent member).
fn parse_value(
    d: &mut Decoder<'_>,
    shape: &'static Shape,
    depth: usize,
) -> Result<Option<Value>, Fail> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let ty = peek(d)?;
    match ty {
        Type::Null => {
            d.null().map_err(cbor)?;
            return Ok(None);
        }
        Type::Undefined => {
            d.undefined().map_err(cbor)?;
            return Ok(None);
        }
        _ => {}
    }
    if is_document(shape) {
        return parse_document(d, depth).map(|doc| Some(Value::Document(doc)));
    }
    if ty == Type::Tag {
        return parse_tagged(d, shape).map(Some);
    }
    let v = match &shape.kind {
        Kind::Structure(members) => parse_struct(d, shape, members, false, ty, depth)?,
        Kind::Union(members) => parse_struct(d, shape, members, true, ty, depth)?,
        Kind::List(m) => {
            if !matches!(ty, Type::Array | Type::ArrayIndef) {
                return Err(unexpected(shape, ty));
            }
            let mut entries = Entries::new(d.array().map_err(cbor)?);
            let mut out = Vec::with_capacity(entries.prealloc(d));
            let mut i = 0usize;
            while entries.next(d)? {
                // Nulls in a list have no place in a Value list; they are skipped.
                if let Some(v) =
                    parse_value(d, m.target(), depth + 1).map_err(|f| f.at(format!("[{i}]")))?
                {
                    out.push(v);
                }
                i += 1;
            }
            Value::List(out)
        }
        Kind::Map(_, vm) => {
            if !matches!(ty, Type::Map | Type::MapIndef) {
                return Err(unexpected(shape, ty));
            }
            let mut entries = Entries::new(d.map().map_err(cbor)?);
            let mut out = Vec::with_capacity(entries.prealloc(d));
            while entries.next(d)? {
                let key = read_text(d)
                    .map_err(|f| Fail::new(format!("map key of shape {}: {}", shape.name, f.msg)))?
                    .into_owned();
                let parsed = parse_value(d, vm.target(), depth + 1)
                    .map_err(|f| f.at(format!("[{key:?}]")))?;
                // botocore drops null map values while decoding.
                if let Some(v) = parsed {
                    out.push((key, v));
                }
            }
            Value::Map(out)
        }
        Kind::String => match ty {
            Type::String | Type::StringIndef => Value::Str(read_text(d)?.into_owned()),
            _ => return Err(unexpected(shape, ty)),
        },
        Kind::Boolean => match ty {
            Type::Bool => Value::Bool(d.bool().map_err(cbor)?),
            _ => return Err(unexpected(shape, ty)),
        },
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
            Value::Int(read_int(d, shape, ty)?)
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => Value::Float(read_float(d, shape, ty)?),
        Kind::Blob => match ty {
            Type::Bytes | Type::BytesIndef => {
                Value::Blob(Blob::from(read_byte_string(d)?.into_owned()))
            }
            // botocore hands a text string through as is.
            Type::String | Type::StringIndef => Value::Blob(Blob::from(read_text(d)?.into_owned())),
            _ => return Err(unexpected(shape, ty)),
        },
        // Untagged epoch seconds are accepted too.
        Kind::Timestamp if is_int_type(ty) || is_float_type(ty) => Value::Timestamp(read_epoch(d)?),
        Kind::Timestamp => return Err(unexpected(shape, ty)),
        Kind::Document => Value::Document(parse_document(d, depth)?),
    };
    Ok(Some(v))
}

/// A tagged item: tag 1 for timestamps (all botocore supports), tags 2/3 (bignums) for integer
/// shapes and tag 4 (decimal fractions) for float shapes, as the specification defines them.
fn parse_tagged(d: &mut Decoder<'_>, shape: &'static Shape) -> Result<Value, Fail> {
    let tag = d.tag().map_err(cbor)?.as_u64();
    match (tag, &shape.kind) {
        (1, Kind::Timestamp) => Ok(Value::Timestamp(read_epoch(d)?)),
        (2 | 3, Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger) => {
            Ok(Value::Int(read_bignum(d, shape, tag == 3)?))
        }
        (4, Kind::Float | Kind::Double | Kind::BigDecimal) => {
            Ok(Value::Float(read_decimal_fraction(d)?))
        }
        (1, kind) => Err(Fail::new(format!(
            "expected {} for shape {}, found a CBOR timestamp (tag 1)",
            kind_name(kind),
            shape.name
        ))),
        (_, kind) => Err(Fail::new(format!(
            "CBOR tag {tag} is not supported for {} shape {}",
            kind_name(kind),
            shape.name
        ))),
    }
}

/// A structure or union: a map keyed by member name (botocore's `BaseRpcV2Parser` looks members
/// up by name, not `locationName`); unknown keys are skipped, null values leave members unset.
fn parse_struct(
    d: &mut Decoder<'_>,
    shape: &'static Shape,
    members: &'static [Member],
    union: bool,
    ty: Type,
    depth: usize,
) -> Result<Value, Fail> {
    if !matches!(ty, Type::Map | Type::MapIndef) {
        return Err(unexpected(shape, ty));
    }
    let mut entries = Entries::new(d.map().map_err(cbor)?);
    let mut slots = empty_slots(members);
    // Union members set, `__type` and nulls aside (counted per key, as botocore does).
    let mut set = 0usize;
    while entries.next(d)? {
        let key = match peek(d)? {
            Type::String | Type::StringIndef => Some(read_text(d)?),
            // A key no member can match (botocore keeps it in a dict and never reads it).
            _ => {
                d.skip().map_err(cbor)?;
                None
            }
        };
        let index = key
            .as_deref()
            .and_then(|k| members.iter().position(|m| m.name == k));
        match index {
            Some(i) => {
                let m = &members[i];
                let v = parse_value(d, m.target(), depth + 1)
                    .map_err(|f| f.at(format!(".{}", m.name)))?;
                if let Some(v) = v {
                    slots[i] = Some(v);
                    set += 1;
                }
            }
            None => {
                let null = matches!(peek(d)?, Type::Null | Type::Undefined);
                d.skip().map_err(cbor)?;
                if !null && key.as_deref() != Some("__type") {
                    set += 1;
                }
            }
        }
    }
    if union && set != 1 {
        return Err(Fail::new(format!(
            "invalid service response: union {} must have one and only one member set, found {set}",
            shape.name
        )));
    }
    Ok(Value::Struct(slots))
}

/// Any CBOR item as a document (nulls in maps dropped, as botocore's decoder does).
fn parse_document(d: &mut Decoder<'_>, depth: usize) -> Result<Document, Fail> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let ty = peek(d)?;
    Ok(match ty {
        Type::Null => {
            d.null().map_err(cbor)?;
            Document::Null
        }
        Type::Undefined => {
            d.undefined().map_err(cbor)?;
            Document::Null
        }
        Type::Bool => Document::Bool(d.bool().map_err(cbor)?),
        t if is_int_type(t) => {
            let i = i128::from(d.int().map_err(cbor)?);
            Document::Number(if let Ok(u) = u64::try_from(i) {
                Number::PosInt(u)
            } else if let Ok(n) = i64::try_from(i) {
                Number::NegInt(n)
            } else {
                Number::Float(i as f64)
            })
        }
        t if is_float_type(t) => Document::Number(Number::Float(read_float_item(d, t)?)),
        Type::String | Type::StringIndef => Document::String(read_text(d)?.into_owned()),
        Type::Bytes | Type::BytesIndef => {
            Document::String(String::from_utf8_lossy(&read_byte_string(d)?).into_owned())
        }
        Type::Array | Type::ArrayIndef => {
            let mut entries = Entries::new(d.array().map_err(cbor)?);
            let mut out = Vec::with_capacity(entries.prealloc(d));
            let mut i = 0usize;
            while entries.next(d)? {
                out.push(parse_document(d, depth + 1).map_err(|f| f.at(format!("[{i}]")))?);
                i += 1;
            }
            Document::Array(out)
        }
        Type::Map | Type::MapIndef => {
            let mut entries = Entries::new(d.map().map_err(cbor)?);
            let mut out = BTreeMap::new();
            while entries.next(d)? {
                let key = read_text(d)?.into_owned();
                let v = parse_document(d, depth + 1).map_err(|f| f.at(format!("[{key:?}]")))?;
                if v != Document::Null {
                    out.insert(key, v);
                }
            }
            Document::Object(out)
        }
        Type::Tag => {
            let tag = d.tag().map_err(cbor)?.as_u64();
            if tag != 1 {
                return Err(Fail::new(format!(
                    "CBOR tag {tag} is not supported in a document"
                )));
            }
            let t = read_epoch(d)?;
            Document::Number(Number::Float(t.as_secs_f64()))
        }
        other => {
            return Err(Fail::new(format!(
                "unexpected CBOR {} in a document",
                type_name(other)
            )))
        }
    })
}
