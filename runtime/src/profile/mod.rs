//! The AWS shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`).
//!
//! The format looks like INI but is not: `[profile x]` in the config file and `[x]` in the
//! credentials file name the same profile; `[default]` is ignored when `[profile default]` is
//! present; `[sso-session x]` and `[services x]` are separate kinds of section; a property
//! whose value is empty starts a block of indented sub-properties (`s3 =` + `  key = value`);
//! indented lines continue the previous value; `#` and `;` start a comment at the start of a
//! line, after a section header, or after whitespace in a value. Property names are
//! case-insensitive (stored lowercased). Names with characters outside
//! `A-Za-z0-9-_/.%@:+` are ignored, as are their properties. This follows AWS's
//! `profile-parser-tests.json` (shared by every SDK) and botocore's `configloader.py`.
//!
//! Parsing is pure ([`parse`]); [`FileLocations`] decides which files to read from the
//! environment, and [`ProfileSet::load`] reads them.

use crate::error::{Error, ErrorKind};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Which of the two files a text came from: their section headers differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile x]`, `[sso-session x]`, `[services x]`.
    Config,
    /// `~/.aws/credentials`: `[x]`.
    Credentials,
}

/// A named set of properties (a profile, an sso-session or a services section).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Section {
    name: String,
    properties: BTreeMap<String, String>,
    /// Keys whose value came from the credentials file.
    from_credentials_file: Vec<String>,
    /// Where each key was defined (`file:line`), so a bad value can be pointed at.
    origins: BTreeMap<String, String>,
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets may live in properties: show keys only.
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("keys", &self.properties.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Section {
    pub fn new(name: impl Into<String>) -> Self {
        Section {
            name: name.into(),
            ..Section::default()
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property by (case-insensitive) name.
    pub fn get(&self, key: &str) -> Option<&str> {
        match self.properties.get(key) {
            Some(v) => Some(v.as_str()),
            None => self
                .properties
                .get(&key.to_ascii_lowercase())
                .map(String::as_str),
        }
    }

    /// A property, treating an empty value as absent.
    pub fn get_nonempty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    /// Whether `key` was set by the credentials file (not the config file).
    pub fn is_from_credentials_file(&self, key: &str) -> bool {
        self.from_credentials_file.iter().any(|k| k == key)
    }

    /// The sub-properties of `key` (`s3 =` followed by indented `key = value` lines).
    pub fn sub_properties(&self, key: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(v) = self.get(key) {
            for line in v.lines() {
                if let Some((k, v)) = line.split_once('=') {
                    let k = k.trim();
                    if !k.is_empty() {
                        out.insert(k.to_ascii_lowercase(), v.trim().to_string());
                    }
                }
            }
        }
        out
    }

    /// Every property, keys lowercased.
    pub fn properties(&self) -> &BTreeMap<String, String> {
        &self.properties
    }

    /// Sets a property (used by tests and by callers building profiles in memory).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.properties
            .insert(key.into().to_ascii_lowercase(), value.into());
    }

    /// Where `key` was defined, as `file:line`, when it came from a file.
    pub fn origin(&self, key: &str) -> Option<&str> {
        self.origins
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
    }

    fn merge(&mut self, other: &Section, from_credentials: bool) {
        for (k, v) in &other.properties {
            self.properties.insert(k.clone(), v.clone());
            match other.origins.get(k) {
                Some(o) => self.origins.insert(k.clone(), o.clone()),
                None => self.origins.remove(k),
            };
            self.from_credentials_file.retain(|x| x != k);
            if from_credentials {
                self.from_credentials_file.push(k.clone());
            }
        }
    }
}

/// What one file holds, before merging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFile {
    pub profiles: BTreeMap<String, Section>,
    pub sso_sessions: BTreeMap<String, Section>,
    pub services: BTreeMap<String, Section>,
}

/// The merged contents of the config and credentials files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSet {
    pub profiles: BTreeMap<String, Section>,
    pub sso_sessions: BTreeMap<String, Section>,
    pub services: BTreeMap<String, Section>,
    /// The files read (for messages), config first.
    pub sources: Vec<PathBuf>,
}

/// Characters allowed in profile, section and property names.
fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_/.%@:+".contains(c))
}

/// Whether `line` (already past a header's `]`) is empty or a comment.
fn only_comment(rest: &str) -> bool {
    let r = rest.trim_start();
    r.is_empty() || r.starts_with('#') || r.starts_with(';')
}

/// Strips a value's trailing comment: `#` or `;` preceded by whitespace.
fn strip_value_comment(v: &str) -> &str {
    let bytes = v.as_bytes();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t')
        {
            return &v[..i];
        }
    }
    v
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Profile { prefixed_default: bool },
    SsoSession,
    Services,
}

