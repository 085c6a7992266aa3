//! Client configuration, resolved the way botocore resolves it: an explicit value (the
//! builder) wins over the environment, which wins over the selected profile of the shared
//! config files (`~/.aws/config`, `~/.aws/credentials`, see [`crate::profile`]).
//!
//! [`Config::load`] snapshots the process environment, reads the profile files, parses every
//! setting once into typed values (so a typo in `max_attempts` fails at load, naming the file
//! and line, or the variable)
//! and installs the default credential chain ([`crate::credentials::DefaultChain`]), which
//! resolves lazily on the first signed request and caches what it finds.
//!
//! | setting | environment | profile key |
//! | --- | --- | --- |
//! | region | `AWS_REGION`, `AWS_DEFAULT_REGION` | `region` |
//! | retry mode / max attempts | `AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS` | `retry_mode`, `max_attempts` |
//! | endpoint URL | `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL` | `services` → `[services x]`, `endpoint_url` |
//! | ignore those | `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` | `ignore_configured_endpoint_urls` |
//! | CA bundle | `AWS_CA_BUNDLE` | `ca_bundle` |
//! | proxies | `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (or lowercase) | — |
//! | FIPS / dual-stack | `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` | `use_fips_endpoint`, `use_dualstack_endpoint` |
//! | S3 addressing style, payload signing | — | `s3 =` / `addressing_style`, `payload_signing_enabled` |
//! | defaults mode ([`DefaultsMode`]) | `AWS_DEFAULTS_MODE` | `defaults_mode` |
//! | IMDS | `AWS_EC2_METADATA_*`, `AWS_METADATA_SERVICE_*` | `ec2_metadata_*`, `metadata_service_*` |
//! | profile | `AWS_DEFAULT_PROFILE`, `AWS_PROFILE` | — |

use crate::credentials::{self, ProvideCredentials, SharedCredentialsProvider};
use crate::error::{Error, ErrorKind};
use crate::http::{HttpSettings, SharedConnector};
use crate::profile::{FileLocations, Platform, ProfileSet, Section};
use crate::schema::Protocol;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

mod account_id;
mod builder;
mod client_context;
mod defaults_mode;
mod payload_signing;
mod resolved;
mod settings;
pub(crate) use account_id::endpoint_account_id;
pub use builder::ConfigBuilder;
pub(crate) use client_context::bind_client_context_params;
pub use defaults_mode::DefaultsMode;
use defaults_mode::ModeDefaults;
pub use payload_signing::{s3_should_sign_payload, PayloadSigningInput};
pub(crate) use resolved::Regional;
use resolved::Resolved;
pub use settings::{ImdsEndpointMode, ImdsSettings, RetryMode, S3AddressingStyle};

/// A captured environment: variables are read through it, never from the live process
/// environment after load.
#[derive(Clone)]
pub struct Env(Arc<LookupFn>);

