//! Endpoint resolution: botocore's rule-set engine, written once for every service.
//!
//! Every service model ships an `endpoint-rule-set-1.json`: typed parameters (with defaults,
//! `required` and `builtIn` sources) and a tree of rules whose conditions call a small standard
//! library (`isSet`, `stringEquals`, `aws.partition`, `aws.parseArn`, `parseURL`, …). The first
//! rule whose conditions hold yields an endpoint (URL, headers, properties such as
//! `authSchemes`) or an error message. The partition table (`partitions.json`, embedded here)
//! maps a region to its DNS suffixes and capabilities.
//!
//! rboto interprets rule sets at run time, exactly as botocore's `endpoint_provider.py` does,
//! but compiles each one first ([`RuleSet::from_json`]): parameter and `assign` names become
//! slots in a flat scope vector, templates such as `https://{Region}.{PartitionResult#dnsSuffix}`
//! are pre-split into literal and variable parts, `getAttr` paths are pre-parsed, and function
//! names become an enum (an unknown function is a compile-time [`EndpointError::Unsupported`]).
//! A service's rule set is compiled once per process ([`ruleset_for`]) and then evaluated per
//! request without touching JSON.
//!
//! # Use from the request pipeline
//!
//! ```no_run
//! # fn demo(service: &'static rboto::__private::schema::Service, op: &'static rboto::__private::schema::Operation,
//! #         input: &rboto::Value) -> Result<(), rboto::endpoint::EndpointError> {
//! use rboto::endpoint::{self, EndpointConfig};
//! let cfg = EndpointConfig { region: Some("us-west-2".into()), ..Default::default() };
//! endpoint::check_config(&cfg)?;                         // NoRegion / invalid region, once per client
//! let rules = endpoint::ruleset_for(service)?;            // compiled once per process
//! let params = endpoint::params_for(rules, service, op, &cfg, input)?; // per request
//! let resolved = rules.resolve(&params)?;                 // per request
//! // resolved.url: scheme://host[/path] to which the operation's request URI is appended;
//! // resolved.headers: added to the request; resolved.auth_schemes[0]: signing name/region.
//! # let _ = resolved; Ok(()) }
//! ```
//!
//! Semantics follow botocore 1.44.5 where it differs from the Smithy specification: a tree rule
//! with no matching child falls through to its next sibling, `aws.partition` falls back to the
//! first partition, and a partition matches a region listed in it or matching its regex.

mod arn;
mod eval;
mod functions;
mod params;
mod partitions;
mod regex;
mod ruleset;
mod url;

use std::fmt;
use std::sync::Arc;

pub use params::{check_config, params_for, validate_region, EndpointConfig};
pub use ruleset::{ParamType, Parameter, RuleSet};

/// A value of an endpoint parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamValue {
    String(String),
    Bool(bool),
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The rule-set type this value has.
    pub fn param_type(&self) -> ParamType {
        match self {
            ParamValue::String(_) => ParamType::String,
            ParamValue::Bool(_) => ParamType::Boolean,
            ParamValue::StringArray(_) => ParamType::StringArray,
        }
    }

    /// Converts a JSON value (as in endpoint test cases); `None` for null or other types.
    pub fn from_json(v: &serde_json::Value) -> Option<ParamValue> {
        match v {
            serde_json::Value::String(s) => Some(ParamValue::String(s.clone())),
            serde_json::Value::Bool(b) => Some(ParamValue::Bool(*b)),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::StringArray),
            _ => None,
        }
    }
}