/// Parses one file's text. `source` names it in errors (`<source>:<line>: message`).
pub fn parse(text: &str, kind: FileKind, source: &str) -> Result<ParsedFile, Error> {
    let err = |line: usize, msg: &str| {
        Error::new(ErrorKind::InvalidConfig, format!("{source}:{line}: {msg}"))
    };
    // Sections in file order, so `[default]` can be dropped when `[profile default]` exists.
    let mut sections: Vec<(SectionKind, String, Section)> = Vec::new();
    // `None` before the first header; `Some(None)` inside an ignored section.
    let mut current: Option<Option<usize>> = None;
    // The property continuation lines extend, and whether it takes sub-properties.
    let mut property: Option<(String, bool)> = None;

    for (index, raw) in text.split('\n').enumerate() {
        let lineno = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim_matches(is_blank);
        if trimmed.is_empty() {
            continue;
        }
        if line.starts_with(is_blank) {
            // A continuation line or a sub-property.
            match current {
                None => {
                    return Err(err(
                        lineno,
                        "Expected a profile definition, found continuation",
                    ))
                }
                Some(None) => continue,
                Some(Some(i)) => {
                    let Some((key, sub)) = &property else {
                        return Err(err(
                            lineno,
                            "Expected a property definition, found continuation",
                        ));
                    };
                    if *sub {
                        let Some((k, _)) = trimmed.split_once('=') else {
                            return Err(err(
                                lineno,
                                "Expected an '=' sign defining a sub-property",
                            ));
                        };
                        if k.trim_matches(is_blank).is_empty() {
                            return Err(err(lineno, "Sub-property did not have a name"));
                        }
                    }
                    if key.is_empty() {
                        continue; // continuing an ignored (invalid) property
                    }
                    let value = sections[i].2.properties.entry(key.clone()).or_default();
                    value.push('\n');
                    value.push_str(trimmed);
                }
            }
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(inner) = trimmed.strip_prefix('[') {
            let Some(end) = inner.find(']') else {
                return Err(err(lineno, "Profile definition must end with ']'"));
            };
            if !only_comment(&inner[end + 1..]) {
                return Err(err(lineno, "Profile definition must end with ']'"));
            }
            property = None;
            let header = inner[..end].trim_matches(is_blank);
            let split = |prefix: &str| -> Option<&str> {
                let rest = header.strip_prefix(prefix)?;
                rest.starts_with(is_blank)
                    .then(|| rest.trim_matches(is_blank))
            };
            let parsed = match kind {
                FileKind::Credentials => Some((
                    SectionKind::Profile {
                        prefixed_default: false,
                    },
                    header,
                )),
                FileKind::Config => {
                    if header == "default" {
                        Some((
                            SectionKind::Profile {
                                prefixed_default: false,
                            },
                            header,
                        ))
                    } else if let Some(name) = split("profile") {
                        Some((
                            SectionKind::Profile {
                                prefixed_default: name == "default",
                            },
                            name,
                        ))
                    } else if let Some(name) = split("sso-session") {
                        Some((SectionKind::SsoSession, name))
                    } else {
                        split("services").map(|name| (SectionKind::Services, name))
                    }
                }
            };
            current = Some(match parsed {
                Some((k, name)) if valid_identifier(name) => {
                    sections.push((k, name.to_string(), Section::new(name)));
                    Some(sections.len() - 1)
                }
                _ => None,
            });
            continue;
        }
        // A property definition.
        let Some(section) = current else {
            return Err(err(lineno, "Expected a profile definition"));
        };
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(err(lineno, "Expected an '=' sign defining a property"));
        };
        let key = key.trim_matches(is_blank);
        if key.is_empty() {
            return Err(err(lineno, "Property did not have a name"));
        }
        let value = strip_value_comment(value.trim_matches(is_blank)).trim_matches(is_blank);
        let Some(i) = section else {
            property = Some((String::new(), value.is_empty()));
            continue;
        };
        if !valid_identifier(key) {
            property = Some((String::new(), value.is_empty()));
            continue;
        }
        let key = key.to_ascii_lowercase();
        sections[i]
            .2
            .properties
            .insert(key.clone(), value.to_string());
        sections[i]
            .2
            .origins
            .insert(key.clone(), format!("{source}:{lineno}"));
        property = Some((key, value.is_empty()));
    }

    let has_prefixed_default = sections.iter().any(|(k, _, _)| {
        matches!(
            k,
            SectionKind::Profile {
                prefixed_default: true
            }
        )
    });
    let mut out = ParsedFile::default();
    for (k, name, section) in sections {
        let map = match k {
            SectionKind::Profile { prefixed_default } => {
                if kind == FileKind::Config
                    && name == "default"
                    && has_prefixed_default
                    && !prefixed_default
                {
                    continue;
                }
                &mut out.profiles
            }
            SectionKind::SsoSession => &mut out.sso_sessions,
            SectionKind::Services => &mut out.services,
        };
        map.entry(name.clone())
            .or_insert_with(|| Section::new(&name))
            .merge(&section, kind == FileKind::Credentials);
    }
    Ok(out)
}

