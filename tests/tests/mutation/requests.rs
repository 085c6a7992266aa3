//! The request side: random input values for every operation of eight services (every protocol
//! among them), inside and outside their shapes' constraints, through parameter validation and
//! serialization, and through the whole pipeline (endpoint rules bound from the input, S3's
//! customizations, checksums, signing, a stub connector answering `200`) with parameter
//! validation on and off, then presigned. What a user passes may be refused, never panic on.
//! The response side of the same pipeline is [`responses_target`]: hostile statuses, headers and
//! bodies answering typed calls, where the fuzz targets reach only the parsers.
//!
//! An input is its operation and a seed: the value is built again from the seed whenever it is
//! needed (values hold streaming bodies, which are not `Clone`).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rboto::__private::schema::{Kind, Operation, Service, Shape};
use rboto::http::{BoxFuture, Connector};
use rboto::types::{Blob, Body, DateTime, Document};
use rboto::{Config, Credentials, Error, ErrorKind, Presign, ServiceClient, Value};
use rboto_tests::stub::StubResponse;

use super::harness::{escape, Input, Target};
use super::mutate::Rng;

/// Inputs per target: spread over every operation of every service, so each operation sees a
/// few (EC2's ~760 operations take most).
pub const INPUTS: usize = 20_000;

fn services() -> [&'static Service; 8] {
    [
        rboto_s3::schema::SERVICE.get(),
        rboto_lambda::schema::SERVICE.get(),
        rboto_dynamodb::schema::SERVICE.get(),
        rboto_sts::schema::SERVICE.get(),
        rboto_ec2::schema::SERVICE.get(),
        rboto_cloudwatch::schema::SERVICE.get(),
        rboto_sqs::schema::SERVICE.get(),
        rboto_logs::schema::SERVICE.get(),
    ]
}

/// One call: an operation and the seed its input value is built from.
pub struct RequestInput {
    service: usize,
    op: usize,
    /// Parameter validation on (the default) or off (botocore's `parameter_validation=False`),
    /// which lets invalid values reach the serializers.
    validation: bool,
    seed: u64,
}

impl RequestInput {
    fn generate(rng: &mut Rng) -> RequestInput {
        let service = rng.below(services().len());
        RequestInput {
            service,
            op: rng.below(services()[service].operations.len()),
            validation: rng.one_in(2),
            seed: rng.next_u64(),
        }
    }

    fn service(&self) -> &'static Service {
        services()[self.service]
    }

    fn op(&self) -> &'static Operation {
        &self.service().operations[self.op]
    }

    fn value(&self) -> Value {
        value(&mut Rng::new(self.seed), self.op().input, 0)
    }

    /// The value the pipeline target presigns after sending [`RequestInput::value`].
    fn presigned_value(&self) -> Value {
        value(&mut Rng::new(self.seed ^ 1), self.op().input, 0)
    }
}

impl Input for RequestInput {
    fn show(&self) -> String {
        let value = format!("{:?}", self.value());
        let presigned = format!("{:?}", self.presigned_value());
        format!(
            "{}.{} (parameter validation {}): {}; presigned (pipeline only): {}",
            self.service().name,
            self.op().name,
            if self.validation { "on" } else { "off" },
            escape(value.as_bytes(), 400),
            escape(presigned.as_bytes(), 400)
        )
    }

    fn bytes(&self) -> Vec<u8> {
        self.show().into_bytes()
    }
}

/// Strings users send: separators and escapes of every wire format, label-breaking characters,
/// control characters, non-ASCII, and the empty string.
const STRINGS: &[&str] = &[
    "",
    "a",
    "x/y",
    "../..",
    "a b",
    "\n",
    "\r\n",
    "é",
    "日本",
    "\u{0}",
    "%2F",
    "?a=b&c",
    "#f",
    "{Bucket}",
    "  lead",
    "trail  ",
    "\u{7f}",
    "\u{feff}",
    "a\tb",
    "\"'",
    "<x>&amp;",
    "]]>",
    "\u{10ffff}",
    "x-amz-meta-",
    "*",
    "~",
    "+",
    "=",
    ":",
    "arn:aws:s3:::b",
    "b.c--x-s3",
];

fn string(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "z".repeat(rng.below(5_000)),
        1 => (0..rng.below(40))
            .map(|_| char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?'))
            .collect(),
        2 => (0..rng.below(40))
            .map(|_| char::from(rng.below(128) as u8))
            .collect(),
        _ => rng.pick(STRINGS).to_string(),
    }
}

