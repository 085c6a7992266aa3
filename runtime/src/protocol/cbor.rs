//! The `smithy-rpc-v2-cbor` protocol (Smithy RPC v2 CBOR), mirroring botocore 1.44.5's
//! `RpcV2CBORSerializer` and `RpcV2CBORParser`.
//!
//! Every request is `POST /service/{targetPrefix}/operation/{Operation}` (botocore reads the
//! service name from `metadata.targetPrefix`, the last segment of the Smithy service shape id)
//! with `smithy-protocol: rpc-v2-cbor` and `Accept: application/cbor`. The body is a CBOR map of
//! the set input members under their `locationName`, else their member name; an operation
//! without an input shape sends no body and no `Content-Type`, while an input with nothing set is
//! still the empty map `a0`. As in the json protocol, member `location`s are ignored.
//!
//! Encoding follows botocore's `CBORSerializer` byte for byte: integers in their shortest form,
//! `float` shapes as single and `double` shapes as double precision, NaN and the infinities as
//! half-precision floats, blobs as byte strings, timestamps as tag 1 around integer epoch seconds
//! (a double when there are microseconds), whatever the modeled `timestampFormat`. botocore has
//! no encoder for `byte`, `short`, `bigInteger`, `bigDecimal` or documents; this one writes them
//! as the Smithy RPC v2 CBOR specification says (integers, tag 4 decimal fractions, plain CBOR).
//!
//! Responses are decoded straight into a [`Value`] by schema with `minicbor`'s streaming
//! decoder: definite and indefinite lengths, every integer width, half/single/double floats, tag
//! 1 timestamps (plus tags 2/3/4 for big numbers, which botocore rejects). Like botocore, body
//! members are looked up by their *member* name, nulls mean absent, unknown keys are skipped, and
//! an operation without an output shape never reads the body. Malformed, truncated or hostile
//! input (huge length prefixes, deep nesting) yields a [`ParseError`] naming the member path.
//!
//! Errors: the code is the body's `__type` (namespace and `:uri` suffix stripped) else the HTTP
//! status, replaced by the first field of `x-amzn-query-error` on query-compatible services, whose
//! second field (`Sender`/`Receiver`) becomes [`ErrorParts::fault`]; the message is `message`,
//! else `Message`.

use super::token::new_idempotency_token;
use super::{ErrorParts, ParseError, Request, Response, SerializeError};
use crate::schema::{
    prelude, Kind, Operation, Service, Shape, DOCUMENT, EVENT_STREAM, HOST_LABEL,
    IDEMPOTENCY_TOKEN, PAYLOAD,
};
use crate::types::Body;
use crate::value::Value;

mod de;
mod ser;
#[cfg(test)]
mod suite_tests;
#[cfg(test)]
mod tests;

use de::{empty_slots, parse_body, scan_error_body};
use ser::write_value;

/// Deepest nesting of structures, lists, maps and documents accepted in either direction.
const MAX_DEPTH: usize = 100;

/// The media type of requests and responses.
const CBOR_MEDIA_TYPE: &str = "application/cbor";
/// The media type when the input or output is an event stream.
const EVENT_STREAM_MEDIA_TYPE: &str = "application/vnd.amazon.eventstream";

/// A failure deep in a value; the path is collected on the way back up.
struct Fail {
    /// Path segments, innermost first.
    path: Vec<String>,
    msg: String,
}

impl Fail {
    fn new(msg: impl Into<String>) -> Fail {
        Fail {
            path: Vec::new(),
            msg: msg.into(),
        }
    }
    fn at(mut self, segment: String) -> Fail {
        self.path.push(segment);
        self
    }
    fn render(self, root: &str) -> String {
        let mut s = root.to_string();
        for seg in self.path.iter().rev() {
            s.push_str(seg);
        }
        format!("{s}: {}", self.msg)
    }
}

fn too_deep() -> Fail {
    Fail::new(format!("nested deeper than {MAX_DEPTH} levels"))
}

fn is_document(shape: &Shape) -> bool {
    matches!(shape.kind, Kind::Document) || shape.has(DOCUMENT)
}

/// botocore models "no input/output shape" as `None`; generated code points at `prelude::UNIT`.
fn is_unit(shape: &'static Shape) -> bool {
    std::ptr::eq(shape, &prelude::UNIT)
}

fn has_event_stream(shape: &Shape) -> bool {
    shape.members().iter().any(|m| m.target.has(EVENT_STREAM))
}

fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Structure(_) => "structure",
        Kind::Union(_) => "union",
        Kind::List(_) => "list",
        Kind::Map(..) => "map",
        Kind::String => "string",
        Kind::Boolean => "boolean",
        Kind::Byte => "byte",
        Kind::Short => "short",
        Kind::Integer => "integer",
        Kind::Long => "long",
        Kind::Float => "float",
        Kind::Double => "double",
        Kind::BigInteger => "big integer",
        Kind::BigDecimal => "big decimal",
        Kind::Blob => "blob",
        Kind::Timestamp => "timestamp",
        Kind::Document => "document",
    }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// Serializes `input` as a Smithy RPC v2 CBOR request.
