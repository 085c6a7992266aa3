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

use super::errors::from_status;
use super::format::{format_timestamp, python_float};
use super::token::fill_idempotency_tokens;
use super::xml::{self, is_flattened, serialized_name, Element};
use super::{
    empty_slots, expand_host_prefix, struct_slots, ErrorParts, ParseError, Request, Response,
    SerializeError,
};
use crate::schema::{Kind, Member, Operation, Protocol, Service, Shape, TimestampFormat};
use crate::types::Body;
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
    let host_prefix = expand_host_prefix(op, struct_slots(&input))?;

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

    let mut req = Request::new(super::method_of(op)?, "/");
    req.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(CONTENT_TYPE),
    );
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
        return Ok(Value::Struct(empty_slots(members)));
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
    let generic = || from_status(response.status, None);
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
            self.value(m.target(), Some(m), v, &key, depth + 1)?;
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
                    self.value(item.target(), Some(item), e, &p, depth + 1)?;
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
                    self.value(value.target(), Some(value), v, &p, depth + 1)?;
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
                format_timestamp(t, format, false)
            }
            (Kind::Boolean, _) => return Err(mismatch(prefix, "boolean", v)),
            (Kind::Blob, _) => return Err(mismatch(prefix, "blob", v)),
            (Kind::Timestamp, _) => return Err(mismatch(prefix, "timestamp", v)),
            (Kind::String, _) => return Err(mismatch(prefix, "string", v)),
            _ => return Err(mismatch(prefix, "number", v)),
        })
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
    use crate::schema::{FLATTENED, HOST_LABEL, IDEMPOTENCY_TOKEN, SHAPE_FLATTENED, XML_ATTRIBUTE};
    use crate::types::{Blob, DateTime};

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
        errors: &[&NOT_FOUND],
        ..Service::BLANK
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
}
