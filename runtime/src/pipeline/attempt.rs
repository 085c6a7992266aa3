//! One attempt: the serialized request made concrete for an endpoint, sent, and its response
//! parsed into a value or a service error.

use super::endpoint::Endpoint;
use crate::customizations::{self, dynamodb, s3, s3_redirect};
use crate::error::{Error, ErrorKind, RawModeled, ServiceError};
use crate::protocol::event_input::SendFailure;
use crate::protocol::event_stream::Events;
use crate::protocol::{self, Response};
use crate::response::ResponseMetadata;
use crate::schema::{Kind, Operation, Protocol, Service, Shape, EVENT_STREAM, PAYLOAD};
use crate::types::Body;
use crate::types::RawEventStream;
use crate::value::Value;

/// The most of a non-streaming response body read into memory (botocore sets no limit; the
/// largest such responses, DynamoDB's batch reads, are 16 MB).
pub(crate) const MAX_RESPONSE_BODY: usize = 256 << 20;
/// The most of an error response read: codes and messages are small, and a larger body is
/// cut short rather than allowed to fill memory.
pub(crate) const MAX_ERROR_BODY: usize = 1 << 20;

/// A request ready to sign and send, kept across attempts so every retry sends the same bytes.
pub(crate) struct Prepared {
    pub method: http::Method,
    /// Path and query as sent (and signed).
    pub uri: String,
    /// `scheme://authority` + `uri`.
    pub url: String,
    /// Every header but the per-attempt ones (SDK retry headers, signature); `host` included,
    /// as it is signed.
    pub headers: http::HeaderMap,
    /// The body; `None` once a one-shot stream has been sent.
    pub body: Option<Body>,
    /// [`protocol::Request::payload_hash`].
    pub payload_hash: Option<String>,
    /// The hex SHA-256 of the in-memory body, once the first attempt has signed it: every
    /// attempt sends (and signs) the same bytes, so they are hashed once.
    pub body_sha256: std::sync::OnceLock<String>,
    /// An S3 call's region redirect state ([`s3_redirect`]).
    pub redirect: Option<Box<s3_redirect::Redirect>>,
}

impl Prepared {
    /// Applies `endpoint` (host prefix, base path, headers) to a serialized request.
    /// `inject_host_prefix` off leaves the host as the endpoint has it; `user_agent` `None`
    /// sends none (a presigned URL).
    pub(crate) fn new(
        req: protocol::Request,
        endpoint: &Endpoint,
        user_agent: Option<&http::HeaderValue>,
        inject_host_prefix: bool,
    ) -> Result<Prepared, Error<RawModeled>> {
        let authority = match &req.host_prefix {
            Some(p) if inject_host_prefix => format!("{p}{}", endpoint.authority),
            _ => endpoint.authority.clone(),
        };
        // botocore's `_urljoin`: the request path goes after the endpoint's own path (S3's
        // path-style bucket), and an empty path still gets its leading slash.
        // Built by pushes, not `format!`: this runs for every call, and the formatting
        // machinery cost several times the copying.
        let mut uri = String::with_capacity(endpoint.base_path.len() + req.path.len() + 1);
        let first = match endpoint.base_path.as_str() {
            "" => req.path.as_str(),
            base => base,
        };
        if !first.starts_with('/') {
            uri.push('/');
        }
        uri.push_str(&endpoint.base_path);
        uri.push_str(&req.path);
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
        let mut headers = req.headers;
        headers.reserve(endpoint.headers.len() + 3);
        for (name, value) in &endpoint.headers {
            headers.append(name, value.clone());
        }
        let host = http::HeaderValue::try_from(authority.as_str()).map_err(|_| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("the endpoint host {authority:?} is not a valid Host header"),
            )
        })?;
        headers.insert(http::header::HOST, host);
        if let Some(ua) = user_agent {
            headers.insert(http::header::USER_AGENT, ua.clone());
        }
        if let Some(len) = req.body.content_length() {
            let method = &req.method;
            if len > 0
                || *method == http::Method::POST
                || *method == http::Method::PUT
                || *method == http::Method::PATCH
            {
                headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
            }
        }
        Ok(Prepared {
            method: req.method,
            url: [endpoint.scheme.as_str(), "://", &authority, &uri].concat(),
            uri,
            headers,
            body: Some(req.body),
            payload_hash: req.payload_hash,
            body_sha256: std::sync::OnceLock::new(),
            redirect: None,
        })
    }

    /// The body for the next attempt: a copy when in memory, else the stream (once).
    pub(crate) fn take_body(&mut self) -> Option<Body> {
        match self.body.as_ref().and_then(Body::try_clone) {
            Some(copy) => Some(copy),
            None => self.body.take(),
        }
    }

    /// Whether another attempt could resend the body.
    pub(crate) fn replayable(&self) -> bool {
        self.body.is_some()
    }
}

