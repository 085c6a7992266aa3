//! Presigned requests: boto3's `generate_presigned_url`, for any operation of any service.
//!
//! The input goes through the same validation, endpoint rules and serializer as a call; the
//! request is then signed in the query string (`X-Amz-Signature` and friends) instead of
//! headers, and nothing is sent. As botocore does for a presign request:
//! * no checksum is computed and `ChecksumMode` is not filled in (the body is not known), but
//!   checksum members the caller set are kept;
//! * a form-encoded body (query and ec2 protocols) moves into the query string, and the
//!   `content-type` it implied is dropped;
//! * S3 signs `UNSIGNED-PAYLOAD`; other services the empty body.
//!
//! The expiry must be between one second and seven days, the longest SigV4 allows (botocore
//! leaves that check to the service; a URL that can never work is an error here instead).

use super::ServiceClient;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::pipeline::attempt::Prepared;
use crate::pipeline::auth::{self, Scheme};
use crate::pipeline::{endpoint, sign};
use crate::schema::{Location, Operation};
use crate::sigv4::MAX_PRESIGNED_EXPIRY;
use crate::value::Value;
use crate::OperationInput;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The order botocore's `SigV4QueryAuth` writes its parameters in (the signature is the same in
/// any order; the same URL is easier to compare).
const BOTOCORE_ORDER: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// How to presign: for how long, from when, and optionally with another HTTP method.
#[derive(Debug, Clone)]
pub struct Presign {
    expires_in: Duration,
    start_time: Option<SystemTime>,
    method: Option<&'static str>,
}

impl Presign {
    /// Valid for `expires_in` from now (botocore's `ExpiresIn`; boto3's default is one hour).
    pub fn expires_in(expires_in: Duration) -> Presign {
        Presign {
            expires_in,
            start_time: None,
            method: None,
        }
    }

    /// Signs as of `time` instead of now (the clock-skew-corrected now).
    pub fn start_time(mut self, time: SystemTime) -> Presign {
        self.start_time = Some(time);
        self
    }

    /// Signs for `method` instead of the operation's own (botocore's `HttpMethod`), e.g. `GET`
    /// for STS `GetCallerIdentity`, whose model says `POST`.
    pub fn http_method(mut self, method: &'static str) -> Presign {
        self.method = Some(method);
        self
    }
}

/// A signed request that anyone holding it can send until it expires: the URL, the method and
/// the headers that were signed with it and so must be sent with it.
///
/// `Debug` hides the signature and any session token in the URL, and the header values (an
/// SSE-C key is one); [`PresignedRequest::url`] gives the real URL.
#[derive(Clone)]
pub struct PresignedRequest {
    method: http::Method,
    url: String,
    headers: http::HeaderMap,
}

impl PresignedRequest {
    /// The HTTP method to send the request with.
    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The presigned URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Headers besides `host` that were signed and must be sent unchanged.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
}

/// Query parameters of a presigned URL whose values are credentials.
const SECRET_PARAMS: [&str; 2] = ["X-Amz-Signature=", "X-Amz-Security-Token="];

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (base, query) = self.url.split_once('?').unwrap_or((&self.url, ""));
        let query: Vec<String> = query
            .split('&')
            .map(
                |pair| match SECRET_PARAMS.iter().find(|p| pair.starts_with(*p)) {
                    Some(p) => format!("{p}{}", crate::types::REDACTED),
                    None => pair.to_string(),
                },
            )
            .collect();
        let headers: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("url", &format!("{base}?{}", query.join("&")))
            .field("headers", &headers)
            .finish()
    }
}

impl ServiceClient {
    /// Presigns `input` instead of sending it (boto3's `generate_presigned_url`).
    pub async fn presign<I: OperationInput>(
        &self,
        input: I,
        presign: &Presign,
    ) -> Result<PresignedRequest, Error<I::Error>> {
        self.presign_dyn(I::operation(), input.into_value(), presign)
            .await
            .map_err(Error::into_typed)
    }