impl From<&str> for ParamValue {
    fn from(s: &str) -> Self {
        ParamValue::String(s.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(s: String) -> Self {
        ParamValue::String(s)
    }
}

impl From<bool> for ParamValue {
    fn from(b: bool) -> Self {
        ParamValue::Bool(b)
    }
}

impl From<Vec<String>> for ParamValue {
    fn from(v: Vec<String>) -> Self {
        ParamValue::StringArray(v)
    }
}

/// Parameter values for one resolution, one slot per parameter of the rule set.
#[derive(Clone, Debug)]
pub struct Params<'r> {
    pub(crate) ruleset: &'r RuleSet,
    pub(crate) values: Vec<Option<ParamValue>>,
}

impl<'r> Params<'r> {
    /// Sets parameter `name`; returns `false` (and ignores the value) when the rule set has no
    /// such parameter.
    pub fn set(&mut self, name: &str, value: impl Into<ParamValue>) -> bool {
        match self.ruleset.param_index(name) {
            Some(i) => {
                self.values[i] = Some(value.into());
                true
            }
            None => false,
        }
    }

    /// Sets parameter `name` only when it has no value yet.
    pub fn set_if_unset(&mut self, name: &str, value: impl Into<ParamValue>) {
        if let Some(i) = self.ruleset.param_index(name) {
            if self.values[i].is_none() {
                self.values[i] = Some(value.into());
            }
        }
    }

    /// The value given for `name` (defaults are applied at resolution, not here).
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.ruleset
            .param_index(name)
            .and_then(|i| self.values[i].as_ref())
    }

    /// The rule set these parameters belong to.
    pub fn ruleset(&self) -> &'r RuleSet {
        self.ruleset
    }

    /// Evaluates the rule set (same as [`RuleSet::resolve`]).
    pub fn resolve(&self) -> Result<ResolvedEndpoint, EndpointError> {
        self.ruleset.resolve(self)
    }
}

/// One entry of an endpoint's `authSchemes` property, as the signer needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthScheme {
    /// `sigv4`, `sigv4a`, `sigv4-s3express`, …
    pub name: String,
    pub signing_name: Option<String>,
    pub signing_region: Option<String>,
    /// `signingRegionSet` (SigV4a).
    pub signing_region_set: Vec<String>,
    /// `disableDoubleEncoding` (S3: sign the path as sent, encoded once).
    pub disable_double_encoding: bool,
}

impl AuthScheme {
    fn from_json(v: &serde_json::Value) -> Option<AuthScheme> {
        let o = v.as_object()?;
        let s = |k: &str| o.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        Some(AuthScheme {
            name: s("name")?,
            signing_name: s("signingName"),
            signing_region: s("signingRegion"),
            signing_region_set: o
                .get("signingRegionSet")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            disable_double_encoding: o
                .get("disableDoubleEncoding")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        })
    }
}

/// The endpoint a rule set resolved to.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedEndpoint {
    /// `scheme://authority[/path]`; the operation's request URI goes after it.
    pub url: String,
    /// Headers to add to the request, in rule-set order.
    pub headers: Vec<(String, Vec<String>)>,
    /// The endpoint's `properties` (including the raw `authSchemes`); shared, since an endpoint
    /// rule yields the same properties for the same region.
    pub properties: Arc<serde_json::Map<String, serde_json::Value>>,
    /// `properties.authSchemes`, parsed, in preference order; empty when the endpoint has none.
    pub auth_schemes: Arc<[AuthScheme]>,
}

impl ResolvedEndpoint {
    /// `properties.authSchemes`, parsed.
    pub(crate) fn parse_auth_schemes(
        properties: &serde_json::Map<String, serde_json::Value>,
    ) -> Arc<[AuthScheme]> {
        properties
            .get("authSchemes")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(AuthScheme::from_json).collect())
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }
}

/// Why an endpoint could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointError {
    /// An error rule matched; the text is the rule's message (e.g.
    /// `Invalid Configuration: Missing Region`).
    Rule(String),
    /// No rule matched the parameters (listed in the message).
    NoMatch(String),
    /// A parameter is missing or has the wrong type.
    Parameter(String),
    /// The rule set is not valid JSON or not a valid rule set.
    InvalidRuleSet(String),
    /// The rule set calls a function this engine does not implement.
    Unsupported(String),
    /// A function was called with arguments of the wrong type during evaluation, or an
    /// assignment would overwrite a variable.
    Evaluation(String),
    /// No region is configured and no endpoint URL makes one unnecessary.
    NoRegion,
    /// The configured region is not a valid host label.
    InvalidRegion(String),
    /// The service has no endpoint rule set.
    NoRuleSet(&'static str),
}