type LookupFn = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Env {
    /// A snapshot of the process environment.
    pub fn process() -> Env {
        let map: HashMap<String, String> = std::env::vars().collect();
        Env::from_map(map)
    }

    pub fn from_map(map: HashMap<String, String>) -> Env {
        Env(Arc::new(move |k| map.get(k).cloned()))
    }

    pub fn from_fn(f: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Env {
        Env(Arc::new(f))
    }

    /// The variable, `None` when unset or empty.
    pub fn get(&self, key: &str) -> Option<String> {
        (self.0)(key).filter(|v| !v.is_empty())
    }
}

impl Default for Env {
    fn default() -> Self {
        Env(Arc::new(|_| None))
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Env")
    }
}

/// Values given explicitly through [`ConfigBuilder`]; they win over everything else.
#[derive(Clone, Debug, Default)]
pub(crate) struct Explicit {
    pub endpoint_url: Option<String>,
    pub ignore_configured_endpoint_urls: Option<bool>,
    pub retry_mode: Option<RetryMode>,
    pub max_attempts: Option<u32>,
    pub use_fips: Option<bool>,
    pub use_dualstack: Option<bool>,
    pub s3_addressing_style: Option<S3AddressingStyle>,
    pub imds_endpoint: Option<String>,
    pub imds_endpoint_mode: Option<String>,
    pub user_agent: Option<String>,
    pub user_agent_extra: Option<String>,
    pub user_agent_appid: Option<String>,
    pub parameter_validation: Option<bool>,
    pub inject_host_prefix: Option<bool>,
    pub disable_request_compression: Option<bool>,
    pub request_min_compression_size_bytes: Option<u64>,
    pub s3_use_accelerate_endpoint: Option<bool>,
    pub s3_use_arn_region: Option<bool>,
    pub s3_us_east_1_regional_endpoint: Option<bool>,
    pub auth_scheme_preference: Option<Vec<String>>,
    pub request_checksum_calculation: Option<ChecksumWhen>,
    pub response_checksum_validation: Option<ChecksumWhen>,
    pub defaults_mode: Option<DefaultsMode>,
    pub connect_timeout: Option<Duration>,
    pub s3_payload_signing_enabled: Option<bool>,
    /// botocore's `client_context_params`, by snake_case name.
    pub client_context_params: Vec<(String, crate::endpoint::ParamValue)>,
}

/// botocore's `request_checksum_calculation` / `response_checksum_validation` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChecksumWhen {
    /// Whenever the operation supports it (botocore's default).
    #[default]
    WhenSupported,
    /// Only when the operation requires it, or the caller asked (algorithm or mode set).
    WhenRequired,
}

/// Settings shared by every client made from it. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    /// An explicit bearer token (botocore's `auth_token`); without one, bearer-auth services
    /// read `AWS_BEARER_TOKEN_<SIGNING NAME>` from the environment.
    pub(crate) auth_token: Option<crate::credentials::AuthToken>,
    /// botocore's `signature_version=UNSIGNED`: no request is signed and no credential or
    /// token provider is asked.
    pub(crate) anonymous: bool,
    /// The global endpoint URL: explicit, else `AWS_ENDPOINT_URL`, else the profile's
    /// `endpoint_url` (none when configured endpoints are ignored). See
    /// [`Config::endpoint_url_for`] for the per-service URL.
    pub(crate) endpoint_url: Option<String>,
    pub(crate) http: HttpSettings,
    pub(crate) protocol: Option<Protocol>,
    pub(crate) env: Env,
    pub(crate) profiles: Arc<ProfileSet>,
    pub(crate) profile_name: String,
    pub(crate) explicit: Explicit,
    /// The environment's and profile's settings, parsed at load.
    pub(crate) resolved: Resolved,
    /// The values of the resolved `defaults_mode`, for settings set nowhere else.
    pub(crate) mode: ModeDefaults,
    /// The instance-metadata region `defaults_mode = auto` asked for, once per config lineage
    /// (botocore caches it on its factory too).
    pub(crate) imds_region: Arc<OnceLock<Option<String>>>,
    /// Sends the requests of clients made from this config; `None`: rboto's own HTTP client.
    pub(crate) connector: Option<SharedConnector>,
    /// Answers the calls of clients made from this config instead of the pipeline, in tests.
    #[cfg(feature = "test-util")]
    pub(crate) stubber: Option<crate::stub::Stubber>,
    /// rboto's own HTTP client when no connector is given, made by the first client and then
    /// shared — with its connection pool — by every client made from this config or its
    /// clones, the credential providers' STS and SSO clients included. (A config rebuilt
    /// through [`ConfigBuilder`] may have other HTTP settings, so it gets its own.)
    pub(crate) default_http: Arc<OnceLock<Result<SharedConnector, String>>>,
}

/// Loads a [`Config`] with options: an explicit profile, or a given environment.
#[derive(Default)]
pub struct ConfigLoader {
    profile: Option<String>,
    env: Option<Env>,
    mfa: Option<credentials::MfaTokenProvider>,
}

impl fmt::Debug for ConfigLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigLoader")
            .field("profile", &self.profile)
            .finish()
    }
}

