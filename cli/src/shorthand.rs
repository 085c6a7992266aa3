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

mod convert;
pub(crate) use convert::python_type;
mod parser;
mod pyjson;

use convert::{convert, python_float, python_int};
use rboto::__private::schema::{Kind, Shape, SHAPE_STREAMING};
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
        // A streaming blob (`s3api put-object --body`) is the path of a file to send: the
        // path is returned, `~` and `$VAR` expanded, for the caller to open; awscli checks it
        // is a file first.
        Kind::Blob if shape.has(SHAPE_STREAMING) => {
            let path = expand_path(text);
            if std::path::Path::new(&path).is_file() {
                Ok(Value::String(path))
            } else {
                Err(ShorthandError::param(
                    "Blob values must be a path to a file.",
                ))
            }
        }
        _ => Ok(value),
    }
}

/// `~` and `$VAR` in a path, as awscli expands them (`os.path.expandvars`, `expanduser`).
fn expand_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = match after.strip_prefix('{').and_then(|a| a.split_once('}')) {
            Some((name, tail)) => (name, tail),
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        match std::env::var(name) {
            Ok(v) if !name.is_empty() => out.push_str(&v),
            // Unknown variables are left as written.
            _ => out.push_str(&rest[i..rest.len() - tail.len()]),
        }
        rest = tail;
    }
    out.push_str(rest);
    match out.strip_prefix('~') {
        Some(tail) if tail.is_empty() || tail.starts_with('/') => match std::env::var("HOME") {
            Ok(home) => format!("{home}{tail}"),
            Err(_) => out,
        },
        _ => out,
    }
}

/// A JSON argument; when it is malformed, Python's own message says where (serde_json's is
/// kept for what Python accepts and serde_json does not, such as `NaN`).
fn parse_json(text: &str) -> Result<Value, ShorthandError> {
    serde_json::from_str(text).map_err(|e: serde_json::Error| {
        let why = pyjson::error(text).unwrap_or_else(|| e.to_string());
        ShorthandError::param(format!("Invalid JSON: {why}\nJSON received: {text}"))
    })
}

#[cfg(test)]
mod tests;
