//! `rboto configure list | get <key> | set <key> <value>` (awscli's `customizations/configure`).
//! `list` shows each setting's value (keys masked as the CLI masks them), its type (`env`,
//! `config-file`, `shared-credentials-file`, `manual`) and where it came from.

use crate::error::CliError;
use crate::globals::Globals;
use std::path::PathBuf;

const NOT_SET: &str = "<not set>";

fn line(name: &str, value: &str, kind: &str, location: &str) -> String {
    format!("{name:>10} {value:>24} {kind:>16}    {location}\n")
}

/// The CLI's `mask_value`: 16 stars and the last four characters.
pub fn mask(value: &str) -> String {
    let tail: String = value
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{}{tail}", "*".repeat(16))
}

fn config_path() -> PathBuf {
    std::env::var("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| home().join(".aws/config"))
}

fn credentials_path() -> PathBuf {
    std::env::var("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| home().join(".aws/credentials"))
}

fn home() -> PathBuf {
    std::env::var("HOME").map(PathBuf::from).unwrap_or_default()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Runs `rboto configure <args>`; returns the exit code.
pub async fn run(args: &[String], globals: &Globals) -> Result<i32, CliError> {
    match args.first().map(String::as_str) {
        Some("list") => list(globals).await,
        Some("get") => {
            let key = args.get(1).ok_or_else(|| CliError::usage("the following arguments are required: varname"))?;
            get(key, globals)
        }
        Some("set") => {
            let (Some(key), Some(value)) = (args.get(1), args.get(2)) else {
                return Err(CliError::usage("the following arguments are required: varname, value"));
            };
            set(key, value, globals.profile.as_deref())?;
            Ok(0)
        }
        Some(other) => Err(CliError::usage(format!(
            "argument subcommand: Invalid choice, valid choices are:\n\nlist | get | set\n\nInvalid choice: '{other}'"
        ))),
        None => Err(CliError::usage(
            "interactive `configure` is not supported; use `rboto configure set <key> <value>`",
        )),
    }
}

fn profile_name(globals: &Globals) -> String {
    globals
        .profile
        .clone()
        .or_else(|| env("AWS_DEFAULT_PROFILE"))
        .or_else(|| env("AWS_PROFILE"))
        .unwrap_or_else(|| "default".into())
}

async fn list(globals: &Globals) -> Result<i32, CliError> {
    let mut out = line("Name", "Value", "Type", "Location");
    out.push_str(&line("----", "-----", "----", "--------"));
    // profile
    if let Some(p) = &globals.profile {
        out.push_str(&line("profile", p, "manual", "--profile"));
    } else if let Some(p) = env("AWS_DEFAULT_PROFILE") {
        out.push_str(&line(
            "profile",
            &p,
            "env",
            "['AWS_DEFAULT_PROFILE', 'AWS_PROFILE']",
        ));
    } else if let Some(p) = env("AWS_PROFILE") {
        out.push_str(&line(
            "profile",
            &p,
            "env",
            "['AWS_DEFAULT_PROFILE', 'AWS_PROFILE']",
        ));
    } else {
        out.push_str(&line("profile", NOT_SET, "None", "None"));
    }
    let config = globals.config().await.ok();
    let section = config.as_ref().and_then(|c| c.profile());
    let file_of = |key: &str| -> (String, String) {
        match section {
            Some(s) if s.is_from_credentials_file(key) => {
                ("shared-credentials-file".into(), String::new())
            }
            _ => ("config-file".into(), config_path().display().to_string()),
        }
    };
    // credentials: env, then the profile's keys, then whatever the chain finds
    let (ak, sk, kind, location) =
        if let (Some(a), Some(s)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(a), Some(s), "env".to_string(), String::new())
        } else if let Some((a, s)) = section.and_then(|p| {
            Some((
                p.get_nonempty("aws_access_key_id")?.to_string(),
                p.get_nonempty("aws_secret_access_key")?.to_string(),
            ))
        }) {
            let (k, l) = file_of("aws_access_key_id");
            (Some(a), Some(s), k, l)
        } else if let Some(provider) = config.as_ref().and_then(|c| c.credentials_provider()) {
            match provider.provide_credentials().await {
                Ok(c) => (
                    Some(c.access_key_id().to_string()),
                    Some(c.secret_access_key().to_string()),
                    c.provider().to_string(),
                    String::new(),
                ),
                Err(_) => (None, None, String::new(), String::new()),
            }
        } else {
            (None, None, String::new(), String::new())
        };
    match (ak, sk) {
        (Some(a), Some(s)) => {
            out.push_str(&line("access_key", &mask(&a), &kind, &location));
            out.push_str(&line("secret_key", &mask(&s), &kind, &location));
        }
        _ => {
            out.push_str(&line("access_key", NOT_SET, "None", "None"));
            out.push_str(&line("secret_key", NOT_SET, "None", "None"));
        }
    }
    // region
    if let Some(r) = &globals.region {
        out.push_str(&line("region", r, "manual", "--region"));
    } else if let Some(r) = env("AWS_DEFAULT_REGION") {
        out.push_str(&line("region", &r, "env", "AWS_DEFAULT_REGION"));
    } else if let Some(r) = section.and_then(|p| p.get_nonempty("region")) {
        let (k, l) = file_of("region");
        out.push_str(&line("region", r, &k, &l));
    } else {
        out.push_str(&line("region", NOT_SET, "None", "None"));
    }
    print!("{out}");
    Ok(0)
}

fn get(key: &str, globals: &Globals) -> Result<i32, CliError> {
    let profile = profile_name(globals);
    let (profile, key) = match key.split_once('.') {
        Some(("default", k)) => ("default".to_string(), k.to_string()),
        Some(("profile", rest)) => match rest.split_once('.') {
            Some((p, k)) => (p.to_string(), k.to_string()),
            None => (profile, rest.to_string()),
        },
        _ => (profile, key.to_string()),
    };
    let config = std::fs::read_to_string(config_path()).unwrap_or_default();
    let creds = std::fs::read_to_string(credentials_path()).unwrap_or_default();
    let set = rboto::profile::ProfileSet::parse(&config, &creds)
        .map_err(|e| CliError::config(e.to_string()))?;
    match set.profile(&profile).and_then(|s| s.get(&key)) {
        Some(v) => {
            println!("{v}");
            Ok(0)
        }
        None => Ok(1),
    }
}

/// Sets `key` in the profile's section, creating file and section as needed. Credentials go
/// to the credentials file, the rest to the config file (as `aws configure set`).
pub fn set(key: &str, value: &str, profile: Option<&str>) -> Result<(), CliError> {
    let profile = profile
        .map(str::to_string)
        .or_else(|| env("AWS_DEFAULT_PROFILE"))
        .or_else(|| env("AWS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    let is_secret = matches!(
        key,
        "aws_access_key_id" | "aws_secret_access_key" | "aws_session_token"
    );
    let (path, section) = if is_secret {
        (credentials_path(), profile.clone())
    } else if profile == "default" {
        (config_path(), "default".to_string())
    } else {
        (config_path(), format!("profile {profile}"))
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let updated = set_in_ini(&text, &section, key, value);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::other(format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(&path, updated).map_err(|e| CliError::other(format!("{}: {e}", path.display())))
}

/// `text` with `key = value` in `[section]` (replaced, or appended to the section, or a new
/// section at the end).
pub fn set_in_ini(text: &str, section: &str, key: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = format!("[{section}]");
    let start = lines.iter().position(|l| l.trim() == header);
    match start {
        None => {
            if !lines.is_empty() && !lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.push(String::new());
            }
            lines.push(header);
            lines.push(format!("{key} = {value}"));
        }
        Some(s) => {
            let end = lines[s + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with('['))
                .map_or(lines.len(), |p| s + 1 + p);
            let existing = (s + 1..end).find(|&i| {
                lines[i]
                    .split_once('=')
                    .is_some_and(|(k, _)| k.trim() == key && !lines[i].starts_with([' ', '\t']))
            });
            match existing {
                Some(i) => lines[i] = format!("{key} = {value}"),
                None => {
                    let mut at = end;
                    while at > s + 1 && lines[at - 1].trim().is_empty() {
                        at -= 1;
                    }
                    lines.insert(at, format!("{key} = {value}"));
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_cli() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "****************MPLE");
        assert_eq!(
            line("access_key", &mask("AKIAIOSFODNN7EXAMPLE"), "env", ""),
            "access_key     ****************MPLE              env    \n"
        );
        assert_eq!(
            line("profile", NOT_SET, "None", "None"),
            "   profile                <not set>             None    None\n"
        );
    }

    #[test]
    fn ini_edits() {
        assert_eq!(
            set_in_ini("", "default", "region", "us-east-1"),
            "[default]\nregion = us-east-1\n"
        );
        let t = "[default]\nregion = a\n\n[profile p]\noutput = json\n";
        assert_eq!(
            set_in_ini(t, "default", "region", "b"),
            "[default]\nregion = b\n\n[profile p]\noutput = json\n"
        );
        assert_eq!(
            set_in_ini(t, "default", "output", "text"),
            "[default]\nregion = a\noutput = text\n\n[profile p]\noutput = json\n"
        );
        assert_eq!(
            set_in_ini(t, "profile q", "region", "c"),
            "[default]\nregion = a\n\n[profile p]\noutput = json\n\n[profile q]\nregion = c\n"
        );
    }
}
