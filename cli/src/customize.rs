//! The AWS CLI customisations users type every day (awscli's `customizations/`):
//! `ec2 run-instances --count N[:M]`, `s3api get-object … <outfile>` (a positional file the
//! body is written to), and streaming blob inputs given as a file path
//! (`s3api put-object --body <path>`).

use crate::args::{Arg, ArgKind, Parsed};
use crate::error::CliError;
use crate::schema::{Kind, Operation, STREAMING};
use serde_json::Value;

/// What the customisations of one command need after parsing.
#[derive(Debug, Default)]
pub struct Custom {
    /// Positional arguments the command takes.
    pub positional: usize,
    /// Where the streaming output body goes (`get-object … outfile`).
    pub outfile: Option<String>,
    streaming_output: bool,
    streaming_inputs: Vec<&'static str>,
    count: bool,
    /// The file a streaming input member names (`put-object --body <path>`).
    pub body_path: Option<String>,
}

/// Changes the argument table of `<command> <operation>`.
pub fn adjust(
    command: &str,
    op_cli: &str,
    operation: &'static Operation,
    table: &mut Vec<Arg>,
) -> Custom {
    let mut custom = Custom::default();
    if command == "ec2" && op_cli == "run-instances" {
        for a in table.iter_mut() {
            if a.name == "min-count" || a.name == "max-count" {
                a.required = false;
            }
        }
        table.push(Arg {
            name: "count".into(),
            kind: ArgKind::Custom("count"),
            required: false,
        });
        custom.count = true;
    }
    // A streaming blob output is written to a positional file (awscli's StreamingOutputArgument).
    if operation
        .output
        .members()
        .iter()
        .any(|m| m.has(STREAMING) || m.target().has(crate::schema::SHAPE_STREAMING))
    {
        custom.positional = 1;
        custom.streaming_output = true;
    }
    custom.streaming_inputs = operation
        .input
        .members()
        .iter()
        .filter(|m| {
            (m.has(STREAMING) || m.target().has(crate::schema::SHAPE_STREAMING))
                && matches!(m.target().kind, Kind::Blob)
        })
        .map(|m| m.name)
        .collect();
    custom
}

fn count_value(text: &str) -> Result<(i64, i64), CliError> {
    let bad = || {
        CliError::param(format!("count parameter should be of form min[:max] (e.g. 1 or 1:10) and have a value greater than zero: {text}"))
    };
    let (min, max) = match text.split_once(':') {
        Some((a, b)) => (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        ),
        None => {
            let n: i64 = text.trim().parse().map_err(|_| bad())?;
            (n, n)
        }
    };
    if min < 1 || max < 1 {
        return Err(bad());
    }
    Ok((min, max))
}

/// Applies the customisations to the parsed input.
pub fn apply(custom: &mut Custom, parsed: &mut Parsed) -> Result<(), CliError> {
    if custom.count {
        let given = parsed.custom.iter().find(|(n, _)| *n == "count");
        let (min, max) = match given.and_then(|(_, v)| v.first()) {
            Some(text) => count_value(text)?,
            None => (1, 1),
        };
        if given.is_some() || !parsed.input.contains_key("MinCount") {
            parsed.input.entry("MinCount").or_insert(Value::from(min));
        }
        if given.is_some() || !parsed.input.contains_key("MaxCount") {
            parsed.input.entry("MaxCount").or_insert(Value::from(max));
        }
    }
    if custom.streaming_output && parsed.skeleton.is_none() {
        {
            let Some(path) = parsed.positional.first() else {
                return Err(CliError::usage(
                    "the following arguments are required: outfile",
                ));
            };
            custom.outfile = Some(path.clone());
        }
    }
    // A streaming blob input is a file path, sent as the streaming body (not base64).
    for member in &custom.streaming_inputs {
        if let Some(Value::String(path)) = parsed.input.remove(*member) {
            if !std::path::Path::new(&path).is_file() {
                return Err(CliError::param(
                    "Error parsing parameter '--body': Blob values must be a path to a file.",
                ));
            }
            custom.body_path = Some(path);
        }
    }
    Ok(())
}

/// Writes a streaming output body to `path` (`get-object … outfile`).
pub async fn write_body(out: &mut crate::dynamic::Output, path: &str) -> Result<(), CliError> {
    use tokio::io::AsyncWriteExt;
    let Some(mut body) = out.take_body() else {
        return Ok(());
    };
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| CliError::other(format!("{path}: {e}")))?;
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.map_err(|e| CliError::other(e.to_string()))?;
        file.write_all(&chunk)
            .await
            .map_err(|e| CliError::other(format!("{path}: {e}")))?;
    }
    file.flush()
        .await
        .map_err(|e| CliError::other(format!("{path}: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_forms() {
        assert_eq!(count_value("3").unwrap(), (3, 3));
        assert_eq!(count_value("1:5").unwrap(), (1, 5));
        assert_eq!(count_value("0").unwrap_err().code, 252);
        assert!(count_value("x").is_err());
    }
}
