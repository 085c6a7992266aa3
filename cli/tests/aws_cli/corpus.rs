//! The command corpus: plain text scenarios under `cli/tests/aws_cli/corpus/`, one per file.
//!
//! Each line is one directive; `#` starts a comment (as in a shell, only at the start of a word),
//! blank lines are ignored. Words are split as a POSIX shell would for the simple cases the corpus
//! needs: `'single quotes'` are literal, `"double quotes"` take `\"` and `\\`, a backslash outside
//! quotes escapes the next character.
//!
//! ```text
//! file NAME TEXT…             write TEXT (the rest of the line, verbatim) to NAME in the working dir
//! file-base64 NAME DATA       write the bytes DATA (base64) to NAME (a zip, say)
//! setup [OPTIONS] ARGS…       run with the tool under test; must exit 0; output not compared
//! run [OPTIONS] ARGS…         run with both tools and compare stdout, exit code (and stderr's
//!                             error line when the exit code is not 0)
//! compare-file NAME           after the runs: the file NAME must be the same for both tools
//! ```
//! OPTIONS are `key=value` words before the first argument (arguments never contain `=` there):
//! `exit=N` the AWS CLI's expected exit code (default 0); `rboto-exit=N` rboto's, for an intended
//! difference between AWS CLI v1 (the peer) and v2 (what rboto follows), allowed only on a line
//! whose comment, or the comment line just above it, starts with `known difference:`;
//! `env=NAME=VALUE` / `unset=NAME` change the environment of that command;
//! `moto=unsupported` marks a command moto cannot serve (still compared: both tools must fail
//! alike); `as=NAME` keeps the command's stdout (trimmed) as `${NAME}`, which later arguments of
//! the same run use (each tool's run has its own values: ids the emulator generated). ARGS start with the service command (`s3api`, `sts`, …); `--endpoint-url` pointing at
//! moto is appended to every command.

use std::fmt;
use std::path::Path;

/// One scenario file.
#[derive(Debug)]
pub struct Scenario {
    pub name: String,
    pub steps: Vec<Step>,
}

#[derive(Debug)]
pub enum Step {
    File { name: String, contents: Vec<u8> },
    Command(Command),
    CompareFile(String),
}

#[derive(Debug, Clone)]
pub struct Command {
    /// 1-based line in the scenario file, for messages.
    pub line: usize,
    /// `run` (compared) or `setup`.
    pub compared: bool,
    pub args: Vec<String>,
    pub exit: i32,
    pub rboto_exit: Option<i32>,
    pub env: Vec<(String, Option<String>)>,
    pub moto_unsupported: bool,
    /// `as=NAME`: keep stdout as `${NAME}`.
    pub capture: Option<String>,
}

impl Command {
    /// The service command the line calls (`s3api`, `sts`, …): the statistics key.
    pub fn service(&self) -> &str {
        self.args.first().map(String::as_str).unwrap_or("")
    }

