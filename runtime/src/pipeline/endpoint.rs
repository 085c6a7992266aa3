//! Where a request goes and how it is signed.

use crate::config::Config;
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

/// Resolves the endpoint for `op` with `input`.
pub(crate) fn resolve(
    config: &Config,
    service: &'static Service,
    _op: &'static Operation,
    _input: &Value,
) -> Result<Endpoint, Error<RawModeled>> {
    // Services whose single endpoint lives in us-east-1 regardless of the client's region.
    let global = matches!(service.endpoint_prefix, "iam" | "route53" | "cloudfront");
    let configured = config.endpoint_url_for(service.service_id);
    let signing_region = match (config.region(), global) {
        (_, true) => "us-east-1".to_string(),
        (Some(r), false) => r.to_string(),
        (None, false) if configured.is_some() => "us-east-1".to_string(),
        (None, false) => {
            return Err(config
                .require_region()
                .err()
                .unwrap_or_else(|| Error::new(ErrorKind::NoRegion, "You must specify a region"))
                .map_modeled(|n| match n {}))
        }
    };
    let url = match configured {
        Some(u) => u,
        None if global => format!("https://{}.amazonaws.com", service.endpoint_prefix),
        None => format!(
            "https://{}.{signing_region}.amazonaws.com",
            service.endpoint_prefix
        ),
    };
    let s3_style = service.signing_name == "s3" || service.signature_version.starts_with("s3");
    let mut endpoint = parse_url(&url)?;
    endpoint.signing_region = signing_region;
    endpoint.signing_name = service.signing_name.to_string();
    endpoint.disable_double_encoding = s3_style;
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
