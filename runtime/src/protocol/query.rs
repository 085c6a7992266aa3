//! The `query` and `ec2` protocols, as botocore 1.44.5's `QuerySerializer`/`EC2Serializer` and
//! `QueryParser`/`EC2QueryParser` implement them.
//!
//! Requests are `POST /` with a form-encoded body `Action=…&Version=…&…`; names nest with `.`:
//! `A.B`, lists `A.member.N` (1-based; flattened `A.N`), maps `A.entry.N.key` / `.value`.
//! `ec2` names members by `queryName`, else the capitalised `locationName`, else the member
//! name, and always flattens lists (an empty list sends nothing, where `query` sends `A=`).
//!
//! Responses are XML: `query` wraps the output in `<{Op}Response><{resultWrapper}>`, `ec2` puts
//! the members directly under the root. Errors are `<ErrorResponse><Error>` (query) or
//! `<Response><Errors><Error>` (ec2); every variant is accepted by finding the first `Error`.

use super::xml::{self, is_flattened, serialized_name, Element};
use super::{ErrorParts, ParseError, Request, Response, SerializeError};
use crate::schema::{
    Kind, Member, Operation, Protocol, Service, Shape, TimestampFormat, HOST_LABEL,
    IDEMPOTENCY_TOKEN,
};
use crate::types::{Body, DateTime};
use crate::value::Value;
use base64::Engine as _;

/// The `Content-Type` botocore sends for both protocols.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

// Recursive shapes are finite in value, but a hostile depth must not blow the stack.
const MAX_DEPTH: usize = 100;

/// Serializes `input` (a structure value of `op.input`) into a form-encoded `POST /`.
pub fn serialize(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    input: Value,
) -> Result<Request, SerializeError> {
    let mut input = input;
    fill_idempotency_tokens(op.input, &mut input);
    let host_prefix = expand_host_prefix(op, &input)?;

    let mut params: Vec<(String, String)> = vec![
        ("Action".to_string(), op.name.to_string()),
        ("Version".to_string(), service.api_version.to_string()),
    ];
    let mut ser = Serializer {
        ec2: protocol == Protocol::Ec2,
        out: &mut params,
    };
    match (&op.input.kind, &input) {
        (Kind::Structure(members) | Kind::Union(members), Value::Struct(slots)) => {
            ser.members(members, slots, "", 0)?
        }
        (_, Value::Struct(slots)) if slots.iter().all(Option::is_none) => {}
        (_, other) => {
            return Err(SerializeError(format!(
                "{}: input must be a structure, found {}",
                op.name,
                other.type_name()
            )))
        }
    }

    let mut body = String::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        form_encode(k, &mut body);
        body.push('=');
        form_encode(v, &mut body);
    }

    let method = if op.method.is_empty() {
        "POST"
    } else {
        op.method
    };
    let mut req = Request::new(method, "/");
    req.headers
        .push(("Content-Type".to_string(), CONTENT_TYPE.to_string()));
    req.body = Body::from(body);
    req.host_prefix = host_prefix;
    Ok(req)
}

/// Parses a successful response into a structure value of `op.output`.
pub fn parse_output(
    _protocol: Protocol,
    _service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
    _payload: Option<Body>,
) -> Result<Value, ParseError> {
    let shape = op.output;
    let members = shape.members();
    if members.is_empty() || response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Struct((0..members.len()).map(|_| None).collect()));
    }
    let root = xml::parse(response.body)?;
    // botocore looks the wrapper up among the root's children (query); ec2 has none.
    let start = match op.result_wrapper {
        Some(w) => root.child(w).unwrap_or(&root),
        None => &root,
    };
    xml::decode(shape, start)
}

/// Code, message and request id of an error response; never fails.
pub fn parse_error(
    _protocol: Protocol,
    _service: &'static Service,
    _op: &'static Operation,
    response: &Response<'_>,
) -> ErrorParts {
    let generic = || ErrorParts {
        code: response.status.to_string(),
        message: http::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(str::to_string),
        request_id: None,
        fault: None,
    };
    let Ok(root) = xml::parse(response.body) else {
        return generic();
    };
    let request_id = root
        .find("RequestId")
        .or_else(|| root.find("RequestID"))
        .map(|e| e.text.trim().to_string())
        .filter(|s| !s.is_empty());
    let error = root.find("Error");
    let code = error
        .and_then(|e| e.child_text("Code"))
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match code {
        Some(code) => ErrorParts {
            code: code.to_string(),
            message: error
                .and_then(|e| e.child_text("Message"))
                .map(str::to_string),
            request_id,
            fault: error
                .and_then(|e| e.child_text("Type"))
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        },
        None => ErrorParts {
            request_id,
            ..generic()
        },
    }
}

/// Decodes the members of modeled exception `shape` from the response's `Error` element.
pub fn parse_error_shape(
    _protocol: Protocol,
    _service: &'static Service,
    shape: &'static Shape,
    response: &Response<'_>,
) -> Result<Value, ParseError> {
    let root = xml::parse(response.body)?;
    xml::decode(shape, error_root(&root))
}

/// The element holding an error's members: the first `Error` element (`ErrorResponse/Error`,
/// `Response/Errors/Error`, or a bare `Error` root), else the root.
fn error_root(root: &Element) -> &Element {
    root.find("Error").unwrap_or(root)
}

/// Fills unset top-level `idempotencyToken` members with a fresh UUID v4, as botocore's
/// `generate_idempotent_uuid` handler does.
fn fill_idempotency_tokens(shape: &'static Shape, input: &mut Value) {
    let Value::Struct(slots) = input else { return };
    for (i, m) in shape.members().iter().enumerate() {
        if !m.has(IDEMPOTENCY_TOKEN) {
            continue;
        }
        if slots.len() <= i {
            slots.resize_with(i + 1, || None);
        }
        if slots[i].is_none() {
            slots[i] = Some(Value::Str(super::token::new_idempotency_token()));
        }
    }
}