fn bytes(rng: &mut Rng) -> Vec<u8> {
    (0..rng.below(50)).map(|_| rng.next_u64() as u8).collect()
}

/// A value for `shape`: every member kind at its edges, structures with members set at random
/// (unions with none, one or several), and now and then a value of the wrong kind.
fn value(rng: &mut Rng, shape: &'static Shape, depth: usize) -> Value {
    if rng.one_in(30) {
        return match rng.below(4) {
            0 => Value::Str(string(rng)),
            1 => Value::Int(rng.next_u64() as i64),
            2 => Value::List(Vec::new()),
            _ => Value::Struct(Vec::new()),
        };
    }
    let deeper = depth < 6;
    match &shape.kind {
        Kind::Structure(members) | Kind::Union(members) => {
            let one_in = if matches!(shape.kind, Kind::Union(_)) {
                5
            } else {
                2
            };
            Value::Struct(
                members
                    .iter()
                    .map(|m| {
                        (deeper && rng.one_in(one_in)).then(|| value(rng, m.target(), depth + 1))
                    })
                    .collect(),
            )
        }
        Kind::List(m) => {
            let n = if deeper { rng.below(4) } else { 0 };
            Value::List((0..n).map(|_| value(rng, m.target(), depth + 1)).collect())
        }
        Kind::Map(k, v) => {
            let n = if deeper { rng.below(4) } else { 0 };
            let entries = (0..n).map(|_| {
                let key = match value(rng, k.target(), depth + 1) {
                    Value::Str(s) => s,
                    _ => string(rng),
                };
                (key, value(rng, v.target(), depth + 1))
            });
            Value::Map(entries.collect())
        }
        Kind::String => Value::Str(string(rng)),
        Kind::Boolean => Value::Bool(rng.one_in(2)),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long | Kind::BigInteger => {
            let any = rng.next_u64() as i64;
            Value::Int(*rng.pick(&[i64::MAX, i64::MIN, -1, 0, any]))
        }
        Kind::Float | Kind::Double | Kind::BigDecimal => {
            let any = f64::from_bits(rng.next_u64());
            Value::Float(*rng.pick(&[
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MAX,
                f64::MIN_POSITIVE,
                -0.0,
                any,
            ]))
        }
        Kind::Blob if rng.one_in(2) => Value::Blob(Blob::from(bytes(rng))),
        Kind::Blob => Value::Body(Body::from(bytes(rng))),
        Kind::Timestamp => Value::Timestamp(match rng.below(6) {
            0 => DateTime::from_secs(i64::MAX),
            1 => DateTime::from_secs(i64::MIN),
            2 => DateTime::from_secs_f64(f64::NAN),
            3 => DateTime::from_secs_and_nanos(-1, 999_999_999),
            _ => DateTime::from_secs((rng.next_u64() as i64) >> rng.below(64)),
        }),
        Kind::Document => Value::Document(match rng.below(4) {
            0 => Document::Null,
            1 => Document::String(string(rng)),
            2 => Document::Bool(true),
            _ => Document::Array(vec![Document::Null]),
        }),
    }
}

/// Parameter validation, then serialization whatever validation said (botocore serializes
/// unvalidated input when validation is off).
pub fn serialize_target() -> Target<RequestInput> {
    Target {
        name: "serialize",
        seed: 0x7365_7269,
        inputs: INPUTS,
        generate: Box::new(RequestInput::generate),
        call: Box::new(|input: &RequestInput| {
            let (service, op, value) = (input.service(), input.op(), input.value());
            let invalid = !rboto::validate::validate(op.input, &value).is_empty();
            match rboto::protocol::serialize(service.protocol, service, op, value) {
                Ok(_) if invalid => "invalid, serialized",
                Ok(_) => "serialized",
                Err(_) => "refused",
            }
        }),
    }
}

thread_local! {
    /// The worker thread's runtime and one client per service and validation setting, all
    /// sending to a stub that answers every request with an empty `200`.
    static PIPELINE: RefCell<Option<Pipeline>> = const { RefCell::new(None) };
}

/// A client configuration sending to `connector`, one attempt per call.
fn config(connector: &Answering, validation: bool) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(connector.clone())
        .max_attempts(1)
        .parameter_validation(validation)
        .build()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime starts")
}

/// Reads each request's body, as a server would, and answers with the response set last (an
/// empty `200` until one is), keeping nothing: the recording stub would grow with every input.
#[derive(Clone, Debug, Default)]
struct Answering(Arc<Mutex<Option<StubResponse>>>);