impl ProfileSet {
    /// Merges a config file and a credentials file: a profile in both has the union of their
    /// properties, the credentials file winning.
    pub fn merge(config: ParsedFile, credentials: ParsedFile) -> ProfileSet {
        let mut set = ProfileSet {
            profiles: config.profiles,
            sso_sessions: config.sso_sessions,
            services: config.services,
            sources: Vec::new(),
        };
        for (name, section) in credentials.profiles {
            set.profiles
                .entry(name.clone())
                .or_insert_with(|| Section::new(&name))
                .merge(&section, true);
        }
        set
    }

    /// Parses both texts and merges them.
    pub fn parse(config: &str, credentials: &str) -> Result<ProfileSet, Error> {
        Ok(ProfileSet::merge(
            parse(config, FileKind::Config, "config")?,
            parse(credentials, FileKind::Credentials, "credentials")?,
        ))
    }

    /// Reads the files `locations` names. A missing file is an empty one (as in botocore);
    /// an unreadable or malformed one is an error naming it.
    pub fn load(locations: &FileLocations) -> Result<ProfileSet, Error> {
        let read = |path: &Option<PathBuf>, kind: FileKind| -> Result<ParsedFile, Error> {
            let Some(path) = path else {
                return Ok(ParsedFile::default());
            };
            match std::fs::read(path) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    parse(&text, kind, &path.display().to_string())
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ParsedFile::default()),
                Err(e) if path.is_dir() => Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{}: is a directory, not a file: {e}", path.display()),
                )),
                Err(e) => Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{}: cannot read: {e}", path.display()),
                )),
            }
        };
        let config = read(&locations.config, FileKind::Config)?;
        let credentials = read(&locations.credentials, FileKind::Credentials)?;
        let mut set = ProfileSet::merge(config, credentials);
        set.sources = [&locations.config, &locations.credentials]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        Ok(set)
    }

    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }
}

/// The operating-system conventions used to find the files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Unix,
    Windows,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn sep(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

/// Where the config and credentials files are, and which profile is selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLocations {
    /// `AWS_CONFIG_FILE`, else `~/.aws/config`; `None` when no home directory is known.
    pub config: Option<PathBuf>,
    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    pub credentials: Option<PathBuf>,
    /// `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE`, else `default` (botocore's order).
    pub profile: String,
    /// Whether the profile was named by the environment rather than defaulted.
    pub profile_from_env: bool,
}

