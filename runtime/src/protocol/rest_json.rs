//! The `rest-json` protocol, as botocore 1.44.5's `RestJSONSerializer` and `RestJSONParser`.
//!
//! HTTP bindings come from [`super::rest`]; the body is JSON written and read by the same rules
//! as awsJson ([`super::json`]). A JSON body gets `Content-Type: application/json` (unless the
//! caller bound one); a raw blob/string payload gets none; an input with body members but none
//! set sends `{}`, as does an unset structure payload.
//!
//! Errors: the code is the `x-amzn-errortype` header, else the body's `code`/`Code`, else its
//! `__type`, else the HTTP status (namespace `…#` and `:…` suffix stripped); the message is
//! `message`/`Message`. A 5xx with an empty or HTML body is a generic error named by its status.

use super::errors::strip_error_code;
use super::errors::{amzn_request_id, apply_query_error, from_status, is_generic_error};
use super::rest::{self, BodyFormat};
use super::{ErrorParts, ParseError, Request, Response, SerializeError};
use crate::schema::{Operation, Service, Shape};
use crate::types::Body;
use crate::value::Value;
use serde_json::Value as Json;

/// Serializes `input` as a rest-json request.
pub fn serialize(
    _service: &'static Service,
    op: &'static Operation,
    input: Value,
) -> Result<Request, SerializeError> {
    rest::serialize(BodyFormat::Json, op, input, Default::default())
}

/// Parses a successful response into the operation's output structure.
pub fn parse_output(
    _service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
    payload: Option<Body>,
) -> Result<Value, ParseError> {
    rest::parse_shape(op.output, response, payload, BodyFormat::Json)
}

/// Parses the members of modeled exception `shape`: body members and header-bound members.
pub fn parse_error_shape(
    _service: &'static Service,
    shape: &'static Shape,
    response: &Response<'_>,
) -> Result<Value, ParseError> {
    rest::parse_shape(shape, response, None, BodyFormat::Json)
}

fn text_of(j: &Json) -> Option<String> {
    match j {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Code, message and request id of an error response (botocore's `BaseJSONParser._do_error_parse`
/// plus `RestJSONParser._inject_error_code`). Never fails.
pub fn parse_error(
    _service: &'static Service,
    _op: &'static Operation,
    response: &Response<'_>,
) -> ErrorParts {
    let status = response.status;
    let request_id = amzn_request_id(response);
    if is_generic_error(response) {
        return from_status(status, request_id);
    }
    // botocore keeps an unparseable body as the message.
    let body: serde_json::Map<String, Json> = if response.body.is_empty() {
        serde_json::Map::new()
    } else {
        match serde_json::from_slice::<Json>(response.body) {
            Ok(Json::Object(o)) => o,
            Ok(_) => serde_json::Map::new(),
            Err(_) => {
                let mut m = serde_json::Map::new();
                m.insert(
                    "message".into(),
                    Json::String(String::from_utf8_lossy(response.body).into_owned()),
                );
                m
            }
        }
    };
    let message = match body.get("message") {
        Some(m) => text_of(m),
        None => body.get("Message").and_then(text_of),
    };
    let mut code = match body.get("__type") {
        Some(t) => text_of(t).unwrap_or_default(),
        None => status.to_string(),
    };
    code = strip_error_code(&code).to_string();
    let mut fault = None;
    apply_query_error(response, &mut code, &mut fault);
    let injected = match response.header("x-amzn-errortype") {
        Some(h) => Some(h.to_string()),
        None => match body.get("code") {
            Some(c) => Some(text_of(c).unwrap_or_default()),
            None => body.get("Code").map(|c| text_of(c).unwrap_or_default()),
        },
    };
    if let Some(c) = injected {
        code = strip_error_code(&c).to_string();
    }
    ErrorParts {
        code,
        message,
        request_id,
        fault,
    }
}