impl EndpointError {
    /// The message alone, as botocore's `EndpointResolutionError` prints it.
    pub fn message(&self) -> String {
        match self {
            EndpointError::Rule(m)
            | EndpointError::NoMatch(m)
            | EndpointError::Parameter(m)
            | EndpointError::Evaluation(m) => m.clone(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::Rule(m) => f.write_str(m),
            EndpointError::NoMatch(m) => f.write_str(m),
            EndpointError::Parameter(m) => f.write_str(m),
            EndpointError::InvalidRuleSet(m) => write!(f, "invalid endpoint rule set: {m}"),
            EndpointError::Unsupported(name) => write!(
                f,
                "unsupported endpoint rule-set function `{name}` (this version of rboto cannot \
                 evaluate it)"
            ),
            EndpointError::Evaluation(m) => f.write_str(m),
            EndpointError::NoRegion => f.write_str("You must specify a region."),
            EndpointError::InvalidRegion(r) => write!(
                f,
                "Provided region_name '{r}' doesn't match a supported format: a region must be \
                 a valid host label (letters, digits and hyphens)"
            ),
            EndpointError::NoRuleSet(service) => {
                write!(f, "service `{service}` has no endpoint rule set")
            }
        }
    }
}

impl std::error::Error for EndpointError {}

/// The builtin settings the request pipeline takes from `config` when it resolves an endpoint
/// for `service`: what a call made with `config` binds, for tools that bind parameters
/// themselves ([`params_for`]) and want the same values a real call would use.
///
/// Besides the explicit settings, botocore's endpoint settings are read from the environment,
/// else the profile: `AWS_S3_USE_ARN_REGION` / `s3_use_arn_region`,
/// `AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS` / `s3_disable_multiregion_access_points`,
/// `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT` / `s3 = us_east_1_regional_endpoint` (`legacy`,
/// `regional`), `AWS_STS_REGIONAL_ENDPOINTS` / `sts_regional_endpoints` and
/// `AWS_ACCOUNT_ID_ENDPOINT_MODE` / `account_id_endpoint_mode` (`preferred` by default). An
/// invalid value is an [`crate::ErrorKind::InvalidConfig`] error.
pub fn config_for(
    config: &crate::Config,
    service: &'static crate::schema::Service,
) -> Result<EndpointConfig, crate::Error> {
    crate::pipeline::endpoint::endpoint_config(config, service)
}

/// The compiled rule set of `service`, compiled on first use and cached for the process (keyed
/// by the address of [`crate::schema::Service::endpoint_rules`]).
pub fn ruleset_for(
    service: &'static crate::schema::Service,
) -> Result<&'static RuleSet, EndpointError> {
    use std::collections::HashMap;
    use std::sync::{OnceLock, RwLock};
    type Cache = RwLock<HashMap<(usize, usize), &'static RuleSet>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();

    let text = service.endpoint_rules;
    if text.is_empty() {
        return Err(EndpointError::NoRuleSet(service.name));
    }
    let key = (text.as_ptr() as usize, text.len());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(rs) = cache.read().ok().and_then(|m| m.get(&key).copied()) {
        return Ok(rs);
    }
    let compiled = RuleSet::from_json(text)?;
    let mut map = cache.write().unwrap_or_else(|e| e.into_inner());
    // Another thread may have compiled it meanwhile: keep the first one (leak at most once).
    Ok(*map
        .entry(key)
        .or_insert_with(|| Box::leak(Box::new(compiled))))
}

#[cfg(test)]
mod tests;