pub fn serialize(
    service: &'static Service,
    op: &'static Operation,
    input: Value,
) -> Result<Request, SerializeError> {
    let service_name = service.target_prefix.ok_or_else(|| {
        SerializeError(format!(
            "service {} has no targetPrefix, which names it in smithy-rpc-v2-cbor request paths",
            service.name
        ))
    })?;

    let mut input = input;
    fill_idempotency_tokens(op.input, &mut input);
    let host_prefix = expand_host_prefix(op, &input)?;

    let mut req = Request::new(
        op.method,
        format!("/service/{service_name}/operation/{}", op.name),
    );
    req.headers
        .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
    if service.query_compatible {
        req.headers
            .push(("x-amzn-query-mode".into(), "true".into()));
    }
    let accept = if has_event_stream(op.output) {
        EVENT_STREAM_MEDIA_TYPE
    } else {
        CBOR_MEDIA_TYPE
    };
    req.headers.push(("Accept".into(), accept.into()));

    // No input shape: no body, and so no Content-Type (botocore's `has_body` check).
    if !is_unit(op.input) {
        let buf = match &input {
            Value::Struct(_) => {
                let mut buf = Vec::with_capacity(64);
                write_value(&mut buf, op.input, &input, 0)
                    .map_err(|f| SerializeError(f.render(op.input.name)))?;
                buf
            }
            other => {
                return Err(SerializeError(format!(
                    "{}: expected structure, found {}",
                    op.input.name,
                    other.type_name()
                )))
            }
        };
        let content_type = if has_event_stream(op.input) {
            EVENT_STREAM_MEDIA_TYPE
        } else {
            CBOR_MEDIA_TYPE
        };
        req.headers
            .push(("Content-Type".into(), content_type.into()));
        req.body = Body::from(buf);
    }
    req.host_prefix = host_prefix;
    Ok(req)
}

/// Sets every unset top-level `idempotencyToken` member to a fresh UUID, as botocore's
/// `generate_idempotent_uuid` handler does.
fn fill_idempotency_tokens(shape: &'static Shape, input: &mut Value) {
    let members = shape.members();
    if !members.iter().any(|m| m.has(IDEMPOTENCY_TOKEN)) {
        return;
    }
    if let Value::Struct(slots) = input {
        if slots.len() < members.len() {
            slots.resize_with(members.len(), || None);
        }
        for (m, slot) in members.iter().zip(slots.iter_mut()) {
            if m.has(IDEMPOTENCY_TOKEN) && slot.is_none() {
                *slot = Some(Value::Str(new_idempotency_token()));
            }
        }
    }
}

/// Expands `endpoint.hostPrefix` with the input's `hostLabel` members (botocore's
/// `_expand_host_prefix`).
fn expand_host_prefix(
    op: &'static Operation,
    input: &Value,
) -> Result<Option<String>, SerializeError> {
    let Some(template) = op.host_prefix else {
        return Ok(None);
    };
    let slots: &[Option<Value>] = match input {
        Value::Struct(s) => s,
        _ => &[],
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

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// Parses a successful response into the operation's output structure.
pub fn parse_output(
    _service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
    payload: Option<Body>,
) -> Result<Value, ParseError> {
    let shape = op.output;
    let members = shape.members();
    // botocore's `_do_parse` never looks at the body of an operation without output.
    if is_unit(shape) {
        return Ok(Value::Struct(Vec::new()));
    }
    if let Some(m) = members.iter().find(|m| m.target.has(EVENT_STREAM)) {
        return Err(ParseError(format!(
            "{}: event stream responses ({}.{}) are not supported by the smithy-rpc-v2-cbor \
             protocol yet",
            op.name, shape.name, m.name
        )));
    }
    // RPC v2 has no payload members; should a model stream one anyway, hand it over rather than
    // lose it.
    if let Some(body) = payload {
        if let Some(i) = members
            .iter()
            .position(|m| m.has(PAYLOAD) && m.is_streaming())
        {
            let mut slots = empty_slots(members);
            slots[i] = Some(Value::Body(body));
            return Ok(Value::Struct(slots));
        }
    }
    parse_body(shape, response.body)
}

/// Parses the members of a modeled exception from its CBOR body.
pub fn parse_error_shape(
    _service: &'static Service,
    shape: &'static Shape,
    response: &Response<'_>,
) -> Result<Value, ParseError> {
    parse_body(shape, response.body)
}

/// Code, message and request id of an error response (botocore's
/// `RpcV2CBORParser._do_error_parse` and the generic 5xx handling of `ResponseParser.parse`).
/// Never fails.
pub fn parse_error(
    _service: &'static Service,
    _op: &'static Operation,
    response: &Response<'_>,
) -> ErrorParts {
    let status = response.status;
    let request_id = response.header("x-amzn-requestid").map(str::to_string);
    let trimmed = response.body.trim_ascii();

    // A proxy or load balancer answering instead of the service.
    if status >= 500 && (trimmed.is_empty() || trimmed.starts_with(b"<html>")) {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(str::to_string);
        return ErrorParts {
            code: status.to_string(),
            message: reason,
            request_id,
            fault: None,
        };
    }

    let mut code = status.to_string();
    let mut message = None;
    let mut fault = None;
    if !response.body.is_empty() {
        match scan_error_body(response.body) {
            Ok(fields) => {
                if let Some(t) = fields.type_ {
                    code = strip_error_code(&t).to_string();
                }
                message = fields.message.or(fields.message_upper);
            }
            // botocore raises here; a readable body (a proxy's text) is kept as the message.
            Err(_) => {
                message = std::str::from_utf8(response.body)
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
        }
    }
    if let Some(q) = response.header("x-amzn-query-error") {
        let mut parts = q.split(';');
        if let (Some(first), Some(kind), None) = (parts.next(), parts.next(), parts.next()) {
            if !first.is_empty() {
                code = first.to_string();
                fault = Some(kind.to_string());
            }
        }
    }
    ErrorParts {
        code,
        message,
        request_id,
        fault,
    }
}

/// `smithy.protocoltests.rpcv2Cbor#FooError:http://...` → `FooError`.
fn strip_error_code(code: &str) -> &str {
    let code = code.split_once(':').map_or(code, |(c, _)| c);
    code.rsplit_once('#').map_or(code, |(_, c)| c)
}