impl ConfigLoader {
    /// Selects a profile explicitly (boto3's `Session(profile_name=...)`): it must exist, and
    /// environment-variable credentials are then not used (as in botocore).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads variables from `env` instead of the process environment.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Asks `mfa` for the current token code when an assume-role profile names an
    /// `mfa_serial` (botocore's `mfa_prompter`).
    pub fn mfa_token_provider(mut self, mfa: credentials::MfaTokenProvider) -> Self {
        self.mfa = Some(mfa);
        self
    }

    pub async fn load(self) -> Result<Config, Error> {
        self.load_boxed().await
    }

    /// The loading future behind a `dyn` pointer, made here: an `async fn`'s state machine is
    /// compiled into every crate that awaits it, and this one reaches the IMDS client and the
    /// whole HTTP stack. Boxed in a function that is never inlined, it is compiled once, in
    /// rboto (a user's 20-line program took 4 s longer to build without this).
    #[inline(never)]
    fn load_boxed(self) -> Pin<Box<dyn Future<Output = Result<Config, Error>> + Send>> {
        Box::pin(self.load_unboxed())
    }

    async fn load_unboxed(self) -> Result<Config, Error> {
        let env = self.env.unwrap_or_else(Env::process);
        let (profile, mfa) = (self.profile, self.mfa);
        // The files are read with blocking I/O: on tokio's blocking pool when there is one, so
        // the caller's runtime thread is not held up by a slow home directory.
        let mut config = match tokio::runtime::Handle::try_current() {
            Ok(_) => crate::__private::blocking::spawn_blocking(move || {
                Config::resolve(env, profile, mfa)
            })
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("reading the configuration files failed: {e}"),
                )
            })??,
            Err(_) => Config::resolve(env, profile, mfa)?,
        };
        if let Some(imds) = config.imds_region_wanted() {
            let region = defaults_mode::imds_region(imds).await;
            let _ = config.imds_region.set(region);
        }
        config.settle_defaults_mode();
        Ok(config)
    }

    /// Loads without an executor (reads small files with blocking I/O; `defaults_mode = auto`
    /// may ask the instance-metadata service on a thread of its own, bounded by its timeout).
    pub fn load_sync(self) -> Result<Config, Error> {
        let env = self.env.unwrap_or_else(Env::process);
        let mut config = Config::resolve(env, self.profile, self.mfa)?;
        config.settle_defaults_mode_blocking();
        Ok(config)
    }
}

const INVALID_CONFIG: ErrorKind = ErrorKind::InvalidConfig;

impl Config {
    /// `self.clone()`, compiled once. The derived `clone` is `#[inline]`, and a config's clone
    /// is several KiB of machine code wherever it is inlined; callers outside the hot path
    /// (the credential chain, the providers' STS and SSO clients) share this copy.
    #[inline(never)]
    pub(crate) fn clone_out_of_line(&self) -> Config {
        self.clone()
    }

    /// Loads configuration the way boto3 does: environment variables, then the selected profile
    /// of `~/.aws/config` and `~/.aws/credentials`; credentials from the default chain.
    pub async fn load() -> Result<Config, Error> {
        Config::loader().load().await
    }

    /// A loader with options (explicit profile, environment).
    pub fn loader() -> ConfigLoader {
        ConfigLoader::default()
    }