    /// The command as typed, for messages.
    pub fn display(&self) -> String {
        self.args
            .iter()
            .map(|a| {
                if a.is_empty() || a.contains([' ', '"', '\'', '{', '[', '*', '$']) {
                    format!("'{}'", a.replace('\'', "'\\''"))
                } else {
                    a.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A corpus file that does not parse.
#[derive(Debug)]
pub struct CorpusError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Reads every `*.txt` of `dir`, sorted by file name.
pub fn load(dir: &Path) -> Result<Vec<Scenario>, CorpusError> {
    let error = |message: String| CorpusError {
        file: dir.display().to_string(),
        line: 0,
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| error(e.to_string()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| error(e.to_string()))?.path();
        if path.extension().is_some_and(|e| e == "txt") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            parse(&name, &text)
        })
        .collect()
}

/// Parses one scenario file's text.
pub fn parse(name: &str, text: &str) -> Result<Scenario, CorpusError> {
    let mut steps = Vec::new();
    let mut previous_comment = String::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let error = |message: String| CorpusError {
            file: name.to_string(),
            line,
            message,
        };
        let (words, comment) = split_words(raw).map_err(error)?;
        let Some((directive, rest)) = words.split_first() else {
            previous_comment = comment.unwrap_or_default();
            continue;
        };
        let comment = comment.unwrap_or_default();
        match directive.as_str() {
            "file" => {
                // The text is the raw rest of the line after the name, not split into words.
                let after = raw.trim_start()["file".len()..].trim_start();
                let name = rest
                    .first()
                    .ok_or_else(|| error("file needs a name".into()))?;
                let text = after[after.find(name.as_str()).unwrap_or(0) + name.len()..]
                    .strip_prefix(' ')
                    .unwrap_or("")
                    .to_string();
                steps.push(Step::File {
                    name: name.clone(),
                    contents: text.into_bytes(),
                });
            }
            "file-base64" => match rest {
                [name, data] => steps.push(Step::File {
                    name: name.clone(),
                    contents: base64_decode(data)
                        .ok_or_else(|| error("file-base64: bad base64".into()))?,
                }),
                _ => return Err(error("file-base64 takes a name and base64 data".into())),
            },
            "compare-file" => match rest {
                [name] => steps.push(Step::CompareFile(name.clone())),
                _ => return Err(error("compare-file takes one file name".into())),
            },
            "run" | "setup" => {
                let mut command = Command {
                    line,
                    compared: directive == "run",
                    args: Vec::new(),
                    exit: 0,
                    rboto_exit: None,
                    env: Vec::new(),
                    moto_unsupported: false,
                    capture: None,
                };
                let mut words = rest.iter();
                for word in words.by_ref() {
                    let Some((key, value)) = word.split_once('=') else {
                        command.args.push(word.clone());
                        break;
                    };
                    let code = || {
                        value
                            .parse::<i32>()
                            .map_err(|_| error(format!("{key} takes an exit code, not {value:?}")))
                    };
                    match key {
                        "exit" => command.exit = code()?,
                        "rboto-exit" => command.rboto_exit = Some(code()?),
                        "env" => {
                            let (name, value) = value
                                .split_once('=')
                                .ok_or_else(|| error("env= takes NAME=VALUE".into()))?;
                            command.env.push((name.into(), Some(value.into())));
                        }
                        "unset" => command.env.push((value.into(), None)),
                        "as" => command.capture = Some(value.into()),
                        "moto" if value == "unsupported" => command.moto_unsupported = true,
                        _ => return Err(error(format!("unknown option {word:?}"))),
                    }
                }
                command.args.extend(words.cloned());
                if command.args.is_empty() {
                    return Err(error(format!("{directive} without a command")));
                }
                let annotated = [&comment, &previous_comment]
                    .iter()
                    .any(|c| c.starts_with("known difference:"));
                if command.rboto_exit.is_some() && !annotated {
                    return Err(error(
                        "rboto-exit= needs a `# known difference: …` annotation".into(),
                    ));
                }
                if command.rboto_exit.is_some() && !command.compared {
                    return Err(error("rboto-exit= on a setup line".into()));
                }
                steps.push(Step::Command(command));
            }
            other => return Err(error(format!("unknown directive {other:?}"))),
        }
        previous_comment = String::new();
    }
    Ok(Scenario {
        name: name.to_string(),
        steps,
    })
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// Splits a line into words and the text of its comment (without `#`, trimmed).
fn split_words(line: &str) -> Result<(Vec<String>, Option<String>), String> {
    let mut words = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, first)) = chars.peek() else {
            return Ok((words, None));
        };
        if first == '#' {
            return Ok((words, Some(line[start + 1..].trim().to_string())));
        }
        let mut word = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
            match c {
                '\'' => loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, c)) => word.push(c),
                        None => return Err("unterminated single quote".into()),
                    }
                },
                '"' => loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, c @ ('"' | '\\' | '$' | '`'))) => word.push(c),
                            Some((_, c)) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some((_, c)) => word.push(c),
                        None => return Err("unterminated double quote".into()),
                    }
                },
                '\\' => match chars.next() {
                    Some((_, c)) => word.push(c),
                    None => return Err("backslash at the end of the line".into()),
                },
                c => word.push(c),
            }
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_like_a_shell() {
        let (words, comment) =
            split_words(r#"run s3api x --q 'a b' "c \"d\"" e\ f  # known difference: z"#).unwrap();
        assert_eq!(words, ["run", "s3api", "x", "--q", "a b", "c \"d\"", "e f"]);
        assert_eq!(comment.as_deref(), Some("known difference: z"));
        assert!(split_words("run 'x").is_err());
    }

    #[test]
    fn parses_directives_and_refuses_unannotated_differences() {
        let text = "file a.json {\"x\": 1}\n\
                    setup s3api create-bucket --bucket b\n\
                    # known difference: v2 exits 254\n\
                    run exit=255 rboto-exit=254 unset=AWS_X s3api head-bucket --bucket nope\n\
                    compare-file a.json\n";
        let scenario = parse("t", text).unwrap();
        assert_eq!(scenario.steps.len(), 4);
        match &scenario.steps[0] {
            Step::File { name, contents } => {
                assert_eq!((&**name, &**contents), ("a.json", &b"{\"x\": 1}"[..]))
            }
            other => panic!("{other:?}"),
        }
        match &scenario.steps[2] {
            Step::Command(c) => {
                assert_eq!((c.exit, c.rboto_exit, c.line), (255, Some(254), 4));
                assert_eq!(c.service(), "s3api");
                assert_eq!(c.env, [("AWS_X".to_string(), None)]);
            }
            other => panic!("{other:?}"),
        }
        let error = parse("t", "run exit=255 rboto-exit=254 sts x\n").unwrap_err();
        assert!(error.to_string().contains("known difference"), "{error}");
        assert!(parse("t", "frobnicate x\n").is_err());
        assert_eq!(base64_decode("aGk/Pz4="), Some(b"hi??>".to_vec()));
    }
}