impl Answering {
    fn answer_with(&self, response: StubResponse) {
        *self.0.lock().expect("not poisoned") = Some(response);
    }
}

impl Connector for Answering {
    fn send(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<Body>, Error>> {
        Box::pin(async move {
            request
                .into_body()
                .collect()
                .await
                .map_err(|e| e.into_error())?;
            let answer = self.0.lock().expect("not poisoned").clone();
            let answer = answer.unwrap_or_else(|| StubResponse::new(200, Vec::new(), Vec::new()));
            let mut response = http::Response::builder().status(answer.status);
            for (name, value) in &answer.headers {
                response = response.header(name, value);
            }
            response
                .body(Body::from(answer.body))
                .map_err(|e| Error::new(ErrorKind::Connection, e.to_string()))
        })
    }
}

struct Pipeline {
    runtime: tokio::runtime::Runtime,
    /// Indexed by service, then by validation off/on.
    clients: Vec<[ServiceClient; 2]>,
}

impl Pipeline {
    fn new() -> Pipeline {
        let runtime = runtime();
        let connector = Answering::default();
        let (off, on) = (config(&connector, false), config(&connector, true));
        let clients = services()
            .iter()
            .map(|s| [ServiceClient::new(&off, s), ServiceClient::new(&on, s)])
            .collect();
        Pipeline { runtime, clients }
    }
}

/// The whole pipeline to a stub connector, then a presigned URL of another value.
pub fn pipeline_target() -> Target<RequestInput> {
    Target {
        name: "pipeline",
        seed: 0x7069_7065,
        inputs: INPUTS,
        generate: Box::new(RequestInput::generate),
        call: Box::new(|input: &RequestInput| {
            PIPELINE.with(|cell| {
                let mut cell = cell.borrow_mut();
                let pipeline = cell.get_or_insert_with(Pipeline::new);
                let client = &pipeline.clients[input.service][usize::from(input.validation)];
                let op = input.op();
                let presign = Presign::expires_in(Duration::from_secs(60));
                pipeline.runtime.block_on(async {
                    let sent = client.call_value(op, input.value()).await.is_ok();
                    let _ = client
                        .presign_dyn(op, input.presigned_value(), &presign)
                        .await;
                    if sent {
                        "sent"
                    } else {
                        "refused"
                    }
                })
            })
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// The response side

/// The typed calls the responses target answers, across the protocols and the pipeline's
/// response handling: streamed and checksummed bodies, S3's redirects and its errors hidden in
/// `200`s, header-bound members, clock skew read from `Date`.
const CALLS: &[&str] = &[
    "s3 GetObject",
    "s3 PutObject",
    "s3 ListObjectsV2",
    "s3 HeadObject",
    "s3 CompleteMultipartUpload",
    "dynamodb GetItem",
    "sts GetCallerIdentity",
    "lambda Invoke",
    "sqs ReceiveMessage",
    "ec2 DescribeInstances",
    "cloudwatch ListMetrics",
    "logs DescribeLogGroups",
];

/// Bodies of the shapes those calls read, as seeds for the random ones.
const BODIES: &[&str] = &[
    "",
    "{}",
    "<Error><Code>SlowDown</Code><Message>m</Message></Error>",
    "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents><KeyCount>1</KeyCount>\
     </ListBucketResult>",
    "<CompleteMultipartUploadResult><ETag>\"e\"</ETag></CompleteMultipartUploadResult>",
    "{\"Item\":{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"}}}",
    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"x\"}",
    "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account>\
     </GetCallerIdentityResult></GetCallerIdentityResponse>",
    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code></Error></ErrorResponse>",
    "{\"Messages\":[{\"Body\":\"b\",\"MD5OfBody\":\"0\"}]}",
    "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i\
     </instanceId></item></instancesSet></item></reservationSet></DescribeInstancesResponse>",
    "<Response><Errors><Error><Code>Unavailable</Code></Error></Errors></Response>",
    "{\"logGroups\":[{\"logGroupName\":\"g\",\"creationTime\":1}]}",
];

/// Response headers the pipeline reads, each with values it must take or refuse.
const HEADERS: &[(&str, &[&str])] = &[
    (
        "content-type",
        &[
            "application/json",
            "application/x-amz-json-1.0",
            "text/xml",
            "application/cbor",
            "application/vnd.amazon.eventstream",
            ";;",
        ],
    ),
    (
        "content-length",
        &["0", "1", "99999999999999999999", "-1", "x"],
    ),
    (
        "date",
        &[
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "yesterday",
        ],
    ),
    (
        "x-amz-bucket-region",
        &["us-west-2", "", "../x", "eu-central-1", "a b"],
    ),
    (
        "location",
        &[
            "https://b.s3.us-west-2.amazonaws.com/k",
            "/",
            "http://[::1",
            "",
        ],
    ),
    (
        "retry-after",
        &["1", "-5", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999"],
    ),
    (
        "x-amz-checksum-crc32",
        &["AAAAAA==", "=", "AAAA", "not base64"],
    ),
    ("x-amz-checksum-crc32c", &["AAAAAA==", ""]),
    (
        "x-amz-checksum-sha256",
        &["47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "AA=="],
    ),
    (
        "x-amz-checksum-crc64nvme",
        &["AAAAAAAAAAA=", "AAAAAAAAAAA=-3"],
    ),
    ("x-amz-checksum-type", &["FULL_OBJECT", "COMPOSITE", "?"]),
    ("etag", &["\"e\"", "\"", ""]),
    (
        "last-modified",
        &["Wed, 21 Oct 2015 07:28:00 GMT", "0", "2015-10-21T07:28:00Z"],
    ),
    ("expires", &["Wed, 21 Oct 2015 07:28:00 GMT", "never"]),
    (
        "x-amz-mp-parts-count",
        &["3", "-3", "1e9", "99999999999999999999"],
    ),
    ("x-amz-delete-marker", &["true", "TRUE", "1"]),
    ("x-amz-meta-a", &["b", ""]),
    (
        "content-range",
        &["bytes 0-0/1", "bytes */*", "bytes 9-1/0"],
    ),
    ("content-encoding", &["gzip", "aws-chunked", "identity"]),
    (
        "x-amzn-errortype",
        &[
            "ResourceNotFoundException:http://x/",
            ":",
            "a#b:c",
            "InvalidSignatureException",
        ],
    ),
    (
        "x-amzn-query-error",
        &["AWS.SimpleQueueService.NonExistentQueue;Sender", ";", "x"],
    ),
    ("smithy-protocol", &["rpc-v2-cbor", "x"]),
    ("x-amz-function-error", &["Unhandled", ""]),
    ("x-amz-log-result", &["bG9n", "%%%"]),
    ("x-amzn-requestid", &["r", ""]),
    ("x-amz-id-2", &["h", ""]),
];

/// A call and the seed its response is built from.
pub struct ResponseInput {
    call: usize,
    seed: u64,
}

impl ResponseInput {
    fn response(&self) -> StubResponse {
        let rng = &mut Rng::new(self.seed);
        let status = match rng.below(4) {
            0 => *rng.pick(&[
                204u16, 206, 301, 302, 307, 400, 403, 404, 409, 412, 429, 500, 503,
            ]),
            1 => 100 + rng.below(500) as u16,
            _ => 200,
        };
        let headers = (0..rng.below(7))
            .map(|_| {
                let (name, values) = rng.pick(HEADERS);
                let value = if rng.one_in(5) {
                    // Any visible ASCII: what a header value may hold.
                    (0..rng.below(30))
                        .map(|_| char::from(0x20 + rng.below(0x5f) as u8))
                        .collect()
                } else {
                    rng.pick(values).to_string()
                };
                (name.to_string(), value)
            })
            .collect();
        let mut body = rng.pick(BODIES).as_bytes().to_vec();
        if rng.one_in(3) && !body.is_empty() {
            body.truncate(rng.below(body.len()));
        }
        if rng.one_in(4) {
            for _ in 0..=rng.below(4) {
                if !body.is_empty() {
                    let at = rng.below(body.len());
                    body[at] = rng.next_u64() as u8;
                }
            }
        }
        StubResponse::new(status, headers, body)
    }
}

impl Input for ResponseInput {
    fn show(&self) -> String {
        let r = self.response();
        format!(
            "{} answered {} {:?} {}",
            CALLS[self.call],
            r.status,
            r.headers,
            escape(&r.body, 400)
        )
    }

    fn bytes(&self) -> Vec<u8> {
        self.show().into_bytes()
    }
}

thread_local! {
    /// The worker thread's runtime, its typed clients and the connector answering them.
    static CLIENTS: RefCell<Option<Clients>> = const { RefCell::new(None) };
}

struct Clients {
    runtime: tokio::runtime::Runtime,
    connector: Answering,
    s3: rboto_s3::Client,
    dynamodb: rboto_dynamodb::Client,
    sts: rboto_sts::Client,
    lambda: rboto_lambda::Client,
    sqs: rboto_sqs::Client,
    ec2: rboto_ec2::Client,
    cloudwatch: rboto_cloudwatch::Client,
    logs: rboto_logs::Client,
}

impl Clients {
    fn new() -> Clients {
        let connector = Answering::default();
        let config = config(&connector, true);
        Clients {
            runtime: runtime(),
            s3: rboto_s3::Client::new(&config),
            dynamodb: rboto_dynamodb::Client::new(&config),
            sts: rboto_sts::Client::new(&config),
            lambda: rboto_lambda::Client::new(&config),
            sqs: rboto_sqs::Client::new(&config),
            ec2: rboto_ec2::Client::new(&config),
            cloudwatch: rboto_cloudwatch::Client::new(&config),
            logs: rboto_logs::Client::new(&config),
            connector,
        }
    }

    /// Makes call `index`, reading any streamed body to its end: `Ok` or the error's kind.
    async fn call(&self, index: usize) -> Result<(), ErrorKind> {
        use rboto_dynamodb::types::AttributeValue;
        fn kind<E>(e: rboto::Error<E>) -> ErrorKind {
            e.kind()
        }
        match CALLS[index] {
            "s3 GetObject" => {
                let out = self.s3.get_object().bucket("b").key("k").send().await;
                let body = out.map_err(kind)?.body.unwrap_or_default();
                body.collect()
                    .await
                    .map(drop)
                    .map_err(|e| e.into_error().kind())
            }
            "s3 PutObject" => {
                let put = self.s3.put_object().bucket("b").key("k").body("hello");
                put.send().await.map(drop).map_err(kind)
            }
            "s3 ListObjectsV2" => {
                let list = self.s3.list_objects_v2().bucket("b");
                list.send().await.map(drop).map_err(kind)
            }
            "s3 HeadObject" => {
                let head = self.s3.head_object().bucket("b").key("k");
                head.send().await.map(drop).map_err(kind)
            }
            "s3 CompleteMultipartUpload" => {
                let complete = self.s3.complete_multipart_upload().bucket("b").key("k");
                complete.upload_id("u").send().await.map(drop).map_err(kind)
            }
            "dynamodb GetItem" => {
                let key = [("pk".to_string(), AttributeValue::default().s("a"))];
                let get = self.dynamodb.get_item().table_name("t").key(key);
                get.send().await.map(drop).map_err(kind)
            }
            "sts GetCallerIdentity" => {
                let who = self.sts.get_caller_identity();
                who.send().await.map(drop).map_err(kind)
            }
            "lambda Invoke" => {
                let invoke = self.lambda.invoke().function_name("f").payload("{}");
                invoke.send().await.map(drop).map_err(kind)
            }
            "sqs ReceiveMessage" => {
                let receive = self.sqs.receive_message().queue_url("https://q/1/q");
                receive.send().await.map(drop).map_err(kind)
            }
            "ec2 DescribeInstances" => {
                let describe = self.ec2.describe_instances();
                describe.send().await.map(drop).map_err(kind)
            }
            "cloudwatch ListMetrics" => {
                let list = self.cloudwatch.list_metrics();
                list.send().await.map(drop).map_err(kind)
            }
            _ => {
                let describe = self.logs.describe_log_groups();
                describe.send().await.map(drop).map_err(kind)
            }
        }
    }
}

/// Typed calls answered with random statuses, headers and bodies: `ok`, a service error, or
/// any other error.
pub fn responses_target() -> Target<ResponseInput> {
    Target {
        name: "responses",
        seed: 0x7265_7370,
        inputs: INPUTS,
        generate: Box::new(|rng: &mut Rng| ResponseInput {
            call: rng.below(CALLS.len()),
            seed: rng.next_u64(),
        }),
        call: Box::new(|input: &ResponseInput| {
            CLIENTS.with(|cell| {
                let mut cell = cell.borrow_mut();
                let clients = cell.get_or_insert_with(Clients::new);
                clients.connector.answer_with(input.response());
                match clients.runtime.block_on(clients.call(input.call)) {
                    Ok(()) => "ok",
                    Err(ErrorKind::Service) => "service error",
                    Err(_) => "other error",
                }
            })
        }),
    }
}
