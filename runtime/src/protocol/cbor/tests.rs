//! Unit tests of the smithy-rpc-v2-cbor protocol on hand-written shapes: exact request bytes
//! (botocore's encoder), decoding corners the suites don't reach, and hostile bodies.

use super::*;
use crate::schema::{prelude, Kind, Member, Protocol, IDEMPOTENCY_TOKEN};
use crate::types::{Blob, DateTime, Document, Number};

static STR: Shape = Shape::scalar("String", Kind::String);
static INT: Shape = Shape::scalar("Integer", Kind::Integer);
static LONG: Shape = Shape::scalar("Long", Kind::Long);
static FLOAT: Shape = Shape::scalar("Float", Kind::Float);
static DOUBLE: Shape = Shape::scalar("Double", Kind::Double);
static BIG_DEC: Shape = Shape::scalar("BigDecimal", Kind::BigDecimal);
static BLOB: Shape = Shape::scalar("Blob", Kind::Blob);
static TS: Shape = Shape::scalar("Timestamp", Kind::Timestamp);
static DOC: Shape = Shape::scalar("Document", Kind::Document);
static STR_LIST: Shape = Shape::list("StringList", &Member::item(&STR));
static UNION: Shape = Shape::union("Choice", &[Member::new("S", &STR), Member::new("I", &INT)]);
static NESTED: Shape = Shape::structure(
    "Nested",
    &[
        Member::new("Count", &INT),
        Member::new("Inner", &NESTED),
        Member::new("Items", &NESTED_LIST),
    ],
);
static NESTED_LIST: Shape = Shape::list("NestedList", &Member::item(&NESTED));
static INPUT: Shape = Shape::structure(
    "Input",
    &[
        Member::new("Name", &STR).named("name"),
        Member::new("Token", &STR).with(IDEMPOTENCY_TOKEN),
    ],
);
static OUTPUT: Shape = Shape::structure(
    "Output",
    &[
        Member::new("Name", &STR),
        Member::new("Count", &INT),
        Member::new("Big", &LONG),
        Member::new("Ratio", &FLOAT),
        Member::new("Precise", &DOUBLE),
        Member::new("Dec", &BIG_DEC),
        Member::new("Data", &BLOB),
        Member::new("When", &TS),
        Member::new("Doc", &DOC),
        Member::new("Names", &STR_LIST),
        Member::new("Choice", &UNION),
        Member::new("Nested", &NESTED),
    ],
);
static ERROR: Shape = Shape::structure("Oops", &[Member::new("Message", &STR)]).error("Oops", 400);
static ERRORS: &[&Shape] = &[&ERROR];

const fn service(target_prefix: Option<&'static str>, query_compatible: bool) -> Service {
    Service {
        name: "svc",
        service_id: "Svc",
        api_version: "2020-01-01",
        endpoint_prefix: "svc",
        signing_name: "svc",
        protocol: Protocol::SmithyRpcV2Cbor,
        protocols: &[Protocol::SmithyRpcV2Cbor],
        target_prefix,
        query_compatible,
        errors: ERRORS,
        ..Service::BLANK
    }
}

static SERVICE: Service = service(Some("Granite"), false);
static QUERY_SERVICE: Service = service(Some("Granite"), true);
static NAMELESS: Service = service(None, false);
static OP: Operation = Operation::new("Do", "POST", "/", &INPUT, &OUTPUT);
static NO_IO: Operation = Operation::new("Nothing", "POST", "/", &prelude::UNIT, &prelude::UNIT);
static SCALARS: Operation = Operation::new("Scalars", "POST", "/", &OUTPUT, &prelude::UNIT);

fn body(req: &Request) -> Vec<u8> {
    req.body.bytes().expect("whole body").to_vec()
}

fn slots(n: usize) -> Vec<Option<Value>> {
    (0..n).map(|_| None).collect()
}