/// Builds the `http::Request` for one attempt from its signed headers.
pub(crate) fn http_request(
    prepared: &Prepared,
    mut headers: http::HeaderMap,
    body: Body,
) -> Result<http::Request<Body>, Error<RawModeled>> {
    // hyper derives Host from the URI authority.
    headers.remove(http::header::HOST);
    let mut request = http::Request::builder()
        .method(prepared.method.clone())
        .uri(&prepared.url)
        .body(body)
        .map_err(|e| {
            Error::new(
                ErrorKind::ParamValidation,
                format!("could not build the HTTP request: {e}"),
            )
        })?;
    *request.headers_mut() = headers;
    Ok(request)
}

/// What the retry loop needs to know about a response, beyond the error it carried.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResponseInfo {
    /// The `Date` header (clock skew, `ttl`).
    pub date: Option<String>,
    /// The `x-amz-retry-after` header (milliseconds).
    pub retry_after: Option<String>,
    /// DynamoDB's `x-amz-crc32` did not match the body.
    pub crc32_mismatch: bool,
    /// When the response head arrived, by the local clock.
    pub received_at: Option<std::time::SystemTime>,
    /// The status code and headers (for a success's [`ResponseMetadata`]).
    pub status: u16,
    pub headers: http::HeaderMap,
    /// The request id found in a query/EC2 success body.
    pub body_request_id: Option<String>,
    /// The `<Region>` of an S3 error body ([`s3_redirect::error_region`]).
    pub error_region: Option<String>,
}

impl ResponseInfo {
    /// boto3's `ResponseMetadata` of a successful response after `attempts` attempts.
    pub fn metadata(self, attempts: u32) -> ResponseMetadata {
        let ResponseInfo {
            status,
            headers,
            body_request_id,
            ..
        } = self;
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        ResponseMetadata {
            request_id: header("x-amzn-requestid")
                .or_else(|| header("x-amz-request-id"))
                .or(body_request_id),
            host_id: header("x-amz-id-2"),
            http_status_code: status,
            retry_attempts: attempts.saturating_sub(1),
            http_headers: headers,
        }
    }
}

/// The `<RequestId>` (query) or `<requestId>` (EC2) element of a success body.
fn body_request_id(protocol: Protocol, body: &[u8]) -> Option<String> {
    let tag = match protocol {
        Protocol::Query => "RequestId>",
        Protocol::Ec2 => "requestId>",
        _ => return None,
    };
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find(&format!("<{tag}"))? + tag.len() + 1;
    let len = text[start..].find('<')?;
    Some(text[start..start + len].trim().to_string())
}

/// A failed attempt: the error, and the response when one arrived.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: Error<RawModeled>,
    pub response: Option<ResponseInfo>,
}

impl From<Error<RawModeled>> for Failure {
    fn from(error: Error<RawModeled>) -> Self {
        Failure {
            error,
            response: None,
        }
    }
}

