//! Client configuration: region, credentials, endpoint and HTTP settings, from explicit values
//! and the environment (profiles come with the credential chain).

use crate::credentials::{self, Credentials, ProvideCredentials, SharedCredentialsProvider};
use crate::error::Error;
use crate::http::HttpSettings;
use crate::schema::Protocol;
use std::sync::Arc;

/// Settings shared by every client made from it. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) http: HttpSettings,
    pub(crate) protocol: Option<Protocol>,
}

impl Config {
    /// Loads configuration the way boto3 does (environment for now): `AWS_REGION` or
    /// `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`, and credentials from `AWS_ACCESS_KEY_ID` /
    /// `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    pub async fn load() -> Result<Config, Error> {
        Config::from_env(&|k| std::env::var(k).ok())
    }

    /// Like [`Config::load`], reading variables through `lookup`.
    pub fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let get = |k: &str| lookup(k).filter(|v| !v.is_empty());
        let credentials =
            credentials::from_env(lookup)?.map(|c| Arc::new(c) as SharedCredentialsProvider);
        Ok(Config {
            region: get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")),
            credentials,
            endpoint_url: get("AWS_ENDPOINT_URL"),
            http: HttpSettings::default(),
            protocol: None,
        })
    }

    pub fn builder() -> ConfigBuilder {
        ConfigBuilder(Config::default())
    }

    /// A builder starting from this configuration.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder(self.clone())
    }

    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    pub fn credentials_provider(&self) -> Option<&SharedCredentialsProvider> {
        self.credentials.as_ref()
    }

    pub fn http(&self) -> &HttpSettings {
        &self.http
    }
}

/// Builds a [`Config`] from explicit values.
#[derive(Debug, Clone)]
pub struct ConfigBuilder(Config);

impl ConfigBuilder {
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.0.region = Some(region.into());
        self
    }
    /// Static credentials (boto3's `aws_access_key_id=` / `aws_secret_access_key=`).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.0.credentials = Some(Arc::new(credentials));
        self
    }
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.0.credentials = Some(Arc::new(provider));
        self
    }
    /// Sends every request to this URL instead of the resolved endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.0.endpoint_url = Some(url.into());
        self
    }
    pub fn http(mut self, http: HttpSettings) -> Self {
        self.0.http = http;
        self
    }
    /// Speaks `protocol` instead of the one botocore would pick, when the service supports it.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.0.protocol = Some(protocol);
        self
    }
    pub fn build(self) -> Config {
        self.0
    }
}
