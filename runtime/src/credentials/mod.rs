//! AWS credentials and where they come from.
//!
//! [`DefaultChain`] tries botocore's providers in botocore's order and reports, when none has
//! credentials, every provider it tried and why each was skipped:
//!
//! 1. `env`: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN` or
//!    `AWS_SECURITY_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`); skipped when a profile was named
//!    explicitly ([`crate::config::ConfigLoader::profile`]), as botocore does;
//! 2. `assume-role`: the profile's `role_arn` with `source_profile` or `credential_source`,
//!    chained through source profiles ([`profile_chain`]), with loop detection;
//! 3. `assume-role-with-web-identity`: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, or the
//!    profile's `web_identity_token_file` + `role_arn`;
//! 4. `sso`: `sso_session` or the legacy `sso_start_url` keys ([`sso`]);
//! 5. `shared-credentials-file`: static keys from `~/.aws/credentials`;
//! 6. `login`: the profile's `login_session`, cached by `aws login` ([`login`]);
//! 7. `custom-process`: `credential_process` ([`process`]);
//! 8. `config-file`: static keys from `~/.aws/config`;
//! 9. `container-role`: ECS / EKS Pod Identity ([`container`]);
//! 10. `iam-role`: EC2 instance metadata ([`imds`]).
//!
//! [`Config::load`](crate::Config::load) wraps the chain in a [`CachingProvider`], which caches
//! what it found and refreshes it ahead of expiry with botocore's windows.

use crate::error::{Error, ErrorKind};
use crate::types::{DateTime, REDACTED};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

mod cache;
mod chain;
pub mod container;
mod fs;
pub mod imds;
pub mod login;
pub mod process;
pub mod profile_chain;
mod services;
pub mod sso;
pub mod sts;
mod token;

pub use cache::CachingProvider;
pub use chain::DefaultChain;
pub(crate) use token::env_var_name as bearer_env_var;
pub use token::AuthToken;

/// An access key pair with an optional session token. The secret and token never appear in
/// `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<DateTime>,
    account_id: Option<String>,
    provider: &'static str,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry: None,
            account_id: None,
            provider: "explicit",
        }
    }

    /// Sets when the credentials expire.
    pub fn with_expiry(mut self, expiry: Option<DateTime>) -> Self {
        self.expiry = expiry;
        self
    }

    /// Sets the account the credentials belong to (`aws_account_id`).
    pub fn with_account_id(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id;
        self
    }

    /// Names the provider that produced the credentials (`env`, `assume-role`, `iam-role`...).
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.provider = provider;
        self
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
    pub fn expiry(&self) -> Option<DateTime> {
        self.expiry
    }
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
    /// Which provider answered (botocore's `method`).
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// Whether the credentials have expired at `now`.
    pub fn is_expired_at(&self, now: DateTime) -> bool {
        self.expiry.is_some_and(|e| e <= now)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider", &self.provider)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.expiry)
            .field("account_id", &self.account_id)
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&CredentialsInfo::from(self), f)
    }
}

/// What [`crate::Config::inspect_credentials`] reports: no secret, no token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsInfo {
    /// The provider that answered (`env`, `shared-credentials-file`, `assume-role`, ...).
    pub provider: &'static str,
    pub access_key_id: String,
    pub has_session_token: bool,
    pub expiry: Option<DateTime>,
    pub account_id: Option<String>,
}

impl From<&Credentials> for CredentialsInfo {
    fn from(c: &Credentials) -> Self {
        CredentialsInfo {
            provider: c.provider,
            access_key_id: c.access_key_id.clone(),
            has_session_token: c.session_token.is_some(),
            expiry: c.expiry,
            account_id: c.account_id.clone(),
        }
    }
}

impl fmt::Display for CredentialsInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "credentials from {}: access key {}, secret {REDACTED}, {}",
            self.provider,
            self.access_key_id,
            if self.has_session_token {
                "session token present"
            } else {
                "no session token"
            }
        )?;
        if let Some(e) = self.expiry {
            write!(f, ", expires {}", e.to_iso8601())?;
        }
        Ok(())
    }
}

