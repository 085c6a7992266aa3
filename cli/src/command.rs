//! `rboto <service> <operation> …` and `rboto <service> wait <waiter> …`: find the service's
//! embedded model, build the argument table, parse, call (paginating like the CLI), print.

use crate::args::{self, ArgKind};
use crate::customize;
use crate::dynamic::{Client, JsonOptions, Model};
use crate::error::{exit, CliError};
use crate::globals::Globals;
use crate::names::{service_for_command, xform_name};
use crate::output;
use serde_json::{Map, Value};
use std::io::Write;
use std::sync::Arc;

/// The model of the service behind CLI command `command`, or a usage error.
pub fn load_model(command: &str) -> Result<(Arc<Model>, crate::models::Documents), CliError> {
    let docs = service_for_command(command)
        .and_then(crate::models::documents)
        .ok_or_else(|| {
            CliError::usage(format!(
                "argument command: Invalid choice, valid choices are:\n\nInvalid choice: '{command}'"
            ))
        })?;
    let model = Model::from_documents(
        docs.name,
        docs.service,
        docs.endpoint_rules,
        docs.paginators,
        docs.waiters,
    )
    .map_err(|e| CliError::other(e.to_string()))?;
    Ok((Arc::new(model), docs))
}

/// The model operation a kebab-case CLI name stands for.
pub fn find_operation(model: &Model, name: &str) -> Option<&'static str> {
    model.operation_names().find(|op| xform_name(op) == name)
}

fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error for the CLI.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(())
}

/// Runs `rboto <command> <rest…>`; returns the exit code.
pub async fn run(command: &str, rest: &[String], globals: &Globals) -> Result<i32, CliError> {
    let Some(op_cli) = rest.first() else {
        return Err(CliError::usage(
            "the following arguments are required: operation",
        ));
    };
    let (model, docs) = load_model(command)?;
    if op_cli == "help" {
        print(&crate::help::service_help(command, &docs)?)?;
        return Ok(0);
    }
    if op_cli == "wait" {
        return run_wait(command, &model, &rest[1..], globals).await;
    }
    if command == "ecr" && op_cli == "get-login-password" {
        return ecr_get_login_password(&model, &rest[1..], globals).await;
    }
    let op_name = find_operation(&model, op_cli)
        .filter(|_| !crate::names::is_removed(command, op_cli))
        .ok_or_else(|| {
            CliError::usage(format!(
            "argument operation: Invalid choice, valid choices are:\n\nInvalid choice: '{op_cli}'"
        ))
        })?;
    let operation = model
        .operation(op_name)
        .ok_or_else(|| CliError::other("no operation"))?;
    if rest.get(1).map(String::as_str) == Some("help") {
        print(&crate::help::operation_help(command, &docs, op_name)?)?;
        return Ok(0);
    }
    let paginator = model.paginator(op_name);
    let mut table = args::argument_table(
        command,
        operation,
        paginator.is_some(),
        paginator.is_some_and(|p| p.limit_key.is_some()),
    );
    let mut custom = customize::adjust(command, op_cli, operation, &mut table);
    let paginate_flag = paginator.is_some() && !globals.no_paginate;
    let mut parsed = args::parse(
        &table,
        &rest[1..],
        paginate_flag,
        custom.positional,
        (command, op_cli),
    )?;
    if let Some(which) = &parsed.skeleton {
        let shape = if which == "output" {
            operation.output
        } else {
            operation.input
        };
        let skeleton = args::skeleton(shape, which == "output");
        if which == "output" {
            // awscli prints it as a stubbed response: through --query and --output.
            let settings = globals.output_settings(None);
            print(&output::render(skeleton, &settings, op_name)?)?;
        } else {
            let mut out = String::new();
            output::json::write(&skeleton, &mut out);
            out.push('\n');
            print(&out)?;
        }
        return Ok(0);
    }
    customize::apply(&mut custom, &mut parsed)?;
    // The CLI turns pagination off when an input token or the limit key is given by hand.
    let manual = paginator.is_some_and(|p| {
        p.input_token
            .iter()
            .chain(p.limit_key.iter())
            .any(|t| parsed.explicit.contains(t))
    });
    let paginate = paginate_flag && !manual;
    if !paginate
        && (parsed.starting_token.is_some()
            || parsed.page_size.is_some()
            || parsed.max_items.is_some())
        && paginator.is_some()
    {
        let mut used = Vec::new();
        if parsed.starting_token.is_some() {
            used.push("--starting-token");
        }
        if parsed.page_size.is_some() {
            used.push("--page-size");
        }
        if parsed.max_items.is_some() {
            used.push("--max-items");
        }
        return Err(CliError::param(format!(
            "Error during pagination: Cannot specify --no-paginate along with pagination arguments: {}",
            used.join(", ")
        )));
    }

    let config = globals.config().await?;
    let settings = globals.output_settings(Some(&config));
    if globals.debug {
        crate::debug::install();
    }
    let client = Client::new(&config, model.clone());
    let mut input = Value::Object(std::mem::take(&mut parsed.input));
    crate::handlers::before_call(&model, operation, &mut input);
    let options = JsonOptions::default();
    let result = if paginate {
        let spec = paginator.ok_or_else(|| CliError::other("no paginator"))?;
        let mut pages = client.paginate(op_name, input);
        if let Some(n) = parsed.page_size {
            pages = pages.page_size(n);
        }
        if let Some(n) = parsed.max_items {
            pages = pages.max_items(usize::try_from(n.max(0)).unwrap_or(0));
        }
        if let Some(t) = &parsed.starting_token {
            pages = pages.starting_token(t.clone());
        }
        let mut all = Vec::new();
        while let Some(page) = pages.next_page().await {
            let page = page.map_err(|e| CliError::from_call(&e, op_name))?;
            let mut json = page.to_json(&options);
            crate::handlers::after_call(&model, operation, &mut json);
            all.push(json);
        }
        let token = pages.resume_token().map(str::to_string);
        if settings.format == output::OutputFormat::Text {
            // awscli's TextFormatter prints page by page (the query applied to each).
            let mut out = String::new();
            for (i, page) in all.iter().enumerate() {
                let keys = if i == 0 { spec.non_aggregate_keys } else { &[] };
                out.push_str(&output::render(
                    text_page(page, keys, spec.result_key),
                    &settings,
                    op_name,
                )?);
            }
            if let Some(token) = token {
                let next = serde_json::json!({"NextToken": {"NextToken": token}});
                out.push_str(&output::render(next, &settings, op_name)?);
            }
            print(&out)?;
            return Ok(0);
        }
        let mut agg = Aggregate::new(spec.result_key, spec.non_aggregate_keys);
        for page in all {
            agg.add(page);
        }
        agg.finish(token.as_deref())
    } else {
        let sent = match &custom.body_path {
            Some(path) => {
                let body = rboto::Body::from_path(path)
                    .await
                    .map_err(|e| CliError::param(format!("{path}: {e}")))?;
                client.call_with_body(op_name, input, body).await
            }
            None => client.call(op_name, input).await,
        };
        let mut out = sent.map_err(|e| CliError::from_call(&e, op_name))?;
        let mut json = customize::finish_output(&mut out, &custom, &options).await?;
        crate::handlers::after_call(&model, operation, &mut json);
        json
    };
    print(&output::render(result, &settings, op_name)?)?;
    Ok(0)
}

