// replaced by branch clifmt
//! `--output text` (stub until branch clifmt lands).

use serde_json::Value;

/// Appends the AWS CLI's `--output text` rendering of `value`.
pub fn render(value: &Value, out: &mut String) {
    // replaced by branch clifmt: a minimal tab-separated fallback.
    match value {
        Value::Null => {}
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => {
            for item in items {
                render(item, out);
            }
        }
        Value::Object(map) => {
            for v in map.values() {
                render(v, out);
            }
        }
        other => {
            out.push_str(&other.to_string());
            out.push('\n');
        }
    }
}
