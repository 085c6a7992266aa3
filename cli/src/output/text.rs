//! `--output text`: the AWS CLI's tab-separated format (awscli `text.py`).
//!
//! A dictionary prints its scalar values on one line, tab-separated, in key order, preceded by
//! the upper-cased name of the key it was found under; its lists and dictionaries follow, each
//! under its own key. A list of dictionaries prints one line per element with the union of the
//! elements' scalar keys as columns (a missing key is an empty cell), so the columns line up.

use serde_json::{Map, Value};

/// Appends `value` (a response, already filtered by `--query`) as the AWS CLI's text output.
///
/// For a value the AWS CLI itself fails on (a list mixing dictionaries with other values),
/// the lines before the failure are appended, as the AWS CLI prints them; [`try_render`]
/// reports the failure.
pub fn render(value: &Value, out: &mut String) {
    let _ = try_render(value, out);
}

/// Why the AWS CLI stops formatting a value as text (it then exits with status 255).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError(String);

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}

/// [`render`], with the failure the AWS CLI would report.
pub fn try_render(value: &Value, out: &mut String) -> Result<(), TextError> {
    format(value, None, None, out)
}

fn format(
    value: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[&str]>,
    out: &mut String,
) -> Result<(), TextError> {
    match value {
        Value::Object(map) => format_dict(map, identifier, scalar_keys, out),
        Value::Array(items) => format_list(items, identifier, out),
        scalar => {
            out.push_str(&python_str(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

fn format_list(
    items: &[Value],
    identifier: Option<&str>,
    out: &mut String,
) -> Result<(), TextError> {
    if items.is_empty() {
        return Ok(());
    }
    if items.iter().any(Value::is_object) {
        // Columns are every scalar key of any element, so that rows line up.
        let mut keys: Vec<&str> = Vec::new();
        for item in items {
            let Value::Object(map) = item else {
                return Err(TextError(format!(
                    "'{}' object has no attribute 'items'",
                    crate::shorthand::python_type(item)
                )));
            };
            keys.extend(
                map.iter()
                    .filter(|(_, v)| is_scalar(v))
                    .map(|(k, _)| k.as_str()),
            );
        }
        keys.sort_unstable();
        keys.dedup();
        for item in items {
            format(item, identifier, Some(&keys), out)?;
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, nested): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for item in nested {
            format(item, identifier, None, out)?;
        }
    } else {
        let all: Vec<&Value> = items.iter().collect();
        format_scalar_list(&all, identifier, out);
    }
    Ok(())
}

fn format_scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        // Under a key, each element is its own line: `KEY\tvalue`.
        Some(id) => {
            for item in items {
                out.push_str(&id.to_uppercase());
                out.push('\t');
                out.push_str(&python_str(item));
                out.push('\n');
            }
        }
        // A bare list is one line.
        None => {
            let cells: Vec<String> = items.iter().map(|v| python_str(v)).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
}

fn format_dict(
    map: &Map<String, Value>,
    identifier: Option<&str>,
    scalar_keys: Option<&[&str]>,
    out: &mut String,
) -> Result<(), TextError> {
    let mut scalars: Vec<String> = Vec::new();
    let mut nested: Vec<(&str, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (key, value) in entries {
                if is_scalar(value) {
                    scalars.push(python_str(value));
                } else {
                    nested.push((key, value));
                }
            }
        }
        Some(keys) => {
            // The list's columns, whether or not this element has them.
            for key in keys {
                scalars.push(map.get(*key).map(python_str).unwrap_or_default());
            }
            let mut rest: Vec<(&String, &Value)> = map
                .iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .collect();
            rest.sort_by(|a, b| a.0.cmp(b.0));
            nested.extend(rest.into_iter().map(|(k, v)| (k.as_str(), v)));
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in nested {
        format(value, Some(key), None, out)?;
    }
    Ok(())
}

/// A JSON value as Python's `str()` prints the equivalent Python value: the AWS CLI formats
/// scalars with it (`True`, `None`, `1e+16`), and containers in a cell with `repr()`.
pub(crate) fn python_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => python_repr(other),
    }
}

fn python_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => python_float(f),
            _ => n.to_string(),
        },
        Value::String(s) => python_str_repr(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", python_str_repr(k), python_repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// Python's `repr(float)`: the shortest round-tripping digits, in exponent form when the
/// exponent is below -4 or at least 16, and always with a `.0` or an exponent.
pub(crate) fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `{:e}` gives the shortest round-tripping mantissa: "1.5e-7", "1e16".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let plain = format!("{f}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

/// Python's `repr()` of a text: `'a'`, or `"it's"` when it holds a `'` and no `"`.
pub(crate) fn python_str_repr(s: &str) -> String {
    // Python quotes with ' unless the text holds a ' and no ".
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(json: &str) -> String {
        let value: Value = serde_json::from_str(json).unwrap();
        let mut out = String::new();
        render(&value, &mut out);
        out
    }

    /// Every fixture of `tests/data/format-cases.json` (chosen shapes) and
    /// `random-format-cases.json` (150 random values), against awscli 1.46.3's `format_text`.
    #[test]
    fn matches_awscli_text_formatter() {
        let fixed: Value =
            serde_json::from_str(include_str!("../../tests/data/format-cases.json")).unwrap();
        let random: Value =
            serde_json::from_str(include_str!("../../tests/data/random-format-cases.json"))
                .unwrap();
        let mut checked = 0;
        let cases = fixed.as_array().unwrap().iter();
        for case in cases.chain(random.as_array().unwrap()) {
            let name = case["name"].as_str().unwrap();
            let mut out = String::new();
            let result = try_render(&case["input"], &mut out);
            match case["text"].as_str() {
                Some(expected) => {
                    assert_eq!(result, Ok(()), "case {name}");
                    assert_eq!(out, expected, "text output of case {name}");
                }
                None => assert!(result.is_err(), "case {name}: awscli failed, so must we"),
            }
            checked += 1;
        }
        assert!(checked >= 150, "{checked}");
    }

    #[test]
    fn scalars_print_as_python_does() {
        assert_eq!(text("true"), "True\n");
        assert_eq!(text("null"), "None\n");
        assert_eq!(text("[1.5, 2, \"a\"]"), "1.5\t2\ta\n");
        assert_eq!(text("{\"b\": [], \"a\": {}}"), "");
    }
}
