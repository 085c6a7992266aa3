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

use super::codec::rpc_output_outside_body;
use super::errors::strip_error_code;
use super::errors::{amzn_request_id, apply_query_error, from_status, is_generic_error};
use super::token::fill_idempotency_tokens;
use super::{
    expand_host_prefix, struct_slots, ErrorParts, ParseError, Request, Response, SerializeError,
};
use crate::schema::{Operation, Service, Shape};
use crate::types::Body;
use crate::value::Value;
use serde_json::Value as Json;

// Shared with rest-json, whose body rules are the same.
pub(crate) mod de;
pub(crate) mod ser;

use de::parse_body;
use ser::write_value;

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
    let host_prefix = expand_host_prefix(op, struct_slots(&input))?;

    let mut req = Request::new(super::method_of(op)?, "/");
    req.headers.insert(
        X_AMZ_TARGET,
        super::header_value(
            format_args!("{}: targetPrefix", service.name),
            // Joined rather than `format!`ed: this runs for every call.
            [target_prefix, ".", op.name].concat(),
        )?,
    );
    let content_type = match json_version {
        "1.0" => http::HeaderValue::from_static("application/x-amz-json-1.0"),
        "1.1" => http::HeaderValue::from_static("application/x-amz-json-1.1"),
        v => super::header_value(
            format_args!("{}: jsonVersion", service.name),
            format!("application/x-amz-json-{v}"),
        )?,
    };
    req.headers.insert(http::header::CONTENT_TYPE, content_type);
    if service.query_compatible {
        req.headers
            .insert(super::QUERY_MODE, http::HeaderValue::from_static("true"));
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

const X_AMZ_TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");

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
    match rpc_output_outside_body(op, payload)? {
        Some(v) => Ok(v),
        None => parse_body(op.output, response.body),
    }
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
    let request_id = amzn_request_id(response);
    // A proxy or load balancer answering instead of the service.
    if is_generic_error(response) {
        return from_status(status, request_id);
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
    apply_query_error(response, &mut code, &mut fault);
    ErrorParts {
        code,
        message,
        request_id,
        fault,
    }
}

#[cfg(test)]
mod tests;