/// awscli's `ecr get-login-password`: the password of the registry's authorization token.
async fn ecr_get_login_password(
    model: &Arc<Model>,
    rest: &[String],
    globals: &Globals,
) -> Result<i32, CliError> {
    if let Some(extra) = rest.first() {
        return Err(CliError::usage(format!("Unknown options: {extra}")));
    }
    let config = globals.config().await?;
    let client = Client::new(&config, model.clone());
    let out = client
        .call("GetAuthorizationToken", serde_json::json!({}))
        .await
        .map_err(|e| CliError::from_call(&e, "GetAuthorizationToken"))?;
    let json = out.to_json(&JsonOptions::default());
    let token = json["authorizationData"][0]["authorizationToken"]
        .as_str()
        .unwrap_or_default();
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| CliError::other("the authorization token is not base64 text"))?;
    let password = decoded.split_once(':').map_or("", |(_, p)| p);
    print(&format!("{password}\n"))?;
    Ok(0)
}

/// botocore's `PageIterator.build_full_result`: result keys aggregated over the pages (lists
/// extended, strings and numbers added), the non-aggregate keys of the first page after
/// them, and `NextToken` when `--max-items` stopped early.
pub struct Aggregate {
    result_keys: &'static [&'static str],
    non_aggregate: &'static [&'static str],
    result: Map<String, Value>,
    first: Option<Value>,
}

fn get_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, part| cur.get(part))
}

fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_string(), value);
        }
        Some((head, tail)) => {
            let entry = map
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                set_path(inner, tail, value);
            }
        }
    }
}

