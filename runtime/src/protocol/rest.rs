//! The HTTP bindings shared by `rest-json` and `rest-xml`, following botocore 1.44.5's
//! `BaseRestSerializer` (`serialize.py`) and `BaseRestParser` (`parsers.py`).
//!
//! # Requests
//! Each input member goes where its `location` says:
//! * `uri`: the `{Label}` of `requestUri`, percent-encoded (`{Key+}` keeps `/`); a label without
//!   a value is an error. The template's own query (`/{Bucket}?tagging`, `?x-id=PutObject`) stays
//!   literally in [`Request::path`], as botocore leaves it in `url_path`; the pipeline appends the
//!   member query after it with `&`.
//! * `querystring`: `key=value`; lists repeat the key; a map is free-form parameters (a map of
//!   lists repeats keys). As in botocore's dict, a later parameter with the same key replaces
//!   the earlier value in place.
//! * `header`: lists comma-joined (strings containing `,` or `"` quoted), `jsonvalue` members
//!   base64 JSON, timestamps an HTTP date unless modeled otherwise (whole seconds);
//!   `headers`: a prefix map (`x-amz-meta-*`).
//! * Timestamps in the URI and query are ISO 8601 unless modeled otherwise; booleans
//!   `true`/`false`; floats as Python prints them.
//!
//! The body: a `payload` member that is a blob or string (streaming or not) is the raw body; a
//! structure/union payload is that member serialized alone (or, unset, the protocol's empty
//! body); without a payload member, the protocol's document of every body member, or no body
//! when none is set (rest-json: `{}` when the input has any body member at all).
//!
//! # Responses
//! Status-code, header and prefix-header members come from the HTTP message; header lists are
//! split on `,` (botocore does not unquote); the body fills the rest, or the payload member.

use super::checksum;
use super::format::{format_timestamp, python_float};
use super::token::fill_idempotency_tokens;
use super::{empty_slots, expand_host_prefix, ParseError, Request, Response, SerializeError};
use crate::encoding::{uri_encode, uri_encode_path};
use crate::schema::{
    Kind, Location, Member, Operation, Protocol, Shape, TimestampFormat, DOCUMENT, EVENT_STREAM,
    JSON_VALUE, PAYLOAD,
};
use crate::types::{Blob, Body, DateTime};
use crate::value::Value;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Which document format a REST protocol writes and reads its body in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    Json,
    Xml,
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn bind_err(op: &Operation, m: &Member, what: &str, v: &Value) -> SerializeError {
    SerializeError(format!(
        "{}.{}: cannot bind {} to the {what}",
        op.input.name,
        m.name,
        v.type_name()
    ))
}

/// botocore's `_get_uri_and_query_string_value`, then `str()`.
fn uri_value(m: &Member, v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => python_float(*f),
        Value::Timestamp(t) => format_timestamp(
            t,
            m.timestamp_format().unwrap_or(TimestampFormat::Iso8601),
            false,
        ),
        Value::Blob(b) => STANDARD.encode(b.as_bytes()),
        _ => return None,
    })
}

/// botocore's `_escape_header_list_string`.
fn escape_header_list_string(s: &str) -> String {
    if s.contains('"') || s.contains(',') {
        format!("\"{}\"", s.replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

/// botocore's `_convert_header_value`.
fn header_value(m: &Member, v: &Value) -> Option<String> {
    Some(match (&m.target().kind, v) {
        (_, Value::Timestamp(t)) => format_timestamp(
            t,
            m.timestamp_format().unwrap_or(TimestampFormat::Rfc822),
            true,
        ),
        (Kind::List(item), Value::List(items)) => {
            let mut parts = Vec::with_capacity(items.len());
            for i in items {
                parts.push(match (&item.target().kind, i) {
                    (Kind::String, Value::Str(s)) => escape_header_list_string(s),
                    _ => header_value(item, i)?,
                });
            }
            parts.join(",")
        }
        (_, Value::Str(s)) if m.has(JSON_VALUE) => STANDARD.encode(compact_json(s)),
        (_, Value::Document(d)) if m.has(JSON_VALUE) => {
            STANDARD.encode(serde_json::to_string(&d.to_json()).unwrap_or_default())
        }
        (_, Value::Str(s)) => s.clone(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::Float(f)) => python_float(*f),
        (_, Value::Blob(b)) => STANDARD.encode(b.as_bytes()),
        _ => return None,
    })
}

/// A `jsonvalue` member given as JSON text, re-written without spaces as botocore's
/// `json.dumps(value, separators=(',', ':'))`; text that is not JSON is sent as given.
fn compact_json(s: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(j) => serde_json::to_string(&j).unwrap_or_else(|_| s.to_string()),
        Err(_) => s.to_string(),
    }
}

/// Query parameters with Python dict semantics: a repeated key replaces the value in place.
#[derive(Default)]
struct QueryParams(Vec<(String, Vec<String>)>);

impl QueryParams {
    fn set(&mut self, key: String, values: Vec<String>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = values,
            None => self.0.push((key, values)),
        }
    }
    /// `percent_encode_sequence` order: lists expand to one pair per item.
    fn into_pairs(self) -> Vec<(String, String)> {
        self.0
            .into_iter()
            .flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.clone(), v)))
            .collect()
    }
}

