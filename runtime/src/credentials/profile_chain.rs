//! How a profile's credentials are obtained, decided from the files alone (no I/O): a base
//! provider followed by zero or more roles to assume, innermost first. This is what AWS's
//! `assume-role-tests.json` describes and what botocore's `AssumeRoleProvider` does when it
//! walks `source_profile` links:
//!
//! * the selected profile's `role_arn` wins over its own static keys;
//! * a *source* profile's static keys win over its `role_arn` (the chain stops there);
//! * a profile that is its own `source_profile` supplies its static keys to its role;
//! * `credential_source` names `Environment`, `Ec2InstanceMetadata` or `EcsContainer`;
//! * `role_arn` + `web_identity_token_file` is a web-identity base;
//! * `login_session` comes after SSO and the credentials file's keys, before
//!   `credential_process` and the config file's keys (botocore's `ProfileProviderBuilder`);
//! * visiting a profile twice is a loop.

use crate::profile::{ProfileSet, Section};
use std::fmt;

/// Where the first credentials of a chain come from.
#[derive(Clone, PartialEq, Eq)]
pub enum BaseProvider {
    /// Static keys in a profile.
    AccessKey {
        profile: String,
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        account_id: Option<String>,
        /// Whether the keys came from the credentials file (botocore's
        /// `shared-credentials-file`) or the config file (`config-file`).
        from_credentials_file: bool,
    },
    /// `credential_source`.
    NamedSource(String),
    WebIdentityToken {
        role_arn: String,
        web_identity_token_file: String,
        role_session_name: Option<String>,
    },
    Sso(SsoConfig),
    /// `login_session`: credentials cached by `aws login`.
    Login {
        session: String,
    },
    /// `credential_process`.
    Process {
        command: String,
    },
}

impl fmt::Debug for BaseProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseProvider::AccessKey {
                profile,
                access_key_id,
                ..
            } => f
                .debug_struct("AccessKey")
                .field("profile", profile)
                .field("access_key_id", access_key_id)
                .finish_non_exhaustive(),
            BaseProvider::NamedSource(s) => f.debug_tuple("NamedSource").field(s).finish(),
            BaseProvider::WebIdentityToken {
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => f
                .debug_struct("WebIdentityToken")
                .field("role_arn", role_arn)
                .field("web_identity_token_file", web_identity_token_file)
                .field("role_session_name", role_session_name)
                .finish(),
            BaseProvider::Sso(s) => f.debug_tuple("Sso").field(s).finish(),
            BaseProvider::Login { session } => {
                f.debug_struct("Login").field("session", session).finish()
            }
            BaseProvider::Process { .. } => f.write_str("Process"),
        }
    }
}

/// SSO settings of a profile (legacy keys or an `[sso-session]`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SsoConfig {
    pub sso_session: Option<String>,
    pub sso_region: String,
    pub sso_start_url: String,
    pub sso_account_id: Option<String>,
    pub sso_role_name: Option<String>,
    /// `sso_registration_scopes` of the session.
    pub sso_registration_scopes: Option<String>,
}

/// One role to assume.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RoleArn {
    /// The profile that names the role.
    pub profile: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<u32>,
    pub mfa_serial: Option<String>,
}

/// A base provider and the roles assumed from it, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChain {
    pub base: BaseProvider,
    pub roles: Vec<RoleArn>,
}

/// Why a profile chain could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainError {
    /// The selected profile defines no credentials: the default chain moves on.
    NoCredentials(String),
    /// The selected profile does not exist.
    ProfileNotFound(String),
    /// Static keys are incomplete.
    Partial(String),
    /// The configuration is wrong (loop, missing source profile, conflicting keys...).
    Invalid(String),
}

