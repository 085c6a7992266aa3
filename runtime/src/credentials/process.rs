//! `credential_process` (botocore's `ProcessProvider`): runs the command (split like
//! `shlex.split`, no shell), reads JSON from its standard output:
//! `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`. A non-zero
//! exit is an error carrying the command's standard error.

use super::Credentials;
use crate::error::{Error, ErrorKind};
use crate::types::DateTime;

/// Splits a command line like Python's `shlex.split` (POSIX mode): whitespace separates
/// words, single quotes are literal, double quotes allow `\"` and `\\`, backslash escapes.
pub fn split_command(command: &str) -> Result<Vec<String>, Error> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(unclosed(command)),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => return Err(unclosed(command)),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(unclosed(command)),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn unclosed(command: &str) -> Error {
    Error::new(
        ErrorKind::InvalidConfig,
        format!("credential_process {command:?}: unclosed quotation"),
    )
}

/// Runs `command` and parses its credentials. `profile` names the profile in errors.
pub async fn run(command: &str, profile: &str) -> Result<Credentials, Error> {
    let words = split_command(command)?;
    let Some((program, args)) = words.split_first() else {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("profile `{profile}`: credential_process is empty"),
        ));
    };
    let (program, args) = (program.clone(), args.to_vec());
    let output = crate::__private::blocking::spawn_blocking(move || {
        std::process::Command::new(&program)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
    })
    .await
    .map_err(|e| Error::new(ErrorKind::NoCredentials, format!("credential_process: {e}")))?
    .map_err(|e| {
        Error::new(
            ErrorKind::NoCredentials,
            format!("profile `{profile}`: credential_process could not be started: {e}"),
        )
    })?;
    let what = format!("profile `{profile}` credential_process");
    if !output.status.success() {
        return Err(Error::new(
            ErrorKind::NoCredentials,
            format!(
                "Error when retrieving credentials from custom-process: {what} exited with {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ));
    }
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        Error::new(
            ErrorKind::ResponseParse,
            format!("{what}: its output is not JSON: {e}"),
        )
    })?;
    match doc.get("Version").and_then(|v| v.as_i64()) {
        Some(1) => {}
        v => {
            return Err(Error::new(
                ErrorKind::NoCredentials,
                format!("{what}: unsupported Version {v:?} (expected 1)"),
            ))
        }
    }
    let field = |k: &str| doc.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let missing = |k: &str| {
        Error::new(
            ErrorKind::PartialCredentials,
            format!("Partial credentials found in custom-process: {what} returned no {k}"),
        )
    };
    let ak = field("AccessKeyId").ok_or_else(|| missing("AccessKeyId"))?;
    let sk = field("SecretAccessKey").ok_or_else(|| missing("SecretAccessKey"))?;
    let expiry = match field("Expiration") {
        Some(e) => Some(DateTime::parse_iso8601(&e).map_err(|err| {
            Error::new(
                ErrorKind::ResponseParse,
                format!("{what}: Expiration: {err}"),
            )
        })?),
        None => None,
    };
    Ok(Credentials::new(ak, sk, field("SessionToken"))
        .with_expiry(expiry)
        .with_account_id(field("AccountId"))
        .with_provider("custom-process"))
}

#[cfg(test)]
mod tests {
    use super::split_command;

    #[test]
    fn splits_like_shlex() {
        assert_eq!(
            split_command(r#"/bin/cmd --a "b c" 'd e' f\ g"#).unwrap(),
            vec!["/bin/cmd", "--a", "b c", "d e", "f g"]
        );
        assert!(split_command("x 'y").is_err());
    }
}
