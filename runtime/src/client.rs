//! The fixed request pipeline every operation of every service goes through:
//! validate → serialize → resolve endpoint → sign → send → parse.
//!
//! Generated clients call [`ServiceClient::call`], which is generic only long enough to turn
//! the typed input into a [`Value`]; everything else runs in the non-generic
//! [`ServiceClient::call_dyn`], so the pipeline is compiled once, not once per operation.

use crate::config::Config;
use crate::error::{Error, ErrorKind, ModeledError, RawModeled, ServiceError};
use crate::http::HttpClient;
use crate::protocol::{self, Response};
use crate::schema::{Kind, Operation, Protocol, Service, Shape, NO_AUTH, PAYLOAD, STREAMING};
use crate::sigv4;
use crate::types::Body;
use crate::value::{FromValue, IntoValue, Value};
use std::sync::Arc;

/// Implemented by each generated input type: ties it to its operation and result types.
pub trait OperationInput: IntoValue + Sized {
    type Output: FromValue;
    type Error: ModeledError;
    const OPERATION: &'static Operation;
}

/// A service client's shared core: configuration, service metadata and the HTTP client.
/// Generated `Client`s wrap one; inputs created by a client hold a clone to `send` with.
#[derive(Clone)]
pub struct ServiceClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    service: &'static Service,
    http: Result<HttpClient, String>,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient")
            .field("service", &self.inner.service.name)
            .field("region", &self.inner.config.region)
            .finish()
    }
}

/// A resolved endpoint: `scheme://authority` plus a base path without trailing slash.
struct Endpoint {
    scheme: String,
    authority: String,
    base_path: String,
    signing_region: String,
}

