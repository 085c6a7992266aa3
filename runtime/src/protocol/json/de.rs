//! Reading a JSON body into a Value (botocore's `BaseJSONParser._handle_*`).
//!
//! The body is read in one streaming pass driven by the expected shape (a serde
//! `DeserializeSeed` per shape): values go straight into a `Value`, unknown members are skipped
//! without being built, and no intermediate `serde_json::Value` tree is allocated (that tree and
//! its map lookups were most of the cost of a large DynamoDB Query response).
//!
//! Errors keep the precedence of a parse-then-convert reader: a body that is not valid JSON is
//! reported as such even when a shape mismatch comes first in it (checked again only on the
//! error path, so a good response pays nothing for it).

use crate::protocol::codec::{is_document, kind_name, too_deep, Fail, MAX_DEPTH};
use crate::protocol::format::{timestamp_from_epoch, LENIENT_BASE64, MAX_EPOCH_SECS};
use crate::protocol::{empty_slots, ParseError};
use crate::schema::{Kind, Member, Shape};
use crate::types::{Blob, DateTime, Document};
use crate::value::Value;
use base64::Engine;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value as Json;
use std::cell::RefCell;
use std::fmt;

/// Parses a whole JSON body against a structure shape; an empty body (or `null`) has no members.
pub(crate) fn parse_body(shape: &'static Shape, body: &[u8]) -> Result<Value, ParseError> {
    let empty = || Value::Struct(empty_slots(shape.members()));
    if body.trim_ascii().is_empty() {
        return Ok(empty());
    }
    // Checked as UTF-8 once, whole: read from bytes, serde_json checks every string it meets
    // on its own, which was a twentieth of reading a DynamoDB Query response.
    let body = std::str::from_utf8(body).map_err(|e| {
        ParseError(format!(
            "{}: invalid JSON in the response body: not UTF-8 (at byte {})",
            shape.name,
            e.valid_up_to()
        ))
    })?;
    let ctx = Ctx::default();
    let mut de = serde_json::Deserializer::from_str(body);
    let read = Top { shape, ctx: &ctx }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match read {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Ok(empty()),
        Err(e) => {
            let invalid = |e: &serde_json::Error| {
                ParseError(format!(
                    "{}: invalid JSON in the response body: {e}",
                    shape.name
                ))
            };
            match ctx.fail.into_inner() {
                // A syntax error of serde_json's own.
                None => Err(invalid(&e)),
                Some(failure) => {
                    // Bad JSON anywhere wins over a shape mismatch met earlier in the body.
                    if let Err(syntax) = serde_json::from_str::<IgnoredAny>(body) {
                        return Err(invalid(&syntax));
                    }
                    Err(ParseError(match failure {
                        Failure::Shape(f) => f.render(shape.name),
                        Failure::NotObject(found) => format!(
                            "{}: expected a JSON object as the response body, found {found}",
                            shape.name
                        ),
                    }))
                }
            }
        }
    }
}

/// Why the shape-driven reader stopped; serde's error type only carries text, so the typed
/// failure (and its path, collected on the way back up) is kept here.
#[derive(Default)]
struct Ctx {
    fail: RefCell<Option<Failure>>,
}

enum Failure {
    Shape(Fail),
    /// The body is valid JSON but not an object (or null): the JSON type found.
    NotObject(&'static str),
}

impl Ctx {
    /// Records `f` and returns the error that unwinds the deserializer.
    fn fail<E: de::Error>(&self, f: Failure) -> E {
        *self.fail.borrow_mut() = Some(f);
        E::custom("the response does not match its shape")
    }

    fn shape<E: de::Error>(&self, f: Fail) -> E {
        self.fail(Failure::Shape(f))
    }

    /// Adds a path segment to a recorded shape failure as the error passes through a container.
    fn at<E>(&self, e: E, segment: impl FnOnce() -> String) -> E {
        if let Some(Failure::Shape(f)) = &mut *self.fail.borrow_mut() {
            f.path.push(segment());
        }
        e
    }
}

/// The whole body: an object read against the output shape, or `null`.
struct Top<'c> {
    shape: &'static Shape,
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        if is_document(self.shape) {
            let json = Json::deserialize(d)?;
            if !json.is_object() && !json.is_null() {
                return Err(self.ctx.fail(Failure::NotObject(json_type(&json))));
            }
            return Ok((!json.is_null()).then(|| Value::Document(Document::from_json(json))));
        }
        d.deserialize_any(ShapeVisitor {
            shape: self.shape,
            depth: 0,
            ctx: self.ctx,
            top: true,
        })
    }
}