impl ChainError {
    pub fn message(&self) -> &str {
        match self {
            ChainError::NoCredentials(m)
            | ChainError::ProfileNotFound(m)
            | ChainError::Partial(m)
            | ChainError::Invalid(m) => m,
        }
    }
    /// Whether the default chain should move on to the next provider.
    pub fn is_skip(&self) -> bool {
        matches!(
            self,
            ChainError::NoCredentials(_) | ChainError::ProfileNotFound(_)
        )
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The `credential_source` values botocore accepts.
pub const CREDENTIAL_SOURCES: &[&str] = &["Environment", "Ec2InstanceMetadata", "EcsContainer"];

/// Resolves how `selected`'s credentials are obtained.
pub fn resolve(profiles: &ProfileSet, selected: &str) -> Result<ProfileChain, ChainError> {
    let mut visited: Vec<String> = Vec::new();
    let mut roles: Vec<RoleArn> = Vec::new();
    let mut name = selected.to_string();
    let mut referrer: Option<String> = None;
    let base = loop {
        let Some(profile) = profiles.profile(&name) else {
            return Err(match &referrer {
                Some(from) => ChainError::Invalid(format!(
                    "could not find source profile {name} referenced from {from}"
                )),
                None if profiles.profiles.is_empty() => ChainError::ProfileNotFound(format!(
                    "No profiles were defined (looking for profile `{name}`)"
                )),
                None => ChainError::ProfileNotFound(format!("profile `{name}` was not found")),
            });
        };
        if visited.contains(&name) {
            visited.push(name.clone());
            return Err(ChainError::Invalid(format!(
                "profile formed an infinite loop: {}",
                visited.join(" -> ")
            )));
        }
        visited.push(name.clone());
        let first = referrer.is_none();
        if !first && has_static(profile) {
            break static_keys(profile)?;
        }
        if let Some(role_arn) = profile.get_nonempty("role_arn") {
            if let Some(file) = profile.get_nonempty("web_identity_token_file") {
                break BaseProvider::WebIdentityToken {
                    role_arn: role_arn.to_string(),
                    web_identity_token_file: file.to_string(),
                    role_session_name: profile.get_nonempty("role_session_name").map(Into::into),
                };
            }
            roles.push(role(profile, role_arn)?);
            match (
                profile.get_nonempty("source_profile"),
                profile.get_nonempty("credential_source"),
            ) {
                (Some(_), Some(_)) => {
                    return Err(ChainError::Invalid(format!(
                        "profile `{name}` is invalid: profile contained both source_profile and \
                         credential_source (set only one)"
                    )))
                }
                (None, None) => {
                    return Err(ChainError::Invalid(format!(
                        "profile `{name}` sets role_arn, so the profile must contain \
                         `source_profile` or `credential_source`"
                    )))
                }
                (None, Some(source)) => {
                    if !CREDENTIAL_SOURCES.contains(&source) {
                        return Err(ChainError::Invalid(format!(
                            "profile `{name}`: unsupported credential_source `{source}` \
                             (expected one of {})",
                            CREDENTIAL_SOURCES.join(", ")
                        )));
                    }
                    break BaseProvider::NamedSource(source.to_string());
                }
                (Some(source), None) => {
                    if source == name {
                        // Its own source profile: its static keys feed its role.
                        if !has_static(profile) {
                            return Err(ChainError::Invalid(format!(
                                "profile `{name}` is its own source_profile but has no \
                                 aws_access_key_id / aws_secret_access_key"
                            )));
                        }
                        break static_keys(profile)?;
                    }
                    referrer = Some(name.clone());
                    name = source.to_string();
                    continue;
                }
            }
        }
        if profile.get_nonempty("web_identity_token_file").is_some() {
            return Err(ChainError::Invalid(format!(
                "profile `{name}` sets web_identity_token_file but `role_arn` was missing"
            )));
        }
        if let Some(sso) = sso_config(profiles, profile)? {
            break BaseProvider::Sso(sso);
        }
        // botocore's profile providers run shared-credentials-file, then login, then
        // credential_process, then config-file: `login_session` beats static keys only when
        // they come from the config file.
        if has_static(profile) && profile.is_from_credentials_file("aws_access_key_id") {
            break static_keys(profile)?;
        }
        if let Some(session) = profile.get_nonempty("login_session") {
            break BaseProvider::Login {
                session: session.to_string(),
            };
        }
        if has_static(profile) {
            break static_keys(profile)?;
        }
        if let Some(command) = profile.get_nonempty("credential_process") {
            break BaseProvider::Process {
                command: command.to_string(),
            };
        }
        let message = format!("profile `{name}` did not contain credential information");
        return Err(if first {
            ChainError::NoCredentials(message)
        } else {
            ChainError::Invalid(format!(
                "{message} (it is the source_profile of `{}`)",
                referrer.unwrap_or_default()
            ))
        });
    };
    roles.reverse();
    Ok(ProfileChain { base, roles })
}

fn has_static(p: &Section) -> bool {
    p.get_nonempty("aws_access_key_id").is_some()
        || p.get_nonempty("aws_secret_access_key").is_some()
}

fn static_keys(p: &Section) -> Result<BaseProvider, ChainError> {
    let ak = p.get_nonempty("aws_access_key_id");
    let sk = p.get_nonempty("aws_secret_access_key");
    match (ak, sk) {
        (Some(ak), Some(sk)) => Ok(BaseProvider::AccessKey {
            profile: p.name().to_string(),
            access_key_id: ak.to_string(),
            secret_access_key: sk.to_string(),
            session_token: p
                .get_nonempty("aws_session_token")
                .or_else(|| p.get_nonempty("aws_security_token"))
                .map(Into::into),
            account_id: p.get_nonempty("aws_account_id").map(Into::into),
            from_credentials_file: p.is_from_credentials_file("aws_access_key_id"),
        }),
        (Some(_), None) => Err(ChainError::Partial(format!(
            "partial credentials in profile `{}`: profile missing aws_secret_access_key",
            p.name()
        ))),
        _ => Err(ChainError::Partial(format!(
            "partial credentials in profile `{}`: profile missing aws_access_key_id",
            p.name()
        ))),
    }
}

fn role(p: &Section, role_arn: &str) -> Result<RoleArn, ChainError> {
    let duration_seconds = match p.get_nonempty("duration_seconds") {
        None => None,
        Some(v) => Some(v.trim().parse::<u32>().map_err(|_| {
            ChainError::Invalid(format!(
                "profile `{}`: duration_seconds {v:?} is not a whole number of seconds",
                p.name()
            ))
        })?),
    };
    Ok(RoleArn {
        profile: p.name().to_string(),
        role_arn: role_arn.to_string(),
        external_id: p.get_nonempty("external_id").map(Into::into),
        role_session_name: p.get_nonempty("role_session_name").map(Into::into),
        duration_seconds,
        mfa_serial: p.get_nonempty("mfa_serial").map(Into::into),
    })
}

/// The selected profile's `sso_session`, for bearer tokens (botocore's `SSOTokenProvider`,
/// which serves only `sso_session` profiles, not the legacy `sso_start_url` form).
pub(crate) fn sso_session_config(
    config: &crate::config::Config,
) -> Result<Option<SsoConfig>, crate::error::Error> {
    let Some(profile) = config.profile() else {
        return Ok(None);
    };
    match sso_config(config.profiles(), profile) {
        Ok(Some(c)) if c.sso_session.is_some() => Ok(Some(c)),
        Ok(_) => Ok(None),
        Err(e) if e.is_skip() => Ok(None),
        Err(e) => Err(crate::error::Error::new(
            crate::error::ErrorKind::InvalidConfig,
            e.message().to_string(),
        )),
    }
}

fn sso_config(profiles: &ProfileSet, p: &Section) -> Result<Option<SsoConfig>, ChainError> {
    let name = p.name();
    let account = p.get_nonempty("sso_account_id");
    let role = p.get_nonempty("sso_role_name");
    let session = p.get_nonempty("sso_session");
    let legacy = p.get_nonempty("sso_start_url").is_some();
    if session.is_none() && !legacy && account.is_none() && role.is_none() {
        return Ok(None);
    }
    match (account, role) {
        (None, Some(_)) => {
            return Err(ChainError::Invalid(format!(
            "profile `{name}`: if `sso_role_name` is set, then `sso_account_id` must also be set"
        )))
        }
        (Some(_), None) => {
            return Err(ChainError::Invalid(format!(
            "profile `{name}`: if `sso_account_id` is set, then `sso_role_name` must also be set"
        )))
        }
        _ => {}
    }
    let (region, start_url, scopes) = match session {
        Some(s) => {
            let Some(sess) = profiles.sso_session(s) else {
                return Err(ChainError::Invalid(format!(
                    "sso-session named `{s}` (referenced by profile `{name}`) was not found"
                )));
            };
            let sess_region = sess.get_nonempty("sso_region");
            for key in ["sso_region", "sso_start_url"] {
                if let Some(v) = p.get_nonempty(key) {
                    if sess.get_nonempty(key) != Some(v) {
                        return Err(ChainError::Invalid(format!(
                            "profile `{name}`: `{key}` can only be specified in the [sso-session] \
                             config when a session name is given (sso-session `{s}` has {})",
                            match sess.get_nonempty(key) {
                                Some(x) => format!("{key} = {x}"),
                                None => format!("no {key}"),
                            }
                        )));
                    }
                }
            }
            let start = sess.get_nonempty("sso_start_url");
            let (Some(region), Some(start)) = (sess_region, start) else {
                return Err(ChainError::Invalid(format!(
                    "sso-session `{s}` must set sso_region and sso_start_url"
                )));
            };
            (
                region,
                start,
                sess.get_nonempty("sso_registration_scopes").map(Into::into),
            )
        }
        None => {
            let missing: Vec<&str> = ["sso_start_url", "sso_region"]
                .into_iter()
                .filter(|k| p.get_nonempty(k).is_none())
                .collect();
            if !missing.is_empty() {
                return Err(ChainError::Invalid(format!(
                    "profile `{name}` is configured for SSO but is missing {}",
                    missing.join(", ")
                )));
            }
            (
                p.get_nonempty("sso_region").unwrap_or_default(),
                p.get_nonempty("sso_start_url").unwrap_or_default(),
                None,
            )
        }
    };
    Ok(Some(SsoConfig {
        sso_session: session.map(Into::into),
        sso_region: region.to_string(),
        sso_start_url: start_url.to_string(),
        sso_account_id: account.map(Into::into),
        sso_role_name: role.map(Into::into),
        sso_registration_scopes: scopes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(config: &str, credentials: &str) -> BaseProvider {
        let profiles = ProfileSet::parse(config, credentials).unwrap();
        resolve(&profiles, "p").unwrap().base
    }

    fn login() -> BaseProvider {
        BaseProvider::Login {
            session: "s".into(),
        }
    }

    #[test]
    fn login_session_sits_where_botocore_puts_it() {
        let p = "[profile p]\nlogin_session = s\n";
        assert_eq!(base(p, ""), login());
        // SSO and the credentials file's keys come first...
        let sso = format!("{p}sso_start_url = https://x/start\nsso_region = us-east-1\n");
        assert!(matches!(base(&sso, ""), BaseProvider::Sso(_)));
        let keys = "[p]\naws_access_key_id = A\naws_secret_access_key = B\n";
        assert!(matches!(
            base(p, keys),
            BaseProvider::AccessKey {
                from_credentials_file: true,
                ..
            }
        ));
        // ...credential_process and the config file's keys after.
        let later = format!(
            "{p}credential_process = run\naws_access_key_id = A\naws_secret_access_key = B\n"
        );
        assert_eq!(base(&later, ""), login());
    }

    #[test]
    fn a_login_profile_can_source_a_role() {
        let profiles = ProfileSet::parse(
            "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = web\n\
             login_session = ignored\n[profile web]\nlogin_session = s\n",
            "",
        )
        .unwrap();
        let chain = resolve(&profiles, "p").unwrap();
        assert_eq!(chain.base, login());
        assert_eq!(chain.roles.len(), 1);
    }
}
