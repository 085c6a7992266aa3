//! Printing a response: `--query` (JMESPath) first, then `--output json|text|table`.

pub mod json;
pub mod table;
pub mod text;

use crate::error::CliError;

/// `--output`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Json,
    Text,
    Table,
}

impl OutputFormat {
    pub fn parse(s: &str) -> Result<OutputFormat, CliError> {
        match s {
            "json" => Ok(OutputFormat::Json),
            "text" => Ok(OutputFormat::Text),
            "table" => Ok(OutputFormat::Table),
            other => Err(CliError::usage(format!(
                "argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                   \n\nInvalid choice: '{other}'"
            ))),
        }
    }
}

/// How results are printed: the format and the `--query` expression, if any.
#[derive(Clone, Debug, Default)]
pub struct OutputSettings {
    pub format: OutputFormat,
    pub query: Option<String>,
}

/// A parsed `--query`: parse errors are reported before any request is sent.
pub fn parse_query(text: &str) -> Result<crate::jmespath::Expression, CliError> {
    crate::jmespath::Expression::parse(text)
        .map_err(|e| CliError::param(format!("Bad value for --query {text}: {e}")))
}

/// Applies `--query` to a response. An evaluation error (a function given the wrong type)
/// is the CLI's uncaught jmespath error: exit 255.
pub fn apply_query(
    value: serde_json::Value,
    query: Option<&str>,
) -> Result<serde_json::Value, CliError> {
    let Some(query) = query else {
        return Ok(value);
    };
    parse_query(query)?
        .search(&value)
        .map_err(|e| CliError::other(e.to_string()))
}

/// A JMESPath result as serde_json, keys in the order they came.
pub fn from_jmes(j: &rboto::jmespath::Json) -> serde_json::Value {
    use rboto::jmespath::Json;
    match j {
        Json::Null => serde_json::Value::Null,
        Json::Bool(b) => (*b).into(),
        Json::Int(i) => (*i).into(),
        Json::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Json::String(s) => s.clone().into(),
        Json::Array(a) => serde_json::Value::Array(a.iter().map(from_jmes).collect()),
        Json::Object(o) => {
            serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), from_jmes(v))).collect())
        }
    }
}

/// The text to print on stdout for a response (already without `ResponseMetadata`), as the
/// AWS CLI's formatters write it. `title` is the operation name (table headings).
pub fn render(
    value: serde_json::Value,
    settings: &OutputSettings,
    title: &str,
) -> Result<String, CliError> {
    let value = apply_query(value, settings.query.as_deref())?;
    let mut out = String::new();
    match settings.format {
        OutputFormat::Json => {
            // The CLI prints nothing for an empty response object, but does print `[]`, `null`.
            if !matches!(&value, serde_json::Value::Object(m) if m.is_empty()) {
                json::write(&value, &mut out);
                out.push('\n');
            }
        }
        OutputFormat::Text => text::render(&value, &mut out),
        OutputFormat::Table => table::render(&value, title, &mut out),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_order_and_projects() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"Buckets":[{"Name":"b","CreationDate":"x"},{"Name":"a","CreationDate":"y"}],"Owner":{"ID":"1"}}"#,
        )
        .unwrap();
        let settings = OutputSettings {
            format: OutputFormat::Json,
            query: Some("Buckets[].{N: Name, D: CreationDate}".into()),
        };
        let text = render(v.clone(), &settings, "ListBuckets").unwrap();
        assert_eq!(
            text,
            "[\n    {\n        \"N\": \"b\",\n        \"D\": \"x\"\n    },\n    {\n        \"N\": \"a\",\n        \"D\": \"y\"\n    }\n]\n"
        );
        let q = OutputSettings {
            format: OutputFormat::Json,
            query: Some("length(Buckets)".into()),
        };
        assert_eq!(render(v, &q, "ListBuckets").unwrap(), "2\n");
    }

    #[test]
    fn empty_object_prints_nothing() {
        let s = OutputSettings::default();
        assert_eq!(render(serde_json::json!({}), &s, "X").unwrap(), "");
        assert_eq!(render(serde_json::json!([]), &s, "X").unwrap(), "[]\n");
    }

    #[test]
    fn bad_query_is_a_usage_error() {
        assert_eq!(parse_query("Buckets[").unwrap_err().code, 252);
    }
}
