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

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Literal(Json),
    Number(i64),
    Dot,
    Star,
    Flatten,
    Filter,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    At,
    Ampersand,
    And,
    Or,
    Pipe,
    Not,
    Cmp(CmpOp),
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

fn lex(text: &str) -> Result<Vec<Tok>, Error> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Text up to the unescaped `end`, with `\end` unescaped; other escapes kept as written.
    let until = |i: &mut usize, end: char| -> Result<String, Error> {
        let mut s = String::new();
        loop {
            match chars.get(*i) {
                None => return Err(Error::new(format!("unterminated {end} in {text:?}"))),
                Some('\\') if chars.get(*i + 1) == Some(&end) => {
                    s.push(end);
                    *i += 2;
                }
                Some('\\') => {
                    s.push('\\');
                    if let Some(c) = chars.get(*i + 1) {
                        s.push(*c);
                    }
                    *i += 2;
                }
                Some(c) if *c == end => {
                    *i += 1;
                    return Ok(s);
                }
                Some(c) => {
                    s.push(*c);
                    *i += 1;
                }
            }
        }
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let two = |t: Tok, one: Tok| if next == Some('=') { (t, 2) } else { (one, 1) };
        let (tok, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
                continue;
            }
            '0'..='9' | '-' => {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                let n = s
                    .parse()
                    .map_err(|_| Error::new(format!("invalid number {s:?} in {text:?}")))?;
                out.push(Tok::Number(n));
                continue;
            }
            '"' => {
                i += 1;
                let raw = until(&mut i, '"')?;
                let s = serde_json::from_str::<String>(&format!("\"{raw}\""))
                    .map_err(|e| Error::new(format!("invalid quoted identifier \"{raw}\": {e}")))?;
                out.push(Tok::Quoted(s));
                continue;
            }
            '\'' => {
                i += 1;
                let s = until(&mut i, '\'')?;
                out.push(Tok::Literal(Json::String(s)));
                continue;
            }
            '`' => {
                i += 1;
                let s = until(&mut i, '`')?;
                // jmespath.py's legacy form: an unquoted string literal (`foo`).
                let lit =
                    Json::parse(&s).or_else(|_| Json::parse(&format!("\"{}\"", s.trim_start())))?;
                out.push(Tok::Literal(lit));
                continue;
            }
            '.' => (Tok::Dot, 1),
            '*' => (Tok::Star, 1),
            '[' => match next {
                Some(']') => (Tok::Flatten, 2),
                Some('?') => (Tok::Filter, 2),
                _ => (Tok::LBracket, 1),
            },
            ']' => (Tok::RBracket, 1),
            '{' => (Tok::LBrace, 1),
            '}' => (Tok::RBrace, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            ':' => (Tok::Colon, 1),
            '@' => (Tok::At, 1),
            '&' if next == Some('&') => (Tok::And, 2),
            '&' => (Tok::Ampersand, 1),
            '|' if next == Some('|') => (Tok::Or, 2),
            '|' => (Tok::Pipe, 1),
            '!' => two(Tok::Cmp(CmpOp::Ne), Tok::Not),
            '<' => two(Tok::Cmp(CmpOp::Le), Tok::Cmp(CmpOp::Lt)),
            '>' => two(Tok::Cmp(CmpOp::Ge), Tok::Cmp(CmpOp::Gt)),
            '=' if next == Some('=') => (Tok::Cmp(CmpOp::Eq), 2),
            other => {
                return Err(Error::new(format!(
                    "unexpected character {other:?} at {i} in {text:?}"
                )))
            }
        };
        out.push(tok);
        i += len;
    }
    out.push(Tok::Eof);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser (a Pratt parser with jmespath.py's binding powers)

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Func {
    Length,
    Contains,
    StartsWith,
    EndsWith,
    NotNull,
    Type,
    Keys,
    Values,
    ToString,
    ToNumber,
    Abs,
    Max,
    Min,
    Sum,
}

impl Func {
    /// The function and its arity (`None` = one or more).
    fn lookup(name: &str) -> Option<(Func, Option<usize>)> {
        Some(match name {
            "length" => (Func::Length, Some(1)),
            "contains" => (Func::Contains, Some(2)),
            "starts_with" => (Func::StartsWith, Some(2)),
            "ends_with" => (Func::EndsWith, Some(2)),
            "not_null" => (Func::NotNull, None),
            "type" => (Func::Type, Some(1)),
            "keys" => (Func::Keys, Some(1)),
            "values" => (Func::Values, Some(1)),
            "to_string" => (Func::ToString, Some(1)),
            "to_number" => (Func::ToNumber, Some(1)),
            "abs" => (Func::Abs, Some(1)),
            "max" => (Func::Max, Some(1)),
            "min" => (Func::Min, Some(1)),
            "sum" => (Func::Sum, Some(1)),
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Ast {
    Identity,
    Field(String),
    Index(i64),
    Sub(Box<Ast>, Box<Ast>),
    Pipe(Box<Ast>, Box<Ast>),
    /// List projection: left's elements through right.
    Projection(Box<Ast>, Box<Ast>),
    /// Object projection: left's values through right.
    ValueProjection(Box<Ast>, Box<Ast>),
    /// left, condition, right.
    Filter(Box<Ast>, Box<Ast>, Box<Ast>),
    Flatten(Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    Cmp(CmpOp, Box<Ast>, Box<Ast>),
    Literal(Json),
    Function(Func, Vec<Ast>),
    MultiList(Vec<Ast>),
    MultiHash(Vec<(String, Ast)>),
}

const MAX_DEPTH: usize = 64;

struct Parser<'t> {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    text: &'t str,
}

fn bp(t: &Tok) -> u8 {
    match t {
        Tok::Pipe => 1,
        Tok::Or => 2,
        Tok::And => 3,
        Tok::Cmp(_) => 5,
        Tok::Flatten => 9,
        Tok::Star => 20,
        Tok::Filter => 21,
        Tok::Dot => 40,
        Tok::Not => 45,
        Tok::LBrace => 50,
        Tok::LBracket => 55,
        Tok::LParen => 60,
        _ => 0,
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }
    fn peek2(&self) -> &Tok {
        self.toks.get(self.pos + 1).unwrap_or(&Tok::Eof)
    }
    fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn err<T>(&self, what: impl fmt::Display) -> Result<T, Error> {
        Err(Error::new(format!(
            "invalid JMESPath expression {:?}: {what}",
            self.text
        )))
    }
    fn expect(&mut self, t: Tok) -> Result<(), Error> {
        let got = self.advance();
        if got == t {
            Ok(())
        } else {
            self.err(format!("expected {t:?}, found {got:?}"))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Ast, Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("nested too deeply");
        }
        let tok = self.advance();
        let mut left = self.nud(tok)?;
        while rbp < bp(self.peek()) {
            let tok = self.advance();
            left = self.led(tok, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn nud(&mut self, tok: Tok) -> Result<Ast, Error> {
        Ok(match tok {
            Tok::Literal(j) => Ast::Literal(j),
            Tok::Ident(s) | Tok::Quoted(s) => Ast::Field(s),
            Tok::Star => {
                let rhs = self.projection_rhs(bp(&Tok::Star))?;
                Ast::ValueProjection(Box::new(Ast::Identity), Box::new(rhs))
            }
            Tok::Filter => return self.filter(Ast::Identity),
            Tok::LBrace => self.multi_hash()?,
            Tok::Flatten => {
                let rhs = self.projection_rhs(bp(&Tok::Flatten))?;
                Ast::Projection(
                    Box::new(Ast::Flatten(Box::new(Ast::Identity))),
                    Box::new(rhs),
                )
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index()?,
                Tok::Star if *self.peek2() == Tok::RBracket => {
                    self.advance();
                    self.advance();
                    let rhs = self.projection_rhs(bp(&Tok::Star))?;
                    Ast::Projection(Box::new(Ast::Identity), Box::new(rhs))
                }
                _ => self.multi_list()?,
            },
            Tok::At => Ast::Identity,
            Tok::Not => Ast::Not(Box::new(self.expression(bp(&Tok::Not))?)),
            Tok::LParen => {
                let e = self.expression(0)?;
                self.expect(Tok::RParen)?;
                e
            }
            Tok::Ampersand => return self.err("expression references (&) are not supported"),
            other => return self.err(format!("unexpected {other:?}")),
        })
    }

    fn led(&mut self, tok: Tok, left: Ast) -> Result<Ast, Error> {
        let b = |a: Ast| Box::new(a);
        Ok(match tok {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.advance();
                    let rhs = self.projection_rhs(bp(&Tok::Dot))?;
                    Ast::ValueProjection(b(left), b(rhs))
                } else {
                    let rhs = self.dot_rhs(bp(&Tok::Dot))?;
                    Ast::Sub(b(left), b(rhs))
                }
            }
            Tok::Pipe => Ast::Pipe(b(left), b(self.expression(bp(&Tok::Pipe))?)),
            Tok::Or => Ast::Or(b(left), b(self.expression(bp(&Tok::Or))?)),
            Tok::And => Ast::And(b(left), b(self.expression(bp(&Tok::And))?)),
            Tok::Cmp(op) => Ast::Cmp(op, b(left), b(self.expression(bp(&Tok::Cmp(op)))?)),
            Tok::LParen => {
                let Ast::Field(name) = left else {
                    return self.err("only a function name may be called");
                };
                let Some((func, arity)) = Func::lookup(&name) else {
                    return self.err(format!("unknown function {name}()"));
                };
                let mut args = Vec::new();
                while *self.peek() != Tok::RParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Tok::Comma {
                        self.advance();
                    } else if *self.peek() != Tok::RParen {
                        return self.err(format!("expected , or ) in {name}()"));
                    }
                }
                self.advance();
                let ok = match arity {
                    Some(n) => args.len() == n,
                    None => !args.is_empty(),
                };
                if !ok {
                    return self.err(format!("wrong number of arguments to {name}()"));
                }
                Ast::Function(func, args)
            }
            Tok::Filter => return self.filter(left),
            Tok::Flatten => {
                let rhs = self.projection_rhs(bp(&Tok::Flatten))?;
                Ast::Projection(b(Ast::Flatten(b(left))), b(rhs))
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => Ast::Sub(b(left), b(self.index()?)),
                _ => {
                    self.expect(Tok::Star)?;
                    self.expect(Tok::RBracket)?;
                    let rhs = self.projection_rhs(bp(&Tok::Star))?;
                    Ast::Projection(b(left), b(rhs))
                }
            },
            other => return self.err(format!("unexpected {other:?}")),
        })
    }

    /// After `[`: `n]`.
    fn index(&mut self) -> Result<Ast, Error> {
        match self.advance() {
            Tok::Number(n) if *self.peek() == Tok::RBracket => {
                self.advance();
                Ok(Ast::Index(n))
            }
            _ => self.err("slices are not supported"),
        }
    }

    /// After `[?` (or `x[?`).
    fn filter(&mut self, left: Ast) -> Result<Ast, Error> {
        let cond = self.expression(0)?;
        self.expect(Tok::RBracket)?;
        let rhs = self.projection_rhs(bp(&Tok::Filter))?;
        Ok(Ast::Filter(Box::new(left), Box::new(cond), Box::new(rhs)))
    }

    fn projection_rhs(&mut self, rbp: u8) -> Result<Ast, Error> {
        match self.peek() {
            t if bp(t) < 10 => Ok(Ast::Identity),
            Tok::LBracket | Tok::Filter => self.expression(rbp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(rbp)
            }
            other => {
                let other = other.clone();
                self.err(format!("unexpected {other:?} after a projection"))
            }
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> Result<Ast, Error> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(rbp),
            Tok::LBracket => {
                self.advance();
                self.multi_list()
            }
            Tok::LBrace => {
                self.advance();
                self.multi_hash()
            }
            other => {
                let other = other.clone();
                self.err(format!("unexpected {other:?} after ."))
            }
        }
    }

    /// After `[`: `a, b]`.
    fn multi_list(&mut self) -> Result<Ast, Error> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            match self.advance() {
                Tok::Comma => continue,
                Tok::RBracket => return Ok(Ast::MultiList(items)),
                other => return self.err(format!("unexpected {other:?} in [...]")),
            }
        }
    }

    /// After `{`: `k: a, ...}`.
    fn multi_hash(&mut self) -> Result<Ast, Error> {
        let mut items = Vec::new();
        loop {
            let key = match self.advance() {
                Tok::Ident(s) | Tok::Quoted(s) => s,
                other => return self.err(format!("expected a key, found {other:?}")),
            };
            self.expect(Tok::Colon)?;
            items.push((key, self.expression(0)?));
            match self.advance() {
                Tok::Comma => continue,
                Tok::RBrace => return Ok(Ast::MultiHash(items)),
                other => return self.err(format!("unexpected {other:?} in {{...}}")),
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
        let mut p = Parser {
            toks: lex(text)?,
            pos: 0,
            depth: 0,
            text,
        };
        let ast = p.expression(0)?;
        if *p.peek() != Tok::Eof {
            let t = p.peek().clone();
            return p.err(format!("unexpected {t:?}"));
        }
        Ok(Expression {
            text: text.to_string(),
            ast,
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

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A node during evaluation: typed data not yet converted, JSON, or a projection's results.
#[derive(Clone, Debug)]
enum Node<'a> {
    Null,
    Typed(&'a Value, &'static Shape),
    Json(Cow<'a, Json>),
    List(Vec<Node<'a>>),
}

impl<'a> Node<'a> {
    fn owned(j: Json) -> Node<'a> {
        match j {
            Json::Null => Node::Null,
            j => Node::Json(Cow::Owned(j)),
        }
    }

    /// Normalizes typed values that JSON represents differently.
    fn typed(value: &'a Value, shape: &'static Shape) -> Node<'a> {
        match value {
            Value::Document(d) => Node::owned(Json::from_document(d)),
            Value::Body(_) | Value::EventStream(_) | Value::EventInput(_) => Node::Null,
            Value::Struct(_) if !matches!(shape.kind, Kind::Structure(_) | Kind::Union(_)) => {
                Node::Null
            }
            _ => Node::Typed(value, shape),
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Json(j) => j.is_null(),
            _ => false,
        }
    }

    fn field(&self, name: &str) -> Node<'a> {
        match self {
            Node::Typed(Value::Struct(slots), shape) => shape
                .members()
                .iter()
                .position(|m| m.name == name)
                .and_then(|i| {
                    let m = &shape.members()[i];
                    slots
                        .get(i)
                        .and_then(Option::as_ref)
                        .map(|v| Node::typed(v, m.target()))
                })
                .unwrap_or(Node::Null),
            Node::Typed(Value::Map(entries), shape) => match shape.kind {
                Kind::Map(_, vm) => entries
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| Node::typed(v, vm.target()))
                    .unwrap_or(Node::Null),
                _ => Node::Null,
            },
            Node::Json(Cow::Borrowed(j)) => j.get(name).map_or(Node::Null, |v| {
                if v.is_null() {
                    Node::Null
                } else {
                    Node::Json(Cow::Borrowed(v))
                }
            }),
            Node::Json(Cow::Owned(j)) => j.get(name).cloned().map_or(Node::Null, Node::owned),
            _ => Node::Null,
        }
    }

    /// Elements, if this is an array.
    fn items(&self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Typed(Value::List(items), shape) => {
                let target = match shape.kind {
                    Kind::List(m) => m.target(),
                    _ => &crate::schema::prelude::DOCUMENT,
                };
                Some(items.iter().map(|v| Node::typed(v, target)).collect())
            }
            Node::Json(Cow::Borrowed(Json::Array(a))) => Some(
                a.iter()
                    .map(|v| {
                        if v.is_null() {
                            Node::Null
                        } else {
                            Node::Json(Cow::Borrowed(v))
                        }
                    })
                    .collect(),
            ),
            Node::Json(Cow::Owned(Json::Array(a))) => {
                Some(a.iter().cloned().map(Node::owned).collect())
            }
            Node::List(items) => Some(items.clone()),
            _ => None,
        }
    }

    /// Values, if this is an object.
    fn values(&self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Typed(Value::Struct(slots), shape) => Some(
                shape
                    .members()
                    .iter()
                    .zip(slots)
                    .filter_map(|(m, v)| v.as_ref().map(|v| Node::typed(v, m.target())))
                    .collect(),
            ),
            Node::Typed(Value::Map(entries), shape) => match shape.kind {
                Kind::Map(_, vm) => Some(
                    entries
                        .iter()
                        .map(|(_, v)| Node::typed(v, vm.target()))
                        .collect(),
                ),
                _ => None,
            },
            Node::Json(Cow::Borrowed(Json::Object(o))) => Some(
                o.iter()
                    .map(|(_, v)| {
                        if v.is_null() {
                            Node::Null
                        } else {
                            Node::Json(Cow::Borrowed(v))
                        }
                    })
                    .collect(),
            ),
            Node::Json(Cow::Owned(Json::Object(o))) => {
                Some(o.iter().map(|(_, v)| Node::owned(v.clone())).collect())
            }
            _ => None,
        }
    }

    /// The number of characters, elements or members, where `length()` is defined.
    fn length(&self) -> Option<usize> {
        match self {
            Node::Typed(Value::Str(s), _) => Some(s.chars().count()),
            Node::Json(j) => match j.as_ref() {
                Json::String(s) => Some(s.chars().count()),
                Json::Array(a) => Some(a.len()),
                Json::Object(o) => Some(o.len()),
                _ => None,
            },
            Node::List(l) => Some(l.len()),
            Node::Typed(Value::Blob(_) | Value::Timestamp(_), _) => {
                self.clone().into_json().as_str().map(|s| s.chars().count())
            }
            _ => self.items().or_else(|| self.values()).map(|v| v.len()),
        }
    }

    fn is_truthy(&self) -> bool {
        match self {
            Node::Null => false,
            Node::Json(j) => j.is_truthy(),
            Node::List(l) => !l.is_empty(),
            Node::Typed(v, _) => match v {
                Value::Bool(b) => *b,
                Value::Str(s) => !s.is_empty(),
                Value::List(l) => !l.is_empty(),
                Value::Map(m) => !m.is_empty(),
                Value::Struct(s) => s.iter().any(Option::is_some),
                Value::Blob(b) => !b.as_bytes().is_empty(),
                _ => true,
            },
        }
    }

    fn into_json(self) -> Json {
        use base64::Engine;
        match self {
            Node::Null => Json::Null,
            Node::Json(j) => j.into_owned(),
            Node::List(items) => Json::Array(items.into_iter().map(Node::into_json).collect()),
            Node::Typed(v, shape) => match v {
                Value::Bool(b) => Json::Bool(*b),
                Value::Int(i) => Json::Int(*i),
                Value::Float(f) => Json::Float(*f),
                Value::Str(s) => Json::String(s.clone()),
                Value::Blob(b) => {
                    Json::String(base64::engine::general_purpose::STANDARD.encode(b.as_bytes()))
                }
                Value::Timestamp(t) => {
                    if t.subsec_nanos() == 0 {
                        Json::Int(t.secs())
                    } else {
                        Json::Float(t.as_secs_f64())
                    }
                }
                Value::Document(d) => Json::from_document(d),
                Value::Body(_) | Value::EventStream(_) | Value::EventInput(_) => Json::Null,
                Value::List(_) => Json::Array(
                    Node::Typed(v, shape)
                        .items()
                        .unwrap_or_default()
                        .into_iter()
                        .map(Node::into_json)
                        .collect(),
                ),
                Value::Map(entries) => {
                    let target = match shape.kind {
                        Kind::Map(_, vm) => vm.target(),
                        _ => &crate::schema::prelude::DOCUMENT,
                    };
                    Json::Object(
                        entries
                            .iter()
                            .map(|(k, v)| (k.clone(), Node::typed(v, target).into_json()))
                            .collect(),
                    )
                }
                Value::Struct(slots) => Json::Object(
                    shape
                        .members()
                        .iter()
                        .zip(slots)
                        .filter_map(|(m, v)| {
                            v.as_ref().map(|v| {
                                (m.name.to_string(), Node::typed(v, m.target()).into_json())
                            })
                        })
                        .collect(),
                ),
            },
        }
    }
}

fn eval<'a>(ast: &Ast, cur: &Node<'a>, depth: usize) -> Result<Node<'a>, Error> {
    if depth > MAX_DEPTH * 4 {
        return Err(Error::new("expression nested too deeply"));
    }
    let d = depth + 1;
    Ok(match ast {
        Ast::Identity => cur.clone(),
        Ast::Field(name) => cur.field(name),
        Ast::Index(i) => match cur.items() {
            Some(mut items) => {
                let len = items.len() as i64;
                let idx = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&idx) {
                    items.swap_remove(idx as usize)
                } else {
                    Node::Null
                }
            }
            None => Node::Null,
        },
        Ast::Sub(l, r) | Ast::Pipe(l, r) => {
            let left = eval(l, cur, d)?;
            if left.is_null() {
                Node::Null
            } else {
                eval(r, &left, d)?
            }
        }
        Ast::Projection(l, r) => match eval(l, cur, d)?.items() {
            Some(items) => project(items, r, d)?,
            None => Node::Null,
        },
        Ast::ValueProjection(l, r) => match eval(l, cur, d)?.values() {
            Some(values) => project(values, r, d)?,
            None => Node::Null,
        },
        Ast::Filter(l, cond, r) => match eval(l, cur, d)?.items() {
            Some(items) => {
                let mut kept = Vec::new();
                for item in items {
                    if eval(cond, &item, d)?.is_truthy() {
                        kept.push(item);
                    }
                }
                project(kept, r, d)?
            }
            None => Node::Null,
        },
        Ast::Flatten(e) => match eval(e, cur, d)?.items() {
            Some(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.items() {
                        Some(inner) => out.extend(inner),
                        None => out.push(item),
                    }
                }
                Node::List(out)
            }
            None => Node::Null,
        },
        Ast::Or(l, r) => {
            let left = eval(l, cur, d)?;
            if left.is_truthy() {
                left
            } else {
                eval(r, cur, d)?
            }
        }
        Ast::And(l, r) => {
            let left = eval(l, cur, d)?;
            if left.is_truthy() {
                eval(r, cur, d)?
            } else {
                left
            }
        }
        Ast::Not(e) => Node::owned(Json::Bool(!eval(e, cur, d)?.is_truthy())),
        Ast::Cmp(op, l, r) => {
            let a = eval(l, cur, d)?.into_json();
            let b = eval(r, cur, d)?.into_json();
            let ord = match (&a, &b) {
                (Json::Int(x), Json::Int(y)) => Some(x.cmp(y)),
                _ => match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => x.partial_cmp(&y),
                    _ => None,
                },
            };
            let ordered =
                |f: fn(std::cmp::Ordering) -> bool| ord.map_or(Json::Null, |o| Json::Bool(f(o)));
            Node::owned(match op {
                CmpOp::Eq => Json::Bool(a == b),
                CmpOp::Ne => Json::Bool(a != b),
                CmpOp::Lt => ordered(|o| o.is_lt()),
                CmpOp::Le => ordered(|o| o.is_le()),
                CmpOp::Gt => ordered(|o| o.is_gt()),
                CmpOp::Ge => ordered(|o| o.is_ge()),
            })
        }
        Ast::Literal(j) => Node::owned(j.clone()),
        Ast::MultiList(items) => {
            if cur.is_null() {
                Node::Null
            } else {
                let mut out = Vec::new();
                for e in items {
                    out.push(eval(e, cur, d)?);
                }
                Node::List(out)
            }
        }
        Ast::MultiHash(items) => {
            if cur.is_null() {
                Node::Null
            } else {
                let mut out = Vec::new();
                for (k, e) in items {
                    out.push((k.clone(), eval(e, cur, d)?.into_json()));
                }
                Node::owned(Json::Object(out))
            }
        }
        Ast::Function(f, args) => {
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval(a, cur, d)?);
            }
            call(*f, vals)?
        }
    })
}