/// Expands `endpoint.hostPrefix` with the input's `hostLabel` members.
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
    let mut out = template.to_string();
    let mut bad = Vec::new();
    for (i, m) in op.input.members().iter().enumerate() {
        if !m.has(HOST_LABEL) {
            continue;
        }
        let value = match slots.get(i).and_then(Option::as_ref) {
            Some(Value::Str(s)) => s.as_str(),
            _ => {
                bad.push(m.name);
                continue;
            }
        };
        let valid = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !valid {
            bad.push(m.name);
            continue;
        }
        out = out.replace(&format!("{{{}}}", m.name), value);
    }
    if !bad.is_empty() {
        return Err(SerializeError(format!(
            "Invalid value for parameter(s): {}. Must contain only alphanumeric characters, \
             hyphen, or period.",
            bad.join(", ")
        )));
    }
    Ok(Some(out))
}

struct Serializer<'o> {
    ec2: bool,
    out: &'o mut Vec<(String, String)>,
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn mismatch(prefix: &str, expected: &str, got: &Value) -> SerializeError {
    SerializeError(format!(
        "{}: expected {expected}, found {}",
        if prefix.is_empty() { "input" } else { prefix },
        got.type_name()
    ))
}

impl Serializer<'_> {
    /// botocore's `_get_serialized_name(shape, default)`.
    fn name_or(&self, m: &Member, default: &str) -> String {
        if self.ec2 {
            if let Some(q) = m.query_name {
                return q.to_string();
            }
            if let Some(n) = serialized_name(m) {
                // A locationName is always capitalised on input for ec2.
                return capitalize(n);
            }
            default.to_string()
        } else {
            serialized_name(m).unwrap_or(default).to_string()
        }
    }

    fn members(
        &mut self,
        members: &'static [Member],
        slots: &[Option<Value>],
        prefix: &str,
        depth: usize,
    ) -> Result<(), SerializeError> {
        for (m, slot) in members.iter().zip(slots) {
            let Some(v) = slot else { continue };
            let key = join(prefix, &self.name_or(m, m.name));
            self.value(m.target, Some(m), v, &key, depth + 1)?;
        }
        Ok(())
    }

    /// Serializes `v` of `shape`; `member` is the reference it came through (for the merged
    /// `flattened` and `timestampFormat` traits).
    fn value(
        &mut self,
        shape: &'static Shape,
        member: Option<&Member>,
        v: &Value,
        prefix: &str,
        depth: usize,
    ) -> Result<(), SerializeError> {
        if depth > MAX_DEPTH {
            return Err(SerializeError(format!("{prefix}: nested too deeply")));
        }
        match (&shape.kind, v) {
            (Kind::Structure(members) | Kind::Union(members), Value::Struct(slots)) => {
                self.members(members, slots, prefix, depth)
            }
            (Kind::List(item), Value::List(items)) => {
                let flattened =
                    member.is_some_and(is_flattened) || shape.has(crate::schema::SHAPE_FLATTENED);
                let list_prefix = if self.ec2 {
                    prefix.to_string()
                } else if items.is_empty() {
                    // The query protocol serializes empty lists.
                    self.out.push((prefix.to_string(), String::new()));
                    return Ok(());
                } else if flattened {
                    match serialized_name(item) {
                        // Replace the last name segment with the list member's name.
                        Some(_) => {
                            let name = self.name_or(item, "");
                            match prefix.rsplit_once('.') {
                                Some((head, _)) => format!("{head}.{name}"),
                                None => name,
                            }
                        }
                        None => prefix.to_string(),
                    }
                } else {
                    format!("{prefix}.{}", serialized_name(item).unwrap_or("member"))
                };
                for (i, e) in items.iter().enumerate() {
                    let p = format!("{list_prefix}.{}", i + 1);
                    self.value(item.target, Some(item), e, &p, depth + 1)?;
                }
                Ok(())
            }
            (Kind::Map(key, value), Value::Map(entries)) => {
                let flattened =
                    member.is_some_and(is_flattened) || shape.has(crate::schema::SHAPE_FLATTENED);
                let full = if flattened {
                    prefix.to_string()
                } else {
                    format!("{prefix}.entry")
                };
                let key_suffix = self.name_or(key, "key");
                let value_suffix = self.name_or(value, "value");
                for (i, (k, v)) in entries.iter().enumerate() {
                    let n = i + 1;
                    self.out
                        .push((format!("{full}.{n}.{key_suffix}"), k.clone()));
                    let p = format!("{full}.{n}.{value_suffix}");
                    self.value(value.target, Some(value), v, &p, depth + 1)?;
                }
                Ok(())
            }
            (Kind::Structure(_) | Kind::Union(_), _) => Err(mismatch(prefix, "structure", v)),
            (Kind::List(_), _) => Err(mismatch(prefix, "list", v)),
            (Kind::Map(..), _) => Err(mismatch(prefix, "map", v)),
            (Kind::Document, _) => Err(SerializeError(format!(
                "{prefix}: documents cannot be sent with the query protocol"
            ))),
            _ => {
                let text = self.scalar(shape, member, v, prefix)?;
                self.out.push((prefix.to_string(), text));
                Ok(())
            }
        }
    }

    fn scalar(
        &self,
        shape: &'static Shape,
        member: Option<&Member>,
        v: &Value,
        prefix: &str,
    ) -> Result<String, SerializeError> {
        Ok(match (&shape.kind, v) {
            (Kind::Boolean, Value::Bool(b)) => if *b { "true" } else { "false" }.to_string(),
            (Kind::Float | Kind::Double, Value::Float(f)) => python_float(*f),
            (
                Kind::Byte
                | Kind::Short
                | Kind::Integer
                | Kind::Long
                | Kind::Float
                | Kind::Double
                | Kind::BigInteger
                | Kind::BigDecimal,
                Value::Int(i),
            ) => i.to_string(),
            (Kind::BigInteger | Kind::BigDecimal, Value::Float(f)) => python_float(*f),
            (Kind::BigInteger | Kind::BigDecimal | Kind::String, Value::Str(s)) => s.clone(),
            (Kind::Blob, Value::Blob(b)) => base64::engine::general_purpose::STANDARD.encode(b),
            (Kind::Blob, Value::Str(s)) => base64::engine::general_purpose::STANDARD.encode(s),
            (Kind::Timestamp, Value::Timestamp(t)) => {
                let format = member
                    .and_then(Member::timestamp_format)
                    .or(shape.timestamp_format)
                    .unwrap_or(TimestampFormat::Iso8601);
                format_timestamp(t, format)
            }
            (Kind::Boolean, _) => return Err(mismatch(prefix, "boolean", v)),
            (Kind::Blob, _) => return Err(mismatch(prefix, "blob", v)),
            (Kind::Timestamp, _) => return Err(mismatch(prefix, "timestamp", v)),
            (Kind::String, _) => return Err(mismatch(prefix, "string", v)),
            _ => return Err(mismatch(prefix, "number", v)),
        })
    }
}

