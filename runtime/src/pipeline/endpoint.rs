//! Where a request goes and how it is signed.

use crate::config::{Config, S3AddressingStyle};
use crate::customizations::s3;
use crate::endpoint::{self, EndpointConfig, EndpointError, ParamValue};
use crate::error::{Error, ErrorKind, RawModeled};
use crate::schema::{Operation, Service};
use crate::value::Value;
use std::sync::Mutex;

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
    pub headers: http::HeaderMap,
}

/// Resolves the endpoint for `op` with `input` by evaluating the service's rule set (every
/// botocore model has one); the rule set's auth scheme supplies the signing name and region.
/// `settings` are the client's endpoint settings, read once when it was made
/// ([`ResolvedEndpointConfig::of`]). `region`, when given, replaces the client's as the
/// `Region` builtin: an S3 bucket's own region, learned from a redirect
/// ([`crate::customizations::s3_redirect`]).
pub(crate) fn resolve(
    config: &Config,
    settings: &ResolvedEndpointConfig,
    service: &'static Service,
    op: &'static Operation,
    input: &Value,
    account_id: Option<String>,
    region: Option<&str>,
) -> Result<Endpoint, Error<RawModeled>> {
    let cfg = match &settings.0 {
        Ok(cfg) => cfg,
        Err((kind, message)) => return Err(Error::new(*kind, message.clone())),
    };
    // The credentials' account (`AWS::Auth::AccountId`) and a bucket's region, known only per
    // call.
    let with_overrides;
    let cfg = if account_id.is_some() || region.is_some() {
        with_overrides = EndpointConfig {
            account_id: account_id.or_else(|| cfg.account_id.clone()),
            region: region.map(str::to_string).or_else(|| cfg.region.clone()),
            ..cfg.clone()
        };
        &with_overrides
    } else {
        cfg
    };
    let failed = |e: EndpointError| {
        let kind = match e {
            EndpointError::NoRegion => ErrorKind::NoRegion,
            EndpointError::InvalidRegion(_) => ErrorKind::InvalidConfig,
            _ => ErrorKind::EndpointResolution,
        };
        Error::new(kind, e.message())
    };
    if service.endpoint_rules.is_empty() {
        return legacy(config, service, cfg);
    }
    endpoint::check_config(cfg).map_err(failed)?;
    let rules = endpoint::ruleset_for(service).map_err(failed)?;
    let params = endpoint::params_for(rules, service, op, cfg, input).map_err(failed)?;
    let key = CacheKey {
        service: std::ptr::from_ref(service) as usize,
        params: params.values,
        region: cfg.region.clone(),
    };
    if let Some(ep) = settings.1.get(&key) {
        return Ok(ep);
    }
    let params = endpoint::Params {
        ruleset: rules,
        values: key.params,
    };
    let ep = from_rules(service, cfg, &params, failed)?;
    let key = CacheKey {
        params: params.values,
        ..key
    };
    settings.1.put(key, &ep);
    Ok(ep)
}

