//! The settings read from the environment and the selected profile, parsed once when the
//! configuration is loaded. A value that does not parse fails the load with an error that names
//! the setting, the value and where it was found (the environment variable, or the config
//! file and line), as botocore's `InvalidConfigError` would; after that, every getter of
//! [`super::Config`] only picks between typed values.

use super::{ChecksumWhen, Config, DefaultsMode, RetryMode, S3AddressingStyle};
use crate::error::{Error, ErrorKind};

/// botocore's `legacy` / `regional` endpoint settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Regional {
    Legacy,
    Regional,
}

/// Each setting as found in the environment or the profile; `None`: set in neither.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resolved {
    pub ignore_configured_endpoint_urls: Option<bool>,
    pub retry_mode: Option<RetryMode>,
    pub max_attempts: Option<u32>,
    pub use_fips: Option<bool>,
    pub use_dualstack: Option<bool>,
    pub s3_addressing_style: Option<S3AddressingStyle>,
    pub disable_request_compression: Option<bool>,
    pub request_min_compression_size_bytes: Option<u64>,
    pub user_agent_appid: Option<String>,
    pub disable_host_prefix_injection: Option<bool>,
    pub auth_scheme_preference: Option<Vec<String>>,
    pub request_checksum_calculation: Option<ChecksumWhen>,
    pub response_checksum_validation: Option<ChecksumWhen>,
    pub tcp_keepalive: Option<bool>,
    pub s3_use_accelerate_endpoint: Option<bool>,
    pub s3_use_arn_region: Option<bool>,
    pub s3_disable_multiregion_access_points: Option<bool>,
    pub s3_us_east_1_regional_endpoint: Option<Regional>,
    pub s3_payload_signing_enabled: Option<bool>,
    pub s3_disable_express_session_auth: Option<bool>,
    pub sts_regional_endpoints: Option<Regional>,
    pub account_id_endpoint_mode: Option<String>,
    pub defaults_mode: Option<DefaultsMode>,
}

/// botocore's largest `request_min_compression_size_bytes`.
const MAX_MIN_COMPRESSION_SIZE: u64 = 10_485_760;

impl Resolved {
    /// Reads every setting of `config`'s environment and profile.
    pub(crate) fn read(config: &Config) -> Result<Resolved, Error> {
        refuse_unsupported(config)?;
        let bool_of = |key: &str, var: &str| typed(config, key, var, "true or false", parse_bool);
        let checksum = |key: &str, var: &str| {
            typed(
                config,
                key,
                var,
                "when_supported or when_required",
                |v| match v.to_ascii_lowercase().as_str() {
                    "when_supported" => Some(ChecksumWhen::WhenSupported),
                    "when_required" => Some(ChecksumWhen::WhenRequired),
                    _ => None,
                },
            )
        };
        let regional = |key: &str, var: &str| {
            typed(config, key, var, "legacy or regional", |v| {
                match v.to_ascii_lowercase().as_str() {
                    "legacy" => Some(Regional::Legacy),
                    "regional" => Some(Regional::Regional),
                    _ => None,
                }
            })
        };
        Ok(Resolved {
            ignore_configured_endpoint_urls: bool_of(
                "ignore_configured_endpoint_urls",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            )?,
            retry_mode: typed(
                config,
                "retry_mode",
                "AWS_RETRY_MODE",
                "one of legacy, standard, adaptive",
                RetryMode::parse,
            )?,
            max_attempts: typed(
                config,
                "max_attempts",
                "AWS_MAX_ATTEMPTS",
                "an integer >= 1",
                |v| v.parse::<u32>().ok().filter(|n| *n >= 1),
            )?,
            use_fips: bool_of("use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT")?,
            use_dualstack: bool_of("use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT")?,
            s3_addressing_style: typed(
                config,
                "s3.addressing_style",
                "",
                "auto, virtual or path",
                S3AddressingStyle::parse,
            )?,
            disable_request_compression: bool_of(
                "disable_request_compression",
                "AWS_DISABLE_REQUEST_COMPRESSION",
            )?,
            request_min_compression_size_bytes: typed(
                config,
                "request_min_compression_size_bytes",
                "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
                "an integer from 0 to 10485760",
                |v| {
                    v.parse::<u64>()
                        .ok()
                        .filter(|n| *n <= MAX_MIN_COMPRESSION_SIZE)
                },
            )?,
            user_agent_appid: config
                .lookup("sdk_ua_app_id", "AWS_SDK_UA_APP_ID")
                .map(|(v, _)| v),
            disable_host_prefix_injection: bool_of(
                "disable_host_prefix_injection",
                "AWS_DISABLE_HOST_PREFIX_INJECTION",
            )?,
            auth_scheme_preference: config
                .lookup("auth_scheme_preference", "AWS_AUTH_SCHEME_PREFERENCE")
                .map(|(v, _)| scheme_list(&v)),
            request_checksum_calculation: checksum(
                "request_checksum_calculation",
                "AWS_REQUEST_CHECKSUM_CALCULATION",
            )?,
            response_checksum_validation: checksum(
                "response_checksum_validation",
                "AWS_RESPONSE_CHECKSUM_VALIDATION",
            )?,
            tcp_keepalive: bool_of("tcp_keepalive", "BOTOCORE_TCP_KEEPALIVE")?,
            // The profile's `s3 =` section only: botocore has no environment variable for it.
            s3_use_accelerate_endpoint: bool_of("s3.use_accelerate_endpoint", "")?,
            s3_use_arn_region: bool_of("s3_use_arn_region", "AWS_S3_USE_ARN_REGION")?,
            s3_disable_multiregion_access_points: bool_of(
                "s3_disable_multiregion_access_points",
                "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
            )?,
            s3_us_east_1_regional_endpoint: regional(
                "s3.us_east_1_regional_endpoint",
                "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
            )?,
            s3_payload_signing_enabled: bool_of("s3.payload_signing_enabled", "")?,
            s3_disable_express_session_auth: bool_of(
                "s3_disable_express_session_auth",
                "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
            )?,
            sts_regional_endpoints: regional(
                "sts_regional_endpoints",
                "AWS_STS_REGIONAL_ENDPOINTS",
            )?,
            account_id_endpoint_mode: typed(
                config,
                "account_id_endpoint_mode",
                "AWS_ACCOUNT_ID_ENDPOINT_MODE",
                "preferred, required or disabled",
                |v| {
                    let v = v.to_ascii_lowercase();
                    matches!(v.as_str(), "preferred" | "required" | "disabled").then_some(v)
                },
            )?,
            defaults_mode: typed(
                config,
                "defaults_mode",
                "AWS_DEFAULTS_MODE",
                DefaultsMode::EXPECTED,
                DefaultsMode::parse,
            )?,
        })
    }
}

