//! Typing parsed shorthand by the model (awscli's `BackCompatVisitor`), and Python's
//! `int()` / `float()` with their error messages.

use super::{is_document, ShorthandError};
use rboto::__private::schema::{Kind, Shape};
use serde_json::Value;

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

pub(super) fn convert(shape: &Shape, value: &mut Value) -> Result<(), ShorthandError> {
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
pub(crate) fn python_type(value: &Value) -> &'static str {
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
    crate::output::text::python_str_repr(s)
}

/// Python's `int(value)`: optional sign, digits with single `_` between them, surrounding
/// whitespace.
pub(super) fn python_int(value: &Value) -> Result<Value, ShorthandError> {
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
pub(super) fn python_float(value: &Value) -> Result<Value, ShorthandError> {
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
