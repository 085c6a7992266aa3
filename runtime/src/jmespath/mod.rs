//! The JMESPath subset botocore's paginators and waiters use, evaluated over a [`Value`] tree
//! beside its `static` [`Shape`] (member names are resolved to positional slots through the
//! schema, so nothing is converted until a result is produced).
//!
//! Supported: identifiers (bare and `"quoted"`), sub-expressions `a.b`, indexes `[0]`/`[-1]`,
//! list projections `a[*].b`, flatten projections `a[].b`, object projections `a.*.b` / `*`,
//! filter projections `a[?x == 'y']`, pipes `a | b`, `||`, `&&`, `!`, parentheses, `@`,
//! comparisons `==` `!=` `<` `<=` `>` `>=`, literals `` `json` `` and `'raw strings'`,
//! multi-selects `[a, b]` / `{k: a}`, and the functions `length`, `contains`, `starts_with`,
//! `ends_with`, `not_null`, `type`, `keys`, `values`, `to_string`, `to_number`, `abs`, `max`,
//! `min`, `sum`. Slices and expression references (`&`) are parse errors.
//!
//! Results are [`Json`], a small JSON-like enum. Semantics follow jmespath.py (which botocore
//! uses): a missing member or a projection over a non-list is `null`, projections drop `null`s,
//! ordering comparisons of non-numbers are `null`. Parsing never panics and nesting is bounded;
//! a function applied to the wrong type is an [`Error`], as in jmespath.py.

use crate::schema::{Kind, Shape};
use crate::types::{Blob, DateTime, Document};
use crate::value::{ConvertError, Value};
use std::borrow::Cow;
use std::fmt;

use eval::{eval, Node};
use parse::Ast;

mod eval;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

/// A JSON-like value: what an expression evaluates to.
#[derive(Clone, Debug, Default)]
pub enum Json {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Array(Vec<Json>),
    /// Key order is kept (model member order for structures); equality ignores it.
    Object(Vec<(String, Json)>),
}

/// A parse or evaluation error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

impl Error {
    fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl Json {
    /// JMESPath truthiness: `false`, `null`, `""`, `[]` and `{}` are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Json::Null => false,
            Json::Bool(b) => *b,
            Json::String(s) => !s.is_empty(),
            Json::Array(a) => !a.is_empty(),
            Json::Object(o) => !o.is_empty(),
            Json::Int(_) | Json::Float(_) => true,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Int(i) => Some(*i as f64),
            Json::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// An object's member by key.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// JMESPath's type name (`type()`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Int(_) | Json::Float(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    /// Converts a typed value to JSON: structures become objects of their set members.
    pub fn from_value(value: &Value, shape: &'static Shape) -> Json {
        Node::Typed(value, shape).into_json()
    }

    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Json, Error> {
        serde_json::from_str::<serde_json::Value>(text)
            .map(|v| Json::from_serde(&v))
            .map_err(|e| Error::new(format!("invalid JSON literal {text:?}: {e}")))
    }

    /// A `serde_json` value as JSON.
    pub fn from_serde(v: &serde_json::Value) -> Json {
        match v {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Json::Int(i),
                None => Json::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Json::String(s.clone()),
            serde_json::Value::Array(a) => Json::Array(a.iter().map(Json::from_serde).collect()),
            serde_json::Value::Object(o) => Json::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Json::from_serde(v)))
                    .collect(),
            ),
        }
    }

    /// As a `serde_json` value (non-finite floats become `null`).
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Int(i) => serde_json::Value::from(*i),
            Json::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Json::String(s) => serde_json::Value::String(s.clone()),
            Json::Array(a) => serde_json::Value::Array(a.iter().map(Json::to_serde).collect()),
            Json::Object(o) => serde_json::Value::Object(
                o.iter().map(|(k, v)| (k.clone(), v.to_serde())).collect(),
            ),
        }
    }

    fn from_document(d: &Document) -> Json {
        use crate::types::Number;
        match d {
            Document::Null => Json::Null,
            Document::Bool(b) => Json::Bool(*b),
            Document::Number(Number::PosInt(u)) => match i64::try_from(*u) {
                Ok(i) => Json::Int(i),
                Err(_) => Json::Float(*u as f64),
            },
            Document::Number(Number::NegInt(i)) => Json::Int(*i),
            Document::Number(Number::Float(f)) => Json::Float(*f),
            Document::String(s) => Json::String(s.clone()),
            Document::Array(a) => Json::Array(a.iter().map(Json::from_document).collect()),
            Document::Object(o) => Json::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Json::from_document(v)))
                    .collect(),
            ),
        }
    }

    fn to_document(&self) -> Document {
        use crate::types::Number;
        match self {
            Json::Null => Document::Null,
            Json::Bool(b) => Document::Bool(*b),
            Json::Int(i) if *i >= 0 => Document::Number(Number::PosInt(*i as u64)),
            Json::Int(i) => Document::Number(Number::NegInt(*i)),
            Json::Float(f) => Document::Number(Number::Float(*f)),
            Json::String(s) => Document::String(s.clone()),
            Json::Array(a) => Document::Array(a.iter().map(Json::to_document).collect()),
            Json::Object(o) => Document::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), v.to_document()))
                    .collect(),
            ),
        }
    }

    /// Converts back to a typed value of `shape` (how a paginator's output token becomes an
    /// input member). Numbers become strings for string shapes (Route 53's `MaxItems`).
    pub fn to_value(&self, shape: &'static Shape) -> Result<Value, ConvertError> {
        use base64::Engine;
        let mismatch = || {
            ConvertError::new(format!(
                "{}: cannot convert {} {self} to this shape",
                shape.name,
                self.type_name()
            ))
        };
        Ok(match (&shape.kind, self) {
            (Kind::Document, j) => Value::Document(j.to_document()),
            (_, Json::Null) => return Err(mismatch()),
            (Kind::Structure(members) | Kind::Union(members), Json::Object(o)) => {
                let mut slots: Vec<Option<Value>> = members.iter().map(|_| None).collect();
                for (k, v) in o {
                    if let Some(i) = members.iter().position(|m| m.name == k) {
                        if !v.is_null() {
                            slots[i] = Some(v.to_value(members[i].target())?);
                        }
                    }
                }
                Value::Struct(slots)
            }
            (Kind::List(m), Json::Array(a)) => Value::List(
                a.iter()
                    .map(|v| v.to_value(m.target()))
                    .collect::<Result<_, _>>()?,
            ),
            (Kind::Map(_, v), Json::Object(o)) => Value::Map(
                o.iter()
                    .map(|(k, j)| j.to_value(v.target()).map(|x| (k.clone(), x)))
                    .collect::<Result<_, _>>()?,
            ),
            (Kind::String, Json::String(s)) => Value::Str(s.clone()),
            (Kind::String, Json::Int(_) | Json::Float(_) | Json::Bool(_)) => {
                Value::Str(self.to_string())
            }
            (Kind::Boolean, Json::Bool(b)) => Value::Bool(*b),
            (
                Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
                Json::Int(i),
            ) => Value::Int(*i),
            (
                Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
                Json::Float(f),
            ) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Int(*f as i64),
            (
                Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
                Json::String(s),
            ) => Value::Int(s.trim().parse().map_err(|_| mismatch())?),
            (
                Kind::Float | Kind::Double | Kind::BigDecimal,
                j @ (Json::Int(_) | Json::Float(_)),
            ) => Value::Float(j.as_f64().unwrap_or_default()),
            (Kind::Blob, Json::String(s)) => Value::Blob(Blob::new(
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .unwrap_or_else(|_| s.clone().into_bytes()),
            )),
            (Kind::Timestamp, j @ (Json::Int(_) | Json::Float(_))) => {
                Value::Timestamp(DateTime::from_secs_f64(j.as_f64().unwrap_or_default()))
            }
            (Kind::Timestamp, Json::String(s)) => {
                Value::Timestamp(DateTime::parse_any(s).map_err(|_| mismatch())?)
            }
            _ => return Err(mismatch()),
        })
    }
}