fn output(set: impl FnOnce(&mut Vec<Option<Value>>)) -> Value {
    let mut s = slots(OUTPUT.members().len());
    set(&mut s);
    Value::Struct(s)
}

fn parse(bytes: &[u8]) -> Result<Vec<Option<Value>>, String> {
    let headers = http::HeaderMap::new();
    let resp = Response {
        status: 200,
        headers: &headers,
        body: bytes,
    };
    match parse_output(&SERVICE, &OP, &resp, None) {
        Ok(Value::Struct(s)) => Ok(s),
        Ok(other) => Err(format!("not a struct: {other:?}")),
        Err(e) => Err(e.0),
    }
}

/// `{key: item}` as a definite one-entry map.
fn map1(key: &str, item: &[u8]) -> Vec<u8> {
    let mut v = vec![0xa1, 0x60 | key.len() as u8];
    v.extend_from_slice(key.as_bytes());
    v.extend_from_slice(item);
    v
}

fn error_parts(status: u16, headers: &[(&'static str, &str)], body: &[u8]) -> ErrorParts {
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, v.parse().unwrap());
    }
    let resp = Response {
        status,
        headers: &map,
        body,
    };
    parse_error(&SERVICE, &OP, &resp)
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

#[test]
fn request_path_headers_and_wire_names() {
    let input = Value::Struct(vec![Some(Value::Str("x".into())), None]);
    let req = serialize(&SERVICE, &OP, input).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/service/Granite/operation/Do");
    assert_eq!(req.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(req.header("Accept"), Some("application/cbor"));
    assert_eq!(req.header("Content-Type"), Some("application/cbor"));
    assert_eq!(req.header("x-amzn-query-mode"), None);
    let b = body(&req);
    // {"name": "x", "Token": <uuid>}: locationName on the way out, token filled in.
    assert_eq!(&b[..8], &[0xa2, 0x64, b'n', b'a', b'm', b'e', 0x61, b'x']);
    assert_eq!(&b[8..15], &[0x65, b'T', b'o', b'k', b'e', b'n', 0x78]);
    assert_eq!(b[15], 36);
}

#[test]
fn no_input_shape_sends_no_body_and_empty_input_sends_an_empty_map() {
    let req = serialize(&SERVICE, &NO_IO, Value::Struct(vec![])).unwrap();
    assert!(body(&req).is_empty());
    assert_eq!(req.header("Content-Type"), None);
    assert_eq!(req.header("Accept"), Some("application/cbor"));

    static EMPTY: Shape = Shape::structure("Empty", &[]);
    static EMPTY_OP: Operation = Operation::new("Empty", "POST", "/", &EMPTY, &prelude::UNIT);
    let req = serialize(&SERVICE, &EMPTY_OP, Value::Struct(vec![])).unwrap();
    assert_eq!(body(&req), [0xa0]);
    assert_eq!(req.header("Content-Type"), Some("application/cbor"));
}

#[test]
fn query_compatible_services_send_query_mode() {
    let req = serialize(&QUERY_SERVICE, &NO_IO, Value::Struct(vec![])).unwrap();
    assert_eq!(req.header("x-amzn-query-mode"), Some("true"));
}

#[test]
fn a_service_without_target_prefix_cannot_build_a_path() {
    let err = serialize(&NAMELESS, &NO_IO, Value::Struct(vec![])).unwrap_err();
    assert!(err.0.contains("targetPrefix"), "{err}");
}

/// The body of `Scalars` (input = OUTPUT) with one member set.
fn encoded(index: usize, v: Value) -> Vec<u8> {
    let mut s = slots(OUTPUT.members().len());
    s[index] = Some(v);
    body(&serialize(&SERVICE, &SCALARS, Value::Struct(s)).unwrap())
}

/// `encoded` minus the map header and key.
fn encoded_item(index: usize, v: Value) -> Vec<u8> {
    let b = encoded(index, v);
    let key_len = OUTPUT.members()[index].name.len();
    b[2 + key_len..].to_vec()
}

#[test]
fn scalars_are_encoded_as_botocore_does() {
    assert_eq!(encoded_item(1, Value::Int(23)), [0x17]);
    assert_eq!(encoded_item(1, Value::Int(24)), [0x18, 24]);
    assert_eq!(encoded_item(1, Value::Int(-500)), [0x39, 0x01, 0xf3]);
    assert_eq!(
        encoded_item(2, Value::Int(1 << 40)),
        [0x1b, 0, 0, 1, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        encoded_item(3, Value::Float(7.625)),
        [0xfa, 0x40, 0xf4, 0, 0]
    );
    assert_eq!(
        encoded_item(4, Value::Float(1.5)),
        [0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(encoded_item(3, Value::Float(f64::NAN)), [0xf9, 0x7e, 0x00]);
    assert_eq!(
        encoded_item(4, Value::Float(f64::INFINITY)),
        [0xf9, 0x7c, 0x00]
    );
    assert_eq!(
        encoded_item(4, Value::Float(f64::NEG_INFINITY)),
        [0xf9, 0xfc, 0x00]
    );
    assert_eq!(
        encoded_item(6, Value::Blob(Blob::from("foo"))),
        [0x43, b'f', b'o', b'o']
    );
    // Tag 1 around integer seconds, or a double with microseconds.
    assert_eq!(
        encoded_item(7, Value::Timestamp(DateTime::from_secs(1_398_796_238))),
        [0xc1, 0x1a, 0x53, 0x5f, 0xef, 0xce]
    );
    let t = DateTime::from_secs_and_nanos(946_845_296, 123_000_000);
    let mut want = vec![0xc1, 0xfb];
    want.extend_from_slice(&946_845_296.123f64.to_be_bytes());
    assert_eq!(encoded_item(7, Value::Timestamp(t)), want);
    // Big decimals as tag 4 decimal fractions: 1.25 = 125e-2.
    assert_eq!(
        encoded_item(5, Value::Float(1.25)),
        [0xc4, 0x82, 0x21, 0x18, 125]
    );
}

#[test]
fn requests_round_trip_through_the_decoder() {
    let v = output(|s| {
        s[0] = Some(Value::Str("hé".into()));
        s[5] = Some(Value::Float(-0.000123));
        s[8] = Some(Value::Document(Document::from_json(
            serde_json::json!({"a": [1, -2, 2.5, "x", true]}),
        )));
        s[9] = Some(Value::List(vec![Value::Str("a".into())]));
        s[10] = Some(Value::Struct(vec![None, Some(Value::Int(3))]));
    });
    let req = serialize(&SERVICE, &SCALARS, v).unwrap();
    let back = parse(&body(&req)).unwrap();
    assert!(matches!(&back[0], Some(Value::Str(s)) if s == "hé"));
    assert!(matches!(back[5], Some(Value::Float(f)) if f == -0.000123));
    match &back[8] {
        Some(Value::Document(Document::Object(o))) => match &o["a"] {
            Document::Array(a) => {
                assert_eq!(a[0], Document::Number(Number::PosInt(1)));
                assert_eq!(a[1], Document::Number(Number::NegInt(-2)));
                assert_eq!(a[2], Document::Number(Number::Float(2.5)));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(matches!(&back[10], Some(Value::Struct(u)) if matches!(u[1], Some(Value::Int(3)))));
}

#[test]
fn serialize_reports_the_member_path() {
    let v = output(|s| s[11] = Some(Value::Struct(vec![Some(Value::Str("x".into()))])));
    let err = serialize(&SERVICE, &SCALARS, v).unwrap_err();
    assert_eq!(
        err.0,
        "Output.Nested.Count: expected integer for shape Integer, found string"
    );
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

#[test]
fn decodes_every_width_and_indefinite_lengths() {
    // Integers of each width, and floats of each precision, for the matching shapes.
    let s = parse(&map1("Big", &[0x3b, 0, 0, 0, 1, 0, 0, 0, 0])).unwrap();
    assert!(matches!(s[2], Some(Value::Int(-4_294_967_297))));
    let s = parse(&map1("Count", &[0x1a, 0x7f, 0xff, 0xff, 0xff])).unwrap();
    assert!(matches!(s[1], Some(Value::Int(2_147_483_647))));
    let s = parse(&map1("Precise", &[0xf9, 0x3e, 0x00])).unwrap();
    assert!(matches!(s[4], Some(Value::Float(f)) if f == 1.5));
    let s = parse(&map1("Precise", &[0xf9, 0x00, 0x01])).unwrap();
    assert!(matches!(s[4], Some(Value::Float(f)) if f == 5.960464477539063e-8));
    let s = parse(&map1("Ratio", &[0x05])).unwrap();
    assert!(matches!(s[3], Some(Value::Float(f)) if f == 5.0));
    // Whole floats are integers too; fractional ones are not.
    let s = parse(&map1("Count", &[0xf9, 0x3c, 0x00])).unwrap();
    assert!(matches!(s[1], Some(Value::Int(1))));
    assert!(parse(&map1("Count", &[0xf9, 0x3e, 0x00]))
        .unwrap_err()
        .contains("not an integer"));
    // Indefinite map, indefinite byte string in chunks.
    let mut b = vec![0xbf, 0x64];
    b.extend_from_slice(b"Data");
    b.extend_from_slice(&[0x5f, 0x41, b'a', 0x42, b'b', b'c', 0xff, 0xff]);
    let s = parse(&b).unwrap();
    assert!(matches!(&s[6], Some(Value::Blob(x)) if x.as_bytes() == b"abc"));
}

#[test]
fn timestamps_tagged_or_not() {
    let s = parse(&map1("When", &[0xc1, 0x1a, 0x53, 0x5f, 0xef, 0xce])).unwrap();
    assert!(matches!(s[7], Some(Value::Timestamp(t)) if t.secs() == 1_398_796_238));
    let mut item = vec![0xc1, 0xfb];
    item.extend_from_slice(&946_845_296.123f64.to_be_bytes());
    let s = parse(&map1("When", &item)).unwrap();
    assert!(
        matches!(s[7], Some(Value::Timestamp(t)) if t.secs() == 946_845_296 && t.subsec_nanos() == 123_000_000)
    );
    let s = parse(&map1("When", &[0x18, 100])).unwrap();
    assert!(matches!(s[7], Some(Value::Timestamp(t)) if t.secs() == 100));
    assert!(parse(&map1("When", &[0xc1, 0x61, b'x']))
        .unwrap_err()
        .contains("Output.When: unable to parse a datetime"));
    assert!(parse(&map1("Name", &[0xc1, 0x01]))
        .unwrap_err()
        .contains("found a CBOR timestamp"));
    assert!(
        parse(&map1("When", &[0xc1, 0x1b, 0x7f, 0, 0, 0, 0, 0, 0, 0]))
            .unwrap_err()
            .contains("out of range")
    );
}

#[test]
fn big_numbers_by_tag() {
    // Tag 2 bignum 2^40 for a long; tag 3 for -1 - n.
    let s = parse(&map1("Big", &[0xc2, 0x46, 1, 0, 0, 0, 0, 0])).unwrap();
    assert!(matches!(s[2], Some(Value::Int(1_099_511_627_776))));
    let s = parse(&map1("Big", &[0xc3, 0x41, 9])).unwrap();
    assert!(matches!(s[2], Some(Value::Int(-10))));
    assert!(
        parse(&map1("Big", &[0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0]))
            .unwrap_err()
            .contains("out of range")
    );
    // Tag 4 decimal fraction [-2, 27315] = 273.15.
    let s = parse(&map1("Dec", &[0xc4, 0x82, 0x21, 0x19, 0x6a, 0xb3])).unwrap();
    assert!(matches!(s[5], Some(Value::Float(f)) if f == 273.15));
    assert!(parse(&map1("Name", &[0xc5, 0x01]))
        .unwrap_err()
        .contains("CBOR tag 5 is not supported"));
}

#[test]
fn nulls_unknown_keys_and_unions() {
    // A null member is absent; unknown keys (with any content) are skipped.
    let mut b = vec![0xa3, 0x64];
    b.extend_from_slice(b"Name");
    b.push(0xf6);
    b.extend_from_slice(&[0x63, b'z', b'z', b'z', 0xd8, 0x63, 0x9f, 0xbf, 0xff, 0xff]);
    b.extend_from_slice(&[0x65, b'C', b'o', b'u', b'n', b't', 0x07]);
    let s = parse(&b).unwrap();
    assert!(s[0].is_none());
    assert!(matches!(s[1], Some(Value::Int(7))));
    // A union with two members set is an error; an unknown member leaves every slot empty.
    let two = map1("Choice", &[0xa2, 0x61, b'S', 0x61, b'x', 0x61, b'I', 0x01]);
    assert!(parse(&two)
        .unwrap_err()
        .contains("union Choice must have one and only one member set, found 2"));
    let unknown = map1(
        "Choice",
        &[
            0xa2, 0x61, b'Q', 0x01, 0x66, b'_', b'_', b't', b'y', b'p', b'e', 0x60,
        ],
    );
    let s = parse(&unknown).unwrap();
    assert!(matches!(&s[10], Some(Value::Struct(u)) if u.iter().all(Option::is_none)));
}

#[test]
fn parse_errors_name_the_member_path() {
    // {"Nested": {"Items": [{}, {"Count": "x"}]}}
    let mut item = vec![0xa1, 0x65];
    item.extend_from_slice(b"Items");
    item.extend_from_slice(&[0x82, 0xa0, 0xa1, 0x65]);
    item.extend_from_slice(b"Count");
    item.extend_from_slice(&[0x61, b'x']);
    let err = parse(&map1("Nested", &item)).unwrap_err();
    assert_eq!(
        err,
        "Output.Nested.Items[1].Count: expected integer for shape Integer, found CBOR text string"
    );
    let err = parse(&[0x82, 0x01, 0x02]).unwrap_err();
    assert_eq!(
        err,
        "Output: expected structure for shape Output, found CBOR array"
    );
}

#[test]
fn truncated_and_malformed_bodies_are_errors() {
    for bad in [
        &[0xa1][..],
        &[0xa1, 0x64, b'N', b'a'],
        &[0xbf, 0x64, b'N', b'a', b'm', b'e', 0x61, b'x'],
        &[0xa1, 0x64, b'N', b'a', b'm', b'e', 0x62, 0xff, 0xfe],
        &[0xa1, 0x64, b'N', b'a', b'm', b'e', 0xff],
        &[0xa1, 0x64, b'N', b'a', b'm', b'e', 0x1c],
        &[0xa1, 0x64, b'N', b'a', b'm', b'e', 0xf9, 0x00],
    ] {
        assert!(parse(bad).is_err(), "{bad:02x?}");
    }
}

#[test]
fn huge_length_prefixes_do_not_allocate() {
    // Claims of 2^64 - 1 items or bytes with nothing behind them.
    for item in [
        &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        &[0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        &[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ] {
        for key in ["Names", "Data", "Name", "Doc", "Unknown"] {
            assert!(parse(&map1(key, item)).is_err(), "{key} {item:02x?}");
        }
    }
    // Nested lists each claiming 2^32 items (only the first element of each is present).
    let mut doc = Vec::new();
    for _ in 0..90 {
        doc.extend_from_slice(&[0x9a, 0xff, 0xff, 0xff, 0xff]);
    }
    assert!(parse(&map1("Doc", &doc)).is_err());
}

#[test]
fn deep_nesting_is_capped() {
    let deep = |open: u8, n: usize| {
        let mut v = vec![open; n];
        v.push(0x01);
        v
    };
    let err = parse(&map1("Doc", &deep(0x81, 100_000))).unwrap_err();
    assert!(err.contains("nested deeper than 100 levels"), "{err}");
    // A recursive structure: {"Inner": {"Inner": ...}}.
    let mut b = Vec::new();
    for _ in 0..5_000 {
        b.extend_from_slice(&[0xa1, 0x65]);
        b.extend_from_slice(b"Inner");
    }
    b.push(0xa0);
    let mut body = vec![0xa1, 0x66];
    body.extend_from_slice(b"Nested");
    body.extend_from_slice(&b);
    assert!(parse(&body).unwrap_err().contains("nested deeper"));
    // Unknown members are skipped without recursion, however deep.
    let s = parse(&map1("Unknown", &deep(0x81, 100_000))).unwrap();
    assert!(s.iter().all(Option::is_none));
}

#[test]
fn no_output_shape_ignores_the_body() {
    let headers = http::HeaderMap::new();
    let resp = Response {
        status: 200,
        headers: &headers,
        body: b"\xff\xff not cbor",
    };
    assert!(parse_output(&SERVICE, &NO_IO, &resp, None).is_ok());
}

#[test]
fn error_code_message_and_fault() {
    // {"__type": "ns#Oops", "Message": "m"}
    let mut b = vec![0xa2, 0x66];
    b.extend_from_slice(b"__type");
    b.extend_from_slice(&[0x67]);
    b.extend_from_slice(b"ns#Oops");
    b.extend_from_slice(&[0x67]);
    b.extend_from_slice(b"Message");
    b.extend_from_slice(&[0x61, b'm']);
    let p = error_parts(400, &[("x-amzn-requestid", "rid")], &b);
    assert_eq!(p.code, "Oops");
    assert_eq!(p.message.as_deref(), Some("m"));
    assert_eq!(p.request_id.as_deref(), Some("rid"));
    assert_eq!(p.fault, None);

    let p = error_parts(400, &[("x-amzn-query-error", "AWS.Oops;Sender")], &b);
    assert_eq!(p.code, "AWS.Oops");
    assert_eq!(p.fault.as_deref(), Some("Sender"));

    // `message` wins over `Message`; a null `message` does not.
    let mut b = vec![0xa2, 0x67];
    b.extend_from_slice(b"message");
    b.push(0xf6);
    b.push(0x67);
    b.extend_from_slice(b"Message");
    b.extend_from_slice(&[0x61, b'M']);
    assert_eq!(error_parts(400, &[], &b).message.as_deref(), Some("M"));

    // No __type: the status; a body that is not CBOR keeps its text as the message.
    assert_eq!(error_parts(404, &[], &[0xa0]).code, "404");
    let p = error_parts(502, &[], b"Bad Gateway from proxy");
    assert_eq!(p.code, "502");
    assert_eq!(p.message.as_deref(), Some("Bad Gateway from proxy"));
    let p = error_parts(503, &[], b"");
    assert_eq!(p.message.as_deref(), Some("Service Unavailable"));
}

#[test]
fn modeled_error_members_are_parsed() {
    let mut b = vec![0xa2, 0x66];
    b.extend_from_slice(b"__type");
    b.extend_from_slice(&[0x64]);
    b.extend_from_slice(b"Oops");
    b.extend_from_slice(&[0x67]);
    b.extend_from_slice(b"Message");
    b.extend_from_slice(&[0x62, b'h', b'i']);
    let headers = http::HeaderMap::new();
    let resp = Response {
        status: 400,
        headers: &headers,
        body: &b,
    };
    match parse_error_shape(&SERVICE, &ERROR, &resp).unwrap() {
        Value::Struct(s) => assert!(matches!(&s[0], Some(Value::Str(m)) if m == "hi")),
        other => panic!("{other:?}"),
    }
}
