//! Unit tests of the json protocol on hand-written shapes.

use super::*;
use crate::schema::{
    Kind, Location, Member, Protocol, TimestampFormat, HOST_LABEL, IDEMPOTENCY_TOKEN, PAYLOAD,
    REQUIRED, SHAPE_STREAMING,
};
use crate::types::Number;
use crate::types::{Blob, DateTime, Document};

static STR: Shape = Shape::scalar("String", Kind::String);
static INT: Shape = Shape::scalar("Integer", Kind::Integer);
static LONG: Shape = Shape::scalar("Long", Kind::Long);
static BOOL: Shape = Shape::scalar("Boolean", Kind::Boolean);
static FLOAT: Shape = Shape::scalar("Float", Kind::Float);
static DOUBLE: Shape = Shape::scalar("Double", Kind::Double);
static BLOB: Shape = Shape::scalar("Blob", Kind::Blob);
static TS: Shape = Shape::scalar("Timestamp", Kind::Timestamp);
static ISO_TS: Shape = Shape::scalar("IsoTimestamp", Kind::Timestamp).ts(TimestampFormat::Iso8601);
static DOC: Shape = Shape::scalar("Document", Kind::Document);
static STR_LIST: Shape = Shape::list("StringList", &Member::item(&STR));
static STR_MAP: Shape = Shape::map("StringMap", &Member::item(&STR), &Member::item(&STR));
static UNION: Shape = Shape::union("Choice", &[Member::new("S", &STR), Member::new("I", &INT)]);
static NESTED: Shape = Shape::structure(
    "Nested",
    &[
        Member::new("Value", &STR),
        Member::new("Count", &INT),
        Member::new("Inner", &NESTED),
        Member::new("Items", &NESTED_LIST),
    ],
);
static NESTED_LIST: Shape = Shape::list("NestedList", &Member::item(&NESTED));
static INPUT: Shape = Shape::structure(
    "Input",
    &[
        Member::new("Name", &STR).named("name").with(REQUIRED),
        Member::new("Count", &INT),
        Member::new("Big", &LONG),
        Member::new("Flag", &BOOL),
        Member::new("Ratio", &FLOAT),
        Member::new("Precise", &DOUBLE),
        Member::new("Data", &BLOB),
        Member::new("When", &TS),
        Member::new("WhenIso", &ISO_TS),
        Member::new("WhenHttp", &TS).ts(TimestampFormat::Rfc822),
        Member::new("Doc", &DOC),
        Member::new("Tags", &STR_LIST),
        Member::new("Attrs", &STR_MAP),
        Member::new("Pick", &UNION),
        Member::new("Nested", &NESTED),
        Member::new("Token", &STR).with(IDEMPOTENCY_TOKEN),
        // botocore ignores `location` in the json protocol: this goes in the body too.
        Member::new("Header", &STR).at(Location::Header, "x-amz-header"),
    ],
);
static EMPTY: Shape = Shape::structure("Empty", &[]);
static LABELLED: Shape = Shape::structure(
    "Labelled",
    &[Member::new("Label", &STR).with(HOST_LABEL).with(REQUIRED)],
);
static ERROR: Shape = Shape::structure(
    "ThingNotFound",
    &[Member::new("Message", &STR), Member::new("Reason", &STR)],
)
.error("ThingNotFound", 404);

static OP: Operation = Operation::new("DoThing", "POST", "/", &INPUT, &INPUT);
static EMPTY_OP: Operation = Operation::new("Nothing", "POST", "/", &EMPTY, &EMPTY);
static NESTED_OP: Operation = Operation::new("Nest", "POST", "/", &EMPTY, &NESTED);
static HOST_OP: Operation =
    Operation::new("Hosted", "POST", "/", &LABELLED, &EMPTY).host_prefix("data-{Label}.");

static ERRORS: &[&Shape] = &[&ERROR];