/// The error that stopped an input event stream, in place of `error` (the connection breaking
/// because of it).
pub(crate) fn events_failed(
    failure: &Option<SendFailure>,
    error: Error<RawModeled>,
) -> Error<RawModeled> {
    match failure.as_ref().and_then(SendFailure::error) {
        Some(cause) => cause.map_modeled(|n| match n {}),
        None => error,
    }
}

/// A parsed response of a call that sends an input event stream: a failure, or the output's
/// event stream failing later, reports why the events stopped when that is what broke it.
// Passes `parse`'s own result through, unboxed like the rest of the attempt path.
#[allow(clippy::result_large_err)]
pub(crate) fn watch_events(
    parsed: Result<(Value, ResponseInfo), Failure>,
    failure: Option<SendFailure>,
) -> Result<(Value, ResponseInfo), Failure> {
    let Some(failure) = failure else {
        return parsed;
    };
    match parsed {
        Ok((mut value, info)) => {
            if let Value::Struct(slots) = &mut value {
                for slot in slots.iter_mut().flatten() {
                    if let Value::EventStream(stream) = slot {
                        stream.watch_sender(failure.clone());
                    }
                }
            }
            Ok((value, info))
        }
        Err(f) => Err(Failure {
            error: events_failed(&Some(failure), f.error),
            response: f.response,
        }),
    }
}

/// Reads and parses a response: the output value, or the service error it carries.
/// `validate`: check the response's checksum (the request enabled validation).
pub(crate) async fn parse(
    service: &'static Service,
    op: &'static Operation,
    protocol: Protocol,
    response: http::Response<Body>,
    validate: bool,
) -> Result<(Value, ResponseInfo), Failure> {
    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut info = ResponseInfo {
        date: header("date"),
        retry_after: header("x-amz-retry-after"),
        crc32_mismatch: false,
        received_at: Some(std::time::SystemTime::now()),
        status,
        headers: parts.headers.clone(),
        body_request_id: None,
        error_region: None,
    };
    let success = (200..300).contains(&status);
    if success {
        if let Some(index) = event_stream_member(op.output) {
            let body = body.ending_turn();
            // Boxed: only event-stream outputs need this state; unboxed it would be part of
            // every call's future.
            return Box::pin(parse_event_stream(
                service,
                op,
                protocol,
                &parts.headers,
                body,
                index,
                info,
            ))
            .await;
        }
    }
    let mut validator = if success && validate {
        protocol::response_checksum::Validator::for_response(op, &parts.headers)
    } else {
        None
    };
    // A streaming payload is handed to the caller unread (and checked as it is read).
    let (payload, bytes) = if success && streaming_payload(op.output) {
        let body = body.ending_turn();
        let body = match validator.take() {
            Some(v) => body.validated_by(v),
            None => body,
        };
        (Some(body), bytes::Bytes::new())
    } else {
        // Read whole, so bounded: an error body only needs its code and message.
        let read = if success {
            body.collect_limited(MAX_RESPONSE_BODY).await
        } else {
            body.collect_truncated(MAX_ERROR_BODY).await
        };
        match read {
            Ok(bytes) => (None, bytes),
            Err(e) => {
                return Err(Failure {
                    error: e.into_error().map_modeled(|n| match n {}),
                    response: Some(info),
                })
            }
        }
    };
    if let Some(mut v) = validator {
        v.update(&bytes);
        if let Err(mismatch) = v.finish() {
            return Err(Failure {
                error: Error::new(ErrorKind::ResponseParse, mismatch.to_string())
                    .with_source(mismatch),
                response: Some(info),
            });
        }
    }
    if payload.is_none()
        && customizations::for_service(service.service_id).response_crc32
        && dynamodb::crc32_mismatch(&parts.headers, &bytes)
    {
        info.crc32_mismatch = true;
        let sent = header(dynamodb::CRC32_HEADER).unwrap_or_default();
        return Err(Failure {
            error: Error::new(
                ErrorKind::ResponseParse,
                format!(
                    "the response body was damaged in transit: its CRC32 is {} but the \
                     x-amz-crc32 header says {sent}",
                    crc32fast::hash(&bytes)
                ),
            ),
            response: Some(info),
        });
    }
    let resp = Response {
        status,
        headers: &parts.headers,
        body: &bytes,
    };
    // S3 can answer 200 with an <Error> body (CopyObject, CompleteMultipartUpload...): botocore
    // turns that into a 500 so it is parsed as an error and retried; so do we.
    if success
        && payload.is_none()
        && protocol::rest_xml::error_in_success(protocol, service, op, &resp)
    {
        let as_500 = Response {
            status: 500,
            ..resp
        };
        return Err(Failure {
            error: service_error(service, op, protocol, &as_500),
            response: Some(info),
        });
    }
    if success {
        info.body_request_id = body_request_id(protocol, &bytes);
        return match protocol::parse_output(protocol, service, op, &resp, payload) {
            Ok(v) => Ok((v, info)),
            // A body that is not even XML (truncated): botocore's `_handle_200_error` retries
            // it as a 500. (Parsing again only on this failure path keeps successes at one
            // parse.)
            Err(_)
                if s3::may_hide_error(protocol, service, op, &resp)
                    && protocol::xml::parse(&bytes).is_err() =>
            {
                let as_500 = Response {
                    status: 500,
                    ..resp
                };
                Err(Failure {
                    error: service_error(service, op, protocol, &as_500),
                    response: Some(info),
                })
            }
            Err(e) => Err(Failure {
                error: Error::new(
                    ErrorKind::ResponseParse,
                    format!("unable to parse the response: {e}"),
                ),
                response: Some(info),
            }),
        };
    }
    info.error_region = s3_redirect::error_region(service, &bytes);
    Err(Failure {
        error: service_error(service, op, protocol, &resp),
        response: Some(info),
    })
}

