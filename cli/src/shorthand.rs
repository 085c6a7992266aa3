//! One command-line parameter's values turned into the request value, as the AWS CLI does
//! (awscli `argprocess.py`, `shorthand.py`).
//!
//! - A structure, map or list of those, whose (first) value does not start with `[` or `{`,
//!   is read in shorthand syntax (`Key=k,Value=v`, `a=[1,2]`, `b={c=d}`), each
//!   space-separated value of a list being one element; scalars inside are then converted
//!   by their member's type (`true`/`false`, integers, floats). A lone value where the
//!   model has a list becomes a one-element list, unconverted, as in awscli.
//! - Otherwise the value is JSON (structures, maps, documents, and a list given as one
//!   `[...]` value), or for a list each value is converted on its own (`--ids a b c`,
//!   `--filters '{...}' '{...}'`).
//! - A top-level scalar is converted by its type: integers, floats, booleans (anything but
//!   `false` is true). Strings, timestamps and blobs stay text (blobs are base64 text, as in
//!   AWS CLI v2 with `cli_binary_format=base64`).
//!
//! Left out: `key@=file://...` reads no file (it is taken as `key=file://...`), and
//! awscli's per-operation special case for three services' lists of one-member structures
//! (ELB `--instances i-1 i-2`, Firehose `--records`, WorkSpaces) is only applied through
//! [`parse_argument_for`].

mod parser;

use rboto::__private::schema::{Kind, Shape};
use serde_json::{Map, Value};
use std::fmt;

/// Why a command-line value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShorthandError {
    message: String,
    kind: ShorthandErrorKind,
}

/// Which of awscli's failures a [`ShorthandError`] is: they exit differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShorthandErrorKind {
    /// awscli's `ParamError`, printed as `Error parsing parameter '--name': <message>`
    /// (a bad command line: exit status 252).
    Param,
    /// A Python conversion error awscli does not catch, printed as the bare message
    /// (`invalid literal for int() with base 10: 'x'`; exit status 255).
    Conversion,
}

impl ShorthandError {
    fn param(message: impl Into<String>) -> Self {
        ShorthandError {
            message: message.into(),
            kind: ShorthandErrorKind::Param,
        }
    }

    fn conversion(message: impl Into<String>) -> Self {
        ShorthandError {
            message: message.into(),
            kind: ShorthandErrorKind::Conversion,
        }
    }

    /// The message without the parameter name.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn kind(&self) -> ShorthandErrorKind {
        self.kind
    }

    /// The whole message as awscli prints it for the parameter `cli_name` (`--tags`).
    pub fn for_parameter(&self, cli_name: &str) -> String {
        match self.kind {
            ShorthandErrorKind::Param => {
                format!("Error parsing parameter '{cli_name}': {}", self.message)
            }
            ShorthandErrorKind::Conversion => self.message.clone(),
        }
    }
}

impl fmt::Display for ShorthandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShorthandError {}

/// Where a parameter is used, for awscli's per-operation special cases.
#[derive(Debug, Clone, Copy)]
pub struct ArgumentContext<'a> {
    /// The CLI's service name (`elb`, `firehose`, `workspaces`).
    pub service: &'a str,
    /// The operation's CLI name (`register-instances-with-load-balancer`).
    pub operation: &'a str,
    /// The parameter's CLI name without dashes (`instances`).
    pub argument: &'a str,
}

/// The request value of a parameter of shape `shape` given `values` on the command line:
/// every value for a list shape, exactly one otherwise. `file://` and `fileb://` are
/// resolved by the caller.
pub fn parse_argument(shape: &'static Shape, values: &[String]) -> Result<Value, ShorthandError> {
    parse_argument_for(shape, values, None)
}

/// [`parse_argument`] with awscli's special case for a few operations' lists of one-member
/// structures, which take plain values: `elb register-instances-with-load-balancer
/// --instances i-1 i-2` is `[{"InstanceId": "i-1"}, {"InstanceId": "i-2"}]`.
pub fn parse_argument_for(
    shape: &'static Shape,
    values: &[String],
    context: Option<ArgumentContext<'_>>,
) -> Result<Value, ShorthandError> {
    let is_list = matches!(shape.kind, Kind::List(_));
    if !is_list && values.len() != 1 {
        return Err(ShorthandError::param(format!(
            "expected one value, got {}",
            values.len()
        )));
    }
    let first = values.first().map(String::as_str).unwrap_or("");
    let looks_like_json = first.trim().starts_with(['[', '{']);
    if !looks_like_json && supports_shorthand(shape) {
        if let Some(value) = special_case(shape, values, context) {
            return Ok(value);
        }
        return parse_shorthand(shape, values, is_list);
    }
    let input = if is_list {
        Input::List(values)
    } else {
        Input::One(first)
    };
    unpack(shape, input)
}