const fn service(json_version: &'static str, query_compatible: bool) -> Service {
    Service {
        name: "thing",
        service_id: "Thing",
        api_version: "2020-01-01",
        endpoint_prefix: "thing",
        signing_name: "thing",
        protocols: &[Protocol::Json],
        json_version: Some(json_version),
        target_prefix: Some("ThingService_20200101"),
        query_compatible,
        errors: ERRORS,
        ..Service::BLANK
    }
}
static SERVICE: Service = service("1.1", false);
static QC_SERVICE: Service = service("1.0", true);

fn slots(n: usize) -> Vec<Option<Value>> {
    (0..n).map(|_| None).collect()
}

fn body_json(req: &Request) -> Json {
    serde_json::from_slice(req.body.bytes().expect("in-memory body")).expect("valid JSON")
}

fn response<'a>(status: u16, headers: &'a http::HeaderMap, body: &'a [u8]) -> Response<'a> {
    Response {
        status,
        headers,
        body,
    }
}

fn field(v: &Value, i: usize) -> Option<&Value> {
    match v {
        Value::Struct(s) => s.get(i).and_then(Option::as_ref),
        _ => None,
    }
}

#[test]
fn empty_input_is_an_empty_object_with_target_and_content_type() {
    let req = serialize(&SERVICE, &EMPTY_OP, Value::Struct(vec![])).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/");
    assert!(req.query.is_empty());
    assert_eq!(
        req.header("x-amz-target"),
        Some("ThingService_20200101.Nothing")
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(req.header("x-amzn-query-mode"), None);
    assert_eq!(req.body.bytes().unwrap().as_ref(), b"{}");
    assert_eq!(req.host_prefix, None);
}

#[test]
fn query_compatible_services_send_the_query_mode_header() {
    let req = serialize(&QC_SERVICE, &EMPTY_OP, Value::Struct(vec![])).unwrap();
    assert_eq!(req.header("x-amzn-query-mode"), Some("true"));
    assert_eq!(
        req.header("content-type"),
        Some("application/x-amz-json-1.0")
    );
}

#[test]
fn serializes_every_kind() {
    let mut s = slots(17);
    s[0] = Some(Value::Str("a \"quoted\" name".into()));
    s[1] = Some(Value::Int(-7));
    s[2] = Some(Value::Int(9_007_199_254_740_993));
    s[3] = Some(Value::Bool(false));
    s[4] = Some(Value::Float(f64::from(0.1f32)));
    s[5] = Some(Value::Float(f64::NEG_INFINITY));
    s[6] = Some(Value::Blob(Blob::from("binary-value")));
    s[7] = Some(Value::Timestamp(DateTime::from_secs_and_nanos(
        1, 3_691_000,
    )));
    s[8] = Some(Value::Timestamp(DateTime::from_secs_and_nanos(
        946845296,
        123_000_000,
    )));
    s[9] = Some(Value::Timestamp(DateTime::from_secs(946845296)));
    s[10] = Some(Value::Document(Document::Array(vec![
        Document::Null,
        Document::Number(Number::PosInt(1)),
    ])));
    s[11] = Some(Value::List(vec![
        Value::Str("x".into()),
        Value::Str("y".into()),
    ]));
    s[12] = Some(Value::Map(vec![("k".into(), Value::Str("v".into()))]));
    s[13] = Some(crate::value::union(2, 1, Value::Int(3)));
    s[14] = Some(Value::Struct(vec![
        None,
        None,
        Some(Value::Struct(vec![Some(Value::Str("deep".into()))])),
        Some(Value::List(vec![
            Value::Struct(vec![]),
            Value::Struct(vec![None, Some(Value::Int(1))]),
        ])),
    ]));
    s[15] = Some(Value::Str("my-token".into()));
    s[16] = Some(Value::Str("h".into()));
    let req = serialize(&SERVICE, &OP, Value::Struct(s)).unwrap();
    let expected = serde_json::json!({
        "name": "a \"quoted\" name",
        "Count": -7,
        "Big": 9_007_199_254_740_993i64,
        "Flag": false,
        "Ratio": 0.1,
        "Precise": "-Infinity",
        "Data": "YmluYXJ5LXZhbHVl",
        "When": 1.003691,
        "WhenIso": "2000-01-02T20:34:56.123000Z",
        "WhenHttp": "Sun, 02 Jan 2000 20:34:56 GMT",
        "Doc": [null, 1],
        "Tags": ["x", "y"],
        "Attrs": {"k": "v"},
        "Pick": {"I": 3},
        "Nested": {"Inner": {"Value": "deep"}, "Items": [{}, {"Count": 1}]},
        "Token": "my-token",
        "x-amz-header": "h",
    });
    assert_eq!(body_json(&req), expected);
    assert_eq!(req.header("x-amz-header"), None);
}

#[test]
fn nan_and_infinity_are_strings() {
    let mut s = slots(17);
    s[4] = Some(Value::Float(f64::NAN));
    s[5] = Some(Value::Float(f64::INFINITY));
    s[15] = Some(Value::Str("t".into()));
    let req = serialize(&SERVICE, &OP, Value::Struct(s)).unwrap();
    assert_eq!(
        body_json(&req),
        serde_json::json!({"Ratio": "NaN", "Precise": "Infinity", "Token": "t"})
    );
}

#[test]
fn unset_idempotency_token_is_filled_with_a_uuid() {
    let req = serialize(&SERVICE, &OP, Value::Struct(vec![])).unwrap();
    let body = body_json(&req);
    let token = body["Token"].as_str().expect("token filled");
    assert_eq!(token.len(), 36);
    assert_eq!(body.as_object().unwrap().len(), 1);
}

#[test]
fn wrong_value_type_is_a_serialize_error_with_path() {
    let mut s = slots(17);
    s[14] = Some(Value::Struct(vec![None, Some(Value::Str("x".into()))]));
    let err = serialize(&SERVICE, &OP, Value::Struct(s)).unwrap_err();
    assert_eq!(
        err.0,
        "Input.Nested.Count: expected integer for shape Integer, found string"
    );
    assert!(serialize(&SERVICE, &OP, Value::Int(1)).is_err());
}

#[test]
fn overly_deep_input_is_an_error_not_a_stack_overflow() {
    let mut v = Value::Struct(vec![Some(Value::Str("leaf".into()))]);
    for _ in 0..200 {
        v = Value::Struct(vec![None, None, Some(v)]);
    }
    let op: &'static Operation =
        Box::leak(Box::new(Operation::new("N", "POST", "/", &NESTED, &EMPTY)));
    let err = serialize(&SERVICE, op, v).unwrap_err();
    assert!(err.0.contains("nested deeper than 100 levels"), "{}", err.0);
}

#[test]
fn host_prefix_is_expanded_and_validated() {
    let ok = serialize(
        &SERVICE,
        &HOST_OP,
        Value::Struct(vec![Some(Value::Str("bar".into()))]),
    )
    .unwrap();
    assert_eq!(ok.host_prefix.as_deref(), Some("data-bar."));
    assert_eq!(body_json(&ok), serde_json::json!({"Label": "bar"}));
    let bad = serialize(
        &SERVICE,
        &HOST_OP,
        Value::Struct(vec![Some(Value::Str("a/b".into()))]),
    );
    assert!(bad
        .unwrap_err()
        .0
        .contains("Invalid value for parameter(s): Label"));
}

#[test]
fn parses_output_positionally() {
    let headers = http::HeaderMap::new();
    let body = br#"{"name":"n","Count":3,"Big":1234567890123456789,"Flag":true,"Ratio":1.5,
        "Precise":"NaN","Data":"Zm9v","When":1398796238.5,"WhenIso":"2019-12-16T22:48:18-01:00",
        "WhenHttp":"Sun, 02 Jan 2000 20:34:56 GMT","Doc":{"a":[1,"x"]},"Tags":["a",null,"b"],
        "Attrs":{"k":"v","gone":null},"Pick":{"__type":"ns#Choice","S":"s","I":null},
        "Nested":{"Inner":{"Count":2}},"Token":null,"x-amz-header":"h","unknown":{"deep":[1]}}"#;
    let v = parse_output(&SERVICE, &OP, &response(200, &headers, body), None).unwrap();
    let Value::Struct(s) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(s.len(), 17);
    assert!(matches!(field(&v, 0), Some(Value::Str(x)) if x == "n"));
    assert!(matches!(field(&v, 1), Some(Value::Int(3))));
    assert!(matches!(
        field(&v, 2),
        Some(Value::Int(1234567890123456789))
    ));
    assert!(matches!(field(&v, 3), Some(Value::Bool(true))));
    assert!(matches!(field(&v, 4), Some(Value::Float(f)) if *f == 1.5));
    assert!(matches!(field(&v, 5), Some(Value::Float(f)) if f.is_nan()));
    assert!(matches!(field(&v, 6), Some(Value::Blob(b)) if b.as_bytes() == b"foo"));
    assert!(
        matches!(field(&v, 7), Some(Value::Timestamp(t)) if t.secs() == 1398796238 && t.subsec_nanos() == 500_000_000)
    );
    assert!(matches!(field(&v, 8), Some(Value::Timestamp(t)) if t.secs() == 1576540098));
    assert!(matches!(field(&v, 9), Some(Value::Timestamp(t)) if t.secs() == 946845296));
    match field(&v, 10) {
        Some(Value::Document(d)) => assert_eq!(d.to_json(), serde_json::json!({"a": [1, "x"]})),
        other => panic!("{other:?}"),
    }
    assert!(matches!(field(&v, 11), Some(Value::List(l)) if l.len() == 2));
    assert!(matches!(field(&v, 12), Some(Value::Map(m)) if m.len() == 1 && m[0].0 == "k"));
    match field(&v, 13) {
        Some(Value::Struct(u)) => {
            assert!(matches!(&u[0], Some(Value::Str(x)) if x == "s"));
            assert!(u[1].is_none());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        field(field(field(&v, 14).unwrap(), 2).unwrap(), 1),
        Some(Value::Int(2))
    ));
    assert!(field(&v, 15).is_none());
    assert!(matches!(field(&v, 16), Some(Value::Str(x)) if x == "h"));
}