/// A timestamp as botocore's serializer writes it (default precision).
fn format_timestamp(t: &DateTime, format: TimestampFormat) -> String {
    let micros = t.subsec_nanos() / 1000;
    match format {
        // `%Y-%m-%dT%H:%M:%SZ`, or `%Y-%m-%dT%H:%M:%S.%fZ` (microseconds) when non-zero.
        TimestampFormat::Iso8601 => {
            let whole = DateTime::from_secs(t.secs()).to_iso8601();
            if micros == 0 {
                whole
            } else {
                match whole.strip_suffix('Z') {
                    Some(base) => format!("{base}.{micros:06}Z"),
                    None => whole,
                }
            }
        }
        TimestampFormat::UnixTimestamp => {
            if micros == 0 {
                t.secs().to_string()
            } else {
                let scaled = i128::from(t.secs()) * 1_000_000 + i128::from(micros);
                python_float(scaled as f64 / 1e6)
            }
        }
        TimestampFormat::Rfc822 => t.to_http_date(),
    }
}

/// A float as Python's `str(float)` writes it (botocore formats form values with `str`), with
/// botocore's spellings of the special values.
fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // Shortest round-trip digits and the decimal exponent, as repr() uses.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let point = exp as usize + 1;
            let (int, frac) = if digits.len() > point {
                (digits[..point].to_string(), digits[point..].to_string())
            } else {
                (format!("{digits:0<point$}"), "0".to_string())
            };
            format!("{sign}{int}.{frac}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{rest}e{esign}{:02}", exp.abs())
    }
}

