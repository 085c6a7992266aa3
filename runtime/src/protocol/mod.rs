//! The wire protocols, each written once and driven by `schema` metadata.
//!
//! A protocol turns an operation's input [`Value`] into a [`Request`] (method, path, query,
//! headers, body: the seam between protocols and HTTP, like botocore's request dict) and a raw
//! [`Response`] back into a `Value` or the parts of a service error. Nothing here does I/O.
//! AWS's protocol suites test them through generated code and the whole request pipeline
//! (`cargo xtask conformance protocol`, `tests/tests/protocol_suites.rs`).
//!
//! What botocore does the same way for every protocol is written once beside them: scalar text
//! forms ([`format`]), error-response conventions (`errors`), idempotency tokens (`token`),
//! `hostPrefix` expansion (`expand_host_prefix`) and the JSON/CBOR codecs' shared parts
//! (`codec`).

pub(crate) mod aws_chunked;
#[cfg(feature = "cbor")]
pub mod cbor;
pub(crate) mod checksum;
mod codec;
mod errors;
pub mod event_input;
pub mod event_stream;
mod format;
pub mod json;
mod json_value;
pub mod query;
pub(crate) mod response_checksum;
pub mod rest;
pub mod rest_json;
pub mod rest_xml;
pub(crate) mod token;
pub mod xml;

use crate::schema::{Member, Operation, Protocol, Service, Shape, HOST_LABEL};
use crate::types::Body;
use crate::value::Value;

/// A serialized request, before endpoint resolution and signing.
#[derive(Debug)]
pub struct Request {
    pub method: http::Method,
    /// Path, already percent-encoded, starting with `/`.
    pub path: String,
    /// Query parameters, not yet encoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers, typed from the start: a value that could not go on the wire is refused where
    /// it is serialized, naming its member.
    pub headers: http::HeaderMap,
    pub body: Body,
    /// The expanded `hostPrefix` (e.g. `data-`), to prepend to the endpoint host.
    pub host_prefix: Option<String>,
    /// The checksum owed for a body that is not in memory: whether it goes in a header or an
    /// `aws-chunked` trailer depends on the endpoint's scheme, unknown while serializing.
    pub(crate) streamed_checksum: Option<checksum::Algorithm>,
    /// The payload hash to sign when the body cannot be hashed from memory: the SHA-256 of a
    /// body read ahead, or `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    pub(crate) payload_hash: Option<String>,
}

impl Request {
    pub fn new(method: http::Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: http::HeaderMap::new(),
            body: Body::empty(),
            host_prefix: None,
            streamed_checksum: None,
            payload_hash: None,
        }
    }

    /// The first header named `name` (ASCII case-insensitive), as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
    }
}

/// A header name from the model (a `'static` string): borrowed without copying when it is
/// already in the lower-case form `http` keeps names in, parsed (and copied) otherwise.
pub(crate) fn static_header_name(
    name: &'static str,
) -> Result<http::HeaderName, http::header::InvalidHeaderName> {
    if crate::sigv4::is_lower_token(name) {
        Ok(http::HeaderName::from_static(name))
    } else {
        http::HeaderName::try_from(name)
    }
}

/// `x-amzn-query-mode: true`, sent by query-compatible JSON and CBOR services.
pub(crate) const QUERY_MODE: http::HeaderName = http::HeaderName::from_static("x-amzn-query-mode");

/// The HTTP method an operation is modeled with (`POST` when the model names none).
pub(crate) fn method_of(op: &Operation) -> Result<http::Method, SerializeError> {
    if op.method.is_empty() {
        return Ok(http::Method::POST);
    }
    // The standard methods parse without allocating.
    http::Method::from_bytes(op.method.as_bytes()).map_err(|_| {
        SerializeError(format!(
            "{}: the model's HTTP method {:?} is not a valid method",
            op.name, op.method
        ))
    })
}

/// A header value from text that came from the caller or the model; `what` names where it came
/// from (`Shape.Member`) for the error when the text cannot be sent (a newline, say).
pub(crate) fn header_value(
    what: impl std::fmt::Display,
    value: String,
) -> Result<http::HeaderValue, SerializeError> {
    http::HeaderValue::try_from(value).map_err(|_| {
        SerializeError(format!(
            "{what}: not a valid HTTP header value (control characters such as a newline \
             cannot be sent in a header)"
        ))
    })
}

/// A response as the protocols see it: status, headers and the whole body (streaming payloads
/// are handed over separately, see [`parse_output`]).
#[derive(Debug)]
pub struct Response<'a> {
    pub status: u16,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

impl Response<'_> {
    /// A header's value as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Input that cannot be serialized (a member of the wrong type, a missing URI label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializeError(pub String);

/// A response that cannot be parsed (malformed body, wrong types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for SerializeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerializeError {}
impl std::error::Error for ParseError {}

/// The parts of a service error every protocol can extract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorParts {
    pub code: String,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// `Sender` or `Receiver` where the protocol says (query `Type`, `x-amzn-query-error`).
    pub fault: Option<String>,
}

