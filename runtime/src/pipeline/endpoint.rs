//! Where a request goes and how it is signed.

use crate::config::{Config, S3AddressingStyle};
use crate::endpoint::{self, EndpointConfig, EndpointError};
use crate::error::{Error, ErrorKind, RawModeled};
use crate::schema::{Operation, Service};
use crate::value::Value;

/// A resolved endpoint: `scheme://authority` plus a base path without trailing slash, and the
/// signing scope that goes with it.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub scheme: String,
    pub authority: String,
    pub base_path: String,
    pub signing_region: String,
    pub signing_name: String,
    /// S3 and friends sign the path as sent, without normalising or double-encoding it.
    pub disable_double_encoding: bool,
    /// Headers the endpoint requires.
    pub headers: Vec<(String, String)>,
}

/// Resolves the endpoint for `op` with `input` by evaluating the service's rule set (every
/// botocore model has one); the rule set's auth scheme supplies the signing name and region.
pub(crate) fn resolve(
    config: &Config,
    service: &'static Service,
    op: &'static Operation,
    input: &Value,
) -> Result<Endpoint, Error<RawModeled>> {
    let cfg = endpoint_config(config, service);
    let failed = |e: EndpointError| {
        let kind = match e {
            EndpointError::NoRegion => ErrorKind::NoRegion,
            EndpointError::InvalidRegion(_) => ErrorKind::InvalidConfig,
            _ => ErrorKind::EndpointResolution,
        };
        Error::new(kind, e.message())
    };
    if service.endpoint_rules.is_empty() {
        return legacy(config, service, &cfg);
    }
    endpoint::check_config(&cfg).map_err(failed)?;
    let rules = endpoint::ruleset_for(service).map_err(failed)?;
    let params = endpoint::params_for(rules, service, op, &cfg, input).map_err(failed)?;
    let resolved = rules.resolve(&params).map_err(failed)?;
    let mut ep = parse_url(&resolved.url)?;
    for (name, values) in &resolved.headers {
        for v in values {
            ep.headers.push((name.clone(), v.clone()));
        }
    }
    let scheme = resolved.auth_schemes.first();
    ep.signing_name = scheme
        .and_then(|s| s.signing_name.clone())
        .unwrap_or_else(|| service.signing_name.to_string());
    ep.signing_region = scheme
        .and_then(|s| s.signing_region.clone())
        .or_else(|| cfg.region.clone())
        .unwrap_or_else(|| "us-east-1".to_string());
    ep.disable_double_encoding = scheme.is_some_and(|s| s.disable_double_encoding)
        || service.signature_version.starts_with("s3");
    Ok(ep)
}

/// The endpoint-relevant settings of `config` for `service`.
fn endpoint_config(config: &Config, service: &'static Service) -> EndpointConfig {
    EndpointConfig {
        region: config.region().map(str::to_string),
        use_fips: config.use_fips(),
        use_dualstack: config.use_dualstack(),
        endpoint_url: config.endpoint_url_for(service.service_id),
        force_path_style: match config.s3_addressing_style() {
            S3AddressingStyle::Path => Some(true),
            S3AddressingStyle::Virtual => Some(false),
            S3AddressingStyle::Auto => None,
        },
        ..EndpointConfig::default()
    }
}

/// For a model without a rule set: `https://{endpointPrefix}.{region}.amazonaws.com`.
fn legacy(
    config: &Config,
    service: &'static Service,
    cfg: &EndpointConfig,
) -> Result<Endpoint, Error<RawModeled>> {
    let region = match (&cfg.region, &cfg.endpoint_url) {
        (Some(r), _) => r.clone(),
        (None, Some(_)) => "us-east-1".to_string(),
        (None, None) => {
            return Err(config
                .require_region()
                .err()
                .unwrap_or_else(|| Error::new(ErrorKind::NoRegion, "You must specify a region"))
                .map_modeled(|n| match n {}))
        }
    };
    let url = match &cfg.endpoint_url {
        Some(u) => u.clone(),
        None => format!("https://{}.{region}.amazonaws.com", service.endpoint_prefix),
    };
    let mut endpoint = parse_url(&url)?;
    endpoint.signing_region = region;
    endpoint.signing_name = service.signing_name.to_string();
    endpoint.disable_double_encoding = service.signature_version.starts_with("s3");
    Ok(endpoint)
}

/// Splits an endpoint URL into its parts.
pub(crate) fn parse_url(url: &str) -> Result<Endpoint, Error<RawModeled>> {
    let invalid = |why: &str| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("endpoint URL {url:?} {why}"),
        )
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("has no scheme"))?;
    if scheme != "http" && scheme != "https" {
        return Err(invalid("must use http or https"));
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], &rest[i..]),
        Some(_) => return Err(invalid("must not have a query")),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(invalid("has no host"));
    }
    Ok(Endpoint {
        scheme: scheme.to_string(),
        authority: authority.to_string(),
        base_path: path.trim_end_matches('/').to_string(),
        signing_region: String::new(),
        signing_name: String::new(),
        disable_double_encoding: false,
        headers: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn urls_split_into_parts() {
        let e = parse_url("http://127.0.0.1:5000/base/").unwrap();
        assert_eq!(
            (
                e.scheme.as_str(),
                e.authority.as_str(),
                e.base_path.as_str()
            ),
            ("http", "127.0.0.1:5000", "/base")
        );
        assert!(parse_url("ftp://x").is_err());
        assert!(parse_url("https://").is_err());
        assert!(parse_url("https://h?x=1").is_err());
        assert!(parse_url("no-scheme").is_err());
    }
}