/// The service error a response carries, with its modeled exception when one matches.
pub(crate) fn service_error(
    service: &'static Service,
    op: &'static Operation,
    protocol: Protocol,
    resp: &Response<'_>,
) -> Error<RawModeled> {
    let parts = protocol::parse_error(protocol, service, op, resp);
    let request_id = parts.request_id.clone().or_else(|| {
        ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"]
            .iter()
            .find_map(|h| resp.header(h).map(str::to_string))
    });
    let modeled = find_modeled(service, &parts.code).and_then(|(index, shape)| {
        protocol::parse_error_shape(protocol, service, shape, resp)
            .ok()
            .map(|value| RawModeled { index, value })
    });
    let code = if parts.code.is_empty() {
        resp.status.to_string()
    } else {
        parts.code
    };
    Error::service(ServiceError {
        code,
        message: parts.message,
        request_id,
        status: resp.status,
        modeled,
    })
}

/// The modeled exception whose error code is `code`.
pub(crate) fn find_modeled(svc: &'static Service, code: &str) -> Option<(usize, &'static Shape)> {
    if code.is_empty() {
        return None;
    }
    svc.errors.iter().enumerate().find_map(|(i, s)| {
        let c = s.error.map(|e| e.code).unwrap_or(s.name);
        (c == code || s.name == code).then_some((i, *s))
    })
}

/// The output member that is an event stream, if any.
fn event_stream_member(output: &'static Shape) -> Option<usize> {
    output
        .members()
        .iter()
        .position(|m| m.target().has(EVENT_STREAM))
}

