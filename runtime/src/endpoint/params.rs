//! Endpoint parameters from every source, with botocore's precedence (`regions.py`
//! `_resolve_param_from_context`): an operation's `staticContextParams`, then `contextParam`
//! members of the input, then `operationContextParams` paths, then the client's
//! `clientContextParams`, then builtins from the configuration; finally the rule set's defaults.

use super::ruleset::Builtin;
use super::{functions, EndpointError, ParamValue, Params, RuleSet};
use crate::jmespath::{Expression, Json};
use crate::schema::{Operation, Service, StaticParam};
use crate::Value;

/// Client configuration that feeds endpoint builtins (botocore's `Config` / `s3` settings).
#[derive(Clone, Debug, Default)]
pub struct EndpointConfig {
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `AWS::UseFIPS` (ignored when `endpoint_url` is set, as in botocore).
    pub use_fips: bool,
    /// `AWS::UseDualStack` (ignored when `endpoint_url` is set).
    pub use_dualstack: bool,
    /// `SDK::Endpoint`: a custom endpoint such as `http://localhost:5000`.
    pub endpoint_url: Option<String>,
    /// `AWS::S3::ForcePathStyle`. `None` is botocore's default: path style with a custom
    /// `endpoint_url` (unless accelerate is on), virtual-host style otherwise; `Some(false)` is
    /// `addressing_style = virtual`.
    pub force_path_style: Option<bool>,
    /// `AWS::S3::Accelerate`.
    pub accelerate: bool,
    /// `AWS::S3::UseArnRegion`; `None` = true (botocore's S3 default).
    pub use_arn_region: Option<bool>,
    /// `AWS::S3::DisableMultiRegionAccessPoints`.
    pub disable_multi_region_access_points: bool,
    /// `AWS::S3Control::UseArnRegion`; `None` = false.
    pub s3_control_use_arn_region: Option<bool>,
    /// `AWS::S3::UseGlobalEndpoint`; `None` = botocore's `legacy` default (true in us-east-1).
    pub s3_use_global_endpoint: Option<bool>,
    /// `AWS::STS::UseGlobalEndpoint` (`sts_regional_endpoints = legacy`).
    pub sts_use_global_endpoint: bool,
    /// `AWS::Auth::AccountId`, from the credentials.
    pub account_id: Option<String>,
    /// `AWS::Auth::AccountIdEndpointMode`: `preferred`, `required` or `disabled`.
    pub account_id_endpoint_mode: Option<String>,
    /// Values for the service's `clientContextParams` (e.g. `("DisableS3ExpressSessionAuth",
    /// true)`), by rule-set parameter name.
    pub client_context_params: Vec<(String, ParamValue)>,
}

/// Checks that `region` is a valid host label, so that it cannot inject a host
/// (`us-east-1.evil.example`) into an endpoint URL.
pub fn validate_region(region: &str) -> Result<(), EndpointError> {
    if functions::is_valid_host_label(region, Some(false)) {
        Ok(())
    } else {
        Err(EndpointError::InvalidRegion(region.to_owned()))
    }
}

/// Client-construction checks: a region is required unless `endpoint_url` is set
/// ([`EndpointError::NoRegion`]), and a configured region must pass [`validate_region`].
pub fn check_config(cfg: &EndpointConfig) -> Result<(), EndpointError> {
    match &cfg.region {
        Some(r) => validate_region(r),
        None if cfg.endpoint_url.is_some() => Ok(()),
        None => Err(EndpointError::NoRegion),
    }
}

fn static_value(p: &StaticParam) -> ParamValue {
    match p {
        StaticParam::Bool(b) => ParamValue::Bool(*b),
        StaticParam::Str(s) => ParamValue::String((*s).to_owned()),
        StaticParam::StrList(l) => {
            ParamValue::StringArray(l.iter().map(|s| (*s).to_owned()).collect())
        }
    }
}

