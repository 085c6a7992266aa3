//! Typed settings and the rules that name them.

use crate::error::{Error, ErrorKind};
use crate::profile::Section;
use std::time::Duration;

/// botocore's `retry_mode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RetryMode {
    Legacy,
    /// botocore's default.
    #[default]
    Standard,
    Adaptive,
}

impl RetryMode {
    pub fn parse(s: &str) -> Option<RetryMode> {
        match s.trim() {
            "legacy" => Some(RetryMode::Legacy),
            "standard" => Some(RetryMode::Standard),
            "adaptive" => Some(RetryMode::Adaptive),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RetryMode::Legacy => "legacy",
            RetryMode::Standard => "standard",
            RetryMode::Adaptive => "adaptive",
        }
    }
}

/// S3's `addressing_style`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum S3AddressingStyle {
    #[default]
    Auto,
    Virtual,
    Path,
}

impl S3AddressingStyle {
    pub fn parse(s: &str) -> Option<S3AddressingStyle> {
        match s.trim() {
            "auto" => Some(S3AddressingStyle::Auto),
            "virtual" => Some(S3AddressingStyle::Virtual),
            "path" => Some(S3AddressingStyle::Path),
            _ => None,
        }
    }
}

/// Which address the instance-metadata service is reached on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImdsEndpointMode {
    #[default]
    IPv4,
    IPv6,
}

impl ImdsEndpointMode {
    /// Case-insensitive `IPv4` / `IPv6`.
    pub fn parse(s: &str) -> Result<ImdsEndpointMode, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ipv4" => Ok(ImdsEndpointMode::IPv4),
            "ipv6" => Ok(ImdsEndpointMode::IPv6),
            _ => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("`{s}` is not a valid endpoint mode: expected IPv4 or IPv6"),
            )),
        }
    }
    pub fn base_url(self) -> &'static str {
        match self {
            ImdsEndpointMode::IPv4 => "http://169.254.169.254",
            ImdsEndpointMode::IPv6 => "http://[fd00:ec2::254]",
        }
    }
}

/// The instance-metadata settings, as botocore's `IMDSFetcher` reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImdsSettings {
    /// Base URL without trailing slash.
    pub endpoint: String,
    /// `AWS_EC2_METADATA_DISABLED=true`.
    pub disabled: bool,
    /// `ec2_metadata_v1_disabled`: never fall back to IMDSv1.
    pub v1_disabled: bool,
    /// Connect and read timeout per request (`metadata_service_timeout`, 1 s).
    pub timeout: Duration,
    /// Attempts per request (`metadata_service_num_attempts`, 1).
    pub attempts: u32,
    /// The environment's proxies (`HTTP_PROXY`, `NO_PROXY`): botocore's metadata fetcher
    /// honours them, so a proxied host needs `NO_PROXY=169.254.169.254` to reach the service
    /// directly.
    pub proxies: crate::http::ProxySettings,
}

impl ImdsSettings {
    /// Resolves the settings: explicit overrides, environment, then profile. The endpoint is
    /// explicit endpoint > `AWS_EC2_METADATA_SERVICE_ENDPOINT` > profile endpoint > mode
    /// (explicit > env > profile, with the legacy `imds_use_ipv6`).
    pub fn resolve(
        env: &dyn Fn(&str) -> Option<String>,
        profile: Option<&Section>,
        endpoint_override: Option<&str>,
        mode_override: Option<&str>,
    ) -> Result<ImdsSettings, Error> {
        let get = |var: &str, key: &str| {
            env(var).filter(|v| !v.is_empty()).or_else(|| {
                profile
                    .and_then(|p| p.get_nonempty(key))
                    .map(str::to_string)
            })
        };
        let is_true = |v: Option<String>| v.is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let endpoint = match endpoint_override.map(str::to_string).or_else(|| {
            get(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "ec2_metadata_service_endpoint",
            )
        }) {
            Some(e) => {
                validate_uri(&e)?;
                e.trim_end_matches('/').to_string()
            }
            None => {
                let mode = match mode_override.map(str::to_string).or_else(|| {
                    get(
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                        "ec2_metadata_service_endpoint_mode",
                    )
                }) {
                    Some(m) => ImdsEndpointMode::parse(&m)?,
                    None if is_true(get("AWS_IMDS_USE_IPV6", "imds_use_ipv6")) => {
                        ImdsEndpointMode::IPv6
                    }
                    None => ImdsEndpointMode::IPv4,
                };
                mode.base_url().to_string()
            }
        };
        let number = |var: &str, key: &str, default: u64| -> Result<u64, Error> {
            match get(var, key) {
                None => Ok(default),
                Some(v) => v.trim().parse::<f64>().map(|f| f as u64).map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidConfig,
                        format!("{var} / {key}: invalid number {v:?}"),
                    )
                }),
            }
        };
        Ok(ImdsSettings {
            proxies: crate::http::ProxySettings::from_lookup(env)?,
            endpoint,
            disabled: is_true(env("AWS_EC2_METADATA_DISABLED")),
            v1_disabled: is_true(get(
                "AWS_EC2_METADATA_V1_DISABLED",
                "ec2_metadata_v1_disabled",
            )),
            timeout: Duration::from_secs(number(
                "AWS_METADATA_SERVICE_TIMEOUT",
                "metadata_service_timeout",
                super::IMDS_DEFAULT_TIMEOUT.as_secs(),
            )?),
            attempts: number(
                "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                "metadata_service_num_attempts",
                1,
            )?
            .max(1) as u32,
        })
    }

    /// The IMDSv2 token URL (`PUT`).
    pub fn token_url(&self) -> String {
        format!("{}/latest/api/token", self.endpoint)
    }
}