/// The endpoint the rule set gives for `params`, with its signing scope.
fn from_rules(
    service: &'static Service,
    cfg: &EndpointConfig,
    params: &endpoint::Params<'_>,
    failed: impl Fn(EndpointError) -> Error<RawModeled>,
) -> Result<Endpoint, Error<RawModeled>> {
    let rules = params.ruleset;
    let resolved = rules.resolve(params).map_err(failed)?;
    let mut ep = parse_url(&resolved.url)?;
    for (name, values) in &resolved.headers {
        let bad = || {
            Error::new(
                ErrorKind::EndpointResolution,
                format!("the endpoint rule set requires header {name:?} with an invalid value"),
            )
        };
        let name = http::HeaderName::try_from(name.as_str()).map_err(|_| bad())?;
        for v in values {
            let value = http::HeaderValue::try_from(v.as_str()).map_err(|_| bad())?;
            ep.headers.append(name.clone(), value);
        }
    }
    // The first scheme this signer can use: like botocore without awscrt, a SigV4a entry
    // (Outposts lists `[sigv4a, sigv4]`) is skipped for the SigV4 one after it, whose signing
    // region is the one to use (not the client's).
    let scheme = resolved.auth_schemes.iter().find(|s| s.name != "sigv4a");
    if scheme.is_none() {
        if let Some(v4a) = resolved.auth_schemes.first() {
            // Signing SigV4 where only SigV4a is accepted would fail at the service with a
            // confusing signature error; botocore without awscrt refuses up front too.
            return Err(Error::new(
                ErrorKind::Signing,
                format!(
                    "the endpoint {} accepts only SigV4a signatures (signing region set {}), which \
                     rboto cannot make yet",
                    resolved.url,
                    v4a.signing_region_set.join(", ")
                ),
            ));
        }
    }
    ep.signing_name = scheme
        .and_then(|s| s.signing_name.clone())
        .unwrap_or_else(|| service.signing_name.to_string());
    ep.signing_region = scheme
        .and_then(|s| s.signing_region.clone())
        .or_else(|| cfg.region.clone())
        .unwrap_or_else(|| "us-east-1".to_string());
    ep.disable_double_encoding =
        scheme.is_some_and(|s| s.disable_double_encoding) || s3::uses_s3_signer(service);
    Ok(ep)
}

/// A client's endpoint settings, read from its config once when the client is made rather
/// than on every call; a setting that does not parse fails each call with the error that
/// names it (client construction cannot fail, as boto3's `client()` does not for these).
#[derive(Debug)]
pub(crate) struct ResolvedEndpointConfig(
    Result<EndpointConfig, (ErrorKind, String)>,
    EndpointCache,
);

impl ResolvedEndpointConfig {
    pub(crate) fn of(config: &Config, service: &'static Service) -> Self {
        ResolvedEndpointConfig(
            endpoint_config(config, service).map_err(|e| (e.kind(), e.message().to_string())),
            EndpointCache::default(),
        )
    }
}

/// What a rule-set endpoint is a function of: the rule set's parameters, and the client's
/// region (the signing region when the auth scheme names none).
#[derive(Debug, PartialEq)]
struct CacheKey {
    /// The service's address: one client resolves for one service, but the key says so.
    service: usize,
    params: Vec<Option<ParamValue>>,
    region: Option<String>,
}

/// The endpoints a client's rule set resolved, by their parameters, as botocore keeps them
/// (`EndpointProvider.resolve_endpoint` is an LRU cache of 100): evaluating the rule set is
/// a pure function of the parameters, and walking its tree of rules was the largest part of
/// preparing a small request — and, run after the process slept waiting for a response, one
/// whose data had left the CPU caches. Most clients call one or a few endpoints; S3 gives
/// each bucket its own parameters, so the cache is bounded and replaces the oldest entry.
#[derive(Debug, Default)]
struct EndpointCache(Mutex<CacheEntries>);

#[derive(Debug, Default)]
struct CacheEntries {
    entries: Vec<(CacheKey, Endpoint)>,
    /// The entry replaced next once full (round robin: the oldest).
    next: usize,
}

/// Entries kept per client: a linear scan of this many is still cheaper than one resolution.
const CACHE_CAPACITY: usize = 32;

impl EndpointCache {
    fn get(&self, key: &CacheKey) -> Option<Endpoint> {
        // A poisoned lock only means a panic elsewhere while it was held; entries are written
        // whole, so the cache is still good.
        let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, ep)| ep.clone())
    }

    fn put(&self, key: CacheKey, endpoint: &Endpoint) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.entries.iter().any(|(k, _)| *k == key) {
            return;
        }
        if cache.entries.len() < CACHE_CAPACITY {
            cache.entries.push((key, endpoint.clone()));
        } else {
            let i = cache.next;
            cache.entries[i] = (key, endpoint.clone());
            cache.next = (i + 1) % CACHE_CAPACITY;
        }
    }
}