impl ServiceClient {
    pub fn new(config: &Config, service: &'static Service) -> Self {
        // A bad CA bundle must not make client construction fallible (boto3's client() isn't);
        // the error is reported by the first call instead.
        let http = HttpClient::new(&config.http).map_err(|e| e.to_string());
        ServiceClient {
            inner: Arc::new(Inner {
                config: config.clone(),
                service,
                http,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn service(&self) -> &'static Service {
        self.inner.service
    }

    /// Sends `input` and returns its typed output.
    pub async fn call<I: OperationInput>(&self, input: I) -> Result<I::Output, Error<I::Error>> {
        let op = I::OPERATION;
        let value = self.call_dyn(op, input.into_value()).await;
        match value {
            Ok(v) => I::Output::from_value(v).map_err(|e| {
                Error::new(
                    ErrorKind::ResponseParse,
                    format!("unexpected response: {e}"),
                )
                .with_context(op.name, None)
            }),
            Err(e) => Err(e.into_typed()),
        }
    }

    /// The protocol this client speaks: the configured override if the service supports it.
    pub fn protocol(&self) -> Protocol {
        let svc = self.inner.service;
        match self.inner.config.protocol {
            Some(p) if svc.protocols.contains(&p) => p,
            _ => svc.protocol,
        }
    }

    /// The whole pipeline, on untyped values.
    pub async fn call_dyn(
        &self,
        op: &'static Operation,
        input: Value,
    ) -> Result<Value, Error<RawModeled>> {
        let svc = self.inner.service;
        let endpoint = self.endpoint().map_err(|e| e.with_context(op.name, None))?;
        let ctx = |e: Error<RawModeled>| e.with_context(op.name, Some(&endpoint.authority));

        let problems = crate::validate::validate(op.input, &input);
        if !problems.is_empty() {
            return Err(ctx(Error::new(
                ErrorKind::ParamValidation,
                format!("Parameter validation failed:\n{}", problems.join("\n")),
            )));
        }
        let protocol = self.protocol();
        let req = protocol::serialize(protocol, svc, op, input).map_err(|e| {
            ctx(Error::new(
                ErrorKind::ParamValidation,
                format!("invalid parameters: {e}"),
            ))
        })?;

        let http = self.inner.http.as_ref().map_err(|e| {
            ctx(Error::new(
                ErrorKind::InvalidConfig,
                format!("HTTP client: {e}"),
            ))
        })?;
        let request = self
            .build_http_request(op, req, &endpoint)
            .await
            .map_err(ctx)?;
        let response = http
            .send(request)
            .await
            .map_err(|e| ctx(e.map_modeled(|n| match n {})))?;
        self.parse(op, protocol, response).await.map_err(ctx)
    }

    fn endpoint(&self) -> Result<Endpoint, Error<RawModeled>> {
        let svc = self.inner.service;
        let cfg = &self.inner.config;
        // Services whose single endpoint lives in us-east-1 regardless of the client's region.
        let global = matches!(svc.endpoint_prefix, "iam" | "route53" | "cloudfront");
        let signing_region = match (&cfg.region, global) {
            (_, true) => "us-east-1".to_string(),
            (Some(r), false) => r.clone(),
            (None, false) if cfg.endpoint_url.is_some() => "us-east-1".to_string(),
            (None, false) => {
                return Err(Error::new(
                    ErrorKind::NoRegion,
                    "You must specify a region (set AWS_REGION or the config's region)",
                ))
            }
        };
        let url = match &cfg.endpoint_url {
            Some(u) => u.clone(),
            None if global => format!("https://{}.amazonaws.com", svc.endpoint_prefix),
            None => format!(
                "https://{}.{signing_region}.amazonaws.com",
                svc.endpoint_prefix
            ),
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("endpoint URL {url:?} has no scheme"),
            )
        })?;
        if scheme != "http" && scheme != "https" {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("endpoint URL {url:?}: scheme must be http or https"),
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("endpoint URL {url:?} has no host"),
            ));
        }
        Ok(Endpoint {
            scheme: scheme.to_string(),
            authority: authority.to_string(),
            base_path: path.trim_end_matches('/').to_string(),
            signing_region,
        })
    }

    async fn build_http_request(
        &self,
        op: &'static Operation,
        req: protocol::Request,
        endpoint: &Endpoint,
    ) -> Result<http::Request<Body>, Error<RawModeled>> {
        let svc = self.inner.service;
        let authority = match &req.host_prefix {
            Some(p) => format!("{p}{}", endpoint.authority),
            None => endpoint.authority.clone(),
        };
        let mut uri = format!("{}{}", endpoint.base_path, req.path);
        if !req.query.is_empty() {
            uri.push(if uri.contains('?') { '&' } else { '?' });
            let pairs: Vec<String> = req
                .query
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        crate::encoding::uri_encode(k),
                        crate::encoding::uri_encode(v)
                    )
                })
                .collect();
            uri.push_str(&pairs.join("&"));
        }
        let mut headers: Vec<(String, String)> = req.headers;
        headers.push(("host".into(), authority.clone()));
        headers.push((
            "user-agent".into(),
            concat!("rboto/", env!("CARGO_PKG_VERSION")).into(),
        ));
        if let Some(len) = req.body.content_length() {
            if len > 0 || matches!(req.method, "POST" | "PUT" | "PATCH") {
                headers.push(("content-length".into(), len.to_string()));
            }
        }

        if !op.has(NO_AUTH) {
            let provider = self.inner.config.credentials.as_ref().ok_or_else(|| {
                Error::new(
                    ErrorKind::NoCredentials,
                    "Unable to locate credentials (looked in: explicit config, environment \
                     variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
                )
            })?;
            let creds = provider
                .provide_credentials()
                .await
                .map_err(|e| e.map_modeled(|n| match n {}))?;
            let s3_style = svc.signing_name == "s3" || svc.signature_version.starts_with("s3");
            let body_bytes = req.body.bytes();
            let unsigned = op.has(crate::schema::UNSIGNED_PAYLOAD) || body_bytes.is_none();
            let signable_body = match body_bytes {
                Some(b) if !unsigned => sigv4::SignableBody::Bytes(b),
                _ => sigv4::SignableBody::UnsignedPayload,
            };
            let header_refs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let signable = sigv4::SignableRequest {
                method: req.method,
                uri: &uri,
                headers: &header_refs,
                body: signable_body,
            };
            let params = sigv4::SigningParams {
                access_key_id: creds.access_key_id(),
                secret_access_key: creds.secret_access_key(),
                session_token: creds.session_token(),
                region: &endpoint.signing_region,
                service: svc.signing_name,
                time: std::time::SystemTime::now(),
                settings: sigv4::SigningSettings {
                    normalize_path: !s3_style,
                    double_uri_encode: !s3_style,
                    payload_checksum_header: s3_style,
                    location: sigv4::SignatureLocation::Headers,
                    session_token_signed: true,
                },
            };
            let out = sigv4::sign(&signable, &params).map_err(|e| {
                Error::new(
                    ErrorKind::Signing,
                    format!("could not sign the request: {e}"),
                )
            })?;
            drop(header_refs);
            headers.extend(out.headers.into_iter().map(|(k, v)| (k.to_string(), v)));
        }

        let full = format!("{}://{authority}{uri}", endpoint.scheme);
        let mut builder = http::Request::builder().method(req.method).uri(&full);
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("host") {
                continue; // hyper derives Host from the URI authority
            }
            builder = builder.header(k.as_str(), v.as_str());
        }
        builder.body(req.body).map_err(|e| {
            Error::new(
                ErrorKind::ParamValidation,
                format!("could not build the HTTP request: {e}"),
            )
        })
    }

    async fn parse(
        &self,
        op: &'static Operation,
        protocol: Protocol,
        response: http::Response<Body>,
    ) -> Result<Value, Error<RawModeled>> {
        let svc = self.inner.service;
        let (parts, body) = response.into_parts();
        let status = parts.status.as_u16();
        let success = (200..300).contains(&status);
        // A streaming payload is handed to the caller unread.
        let (payload, bytes) = if success && streaming_payload(op.output) {
            (Some(body), bytes::Bytes::new())
        } else {
            let bytes = body
                .collect()
                .await
                .map_err(|e| e.into_error().map_modeled(|n| match n {}))?;
            (None, bytes)
        };
        let resp = Response {
            status,
            headers: &parts.headers,
            body: &bytes,
        };
        if success {
            return protocol::parse_output(protocol, svc, op, &resp, payload).map_err(|e| {
                Error::new(
                    ErrorKind::ResponseParse,
                    format!("unable to parse the response: {e}"),
                )
            });
        }
        let parts = protocol::parse_error(protocol, svc, op, &resp);
        let request_id = parts.request_id.clone().or_else(|| {
            ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"]
                .iter()
                .find_map(|h| resp.header(h).map(str::to_string))
        });
        let modeled = find_modeled(svc, &parts.code).and_then(|(index, shape)| {
            protocol::parse_error_shape(protocol, svc, shape, &resp)
                .ok()
                .map(|value| RawModeled { index, value })
        });
        let code = if parts.code.is_empty() {
            status.to_string()
        } else {
            parts.code
        };
        Err(Error::service(ServiceError {
            code,
            message: parts.message,
            request_id,
            status,
            modeled,
        }))
    }
}

/// The modeled exception whose error code is `code`.
fn find_modeled(svc: &'static Service, code: &str) -> Option<(usize, &'static Shape)> {
    if code.is_empty() {
        return None;
    }
    svc.errors.iter().enumerate().find_map(|(i, s)| {
        let c = s.error.map(|e| e.code).unwrap_or(s.name);
        (c == code || s.name == code).then_some((i, *s))
    })
}

/// Whether the output's payload member is a stream (S3 GetObject's `Body`).
fn streaming_payload(output: &'static Shape) -> bool {
    match output.kind {
        Kind::Structure(members) => members
            .iter()
            .any(|m| m.has(PAYLOAD) && m.target.has(STREAMING)),
        _ => false,
    }
}
