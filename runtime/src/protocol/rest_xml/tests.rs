//! S3-shaped unit tests: greedy keys, checksums, prefix headers, 200 errors, error forms.

use super::*;
use crate::protocol::checksum;
use crate::schema::{
    prelude as p, HttpChecksum, Kind, Location, Member, XmlNamespace, HTTP_CHECKSUM_REQUIRED,
    PAYLOAD, REQUEST_CHECKSUM_REQUIRED, REQUIRED, SHAPE_STREAMING,
};
use crate::types::DateTime;

static STREAM: Shape = Shape::scalar("StreamingBlob", Kind::Blob).with(SHAPE_STREAMING);
static METADATA: Shape = Shape::map(
    "Metadata",
    &Member::item(&p::STRING),
    &Member::item(&p::STRING),
);
static PUT_OBJECT_REQUEST: Shape = Shape::structure(
    "PutObjectRequest",
    &[
        Member::new("Body", &STREAM).with(PAYLOAD),
        Member::new("Bucket", &p::STRING)
            .at(Location::Uri, "Bucket")
            .with(REQUIRED),
        Member::new("ChecksumAlgorithm", &p::STRING)
            .at(Location::Header, "x-amz-sdk-checksum-algorithm"),
        Member::new("ChecksumCRC32", &p::STRING).at(Location::Header, "x-amz-checksum-crc32"),
        Member::new("Expires", &p::TIMESTAMP).at(Location::Header, "Expires"),
        Member::new("Key", &p::STRING)
            .at(Location::Uri, "Key")
            .with(REQUIRED),
        Member::new("Metadata", &METADATA).at(Location::Headers, "x-amz-meta-"),
    ],
);
static PUT_OBJECT_OUTPUT: Shape = Shape::structure(
    "PutObjectOutput",
    &[Member::new("ETag", &p::STRING).at(Location::Header, "ETag")],
);
static PUT_CHECKSUM: HttpChecksum = HttpChecksum {
    request_algorithm_member: Some("ChecksumAlgorithm"),
    request_validation_mode_member: None,
    response_algorithms: &[],
};
static PUT_OBJECT: Operation = Operation::new(
    "PutObject",
    "PUT",
    "/{Bucket}/{Key+}?x-id=PutObject",
    &PUT_OBJECT_REQUEST,
    &PUT_OBJECT_OUTPUT,
)
.checksum(&PUT_CHECKSUM);

static S3_NS: XmlNamespace = XmlNamespace {
    prefix: None,
    uri: "http://s3.amazonaws.com/doc/2006-03-01/",
};
static OBJECT_ID: Shape = Shape::structure(
    "ObjectIdentifier",
    &[Member::new("Key", &p::STRING).with(REQUIRED)],
);
static OBJECT_IDS: Shape = Shape::list("ObjectIdentifierList", &Member::item(&OBJECT_ID));
static DELETE: Shape = Shape::structure(
    "Delete",
    &[
        Member::new("Objects", &OBJECT_IDS)
            .named("Object")
            .with(crate::schema::FLATTENED),
        Member::new("Quiet", &p::BOOLEAN),
    ],
);
static DELETE_OBJECTS_REQUEST: Shape = Shape::structure(
    "DeleteObjectsRequest",
    &[
        Member::new("Bucket", &p::STRING)
            .at(Location::Uri, "Bucket")
            .with(REQUIRED),
        Member::new("Delete", &DELETE)
            .named("Delete")
            .with(PAYLOAD)
            .xml_ns(&S3_NS),
        Member::new("ChecksumAlgorithm", &p::STRING)
            .at(Location::Header, "x-amz-sdk-checksum-algorithm"),
    ],
);
static DELETE_CHECKSUM: HttpChecksum = HttpChecksum {
    request_algorithm_member: Some("ChecksumAlgorithm"),
    request_validation_mode_member: None,
    response_algorithms: &[],
};
static DELETE_OBJECTS: Operation = Operation::new(
    "DeleteObjects",
    "POST",
    "/{Bucket}?delete",
    &DELETE_OBJECTS_REQUEST,
    &p::UNIT,
)
.checksum(&DELETE_CHECKSUM)
.with(REQUEST_CHECKSUM_REQUIRED);

