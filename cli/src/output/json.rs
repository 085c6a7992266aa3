//! JSON text exactly as the AWS CLI prints it: Python's
//! `json.dump(response, indent=4, ensure_ascii=False)` — 4-space indent, `", "`-free item
//! separators with one item per line, `": "` after keys, non-ASCII text as it is, control
//! characters escaped the way Python escapes them, floats as Python's `repr`.

use serde_json::Value;

/// Appends `value` as the AWS CLI's JSON output (without the trailing newline).
pub fn write(value: &Value, out: &mut String) {
    write_at(value, 0, out);
}

fn indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn write_at(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(level + 1, out);
                write_at(item, level + 1, out);
            }
            out.push('\n');
            indent(level, out);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                indent(level + 1, out);
                write_string(k, out);
                out.push_str(": ");
                write_at(v, level + 1, out);
            }
            out.push('\n');
            indent(level, out);
            out.push('}');
        }
    }
}

/// Python's `json` string encoding with `ensure_ascii=False`.
pub fn write_string(s: &str, out: &mut String) {
    write_python_string(s, false, out);
}

/// Python's `json` string encoding; with `ensure_ascii`, every non-ASCII character as
/// `\uXXXX` (UTF-16 units), as `json.dumps` does by default.
pub fn write_python_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ensure_ascii && (c as u32) > 0x7e) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        out.push_str(&python_float_repr(f));
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in -4..16, otherwise as `1.5e+16` / `1e-05`.
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.5e16", "-2e-7".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let rest = &digits[1..];
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{}{frac}e{esign}{:02}", &digits[..1], exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(v: &Value) -> String {
        let mut s = String::new();
        write(v, &mut s);
        s
    }

    #[test]
    fn layout_matches_python_indent_4() {
        let v: Value = serde_json::from_str(
            r#"{"Buckets":[{"Name":"b","CreationDate":"2024-01-01T00:00:00+00:00"}],"Owner":{},"L":[],"N":null,"T":true}"#,
        )
        .unwrap();
        assert_eq!(
            dump(&v),
            "{\n    \"Buckets\": [\n        {\n            \"Name\": \"b\",\n            \"CreationDate\": \"2024-01-01T00:00:00+00:00\"\n        }\n    ],\n    \"Owner\": {},\n    \"L\": [],\n    \"N\": null,\n    \"T\": true\n}"
        );
        assert_eq!(dump(&Value::String("x".into())), "\"x\"");
    }

    #[test]
    fn strings_escape_like_python_ensure_ascii_false() {
        let v = Value::String("é\"\\\n\t\u{1}\u{8}\u{c}\u{7f}€".into());
        assert_eq!(dump(&v), "\"é\\\"\\\\\\n\\t\\u0001\\b\\f\u{7f}€\"");
    }

    #[test]
    fn floats_print_as_python_repr() {
        for (f, want) in [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (1.2345678901234567e16, "1.2345678901234568e+16"),
            (123456789012345.0, "123456789012345.0"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (0.0, "0.0"),
            (2.71, "2.71"),
        ] {
            assert_eq!(python_float_repr(f), want, "{f}");
        }
    }
}