/// A successful response whose body is an event stream: the output's other members from the
/// headers (rest protocols) or the `initial-response` event (rpc protocols), and the stream,
/// unread, in its member.
async fn parse_event_stream(
    service: &'static Service,
    op: &'static Operation,
    protocol: Protocol,
    headers: &http::HeaderMap,
    body: Body,
    index: usize,
    info: ResponseInfo,
) -> Result<(Value, ResponseInfo), Failure> {
    let events = Events {
        service,
        protocol,
        union: op.output.members()[index].target(),
        operation: op.name,
        status: info.status,
        request_id: ["x-amzn-requestid", "x-amz-request-id"]
            .iter()
            .find_map(|h| headers.get(*h)?.to_str().ok())
            .map(str::to_string),
    };
    let mut stream = RawEventStream::new(body, events);
    let initial = if matches!(protocol, Protocol::Json | Protocol::SmithyRpcV2Cbor) {
        match stream.initial_response().await {
            Ok(payload) => payload.unwrap_or_default(),
            Err(error) => {
                return Err(Failure {
                    error,
                    response: Some(info),
                })
            }
        }
    } else {
        bytes::Bytes::new()
    };
    let resp = Response {
        status: info.status,
        headers,
        body: &initial,
    };
    match protocol::parse_output(protocol, service, op, &resp, None) {
        Ok(mut value) => {
            if let Value::Struct(slots) = &mut value {
                slots.resize_with(slots.len().max(index + 1), || None);
                slots[index] = Some(Value::EventStream(Box::new(stream)));
            }
            Ok((value, info))
        }
        Err(e) => Err(Failure {
            error: Error::new(
                ErrorKind::ResponseParse,
                format!("unable to parse the response: {e}"),
            ),
            response: Some(info),
        }),
    }
}

/// Whether the output's payload member is a stream (S3 GetObject's `Body`).
fn streaming_payload(output: &'static Shape) -> bool {
    match output.kind {
        Kind::Structure(members) => members.iter().any(|m| m.has(PAYLOAD) && m.is_streaming()),
        _ => false,
    }
}

#[cfg(test)]
mod event_stream_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude as p, HttpChecksum, Member};

    static OUTPUT: Shape = Shape::structure("GetThingOutput", &[Member::new("Name", &p::STRING)]);
    static CHECKSUM: HttpChecksum = HttpChecksum {
        request_algorithm_member: None,
        request_validation_mode_member: Some("ChecksumMode"),
        response_algorithms: &["CRC32", "SHA256"],
    };
    static GET_THING: Operation =
        Operation::new("GetThing", "GET", "/thing", &p::UNIT, &OUTPUT).checksum(&CHECKSUM);
    static SERVICE: Service = Service {
        name: "thing",
        service_id: "Thing",
        api_version: "2024-01-01",
        endpoint_prefix: "thing",
        signing_name: "thing",
        protocol: Protocol::RestXml,
        protocols: &[Protocol::RestXml],
        ..Service::BLANK
    };
    const BODY: &str = "<GetThingOutput><Name>x</Name></GetThingOutput>";

    async fn parse_with(checksum: Option<(&str, &str)>) -> Result<Value, Failure> {
        let mut response = http::Response::builder().status(200);
        if let Some((name, value)) = checksum {
            response = response.header(name, value);
        }
        let response = response.body(Body::from(BODY)).unwrap();
        parse(&SERVICE, &GET_THING, Protocol::RestXml, response, true)
            .await
            .map(|(v, _)| v)
    }

    /// A buffered (non-streaming) output is checked before it is parsed, as botocore's
    /// `_handle_bytes_response` does.
    #[tokio::test]
    async fn buffered_responses_are_checked_before_parsing() {
        let crc = crate::protocol::checksum::Algorithm::Crc32.digest_base64(BODY.as_bytes());
        assert!(parse_with(Some(("x-amz-checksum-crc32", &crc)))
            .await
            .is_ok());
        assert!(parse_with(None).await.is_ok());
        let failure = parse_with(Some(("x-amz-checksum-crc32", "AAAAAA==")))
            .await
            .expect_err("damaged");
        assert_eq!(failure.error.kind(), ErrorKind::ResponseParse);
        assert!(!failure.error.is_retryable());
        assert!(
            failure
                .error
                .to_string()
                .contains("did not match calculated checksum"),
            "{}",
            failure.error
        );
    }
}