/// Expands `endpoint.hostPrefix` with the input's `hostLabel` members (botocore's
/// `_expand_host_prefix`): each must match `^[A-Za-z0-9.-]+$`.
pub(crate) fn expand_host_prefix(
    op: &'static Operation,
    slots: &[Option<Value>],
) -> Result<Option<String>, SerializeError> {
    let Some(template) = op.host_prefix else {
        return Ok(None);
    };
    let mut prefix = template.to_string();
    let mut bad = Vec::new();
    for (i, m) in op.input.members().iter().enumerate() {
        if !m.has(HOST_LABEL) {
            continue;
        }
        match slots.get(i).and_then(Option::as_ref) {
            Some(Value::Str(s))
                if !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') =>
            {
                prefix = prefix.replace(&format!("{{{}}}", m.name), s);
            }
            _ => bad.push(m.name),
        }
    }
    if !bad.is_empty() {
        return Err(SerializeError(format!(
            "Invalid value for parameter(s): {}. Must contain only alphanumeric characters, \
             hyphen, or period.",
            bad.join(", ")
        )));
    }
    Ok(Some(prefix))
}

/// The member slots of a structure value; anything else has none.
pub(crate) fn struct_slots(value: &Value) -> &[Option<Value>] {
    match value {
        Value::Struct(s) => s,
        _ => &[],
    }
}

/// A structure value of `members` with nothing set.
pub(crate) fn empty_slots(members: &[Member]) -> Vec<Option<Value>> {
    members.iter().map(|_| None).collect()
}

/// Why a `smithy-rpc-v2-cbor` call cannot go ahead in a build without the runtime's `cbor`
/// feature. (A service's generated crate turns the feature on when the service speaks CBOR, so
/// only code driving the runtime directly meets this.)
#[cfg(not(feature = "cbor"))]
pub(crate) fn cbor_missing() -> String {
    "this service speaks smithy-rpc-v2-cbor, and rboto was built without its `cbor` feature \
     (enable `rboto/cbor`)"
        .to_string()
}

/// Serializes an operation's input for `protocol`, with botocore's default checksum
/// settings.
pub fn serialize(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    input: Value,
) -> Result<Request, SerializeError> {
    serialize_with(
        protocol,
        service,
        op,
        input,
        checksum::ChecksumPolicy::default(),
    )
}

/// [`serialize`] with the client's checksum settings.
pub(crate) fn serialize_with(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    mut input: Value,
    checksums: checksum::ChecksumPolicy,
) -> Result<Request, SerializeError> {
    json_value::to_text(op.input, &mut input)?;
    crate::customizations::s3::prepare_sse_c(service, op, &mut input);
    match protocol {
        Protocol::Json => json::serialize(service, op, input),
        Protocol::RestJson => rest::serialize(rest::BodyFormat::Json, op, input, checksums),
        Protocol::RestXml => rest::serialize(rest::BodyFormat::Xml, op, input, checksums),
        #[cfg(feature = "cbor")]
        Protocol::SmithyRpcV2Cbor => cbor::serialize(service, op, input),
        #[cfg(not(feature = "cbor"))]
        Protocol::SmithyRpcV2Cbor => Err(SerializeError(cbor_missing())),
        Protocol::Query | Protocol::Ec2 => query::serialize(protocol, service, op, input),
    }
}

/// Parses a successful response; `payload` is the unread body when the output streams.
pub fn parse_output(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
    payload: Option<Body>,
) -> Result<Value, ParseError> {
    let mut value = match protocol {
        Protocol::Json => json::parse_output(service, op, response, payload),
        Protocol::RestJson => rest_json::parse_output(service, op, response, payload),
        Protocol::RestXml => rest_xml::parse_output(service, op, response, payload),
        #[cfg(feature = "cbor")]
        Protocol::SmithyRpcV2Cbor => cbor::parse_output(service, op, response, payload),
        #[cfg(not(feature = "cbor"))]
        Protocol::SmithyRpcV2Cbor => Err(ParseError(cbor_missing())),
        Protocol::Query | Protocol::Ec2 => {
            query::parse_output(protocol, service, op, response, payload)
        }
    }?;
    json_value::to_documents(op.output, &mut value)?;
    Ok(value)
}

/// Extracts code, message and request id from an error response. Never fails: an unparseable
/// error body still yields the HTTP status as its code.
pub fn parse_error(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
) -> ErrorParts {
    match protocol {
        Protocol::Json => json::parse_error(service, op, response),
        Protocol::RestJson => rest_json::parse_error(service, op, response),
        Protocol::RestXml => rest_xml::parse_error(service, op, response),
        #[cfg(feature = "cbor")]
        Protocol::SmithyRpcV2Cbor => cbor::parse_error(service, op, response),
        #[cfg(not(feature = "cbor"))]
        Protocol::SmithyRpcV2Cbor => ErrorParts {
            message: Some(cbor_missing()),
            ..errors::from_status(response.status, errors::amzn_request_id(response))
        },
        Protocol::Query | Protocol::Ec2 => query::parse_error(protocol, service, op, response),
    }
}

/// Parses the members of modeled exception `shape` from an error response.
pub fn parse_error_shape(
    protocol: Protocol,
    service: &'static Service,
    shape: &'static Shape,
    response: &Response<'_>,
) -> Result<Value, ParseError> {
    let mut value = match protocol {
        Protocol::Json => json::parse_error_shape(service, shape, response),
        Protocol::RestJson => rest_json::parse_error_shape(service, shape, response),
        Protocol::RestXml => rest_xml::parse_error_shape(service, shape, response),
        #[cfg(feature = "cbor")]
        Protocol::SmithyRpcV2Cbor => cbor::parse_error_shape(service, shape, response),
        #[cfg(not(feature = "cbor"))]
        Protocol::SmithyRpcV2Cbor => Err(ParseError(cbor_missing())),
        Protocol::Query | Protocol::Ec2 => {
            query::parse_error_shape(protocol, service, shape, response)
        }
    }?;
    json_value::to_documents(shape, &mut value)?;
    Ok(value)
}