fn value_param(v: &Value) -> Option<ParamValue> {
    match v {
        Value::Str(s) => Some(ParamValue::String(s.clone())),
        Value::Bool(b) => Some(ParamValue::Bool(*b)),
        Value::List(items) => items
            .iter()
            .map(|i| match i {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::StringArray),
        _ => None,
    }
}

/// An `operationContextParams` result as a parameter: a string, a boolean, or a list of
/// strings; anything else (null, numbers, mixed lists) sets nothing.
fn json_param(j: &Json) -> Option<ParamValue> {
    match j {
        Json::String(s) => Some(ParamValue::String(s.clone())),
        Json::Bool(b) => Some(ParamValue::Bool(*b)),
        Json::Array(items) => items
            .iter()
            .map(|i| match i {
                Json::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::StringArray),
        _ => None,
    }
}

/// The parameters for one call of `op`: see the module docs for the precedence. `input` is the
/// operation's input as a [`Value::Struct`] in the order of `op.input`'s members.
///
/// Fails only when an `operationContextParams` path cannot be parsed.
pub fn params_for<'r>(
    ruleset: &'r RuleSet,
    service: &'static Service,
    op: &'static Operation,
    cfg: &EndpointConfig,
    input: &Value,
) -> Result<Params<'r>, EndpointError> {
    let _ = service;
    let mut params = ruleset.new_params();
    // 1. staticContextParams.
    for (name, v) in op.static_context_params {
        params.set_if_unset(name, static_value(v));
    }
    // 2. contextParam members of the input.
    let mut bucket: Option<&str> = None;
    if let Value::Struct(values) = input {
        for (m, v) in op.input.members().iter().zip(values) {
            if let (Some(name), Some(v)) = (m.context_param, v) {
                if let Some(pv) = value_param(v) {
                    params.set_if_unset(name, pv);
                }
            }
            if m.name == "Bucket" {
                if let Some(Value::Str(b)) = v {
                    bucket = Some(b);
                }
            }
        }
    }
    // 3. operationContextParams.
    for (name, path) in op.operation_context_params {
        if params.get(name).is_some() || ruleset.param_index(name).is_none() {
            continue;
        }
        if let Some(pv) = operation_context_param(op, path, input)? {
            params.set_if_unset(name, pv);
        }
    }
    // 4. clientContextParams.
    for (name, v) in &cfg.client_context_params {
        params.set_if_unset(name, v.clone());
    }
    // 5. Builtins.
    let custom = cfg.endpoint_url.is_some();
    for (i, p) in ruleset.params.iter().enumerate() {
        if params.values[i].is_some() {
            continue;
        }
        let Some(kind) = p.builtin_kind else { continue };
        let v: Option<ParamValue> = match kind {
            Builtin::Region => cfg.region.clone().map(ParamValue::String),
            Builtin::UseFips => Some((cfg.use_fips && !custom).into()),
            Builtin::UseDualStack => Some((cfg.use_dualstack && !custom).into()),
            Builtin::Endpoint => cfg.endpoint_url.clone().map(ParamValue::String),
            Builtin::S3ForcePathStyle => {
                // botocore's `compute_endpoint_resolver_builtin_defaults` and
                // `customize_endpoint_resolver_builtins`.
                let default = match cfg.force_path_style {
                    _ if cfg.accelerate => false,
                    Some(f) => f,
                    None => {
                        custom
                            && !cfg
                                .endpoint_url
                                .as_deref()
                                .is_some_and(|u| u.contains("s3-accelerate"))
                    }
                };
                Some(crate::customizations::s3::force_path_style(op.name, bucket, default).into())
            }
            Builtin::S3Accelerate => Some(cfg.accelerate.into()),
            Builtin::S3UseArnRegion => Some(cfg.use_arn_region.unwrap_or(true).into()),
            Builtin::S3DisableMultiRegionAccessPoints => {
                Some(cfg.disable_multi_region_access_points.into())
            }
            Builtin::S3UseGlobalEndpoint => Some(
                cfg.s3_use_global_endpoint
                    .unwrap_or(matches!(cfg.region.as_deref(), None | Some("us-east-1")))
                    .into(),
            ),
            Builtin::S3ControlUseArnRegion => {
                Some(cfg.s3_control_use_arn_region.unwrap_or(false).into())
            }
            Builtin::StsUseGlobalEndpoint => Some((cfg.sts_use_global_endpoint && !custom).into()),
            Builtin::AccountId => cfg.account_id.clone().map(ParamValue::String),
            Builtin::AccountIdEndpointMode => {
                cfg.account_id_endpoint_mode.clone().map(ParamValue::String)
            }
            Builtin::Other => None,
        };
        params.values[i] = v;
    }
    Ok(params)
}

/// Evaluates one `operationContextParams` path over the operation's input.
pub(crate) fn operation_context_param(
    op: &'static Operation,
    path: &str,
    input: &Value,
) -> Result<Option<ParamValue>, EndpointError> {
    let bad = |e: crate::jmespath::Error| {
        EndpointError::InvalidRuleSet(format!(
            "operationContextParams of {}: {path:?}: {e}",
            op.name
        ))
    };
    let found = Expression::parse(path)
        .map_err(bad)?
        .search(input, op.input)
        .map_err(bad)?;
    Ok(json_param(&found))
}
