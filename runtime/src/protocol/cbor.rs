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

use super::codec::rpc_output_outside_body;
use super::errors::strip_error_code;
use super::errors::{amzn_request_id, apply_query_error, from_status, is_generic_error};
use super::token::fill_idempotency_tokens;
use super::{
    expand_host_prefix, struct_slots, ErrorParts, ParseError, Request, Response, SerializeError,
};
use crate::schema::{Operation, Service, Shape, EVENT_STREAM};
use crate::types::Body;
use crate::value::Value;

pub(crate) mod de;
pub(crate) mod ser;
#[cfg(test)]
mod tests;

use de::{parse_body, scan_error_body};
use ser::write_value;

/// The media type of requests and responses.
const CBOR_MEDIA_TYPE: &str = "application/cbor";
/// The media type when the input or output is an event stream.
const EVENT_STREAM_MEDIA_TYPE: &str = "application/vnd.amazon.eventstream";

fn has_event_stream(shape: &Shape) -> bool {
    shape.members().iter().any(|m| m.target().has(EVENT_STREAM))
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
    let host_prefix = expand_host_prefix(op, struct_slots(&input))?;

    let mut req = Request::new(
        super::method_of(op)?,
        format!("/service/{service_name}/operation/{}", op.name),
    );
    req.headers.insert(
        http::HeaderName::from_static("smithy-protocol"),
        http::HeaderValue::from_static("rpc-v2-cbor"),
    );
    if service.query_compatible {
        req.headers
            .insert(super::QUERY_MODE, http::HeaderValue::from_static("true"));
    }
    let accept = if has_event_stream(op.output) {
        EVENT_STREAM_MEDIA_TYPE
    } else {
        CBOR_MEDIA_TYPE
    };
    req.headers
        .insert(http::header::ACCEPT, http::HeaderValue::from_static(accept));

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
        req.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(content_type),
        );
        req.body = Body::from(buf);
    }
    req.host_prefix = host_prefix;
    Ok(req)
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
    // botocore's `_do_parse` never looks at the body of an operation without output.
    if is_unit(op.output) {
        return Ok(Value::Struct(Vec::new()));
    }
    match rpc_output_outside_body(op, payload)? {
        Some(v) => Ok(v),
        None => parse_body(op.output, response.body),
    }
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
    let request_id = amzn_request_id(response);
    // A proxy or load balancer answering instead of the service.
    if is_generic_error(response) {
        return from_status(status, request_id);
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
    apply_query_error(response, &mut code, &mut fault);
    ErrorParts {
        code,
        message,
        request_id,
        fault,
    }
}

/// Whether an operation has no input (or output) shape: botocore models that as `None`,
/// generated code points at `prelude::UNIT`.
fn is_unit(shape: &'static Shape) -> bool {
    std::ptr::eq(shape, &crate::schema::prelude::UNIT)
}