/// The user's home directory: `HOME`; on Windows then `USERPROFILE`, then
/// `HOMEDRIVE` + `HOMEPATH`.
pub fn home_dir(lookup: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Option<String> {
    let get = |k: &str| lookup(k).filter(|v| !v.is_empty());
    if let Some(h) = get("HOME") {
        return Some(h);
    }
    if platform == Platform::Windows {
        if let Some(h) = get("USERPROFILE") {
            return Some(h);
        }
        if let (Some(d), Some(p)) = (get("HOMEDRIVE"), get("HOMEPATH")) {
            return Some(format!("{d}{p}"));
        }
    }
    None
}

/// Expands a leading `~` (`~`, `~/x`, and on Windows `~\x`) to the home directory.
pub fn expand_home(
    path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    platform: Platform,
) -> Option<String> {
    let rest = if path == "~" {
        ""
    } else if let Some(r) = path.strip_prefix("~/") {
        r
    } else if let Some(r) = path
        .strip_prefix("~\\")
        .filter(|_| platform == Platform::Windows)
    {
        r
    } else {
        return Some(path.to_string());
    };
    let home = home_dir(lookup, platform)?;
    if rest.is_empty() {
        return Some(home);
    }
    let sep = platform.sep();
    let rest = rest.replace(['/', '\\'], &sep.to_string());
    Some(format!("{}{sep}{rest}", home.trim_end_matches(sep)))
}

impl FileLocations {
    /// Resolves the locations from the environment, for `platform`.
    pub fn resolve(lookup: &dyn Fn(&str) -> Option<String>, platform: Platform) -> FileLocations {
        let get = |k: &str| lookup(k).filter(|v| !v.is_empty());
        let sep = platform.sep();
        let file = |var: &str, name: &str| {
            let path = get(var).unwrap_or_else(|| format!("~{sep}.aws{sep}{name}"));
            expand_home(&path, lookup, platform).map(PathBuf::from)
        };
        let env_profile = get("AWS_DEFAULT_PROFILE").or_else(|| get("AWS_PROFILE"));
        FileLocations {
            config: file("AWS_CONFIG_FILE", "config"),
            credentials: file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
            profile_from_env: env_profile.is_some(),
            profile: env_profile.unwrap_or_else(|| "default".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_and_line() {
        let e = parse(
            "[profile a]\nx = 1\n[profile b",
            FileKind::Config,
            "/tmp/cfg",
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        assert!(e.to_string().starts_with("/tmp/cfg:3: "), "{e}");
    }

    #[test]
    fn sub_properties_and_services() {
        let text = "[profile a]\nservices = dev\ns3 =\n  addressing_style = path\n\
                    [services dev]\ns3 =\n  endpoint_url = http://localhost:1\n";
        let set = ProfileSet::parse(text, "").unwrap();
        let a = set.profile("a").unwrap();
        assert_eq!(a.sub_properties("s3")["addressing_style"], "path");
        let dev = set.services("dev").unwrap();
        assert_eq!(
            dev.sub_properties("s3")["endpoint_url"],
            "http://localhost:1"
        );
    }

    #[test]
    fn credentials_file_origin_is_tracked() {
        let set = ProfileSet::parse(
            "[default]\naws_access_key_id = a\nregion = r",
            "[default]\naws_access_key_id = b",
        )
        .unwrap();
        let d = set.profile("default").unwrap();
        assert_eq!(d.get("AWS_ACCESS_KEY_ID"), Some("b"));
        assert!(d.is_from_credentials_file("aws_access_key_id"));
        assert!(!d.is_from_credentials_file("region"));
    }

    #[test]
    fn home_expansion() {
        let env = |k: &str| (k == "HOME").then(|| "/home/u".to_string());
        assert_eq!(
            expand_home("~/x/y", &env, Platform::Unix).as_deref(),
            Some("/home/u/x/y")
        );
        assert_eq!(
            expand_home("/abs", &env, Platform::Unix).as_deref(),
            Some("/abs")
        );
    }
}
