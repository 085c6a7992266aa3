//! An operation's input from JSON: each value converted by its member's shape, with every
//! problem reported as botocore's parameter validation words it (`Invalid type for parameter
//! Tags[0].Key, value: 1, type: <class 'int'>, valid types: <class 'str'>`), since that is
//! what a user of the AWS CLI knows.

use crate::model::json::Json;
use crate::schema::{Kind, Member, Shape, HOST_LABEL, IDEMPOTENCY_TOKEN, JSON_VALUE, REQUIRED};
use crate::types::{Blob, Body, DateTime, Document, Number};
use crate::value::Value;
use serde_json::Value as J;
use std::collections::HashMap;

/// Recursive shapes are finite in value, but a hostile input should not blow the stack.
const MAX_DEPTH: usize = 100;

/// Converts `input` to a value of `shape` (an operation's input). `check_required` reports
/// missing required members (botocore skips that when parameter validation is off). Returns
/// every problem found, or the value.
pub(super) fn to_value(
    shape: &'static Shape,
    input: &J,
    check_required: bool,
    minimums: &Minimums,
) -> Result<Value, Vec<String>> {
    let mut conv = Converter {
        problems: Vec::new(),
        check_required,
        minimums,
    };
    let value = conv.convert(shape, input, "", 0);
    if conv.problems.is_empty() {
        Ok(value)
    } else {
        Err(conv.problems)
    }
}

struct Converter<'m> {
    problems: Vec<String>,
    check_required: bool,
    minimums: &'m Minimums,
}

/// The `min` trait of each member's target shape (a string's or list's least length, a
/// number's least value), by the containing shape's name and the member's (`member` for a
/// list's items and a map's values, as the schema names them): plain scalar shapes share one schema shape each, so
/// the target's own name is not at hand where the check runs.
#[derive(Debug, Default)]
pub(crate) struct Minimums(HashMap<(&'static str, &'static str), f64>);

impl Minimums {
    pub(crate) fn of(document: &'static Json) -> Minimums {
        let shapes = document.get("shapes");
        let min_of = |target: &Json| {
            let name = target.get("shape").as_str()?;
            shapes.get(name).get("min").as_f64()
        };
        let mut mins = HashMap::new();
        for (name, shape) in shapes.members() {
            let members: Vec<(&'static str, &'static Json)> = match shape.get("type").as_str() {
                Some("structure" | "union") => shape
                    .get("members")
                    .members()
                    .iter()
                    .map(|(member, target)| (member.as_str(), target))
                    .collect(),
                Some("list") => vec![("member", shape.get("member"))],
                Some("map") => vec![("member", shape.get("value"))],
                _ => continue,
            };
            for (member, target) in members {
                if let Some(min) = min_of(target) {
                    mins.insert((name.as_str(), member), min);
                }
            }
        }
        Minimums(mins)
    }
}

/// A number as Python prints it in botocore's messages (`1`, `0.5`).
fn python_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// botocore's `_get_name`: the top level is `input`, a nested path drops its leading dot.
fn display_name(path: &str) -> &str {
    if path.is_empty() {
        "input"
    } else {
        path.strip_prefix('.').unwrap_or(path)
    }
}

/// Python's `type()` of a value as `json.loads` would have made it.
fn python_type(v: &J) -> &'static str {
    match v {
        J::Null => "<class 'NoneType'>",
        J::Bool(_) => "<class 'bool'>",
        J::Number(n) if n.is_f64() => "<class 'float'>",
        J::Number(_) => "<class 'int'>",
        J::String(_) => "<class 'str'>",
        J::Array(_) => "<class 'list'>",
        J::Object(_) => "<class 'dict'>",
    }
}

