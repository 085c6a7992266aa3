//! The `rest-xml` protocol (S3, Route 53, CloudFront), as botocore 1.44.5's `RestXMLSerializer`
//! and `RestXMLParser`.
//!
//! HTTP bindings come from [`super::rest`]. The body is an XML document ([`super::xml`]'s writer)
//! rooted at the input's `locationName` (a payload member: its own `locationName`), carrying
//! the `xmlNamespace` of the shape or member; no `Content-Type` is set, as botocore sets none.
//! Responses decode body members with [`super::xml::decode`]; the root element's name is ignored.
//!
//! Errors are `<ErrorResponse><Error><Code/><Message/>…</Error><RequestId/></ErrorResponse>` or
//! S3's bare `<Error><Code/>…<RequestId/></Error>`; an empty or unparseable body (S3's `HEAD`
//! 404) is named by its status (`404`, message `Not Found`), as botocore does.
//!
//! S3 also answers some requests with `200 OK` and an `<Error>` body; [`error_in_success`]
//! detects that as botocore's `_handle_200_error` does.

use super::errors::{from_status, is_generic_error};
use super::rest::{self, BodyFormat};
use super::xml::{self, Element};
use super::{empty_slots, ErrorParts, ParseError, Request, Response, SerializeError};
pub use crate::customizations::s3::may_hide_error;
use crate::schema::{Operation, Protocol, Service, Shape};
use crate::types::Body;
use crate::value::Value;

/// Serializes `input` as a rest-xml request.
pub fn serialize(
    _service: &'static Service,
    op: &'static Operation,
    input: Value,
) -> Result<Request, SerializeError> {
    rest::serialize(BodyFormat::Xml, op, input, Default::default())
}

/// Parses a successful response into the operation's output structure. An S3 `<Error>` inside
/// a 200 (see [`error_in_success`]) is a [`ParseError`] starting with `S3_200_ERROR `.
pub fn parse_output(
    service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
    payload: Option<Body>,
) -> Result<Value, ParseError> {
    if error_in_success(Protocol::RestXml, service, op, response) {
        return Err(ParseError("S3_200_ERROR ".to_string()));
    }
    rest::parse_shape(op.output, response, payload, BodyFormat::Xml)
}

/// Whether a successful (2xx) response is really an S3 error (botocore's `_handle_200_error`,
/// registered for every S3 operation): status 200, an operation whose output is not an event
/// stream nor a raw blob/string payload, and a non-empty body that is an `<Error>` document or
/// does not start as XML. botocore then rewrites the status to 500 so that it is retried: the
/// pipeline does the same and hands the response to [`parse_error`].
///
/// Only the root element is read here, so a success body is parsed once, by
/// [`parse_output`]; a body that starts as XML but breaks off later (a truncated response)
/// fails that parse, and [`may_hide_error`] tells the pipeline to treat it the same way.
pub fn error_in_success(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
) -> bool {
    may_hide_error(protocol, service, op, response)
        && xml::root_name(response.body).is_none_or(|root| root == "Error")
}

/// The element holding an error's fields: S3's `<Error>` root, else `ErrorResponse/Error`.
fn error_element(root: &Element) -> Option<&Element> {
    if root.name == "Error" {
        Some(root)
    } else {
        root.child("Error")
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Code, message and request id of an error response (botocore's `RestXMLParser._do_error_parse`).
/// Never fails.
pub fn parse_error(
    _service: &'static Service,
    _op: &'static Operation,
    response: &Response<'_>,
) -> ErrorParts {
    let header_request_id = || {
        response
            .header("x-amzn-requestid")
            .or_else(|| response.header("x-amz-request-id"))
            .map(str::to_string)
    };
    let by_status = || from_status(response.status, header_request_id());
    if is_generic_error(response) || response.body.is_empty() {
        return by_status();
    }
    let Ok(root) = xml::parse(response.body) else {
        return by_status();
    };
    let error = error_element(&root);
    let field = |name: &str| error.and_then(|e| e.child_text(name));
    let request_id = if root.name == "Error" {
        header_request_id()
    } else {
        non_empty(root.child_text("RequestId")).or_else(header_request_id)
    };
    ErrorParts {
        code: field("Code")
            .map(|c| c.trim().to_string())
            .unwrap_or_default(),
        message: field("Message").map(str::to_string),
        request_id,
        fault: non_empty(field("Type")),
    }
}

/// Parses the members of modeled exception `shape`: header-bound members, and body members from
/// the `Error` element (`ErrorResponse/Error`, or S3's bare `Error` root), as botocore's
/// `_get_error_root`.
pub fn parse_error_shape(
    _service: &'static Service,
    shape: &'static Shape,
    response: &Response<'_>,
) -> Result<Value, ParseError> {
    let mut slots = empty_slots(shape.members());
    if !response.body.trim_ascii().is_empty() {
        let root = xml::parse(response.body)?;
        let el = error_element(&root).unwrap_or(&root);
        if let Value::Struct(parsed) = xml::decode(shape, el)? {
            for (slot, v) in slots.iter_mut().zip(parsed) {
                *slot = v;
            }
        }
    }
    rest::parse_non_payload(shape, response, &mut slots, BodyFormat::Xml)?;
    Ok(Value::Struct(slots))
}

#[cfg(test)]
mod tests;