static PUT_CORS_REQUEST: Shape = Shape::structure(
    "PutBucketCorsRequest",
    &[
        Member::new("Bucket", &p::STRING)
            .at(Location::Uri, "Bucket")
            .with(REQUIRED),
        Member::new("Body", &p::BLOB).with(PAYLOAD),
    ],
);
static PUT_CORS: Operation = Operation::new(
    "PutBucketCors",
    "PUT",
    "/{Bucket}?cors",
    &PUT_CORS_REQUEST,
    &p::UNIT,
)
.with(HTTP_CHECKSUM_REQUIRED);

static COPY_RESULT: Shape =
    Shape::structure("CopyObjectResult", &[Member::new("ETag", &p::STRING)]);
static COPY_OUTPUT: Shape = Shape::structure(
    "CopyObjectOutput",
    &[
        Member::new("CopyObjectResult", &COPY_RESULT).with(PAYLOAD),
        Member::new("VersionId", &p::STRING).at(Location::Header, "x-amz-version-id"),
    ],
);
static COPY_OBJECT: Operation = Operation::new(
    "CopyObject",
    "PUT",
    "/{Bucket}/{Key+}",
    &p::UNIT,
    &COPY_OUTPUT,
);
static GET_OUTPUT: Shape = Shape::structure(
    "GetObjectOutput",
    &[Member::new("Body", &STREAM).with(PAYLOAD)],
);
static GET_OBJECT: Operation = Operation::new(
    "GetObject",
    "GET",
    "/{Bucket}/{Key+}",
    &p::UNIT,
    &GET_OUTPUT,
);

static S3: Service = Service {
    name: "s3",
    service_id: "S3",
    api_version: "2006-03-01",
    endpoint_prefix: "s3",
    signing_name: "s3",
    protocol: Protocol::RestXml,
    protocols: &[Protocol::RestXml],
    signature_version: "s3v4",
    ..Service::BLANK
};

fn s(v: &str) -> Option<Value> {
    Some(Value::Str(v.to_string()))
}

fn put(key: &str, body: &'static str, algorithm: Option<&str>) -> Request {
    let input = Value::Struct(vec![
        Some(Value::Body(Body::from(body))),
        s("bucket"),
        algorithm.and_then(s),
        None,
        None,
        s(key),
        Some(Value::Map(vec![(
            "color".into(),
            Value::Str("blue".into()),
        )])),
    ]);
    serialize(&S3, &PUT_OBJECT, input).unwrap()
}

fn response<'a>(status: u16, headers: &'a http::HeaderMap, body: &'a [u8]) -> Response<'a> {
    Response {
        status,
        headers,
        body,
    }
}

#[test]
fn greedy_key_keeps_slashes_and_encodes_the_rest() {
    let req = put("dir/sub dir/naïve+file~(1).txt", "x", None);
    assert_eq!(
        req.path,
        "/bucket/dir/sub%20dir/na%C3%AFve%2Bfile~%281%29.txt?x-id=PutObject"
    );
    assert_eq!(req.method, "PUT");
    assert_eq!(req.header("x-amz-meta-color"), Some("blue"));
    // A raw payload has no Content-Type of the protocol's choosing.
    assert_eq!(req.header("content-type"), None);
    assert_eq!(req.body.bytes().map(|b| b.as_ref()), Some(&b"x"[..]));
}

#[test]
fn missing_label_is_an_error() {
    let input = Value::Struct(vec![None, s("b"), None, None, None, None, None]);
    let err = serialize(&S3, &PUT_OBJECT, input).unwrap_err();
    assert!(err.0.contains("missing required URI label Key"), "{err}");
}