/// An absolute `scheme://host` URI with no whitespace or control characters.
fn validate_uri(s: &str) -> Result<(), Error> {
    let invalid = |why: &str| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("invalid metadata service endpoint {s:?}: {why}"),
        )
    };
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("invalid uri character"));
    }
    match s.split_once("://") {
        Some((scheme, rest))
            if matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.starts_with('/') =>
        {
            Ok(())
        }
        _ => Err(invalid("expected an absolute http(s) URI")),
    }
}

/// botocore's snake-case service id: lowercase, spaces and hyphens as `_` (`Secrets Manager`
/// → `secrets_manager`, the key inside a `[services x]` section).
pub fn snake_service_id(service_id: &str) -> String {
    service_id
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

/// `AWS_ENDPOINT_URL_<SERVICE>` for a service id (`Secrets Manager` →
/// `AWS_ENDPOINT_URL_SECRETS_MANAGER`).
pub fn service_env_var(service_id: &str) -> String {
    format!(
        "AWS_ENDPOINT_URL_{}",
        snake_service_id(service_id).to_ascii_uppercase()
    )
}

/// Variables captured by [`super::Config::from_env`].
pub(crate) const KNOWN_VARIABLES: &[&str] = &[
    // Read only to refuse them (settings rboto cannot honour).
    "AWS_ENDPOINT_DISCOVERY_ENABLED",
    "AWS_SIGV4A_SIGNING_REGION_SET",
    "AWS_CSM_ENABLED",
    "AWS_DATA_PATH",
    "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
    "HOME",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCOUNT_ID",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_RETRY_MODE",
    "AWS_MAX_ATTEMPTS",
    "AWS_CA_BUNDLE",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_DISABLE_REQUEST_COMPRESSION",
    "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_V1_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_IMDS_USE_IPV6",
    "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_SDK_UA_APP_ID",
    "AWS_EXECUTION_ENV",
    "AWS_DISABLE_HOST_PREFIX_INJECTION",
    "BOTOCORE_TCP_KEEPALIVE",
    "AWS_AUTH_SCHEME_PREFERENCE",
    "AWS_REQUEST_CHECKSUM_CALCULATION",
    "AWS_RESPONSE_CHECKSUM_VALIDATION",
    "AWS_DEFAULTS_MODE",
    "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
    "AWS_S3_USE_ARN_REGION",
    "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE",
];

/// Service ids whose `AWS_ENDPOINT_URL_<SERVICE>` [`super::Config::from_env`] captures.
pub(crate) const KNOWN_SERVICE_IDS: &[&str] = &[
    "S3",
    "DynamoDB",
    "STS",
    "SSO",
    "SSO OIDC",
    "IAM",
    "SQS",
    "SNS",
    "EC2",
    "KMS",
    "Lambda",
    "Secrets Manager",
    "SSM",
    "CloudWatch",
    "CloudTrail",
    "Route 53",
    "S3 Control",
    "CloudFormation",
    "ECR",
    "ECS",
];