/// Settings botocore acts on that rboto cannot honour: set, they fail the load naming the
/// setting and where it was found, rather than being silently dropped. (Values that ask for
/// botocore's default behaviour, such as `endpoint_discovery_enabled = auto`, load.)
fn refuse_unsupported(config: &Config) -> Result<(), Error> {
    let refuse = |origin: &str, key: &str, why: &str| {
        Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("{origin}: {key} is set, but {why}; unset it to use rboto"),
        ))
    };
    if let Some((v, origin)) = config.lookup(
        "endpoint_discovery_enabled",
        "AWS_ENDPOINT_DISCOVERY_ENABLED",
    ) {
        if v.trim().eq_ignore_ascii_case("true") {
            return refuse(
                &origin,
                "endpoint_discovery_enabled",
                "rboto does not implement endpoint discovery",
            );
        }
    }
    if let Some((_, origin)) =
        config.lookup("sigv4a_signing_region_set", "AWS_SIGV4A_SIGNING_REGION_SET")
    {
        return refuse(
            &origin,
            "sigv4a_signing_region_set",
            "rboto does not implement SigV4a signing",
        );
    }
    if let Some((v, origin)) = config.lookup("csm_enabled", "AWS_CSM_ENABLED") {
        if v.trim().eq_ignore_ascii_case("true") {
            return refuse(
                &origin,
                "csm_enabled",
                "rboto has no client-side monitoring (botocore's AWS_CSM_*)",
            );
        }
    }
    if config.env.get("AWS_DATA_PATH").is_some() {
        return refuse(
            "environment variable AWS_DATA_PATH",
            "AWS_DATA_PATH",
            "rboto's models are compiled into its service crates and cannot be replaced or \
             extended at run time",
        );
    }
    Ok(())
}

/// botocore's `ensure_boolean` for configured strings, minus its silence: `true` / `false` in
/// any case.
fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// `AWS_AUTH_SCHEME_PREFERENCE`: comma-separated names, blanks ignored.
fn scheme_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|item| {
            item.chars()
                .filter(|c| !matches!(c, ' ' | '\t'))
                .collect::<String>()
        })
        .filter(|item| !item.is_empty())
        .collect()
}

/// The setting `key` (environment variable `var`, none when empty) parsed by `parse`; a value
/// it rejects is an [`ErrorKind::InvalidConfig`] error naming where it came from.
fn typed<T>(
    config: &Config,
    key: &str,
    var: &str,
    expected: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    match config.lookup(key, var) {
        None => Ok(None),
        Some((v, origin)) => match parse(v.trim()) {
            Some(t) => Ok(Some(t)),
            None => Err(invalid(&origin, key, &v, expected)),
        },
    }
}

/// botocore's `InvalidConfigError` wording, with where the value was found.
pub(crate) fn invalid(origin: &str, key: &str, value: &str, expected: &str) -> Error {
    Error::new(
        ErrorKind::InvalidConfig,
        format!("{origin}: invalid value {value:?} for {key}: expected {expected}"),
    )
}
