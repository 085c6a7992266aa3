//! AWS credentials and where they come from.

use crate::error::{Error, ErrorKind};
use crate::types::{DateTime, REDACTED};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// An access key pair with an optional session token. The secret and token never appear in
/// `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<DateTime>,
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
            provider: "explicit",
        }
    }

    /// Sets when the credentials expire.
    pub fn with_expiry(mut self, expiry: Option<DateTime>) -> Self {
        self.expiry = expiry;
        self
    }

    /// Names the provider that produced the credentials (`env`, `profile`, `imds`...).
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
    /// Which provider answered.
    pub fn provider(&self) -> &'static str {
        self.provider
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
            .finish()
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

/// A shareable credentials provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

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
            Error::new(
                ErrorKind::InvalidConfig,
                format!("AWS_CREDENTIAL_EXPIRATION: {e}"),
            )
        })?),
        None => None,
    };
    Ok(Some(
        Credentials::new(ak, sk, token)
            .with_expiry(expiry)
            .with_provider("env"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new("AKID", "s3cr3t", Some("t0k3n".into()));
        let s = format!("{c:?}");
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