/// A boxed future, so providers can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that can produce credentials (environment, profile, IMDS...).
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        (**self).provide_credentials()
    }
}

/// A shareable credentials provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

/// Answers an MFA challenge for `mfa_serial` (botocore's `mfa_prompter`): given the serial
/// number, returns the current token code.
#[derive(Clone)]
pub struct MfaTokenProvider(pub Arc<MfaFn>);

/// Serial number in, token code out.
pub type MfaFn = dyn Fn(&str) -> Result<String, Error> + Send + Sync;

impl fmt::Debug for MfaTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaTokenProvider")
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidConfig, message)
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
/// (or the older `AWS_SECURITY_TOKEN`), read through `lookup` so tests need not touch the
/// process environment. `Ok(None)` when the variables are not set.
pub fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Credentials>, Error> {
    let get = |k: &str| lookup(k).filter(|v| !v.is_empty());
    let (Some(ak), sk) = (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) else {
        return match get("AWS_SECRET_ACCESS_KEY") {
            Some(_) => Err(Error::new(
                ErrorKind::PartialCredentials,
                "partial credentials found in env: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is missing",
            )),
            None => Ok(None),
        };
    };
    let Some(sk) = sk else {
        return Err(Error::new(
            ErrorKind::PartialCredentials,
            "partial credentials found in env: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is missing",
        ));
    };
    let token = get("AWS_SESSION_TOKEN").or_else(|| get("AWS_SECURITY_TOKEN"));
    let expiry = match get("AWS_CREDENTIAL_EXPIRATION") {
        Some(s) => Some(DateTime::parse_iso8601(&s).map_err(|e| {
            invalid(format!(
                "environment variable AWS_CREDENTIAL_EXPIRATION: {e}"
            ))
        })?),
        None => None,
    };
    Ok(Some(
        Credentials::new(ak, sk, token)
            .with_expiry(expiry)
            .with_account_id(get("AWS_ACCOUNT_ID"))
            .with_provider("env"),
    ))
}

/// Parses the JSON credential documents of IMDS, the container endpoint and
/// `credential_process`: `AccessKeyId`, `SecretAccessKey`, `Token` or `SessionToken`,
/// `Expiration`, `AccountId`. `what` names the source in errors.
pub(crate) fn from_json_document(
    doc: &serde_json::Value,
    what: &str,
    provider: &'static str,
) -> Result<Credentials, Error> {
    let field = |k: &str| doc.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let missing = |k: &str| {
        Error::new(
            ErrorKind::PartialCredentials,
            format!("{what}: the response has no {k}"),
        )
    };
    let ak = field("AccessKeyId").ok_or_else(|| missing("AccessKeyId"))?;
    let sk = field("SecretAccessKey").ok_or_else(|| missing("SecretAccessKey"))?;
    let token = field("Token").or_else(|| field("SessionToken"));
    let expiry = match field("Expiration") {
        Some(e) => Some(DateTime::parse_iso8601(&e).map_err(|err| {
            Error::new(
                ErrorKind::ResponseParse,
                format!("{what}: invalid Expiration: {err}"),
            )
        })?),
        None => None,
    };
    Ok(Credentials::new(ak, sk, token)
        .with_expiry(expiry)
        .with_account_id(field("AccountId"))
        .with_provider(provider))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new("AKID", "s3cr3t", Some("t0k3n".into()));
        let s = format!("{c:?} {c}");
        assert!(s.contains("AKID"));
        assert!(!s.contains("s3cr3t") && !s.contains("t0k3n"), "{s}");
    }

    #[test]
    fn env_partial_is_an_error() {
        let e = from_env(&|k| (k == "AWS_ACCESS_KEY_ID").then(|| "AKID".to_string())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PartialCredentials);
        let none = from_env(&|_| None).unwrap();
        assert!(none.is_none());
        let ok = from_env(&|k| match k {
            "AWS_ACCESS_KEY_ID" => Some("AKID".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("sk".into()),
            "AWS_SECURITY_TOKEN" => Some("tok".into()),
            _ => None,
        })
        .unwrap()
        .unwrap();
        assert_eq!(ok.session_token(), Some("tok"));
        assert_eq!(ok.provider(), "env");
    }
}