/// Sets header `name` (a later binding of the same name replaces an earlier one, as in
/// botocore's header dict) from member `m` of `op`'s input; `name` and `value` that cannot be
/// sent are a serialization error naming the member.
fn set_header(
    headers: &mut http::HeaderMap,
    op: &Operation,
    m: &Member,
    name: Result<http::HeaderName, http::header::InvalidHeaderName>,
    value: String,
) -> Result<(), SerializeError> {
    let what = || format!("{}.{}", op.input.name, m.name);
    let name =
        name.map_err(|_| SerializeError(format!("{}: not a valid HTTP header name", what())))?;
    let mut value = super::header_value(what(), value)?;
    // A sensitive member (an SSE-C key) stays out of the request's Debug output.
    value.set_sensitive(m.is_sensitive());
    headers.insert(name, value);
    Ok(())
}

/// Renders `requestUri` with the encoded labels (botocore's `_render_uri_template`).
fn render_uri(op: &Operation, labels: &[(&str, String)]) -> Result<String, SerializeError> {
    let template = op.request_uri;
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let label = &after[..end];
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let value = labels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                SerializeError(format!(
                    "{}: missing required URI label {name} (requestUri {template})",
                    op.name
                ))
            })?;
        out.push_str(&if greedy {
            uri_encode_path(value)
        } else {
            uri_encode(value)
        });
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether a payload member is sent and received raw (botocore's `_has_streaming_payload`).
pub(crate) fn is_raw_payload(m: &Member) -> bool {
    matches!(m.target().kind, Kind::Blob | Kind::String)
}

fn raw_body(m: &Member, v: Value) -> Result<Body, SerializeError> {
    Ok(match v {
        Value::Body(b) => b,
        Value::Blob(b) => Body::from(b.into_inner()),
        Value::Str(s) => Body::from(s),
        other => {
            return Err(SerializeError(format!(
                "{}: the payload must be a blob, string or stream, found {}",
                m.name,
                other.type_name()
            )))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// Serializes `input` for a REST protocol whose documents are `format`.
pub(crate) fn serialize(
    format: BodyFormat,
    op: &'static Operation,
    input: Value,
    checksums: checksum::ChecksumPolicy,
) -> Result<Request, SerializeError> {
    let shape = op.input;
    let members = shape.members();
    let mut input = input;
    fill_idempotency_tokens(shape, &mut input);
    let mut slots = match input {
        Value::Struct(s) => s,
        other => {
            return Err(SerializeError(format!(
                "{}: expected structure, found {}",
                shape.name,
                other.type_name()
            )))
        }
    };
    slots.resize_with(members.len().max(slots.len()), || None);
    let events = super::event_input::stream_member(op)
        .and_then(|(i, union)| slots[i].take().map(|v| (union, v)));
    checksum::fill_validation_mode(op, &mut slots, checksums.response);
    let chosen_algorithm = checksum::chosen_algorithm(op, &slots);
    let host_prefix = expand_host_prefix(op, &slots)?;

    let mut labels: Vec<(&str, String)> = Vec::new();
    let mut query = QueryParams::default();
    let mut headers = http::HeaderMap::new();
    for (m, slot) in members.iter().zip(slots.iter_mut()) {
        if matches!(m.location, Location::Body) {
            continue;
        }
        let Some(v) = slot.take() else { continue };
        let key = m.location_name.unwrap_or(m.name);
        match m.location {
            Location::Uri => {
                let s = uri_value(m, &v).ok_or_else(|| bind_err(op, m, "URI", &v))?;
                labels.push((key, s));
            }
            Location::Querystring => match (&m.target().kind, v) {
                (Kind::Map(_, vm), Value::Map(entries)) => {
                    for (k, item) in entries {
                        let values = match item {
                            Value::List(items) => items
                                .iter()
                                .map(|i| uri_value(vm, i))
                                .collect::<Option<Vec<_>>>(),
                            other => uri_value(vm, &other).map(|s| vec![s]),
                        }
                        .ok_or_else(|| {
                            SerializeError(format!(
                                "{}.{}[{k:?}]: cannot bind to the query string",
                                shape.name, m.name
                            ))
                        })?;
                        query.set(k, values);
                    }
                }
                (Kind::List(item), Value::List(items)) => {
                    let values = items
                        .iter()
                        .map(|i| uri_value(item, i))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| bind_err(op, m, "query string", &Value::List(vec![])))?;
                    query.set(key.to_string(), values);
                }
                (_, v) => {
                    let s = uri_value(m, &v).ok_or_else(|| bind_err(op, m, "query string", &v))?;
                    query.set(key.to_string(), vec![s]);
                }
            },
            Location::Header => {
                if matches!(&v, Value::List(items) if items.is_empty()) {
                    continue; // botocore: empty lists are not sent
                }
                let s = header_value(m, &v).ok_or_else(|| bind_err(op, m, "header", &v))?;
                set_header(&mut headers, op, m, super::static_header_name(key), s)?;
            }
            Location::Headers => match v {
                Value::Map(entries) => {
                    for (k, item) in entries {
                        let s = match item {
                            Value::Str(s) => s,
                            other => {
                                return Err(bind_err(op, m, "prefixed headers", &other));
                            }
                        };
                        let name = http::HeaderName::try_from(format!("{key}{k}"));
                        set_header(&mut headers, op, m, name, s)?;
                    }
                }
                other => return Err(bind_err(op, m, "prefixed headers", &other)),
            },
            // botocore has no request binding for a status code.
            Location::StatusCode | Location::Body => {}
        }
    }

    let mut req = Request::new(super::method_of(op)?, render_uri(op, &labels)?);
    req.query = query.into_pairs();
    req.headers = headers;
    req.host_prefix = host_prefix;

    let payload = members.iter().position(|m| m.has(PAYLOAD));
    let mut raw = false;
    match payload {
        Some(i) if is_raw_payload(&members[i]) => {
            raw = true;
            if let Some(v) = slots[i].take() {
                req.body = raw_body(&members[i], v)?;
            }
        }
        Some(i) => {
            let m = &members[i];
            req.body = match slots[i].take() {
                Some(v) => Body::from(match format {
                    BodyFormat::Json => super::json::ser::to_json_body(m.target(), &v)?,
                    BodyFormat::Xml => super::xml::write_document(
                        m.target(),
                        &v,
                        m.location_name
                            .or(m.target().location_name)
                            .unwrap_or(m.name),
                        m.xml_namespace.or(m.target().xml_namespace),
                        m.timestamp_format(),
                    )?,
                }),
                None => match format {
                    BodyFormat::Json => Body::from("{}"),
                    BodyFormat::Xml => Body::empty(),
                },
            };
        }
        None => {
            let any_set = members
                .iter()
                .zip(slots.iter())
                .any(|(m, s)| matches!(m.location, Location::Body) && s.is_some());
            if any_set {
                let value = Value::Struct(take_body_members(members, &mut slots));
                req.body = Body::from(match format {
                    BodyFormat::Json => super::json::ser::to_json_body(shape, &value)?,
                    BodyFormat::Xml => super::xml::write_document(
                        shape,
                        &value,
                        shape.location_name.unwrap_or(shape.name),
                        shape.xml_namespace,
                        None,
                    )?,
                });
            } else if format == BodyFormat::Json
                && members.iter().any(|m| matches!(m.location, Location::Body))
            {
                req.body = Body::from("{}");
            }
        }
    }
    if format == BodyFormat::Json
        && !raw
        && req.body.content_length().is_some_and(|n| n > 0)
        && req.header("content-type").is_none()
    {
        req.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
    }
    if let Some((union, v)) = events {
        events_body(format, op, union, v, &mut req)?;
    }
    checksum::apply(op, chosen_algorithm.as_deref(), &mut req, checksums.request)?;
    Ok(req)
}

/// Makes `req`'s body the input event stream `v` of `union`, sent unsized and signed
/// message by message (the request itself with the events payload hash).
fn events_body(
    format: BodyFormat,
    op: &'static Operation,
    union: &'static Shape,
    v: Value,
    req: &mut Request,
) -> Result<(), SerializeError> {
    use super::event_input::{EventBody, CONTENT_TYPE, EVENTS_PAYLOAD_HASH};
    let Value::EventInput(events) = v else {
        return Err(SerializeError(format!(
            "{}: an input event stream must be an EventStreamSender, found {}",
            op.name,
            v.type_name()
        )));
    };
    let protocol = match format {
        BodyFormat::Json => Protocol::RestJson,
        BodyFormat::Xml => Protocol::RestXml,
    };
    req.body = Body::events(EventBody::new(*events, protocol, union));
    req.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(CONTENT_TYPE),
    );
    req.headers.insert(
        http::HeaderName::from_static("x-amz-content-sha256"),
        http::HeaderValue::from_static(EVENTS_PAYLOAD_HASH),
    );
    req.payload_hash = Some(EVENTS_PAYLOAD_HASH.to_string());
    Ok(())
}

/// Moves the body-located members out of the (already partitioned) slots.
fn take_body_members(members: &[Member], slots: &mut [Option<Value>]) -> Vec<Option<Value>> {
    members
        .iter()
        .zip(slots.iter_mut())
        .map(|(m, s)| match m.location {
            Location::Body => s.take(),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// All values of header `name` (any case), joined with `, ` as urllib3 does with repeated
/// headers.
///
/// A scan of the response's headers (a dozen or so) rather than a map lookup: an output has
/// many header members (S3 GetObject has over 40), and a lookup would first build a
/// `HeaderName` (a copy for every non-standard name) and hash it, for each of them.
pub(crate) fn header_text(response: &Response<'_>, name: &str) -> Option<String> {
    let mut text: Option<String> = None;
    // `iter` yields a repeated header's values together, in the order they arrived.
    for (key, value) in response.headers.iter() {
        if key.as_str().eq_ignore_ascii_case(name) {
            let value = String::from_utf8_lossy(value.as_bytes());
            match &mut text {
                None => text = Some(value.into_owned()),
                Some(joined) => {
                    joined.push_str(", ");
                    joined.push_str(&value);
                }
            }
        }
    }
    text
}

fn parse_err(shape: &Shape, m: &Member, what: &str, text: &str) -> ParseError {
    let shown: String = text.chars().take(64).collect();
    ParseError(format!(
        "{}.{}: invalid {what} {shown:?} in header {}",
        shape.name,
        m.name,
        m.location_name.unwrap_or(m.name)
    ))
}

/// One header-bound value (botocore's scalar handlers over the header text).
fn parse_header_value(
    shape: &Shape,
    m: &Member,
    text: &str,
    format: BodyFormat,
) -> Result<Value, ParseError> {
    if m.has(JSON_VALUE) {
        let bytes = super::xml::decode_base64(text)
            .ok_or_else(|| parse_err(shape, m, "base64 JSON", text))?;
        let json = String::from_utf8(bytes.into_inner().to_vec())
            .map_err(|_| parse_err(shape, m, "UTF-8 JSON", text))?;
        serde_json::from_str::<serde_json::Value>(&json)
            .map_err(|_| parse_err(shape, m, "JSON", text))?;
        return Ok(Value::Str(json));
    }
    Ok(match &m.target().kind {
        Kind::String => Value::Str(text.to_string()),
        Kind::Boolean => Value::Bool(match format {
            // ensure_boolean
            BodyFormat::Json => text.eq_ignore_ascii_case("true"),
            BodyFormat::Xml => text == "true",
        }),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
            let t = text.trim();
            let i: i64 = t
                .strip_prefix('+')
                .unwrap_or(t)
                .parse()
                .map_err(|_| parse_err(shape, m, "integer", text))?;
            Value::Int(i)
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => Value::Float(
            super::xml::parse_float(text).ok_or_else(|| parse_err(shape, m, "number", text))?,
        ),
        Kind::Timestamp => Value::Timestamp(
            DateTime::parse_any(text.trim()).map_err(|_| parse_err(shape, m, "timestamp", text))?,
        ),
        Kind::Blob => Value::Blob(
            super::xml::decode_base64(text).ok_or_else(|| parse_err(shape, m, "base64", text))?,
        ),
        Kind::List(item) => {
            let mut out = Vec::new();
            for part in text.split(',') {
                out.push(parse_header_value(shape, item, part.trim(), format)?);
            }
            Value::List(out)
        }
        _ => return Err(parse_err(shape, m, "header-bound value", text)),
    })
}

/// Fills the status-code, header and prefix-header members of `shape` (botocore's
/// `_parse_non_payload_attrs`); other slots are left alone.
pub(crate) fn parse_non_payload(
    shape: &'static Shape,
    response: &Response<'_>,
    slots: &mut [Option<Value>],
    format: BodyFormat,
) -> Result<(), ParseError> {
    for (m, slot) in shape.members().iter().zip(slots.iter_mut()) {
        match m.location {
            Location::Body | Location::Uri | Location::Querystring => {}
            Location::StatusCode => *slot = Some(Value::Int(i64::from(response.status))),
            Location::Headers => {
                let prefix = m.location_name.unwrap_or("").to_ascii_lowercase();
                let mut entries = Vec::new();
                for name in response.headers.keys() {
                    // Names in a `HeaderMap` are lower case already.
                    let n = name.as_str();
                    if n.starts_with(&prefix) {
                        if let Some(v) = header_text(response, n) {
                            entries.push((n[prefix.len()..].to_string(), Value::Str(v)));
                        }
                    }
                }
                *slot = Some(Value::Map(entries));
            }
            Location::Header => {
                *slot = match header_text(response, m.location_name.unwrap_or(m.name)) {
                    Some(text) => Some(parse_header_value(shape, m, &text, format)?),
                    None => None,
                };
            }
        }
    }
    Ok(())
}

/// Decodes a whole body as `shape` in `format`; an empty body is an empty structure.
fn parse_document(
    shape: &'static Shape,
    body: &[u8],
    format: BodyFormat,
) -> Result<Value, ParseError> {
    match format {
        BodyFormat::Json => super::json::de::parse_body(shape, body),
        BodyFormat::Xml => {
            if body.trim_ascii().is_empty() {
                return Ok(Value::Struct(empty_slots(shape.members())));
            }
            // botocore ignores the root element's name (the output's `locationName`).
            let root = super::xml::parse(body)?;
            super::xml::decode(shape, &root)
        }
    }
}

/// Parses `shape` (an operation output or a modeled exception) from a response
/// (botocore's `_add_modeled_parse`). `payload` is the unread body of a streaming payload.
pub(crate) fn parse_shape(
    shape: &'static Shape,
    response: &Response<'_>,
    payload: Option<Body>,
    format: BodyFormat,
) -> Result<Value, ParseError> {
    let members = shape.members();
    let mut slots = empty_slots(members);
    match members.iter().position(|m| m.has(PAYLOAD)) {
        Some(i) => {
            let m = &members[i];
            if m.target().has(EVENT_STREAM) {
                // The body is the stream: the pipeline puts it in this slot, unread.
                parse_non_payload(shape, response, &mut slots, format)?;
                return Ok(Value::Struct(slots));
            }
            if format == BodyFormat::Json
                && (matches!(m.target().kind, Kind::Document) || m.target().has(DOCUMENT))
            {
                // A document payload is any JSON value, not only an object.
                if !response.body.trim_ascii().is_empty() {
                    let j: serde_json::Value =
                        serde_json::from_slice(response.body).map_err(|e| {
                            ParseError(format!("{}.{}: invalid JSON: {e}", shape.name, m.name))
                        })?;
                    slots[i] = Some(Value::Document(crate::types::Document::from_json(j)));
                }
                parse_non_payload(shape, response, &mut slots, format)?;
                return Ok(Value::Struct(slots));
            }
            slots[i] = Some(if is_raw_payload(m) {
                match (payload, &m.target().kind) {
                    (Some(body), _) => Value::Body(body),
                    (None, Kind::String) => {
                        Value::Str(String::from_utf8(response.body.to_vec()).map_err(|_| {
                            ParseError(format!(
                                "{}.{}: the payload is not valid UTF-8",
                                shape.name, m.name
                            ))
                        })?)
                    }
                    (None, _) => Value::Blob(Blob::from(response.body.to_vec())),
                }
            } else {
                let v = parse_document(m.target(), response.body, format)
                    .map_err(|e| ParseError(format!("{}.{}: {e}", shape.name, m.name)))?;
                // An empty body decodes to an empty structure, as botocore; an empty union
                // would be invalid, so it stays unset.
                match (&m.target().kind, &v) {
                    (Kind::Union(_), Value::Struct(s)) if s.iter().all(Option::is_none) => {
                        slots[i] = None;
                        parse_non_payload(shape, response, &mut slots, format)?;
                        return Ok(Value::Struct(slots));
                    }
                    _ => v,
                }
            });
        }
        None => {
            if let Value::Struct(parsed) = parse_document(shape, response.body, format)? {
                for (slot, (m, v)) in slots.iter_mut().zip(members.iter().zip(parsed)) {
                    // As botocore's `KNOWN_LOCATIONS`: URI and query members come from the body.
                    if !matches!(
                        m.location,
                        Location::Header | Location::Headers | Location::StatusCode
                    ) {
                        *slot = v;
                    }
                }
            }
        }
    }
    parse_non_payload(shape, response, &mut slots, format)?;
    Ok(Value::Struct(slots))
}
