// replaced by branch clifmt
//! `--output table` (stub until branch clifmt lands).

use serde_json::Value;

/// Appends the AWS CLI's `--output table` rendering of `value` under `title`.
pub fn render(value: &Value, title: &str, out: &mut String) {
    // replaced by branch clifmt: title and JSON only.
    out.push_str(title);
    out.push('\n');
    out.push_str(&value.to_string());
    out.push('\n');
}
