//! botocore's `defaults_mode` (`Config(defaults_mode=…)`, `AWS_DEFAULTS_MODE`, profile
//! `defaults_mode`): a named set of default values from botocore's
//! `data/sdk-default-configuration.json`, used only for settings the user left unset.
//!
//! | mode | retry_mode | sts_regional_endpoints | s3 us_east_1_regional_endpoint | connect timeout |
//! | --- | --- | --- | --- | --- |
//! | `legacy` (default) | — | — | — | — |
//! | `standard` | standard | regional | regional | 3.1 s |
//! | `in-region` | standard | regional | regional | 1.1 s |
//! | `cross-region` | standard | regional | regional | 3.1 s |
//! | `mobile` | standard | regional | regional | 30 s |
//!
//! `auto` becomes `in-region` or `cross-region` by comparing the client's region with the
//! region the code runs in (`AWS_REGION` / `AWS_DEFAULT_REGION` when `AWS_EXECUTION_ENV` is
//! set, else the instance-metadata region unless IMDS is disabled), and `standard` when that
//! region is unknown, as botocore's `SmartDefaultsConfigStoreFactory.resolve_auto_mode` does.

use super::resolved::Regional;
use super::{Env, ImdsSettings, RetryMode};
use std::time::Duration;

/// botocore's `defaults_mode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DefaultsMode {
    /// No mode defaults (botocore's default).
    #[default]
    Legacy,
    Standard,
    InRegion,
    CrossRegion,
    Mobile,
    /// Chooses `in-region`, `cross-region` or `standard` from where the code runs.
    Auto,
}

impl DefaultsMode {
    pub(crate) const EXPECTED: &'static str =
        "one of legacy, auto, standard, in-region, cross-region, mobile";

    /// A mode name, in any case (botocore lowercases it).
    pub fn parse(s: &str) -> Option<DefaultsMode> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "legacy" => DefaultsMode::Legacy,
            "standard" => DefaultsMode::Standard,
            "in-region" => DefaultsMode::InRegion,
            "cross-region" => DefaultsMode::CrossRegion,
            "mobile" => DefaultsMode::Mobile,
            "auto" => DefaultsMode::Auto,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DefaultsMode::Legacy => "legacy",
            DefaultsMode::Standard => "standard",
            DefaultsMode::InRegion => "in-region",
            DefaultsMode::CrossRegion => "cross-region",
            DefaultsMode::Mobile => "mobile",
            DefaultsMode::Auto => "auto",
        }
    }
}

/// The values a resolved mode supplies (none for `legacy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ModeDefaults {
    /// The mode after `auto` was resolved.
    pub mode: DefaultsMode,
    pub retry_mode: Option<RetryMode>,
    pub sts_regional_endpoints: Option<Regional>,
    pub s3_us_east_1_regional_endpoint: Option<Regional>,
    pub connect_timeout: Option<Duration>,
}

impl ModeDefaults {
    /// The values of a mode other than `auto` (which must be resolved first).
    pub(crate) fn of(mode: DefaultsMode) -> ModeDefaults {
        // sdk-default-configuration.json: `base`, then each mode's overrides.
        let connect_ms = match mode {
            DefaultsMode::Legacy | DefaultsMode::Auto => return ModeDefaults::default(),
            DefaultsMode::InRegion => 1_100,
            DefaultsMode::Standard | DefaultsMode::CrossRegion => 3_100,
            DefaultsMode::Mobile => 30_000,
        };
        ModeDefaults {
            mode,
            retry_mode: Some(RetryMode::Standard),
            sts_regional_endpoints: Some(Regional::Regional),
            s3_us_east_1_regional_endpoint: Some(Regional::Regional),
            connect_timeout: Some(Duration::from_millis(connect_ms)),
        }
    }
}

/// Where the code runs, as far as the environment says: `AWS_REGION`, else
/// `AWS_DEFAULT_REGION`, but only in an AWS execution environment (Lambda, ECS…).
pub(crate) fn execution_region(env: &Env) -> Option<String> {
    env.get("AWS_EXECUTION_ENV")?;
    env.get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
}

/// `auto` resolved against `current_region` (where the code runs, if known).
pub(crate) fn auto_mode(client_region: Option<&str>, current_region: Option<&str>) -> DefaultsMode {
    match current_region {
        Some(current) if client_region == Some(current) => DefaultsMode::InRegion,
        Some(_) => DefaultsMode::CrossRegion,
        None => DefaultsMode::Standard,
    }
}

/// The instance-metadata region, bounded by the metadata settings' timeout (1 s per request by
/// default, two requests); `None` when disabled or unreachable.
pub(crate) async fn imds_region(settings: ImdsSettings) -> Option<String> {
    let budget = settings.timeout * 2 * (settings.attempts + 1);
    let provider = crate::credentials::imds::ImdsProvider::new(settings);
    tokio::time::timeout(budget, provider.region())
        .await
        .ok()
        .flatten()
}

/// [`imds_region`] for callers without an executor (the builder, `load_sync`): on a thread
/// of its own with a one-thread runtime, so that it neither needs nor blocks the caller's
/// executor's reactor.
pub(crate) fn imds_region_blocking(settings: ImdsSettings) -> Option<String> {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?
            .block_on(imds_region(settings))
    })
    .join()
    .ok()
    .flatten()
}