/// Python's `str()` of a value as `json.loads` would have made it.
fn python_str(v: &J, out: &mut String, nested: bool) {
    match v {
        J::Null => out.push_str("None"),
        J::Bool(true) => out.push_str("True"),
        J::Bool(false) => out.push_str("False"),
        J::Number(n) => out.push_str(&n.to_string()),
        J::String(s) if nested => {
            out.push('\'');
            out.push_str(&s.replace('\\', "\\\\").replace('\'', "\\'"));
            out.push('\'');
        }
        J::String(s) => out.push_str(s),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_str(item, out, true);
            }
            out.push(']');
        }
        J::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_str(&J::String(k.clone()), out, true);
                out.push_str(": ");
                python_str(item, out, true);
            }
            out.push('}');
        }
    }
}

/// The Python types botocore accepts for a shape, as its messages list them.
fn valid_types(kind: &Kind) -> &'static str {
    match kind {
        Kind::Structure(_) | Kind::Union(_) | Kind::Map(..) => "<class 'dict'>",
        Kind::List(_) => "<class 'list'>, <class 'tuple'>",
        Kind::String => "<class 'str'>",
        Kind::Boolean => "<class 'bool'>",
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
            "<class 'int'>"
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => {
            "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"
        }
        Kind::Blob => "<class 'bytes'>, <class 'bytearray'>, file-like object",
        Kind::Timestamp => "<class 'datetime.datetime'>, timestamp-string",
        Kind::Document => "<class 'str'>, <class 'int'>, <class 'bool'>, <class 'float'>, <class 'list'>, <class 'dict'>",
    }
}

fn document(v: &J) -> Document {
    match v {
        J::Null => Document::Null,
        J::Bool(b) => Document::Bool(*b),
        J::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            _ => Number::Float(n.as_f64().unwrap_or_default()),
        }),
        J::String(s) => Document::String(s.clone()),
        J::Array(items) => Document::Array(items.iter().map(document).collect()),
        J::Object(members) => Document::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), document(v)))
                .collect(),
        ),
    }
}

/// A timestamp as botocore's `parse_to_aware_datetime` reads one: epoch seconds, ISO 8601
/// (also just a date, a space for the `T`, or minutes without seconds, as dateutil allows),
/// or an HTTP date; without a zone it is UTC.
fn parse_timestamp(text: &str) -> Option<DateTime> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_any(text) {
        return Some(t);
    }
    let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00"));
    let mut time = time.trim().to_string();
    let after_minutes = time.as_bytes().get(5).copied();
    // `HH:MM` is ASCII; anything else there is not a time (and must not split a character).
    if time.len() >= 5 && time.is_char_boundary(5) && after_minutes != Some(b':') {
        time.insert_str(5, ":00");
    }
    DateTime::parse_iso8601(&format!("{date}T{time}")).ok()
}