#[test]
fn empty_or_blank_body_means_no_members() {
    let headers = http::HeaderMap::new();
    for body in [&b""[..], b"  \n", b"null"] {
        let v = parse_output(&SERVICE, &OP, &response(200, &headers, body), None).unwrap();
        match v {
            Value::Struct(s) => assert!(s.len() == 17 && s.iter().all(Option::is_none)),
            other => panic!("{other:?}"),
        }
    }
}

/// The parse error of a 200 response with `body` to `OP`.
fn output_error(body: &[u8]) -> String {
    let headers = http::HeaderMap::new();
    parse_output(&SERVICE, &OP, &response(200, &headers, body), None)
        .unwrap_err()
        .0
}

#[test]
fn bad_responses_are_parse_errors() {
    assert_eq!(
        output_error(br#"{"Nested":{"Items":[{},{"Count":"3"}]}}"#),
        "Input.Nested.Items[1].Count: expected integer for shape Integer, found string \"3\""
    );
    assert_eq!(
        output_error(br#"{"Count":2147483648}"#),
        "Input.Count: number 2147483648 is out of range for integer shape Integer"
    );
    assert!(output_error(br#"{"Big":99999999999999999999}"#).contains("out of range"));
    assert!(output_error(br#"{"Count":1.5}"#).contains("not an integer"));
    assert!(output_error(br#"{"Ratio":1e999}"#).contains("invalid JSON"));
    assert!(output_error(br#"{"Ratio":"fast"}"#).contains("Input.Ratio"));
    assert!(output_error(br#"{"Data":"Zm9vY"}"#).contains("invalid base64"));
    assert!(output_error(br#"{"When":"yesterday"}"#).contains("Input.When"));
    assert!(output_error(br#"{"When":1e300}"#).contains("out of range"));
    assert!(output_error(br#"{"Attrs":{"k":7}}"#).contains("Input.Attrs[\"k\"]"));
    assert!(output_error(br#"{"Tags":"a"}"#).contains("expected list"));
    assert!(output_error(br#"{"Pick":{"S":"a","I":1}}"#).contains("one and only one"));
    assert!(output_error(br#"{"name":"trunc"#).contains("invalid JSON"));
    assert!(output_error(b"[1,2]").contains("expected a JSON object"));
    assert!(output_error(&[0xff, 0xfe]).contains("invalid JSON"));
}

#[test]
fn unknown_union_member_leaves_every_slot_empty() {
    let headers = http::HeaderMap::new();
    let v = parse_output(
        &SERVICE,
        &OP,
        &response(200, &headers, br#"{"Pick":{"NewKind":{"x":1}}}"#),
        None,
    )
    .unwrap();
    assert!(
        matches!(field(&v, 13), Some(Value::Struct(u)) if u.len() == 2 && u.iter().all(Option::is_none))
    );
}

#[test]
fn deep_nesting_is_rejected_without_panicking() {
    let headers = http::HeaderMap::new();
    // Within serde_json's own limit (128) but past ours.
    let mut body = String::new();
    for _ in 0..110 {
        body.push_str(r#"{"Inner":"#);
    }
    body.push_str("{}");
    body.push_str(&"}".repeat(110));
    let err = parse_output(
        &SERVICE,
        &NESTED_OP,
        &response(200, &headers, body.as_bytes()),
        None,
    )
    .unwrap_err();
    assert!(err.0.contains("nested deeper than 100 levels"), "{}", err.0);
    // Past serde_json's limit: still an error.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_output(
        &SERVICE,
        &NESTED_OP,
        &response(200, &headers, deep.as_bytes()),
        None
    )
    .is_err());
}

#[test]
fn streaming_payload_is_handed_over() {
    static STREAM: Shape = Shape::scalar("Stream", Kind::Blob).with(SHAPE_STREAMING);
    static OUT: Shape = Shape::structure(
        "Out",
        &[
            Member::new("Other", &STR),
            Member::new("Body", &STREAM).with(PAYLOAD),
        ],
    );
    static STREAM_OP: Operation = Operation::new("Get", "POST", "/", &EMPTY, &OUT);
    let headers = http::HeaderMap::new();
    let v = parse_output(
        &SERVICE,
        &STREAM_OP,
        &response(200, &headers, b""),
        Some(Body::from("data")),
    )
    .unwrap();
    assert!(
        matches!(field(&v, 1), Some(Value::Body(b)) if b.bytes().map(|b| b.as_ref()) == Some(&b"data"[..]))
    );
}

fn error_parts(status: u16, headers: &[(&'static str, &str)], body: &[u8]) -> ErrorParts {
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, v.parse().unwrap());
    }
    parse_error(&SERVICE, &OP, &response(status, &map, body))
}

#[test]
fn error_code_message_and_request_id() {
    let e = error_parts(
        400,
        &[("x-amzn-requestid", "req-1")],
        br#"{"__type":"com.amazonaws.thing#ThingNotFound:http://internal/","message":"gone"}"#,
    );
    assert_eq!(
        e,
        ErrorParts {
            code: "ThingNotFound".into(),
            message: Some("gone".into()),
            request_id: Some("req-1".into()),
            fault: None,
        }
    );
    let e = error_parts(
        400,
        &[],
        br#"{"__type":"Throttling","Message":"slow down"}"#,
    );
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("Throttling", Some("slow down"))
    );
    // botocore reads neither `code` nor X-Amzn-Errortype for this protocol.
    let e = error_parts(
        400,
        &[("x-amzn-errortype", "FooError")],
        br#"{"code":"FooError"}"#,
    );
    assert_eq!((e.code.as_str(), e.message), ("400", None));
}

#[test]
fn query_compatible_error_code_comes_from_the_header() {
    let body = br#"{"__type":"ns#CustomCodeError","message":"Hi"}"#;
    let e = error_parts(
        400,
        &[(
            "x-amzn-query-error",
            "AWS.SimpleQueueService.NonExistentQueue;Sender",
        )],
        body,
    );
    assert_eq!(e.code, "AWS.SimpleQueueService.NonExistentQueue");
    let e = error_parts(400, &[("x-amzn-query-error", ";Sender")], body);
    assert_eq!(e.code, "CustomCodeError");
    let e = error_parts(400, &[("x-amzn-query-error", "A;B;C")], body);
    assert_eq!(e.code, "CustomCodeError");
}

#[test]
fn unparseable_error_bodies_never_fail() {
    let e = error_parts(503, &[], b"");
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("503", Some("Service Unavailable"))
    );
    let e = error_parts(502, &[], b"<html><body>Bad Gateway</body></html>");
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("502", Some("Bad Gateway"))
    );
    let e = error_parts(400, &[], b"");
    assert_eq!((e.code.as_str(), e.message), ("400", None));
    let e = error_parts(403, &[], b"not json at all");
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("403", Some("not json at all"))
    );
    let e = error_parts(400, &[], b"[1]");
    assert_eq!(e.code, "400");
    let e = error_parts(400, &[], br#"{"__type":7,"message":{"nested":true}}"#);
    assert_eq!(e.code, "400");
    assert_eq!(e.message.as_deref(), Some(r#"{"nested":true}"#));
    let e = error_parts(400, &[], &[0xff, 0x00, 0xfe]);
    assert_eq!(e.code, "400");
}

#[test]
fn modeled_error_members_are_parsed() {
    let headers = http::HeaderMap::new();
    let body = br#"{"__type":"ThingNotFound","Message":"gone","Reason":"deleted"}"#;
    let v = parse_error_shape(&SERVICE, &ERROR, &response(404, &headers, body)).unwrap();
    assert!(matches!(field(&v, 0), Some(Value::Str(m)) if m == "gone"));
    assert!(matches!(field(&v, 1), Some(Value::Str(r)) if r == "deleted"));
    assert!(parse_error_shape(&SERVICE, &ERROR, &response(404, &headers, b"{oops")).is_err());
}

#[test]
fn unknown_members_are_skipped_and_a_repeated_key_keeps_its_last_value() {
    let headers = http::HeaderMap::new();
    let body = br#"{"Count":1,"Unknown":{"a":[1,{"b":null}],"c":"\u00e9"},"Count":2,
        "name":"n\"q","Tags":["x",null,"y"],"Pick":{"__type":"Choice","S":null,"I":3},
        "Doc":{"k":[1,"v"]},"Attrs":{"a":"1","b":null}}"#;
    let Value::Struct(s) =
        parse_output(&SERVICE, &OP, &response(200, &headers, body), None).expect("parses")
    else {
        panic!("not a structure")
    };
    assert!(matches!(s[1], Some(Value::Int(2))), "{:?}", s[1]);
    assert!(
        matches!(&s[0], Some(Value::Str(n)) if n == "n\"q"),
        "{:?}",
        s[0]
    );
    assert!(
        matches!(&s[11], Some(Value::List(l)) if l.len() == 2),
        "{:?}",
        s[11]
    );
    assert!(
        matches!(&s[12], Some(Value::Map(m)) if m.len() == 1),
        "{:?}",
        s[12]
    );
    match &s[13] {
        Some(Value::Struct(u)) => assert!(u[0].is_none() && matches!(u[1], Some(Value::Int(3)))),
        other => panic!("{other:?}"),
    }
    assert!(matches!(&s[10], Some(Value::Document(_))), "{:?}", s[10]);
}

#[test]
fn invalid_json_anywhere_wins_over_an_earlier_shape_mismatch() {
    // The body is read in one pass: a mismatch met first must not hide that the JSON is broken.
    assert!(output_error(br#"{"Tags":"a","Count":}"#).contains("invalid JSON"));
    assert!(output_error(b"[1,2").contains("invalid JSON"));
    assert!(output_error(br#"{"Count":1} trailing"#).contains("invalid JSON"));
    assert!(output_error(br#"{"Tags":"a"} trailing"#).contains("invalid JSON"));
}

#[test]
fn a_body_that_is_not_utf8_is_invalid_json_at_its_byte() {
    let err = output_error(b"{\"Tags\":\"a\xffb\"}");
    assert!(err.contains("invalid JSON"), "{err}");
    assert!(err.contains("not UTF-8 (at byte 10)"), "{err}");
}
