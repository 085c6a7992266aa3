//! The response side of the pipeline: typed calls answered with hostile statuses, headers and
//! bodies. The fuzz targets reach only the parsers; around them the pipeline reads the same
//! untrusted response (S3's redirects, checksums of a streamed body, clock skew from `Date`, the
//! error class from statuses and error headers), and may refuse it, never panic on it.

use std::cell::RefCell;

use rboto::ErrorKind;
use rboto_tests::stub::{StubConnector, StubResponse};

use super::harness::{escape, Input, Target};
use super::mutate::Rng;
use super::requests::{config, runtime, INPUTS};

/// The typed calls the responses target answers, across the protocols and the pipeline's
/// response handling: streamed and checksummed bodies, S3's redirects and its errors hidden in
/// `200`s, header-bound members, clock skew read from `Date`.
#[derive(Clone, Copy, Debug)]
enum Call {
    S3GetObject,
    S3PutObject,
    S3ListObjectsV2,
    S3HeadObject,
    S3CompleteMultipartUpload,
    DynamodbGetItem,
    StsGetCallerIdentity,
    LambdaInvoke,
    SqsReceiveMessage,
    Ec2DescribeInstances,
    CloudwatchListMetrics,
    LogsDescribeLogGroups,
}

const CALLS: &[Call] = &[
    Call::S3GetObject,
    Call::S3PutObject,
    Call::S3ListObjectsV2,
    Call::S3HeadObject,
    Call::S3CompleteMultipartUpload,
    Call::DynamodbGetItem,
    Call::StsGetCallerIdentity,
    Call::LambdaInvoke,
    Call::SqsReceiveMessage,
    Call::Ec2DescribeInstances,
    Call::CloudwatchListMetrics,
    Call::LogsDescribeLogGroups,
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
    call: Call,
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
            "{:?} answered {} {:?} {}",
            self.call,
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
    connector: StubConnector,
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
        let connector = StubConnector::without_record();
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

    /// Makes `call`, reading any streamed body to its end: `Ok` or the error's kind.
    async fn call(&self, call: Call) -> Result<(), ErrorKind> {
        use rboto_dynamodb::types::AttributeValue;
        fn kind<E>(e: rboto::Error<E>) -> ErrorKind {
            e.kind()
        }
        match call {
            Call::S3GetObject => {
                let out = self.s3.get_object().bucket("b").key("k").send().await;
                let body = out.map_err(kind)?.body.unwrap_or_default();
                body.collect()
                    .await
                    .map(drop)
                    .map_err(|e| e.into_error().kind())
            }
            Call::S3PutObject => {
                let put = self.s3.put_object().bucket("b").key("k").body("hello");
                put.send().await.map(drop).map_err(kind)
            }
            Call::S3ListObjectsV2 => {
                let list = self.s3.list_objects_v2().bucket("b");
                list.send().await.map(drop).map_err(kind)
            }
            Call::S3HeadObject => {
                let head = self.s3.head_object().bucket("b").key("k");
                head.send().await.map(drop).map_err(kind)
            }
            Call::S3CompleteMultipartUpload => {
                let complete = self.s3.complete_multipart_upload().bucket("b").key("k");
                complete.upload_id("u").send().await.map(drop).map_err(kind)
            }
            Call::DynamodbGetItem => {
                let key = [("pk".to_string(), AttributeValue::default().s("a"))];
                let get = self.dynamodb.get_item().table_name("t").key(key);
                get.send().await.map(drop).map_err(kind)
            }
            Call::StsGetCallerIdentity => {
                let who = self.sts.get_caller_identity();
                who.send().await.map(drop).map_err(kind)
            }
            Call::LambdaInvoke => {
                let invoke = self.lambda.invoke().function_name("f").payload("{}");
                invoke.send().await.map(drop).map_err(kind)
            }
            Call::SqsReceiveMessage => {
                let receive = self.sqs.receive_message().queue_url("https://q/1/q");
                receive.send().await.map(drop).map_err(kind)
            }
            Call::Ec2DescribeInstances => {
                let describe = self.ec2.describe_instances();
                describe.send().await.map(drop).map_err(kind)
            }
            Call::CloudwatchListMetrics => {
                let list = self.cloudwatch.list_metrics();
                list.send().await.map(drop).map_err(kind)
            }
            Call::LogsDescribeLogGroups => {
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
            call: *rng.pick(CALLS),
            seed: rng.next_u64(),
        }),
        call: Box::new(|input: &ResponseInput| {
            CLIENTS.with(|cell| {
                let mut cell = cell.borrow_mut();
                let clients = cell.get_or_insert_with(Clients::new);
                clients.connector.fallback(input.response());
                match clients.runtime.block_on(clients.call(input.call)) {
                    Ok(()) => "ok",
                    Err(ErrorKind::Service) => "service error",
                    Err(_) => "other error",
                }
            })
        }),
    }
}
