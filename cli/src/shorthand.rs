// replaced by branch clifmt
//! One command-line value of a member, as the AWS CLI reads it (stub until branch clifmt
//! lands: JSON, scalars and space-separated lists of scalars only).

use crate::schema::{Kind, Shape};
use std::fmt;

/// A value that could not be read for its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShorthandError(pub String);

impl fmt::Display for ShorthandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShorthandError {}

/// The JSON the dynamic client takes for `values` given to a member of `shape`.
pub fn parse_argument(
    shape: &'static Shape,
    values: &[String],
) -> Result<serde_json::Value, ShorthandError> {
    // replaced by branch clifmt
    let scalar = |shape: &'static Shape, v: &str| -> Result<serde_json::Value, ShorthandError> {
        let bad = || ShorthandError(format!("invalid value {v:?} for {}", shape.name));
        Ok(match shape.kind {
            Kind::Boolean => serde_json::Value::Bool(match v.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(bad()),
            }),
            Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
                serde_json::Value::from(v.trim().parse::<i64>().map_err(|_| bad())?)
            }
            Kind::Float | Kind::Double | Kind::BigDecimal => {
                serde_json::Number::from_f64(v.trim().parse::<f64>().map_err(|_| bad())?)
                    .map(serde_json::Value::Number)
                    .ok_or_else(bad)?
            }
            Kind::Structure(_)
            | Kind::Union(_)
            | Kind::Map(..)
            | Kind::List(_)
            | Kind::Document => {
                serde_json::from_str(v).map_err(|e| ShorthandError(format!("{e}")))?
            }
            _ => serde_json::Value::String(v.to_string()),
        })
    };
    match &shape.kind {
        Kind::List(member) => {
            if values.len() == 1 && values[0].trim_start().starts_with('[') {
                return serde_json::from_str(&values[0]).map_err(|e| ShorthandError(e.to_string()));
            }
            let items = values
                .iter()
                .map(|v| scalar(member.target(), v))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(serde_json::Value::Array(items))
        }
        _ => scalar(shape, values.first().map_or("", String::as_str)),
    }
}