/// A value as argparse hands it over: one string, or a list's strings.
#[derive(Clone, Copy)]
enum Input<'a> {
    One(&'a str),
    List(&'a [String]),
}

fn is_document(shape: &Shape) -> bool {
    matches!(shape.kind, Kind::Document) || shape.has(rboto::__private::schema::DOCUMENT)
}

/// A document, or lists and maps of documents: those are only ever JSON.
fn is_document_container(shape: &Shape) -> bool {
    match shape.kind {
        Kind::List(member) => is_document_container(member.target()),
        Kind::Map(_, value) => is_document_container(value.target()),
        _ => is_document(shape),
    }
}

fn is_complex(shape: &Shape) -> bool {
    matches!(
        shape.kind,
        Kind::Structure(_) | Kind::Union(_) | Kind::List(_) | Kind::Map(..)
    ) && !is_document(shape)
}

/// Structures, maps and lists of complex shapes; not lists of scalars, not documents.
fn supports_shorthand(shape: &Shape) -> bool {
    if is_document_container(shape) || !is_complex(shape) {
        return false;
    }
    match shape.kind {
        Kind::List(member) => is_complex(member.target()),
        _ => true,
    }
}

fn special_case(
    shape: &Shape,
    values: &[String],
    context: Option<ArgumentContext<'_>>,
) -> Option<Value> {
    match shape.kind {
        Kind::List(member) => {
            let ctx = context?;
            let [only] = member.target().members() else {
                return None;
            };
            uses_old_list_case(ctx).then(|| {
                let items = values
                    .iter()
                    .map(|v| {
                        let mut map = Map::new();
                        map.insert(only.name.to_owned(), Value::String(v.clone()));
                        Value::Object(map)
                    })
                    .collect();
                Value::Array(items)
            })
        }
        // `--instance-initiated-shutdown-behavior stop` for `{"Value": "stop"}`.
        Kind::Structure([only])
            if only.name == "Value"
                && matches!(only.target().kind, Kind::String)
                && !values[0].contains('=') =>
        {
            let mut map = Map::new();
            map.insert("Value".into(), Value::String(values[0].clone()));
            Some(Value::Object(map))
        }
        _ => None,
    }
}

fn uses_old_list_case(ctx: ArgumentContext<'_>) -> bool {
    matches!(
        (ctx.service, ctx.operation, ctx.argument),
        ("firehose", "put-record-batch", "records")
            | (
                "workspaces",
                "reboot-workspaces",
                "reboot-workspace-requests"
            )
            | (
                "workspaces",
                "rebuild-workspaces",
                "rebuild-workspace-requests"
            )
            | (
                "workspaces",
                "terminate-workspaces",
                "terminate-workspace-requests"
            )
            | ("elb" | "elastic-load-balancing", "remove-tags", "tags")
            | (
                "elb" | "elastic-load-balancing",
                "describe-instance-health",
                "instances"
            )
            | (
                "elb" | "elastic-load-balancing",
                "deregister-instances-from-load-balancer",
                "instances"
            )
            | (
                "elb" | "elastic-load-balancing",
                "register-instances-with-load-balancer",
                "instances"
            )
    )
}

fn parse_shorthand(
    shape: &Shape,
    values: &[String],
    is_list: bool,
) -> Result<Value, ShorthandError> {
    let parse_one = |v: &str| {
        parser::parse(v)
            .map(Value::Object)
            .map_err(|e| ShorthandError::param(e.0))
    };
    let mut parsed = if is_list {
        Value::Array(
            values
                .iter()
                .map(|v| parse_one(v))
                .collect::<Result<_, _>>()?,
        )
    } else {
        parse_one(&values[0])?
    };
    convert(shape, &mut parsed)?;
    Ok(parsed)
}

/// Why a nested value could not be converted: a document where shorthand cannot say one is
/// turned into the message naming the structure member it sits under.
enum ConvertError {
    Document,
    Other(ShorthandError),
}

impl From<ShorthandError> for ConvertError {
    fn from(e: ShorthandError) -> Self {
        ConvertError::Other(e)
    }
}

fn convert(shape: &Shape, value: &mut Value) -> Result<(), ShorthandError> {
    match visit(shape, value) {
        Ok(()) => Ok(()),
        Err(ConvertError::Other(e)) => Err(e),
        // awscli raises this outside any member only for a top-level document, which never
        // reaches shorthand; word it the same anyway.
        Err(ConvertError::Document) => Err(ShorthandError::param(
            "Shorthand syntax does not support document types. Use JSON input for top-level \
             argument to specify nested parameter",
        )),
    }
}

/// awscli's `BackCompatVisitor`: converts the parsed strings by the model, in place.
fn visit(shape: &Shape, value: &mut Value) -> Result<(), ConvertError> {
    if is_document(shape) {
        return if value.is_null() {
            Ok(())
        } else {
            Err(ConvertError::Document)
        };
    }
    match shape.kind {
        Kind::Structure(members) | Kind::Union(members) => {
            let Value::Object(map) = value else {
                return Ok(());
            };
            for member in members {
                let Some(field) = map.get_mut(member.name) else {
                    continue;
                };
                match visit(member.target(), field) {
                    Err(ConvertError::Document) => {
                        return Err(ShorthandError::param(format!(
                            "Shorthand syntax does not support document types. Use JSON input \
                             for top-level argument to specify nested parameter: {}",
                            member.name
                        ))
                        .into())
                    }
                    other => other?,
                }
            }
            Ok(())
        }
        Kind::List(member) => match value {
            Value::Array(items) => items.iter_mut().try_for_each(|v| visit(member.target(), v)),
            // `Names=solo` where a list is modeled: a list of the one value, not converted.
            Value::Null => Ok(()),
            other => {
                *other = Value::Array(vec![other.take()]);
                Ok(())
            }
        },
        Kind::Map(_, item) => match value {
            Value::Object(map) => map.values_mut().try_for_each(|v| visit(item.target(), v)),
            _ => Ok(()),
        },
        _ => convert_nested_scalar(shape, value).map_err(ConvertError::Other),
    }
}

fn convert_nested_scalar(shape: &Shape, value: &mut Value) -> Result<(), ShorthandError> {
    match shape.kind {
        Kind::Integer | Kind::Long | Kind::Short | Kind::Byte | Kind::BigInteger => {
            *value = python_int(value)?;
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => *value = python_float(value)?,
        Kind::Boolean => {
            // Only `true` and `false` (any case) convert; anything else stays text.
            if let Value::String(s) = value {
                match s.to_lowercase().as_str() {
                    "true" => *value = Value::Bool(true),
                    "false" => *value = Value::Bool(false),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The Python type name awscli's error messages mention.
fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's `repr()` of a text, for error messages.
fn python_repr(s: &str) -> String {
    crate::output::text::python_str(&Value::Array(vec![Value::String(s.into())]))
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

/// Python's `int(value)`: optional sign, digits with single `_` between them, surrounding
/// whitespace.
fn python_int(value: &Value) -> Result<Value, ShorthandError> {
    let text = match value {
        Value::String(s) => s,
        Value::Number(n) if n.is_i64() || n.is_u64() => return Ok(value.clone()),
        other => {
            return Err(ShorthandError::conversion(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                python_type(other)
            )))
        }
    };
    let invalid = || {
        ShorthandError::conversion(format!(
            "invalid literal for int() with base 10: {}",
            python_repr(text)
        ))
    };
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let well_formed = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(invalid());
    }
    let clean: String = trimmed.chars().filter(|&c| c != '_' && c != '+').collect();
    if let Ok(i) = clean.parse::<i64>() {
        return Ok(Value::from(i));
    }
    if let Ok(u) = clean.parse::<u64>() {
        return Ok(Value::from(u));
    }
    // Python has no limit; a request cannot carry more than 64 bits anyway.
    Err(ShorthandError::conversion(format!(
        "integer out of range: {}",
        python_repr(text)
    )))
}

/// Python's `float(value)`.
fn python_float(value: &Value) -> Result<Value, ShorthandError> {
    let text = match value {
        Value::String(s) => s,
        Value::Number(_) => return Ok(value.clone()),
        other => {
            return Err(ShorthandError::conversion(format!(
                "float() argument must be a string or a real number, not '{}'",
                python_type(other)
            )))
        }
    };
    let invalid = || {
        ShorthandError::conversion(format!(
            "could not convert string to float: {}",
            python_repr(text)
        ))
    };
    let clean: String = text.trim().chars().filter(|&c| c != '_').collect();
    let parsed: f64 = clean.parse().map_err(|_| invalid())?;
    serde_json::Number::from_f64(parsed)
        .map(Value::Number)
        // inf and nan: Python takes them, JSON cannot carry them.
        .ok_or_else(invalid)
}

/// awscli's `unpack_cli_arg`: JSON, or scalars converted by type.
fn unpack(shape: &Shape, input: Input<'_>) -> Result<Value, ShorthandError> {
    if is_document(shape) {
        let Input::One(text) = input else {
            return Err(ShorthandError::param("a document takes one JSON value"));
        };
        return parse_json(text);
    }
    match shape.kind {
        Kind::Structure(_) | Kind::Union(_) | Kind::Map(..) => {
            let text = match input {
                Input::One(text) => text,
                // A list of characters in Python: only its first character is looked at.
                Input::List(items) => items.first().map(String::as_str).unwrap_or(""),
            };
            if text.trim_start().starts_with('{') {
                parse_json(text)
            } else {
                Err(ShorthandError::param(format!("Invalid JSON:\n{text}")))
            }
        }
        Kind::List(member) => {
            let items: Vec<String> = match input {
                Input::One(text) if text.trim_start().starts_with('[') => return parse_json(text),
                // Python iterates a text as its characters.
                Input::One(text) => text.chars().map(String::from).collect(),
                Input::List([only]) if only.trim().starts_with('[') => return parse_json(only),
                Input::List(items) => items.to_vec(),
            };
            let mut out = Vec::with_capacity(items.len());
            for item in &items {
                match unpack(member.target(), Input::One(item)) {
                    Ok(v) => out.push(v),
                    // Python's conversion errors are reported as the list's first value.
                    Err(e) if e.kind == ShorthandErrorKind::Conversion => {
                        return Err(ShorthandError::param(items[0].clone()))
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(Value::Array(out))
        }
        _ => {
            let Input::One(text) = input else {
                return Err(ShorthandError::param("expected one value"));
            };
            unpack_scalar(shape, text)
        }
    }
}

fn unpack_scalar(shape: &Shape, text: &str) -> Result<Value, ShorthandError> {
    let value = Value::String(text.to_owned());
    match shape.kind {
        Kind::Integer | Kind::Long | Kind::Short | Kind::Byte | Kind::BigInteger => {
            python_int(&value)
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => python_float(&value),
        // Python's bool() of a text: only `false` (any case) and the empty text are false.
        Kind::Boolean => Ok(Value::Bool(
            !text.eq_ignore_ascii_case("false") && !text.is_empty(),
        )),
        _ => Ok(value),
    }
}

fn parse_json(text: &str) -> Result<Value, ShorthandError> {
    serde_json::from_str(text).map_err(|e| {
        ShorthandError::param(format!(
            "Invalid JSON: {}\nJSON received: {text}",
            json_error(text, &e)
        ))
    })
}

/// serde_json's error in the words of Python's `json` module for the common errors
/// (`Expecting value: line 1 column 2 (char 1)`); serde_json's own words otherwise.
fn json_error(text: &str, error: &serde_json::Error) -> String {
    let chars: Vec<char> = text.chars().collect();
    // serde_json's 1-based line and column of the failing character, as a character index.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(|l| l.chars().count())
        .sum();
    let mut pos = (line_start + error.column().saturating_sub(1)).min(chars.len());
    let message = error.to_string();
    let what = if message.starts_with("expected value") {
        "Expecting value"
    } else if message.starts_with("expected ident") {
        // serde_json fails inside a word such as `not`; Python at the word's start.
        while pos > 0 && chars[pos - 1].is_ascii_alphabetic() {
            pos -= 1;
        }
        "Expecting value"
    } else if message.starts_with("EOF while parsing a value") {
        pos = chars.len();
        "Expecting value"
    } else if message.starts_with("key must be a string") {
        "Expecting property name enclosed in double quotes"
    } else if message.starts_with("trailing characters") {
        "Extra data"
    } else {
        return message;
    };
    let line = chars[..pos].iter().filter(|&&c| c == '\n').count() + 1;
    let column = match chars[..pos].iter().rposition(|&c| c == '\n') {
        Some(newline) => pos - newline,
        None => pos + 1,
    };
    format!("{what}: line {line} column {column} (char {pos})")
}

#[cfg(test)]
mod tests;