/// The endpoint-relevant settings of `config` for `service` (public as
/// [`crate::endpoint::config_for`]): typed when the config was loaded, so only the
/// `client_context_params` given in code can fail here (a name `service` does not declare).
pub(crate) fn endpoint_config(
    config: &Config,
    service: &'static Service,
) -> Result<EndpointConfig, Error> {
    Ok(EndpointConfig {
        region: config.region().map(str::to_string),
        use_fips: config.use_fips(),
        use_dualstack: config.use_dualstack(),
        endpoint_url: config.endpoint_url_for(service.service_id),
        force_path_style: match config.s3_addressing_style() {
            S3AddressingStyle::Path => Some(true),
            S3AddressingStyle::Virtual => Some(false),
            S3AddressingStyle::Auto => None,
        },
        accelerate: config.s3_use_accelerate_endpoint(),
        use_arn_region: config.s3_use_arn_region(),
        disable_multi_region_access_points: config.s3_disable_multiregion_access_points(),
        s3_use_global_endpoint: config.s3_us_east_1_regional_endpoint().map(|r| !r),
        sts_use_global_endpoint: !config.sts_regional_endpoints(),
        account_id_endpoint_mode: Some(config.account_id_endpoint_mode().to_string()),
        client_context_params: crate::config::bind_client_context_params(config, service)?,
        ..EndpointConfig::default()
    })
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
    endpoint.disable_double_encoding = s3::uses_s3_signer(service);
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
        headers: http::HeaderMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude, Member, Protocol, Shape};

    const RULES: &str = r#"{"version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "type": "String"},
            "Bucket": {"required": false, "type": "String"}
        },
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Bucket"}]}],
             "endpoint": {"url": "https://{Bucket}.cache.{Region}.example", "properties": {},
                          "headers": {}},
             "type": "endpoint"},
            {"conditions": [],
             "endpoint": {"url": "https://cache.{Region}.example", "properties": {},
                          "headers": {}},
             "type": "endpoint"}
        ]}"#;
    static INPUT: Shape = Shape::structure(
        "PutThingInput",
        &[Member::new("Bucket", &prelude::STRING).ctx("Bucket")],
    );
    static PUT_THING: Operation =
        Operation::new("PutThing", "PUT", "/thing", &INPUT, &prelude::UNIT);
    static SERVICE: Service = Service {
        name: "cachetest",
        service_id: "CacheTest",
        api_version: "2024-01-01",
        endpoint_prefix: "cachetest",
        signing_name: "cachetest",
        protocol: Protocol::RestJson,
        protocols: &[Protocol::RestJson],
        endpoint_rules: RULES,
        ..Service::BLANK
    };

    fn input(bucket: Option<&str>) -> Value {
        Value::Struct(vec![bucket.map(|b| Value::Str(b.into()))])
    }

    /// Each set of parameters gets its own endpoint, however many the cache has seen, and a
    /// region given per call (an S3 redirect's) is part of the key.
    #[test]
    fn cached_endpoints_follow_their_parameters() {
        let config = Config::builder().region("eu-west-1").build();
        let settings = ResolvedEndpointConfig::of(&config, &SERVICE);
        let url = |bucket: Option<&str>, region: Option<&str>| {
            let ep = resolve(
                &config,
                &settings,
                &SERVICE,
                &PUT_THING,
                &input(bucket),
                None,
                region,
            )
            .unwrap();
            format!("{}://{} {}", ep.scheme, ep.authority, ep.signing_region)
        };
        for round in 0..3 {
            // More buckets than the cache holds, so later rounds see replaced entries.
            for i in 0..CACHE_CAPACITY + 5 {
                let bucket = format!("b{i}");
                assert_eq!(
                    url(Some(&bucket), None),
                    format!("https://b{i}.cache.eu-west-1.example eu-west-1"),
                    "round {round}"
                );
            }
            assert_eq!(url(None, None), "https://cache.eu-west-1.example eu-west-1");
            assert_eq!(
                url(None, Some("ap-south-2")),
                "https://cache.ap-south-2.example ap-south-2"
            );
            assert_eq!(
                url(Some("x"), Some("ap-south-2")),
                "https://x.cache.ap-south-2.example ap-south-2"
            );
        }
        let cache = settings.1 .0.lock().unwrap();
        assert_eq!(cache.entries.len(), CACHE_CAPACITY);
    }

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