impl Converter<'_> {
    /// botocore's `range_check`: `measure` (a length or a value) below the shape's `min`, or
    /// below 1 for a host-label member without one.
    fn range_check(
        &mut self,
        key: (&str, &str),
        shape: &Shape,
        measure: f64,
        host_label: bool,
        path: &str,
    ) {
        let (what, unit) = match shape.kind {
            Kind::String | Kind::List(_) => ("length", "length"),
            _ => ("value", "value"),
        };
        let min = match self.minimums.0.get(&key) {
            Some(min) => *min,
            None if host_label => 1.0,
            None => return,
        };
        if measure < min {
            self.problems.push(format!(
                "Invalid {what} for parameter {}, value: {}, valid min {unit}: {}",
                display_name(path),
                python_number(measure),
                python_number(min),
            ));
        }
    }

    /// Checks a converted value's length or size against its shape's minimum.
    fn check_minimum(
        &mut self,
        key: (&str, &str),
        shape: &Shape,
        value: &Value,
        host_label: bool,
        path: &str,
    ) {
        let measure = match (&shape.kind, value) {
            (Kind::String, Value::Str(s)) => s.chars().count() as f64,
            (Kind::List(_), Value::List(items)) => items.len() as f64,
            (_, Value::Int(n)) => *n as f64,
            (Kind::Float | Kind::Double, Value::Float(f)) => *f,
            _ => return,
        };
        self.range_check(key, shape, measure, host_label, path);
    }

    fn invalid_type(&mut self, shape: &Shape, v: &J, path: &str) -> Value {
        let mut shown = String::new();
        python_str(v, &mut shown, false);
        self.problems.push(format!(
            "Invalid type for parameter {}, value: {shown}, type: {}, valid types: {}",
            display_name(path),
            python_type(v),
            valid_types(&shape.kind),
        ));
        Value::Bool(false)
    }

    /// The value of member `m`. A `jsonvalue` string member takes any JSON, as botocore
    /// `json.dumps` it (JSON text given as a string is sent as it is).
    fn member(
        &mut self,
        container: &Shape,
        m: &'static Member,
        v: &J,
        path: &str,
        depth: usize,
    ) -> Value {
        match v {
            v if m.has(JSON_VALUE) && !matches!(v, J::String(_) | J::Null) => {
                Value::Document(document(v))
            }
            v => self.convert_checked((container.name, m.name), m, v, path, depth),
        }
    }

    /// [`Self::convert`], then the minimum check, reported (as botocore does) before the
    /// problems of a list's items.
    fn convert_checked(
        &mut self,
        key: (&str, &str),
        m: &'static Member,
        v: &J,
        path: &str,
        depth: usize,
    ) -> Value {
        let shape = m.target();
        let before = self.problems.len();
        let value = self.convert(shape, v, path, depth);
        // A value of the wrong type has no length to check; a list's own length is reported
        // before its items' problems.
        if self.problems.len() == before || matches!(shape.kind, Kind::List(_)) {
            let items = self.problems.split_off(before);
            self.check_minimum(key, shape, &value, m.has(HOST_LABEL), path);
            self.problems.extend(items);
        }
        value
    }

    fn convert(&mut self, shape: &'static Shape, v: &J, path: &str, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            self.problems.push(format!(
                "Parameter {} is nested more than {MAX_DEPTH} levels deep",
                display_name(path)
            ));
            return Value::Bool(false);
        }
        match (&shape.kind, v) {
            (Kind::Document, v) => Value::Document(document(v)),
            (Kind::Structure(_) | Kind::Union(_), J::Object(members)) => {
                self.structure(shape, members, path, depth)
            }
            (Kind::List(item), J::Array(items)) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.member(shape, item, x, &format!("{path}[{i}]"), depth + 1))
                    .collect(),
            ),
            (Kind::Map(_, value), J::Object(members)) => Value::Map(
                members
                    .iter()
                    .map(|(k, x)| {
                        let x = self.member(shape, value, x, &format!("{path}.{k}"), depth + 1);
                        (k.clone(), x)
                    })
                    .collect(),
            ),
            (Kind::String, J::String(s)) => Value::Str(s.clone()),
            (Kind::Boolean, J::Bool(b)) => Value::Bool(*b),
            (
                Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger,
                J::Number(n),
            ) if n.as_i64().is_some() => Value::Int(n.as_i64().unwrap_or_default()),
            (Kind::Float | Kind::Double | Kind::BigDecimal, J::Number(n)) => {
                Value::Float(n.as_f64().unwrap_or_default())
            }
            (Kind::Blob, J::String(s)) => {
                use base64::Engine as _;
                match base64::engine::general_purpose::STANDARD.decode(s) {
                    Ok(bytes) if shape.has(crate::schema::SHAPE_STREAMING) => {
                        Value::Body(Body::from(bytes))
                    }
                    Ok(bytes) => Value::Blob(Blob::new(bytes)),
                    Err(_) => {
                        // AWS CLI v2's `cli_binary_format=base64` wording.
                        self.problems.push(format!(
                            "Invalid base64 for parameter {}: \"{s}\"",
                            display_name(path)
                        ));
                        Value::Bool(false)
                    }
                }
            }
            (Kind::Timestamp, J::Number(n)) => {
                Value::Timestamp(DateTime::from_secs_f64(n.as_f64().unwrap_or_default()))
            }
            (Kind::Timestamp, J::String(s)) => match parse_timestamp(s) {
                Some(t) => Value::Timestamp(t),
                None => self.invalid_type(shape, v, path),
            },
            _ => self.invalid_type(shape, v, path),
        }
    }

    fn structure(
        &mut self,
        shape: &'static Shape,
        input: &serde_json::Map<String, J>,
        path: &str,
        depth: usize,
    ) -> Value {
        let members = shape.members();
        let name = display_name(path).to_string();
        // botocore checks a union's member count first, by the keys given.
        if matches!(shape.kind, Kind::Union(_)) && input.len() != 1 {
            let keys: Vec<&str> = members.iter().map(|m| m.name).collect();
            self.problems.push(if input.is_empty() {
                // botocore's words, its missing space included.
                format!(
                    "Must set one of the following keys for tagged unionstructure {name}: {}.",
                    keys.join(", ")
                )
            } else {
                format!(
                    "Invalid number of parameters set for tagged union structure {name}. Can \
                     only set one of the following keys: {}.",
                    keys.join(", ")
                )
            });
        }
        if self.check_required {
            for m in members {
                if m.has(REQUIRED) && !m.has(IDEMPOTENCY_TOKEN) && !input.contains_key(m.name) {
                    self.problems.push(format!(
                        "Missing required parameter in {name}: \"{}\"",
                        m.name
                    ));
                }
            }
        }
        for key in input.keys() {
            if !members.iter().any(|m| m.name == key) {
                let valid: Vec<&str> = members.iter().map(|m| m.name).collect();
                self.problems.push(format!(
                    "Unknown parameter in {name}: \"{key}\", must be one of: {}",
                    valid.join(", ")
                ));
            }
        }
        let mut slots: Vec<Option<Value>> = members.iter().map(|_| None).collect();
        for (key, v) in input {
            if let Some(i) = members.iter().position(|m| m.name == key) {
                let value = self.member(shape, &members[i], v, &format!("{path}.{key}"), depth + 1);
                let streaming = members[i].is_streaming();
                slots[i] = Some(match value {
                    // A streaming member whose target is not marked streaming itself.
                    Value::Blob(b) if streaming => Value::Body(Body::from(b.into_inner())),
                    value => value,
                });
            }
        }
        Value::Struct(slots)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn timestamps_read_as_botocore_reads_them() {
        let secs = |s: &str| parse_timestamp(s).map(|t| (t.secs(), t.subsec_nanos()));
        // 2024-01-02T03:04:05Z
        let t = 1_704_164_645;
        assert_eq!(secs("2024-01-02T03:04:05Z"), Some((t, 0)));
        assert_eq!(secs("2024-01-02T03:04:05"), Some((t, 0)));
        assert_eq!(secs("2024-01-02 03:04:05"), Some((t, 0)));
        assert_eq!(secs("2024-01-02T04:04:05+01:00"), Some((t, 0)));
        assert_eq!(secs("2024-01-02T03:04:05.250Z"), Some((t, 250_000_000)));
        assert_eq!(secs("1704164645"), Some((t, 0)));
        assert_eq!(secs("Tue, 02 Jan 2024 03:04:05 GMT"), Some((t, 0)));
        assert_eq!(secs("2024-01-02"), Some((t - 3 * 3600 - 4 * 60 - 5, 0)));
        assert_eq!(secs("2024-01-02T03:04"), Some((t - 5, 0)));
        assert_eq!(secs("2024-01-02T03:04Z"), Some((t - 5, 0)));
        assert_eq!(secs("yesterday"), None);
        assert_eq!(secs("2024-13-02"), None);
        assert_eq!(secs(""), None);
        assert_eq!(secs("2024-01-02Téééé"), None);
        assert_eq!(secs("2024-01-02T0é"), None);
    }
}