    /// [`ServiceClient::presign`] on an untyped input.
    pub async fn presign_dyn(
        &self,
        op: &'static Operation,
        input: Value,
        presign: &Presign,
    ) -> Result<PresignedRequest, Error<RawModeled>> {
        let config = &self.inner.config;
        if presign.expires_in < Duration::from_secs(1) || presign.expires_in > MAX_PRESIGNED_EXPIRY
        {
            return Err(Error::new(
                ErrorKind::ParamValidation,
                format!(
                    "a presigned request must expire between 1 and {} seconds from its start; \
                     asked for {} s",
                    MAX_PRESIGNED_EXPIRY.as_secs(),
                    presign.expires_in.as_secs_f64()
                ),
            )
            .with_context(op.name, None));
        }
        let svc = self.inner.service;
        // botocore asks for `<signature version>-query`, which only SigV4 has: a bearer token
        // has no presigned form.
        let scheme = auth::resolve_for_presign(config, svc, op)
            .map_err(|e| e.with_context(op.name, None))?;
        // botocore signs a presigned URL of an UNSIGNED client with nothing: the plain URL.
        let unsigned = config.is_anonymous();
        if scheme != Scheme::SigV4 && !unsigned {
            return Err(Error::new(
                ErrorKind::Signing,
                format!(
                    "{}.{} cannot be presigned: the service signs with {scheme:?}, which has no \
                     presigned form",
                    svc.name, op.name
                ),
            )
            .with_context(op.name, None));
        }
        let account_id = crate::config::endpoint_account_id(config, svc, op)
            .await
            .map_err(|e| e.with_context(op.name, None))?;
        let endpoint = endpoint::resolve(
            config,
            self.endpoint_settings(),
            svc,
            op,
            &input,
            account_id,
            None,
        )
        .map_err(|e| e.with_context(op.name, None))?;
        let ctx = |e: Error<RawModeled>| e.with_context(op.name, Some(&endpoint.authority));
        let caller_headers = headers_set_by_caller(op, &input);
        let (_, mut req) = self.serialize(op, input).map_err(ctx)?;
        let automatic: Vec<http::HeaderName> = req
            .headers
            .keys()
            .filter(|name| {
                let name = name.as_str();
                let automatic = name.starts_with("x-amz-checksum-")
                    || name == "x-amz-sdk-checksum-algorithm"
                    || name == "content-md5";
                automatic && !caller_headers.iter().any(|c| c == name)
            })
            .cloned()
            .collect();
        for name in automatic {
            req.headers.remove(name);
        }
        move_form_body_to_query(&mut req);
        if let Some(method) = presign.method {
            req.method = http::Method::from_bytes(method.as_bytes()).map_err(|_| {
                ctx(Error::new(
                    ErrorKind::ParamValidation,
                    format!("{method:?} is not a valid HTTP method"),
                ))
            })?;
        }
        let mut prepared =
            Prepared::new(req, &endpoint, None, config.inject_host_prefix()).map_err(ctx)?;
        prepared.headers.remove(http::header::CONTENT_LENGTH);
        let time = presign.start_time.unwrap_or_else(|| self.signing_time());
        let mut query = if unsigned {
            Vec::new()
        } else {
            sign::presign(config, &endpoint, &prepared, time, presign.expires_in)
                .await
                .map_err(ctx)?
        };
        query.sort_by_key(|(k, _)| BOTOCORE_ORDER.iter().position(|o| o == k));
        let mut url = prepared.url.clone();
        for (k, v) in &query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(k);
            url.push('=');
            url.push_str(v);
        }
        let mut headers = prepared.headers;
        headers.remove(http::header::HOST);
        Ok(PresignedRequest {
            method: prepared.method,
            url,
            headers,
        })
    }
}

/// Lower-case names of the headers the caller's own members bind to.
fn headers_set_by_caller(op: &'static Operation, input: &Value) -> Vec<String> {
    let Value::Struct(slots) = input else {
        return Vec::new();
    };
    op.input
        .members()
        .iter()
        .zip(slots)
        .filter(|(m, slot)| m.location == Location::Header && slot.is_some())
        .filter_map(|(m, _)| m.location_name.map(str::to_ascii_lowercase))
        .collect()
}

/// botocore's `SigV4QueryAuth`: the parameters of a form-encoded body become query
/// parameters, and the body and its content type go.
fn move_form_body_to_query(req: &mut crate::protocol::Request) {
    let is_form = req
        .headers
        .get_all(http::header::CONTENT_TYPE)
        .iter()
        .any(|value| {
            value
                .as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    if !is_form {
        return;
    }
    if let Some(body) = req.body.bytes() {
        let pairs = crate::encoding::form_pairs(&String::from_utf8_lossy(body));
        req.query.extend(pairs);
    }
    req.body = crate::types::Body::empty();
    req.headers.remove(http::header::CONTENT_TYPE);
}
