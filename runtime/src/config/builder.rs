//! [`ConfigBuilder`]: a [`Config`] from explicit values, which win over the environment and the
//! profile files.

use super::{ChecksumWhen, Config, DefaultsMode, RetryMode, S3AddressingStyle};
use crate::credentials::{Credentials, ProvideCredentials};
use crate::http::{Connector, HttpSettings, SharedConnector};
use crate::schema::Protocol;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Config`] from explicit values.
///
/// A builder from [`Config::to_builder`] keeps the original's connection pool unless an HTTP
/// setting changes, so a per-client override (`config.to_builder().endpoint_url(..)`) shares
/// connections with the clients of the original.
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    config: Config,
    /// An HTTP setting (TLS, proxies, timeouts) was set: the pool built for the old ones no
    /// longer fits.
    http_changed: bool,
}

impl ConfigBuilder {
    pub(super) fn starting_from(config: Config) -> Self {
        ConfigBuilder {
            config,
            http_changed: false,
        }
    }

    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }
    /// Static credentials (boto3's `aws_access_key_id=` / `aws_secret_access_key=`).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = Some(Arc::new(credentials));
        self
    }
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.config.credentials = Some(Arc::new(provider));
        self
    }
    /// The bearer token for services signed with `smithy.api#httpBearerAuth`; it wins over
    /// the `AWS_BEARER_TOKEN_<SIGNING NAME>` environment variable.
    pub fn auth_token(mut self, token: crate::credentials::AuthToken) -> Self {
        self.config.auth_token = Some(token);
        self
    }
    /// Sends requests anonymously, as botocore's `Config(signature_version=UNSIGNED)` does:
    /// no signature and no credentials, so no credential provider (configured or default
    /// chain) is ever asked and none is needed, and no `Authorization`,
    /// `X-Amz-Security-Token` or `X-Amz-Date` header is sent. For public resources such as a
    /// public S3 bucket. Presigned URLs of an anonymous client carry no signature either. For
    /// some calls only, make a second client from `config.to_builder().anonymous(true)`.
    pub fn anonymous(mut self, on: bool) -> Self {
        self.config.anonymous = on;
        self
    }
    /// Sends every request to this URL instead of the resolved endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.config.endpoint_url = Some(url.clone());
        self.config.explicit.endpoint_url = Some(url);
        self
    }
    /// Ignores endpoint URLs from the environment and profile (not an explicit one).
    pub fn ignore_configured_endpoint_urls(mut self, ignore: bool) -> Self {
        self.config.explicit.ignore_configured_endpoint_urls = Some(ignore);
        if self.config.explicit.endpoint_url.is_none() {
            self.config.endpoint_url = self.config.configured_global_endpoint();
        }
        self
    }
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.config.explicit.retry_mode = Some(mode);
        self
    }
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.config.explicit.max_attempts = Some(attempts);
        self
    }
    pub fn use_fips(mut self, on: bool) -> Self {
        self.config.explicit.use_fips = Some(on);
        self
    }
    pub fn use_dualstack(mut self, on: bool) -> Self {
        self.config.explicit.use_dualstack = Some(on);
        self
    }
    pub fn s3_addressing_style(mut self, style: S3AddressingStyle) -> Self {
        self.config.explicit.s3_addressing_style = Some(style);
        self
    }
    /// Overrides the instance-metadata endpoint (`ec2_metadata_service_endpoint`).
    pub fn imds_endpoint(mut self, url: impl Into<String>) -> Self {
        self.config.explicit.imds_endpoint = Some(url.into());
        self
    }
    /// Overrides the instance-metadata endpoint mode (`IPv4` or `IPv6`).
    pub fn imds_endpoint_mode(mut self, mode: impl Into<String>) -> Self {
        self.config.explicit.imds_endpoint_mode = Some(mode.into());
        self
    }
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.http_changed = true;
        self.config.http.ca_bundle = Some(path.into());
        self
    }
    /// Presents this certificate to endpoints that ask for one: mutual TLS, botocore's
    /// `client_cert` (`ClientCert::file(path)` for its single path, `ClientCert::files(cert,
    /// key)` for its tuple). A certificate that can't be used fails the first call.
    pub fn client_cert(mut self, cert: crate::http::ClientCert) -> Self {
        self.http_changed = true;
        self.config.http.client_cert = Some(cert);
        self
    }
    /// Sends requests through these proxies (botocore's `Config(proxies=…,
    /// proxies_config=…)`), replacing those from `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`.
    pub fn proxies(mut self, proxies: crate::http::ProxySettings) -> Self {
        self.http_changed = true;
        self.config.http.proxies = proxies;
        self
    }
    /// The HTTP settings. A connect timeout other than the default 60 s counts as given
    /// explicitly, and so wins over the `defaults_mode`'s.
    pub fn http(mut self, http: HttpSettings) -> Self {
        self.http_changed = true;
        if http.connect_timeout != HttpSettings::default().connect_timeout {
            self.config.explicit.connect_timeout = Some(http.connect_timeout);
        }
        self.config.http = http;
        self
    }
    /// The connect timeout (botocore's `connect_timeout`); wins over the `defaults_mode`'s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http_changed = true;
        self.config.explicit.connect_timeout = Some(timeout);
        self
    }
    /// botocore's `defaults_mode`: default values for the settings left unset (see
    /// [`DefaultsMode`]); wins over `AWS_DEFAULTS_MODE` and the profile's `defaults_mode`.
    /// `Auto` may ask the instance-metadata service for the region when the config is built.
    pub fn defaults_mode(mut self, mode: DefaultsMode) -> Self {
        self.config.explicit.defaults_mode = Some(mode);
        self
    }
    /// Whether S3 signs the payload's SHA-256 over HTTPS (botocore's
    /// `s3={'payload_signing_enabled': ..}`, profile `s3 = payload_signing_enabled`); unset,
    /// botocore's per-request choice ([`crate::config::s3_should_sign_payload`]).
    pub fn s3_payload_signing_enabled(mut self, on: bool) -> Self {
        self.config.explicit.s3_payload_signing_enabled = Some(on);
        self
    }
    /// botocore's `client_context_params`: values for the service's `clientContextParams`, by
    /// the snake_case names botocore uses (S3's `force_path_style`, `accelerate`,
    /// `disable_multi_region_access_points`…). They win over the same settings given other
    /// ways. A name the service does not declare fails its calls with an
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) error naming it.
    pub fn client_context_params<K, V>(mut self, params: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<crate::endpoint::ParamValue>,
    {
        for (k, v) in params {
            let k = k.into();
            let v = v.into();
            let list = &mut self.config.explicit.client_context_params;
            match list.iter_mut().find(|(name, _)| *name == k) {
                Some(slot) => slot.1 = v,
                None => list.push((k, v)),
            }
        }
        self
    }
    /// Sends requests through `connector` instead of rboto's own HTTP client (a stub in tests,
    /// or another transport). Timeouts other than the per-attempt and per-operation ones are
    /// then the connector's business.
    pub fn connector(mut self, connector: impl Connector) -> Self {
        self.config.connector = Some(SharedConnector::new(connector));
        self
    }
    /// Answers every call of clients made from this config from `stubber`'s queue while it is
    /// active, with no endpoint, credentials, signing or HTTP (botocore's `Stubber`, for unit
    /// tests). Keep a clone to queue responses and check calls.
    #[cfg(feature = "test-util")]
    pub fn stubber(mut self, stubber: crate::stub::Stubber) -> Self {
        self.config.stubber = Some(stubber);
        self
    }
    /// Replaces rboto's `User-Agent` header (botocore's `user_agent`); the extra text
    /// ([`ConfigBuilder::user_agent_extra`]) is still appended.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.explicit.user_agent = Some(user_agent.into());
        self
    }
    /// Appends text to the `User-Agent` header as it is (botocore's `user_agent_extra`).
    pub fn user_agent_extra(mut self, extra: impl Into<String>) -> Self {
        self.config.explicit.user_agent_extra = Some(extra.into());
        self
    }
    /// Names the application in the `User-Agent` header as `app/<id>` (botocore's
    /// `user_agent_appid`; otherwise `AWS_SDK_UA_APP_ID` or the profile's `sdk_ua_app_id`).
    pub fn user_agent_appid(mut self, app_id: impl Into<String>) -> Self {
        self.config.explicit.user_agent_appid = Some(app_id.into());
        self
    }
    /// Turns client-side parameter validation off or on (botocore's `parameter_validation`).
    pub fn parameter_validation(mut self, on: bool) -> Self {
        self.config.explicit.parameter_validation = Some(on);
        self
    }
    /// Whether operations with a modeled host prefix (`data.` and the like) add it to the
    /// endpoint host (botocore's `inject_host_prefix`; on by default).
    pub fn inject_host_prefix(mut self, on: bool) -> Self {
        self.config.explicit.inject_host_prefix = Some(on);
        self
    }
    /// Turns gzip request compression off (botocore's `disable_request_compression`).
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.config.explicit.disable_request_compression = Some(disable);
        self
    }
    /// The smallest body worth compressing (botocore's `request_min_compression_size_bytes`,
    /// 10,240 by default; botocore accepts up to 10,485,760).
    pub fn request_min_compression_size_bytes(mut self, bytes: u64) -> Self {
        self.config.explicit.request_min_compression_size_bytes = Some(bytes);
        self
    }
    /// S3 Transfer Acceleration endpoints (botocore's `s3={'use_accelerate_endpoint': True}`,
    /// profile `s3 = use_accelerate_endpoint = true`).
    pub fn s3_use_accelerate_endpoint(mut self, on: bool) -> Self {
        self.config.explicit.s3_use_accelerate_endpoint = Some(on);
        self
    }
    /// Whether an S3 access-point ARN's region wins over the client's (botocore's
    /// `s3={'use_arn_region': ..}`, `AWS_S3_USE_ARN_REGION`, profile `s3_use_arn_region`;
    /// on by default).
    pub fn s3_use_arn_region(mut self, on: bool) -> Self {
        self.config.explicit.s3_use_arn_region = Some(on);
        self
    }
    /// In us-east-1, S3's regional endpoint (`true`, botocore's `regional`) or the global
    /// `s3.amazonaws.com` (`false`, `legacy`); botocore's `s3={'us_east_1_regional_endpoint':
    /// ..}`, `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT`.
    pub fn s3_us_east_1_regional_endpoint(mut self, regional: bool) -> Self {
        self.config.explicit.s3_us_east_1_regional_endpoint = Some(regional);
        self
    }
    /// The auth schemes to prefer when an operation offers several (botocore's
    /// `auth_scheme_preference`), most preferred first: `["httpBearerAuth", "sigv4"]`.
    pub fn auth_scheme_preference<S: Into<String>>(
        mut self,
        schemes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.config.explicit.auth_scheme_preference =
            Some(schemes.into_iter().map(Into::into).collect());
        self
    }
    /// When request checksums are computed (botocore's `request_checksum_calculation`).
    pub fn request_checksum_calculation(mut self, when: ChecksumWhen) -> Self {
        self.config.explicit.request_checksum_calculation = Some(when);
        self
    }
    /// When response checksums are checked (botocore's `response_checksum_validation`).
    pub fn response_checksum_validation(mut self, when: ChecksumWhen) -> Self {
        self.config.explicit.response_checksum_validation = Some(when);
        self
    }
    /// Speaks `protocol` instead of the one botocore would pick, when the service supports it.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.config.protocol = Some(protocol);
        self
    }
    pub fn build(mut self) -> Config {
        let connect_timeout = self.config.http.connect_timeout;
        self.config.settle_defaults_mode_blocking();
        if self.http_changed || self.config.http.connect_timeout != connect_timeout {
            self.config.default_http = Arc::default();
        }
        self.config
    }
}