/// One value read against `shape`; `None` for `null` (an absent member). Timestamps are parsed
/// leniently whatever their modeled format, as botocore does.
struct Seed<'c> {
    shape: &'static Shape,
    depth: usize,
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(self.ctx.shape(too_deep()));
        }
        if is_document(self.shape) {
            let json = Json::deserialize(d)?;
            return Ok((!json.is_null()).then(|| Value::Document(Document::from_json(json))));
        }
        d.deserialize_any(ShapeVisitor {
            shape: self.shape,
            depth: self.depth,
            ctx: self.ctx,
            top: false,
        })
    }
}

struct ShapeVisitor<'c> {
    shape: &'static Shape,
    depth: usize,
    ctx: &'c Ctx,
    /// The body itself, which must be an object or null.
    top: bool,
}

impl ShapeVisitor<'_> {
    fn child(&self, shape: &'static Shape) -> Seed<'_> {
        Seed {
            shape,
            depth: self.depth + 1,
            ctx: self.ctx,
        }
    }

    /// A JSON value of the wrong type for the shape; `shown` describes it.
    fn unexpected<E: de::Error>(&self, json_type: &'static str, shown: String) -> E {
        if self.top {
            return self.ctx.fail(Failure::NotObject(json_type));
        }
        self.ctx.shape(Fail::new(format!(
            "expected {} for shape {}, found {shown}",
            kind_name(&self.shape.kind),
            self.shape.name
        )))
    }

    fn number<E: de::Error>(&self, n: serde_json::Number) -> Result<Option<Value>, E> {
        let parsed = match &self.shape.kind {
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
                parse_int(self.shape, &n).map(Value::Int)
            }
            Kind::Float | Kind::Double | Kind::BigDecimal => match n.as_f64() {
                Some(f) => Ok(Value::Float(f)),
                None => Err(Fail::new(format!(
                    "number {n} is not a valid {}",
                    kind_name(&self.shape.kind)
                ))),
            },
            Kind::Timestamp => timestamp_from_number(&n).map(Value::Timestamp),
            _ => return Err(self.unexpected("number", format!("number {n}"))),
        };
        parsed.map(Some).map_err(|f| self.ctx.shape(f))
    }

    fn string<E: de::Error>(&self, s: &str) -> Result<Option<Value>, E> {
        let parsed = match &self.shape.kind {
            Kind::String => Ok(Value::Str(s.to_owned())),
            Kind::Float | Kind::Double | Kind::BigDecimal if s == "NaN" => {
                Ok(Value::Float(f64::NAN))
            }
            Kind::Float | Kind::Double | Kind::BigDecimal if s == "Infinity" => {
                Ok(Value::Float(f64::INFINITY))
            }
            Kind::Float | Kind::Double | Kind::BigDecimal if s == "-Infinity" => {
                Ok(Value::Float(f64::NEG_INFINITY))
            }
            Kind::Blob => decode_base64(s).map(Value::Blob),
            Kind::Timestamp => timestamp_from_str(s).map(Value::Timestamp),
            _ => {
                let shown = if s.len() <= 40 {
                    format!("string {s:?}")
                } else {
                    "string".to_string()
                };
                return Err(self.unexpected("string", shown));
            }
        };
        parsed.map(Some).map_err(|f| self.ctx.shape(f))
    }

    fn structure<'de, A: MapAccess<'de>>(
        &self,
        members: &'static [Member],
        mut map: A,
    ) -> Result<Option<Value>, A::Error> {
        let mut slots = empty_slots(members);
        while let Some(key) = map.next_key_seed(MemberKey(members))? {
            match members.get(key) {
                Some(m) => {
                    // A repeated key: the last one wins, as in a parsed JSON object.
                    slots[key] = map
                        .next_value_seed(self.child(m.target()))
                        .map_err(|e| self.ctx.at(e, || format!(".{}", m.name)))?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(Value::Struct(slots)))
    }

    fn union<'de, A: MapAccess<'de>>(
        &self,
        members: &'static [Member],
        mut map: A,
    ) -> Result<Option<Value>, A::Error> {
        let mut slots = empty_slots(members);
        // botocore: `__type` and nulls aside, exactly one key must be set. A member this client
        // does not know yet (botocore's `SDK_UNKNOWN_MEMBER`) counts but leaves every slot empty.
        let mut unknown: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(UnionKey(members))? {
            match key {
                UnionKeyOf::Type => {
                    map.next_value::<IgnoredAny>()?;
                }
                UnionKeyOf::Member(i) => {
                    let m = &members[i];
                    slots[i] = map
                        .next_value_seed(self.child(m.target()))
                        .map_err(|e| self.ctx.at(e, || format!(".{}", m.name)))?;
                }
                UnionKeyOf::Unknown(key) => {
                    let set = !map.next_value::<Json>()?.is_null();
                    unknown.retain(|k| *k != key);
                    if set {
                        unknown.push(key);
                    }
                }
            }
        }
        let set = slots.iter().filter(|s| s.is_some()).count() + unknown.len();
        if set != 1 {
            return Err(self.ctx.shape(Fail::new(format!(
                "invalid service response: union {} must have one and only one member set, \
                 found {set}",
                self.shape.name
            ))));
        }
        Ok(Some(Value::Struct(slots)))
    }
}

impl<'de> Visitor<'de> for ShapeVisitor<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a JSON value for shape {}", self.shape.name)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Option<Value>, E> {
        match self.shape.kind {
            Kind::Boolean => Ok(Some(Value::Bool(b))),
            _ => Err(self.unexpected("boolean", "boolean".to_string())),
        }
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Option<Value>, E> {
        self.number(i.into())
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Option<Value>, E> {
        self.number(u.into())
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Option<Value>, E> {
        // serde_json rejects non-finite numbers itself, so this always converts.
        match serde_json::Number::from_f64(f) {
            Some(n) => self.number(n),
            None => Err(self.unexpected("number", format!("number {f}"))),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Option<Value>, E> {
        self.string(s)
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Option<Value>, E> {
        match self.shape.kind {
            // The string serde_json unescaped is the member's value as it is.
            Kind::String => Ok(Some(Value::Str(s))),
            _ => self.string(&s),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let Kind::List(m) = &self.shape.kind else {
            return Err(self.unexpected("array", "array".to_string()));
        };
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let mut i = 0usize;
        loop {
            let item = seq
                .next_element_seed(self.child(m.target()))
                .map_err(|e| self.ctx.at(e, || format!("[{i}]")))?;
            match item {
                // Nulls in a list have no place in a Value list; they are skipped.
                Some(Some(v)) => out.push(v),
                Some(None) => {}
                None => break,
            }
            i += 1;
        }
        Ok(Some(Value::List(out)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        match &self.shape.kind {
            Kind::Structure(members) => self.structure(members, map),
            Kind::Union(members) => self.union(members, map),
            Kind::Map(_, vm) => {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let parsed = map
                        .next_value_seed(self.child(vm.target()))
                        .map_err(|e| self.ctx.at(e, || format!("[{k:?}]")))?;
                    if let Some(v) = parsed {
                        out.push((k, v));
                    }
                }
                Ok(Some(Value::Map(out)))
            }
            _ => Err(self.unexpected("object", "object".to_string())),
        }
    }
}

/// A structure's key: the index of the member it names, or `members.len()` for one this client
/// does not know (skipped). Compared in place, so a key is never allocated.
struct MemberKey(&'static [Member]);

impl<'de> DeserializeSeed<'de> for MemberKey {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberKey {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self
            .0
            .iter()
            .position(|m| m.wire_name() == key)
            .unwrap_or(self.0.len()))
    }
}

/// A union's key: a member (compared in place, as [`MemberKey`] does: a union's value, such
/// as each DynamoDB `AttributeValue`, is read per attribute), `__type`, or one this client does
/// not know, kept to count it.
struct UnionKey(&'static [Member]);

enum UnionKeyOf {
    Member(usize),
    Type,
    Unknown(String),
}

impl<'de> DeserializeSeed<'de> for UnionKey {
    type Value = UnionKeyOf;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<UnionKeyOf, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for UnionKey {
    type Value = UnionKeyOf;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<UnionKeyOf, E> {
        Ok(if key == "__type" {
            UnionKeyOf::Type
        } else {
            match self.0.iter().position(|m| m.wire_name() == key) {
                Some(i) => UnionKeyOf::Member(i),
                None => UnionKeyOf::Unknown(key.to_owned()),
            }
        })
    }
}

/// The JSON type of a value, as messages about a mismatch name it.
pub(crate) fn json_type(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
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