impl Aggregate {
    pub fn new(
        result_keys: &'static [&'static str],
        non_aggregate: &'static [&'static str],
    ) -> Self {
        Aggregate {
            result_keys,
            non_aggregate,
            result: Map::new(),
            first: None,
        }
    }

    pub fn add(&mut self, page: Value) {
        for key in self.result_keys {
            let Some(value) = get_path(&page, key).filter(|v| !v.is_null()).cloned() else {
                continue;
            };
            let existing = match key.split_once('.') {
                None => self.result.get(*key),
                Some((head, tail)) => self.result.get(head).and_then(|v| get_path(v, tail)),
            }
            .cloned();
            let merged = match (existing, value) {
                (None, v) => v,
                (Some(Value::Array(mut a)), Value::Array(b)) => {
                    a.extend(b);
                    Value::Array(a)
                }
                (Some(Value::String(a)), Value::String(b)) => Value::String(a + &b),
                (Some(Value::Number(a)), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
                    (Some(x), Some(y)) => Value::from(x + y),
                    _ => serde_json::json!(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0)),
                },
                (Some(old), _) => old,
            };
            set_path(&mut self.result, key, merged);
        }
        if self.first.is_none() {
            self.first = Some(page);
        }
    }

    pub fn finish(mut self, resume_token: Option<&str>) -> Value {
        if let Some(first) = &self.first {
            // A key absent from the first page is still set, to null, as botocore does.
            for key in self.non_aggregate {
                let v = get_path(first, key).cloned().unwrap_or(Value::Null);
                set_path(&mut self.result, key, v);
            }
        }
        if let Some(token) = resume_token {
            self.result
                .insert("NextToken".into(), Value::String(token.to_string()));
        }
        Value::Object(self.result)
    }
}

/// One page as awscli's TextFormatter builds it: the given non-aggregate keys, then the
/// result keys (null when absent).
fn text_page(page: &Value, non_aggregate: &[&str], result_keys: &[&str]) -> Value {
    let mut current = Map::new();
    for key in non_aggregate.iter().chain(result_keys) {
        let v = get_path(page, key).cloned().unwrap_or(Value::Null);
        set_path(&mut current, key, v);
    }
    Value::Object(current)
}

async fn run_wait(
    command: &str,
    model: &Arc<Model>,
    rest: &[String],
    globals: &Globals,
) -> Result<i32, CliError> {
    let Some(cli_name) = rest.first() else {
        return Err(CliError::usage(
            "the following arguments are required: subcommand",
        ));
    };
    if cli_name == "help" {
        let names: Vec<String> = model.waiter_names().map(xform_name).collect();
        print(&format!(
            "Available waiters for {command}:\n\n  {}\n",
            names.join("\n  ")
        ))?;
        return Ok(0);
    }
    let waiter = model
        .waiter_names()
        .find(|w| xform_name(w) == *cli_name)
        .map(str::to_string)
        .ok_or_else(|| {
            CliError::usage(format!(
                "argument subcommand: Invalid choice, valid choices are:\n\nInvalid choice: '{cli_name}'"
            ))
        })?;
    let operation = model
        .waiter_operation(&waiter)
        .ok_or_else(|| CliError::other("waiter has no operation"))?;
    let table: Vec<_> = args::argument_table(command, operation, false, false)
        .into_iter()
        .filter(|a| !matches!(a.kind, ArgKind::GenerateCliSkeleton))
        .collect();
    let mut parsed = args::parse(&table, &rest[1..], false, 0, (command, cli_name))?;
    let config = globals.config().await?;
    if globals.debug {
        crate::debug::install();
    }
    let client = Client::new(&config, model.clone());
    let input = Value::Object(std::mem::take(&mut parsed.input));
    match client.wait(&waiter, input, None, None).await {
        Ok(_) => Ok(0),
        Err(e) => {
            let text = e.to_string();
            let text = if text.starts_with("Waiter ") {
                text
            } else {
                format!("Waiter {waiter} failed: {text}")
            };
            Err(CliError {
                code: exit::OTHER,
                message: text,
                usage: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_like_build_full_result() {
        let mut a = Aggregate::new(&["Contents", "CommonPrefixes"], &["Name", "Prefix"]);
        a.add(serde_json::json!({"IsTruncated": true, "Contents": [{"Key": "a"}], "Name": "b", "Prefix": ""}));
        a.add(serde_json::json!({"IsTruncated": false, "Contents": [{"Key": "b"}], "Name": "b", "Prefix": ""}));
        let v = a.finish(Some("tok"));
        assert_eq!(
            v.to_string(),
            r#"{"Contents":[{"Key":"a"},{"Key":"b"}],"Name":"b","Prefix":"","NextToken":"tok"}"#
        );
        let mut a = Aggregate::new(&["Contents"], &["Name", "RequestCharged"]);
        a.add(serde_json::json!({"Name": "b"}));
        assert_eq!(
            a.finish(None).to_string(),
            r#"{"Name":"b","RequestCharged":null}"#
        );
    }

    #[test]
    fn finds_models_and_operations() {
        let (model, _) = load_model("s3api").unwrap();
        assert_eq!(
            find_operation(&model, "list-objects-v2"),
            Some("ListObjectsV2")
        );
        assert!(load_model("s3").is_err());
        assert_eq!(load_model("nope").err().map(|e| e.code), Some(252));
        let (model, _) = load_model("configservice").unwrap();
        assert!(find_operation(&model, "describe-config-rules").is_some());
    }
}