#[test]
fn put_object_sends_crc32_like_botocore() {
    let req = put("k", "Hello, world!", None);
    // zlib.crc32(b"Hello, world!") == 0xebe6c6e6
    assert_eq!(req.header("x-amz-checksum-crc32"), Some("6+bG5g=="));
    assert_eq!(req.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(req.header("content-md5"), None);
    // An explicit algorithm is honoured.
    let req = put("k", "Hello, world!", Some("SHA256"));
    assert_eq!(req.header("x-amz-sdk-checksum-algorithm"), Some("SHA256"));
    assert_eq!(
        req.header("x-amz-checksum-sha256"),
        Some("MV9b23bQeMQ7isAGTkoBZGErH853yGk0W/yUx1iU7dM=")
    );
    assert_eq!(req.header("x-amz-checksum-crc32"), None);
    // So are the algorithms botocore computes with its CRT; CRC32C of "Hello, world!" is 0xc8a106e5.
    let req = put("k", "Hello, world!", Some("CRC32C"));
    assert_eq!(req.header("x-amz-checksum-crc32c"), Some("yKEG5Q=="));
    let req = put("k", "Hello, world!", Some("CRC64NVME"));
    assert_eq!(req.header("x-amz-checksum-crc64nvme"), Some("n3hVaQAaPTQ="));
    // An algorithm the model allows but nothing here computes is refused, as botocore does.
    let input = Value::Struct(vec![
        Some(Value::Body(Body::from("x"))),
        s("b"),
        s("MD5"),
        None,
        None,
        s("k"),
        None,
    ]);
    let err = serialize(&S3, &PUT_OBJECT, input).unwrap_err();
    assert!(
        err.0.contains("Unsupported checksum algorithm: md5"),
        "{err}"
    );
}

#[test]
fn a_body_not_in_memory_defers_its_checksum_to_the_scheme() {
    let input = Value::Struct(vec![
        Some(Value::Body(Body::from_chunks([&b"Hello, "[..], b"world!"]))),
        s("b"),
        s("SHA1"),
        None,
        None,
        s("k"),
        None,
    ]);
    let req = serialize(&S3, &PUT_OBJECT, input).unwrap();
    assert_eq!(req.header("x-amz-checksum-sha1"), None);
    assert_eq!(req.streamed_checksum, Some(checksum::Algorithm::Sha1));
}

#[test]
fn caller_checksum_header_wins() {
    let input = Value::Struct(vec![
        Some(Value::Body(Body::from("x"))),
        s("b"),
        None,
        s("AAAAAA=="),
        None,
        s("k"),
        None,
    ]);
    let req = serialize(&S3, &PUT_OBJECT, input).unwrap();
    assert_eq!(req.header("x-amz-checksum-crc32"), Some("AAAAAA=="));
    assert_eq!(req.header("x-amz-sdk-checksum-algorithm"), None);
}

#[test]
fn checksum_required_operations_get_crc32_not_md5() {
    let delete = Value::Struct(vec![
        Some(Value::List(vec![
            Value::Struct(vec![s("a&b")]),
            Value::Struct(vec![s("c")]),
        ])),
        Some(Value::Bool(true)),
    ]);
    let req = serialize(
        &S3,
        &DELETE_OBJECTS,
        Value::Struct(vec![s("bucket"), Some(delete), None]),
    )
    .unwrap();
    assert_eq!(req.path, "/bucket?delete");
    let body = std::str::from_utf8(req.body.bytes().unwrap())
        .unwrap()
        .to_string();
    assert_eq!(
        body,
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&amp;b</Key>\
         </Object><Object><Key>c</Key></Object><Quiet>true</Quiet></Delete>"
    );
    assert_eq!(
        req.header("x-amz-checksum-crc32"),
        Some(
            checksum::Algorithm::Crc32
                .digest_base64(body.as_bytes())
                .as_str()
        )
    );
    assert_eq!(req.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(req.header("content-type"), None);

    // `httpChecksumRequired` alone: the checksum, no algorithm header to set.
    let req = serialize(
        &S3,
        &PUT_CORS,
        Value::Struct(vec![
            s("b"),
            Some(Value::Blob(b"<CORSConfiguration/>"[..].into())),
        ]),
    )
    .unwrap();
    assert_eq!(
        req.header("x-amz-checksum-crc32"),
        Some(
            checksum::Algorithm::Crc32
                .digest_base64(b"<CORSConfiguration/>")
                .as_str()
        )
    );
    assert_eq!(req.headers.len(), 1);
}

#[test]
fn empty_body_gets_the_empty_crc32() {
    // A non-replayable body has no bytes(); apply must leave it alone.
    let mut req = Request::new(http::Method::PUT, "/b/k");
    req.body = Body::empty();
    checksum::apply(&PUT_OBJECT, None, &mut req, Default::default()).unwrap();
    assert_eq!(req.header("x-amz-checksum-crc32"), Some("AAAAAA=="));
}

#[test]
fn header_timestamps_and_metadata_round_trip() {
    let input = Value::Struct(vec![
        None,
        s("b"),
        None,
        None,
        Some(Value::Timestamp(DateTime::from_secs_and_nanos(
            1_422_172_800,
            123_000_000,
        ))),
        s("k"),
        None,
    ]);
    let req = serialize(&S3, &PUT_OBJECT, input).unwrap();
    assert_eq!(req.header("Expires"), Some("Sun, 25 Jan 2015 08:00:00 GMT"));
    // An unset streaming payload is an empty body.
    assert_eq!(req.body.content_length(), Some(0));

    let mut h = http::HeaderMap::new();
    h.insert("etag", "\"abc\"".parse().unwrap());
    let v = parse_output(&S3, &PUT_OBJECT, &response(200, &h, b""), None).unwrap();
    assert!(
        matches!(v, Value::Struct(ref s) if matches!(&s[0], Some(Value::Str(e)) if e == "\"abc\""))
    );
}

#[test]
fn s3_errors_inside_200_are_detected() {
    let h = http::HeaderMap::new();
    let err = b"<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message><RequestId>r1</RequestId></Error>";
    let ok = b"<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>";
    assert!(error_in_success(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &response(200, &h, err)
    ));
    assert!(!error_in_success(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &response(200, &h, ok)
    ));
    // A body that is not XML is an error too (botocore retries it as a 500). One that starts
    // as XML and breaks off is left to the output parser, whose failure the pipeline treats
    // the same way for the responses `may_hide_error` names.
    assert!(error_in_success(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &response(200, &h, b"upstream timed out")
    ));
    let truncated = response(200, &h, b"<CopyObjectResult><ET");
    assert!(!error_in_success(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &truncated
    ));
    assert!(may_hide_error(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &truncated
    ));
    assert!(parse_output(&S3, &COPY_OBJECT, &truncated, None).is_err());
    // Streaming outputs and empty bodies are never inspected.
    assert!(!error_in_success(
        Protocol::RestXml,
        &S3,
        &GET_OBJECT,
        &response(200, &h, err)
    ));
    assert!(!error_in_success(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &response(200, &h, b"")
    ));
    assert!(!error_in_success(
        Protocol::RestXml,
        &S3,
        &COPY_OBJECT,
        &response(204, &h, err)
    ));

    let e = parse_output(&S3, &COPY_OBJECT, &response(200, &h, err), None).unwrap_err();
    assert!(e.0.starts_with("S3_200_ERROR "));
    let parts = parse_error(&S3, &COPY_OBJECT, &response(200, &h, err));
    assert_eq!(parts.code, "InternalError");
    assert_eq!(
        parts.message.as_deref(),
        Some("We encountered an internal error.")
    );

    let mut h2 = http::HeaderMap::new();
    h2.insert("x-amz-version-id", "v1".parse().unwrap());
    let v = parse_output(&S3, &COPY_OBJECT, &response(200, &h2, ok), None).unwrap();
    let Value::Struct(slots) = v else { panic!() };
    assert!(
        matches!(&slots[0], Some(Value::Struct(r)) if matches!(&r[0], Some(Value::Str(e)) if e == "\"e\""))
    );
    assert!(matches!(&slots[1], Some(Value::Str(v)) if v == "v1"));
}

#[test]
fn error_forms() {
    let mut h = http::HeaderMap::new();
    h.insert("x-amz-request-id", "req-1".parse().unwrap());
    // HEAD 404: no body, named by the status as botocore does.
    let parts = parse_error(&S3, &GET_OBJECT, &response(404, &h, b""));
    assert_eq!(parts.code, "404");
    assert_eq!(parts.message.as_deref(), Some("Not Found"));
    assert_eq!(parts.request_id.as_deref(), Some("req-1"));
    let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>x</RequestId></Error>";
    let parts = parse_error(&S3, &GET_OBJECT, &response(404, &h, body));
    assert_eq!(parts.code, "NoSuchKey");
    assert_eq!(parts.request_id.as_deref(), Some("req-1"));
    let route53 = b"<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found</Message></Error><RequestId>rid</RequestId></ErrorResponse>";
    let parts = parse_error(&S3, &GET_OBJECT, &response(404, &h, route53));
    assert_eq!(parts.code, "NoSuchHostedZone");
    assert_eq!(parts.fault.as_deref(), Some("Sender"));
    assert_eq!(parts.request_id.as_deref(), Some("rid"));
    // Garbage never panics and falls back to the status.
    let parts = parse_error(&S3, &GET_OBJECT, &response(400, &h, b"<Error><Code>x"));
    assert_eq!(parts.code, "400");
    let parts = parse_error(&S3, &GET_OBJECT, &response(503, &h, b"<html>busy</html>"));
    assert_eq!(parts.code, "503");
}

#[test]
fn malformed_bodies_are_parse_errors_not_panics() {
    let h = http::HeaderMap::new();
    let e = parse_output(
        &S3,
        &COPY_OBJECT,
        &response(201, &h, b"<CopyObjectResult><ETag>"),
        None,
    )
    .unwrap_err();
    assert!(e.0.contains("CopyObjectOutput.CopyObjectResult"), "{e}");
    let json_op: &Operation = &COPY_OBJECT;
    let e = crate::protocol::rest_json::parse_output(
        &S3,
        json_op,
        &response(201, &h, b"{\"ETag\": [1"),
        None,
    )
    .unwrap_err();
    assert!(e.0.contains("CopyObjectOutput.CopyObjectResult"), "{e}");
}

/// A header value that could not go on the wire (a newline would start a new header) is a
/// serialization error naming its member, not a panic or a request that fails later.
#[test]
fn header_values_that_cannot_be_sent_are_errors_naming_the_member() {
    let with = |checksum: Option<&str>, metadata: (&str, &str)| {
        Value::Struct(vec![
            None,
            s("b"),
            None,
            checksum.and_then(s),
            None,
            s("k"),
            Some(Value::Map(vec![(
                metadata.0.into(),
                Value::Str(metadata.1.into()),
            )])),
        ])
    };
    let err = serialize(
        &S3,
        &PUT_OBJECT,
        with(Some("AAAA\r\nx-evil: 1"), ("a", "b")),
    )
    .unwrap_err();
    assert_eq!(
        err.0,
        "PutObjectRequest.ChecksumCRC32: not a valid HTTP header value (control characters such \
         as a newline cannot be sent in a header)"
    );
    let err = serialize(&S3, &PUT_OBJECT, with(None, ("color", "blue\nred"))).unwrap_err();
    assert!(
        err.0
            .starts_with("PutObjectRequest.Metadata: not a valid HTTP header value"),
        "{err}"
    );
    let err = serialize(&S3, &PUT_OBJECT, with(None, ("bad key", "blue"))).unwrap_err();
    assert_eq!(
        err.0,
        "PutObjectRequest.Metadata: not a valid HTTP header name"
    );
    // A valid request still carries its headers, typed.
    let req = serialize(&S3, &PUT_OBJECT, with(Some("AAAAAA=="), ("color", "blue"))).unwrap();
    assert_eq!(req.headers["x-amz-checksum-crc32"], "AAAAAA==");
    assert_eq!(req.headers["x-amz-meta-color"], "blue");
    assert!(!req.headers["x-amz-meta-color"].is_sensitive());
}

static KEYED_INPUT: Shape = Shape::structure(
    "HeadObjectRequest",
    &[
        Member::new("Key", &p::STRING)
            .at(Location::Uri, "Key")
            .with(REQUIRED),
        Member::new("SSECustomerKey", &p::STRING)
            .at(
                Location::Header,
                "x-amz-server-side-encryption-customer-key",
            )
            .with(crate::schema::SENSITIVE),
    ],
);
static HEAD_OBJECT: Operation =
    Operation::new("HeadObject", "HEAD", "/{Key+}", &KEYED_INPUT, &p::UNIT);

/// A sensitive member's header keeps its value out of the serialized request's `Debug`.
#[test]
fn sensitive_header_values_are_hidden_from_debug() {
    let secret = "c2VjcmV0LWtleS1tYXRlcmlhbA==";
    let input = Value::Struct(vec![s("k"), s(secret)]);
    let req = serialize(&S3, &HEAD_OBJECT, input).unwrap();
    let value = &req.headers["x-amz-server-side-encryption-customer-key"];
    assert!(value.is_sensitive());
    assert!(!format!("{req:?}").contains(secret), "{req:?}");
}