/// Equality as JMESPath defines it: deep, numbers by value, objects ignoring key order.
impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Int(a), Json::Int(b)) => a == b,
            (Json::Int(_) | Json::Float(_), Json::Int(_) | Json::Float(_)) => {
                self.as_f64() == other.as_f64()
            }
            (Json::String(a), Json::String(b)) => a == b,
            (Json::Array(a), Json::Array(b)) => a == b,
            (Json::Object(a), Json::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| other.get(k) == Some(v))
            }
            _ => false,
        }
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::String(s.to_string())
    }
}
impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::String(s)
    }
}
impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}
impl From<i64> for Json {
    fn from(i: i64) -> Json {
        Json::Int(i)
    }
}

fn write_json_str(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Compact JSON text.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Int(i) => write!(f, "{i}"),
            Json::Float(x) if x.is_finite() => write!(f, "{x}"),
            Json::Float(_) => f.write_str("null"),
            Json::String(s) => write_json_str(f, s),
            Json::Array(a) => {
                f.write_str("[")?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Json::Object(o) => {
                f.write_str("{")?;
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_json_str(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A compiled expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    text: String,
    ast: Ast,
}

impl Expression {
    /// Parses `text`; anything outside the supported subset is an error.
    pub fn parse(text: &str) -> Result<Expression, Error> {
        Ok(Expression {
            text: text.to_string(),
            ast: parse::parse(text)?,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Evaluates over a typed value (an operation's output and its shape).
    pub fn search(&self, value: &Value, shape: &'static Shape) -> Result<Json, Error> {
        eval(&self.ast, &Node::Typed(value, shape), 0).map(Node::into_json)
    }

    /// Evaluates over JSON.
    pub fn search_json(&self, data: &Json) -> Result<Json, Error> {
        eval(&self.ast, &Node::Json(Cow::Borrowed(data)), 0).map(Node::into_json)
    }

    /// If the expression is a plain path of member names (`a.b.c`), those names.
    pub fn as_path(&self) -> Option<Vec<&str>> {
        fn walk<'a>(a: &'a Ast, out: &mut Vec<&'a str>) -> bool {
            match a {
                Ast::Field(f) => {
                    out.push(f);
                    true
                }
                Ast::Sub(l, r) => walk(l, out) && walk(r, out),
                _ => false,
            }
        }
        let mut out = Vec::new();
        walk(&self.ast, &mut out).then_some(out)
    }
}

/// Parses and evaluates `expression` over a typed value in one go.
pub fn search(expression: &str, value: &Value, shape: &'static Shape) -> Result<Json, Error> {
    Expression::parse(expression)?.search(value, shape)
}