    /// Like [`Config::load`], reading variables through `lookup`. The variables rboto knows
    /// are captured now; service-specific `AWS_ENDPOINT_URL_<SERVICE>` variables are captured
    /// for botocore's service ids (use [`Config::loader`] with [`Env::from_fn`] to keep the
    /// whole lookup).
    pub fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let mut map = HashMap::new();
        let mut capture = |k: &str| {
            if let Some(v) = lookup(k) {
                map.insert(k.to_string(), v);
            }
        };
        for k in settings::KNOWN_VARIABLES {
            capture(k);
        }
        for sid in settings::KNOWN_SERVICE_IDS {
            capture(&settings::service_env_var(sid));
        }
        let mut config = Config::resolve(Env::from_map(map), None, None)?;
        config.settle_defaults_mode_blocking();
        Ok(config)
    }

    fn resolve(
        env: Env,
        explicit_profile: Option<String>,
        mfa: Option<credentials::MfaTokenProvider>,
    ) -> Result<Config, Error> {
        let lookup = |k: &str| env.get(k);
        let locations = FileLocations::resolve(&lookup, Platform::current());
        let profiles = ProfileSet::load(&locations)?;
        let profile_name = explicit_profile
            .clone()
            .unwrap_or_else(|| locations.profile.clone());
        // botocore: a profile named explicitly or by the environment must exist.
        if (explicit_profile.is_some() || locations.profile_from_env)
            && profiles.profile(&profile_name).is_none()
        {
            return Err(profile_not_found(&profile_name, &profiles));
        }
        let mut config = Config {
            env: env.clone(),
            profiles: Arc::new(profiles),
            profile_name,
            ..Config::default()
        };
        config.region = env
            .get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .or_else(|| config.profile_value("region").map(str::to_string));
        // Every setting is parsed now: a bad value fails the load, naming where it is.
        config.resolved = Resolved::read(&config)?;
        config.http.ca_bundle = config.resolve_ca_bundle();
        config.http.tcp_keepalive = config.resolved.tcp_keepalive.unwrap_or(false);
        config.http.proxies = crate::http::ProxySettings::from_env(&env)?;
        config.services_section()?;
        config.endpoint_url = config.configured_global_endpoint();
        let mut chain = credentials::DefaultChain::new(&config, explicit_profile.is_some());
        if let Some(mfa) = mfa {
            chain = chain.with_mfa_token_provider(mfa);
        }
        config.credentials = Some(Arc::new(credentials::CachingProvider::new(chain)));
        Ok(config)
    }

    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::starting_from(Config::default())
    }

    /// A builder starting from this configuration.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder::starting_from(self.clone())
    }

    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The region, or botocore's `NoRegionError` wording.
    pub fn require_region(&self) -> Result<&str, Error> {
        self.region().ok_or_else(|| {
            Error::new(
                ErrorKind::NoRegion,
                format!(
                    "You must specify a region: set AWS_REGION or AWS_DEFAULT_REGION, or \
                     `region` in profile `{}`{}",
                    self.profile_name,
                    self.sources_note()
                ),
            )
        })
    }

    /// The global endpoint URL (explicit, `AWS_ENDPOINT_URL` or the profile's `endpoint_url`).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The endpoint URL for one service, in botocore's order: explicit; then, unless
    /// configured endpoints are ignored, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the
    /// service's `endpoint_url` in the profile's `[services x]` section, the profile's
    /// `endpoint_url`. `service_id` is the model's `serviceId` (`S3`, `Secrets Manager`) or a
    /// client name (`s3`, `secretsmanager` → not the same: use the service id).
    pub fn endpoint_url_for(&self, service_id: &str) -> Option<String> {
        if let Some(u) = &self.explicit.endpoint_url {
            return Some(u.clone());
        }
        if self.ignore_configured_endpoint_urls() {
            return None;
        }
        if let Some(u) = self.env.get(&settings::service_env_var(service_id)) {
            return Some(u);
        }
        if let Some(u) = self.env.get("AWS_ENDPOINT_URL") {
            return Some(u);
        }
        if let Ok(Some(services)) = self.services_section() {
            let key = settings::snake_service_id(service_id);
            if let Some(u) = services.sub_properties(&key).remove("endpoint_url") {
                if !u.is_empty() {
                    return Some(u);
                }
            }
        }
        self.profile_value("endpoint_url").map(str::to_string)
    }

    fn configured_global_endpoint(&self) -> Option<String> {
        if let Some(u) = &self.explicit.endpoint_url {
            return Some(u.clone());
        }
        if self.ignore_configured_endpoint_urls() {
            return None;
        }
        self.env
            .get("AWS_ENDPOINT_URL")
            .or_else(|| self.profile_value("endpoint_url").map(str::to_string))
    }

    /// `ignore_configured_endpoint_urls`: explicit, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`,
    /// profile.
    pub fn ignore_configured_endpoint_urls(&self) -> bool {
        self.explicit
            .ignore_configured_endpoint_urls
            .or(self.resolved.ignore_configured_endpoint_urls)
            .unwrap_or(false)
    }

    /// The `[services x]` section the profile's `services` key names. Naming one that does not
    /// exist is an error (botocore's `InvalidConfigError`).
    pub fn services_section(&self) -> Result<Option<&Section>, Error> {
        let Some(name) = self.profile_value("services") else {
            return Ok(None);
        };
        match self.profiles.services(name) {
            Some(s) => Ok(Some(s)),
            None => Err(Error::new(
                INVALID_CONFIG,
                format!(
                    "profile `{}` uses the services section \"{name}\" (key `services`), but no \
                     [services {name}] section exists{}",
                    self.profile_name,
                    self.sources_note()
                ),
            )),
        }
    }

    /// `retry_mode`: explicit, `AWS_RETRY_MODE`, profile, the `defaults_mode`'s; botocore's
    /// default is `standard`.
    pub fn retry_mode(&self) -> RetryMode {
        self.explicit
            .retry_mode
            .or(self.resolved.retry_mode)
            .or(self.mode.retry_mode)
            .unwrap_or_default()
    }

    /// `max_attempts` (total attempts, first included): explicit, `AWS_MAX_ATTEMPTS`, profile;
    /// `None` means the retry mode's default.
    pub fn max_attempts(&self) -> Option<u32> {
        self.explicit.max_attempts.or(self.resolved.max_attempts)
    }

    /// `use_fips_endpoint`: explicit, `AWS_USE_FIPS_ENDPOINT`, profile.
    pub fn use_fips(&self) -> bool {
        self.explicit
            .use_fips
            .or(self.resolved.use_fips)
            .unwrap_or(false)
    }

    /// `use_dualstack_endpoint`: explicit, `AWS_USE_DUALSTACK_ENDPOINT`, profile.
    pub fn use_dualstack(&self) -> bool {
        self.explicit
            .use_dualstack
            .or(self.resolved.use_dualstack)
            .unwrap_or(false)
    }

    /// `disable_request_compression`: explicit, `AWS_DISABLE_REQUEST_COMPRESSION`, profile;
    /// off unless set.
    pub fn disable_request_compression(&self) -> bool {
        self.explicit
            .disable_request_compression
            .or(self.resolved.disable_request_compression)
            .unwrap_or(false)
    }

    /// `request_min_compression_size_bytes`: explicit, `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`,
    /// profile; botocore's default 10,240, valid from 0 to 10,485,760 (a configured value out
    /// of that range fails the load).
    pub fn request_min_compression_size_bytes(&self) -> u64 {
        self.explicit
            .request_min_compression_size_bytes
            .or(self.resolved.request_min_compression_size_bytes)
            .unwrap_or(10_240)
    }

    /// botocore's `user_agent`: replaces rboto's own `User-Agent` (the extra text is still
    /// appended).
    pub fn user_agent_override(&self) -> Option<&str> {
        self.explicit.user_agent.as_deref()
    }

    /// botocore's `user_agent_extra`: appended to the `User-Agent` as it is.
    pub fn user_agent_extra(&self) -> Option<&str> {
        self.explicit.user_agent_extra.as_deref()
    }

    /// botocore's `user_agent_appid`: explicit, `AWS_SDK_UA_APP_ID`, profile `sdk_ua_app_id`.
    pub fn user_agent_appid(&self) -> Option<String> {
        self.explicit
            .user_agent_appid
            .clone()
            .or_else(|| self.resolved.user_agent_appid.clone())
    }

    /// botocore's `parameter_validation`: on unless turned off in code. Off, inputs go to the
    /// service unchecked (a missing required member is the service's error to report).
    pub fn parameter_validation(&self) -> bool {
        self.explicit.parameter_validation.unwrap_or(true)
    }

    /// botocore's `inject_host_prefix`: explicit, else off when
    /// `AWS_DISABLE_HOST_PREFIX_INJECTION` / `disable_host_prefix_injection` is true; on by
    /// default. Off, operations with an `endpoint.hostPrefix` go to the plain endpoint host.
    pub fn inject_host_prefix(&self) -> bool {
        match self.explicit.inject_host_prefix {
            Some(b) => b,
            None => !self.resolved.disable_host_prefix_injection.unwrap_or(false),
        }
    }

    /// botocore's `auth_scheme_preference`: explicit, `AWS_AUTH_SCHEME_PREFERENCE`, profile;
    /// scheme names without namespace (`sigv4`, `httpBearerAuth`, `noAuth`), most preferred
    /// first. Empty unless set.
    pub fn auth_scheme_preference(&self) -> Vec<String> {
        self.explicit
            .auth_scheme_preference
            .as_ref()
            .or(self.resolved.auth_scheme_preference.as_ref())
            .cloned()
            .unwrap_or_default()
    }

    /// `request_checksum_calculation`: explicit, `AWS_REQUEST_CHECKSUM_CALCULATION`, profile;
    /// `when_supported` unless set.
    pub fn request_checksum_calculation(&self) -> ChecksumWhen {
        self.explicit
            .request_checksum_calculation
            .or(self.resolved.request_checksum_calculation)
            .unwrap_or_default()
    }

    /// `response_checksum_validation`: explicit, `AWS_RESPONSE_CHECKSUM_VALIDATION`, profile;
    /// `when_supported` unless set.
    pub fn response_checksum_validation(&self) -> ChecksumWhen {
        self.explicit
            .response_checksum_validation
            .or(self.resolved.response_checksum_validation)
            .unwrap_or_default()
    }

    /// S3's `addressing_style` (profile `s3 =` sub-property): `auto` unless set.
    pub fn s3_addressing_style(&self) -> S3AddressingStyle {
        self.explicit
            .s3_addressing_style
            .or(self.resolved.s3_addressing_style)
            .unwrap_or_default()
    }

    /// S3 Transfer Acceleration (`s3 = use_accelerate_endpoint`): off unless set.
    pub fn s3_use_accelerate_endpoint(&self) -> bool {
        self.explicit
            .s3_use_accelerate_endpoint
            .or(self.resolved.s3_use_accelerate_endpoint)
            .unwrap_or(false)
    }

    /// `s3_use_arn_region` (`AWS_S3_USE_ARN_REGION`); `None`: unset (S3's default is on).
    pub fn s3_use_arn_region(&self) -> Option<bool> {
        self.explicit
            .s3_use_arn_region
            .or(self.resolved.s3_use_arn_region)
    }

    /// `s3_disable_multiregion_access_points` (`AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS`).
    pub fn s3_disable_multiregion_access_points(&self) -> bool {
        self.resolved
            .s3_disable_multiregion_access_points
            .unwrap_or(false)
    }

    /// S3 in us-east-1: the regional endpoint (`Some(true)`, botocore's `regional`) or the
    /// global one (`Some(false)`, `legacy`); explicit, `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT`,
    /// profile `s3 = us_east_1_regional_endpoint`, the `defaults_mode`'s. `None`: botocore's
    /// legacy default (global in us-east-1).
    pub fn s3_us_east_1_regional_endpoint(&self) -> Option<bool> {
        self.explicit.s3_us_east_1_regional_endpoint.or_else(|| {
            self.resolved
                .s3_us_east_1_regional_endpoint
                .or(self.mode.s3_us_east_1_regional_endpoint)
                .map(|r| r == Regional::Regional)
        })
    }

    /// `sts_regional_endpoints`: `AWS_STS_REGIONAL_ENDPOINTS`, profile, the `defaults_mode`'s;
    /// `true` for `regional`, botocore 1.44's default.
    pub fn sts_regional_endpoints(&self) -> bool {
        self.resolved
            .sts_regional_endpoints
            .or(self.mode.sts_regional_endpoints)
            .unwrap_or(Regional::Regional)
            == Regional::Regional
    }

    /// `account_id_endpoint_mode` (`AWS_ACCOUNT_ID_ENDPOINT_MODE`): `preferred`, `required`
    /// or `disabled`; `preferred` unless set.
    pub fn account_id_endpoint_mode(&self) -> &str {
        self.resolved
            .account_id_endpoint_mode
            .as_deref()
            .unwrap_or("preferred")
    }

    /// S3's `payload_signing_enabled` (`s3 = payload_signing_enabled`): whether S3 requests
    /// over HTTPS sign their payload's SHA-256. `None`: botocore's choice by request (see
    /// [`crate::config::s3_should_sign_payload`]).
    pub fn s3_payload_signing_enabled(&self) -> Option<bool> {
        self.explicit
            .s3_payload_signing_enabled
            .or(self.resolved.s3_payload_signing_enabled)
    }

    /// The `defaults_mode` in force, `auto` already resolved to the mode it chose; `legacy`
    /// unless set.
    pub fn defaults_mode(&self) -> DefaultsMode {
        self.mode.mode
    }

    /// The connect timeout clients made from this config use: explicit
    /// ([`ConfigBuilder::connect_timeout`] or [`HttpSettings::connect_timeout`]), else the
    /// `defaults_mode`'s, else botocore's 60 s.
    pub fn connect_timeout(&self) -> Duration {
        self.http.connect_timeout
    }

    /// botocore's `client_context_params` given in code, by snake_case name.
    pub fn client_context_params(&self) -> &[(String, crate::endpoint::ParamValue)] {
        &self.explicit.client_context_params
    }

    /// The metadata settings to ask for the region with, when `defaults_mode = auto` needs it
    /// and it has not been asked yet.
    fn imds_region_wanted(&self) -> Option<ImdsSettings> {
        let mode = self
            .explicit
            .defaults_mode
            .or(self.resolved.defaults_mode)
            .unwrap_or_default();
        if mode != DefaultsMode::Auto
            || defaults_mode::execution_region(&self.env).is_some()
            || self.imds_region.get().is_some()
        {
            return None;
        }
        // botocore gives up on the IMDS region for any error, settings included.
        match self.imds_settings() {
            Ok(s) if !s.disabled => Some(s),
            _ => {
                let _ = self.imds_region.set(None);
                None
            }
        }
    }

    fn settle_defaults_mode_blocking(&mut self) {
        if let Some(imds) = self.imds_region_wanted() {
            let _ = self
                .imds_region
                .set(defaults_mode::imds_region_blocking(imds));
        }
        self.settle_defaults_mode();
    }

    /// Resolves `defaults_mode` (explicit, `AWS_DEFAULTS_MODE`, profile) and applies its
    /// connect timeout unless one was given.
    fn settle_defaults_mode(&mut self) {
        let mode = self
            .explicit
            .defaults_mode
            .or(self.resolved.defaults_mode)
            .unwrap_or_default();
        let mode = match mode {
            DefaultsMode::Auto => {
                let current = defaults_mode::execution_region(&self.env)
                    .or_else(|| self.imds_region.get().cloned().flatten());
                defaults_mode::auto_mode(self.region(), current.as_deref())
            }
            m => m,
        };
        self.mode = ModeDefaults::of(mode);
        self.http.connect_timeout = self
            .explicit
            .connect_timeout
            .or(self.mode.connect_timeout)
            .unwrap_or(HttpSettings::default().connect_timeout);
    }

    /// The CA bundle: explicit ([`HttpSettings::ca_bundle`]), `AWS_CA_BUNDLE`, profile
    /// `ca_bundle`.
    pub fn ca_bundle(&self) -> Option<&std::path::Path> {
        self.http.ca_bundle.as_deref()
    }

    fn resolve_ca_bundle(&self) -> Option<PathBuf> {
        if let Some(p) = &self.http.ca_bundle {
            return Some(p.clone());
        }
        let lookup = |k: &str| self.env.get(k);
        self.lookup("ca_bundle", "AWS_CA_BUNDLE")
            .and_then(|(v, _)| {
                crate::profile::expand_home(&v, &lookup, Platform::current()).map(PathBuf::from)
            })
    }

    /// The instance-metadata settings (endpoint, mode, v1 fallback, timeout, attempts).
    pub fn imds_settings(&self) -> Result<ImdsSettings, Error> {
        ImdsSettings::resolve(
            &|k| self.env.get(k),
            self.profile(),
            self.explicit.imds_endpoint.as_deref(),
            self.explicit.imds_endpoint_mode.as_deref(),
        )
    }

    /// The selected profile's name (`default` unless chosen).
    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The selected profile, if the files define it.
    pub fn profile(&self) -> Option<&Section> {
        self.profiles.profile(&self.profile_name)
    }

    /// Everything the profile files define.
    pub fn profiles(&self) -> &ProfileSet {
        &self.profiles
    }

    /// The captured environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Whether clients made from this config send requests unsigned
    /// ([`ConfigBuilder::anonymous`]).
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    pub fn credentials_provider(&self) -> Option<&SharedCredentialsProvider> {
        self.credentials.as_ref()
    }

    /// Resolves credentials now and reports where they came from (boto3's
    /// `session.get_credentials()`): provider, access key id, whether a session token is
    /// present and the expiry. The secret and token are never shown.
    pub async fn inspect_credentials(&self) -> Result<credentials::CredentialsInfo, Error> {
        let provider = self.credentials.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::NoCredentials,
                "Unable to locate credentials: no credential provider is configured",
            )
        })?;
        let c = provider.provide_credentials().await?;
        Ok(credentials::CredentialsInfo::from(&c))
    }

    pub fn http(&self) -> &HttpSettings {
        &self.http
    }

    fn profile_value(&self, key: &str) -> Option<&str> {
        self.profile()?.get_nonempty(key)
    }

    /// A setting from the environment variable, else the profile, with where it came from. A
    /// `parent.sub` key names a sub-property (`s3.us_east_1_regional_endpoint` is
    /// `us_east_1_regional_endpoint` under the profile's `s3 =`).
    pub(crate) fn lookup(&self, key: &str, var: &str) -> Option<(String, String)> {
        if let Some(v) = self.env.get(var) {
            return Some((v, format!("environment variable {var}")));
        }
        let (value, line_key) = match key.split_once('.') {
            Some((parent, sub)) => {
                let subs = self.profile()?.sub_properties(parent);
                (subs.get(sub).filter(|v| !v.is_empty())?.clone(), parent)
            }
            None => (self.profile_value(key)?.to_string(), key),
        };
        let origin = match self.profile().and_then(|p| p.origin(line_key)) {
            Some(at) => format!("{at}: profile `{}`, key `{key}`", self.profile_name),
            None => format!("{}, key `{key}`", self.profile_origin()),
        };
        Some((value, origin))
    }

    fn profile_origin(&self) -> String {
        format!("profile `{}`{}", self.profile_name, self.sources_note())
    }

    fn sources_note(&self) -> String {
        if self.profiles.sources.is_empty() {
            String::new()
        } else {
            let files: Vec<String> = self
                .profiles
                .sources
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            format!(" (files: {})", files.join(", "))
        }
    }
}

fn profile_not_found(name: &str, profiles: &ProfileSet) -> Error {
    let files: Vec<String> = profiles
        .sources
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let known: Vec<&str> = profiles.profiles.keys().map(String::as_str).collect();
    Error::new(
        ErrorKind::InvalidConfig,
        format!(
            "The config profile ({name}) could not be found (looked in: {}; profiles defined: {})",
            if files.is_empty() {
                "no files: no home directory".to_string()
            } else {
                files.join(", ")
            },
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ),
    )
}

/// botocore's metadata-service defaults.
pub(crate) const IMDS_DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
