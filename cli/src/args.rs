//! An operation's parameters as the AWS CLI builds them: one `--kebab-name` per input member
//! (booleans also as `--no-name`), the pagination options, `--cli-input-json` and
//! `--generate-cli-skeleton`, each value read through `file://` / `fileb://` and the
//! shorthand/JSON parser into the JSON input the dynamic client takes.

use crate::error::CliError;
use crate::names::{rename_argument, xform_name};
use crate::schema::{Kind, Member, Operation, Shape, IDEMPOTENCY_TOKEN, REQUIRED};
use serde_json::{Map, Value};

/// What one command-line option sets.
#[derive(Clone, Copy, Debug)]
pub enum ArgKind {
    /// The input member (values parsed for its shape).
    Member(&'static Member),
    /// `--no-x` of a boolean member.
    NegatedBool(&'static Member),
    StartingToken,
    PageSize,
    MaxItems,
    CliInputJson,
    GenerateCliSkeleton,
    /// An option a customisation adds (`ec2 run-instances --count`); values kept as given.
    Custom(&'static str),
    /// A customisation's option taking several values.
    CustomList(&'static str),
    /// A customisation's flag (no value).
    CustomFlag(&'static str),
}

/// One option of an operation.
#[derive(Clone, Debug)]
pub struct Arg {
    /// Without the leading `--`.
    pub name: String,
    pub kind: ArgKind,
    pub required: bool,
}

/// The options of `operation`, in the order the CLI lists them. `paginated` adds
/// `--starting-token`, `--max-items` and (with a limit key) `--page-size`.
pub fn argument_table(
    command: &str,
    operation: &'static Operation,
    paginated: bool,
    has_limit_key: bool,
) -> Vec<Arg> {
    let op_name = xform_name(operation.name);
    let mut table: Vec<Arg> = Vec::new();
    for m in operation.input.members() {
        let base = xform_name(m.name);
        let name = rename_argument(command, &op_name, &base)
            .map(str::to_string)
            .unwrap_or(base.clone());
        let required = m.has(REQUIRED) && !m.has(IDEMPOTENCY_TOKEN);
        table.push(Arg {
            name,
            kind: ArgKind::Member(m),
            required,
        });
        if matches!(m.target().kind, Kind::Boolean) {
            let neg = format!("no-{base}");
            let name = rename_argument(command, &op_name, &neg)
                .map(str::to_string)
                .unwrap_or(neg);
            table.push(Arg {
                name,
                kind: ArgKind::NegatedBool(m),
                required: false,
            });
        }
    }
    table.push(Arg {
        name: "cli-input-json".into(),
        kind: ArgKind::CliInputJson,
        required: false,
    });
    if paginated {
        // The paging options shadow members of the same name (Route 53's --max-items); with
        // --no-paginate the member comes back (see `parse`).
        for (name, kind, wanted) in [
            ("starting-token", ArgKind::StartingToken, true),
            ("page-size", ArgKind::PageSize, has_limit_key),
            ("max-items", ArgKind::MaxItems, true),
        ] {
            if wanted {
                table.push(Arg {
                    name: name.into(),
                    kind,
                    required: false,
                });
            }
        }
    }
    table.push(Arg {
        name: "generate-cli-skeleton".into(),
        kind: ArgKind::GenerateCliSkeleton,
        required: false,
    });
    table
}

/// The parsed options of one operation call.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The operation input, member names as the model spells them.
    pub input: Map<String, Value>,
    /// Members set from the command line (for the "manual pagination" rule).
    pub explicit: Vec<&'static str>,
    pub starting_token: Option<String>,
    pub page_size: Option<i64>,
    pub max_items: Option<i64>,
    /// `--generate-cli-skeleton [input|output]`.
    pub skeleton: Option<String>,
    /// Positional arguments (customisations such as `get-object … outfile`).
    pub positional: Vec<String>,
    /// Values of customisation options, by option name.
    pub custom: Vec<(&'static str, Vec<String>)>,
}

fn is_option(s: &str) -> bool {
    s.starts_with("--") && s.len() > 2
}

/// Finds an option by name; paging options first (they shadow members) unless pagination is
/// off, in which case the shadowed member is found.
fn find<'t>(table: &'t [Arg], name: &str, paginate: bool) -> Option<&'t Arg> {
    let mut hits = table.iter().filter(|a| a.name == name);
    let first = hits.next()?;
    let second = hits.next();
    match (first.kind, second) {
        (ArgKind::Member(_), Some(paging)) if paginate => Some(paging),
        (_, _) if paginate => Some(first),
        (ArgKind::Member(_), _) => Some(first),
        (_, Some(member)) => Some(member),
        _ => Some(first),
    }
}

/// Reads `args` (everything after `<service> <operation>`) against `table`. `positional_ok`
/// is how many positional arguments the command takes; `context` is the CLI service and
/// operation names (shorthand has per-operation special cases).
pub fn parse(
    table: &[Arg],
    args: &[String],
    paginate: bool,
    positional_ok: usize,
    context: (&str, &str),
) -> Result<Parsed, CliError> {
    let mut parsed = Parsed::default();
    let mut unknown: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut cli_input_json: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let raw = &args[i];
        i += 1;
        if !is_option(raw) {
            if parsed.positional.len() < positional_ok {
                parsed.positional.push(raw.clone());
            } else {
                unknown.push(raw.clone());
            }
            continue;
        }
        let (name, inline) = match raw[2..].split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (&raw[2..], None),
        };
        let found = find(table, name, paginate).or_else(|| {
            let target = crate::names::alias_target(context.0, context.1, name)?;
            find(table, target, paginate)
        });
        let Some(arg) = found else {
            unknown.push(raw.clone());
            continue;
        };
        seen.push(&arg.name);
        let mut values: Vec<String> = inline.into_iter().collect();
        let takes_many = matches!(arg.kind, ArgKind::CustomList(_))
            || matches!(arg.kind, ArgKind::Member(m) if matches!(m.target().kind, Kind::List(_)));
        let flag = matches!(arg.kind, ArgKind::NegatedBool(_) | ArgKind::CustomFlag(_))
            || matches!(arg.kind, ArgKind::Member(m) if matches!(m.target().kind, Kind::Boolean));
        if !flag && values.is_empty() {
            while i < args.len() && !is_option(&args[i]) {
                values.push(args[i].clone());
                i += 1;
                if !takes_many {
                    break;
                }
            }
        }
        match arg.kind {
            ArgKind::Member(m) if flag => {
                // `--flag` alone is true; the CLI also takes no value for booleans.
                parsed.input.insert(m.name.to_string(), Value::Bool(true));
                parsed.explicit.push(m.name);
            }
            ArgKind::NegatedBool(m) => {
                parsed.input.insert(m.name.to_string(), Value::Bool(false));
                parsed.explicit.push(m.name);
            }
            ArgKind::CustomFlag(name) => parsed.custom.push((name, Vec::new())),
            ArgKind::GenerateCliSkeleton => {
                let v = values.first().cloned().unwrap_or_else(|| "input".into());
                if v != "input" && v != "output" {
                    return Err(CliError::usage(format!(
                        "argument --generate-cli-skeleton: Invalid choice, valid choices are:\n\ninput                                    | output                                  \n\nInvalid choice: '{v}'"
                    )));
                }
                parsed.skeleton = Some(v);
            }
            _ if values.is_empty() => {
                return Err(CliError::usage(format!(
                    "argument --{}: expected {} argument",
                    arg.name,
                    if takes_many { "at least one" } else { "one" }
                )));
            }
            ArgKind::Member(m) => {
                let resolved = values
                    .iter()
                    .map(|v| crate::paramfile::resolve(v, m.target(), &arg.name))
                    .collect::<Result<Vec<_>, _>>()?;
                let context = crate::shorthand::ArgumentContext {
                    service: context.0,
                    operation: context.1,
                    argument: &arg.name,
                };
                let value =
                    crate::shorthand::parse_argument_for(m.target(), &resolved, Some(context))
                        .map_err(|e| {
                            let text = e.for_parameter(&format!("--{}", arg.name));
                            match e.kind() {
                                crate::shorthand::ShorthandErrorKind::Param => {
                                    CliError::param(text)
                                }
                                // awscli lets these Python errors through: exit 255.
                                _ => CliError::other(text),
                            }
                        })?;
                parsed.input.insert(m.name.to_string(), value);
                parsed.explicit.push(m.name);
            }
            ArgKind::CliInputJson => {
                cli_input_json = Some(crate::paramfile::resolve_text(&values[0], &arg.name)?);
            }
            ArgKind::Custom(name) | ArgKind::CustomList(name) => parsed.custom.push((name, values)),
            ArgKind::StartingToken => parsed.starting_token = Some(values[0].clone()),
            ArgKind::PageSize | ArgKind::MaxItems => {
                let n: i64 = values[0].parse().map_err(|_| {
                    CliError::usage(format!(
                        "argument --{}: invalid int value: '{}'",
                        arg.name, values[0]
                    ))
                })?;
                if matches!(arg.kind, ArgKind::PageSize) {
                    parsed.page_size = Some(n);
                } else {
                    parsed.max_items = Some(n);
                }
            }
        }
    }
    if !unknown.is_empty() {
        // awscli's operation parser has an optional `help` positional that swallows the first
        // stray word; the CLI then lists it after the rest.
        if let Some(first_word) = unknown.iter().position(|u| !is_option(u)) {
            let word = unknown.remove(first_word);
            unknown.push(word);
        }
        return Err(CliError::usage(format!(
            "Unknown options: {}",
            unknown.join(", ")
        )));
    }
    if let Some(text) = cli_input_json {
        let json: Value = serde_json::from_str(&text).map_err(|e| {
            CliError::param(format!("Error parsing parameter '--cli-input-json': Invalid JSON: {e}\nJSON received: {text}"))
        })?;
        let Value::Object(obj) = json else {
            return Err(CliError::param(
                "Error parsing parameter '--cli-input-json': Invalid JSON: expected an object",
            ));
        };
        // Command-line values win over the file's, as in the CLI.
        let mut merged = obj;
        for (k, v) in std::mem::take(&mut parsed.input) {
            merged.insert(k, v);
        }
        parsed.input = merged;
    }
    if parsed.skeleton.is_none() {
        let missing: Vec<String> = table
            .iter()
            .filter(|a| a.required)
            .filter(|a| match a.kind {
                ArgKind::Member(m) => !parsed.input.contains_key(m.name),
                _ => false,
            })
            .filter(|a| !seen.contains(&a.name.as_str()))
            .map(|a| format!("--{}", a.name))
            .collect();
        if !missing.is_empty() {
            return Err(CliError::usage(format!(
                "the following arguments are required: {}",
                missing.join(", ")
            )));
        }
    }
    Ok(parsed)
}

/// `--generate-cli-skeleton`: botocore's `ArgumentGenerator` (placeholders: `""`, `0`, `0.0`,
/// `true`, the epoch; with `member_names`, strings are their member names).
pub fn skeleton(shape: &'static Shape, member_names: bool) -> Value {
    let mut stack = Vec::new();
    generate(shape, &mut stack, "", member_names)
}

fn generate(
    shape: &'static Shape,
    stack: &mut Vec<&'static str>,
    name: &str,
    names: bool,
) -> Value {
    stack.push(shape.name);
    let v = match &shape.kind {
        Kind::Structure(members) | Kind::Union(members) => {
            if stack.iter().filter(|n| **n == shape.name).count() > 1 {
                Value::Object(Map::new())
            } else {
                let mut map = Map::new();
                for m in members.iter() {
                    map.insert(
                        m.name.to_string(),
                        generate(m.target(), stack, m.name, names),
                    );
                }
                Value::Object(map)
            }
        }
        Kind::List(m) => {
            let n = if names { m.name } else { "" };
            Value::Array(vec![generate(m.target(), stack, n, names)])
        }
        Kind::Map(_, v) => {
            let mut map = Map::new();
            map.insert("KeyName".into(), generate(v.target(), stack, "", names));
            Value::Object(map)
        }
        Kind::String => Value::String(if names {
            name.to_string()
        } else {
            String::new()
        }),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => 0.into(),
        Kind::Float | Kind::Double | Kind::BigDecimal => serde_json::json!(0.0),
        Kind::Boolean => Value::Bool(true),
        Kind::Timestamp => Value::String("1970-01-01T00:00:00".into()),
        Kind::Blob | Kind::Document => Value::Null,
    };
    stack.pop();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown_options(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        match parse(&[], &args, false, 0, ("cloudtrail", "lookup-events")) {
            Err(e) => e.to_string(),
            Ok(_) => "parsed".into(),
        }
    }

    /// The orders awscli 1.46.3 printed for the same command lines.
    #[test]
    fn unknown_options_are_listed_in_the_order_awscli_lists_them() {
        for (args, listed) in [
            (
                &[
                    "--filter-event-name",
                    "ErrorCode",
                    "--filter-event-value",
                    "AccessDenied",
                ][..],
                "--filter-event-name, --filter-event-value, AccessDenied, ErrorCode",
            ),
            (&["x", "--a", "y", "z"][..], "--a, y, z, x"),
            (
                &["--a", "x", "y", "--b", "z", "w"][..],
                "--a, y, --b, z, w, x",
            ),
        ] {
            let message = unknown_options(args);
            assert!(
                message.contains(&format!("Unknown options: {listed}")),
                "{args:?}: {message}"
            );
        }
    }
}
