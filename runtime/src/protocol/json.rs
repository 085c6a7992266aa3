//! The `json` protocol (awsJson 1.0 and 1.1), mirroring botocore 1.44.5's `JSONSerializer` and
//! `JSONParser`.
//!
//! Every request is `POST /` with `X-Amz-Target: {targetPrefix}.{Operation}` and a JSON object of
//! the set input members. As in botocore, member `location`s are ignored: this protocol has no
//! HTTP bindings, so every member (even one modeled with `location: header`) is written to and
//! read from the body under its `locationName`, else its member name.
//!
//! Errors follow botocore too: the code is the body's `__type` (namespace and `:uri` suffix
//! stripped) else the HTTP status, replaced by the first field of `x-amzn-query-error` when
//! present; the `X-Amzn-Errortype` header and a body `code` are not consulted (botocore skips
//! those protocol tests).

use super::token::new_idempotency_token;
use super::{ErrorParts, ParseError, Request, Response, SerializeError};
use crate::schema::{
    Kind, Operation, Service, Shape, DOCUMENT, EVENT_STREAM, HOST_LABEL, IDEMPOTENCY_TOKEN, PAYLOAD,
};
use crate::types::Body;
use crate::value::Value;
use serde_json::Value as Json;

// Shared with rest-json, whose body rules are the same.
pub(crate) mod de;
pub(crate) mod ser;
#[cfg(test)]
mod suite_tests;

#[cfg(test)]
use de::timestamp_from_number;
use de::{empty_slots, parse_body};
use ser::write_value;

/// Deepest nesting of structures, lists and maps accepted in either direction.
const MAX_DEPTH: usize = 100;

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

/// Serializes `input` as an awsJson request.
pub fn serialize(
    service: &'static Service,
    op: &'static Operation,
    input: Value,
) -> Result<Request, SerializeError> {
    let target_prefix = service.target_prefix.ok_or_else(|| {
        SerializeError(format!(
            "service {} has no targetPrefix for the json protocol",
            service.name
        ))
    })?;
    let json_version = service.json_version.unwrap_or("1.0");

    let mut input = input;
    fill_idempotency_tokens(op.input, &mut input);
    let host_prefix = expand_host_prefix(op, &input)?;

    let mut req = Request::new(op.method, "/");
    req.headers.push((
        "X-Amz-Target".into(),
        format!("{target_prefix}.{}", op.name),
    ));
    req.headers.push((
        "Content-Type".into(),
        format!("application/x-amz-json-{json_version}"),
    ));
    if service.query_compatible {
        req.headers
            .push(("x-amzn-query-mode".into(), "true".into()));
    }

    let mut buf = Vec::with_capacity(64);
    match &input {
        // An input with nothing set (or an operation without input) is still `{}`.
        Value::Struct(_) => write_value(&mut buf, op.input, None, &input, 0)
            .map_err(|f| SerializeError(f.render(op.input.name)))?,
        other => {
            return Err(SerializeError(format!(
                "{}: expected structure, found {}",
                op.input.name,
                other.type_name()
            )))
        }
    }
    req.body = Body::from(buf);
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

/// Parses a successful awsJson response into the operation's output structure.
pub fn parse_output(
    _service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
    payload: Option<Body>,
) -> Result<Value, ParseError> {
    let shape = op.output;
    let members = shape.members();
    if let Some(m) = members.iter().find(|m| m.target.has(EVENT_STREAM)) {
        return Err(ParseError(format!(
            "{}: event stream responses ({}.{}) are not supported by the json protocol yet",
            op.name, shape.name, m.name
        )));
    }
    // botocore's JSON parser has no payload members; should a model stream one anyway, hand it
    // over rather than lose it.
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

/// Parses the members of a modeled exception from its JSON body.
pub fn parse_error_shape(
    _service: &'static Service,
    shape: &'static Shape,
    response: &Response<'_>,
) -> Result<Value, ParseError> {
    parse_body(shape, response.body)
}

/// Code, message and request id of an error response (botocore's `BaseJSONParser._do_error_parse`
/// and the generic 5xx handling of `ResponseParser.parse`). Never fails.
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
        match serde_json::from_slice::<Json>(response.body) {
            Ok(Json::Object(body)) => {
                if let Some(Json::String(t)) = body.get("__type") {
                    code = strip_error_code(t).to_string();
                }
                // `message` wins even when null, as in botocore's `body.get('message', ...)`.
                let m = match body.get("message") {
                    Some(m) => Some(m),
                    None => body.get("Message"),
                };
                message = match m {
                    Some(Json::String(s)) => Some(s.clone()),
                    Some(Json::Null) | None => None,
                    Some(other) => Some(other.to_string()),
                };
            }
            Ok(_) => {}
            // botocore keeps an unparseable body as the message.
            Err(_) => message = Some(String::from_utf8_lossy(response.body).into_owned()),
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

/// `aws.protocoltests.restjson#FooError:http://...` → `FooError`.
fn strip_error_code(code: &str) -> &str {
    let code = code.split_once(':').map_or(code, |(c, _)| c);
    code.rsplit_once('#').map_or(code, |(_, c)| c)
}

#[cfg(test)]
mod tests;