/// Form-encodes as botocore's body preparation (`urllib.parse.urlencode`, i.e. `quote_plus`):
/// unreserved characters stay, space becomes `+`, everything else is `%XX` of its UTF-8 bytes.
fn form_encode(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ErrorInfo, Location, FLATTENED, SHAPE_FLATTENED, XML_ATTRIBUTE};
    use crate::types::Blob;
    use serde_json::Value as Json;
    use std::collections::HashMap;

    // ---- hand-written shapes -------------------------------------------------------------

    static STR: Shape = Shape::scalar("S", Kind::String);
    static INT: Shape = Shape::scalar("I", Kind::Integer);
    static DBL: Shape = Shape::scalar("D", Kind::Double);
    static BOOL: Shape = Shape::scalar("B", Kind::Boolean);
    static TS: Shape = Shape::scalar("T", Kind::Timestamp);
    static BLOB: Shape = Shape::scalar("Bl", Kind::Blob);
    static LIST: Shape = Shape::list("L", &Member::item(&STR));
    static NAMED_LIST: Shape = Shape::list("NL", &Member::item(&STR).named("item"));
    static FLAT_LIST: Shape = Shape::list("FL", &Member::item(&STR)).with(SHAPE_FLATTENED);
    static MAP: Shape = Shape::map("M", &Member::item(&STR), &Member::item(&STR));
    static KV_MAP: Shape = Shape::map(
        "KV",
        &Member::item(&STR).named("k"),
        &Member::item(&STR).named("v"),
    );
    static INNER: Shape = Shape::structure("Inner", &[Member::new("Name", &STR).named("name")]);
    static INNER_LIST: Shape = Shape::list("IL", &Member::item(&INNER));
    static INPUT: Shape = Shape::structure(
        "Input",
        &[
            Member::new("Str", &STR),
            Member::new("Int", &INT),
            Member::new("Dbl", &DBL),
            Member::new("Bool", &BOOL),
            Member::new("When", &TS),
            Member::new("Data", &BLOB),
            Member::new("List", &LIST),
            Member::new("Named", &NAMED_LIST),
            Member::new("Flat", &FLAT_LIST),
            Member::new("Map", &MAP),
            Member::new("KvMap", &KV_MAP).with(FLATTENED),
            Member::new("Inner", &INNER)
                .named("inner")
                .query_name("InnerQ"),
            Member::new("Structs", &INNER_LIST).named("item"),
            Member::new("Token", &STR).with(IDEMPOTENCY_TOKEN),
            Member::new("Label", &STR).with(HOST_LABEL),
        ],
    );
    static OUTPUT: Shape = Shape::structure(
        "Output",
        &[
            Member::new("Str", &STR),
            Member::new("Items", &LIST).named("items"),
            Member::new("Attr", &STR).named("id").with(XML_ATTRIBUTE),
        ],
    );
    static EMPTY: Shape = Shape::structure("Empty", &[]);
    static NOT_FOUND: Shape = Shape::structure(
        "NotFound",
        &[Member::new("Message", &STR), Member::new("Resource", &STR)],
    )
    .error("ResourceNotFound", 404);
    static OP: Operation = Operation::new("DoThing", "POST", "/", &INPUT, &OUTPUT)
        .result_wrapper("DoThingResult")
        .host_prefix("{Label}.data-");
    static EC2_OP: Operation = Operation::new("DoThing", "POST", "/", &INPUT, &OUTPUT);
    static EMPTY_OP: Operation = Operation::new("Nothing", "POST", "/", &EMPTY, &EMPTY);
    static SERVICE: Service = Service {
        name: "test",
        service_id: "Test",
        api_version: "2020-01-08",
        endpoint_prefix: "test",
        signing_name: "test",
        protocol: Protocol::Query,
        protocols: &[Protocol::Query, Protocol::Ec2],
        json_version: None,
        target_prefix: None,
        xml_namespace: None,
        query_compatible: false,
        signature_version: "v4",
        errors: &[&NOT_FOUND],
        client_context_params: &[],
        endpoint_rules: "",
    };

    fn s(v: &str) -> Option<Value> {
        Some(Value::Str(v.to_string()))
    }

    fn sample_input() -> Value {
        Value::Struct(vec![
            s("a b~*é&="),
            Some(Value::Int(-3)),
            Some(Value::Float(1e16)),
            Some(Value::Bool(false)),
            Some(Value::Timestamp(DateTime::from_secs_and_nanos(
                1422172800,
                123_000_000,
            ))),
            Some(Value::Blob(Blob::from("hi"))),
            Some(Value::List(vec![])),
            Some(Value::List(vec![
                Value::Str("x".into()),
                Value::Str("y".into()),
            ])),
            Some(Value::List(vec![Value::Str("f".into())])),
            Some(Value::Map(vec![("k1".into(), Value::Str("v1".into()))])),
            Some(Value::Map(vec![("k2".into(), Value::Str("v2".into()))])),
            Some(Value::Struct(vec![s("n")])),
            Some(Value::List(vec![Value::Struct(vec![s("m")])])),
            None,
            s("bucket-1"),
        ])
    }

    fn body_of(req: &Request) -> String {
        String::from_utf8(req.body.bytes().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn serializes_query_like_botocore() {
        let req = serialize(Protocol::Query, &SERVICE, &OP, sample_input()).unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/");
        assert_eq!(req.header("content-type"), Some(CONTENT_TYPE));
        assert_eq!(req.host_prefix.as_deref(), Some("bucket-1.data-"));
        let body = body_of(&req);
        let pairs: Vec<&str> = body.split('&').collect();
        let token = pairs.iter().find(|p| p.starts_with("Token=")).unwrap();
        assert_eq!(token.len(), "Token=".len() + 36);
        let without_token: Vec<&str> = pairs
            .iter()
            .copied()
            .filter(|p| !p.starts_with("Token="))
            .collect();
        assert_eq!(
            without_token,
            vec![
                "Action=DoThing",
                "Version=2020-01-08",
                "Str=a+b~%2A%C3%A9%26%3D",
                "Int=-3",
                "Dbl=1e%2B16",
                "Bool=false",
                "When=2015-01-25T08%3A00%3A00.123000Z",
                "Data=aGk%3D",
                "List=",
                "Named.item.1=x",
                "Named.item.2=y",
                "Flat.1=f",
                "Map.entry.1.key=k1",
                "Map.entry.1.value=v1",
                "KvMap.1.k=k2",
                "KvMap.1.v=v2",
                "inner.name=n",
                "item.member.1.name=m",
                "Label=bucket-1",
            ]
        );
    }

    #[test]
    fn serializes_ec2_like_botocore() {
        let req = serialize(Protocol::Ec2, &SERVICE, &EC2_OP, sample_input()).unwrap();
        assert_eq!(req.host_prefix, None);
        let body = body_of(&req);
        let pairs: Vec<&str> = body
            .split('&')
            .filter(|p| !p.starts_with("Token="))
            .collect();
        assert_eq!(
            pairs,
            vec![
                "Action=DoThing",
                "Version=2020-01-08",
                "Str=a+b~%2A%C3%A9%26%3D",
                "Int=-3",
                "Dbl=1e%2B16",
                "Bool=false",
                "When=2015-01-25T08%3A00%3A00.123000Z",
                "Data=aGk%3D",
                "Named.1=x",
                "Named.2=y",
                "Flat.1=f",
                "Map.entry.1.key=k1",
                "Map.entry.1.value=v1",
                "KvMap.1.K=k2",
                "KvMap.1.V=v2",
                "InnerQ.Name=n",
                "Item.1.Name=m",
                "Label=bucket-1",
            ]
        );
    }

    #[test]
    fn explicit_token_is_kept_and_bad_input_is_an_error() {
        let mut v = sample_input();
        if let Value::Struct(slots) = &mut v {
            slots[13] = s("tok");
        }
        let body = body_of(&serialize(Protocol::Query, &SERVICE, &OP, v).unwrap());
        assert!(body.contains("&Token=tok&"), "{body}");

        let bad = Value::Struct(vec![None, s("not a number")]);
        let e = serialize(Protocol::Query, &SERVICE, &EC2_OP, bad).unwrap_err();
        assert_eq!(e.0, "Int: expected number, found string");
        let bad_label = Value::Struct((0..14).map(|_| None).chain([s("a/b")]).collect());
        assert!(serialize(Protocol::Query, &SERVICE, &OP, bad_label).is_err());
    }

    #[test]
    fn floats_and_timestamps_format_like_python() {
        for (f, want) in [
            (10.8, "10.8"),
            (1.0, "1.0"),
            (-0.5, "-0.5"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123456789.125, "123456789.125"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(python_float(f), want);
        }
        let t = DateTime::from_secs_and_nanos(1422172800, 123_456_789);
        assert_eq!(
            format_timestamp(&t, TimestampFormat::Iso8601),
            "2015-01-25T08:00:00.123456Z"
        );
        assert_eq!(
            format_timestamp(&t, TimestampFormat::UnixTimestamp),
            "1422172800.123456"
        );
        assert_eq!(
            format_timestamp(&t, TimestampFormat::Rfc822),
            "Sun, 25 Jan 2015 08:00:00 GMT"
        );
        let whole = DateTime::from_secs(1422172800);
        assert_eq!(
            format_timestamp(&whole, TimestampFormat::UnixTimestamp),
            "1422172800"
        );
    }

    fn response<'a>(status: u16, headers: &'a http::HeaderMap, body: &'a str) -> Response<'a> {
        Response {
            status,
            headers,
            body: body.as_bytes(),
        }
    }

    #[test]
    fn parses_wrapped_and_unwrapped_output() {
        let h = http::HeaderMap::new();
        let body = r#"<DoThingResponse xmlns="https://x/"><DoThingResult id="i-9">
            <Str>hello</Str><items><member>a</member></items></DoThingResult>
            <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DoThingResponse>"#;
        let v = parse_output(
            Protocol::Query,
            &SERVICE,
            &OP,
            &response(200, &h, body),
            None,
        )
        .unwrap();
        let Value::Struct(slots) = v else { panic!() };
        assert!(matches!(&slots[0], Some(Value::Str(x)) if x == "hello"));
        assert!(matches!(&slots[1], Some(Value::List(l)) if l.len() == 1));
        assert!(matches!(&slots[2], Some(Value::Str(x)) if x == "i-9"));

        let ec2 = r#"<DoThingResponse><requestId>r</requestId><Str>x</Str></DoThingResponse>"#;
        let v = parse_output(
            Protocol::Ec2,
            &SERVICE,
            &EC2_OP,
            &response(200, &h, ec2),
            None,
        )
        .unwrap();
        assert!(
            matches!(v, Value::Struct(ref s) if matches!(&s[0], Some(Value::Str(x)) if x == "x"))
        );

        let v = parse_output(
            Protocol::Query,
            &SERVICE,
            &EMPTY_OP,
            &response(200, &h, ""),
            None,
        )
        .unwrap();
        assert!(matches!(v, Value::Struct(ref s) if s.is_empty()));
        let v = parse_output(
            Protocol::Query,
            &SERVICE,
            &OP,
            &response(200, &h, "  "),
            None,
        )
        .unwrap();
        assert!(matches!(v, Value::Struct(ref s) if s.len() == 3 && s.iter().all(Option::is_none)));

        let e = parse_output(
            Protocol::Query,
            &SERVICE,
            &OP,
            &response(200, &h, "<DoThingResponse><DoThing"),
            None,
        )
        .unwrap_err();
        assert!(e.0.starts_with("invalid XML"), "{e}");
    }

    #[test]
    fn parses_every_error_variant() {
        let h = http::HeaderMap::new();
        let query = "<ErrorResponse><Error><Type>Sender</Type><Code>ResourceNotFound</Code>\
            <Message>gone</Message><Resource>r1</Resource></Error><RequestId>q-1</RequestId></ErrorResponse>";
        let ec2 =
            "<Response><Errors><Error><Code>InvalidID</Code><Message>bad id</Message></Error>\
            </Errors><RequestID>e-1</RequestID></Response>";
        let moto = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code>\
            <Message>token</Message></Error></Errors><RequestId>m-1</RequestId></ErrorResponse>";
        let cases = [
            (query, "ResourceNotFound", Some("gone"), Some("q-1")),
            (ec2, "InvalidID", Some("bad id"), Some("e-1")),
            (moto, "InvalidClientTokenId", Some("token"), Some("m-1")),
            (
                "<html><body>Service Unavailable</body></html>",
                "503",
                Some("Service Unavailable"),
                None,
            ),
            (
                "<ErrorResponse><Error>",
                "503",
                Some("Service Unavailable"),
                None,
            ),
            ("", "503", Some("Service Unavailable"), None),
        ];
        for (body, code, message, rid) in cases {
            let parts = parse_error(Protocol::Query, &SERVICE, &OP, &response(503, &h, body));
            assert_eq!(parts.code, code, "{body}");
            assert_eq!(parts.message.as_deref(), message, "{body}");
            assert_eq!(parts.request_id.as_deref(), rid, "{body}");
        }
        let v = parse_error_shape(
            Protocol::Query,
            &SERVICE,
            &NOT_FOUND,
            &response(404, &h, query),
        )
        .unwrap();
        assert!(
            matches!(v, Value::Struct(ref s) if matches!(&s[1], Some(Value::Str(x)) if x == "r1"))
        );
    }

    // ---- AWS protocol test suites --------------------------------------------------------

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_string().into_boxed_str())
    }

    /// Builds `&'static Shape`s from a suite's `shapes` JSON. Recursive shapes are unrolled a
    /// few levels (statics can form cycles, leaked boxes cannot without unsafe).
    struct Shapes<'j> {
        json: &'j serde_json::Map<String, Json>,
        cache: HashMap<String, &'static Shape>,
    }

    impl<'j> Shapes<'j> {
        fn new(json: &'j Json) -> Self {
            Shapes {
                json: json.as_object().expect("shapes"),
                cache: HashMap::new(),
            }
        }

        fn get(&mut self, name: &str) -> &'static Shape {
            if let Some(s) = self.cache.get(name) {
                return s;
            }
            let mut stack = Vec::new();
            let shape = self.build(name, &mut stack);
            self.cache.insert(name.to_string(), shape);
            shape
        }

        fn build(&mut self, name: &str, stack: &mut Vec<String>) -> &'static Shape {
            let def = &self.json[name];
            let nested = stack.iter().filter(|n| *n == name).count();
            if nested >= 6 {
                return Box::leak(Box::new(Shape::structure(leak(name), &[])));
            }
            stack.push(name.to_string());
            let kind = match def["type"].as_str().unwrap() {
                "structure" => {
                    let mut members = Vec::new();
                    if let Some(ms) = def["members"].as_object() {
                        for (mname, mdef) in ms {
                            members.push(self.member(mname, mdef, stack));
                        }
                    }
                    let members: &'static [Member] = Box::leak(members.into_boxed_slice());
                    if def["union"].as_bool() == Some(true) {
                        Kind::Union(members)
                    } else {
                        Kind::Structure(members)
                    }
                }
                "list" => Kind::List(Box::leak(Box::new(self.member(
                    "member",
                    &def["member"],
                    stack,
                )))),
                "map" => Kind::Map(
                    Box::leak(Box::new(self.member("key", &def["key"], stack))),
                    Box::leak(Box::new(self.member("value", &def["value"], stack))),
                ),
                "string" => Kind::String,
                "boolean" => Kind::Boolean,
                "byte" => Kind::Byte,
                "short" => Kind::Short,
                "integer" => Kind::Integer,
                "long" => Kind::Long,
                "float" => Kind::Float,
                "double" => Kind::Double,
                "bigInteger" => Kind::BigInteger,
                "bigDecimal" => Kind::BigDecimal,
                "blob" => Kind::Blob,
                "timestamp" => Kind::Timestamp,
                other => panic!("shape type {other}"),
            };
            stack.pop();
            let mut shape = Shape::scalar(leak(name), Kind::String);
            shape.kind = kind;
            if def["flattened"].as_bool() == Some(true) {
                shape.flags |= SHAPE_FLATTENED;
            }
            if let Some(n) = def["locationName"].as_str() {
                shape.location_name = Some(leak(n));
            }
            shape.timestamp_format = ts_format(&def["timestampFormat"]);
            if def["exception"].as_bool() == Some(true) {
                let code = def["error"]["code"].as_str().unwrap_or(name);
                let status = def["error"]["httpStatusCode"].as_u64().unwrap_or(400) as u16;
                shape.error = Some(ErrorInfo {
                    code: leak(code),
                    status,
                });
            }
            Box::leak(Box::new(shape))
        }

        fn member(&mut self, name: &str, def: &Json, stack: &mut Vec<String>) -> Member {
            let target = self.build(def["shape"].as_str().unwrap(), stack);
            let mut m = Member::new(leak(name), target);
            if let Some(n) = def["locationName"].as_str() {
                m.location_name = Some(leak(n));
            }
            if let Some(n) = def["queryName"].as_str() {
                m.query_name = Some(leak(n));
            }
            m.timestamp_format = ts_format(&def["timestampFormat"]);
            for (key, flag) in [
                ("flattened", FLATTENED),
                ("xmlAttribute", XML_ATTRIBUTE),
                ("idempotencyToken", IDEMPOTENCY_TOKEN),
                ("hostLabel", HOST_LABEL),
            ] {
                if def[key].as_bool() == Some(true) {
                    m.flags |= flag;
                }
            }
            m.location = match def["location"].as_str() {
                Some("header") => Location::Header,
                Some("headers") => Location::Headers,
                Some("statusCode") => Location::StatusCode,
                Some("uri") => Location::Uri,
                Some("querystring") => Location::Querystring,
                _ => Location::Body,
            };
            m
        }
    }

    fn ts_format(j: &Json) -> Option<TimestampFormat> {
        match j.as_str()? {
            "iso8601" => Some(TimestampFormat::Iso8601),
            "rfc822" => Some(TimestampFormat::Rfc822),
            "unixTimestamp" => Some(TimestampFormat::UnixTimestamp),
            other => panic!("timestamp format {other}"),
        }
    }

    /// Params JSON → Value for `shape`.
    fn to_value(shape: &'static Shape, j: &Json) -> Value {
        match (&shape.kind, j) {
            (Kind::Structure(ms) | Kind::Union(ms), Json::Object(o)) => Value::Struct(
                ms.iter()
                    .map(|m| {
                        o.get(m.name)
                            .filter(|v| !v.is_null())
                            .map(|v| to_value(m.target, v))
                    })
                    .collect(),
            ),
            (Kind::List(item), Json::Array(a)) => {
                Value::List(a.iter().map(|v| to_value(item.target, v)).collect())
            }
            (Kind::Map(_, val), Json::Object(o)) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), to_value(val.target, v)))
                    .collect(),
            ),
            (Kind::Timestamp, Json::Number(n)) => {
                Value::Timestamp(DateTime::from_secs_f64(n.as_f64().unwrap()))
            }
            (Kind::Timestamp, Json::String(t)) => Value::Timestamp(DateTime::parse_any(t).unwrap()),
            (Kind::Blob, Json::String(t)) => Value::Blob(Blob::from(t.as_str())),
            (Kind::Float | Kind::Double, Json::String(t)) => Value::Float(match t.as_str() {
                "NaN" => f64::NAN,
                "Infinity" => f64::INFINITY,
                "-Infinity" => f64::NEG_INFINITY,
                other => panic!("float {other}"),
            }),
            (Kind::Float | Kind::Double, Json::Number(n)) => Value::Float(n.as_f64().unwrap()),
            (_, Json::Number(n)) => Value::Int(n.as_i64().unwrap()),
            (_, Json::Bool(b)) => Value::Bool(*b),
            (_, Json::String(t)) => Value::Str(t.clone()),
            (k, j) => panic!("cannot convert {j} to {k:?}"),
        }
    }

    /// Compares a decoded Value with the suite's expected JSON; returns a description of the
    /// first difference.
    fn compare(shape: &'static Shape, v: &Value, j: &Json, path: &str) -> Result<(), String> {
        let diff = |what: &str| Err(format!("{path}: {what}: got {v:?}, want {j}"));
        match (&shape.kind, v, j) {
            (Kind::Structure(ms) | Kind::Union(ms), Value::Struct(slots), Json::Object(o)) => {
                for (i, m) in ms.iter().enumerate() {
                    let got = slots.get(i).and_then(Option::as_ref);
                    let want = o.get(m.name).filter(|w| !w.is_null());
                    let p = format!("{path}.{}", m.name);
                    match (got, want) {
                        (None, None) => {}
                        (Some(g), Some(w)) => compare(m.target, g, w, &p)?,
                        (g, w) => return Err(format!("{p}: got {g:?}, want {w:?}")),
                    }
                }
                for k in o.keys() {
                    if !ms.iter().any(|m| m.name == k) {
                        return Err(format!("{path}: expected unknown member {k}"));
                    }
                }
                Ok(())
            }
            (Kind::List(item), Value::List(items), Json::Array(a)) => {
                if items.len() != a.len() {
                    return diff("length");
                }
                for (i, (g, w)) in items.iter().zip(a).enumerate() {
                    compare(item.target, g, w, &format!("{path}[{i}]"))?;
                }
                Ok(())
            }
            (Kind::Map(_, val), Value::Map(entries), Json::Object(o)) => {
                if entries.len() != o.len() {
                    return diff("size");
                }
                for (k, g) in entries {
                    match o.get(k) {
                        Some(w) => compare(val.target, g, w, &format!("{path}[{k}]"))?,
                        None => return diff("key"),
                    }
                }
                Ok(())
            }
            (_, Value::Str(g), Json::String(w)) if g == w => Ok(()),
            (_, Value::Bool(g), Json::Bool(w)) if g == w => Ok(()),
            (_, Value::Int(g), Json::Number(w)) if w.as_i64() == Some(*g) => Ok(()),
            (_, Value::Float(g), Json::Number(w)) if w.as_f64() == Some(*g) => Ok(()),
            (_, Value::Float(g), Json::String(w))
                if (w == "NaN" && g.is_nan())
                    || (w == "Infinity" && *g == f64::INFINITY)
                    || (w == "-Infinity" && *g == f64::NEG_INFINITY) =>
            {
                Ok(())
            }
            (_, Value::Timestamp(t), Json::Number(w))
                if (t.as_secs_f64() - w.as_f64().unwrap()).abs() < 1e-6 =>
            {
                Ok(())
            }
            (_, Value::Blob(b), Json::String(w)) if b.as_bytes() == w.as_bytes() => Ok(()),
            _ => diff("mismatch"),
        }
    }

    fn load(rel: &str) -> Json {
        let path = format!(
            "{}/tests/data/protocol-tests/{rel}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    fn ignored(ignore: &Json, protocol: &str, kind: &str, suite: &str, case: &str) -> bool {
        let has = |j: &Json, key: &str, v: &str| {
            j[key]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(v)))
        };
        let general = &ignore["general"][kind];
        let proto = &ignore["protocols"][protocol][kind];
        has(general, "suites", suite)
            || has(general, "cases", case)
            || has(proto, "suites", suite)
            || has(proto, "cases", case)
    }

    struct Tally {
        passed: Vec<String>,
        failed: Vec<String>,
        ignored_passed: Vec<String>,
        ignored_failed: Vec<String>,
    }

    impl Tally {
        fn new() -> Self {
            Tally {
                passed: vec![],
                failed: vec![],
                ignored_passed: vec![],
                ignored_failed: vec![],
            }
        }
        fn record(&mut self, id: &str, ignored: bool, result: Result<(), String>) {
            match (ignored, result) {
                (false, Ok(())) => self.passed.push(id.to_string()),
                (false, Err(e)) => self.failed.push(format!("{id}: {e}")),
                (true, Ok(())) => self.ignored_passed.push(id.to_string()),
                (true, Err(e)) => self.ignored_failed.push(format!("{id}: {e}")),
            }
        }
        fn report(&self, file: &str) {
            eprintln!(
                "{file}: {} passed, {} failed; ignore-listed: {} pass, {} fail",
                self.passed.len(),
                self.failed.len(),
                self.ignored_passed.len(),
                self.ignored_failed.len()
            );
            for f in &self.failed {
                eprintln!("  FAIL {f}");
            }
            for f in &self.ignored_failed {
                eprintln!("  (ignore-listed) FAIL {f}");
            }
            for f in &self.ignored_passed {
                eprintln!("  (ignore-listed) pass {f}");
            }
            assert!(
                self.failed.is_empty(),
                "{file}: {} case(s) failed",
                self.failed.len()
            );
        }
    }

    fn service_for(
        suite: &Json,
        protocol: Protocol,
        errors: Vec<&'static Shape>,
    ) -> &'static Service {
        Box::leak(Box::new(Service {
            name: "test",
            service_id: "Test",
            api_version: leak(suite["metadata"]["apiVersion"].as_str().unwrap_or("")),
            endpoint_prefix: "test",
            signing_name: "test",
            protocol,
            protocols: &[],
            json_version: None,
            target_prefix: None,
            xml_namespace: None,
            query_compatible: false,
            signature_version: "v4",
            errors: Box::leak(errors.into_boxed_slice()),
            client_context_params: &[],
            endpoint_rules: "",
        }))
    }

    fn operation(shapes: &mut Shapes<'_>, given: &Json, protocol: Protocol) -> &'static Operation {
        let empty: &'static Shape = Box::leak(Box::new(Shape::structure("Empty", &[])));
        let input = given["input"]["shape"]
            .as_str()
            .map_or(empty, |n| shapes.get(n));
        let output = given["output"]["shape"]
            .as_str()
            .map_or(empty, |n| shapes.get(n));
        let name = leak(given["name"].as_str().unwrap());
        let method = leak(given["http"]["method"].as_str().unwrap_or("POST"));
        let mut op = Operation::new(name, method, "/", input, output);
        if let Some(w) = given["output"]["resultWrapper"].as_str() {
            op.result_wrapper = Some(leak(w));
        } else if protocol == Protocol::Query && !output.members().is_empty() {
            // As botocore's runner: the suites omit the wrapper their bodies use.
            op.result_wrapper = Some(leak(&format!("{name}Result")));
        }
        if let Some(p) = given["endpoint"]["hostPrefix"].as_str() {
            op.host_prefix = Some(leak(p));
        }
        Box::leak(Box::new(op))
    }

    fn form_pairs(body: &str) -> Vec<(String, String)> {
        let decode = |s: &str| {
            let plus = s.replace('+', " ");
            percent_encoding::percent_decode_str(&plus)
                .decode_utf8()
                .unwrap()
                .into_owned()
        };
        let mut pairs: Vec<(String, String)> = body
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (decode(k), decode(v)),
                None => (decode(p), String::new()),
            })
            .collect();
        pairs.sort();
        pairs
    }

    fn run_input_case(protocol: Protocol, suite: &Json, case: &Json) -> Result<(), String> {
        let mut shapes = Shapes::new(&suite["shapes"]);
        let op = operation(&mut shapes, &case["given"], protocol);
        let service = service_for(suite, protocol, vec![]);
        let input = to_value(op.input, &case["params"]);
        let req = serialize(protocol, service, op, input).map_err(|e| e.to_string())?;
        let want = &case["serialized"];
        if let Some(m) = want["method"].as_str() {
            if req.method != m {
                return Err(format!("method {} != {m}", req.method));
            }
        }
        let uri = want["uri"].as_str().unwrap_or("");
        if req.path != uri {
            return Err(format!("uri {} != {uri}", req.path));
        }
        if let Some(headers) = want["headers"].as_object() {
            for (k, v) in headers {
                let mut v = v.as_str().unwrap().to_string();
                // The suites omit "; charset=utf-8", which botocore's runner adds back.
                if k.eq_ignore_ascii_case("content-type") && !v.contains("charset=utf-8") {
                    v.push_str("; charset=utf-8");
                }
                if req.header(k) != Some(v.as_str()) {
                    return Err(format!("header {k}: {:?} != {v:?}", req.header(k)));
                }
            }
        }
        if let Some(forbid) = want["forbidHeaders"].as_array() {
            for h in forbid {
                if req.header(h.as_str().unwrap()).is_some() {
                    return Err(format!("forbidden header {h} present"));
                }
            }
        }
        if let Some(body) = want["body"].as_str() {
            let got = String::from_utf8(req.body.bytes().unwrap().to_vec()).unwrap();
            let (g, w) = (form_pairs(&got), form_pairs(body));
            if g != w {
                return Err(format!("body {got:?} != {body:?}"));
            }
        }
        if let Some(host) = want["host"].as_str() {
            let endpoint = suite["clientEndpoint"]
                .as_str()
                .unwrap_or("https://example.com");
            let authority = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
            let authority = authority.split('/').next().unwrap();
            let got = format!("{}{authority}", req.host_prefix.as_deref().unwrap_or(""));
            if got != host {
                return Err(format!("host {got} != {host}"));
            }
        }
        Ok(())
    }

    fn run_output_case(protocol: Protocol, suite: &Json, case: &Json) -> Result<(), String> {
        let mut shapes = Shapes::new(&suite["shapes"]);
        let op = operation(&mut shapes, &case["given"], protocol);
        let errors: Vec<&'static Shape> = case["given"]["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| shapes.get(e["shape"].as_str().unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        let service = service_for(suite, protocol, errors.clone());
        let resp = &case["response"];
        let mut headers = http::HeaderMap::new();
        if let Some(h) = resp["headers"].as_object() {
            for (k, v) in h {
                headers.insert(
                    http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    http::HeaderValue::from_str(v.as_str().unwrap()).unwrap(),
                );
            }
        }
        let body = resp["body"].as_str().unwrap_or("");
        let response = Response {
            status: resp["status_code"].as_u64().unwrap() as u16,
            headers: &headers,
            body: body.as_bytes(),
        };
        if let Some(expected) = case.get("error") {
            let parts = parse_error(protocol, service, op, &response);
            let want_code = case["errorCode"].as_str().unwrap_or("");
            if parts.code != want_code {
                return Err(format!("code {:?} != {want_code:?}", parts.code));
            }
            let want_msg = case["errorMessage"].as_str().unwrap_or("");
            if parts.message.as_deref().unwrap_or("") != want_msg {
                return Err(format!("message {:?} != {want_msg:?}", parts.message));
            }
            let shape = errors
                .iter()
                .find(|s| s.error.map_or(s.name, |e| e.code) == parts.code || s.name == parts.code)
                .ok_or_else(|| format!("no modeled error for {}", parts.code))?;
            let v = parse_error_shape(protocol, service, shape, &response)
                .map_err(|e| e.to_string())?;
            return compare(shape, &v, expected, shape.name);
        }
        let v = parse_output(protocol, service, op, &response, None).map_err(|e| e.to_string())?;
        compare(op.output, &v, &case["result"], op.output.name)
    }

    fn run_suite_file(rel: &str, protocol: Protocol, output: bool) {
        let ignore = load("protocol-tests-ignore-list.json");
        let suites = load(rel);
        let pname = protocol.as_str();
        let kind = if output { "output" } else { "input" };
        let mut tally = Tally::new();
        for suite in suites.as_array().unwrap() {
            let desc = suite["description"].as_str().unwrap_or("");
            for case in suite["cases"].as_array().unwrap() {
                let id = case["id"].as_str().unwrap_or("?");
                let skip = ignored(&ignore, pname, kind, desc, id);
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if output {
                        run_output_case(protocol, suite, case)
                    } else {
                        run_input_case(protocol, suite, case)
                    }
                }))
                .unwrap_or_else(|_| Err("panicked".to_string()));
                tally.record(id, skip, result);
            }
        }
        tally.report(rel);
    }

    #[test]
    fn suite_input_query() {
        run_suite_file("input/query.json", Protocol::Query, false);
    }

    #[test]
    fn suite_input_ec2() {
        run_suite_file("input/ec2.json", Protocol::Ec2, false);
    }

    #[test]
    fn suite_output_query() {
        run_suite_file("output/query.json", Protocol::Query, true);
    }

    #[test]
    fn suite_output_ec2() {
        run_suite_file("output/ec2.json", Protocol::Ec2, true);
    }
}
