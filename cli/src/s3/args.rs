//! The options of one `s3` subcommand, read as argparse reads them: options anywhere among the
//! positional paths, `--name value` or `--name=value`, repeatable options kept in order.

use std::collections::HashMap;

/// What a subcommand accepts.
pub(super) struct Spec {
    /// Options without a value (`--recursive`).
    pub flags: &'static [&'static str],
    /// Options with a value (`--page-size 10`); those in `repeated` may be given many times.
    pub options: &'static [&'static str],
    pub repeated: &'static [&'static str],
    /// Options whose value may be left out (argparse's `nargs='?'`): (name, value when left
    /// out, the values it takes). `--sse` alone is `--sse AES256`.
    pub optional: &'static [(&'static str, &'static str, &'static [&'static str])],
}

/// The parsed command line of a subcommand.
#[derive(Debug, Default)]
pub(super) struct Args {
    pub paths: Vec<String>,
    flags: Vec<&'static str>,
    values: HashMap<&'static str, Vec<String>>,
    /// `--include`/`--exclude` in command-line order: (is_include, pattern).
    pub filters: Vec<(bool, String)>,
}

impl Args {
    pub fn parse(args: &[String], spec: &Spec) -> Result<Args, String> {
        let mut parsed = Args::default();
        let mut unknown = Vec::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let Some(name) = arg.strip_prefix("--") else {
                parsed.paths.push(arg.clone());
                continue;
            };
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (name, None),
            };
            if let Some(flag) = spec.flags.iter().find(|f| **f == name) {
                parsed.flags.push(flag);
            } else if let Some((option, default, choices)) =
                spec.optional.iter().find(|(o, _, _)| *o == name)
            {
                let value = match inline {
                    Some(v) => v,
                    // The next word is the value only when it is one of the choices.
                    None => match iter.as_slice().first() {
                        Some(next) if choices.contains(&next.as_str()) => {
                            iter.next().cloned().unwrap_or_default()
                        }
                        _ => default.to_string(),
                    },
                };
                if !choices.contains(&value.as_str()) {
                    return Err(format!(
                        "argument --{name}: invalid choice: '{value}' (choose from {})",
                        choices
                            .iter()
                            .map(|c| format!("'{c}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                parsed.values.insert(option, vec![value]);
            } else if let Some(option) = spec
                .options
                .iter()
                .chain(spec.repeated)
                .find(|o| **o == name)
            {
                let value = match inline {
                    Some(v) => v,
                    None => iter
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("argument --{name}: expected one argument"))?,
                };
                if *option == "include" || *option == "exclude" {
                    parsed.filters.push((*option == "include", value.clone()));
                }
                let slot = parsed.values.entry(option).or_default();
                if !spec.repeated.contains(option) {
                    slot.clear();
                }
                slot.push(value);
            } else {
                unknown.push(arg.clone());
            }
        }
        if !unknown.is_empty() {
            return Err(format!("Unknown options: {}", unknown.join(", ")));
        }
        Ok(parsed)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// An integer option, worded as argparse's error when it is not one.
    pub fn integer(&self, name: &str) -> Result<Option<i64>, String> {
        self.value(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| format!("argument --{name}: invalid int value: '{v}'"))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        flags: &["recursive"],
        options: &["page-size"],
        repeated: &["exclude", "include"],
        optional: &[("sse", "AES256", &["AES256", "aws:kms"])],
    };

    fn parse(args: &[&str]) -> Result<Args, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Args::parse(&args, &SPEC)
    }

    #[test]
    fn options_anywhere_and_inline_values() {
        let a = parse(&[
            "s3://b",
            "--recursive",
            "--page-size=5",
            "x",
            "--exclude",
            "*",
        ])
        .unwrap();
        assert_eq!(a.paths, ["s3://b", "x"]);
        assert!(a.flag("recursive"));
        assert_eq!(a.integer("page-size"), Ok(Some(5)));
        assert_eq!(a.filters, [(false, "*".to_string())]);
    }

    #[test]
    fn optional_values() {
        let a = parse(&["--sse", "s3://b"]).unwrap();
        assert_eq!((a.value("sse"), a.paths.len()), (Some("AES256"), 1));
        let a = parse(&["--sse", "aws:kms", "s3://b"]).unwrap();
        assert_eq!((a.value("sse"), a.paths.len()), (Some("aws:kms"), 1));
        assert_eq!(
            parse(&["--sse=nope"]).unwrap_err(),
            "argument --sse: invalid choice: 'nope' (choose from 'AES256', 'aws:kms')"
        );
    }

    #[test]
    fn unknown_and_missing_values_are_errors() {
        assert_eq!(
            parse(&["--nope", "a"]).unwrap_err(),
            "Unknown options: --nope"
        );
        assert_eq!(
            parse(&["--page-size"]).unwrap_err(),
            "argument --page-size: expected one argument"
        );
        assert_eq!(
            parse(&["--page-size", "x"]).unwrap().integer("page-size"),
            Err("argument --page-size: invalid int value: 'x'".into())
        );
    }
}