fn project<'a>(items: Vec<Node<'a>>, rhs: &Ast, depth: usize) -> Result<Node<'a>, Error> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let v = eval(rhs, &item, depth)?;
        if !v.is_null() {
            out.push(v);
        }
    }
    Ok(Node::List(out))
}

fn type_error<T>(func: &str, arg: &Json) -> Result<T, Error> {
    Err(Error::new(format!(
        "invalid type for {func}(): got {} {arg}",
        arg.type_name()
    )))
}

fn call(f: Func, mut args: Vec<Node<'_>>) -> Result<Node<'_>, Error> {
    let first = args.first().cloned().unwrap_or(Node::Null);
    Ok(Node::owned(match f {
        Func::Length => match first.length() {
            Some(n) => Json::Int(n as i64),
            None => return type_error("length", &first.into_json()),
        },
        Func::Contains => {
            let needle = args.pop().unwrap_or(Node::Null).into_json();
            match first.into_json() {
                Json::Array(a) => Json::Bool(a.contains(&needle)),
                Json::String(s) => match needle {
                    Json::String(n) => Json::Bool(s.contains(&n)),
                    _ => Json::Bool(false),
                },
                other => return type_error("contains", &other),
            }
        }
        Func::StartsWith | Func::EndsWith => {
            let name = if f == Func::StartsWith {
                "starts_with"
            } else {
                "ends_with"
            };
            let other = args.pop().unwrap_or(Node::Null).into_json();
            match (first.into_json(), other) {
                (Json::String(s), Json::String(p)) => Json::Bool(if f == Func::StartsWith {
                    s.starts_with(&p)
                } else {
                    s.ends_with(&p)
                }),
                (a, _) => return type_error(name, &a),
            }
        }
        Func::NotNull => {
            return Ok(args
                .into_iter()
                .find(|a| !a.is_null())
                .unwrap_or(Node::Null))
        }
        Func::Type => Json::String(first.into_json().type_name().to_string()),
        Func::Keys | Func::Values => match first.into_json() {
            Json::Object(o) if f == Func::Keys => {
                Json::Array(o.into_iter().map(|(k, _)| Json::String(k)).collect())
            }
            Json::Object(o) => Json::Array(o.into_iter().map(|(_, v)| v).collect()),
            other => return type_error("keys/values", &other),
        },
        Func::ToString => match first.into_json() {
            Json::String(s) => Json::String(s),
            other => Json::String(other.to_string()),
        },
        Func::ToNumber => match first.into_json() {
            j @ (Json::Int(_) | Json::Float(_)) => j,
            Json::String(s) => match s.parse::<i64>() {
                Ok(i) => Json::Int(i),
                Err(_) => s.parse::<f64>().map(Json::Float).unwrap_or(Json::Null),
            },
            _ => Json::Null,
        },
        Func::Abs => match first.into_json() {
            Json::Int(i) => Json::Int(i.saturating_abs()),
            Json::Float(x) => Json::Float(x.abs()),
            other => return type_error("abs", &other),
        },
        Func::Max | Func::Min | Func::Sum => match first.into_json() {
            Json::Array(a) => {
                if f == Func::Sum {
                    let mut total = Json::Int(0);
                    for v in &a {
                        total = match (&total, v) {
                            (Json::Int(x), Json::Int(y)) => match x.checked_add(*y) {
                                Some(s) => Json::Int(s),
                                None => Json::Float(*x as f64 + *y as f64),
                            },
                            (t, v) => match (t.as_f64(), v.as_f64()) {
                                (Some(x), Some(y)) => Json::Float(x + y),
                                _ => return type_error("sum", v),
                            },
                        };
                    }
                    total
                } else {
                    let mut best: Option<Json> = None;
                    for v in a {
                        let better = match (&best, &v) {
                            (None, Json::Int(_) | Json::Float(_) | Json::String(_)) => true,
                            (Some(Json::String(b)), Json::String(s)) => (s < b) == (f == Func::Min),
                            (Some(b), _) => match (b.as_f64(), v.as_f64()) {
                                (Some(b), Some(x)) => (x < b) == (f == Func::Min),
                                _ => return type_error("max/min", &v),
                            },
                            (None, _) => return type_error("max/min", &v),
                        };
                        if better {
                            best = Some(v);
                        }
                    }
                    best.unwrap_or(Json::Null)
                }
            }
            other => return type_error("max/min/sum", &other),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude, Member};

    static NAMES: Shape = Shape::list("Names", &NAME_ITEM);
    static NAME_ITEM: Member = Member::item(&prelude::STRING);
    static STATE: Shape = Shape::structure(
        "State",
        &[
            Member::new("Name", &prelude::STRING),
            Member::new("Code", &prelude::INTEGER),
        ],
    );
    static INSTANCE: Shape = Shape::structure(
        "Instance",
        &[
            Member::new("Id", &prelude::STRING),
            Member::new("State", &STATE),
            Member::new("Tags", &NAMES),
        ],
    );
    static INSTANCE_ITEM: Member = Member::item(&INSTANCE);
    static INSTANCES: Shape = Shape::list("Instances", &INSTANCE_ITEM);
    static RESERVATION: Shape =
        Shape::structure("Reservation", &[Member::new("Instances", &INSTANCES)]);
    static RES_ITEM: Member = Member::item(&RESERVATION);
    static RESERVATIONS: Shape = Shape::list("Reservations", &RES_ITEM);
    static MAP_KEY: Member = Member::item(&prelude::STRING);
    static MAP_VAL: Member = Member::item(&STATE);
    static ATTRS: Shape = Shape::map("Attrs", &MAP_KEY, &MAP_VAL);
    static OUTPUT: Shape = Shape::structure(
        "Output",
        &[
            Member::new("Reservations", &RESERVATIONS),
            Member::new("NextToken", &prelude::STRING),
            Member::new("Status", &prelude::STRING),
            Member::new("Attrs", &ATTRS),
            Member::new("Count", &prelude::INTEGER),
            Member::new("Truncated", &prelude::BOOLEAN),
            Member::new("Empty", &NAMES),
        ],
    );

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }
    fn instance(id: &str, state: &str, code: i64) -> Value {
        Value::Struct(vec![
            Some(s(id)),
            Some(Value::Struct(vec![Some(s(state)), Some(Value::Int(code))])),
            Some(Value::List(vec![s("a"), s("b")])),
        ])
    }
    fn output() -> Value {
        Value::Struct(vec![
            Some(Value::List(vec![
                Value::Struct(vec![Some(Value::List(vec![
                    instance("i-1", "running", 16),
                    instance("i-2", "pending", 0),
                ]))]),
                Value::Struct(vec![Some(Value::List(vec![instance(
                    "i-3", "running", 16,
                )]))]),
            ])),
            Some(s("tok")),
            Some(s("ACTIVE")),
            Some(Value::Map(vec![(
                "Ver".into(),
                Value::Struct(vec![Some(s("Success")), None]),
            )])),
            Some(Value::Int(3)),
            Some(Value::Bool(false)),
            Some(Value::List(vec![])),
        ])
    }
    fn q(expr: &str) -> Json {
        search(expr, &output(), &OUTPUT).unwrap_or_else(|e| panic!("{expr}: {e}"))
    }
    fn j(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn identifiers_and_subexpressions() {
        assert_eq!(q("Status"), j(r#""ACTIVE""#));
        assert_eq!(q("\"Status\""), j(r#""ACTIVE""#));
        assert_eq!(q("Missing"), Json::Null);
        assert_eq!(q("Status.Foo"), Json::Null);
        assert_eq!(
            q("Reservations[0].Instances[1].State.Name"),
            j(r#""pending""#)
        );
        assert_eq!(q("Attrs.Ver.Name"), j(r#""Success""#));
        assert_eq!(q("Attrs.Ver"), j(r#"{"Name":"Success"}"#));
        assert_eq!(q("@.Count"), j("3"));
    }

    #[test]
    fn indexes() {
        assert_eq!(q("Reservations[-1].Instances[0].Id"), j(r#""i-3""#));
        assert_eq!(q("Reservations[5]"), Json::Null);
        assert_eq!(q("Reservations[-3]"), Json::Null);
        assert_eq!(q("Status[0]"), Json::Null);
    }

    #[test]
    fn projections() {
        assert_eq!(
            q("Reservations[].Instances[].State.Name"),
            j(r#"["running","pending","running"]"#)
        );
        assert_eq!(
            q("Reservations[*].Instances[*].Id"),
            j(r#"[["i-1","i-2"],["i-3"]]"#)
        );
        assert_eq!(q("Reservations[].Instances[].Id | [1]"), j(r#""i-2""#));
        assert_eq!(q("Reservations[].Instances[].Nope"), j("[]"));
        assert_eq!(q("Attrs.*.Name"), j(r#"["Success"]"#));
        assert_eq!(q("Status[*]"), Json::Null);
        assert_eq!(q("Reservations[0].Instances[0].Tags[]"), j(r#"["a","b"]"#));
        assert_eq!(q("[Status, Count]"), j(r#"["ACTIVE",3]"#));
        assert_eq!(q("{s: Status, c: Count}"), j(r#"{"c":3,"s":"ACTIVE"}"#));
    }

    #[test]
    fn filters_and_logic() {
        assert_eq!(
            q("Reservations[].Instances[?State.Name == 'running'].Id"),
            j(r#"[["i-1"],["i-3"]]"#)
        );
        assert_eq!(
            q("Reservations[].Instances[] | [?State.Code > `0`].Id"),
            j(r#"["i-1","i-3"]"#)
        );
        assert_eq!(q("NextToken || Status"), j(r#""tok""#));
        assert_eq!(q("Missing || Status"), j(r#""ACTIVE""#));
        assert_eq!(q("Empty || `\"x\"`"), j(r#""x""#));
        assert_eq!(q("Status && Count"), j("3"));
        assert_eq!(q("Truncated && Count"), j("false"));
        assert_eq!(q("!Truncated"), j("true"));
        assert_eq!(q("!(Count == `3` && Status != 'ACTIVE')"), j("true"));
        assert_eq!(q("Status != 'DELETING' && Status != 'STOPPING'"), j("true"));
    }

    #[test]
    fn comparisons_and_literals() {
        assert_eq!(q("Count == `3`"), j("true"));
        assert_eq!(q("Count == `3.0`"), j("true"));
        assert_eq!(q("Count < `4`"), j("true"));
        assert_eq!(q("Count <= `3`"), j("true"));
        assert_eq!(q("Count > `3`"), j("false"));
        assert_eq!(q("Count >= `3`"), j("true"));
        assert_eq!(q("Status < `3`"), Json::Null);
        assert_eq!(q("`{\"a\": [1, true, null]}`"), j(r#"{"a":[1,true,null]}"#));
        assert_eq!(q("'it\\'s'"), j(r#""it's""#));
        assert_eq!(q("`foo`"), j(r#""foo""#));
        assert_eq!(
            q("Attrs == `{\"Ver\": {\"Name\": \"Success\"}}`"),
            j("true")
        );
    }

    #[test]
    fn functions() {
        assert_eq!(q("length(Reservations[].Instances[])"), j("3"));
        assert_eq!(q("length(Status)"), j("6"));
        assert_eq!(q("length(Attrs)"), j("1"));
        assert_eq!(q("length(Empty) == `0`"), j("true"));
        assert_eq!(
            q("contains(Reservations[].Instances[].Id, 'i-2')"),
            j("true")
        );
        assert_eq!(q("contains(Status, 'TIV')"), j("true"));
        assert_eq!(q("starts_with(Status, 'AC')"), j("true"));
        assert_eq!(q("not_null(Missing, Count)"), j("3"));
        assert_eq!(q("max(Reservations[].Instances[].State.Code)"), j("16"));
        assert_eq!(q("sum(Reservations[].Instances[].State.Code)"), j("32"));
        assert_eq!(q("keys(Attrs)"), j(r#"["Ver"]"#));
        assert_eq!(q("type(Count)"), j(r#""number""#));
        assert!(search("length(Count)", &output(), &OUTPUT).is_err());
        assert_eq!(
            q("length(Reservations) > `0` && length(Reservations[?!(length(Instances) == `1` && Instances[0].Id == 'i-9')]) == length(Reservations)"),
            j("true")
        );
    }

    #[test]
    fn parse_errors_are_errors() {
        for bad in [
            "", "a.", "a[", "a[0", "[?a", "a ==", "foo(", "nope(a)", "length()", "a[1:2]", "&a",
            "'open", "`open", "\"open", "a = b", "a..b", "((((((", "a[?]", "#", "-",
        ] {
            assert!(Expression::parse(bad).is_err(), "{bad:?} should not parse");
        }
        let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
        assert!(Expression::parse(&deep).is_err());
        let deep = "!".repeat(5000);
        assert!(Expression::parse(&deep).is_err());
    }

    #[test]
    fn json_round_trips_to_values() {
        let v = Json::from_value(&output(), &OUTPUT);
        let back = v.to_value(&OUTPUT).unwrap();
        assert_eq!(Json::from_value(&back, &OUTPUT), v);
        assert_eq!(
            Json::Int(10)
                .to_value(&prelude::STRING)
                .unwrap()
                .type_name(),
            "string"
        );
        assert!(Json::Null.to_value(&prelude::STRING).is_err());
        assert!(Json::Bool(true).to_value(&prelude::INTEGER).is_err());
        assert_eq!(v.get("Status"), Some(&j(r#""ACTIVE""#)));
        assert_eq!(
            j(r#"{"a":"x\"y","b":[1,2.5,null]}"#).to_string(),
            r#"{"a":"x\"y","b":[1,2.5,null]}"#
        );
    }

    #[test]
    fn search_json_and_paths() {
        let data = j(r#"{"a":{"b":[{"c":1},{"c":2}]}}"#);
        let e = Expression::parse("a.b[].c").unwrap();
        assert_eq!(e.search_json(&data).unwrap(), j("[1,2]"));
        assert_eq!(
            Expression::parse("a.b.c").unwrap().as_path(),
            Some(vec!["a", "b", "c"])
        );
        assert_eq!(e.as_path(), None);
    }

    /// Every expression in the vendored models' paginators and waiters parses; with
    /// `RBOTO_BOTOCORE_DATA` (botocore's `data/` folder) set, every service's newest version too.
    #[test]
    fn parses_every_model_expression() {
        use std::path::{Path, PathBuf};
        fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
            let strs = |x: Option<&serde_json::Value>, out: &mut Vec<String>| match x {
                Some(serde_json::Value::String(s)) => out.push(s.clone()),
                Some(serde_json::Value::Array(a)) => {
                    out.extend(a.iter().filter_map(|s| s.as_str().map(str::to_string)))
                }
                _ => {}
            };
            for p in v
                .get("pagination")
                .and_then(|p| p.as_object())
                .into_iter()
                .flatten()
            {
                for k in [
                    "output_token",
                    "result_key",
                    "more_results",
                    "non_aggregate_keys",
                ] {
                    strs(p.1.get(k), out);
                }
            }
            for w in v
                .get("waiters")
                .and_then(|p| p.as_object())
                .into_iter()
                .flatten()
            {
                for a in
                    w.1.get("acceptors")
                        .and_then(|a| a.as_array())
                        .into_iter()
                        .flatten()
                {
                    strs(a.get("argument"), out);
                }
            }
        }
        let mut dirs: Vec<PathBuf> = Vec::new();
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
        for e in std::fs::read_dir(&models).into_iter().flatten().flatten() {
            dirs.push(e.path());
        }
        if let Ok(data) = std::env::var("RBOTO_BOTOCORE_DATA") {
            for e in std::fs::read_dir(data).expect("botocore data").flatten() {
                let mut versions: Vec<PathBuf> = std::fs::read_dir(e.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|v| v.path())
                    .filter(|p| p.is_dir())
                    .collect();
                versions.sort();
                dirs.extend(versions.pop());
            }
        }
        let mut exprs = Vec::new();
        for d in &dirs {
            for f in ["paginators-1.json", "waiters-2.json"] {
                if let Ok(text) = std::fs::read_to_string(d.join(f)) {
                    collect(
                        &serde_json::from_str(&text).expect("model JSON"),
                        &mut exprs,
                    );
                }
            }
        }
        exprs.sort();
        exprs.dedup();
        let failed: Vec<String> = exprs
            .iter()
            .filter_map(|e| Expression::parse(e).err().map(|err| format!("{e}: {err}")))
            .collect();
        eprintln!(
            "{} distinct expressions from {} model folders, {} parse",
            exprs.len(),
            dirs.len(),
            exprs.len() - failed.len()
        );
        assert!(failed.is_empty(), "{failed:#?}");
        // Evaluating never panics, whatever the data.
        for e in &exprs {
            let e = Expression::parse(e).unwrap();
            let _ = e.search(&output(), &OUTPUT);
            let _ = e.search_json(&Json::Null);
            let _ = e.search_json(&j(r#"{"a":[1,{"b":null}],"Status":"x"}"#));
        }
    }
}
