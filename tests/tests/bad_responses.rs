//! Bad responses never panic: truncated or malformed bodies (JSON, XML, CBOR), wrong types,
//! huge numbers, missing members, HTML error pages, empty bodies and broken HTTP framing, served
//! by a loopback stub to one operation per protocol. Every result must be a typed error that
//! names the operation (`ResponseParse` for 2xx garbage, `Service` with a code for error
//! statuses), and no call may panic.
//!
//! The second half is a bounded property test: real response bodies per protocol, every prefix
//! of each and a few hundred deterministic byte mutations, fed straight through
//! `rboto::protocol::parse_output`/`parse_error` with the generated operation statics and then
//! converted to the typed output, under `catch_unwind`.

use rboto::__private::schema::{Operation, Protocol, Service};
use rboto::__private::FromValue;
use rboto::{Config, Credentials, ErrorKind};
use std::fmt::Debug;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The loopback stub
// ---------------------------------------------------------------------------------------------

/// What the stub answers.
#[derive(Clone, Debug)]
enum Reply {
    /// A well-framed HTTP/1.1 response (Content-Length set from the body).
    Http {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Bytes written as they are, then the connection is closed.
    Raw(Vec<u8>),
}

fn reply(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Http {
        status,
        headers: vec![("Content-Type", content_type.to_string())],
        body: body.into(),
    }
}

fn with_header(mut r: Reply, name: &'static str, value: &str) -> Reply {
    if let Reply::Http { headers, .. } = &mut r {
        headers.push((name, value.to_string()));
    }
    r
}

const HTML_500: &str =
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\
<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>";
const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";

/// A request as the stub received it.
#[derive(Clone, Debug)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

struct Stub {
    port: u16,
    reply: Arc<Mutex<Reply>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    fn start() -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let reply = Arc::new(Mutex::new(Reply::Raw(Vec::new())));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (r, s) = (reply.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let answer = r.lock().unwrap_or_else(|e| e.into_inner()).clone();
                if let Some(request) = serve(stream, &answer) {
                    s.lock().unwrap_or_else(|e| e.into_inner()).push(request);
                }
            }
        });
        Stub { port, reply, seen }
    }

    fn set(&self, r: Reply) {
        *self.reply.lock().unwrap() = r;
        self.seen.lock().unwrap().clear();
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn config(&self) -> Config {
        self.builder().build()
    }

    fn builder(&self) -> rboto::ConfigBuilder {
        Config::builder()
            .region("us-east-1")
            .endpoint_url(format!("http://127.0.0.1:{}", self.port))
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
            // One attempt: 5xx answers are not retried, so each case is one request.
            .max_attempts(1)
    }
}

/// Reads one request (head + Content-Length or chunked body) and writes `answer`.
fn serve(mut stream: TcpStream, answer: &Reply) -> Option<Seen> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let lower = head.to_ascii_lowercase();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = lower.contains("transfer-encoding: chunked");
    loop {
        let body = &raw[head_end..];
        let done = match length {
            Some(len) => body.len() >= len,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => true,
        };
        if done {
            break;
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let bytes = match answer {
        Reply::Raw(bytes) => bytes.clone(),
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} Whatever\r\n");
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let mut bytes = out.into_bytes();
            bytes.extend_from_slice(body);
            bytes
        }
    };
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Some(Seen {
        head,
        body: raw[head_end..].to_vec(),
    })
}

// ---------------------------------------------------------------------------------------------
// Judging outcomes
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Success (what botocore does too).
    Ok,
    /// `ErrorKind::ResponseParse`, naming the operation.
    Parse,
    /// `ErrorKind::Service` with this status and a non-empty code, in botocore's wording.
    Service(u16),
    /// `ErrorKind::Service` with this status and exactly this code.
    Code(u16, &'static str),
    /// Any error (broken HTTP framing), naming the operation.
    AnyError,
}

/// Judges one result; returns a description of what was wrong, if anything.
fn judge<T: Debug, E: Debug>(
    label: &str,
    op: &str,
    expect: Expect,
    result: Result<Result<T, rboto::Error<E>>, tokio::task::JoinError>,
) -> Option<String> {
    let result = match result {
        Ok(r) => r,
        Err(join) if join.is_panic() => return Some(format!("{label}: PANICKED")),
        Err(join) => return Some(format!("{label}: task failed: {join}")),
    };
    let err = match (expect, result) {
        (Expect::Ok, Ok(_)) => return None,
        (Expect::Ok, Err(e)) => return Some(format!("{label}: expected Ok, got {e:?}")),
        (_, Ok(v)) => return Some(format!("{label}: expected {expect:?}, got Ok({v:?})")),
        (_, Err(e)) => e,
    };
    let shown = err.to_string();
    let mut problems = Vec::new();
    if !shown.contains(op) {
        problems.push(format!("Display does not name {op}"));
    }
    match expect {
        Expect::Parse => {
            if err.kind() != ErrorKind::ResponseParse {
                problems.push(format!("kind {:?}, not ResponseParse", err.kind()));
            }
        }
        Expect::Service(status) | Expect::Code(status, _) => {
            if err.kind() != ErrorKind::Service {
                problems.push(format!("kind {:?}, not Service", err.kind()));
            }
            if err.status() != Some(status) {
                problems.push(format!("status {:?}, not {status}", err.status()));
            }
            match err.code() {
                None | Some("") => problems.push("no error code".to_string()),
                Some(code) => {
                    if let Expect::Code(_, want) = expect {
                        if code != want {
                            problems.push(format!("code {code:?}, not {want:?}"));
                        }
                    }
                }
            }
            let wording = format!("when calling the {op} operation");
            if !shown.contains(&wording) {
                problems.push("Display lacks botocore's wording".to_string());
            }
        }
        Expect::AnyError | Expect::Ok => {}
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{label}: {} — {shown} — {err:?}",
            problems.join("; ")
        ))
    }
}

/// Runs each case against `stub` with `call` (spawned, so a panic is caught and named).
async fn run_cases<T, E, F, Fut>(
    stub: &Stub,
    op: &str,
    cases: Vec<(&str, Reply, Expect)>,
    call: F,
) -> Vec<String>
where
    T: Debug + Send + 'static,
    E: Debug + Send + 'static,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, rboto::Error<E>>> + Send + 'static,
{
    let mut failures = Vec::new();
    for (label, answer, expect) in cases {
        stub.set(answer);
        let result = tokio::spawn(call()).await;
        if let Some(problem) = judge(&format!("{op} / {label}"), op, expect, result) {
            failures.push(problem);
        }
    }
    failures
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// A small CBOR encoder for the rpc-v2-cbor bodies
// ---------------------------------------------------------------------------------------------

enum C {
    Map(Vec<(&'static str, C)>),
    Arr(Vec<C>),
    Text(&'static str),
    F64(f64),
    /// Epoch seconds, tag 1.
    Time(f64),
}

fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n < 256 {
        out.extend([m | 24, n as u8]);
    } else if n < 65536 {
        out.push(m | 25);
        out.extend((n as u16).to_be_bytes());
    } else if n < (1 << 32) {
        out.push(m | 26);
        out.extend((n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend(n.to_be_bytes());
    }
}

fn cbor(c: &C) -> Vec<u8> {
    fn go(c: &C, out: &mut Vec<u8>) {
        match c {
            C::Map(entries) => {
                cbor_head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    go(&C::Text(k), out);
                    go(v, out);
                }
            }
            C::Arr(items) => {
                cbor_head(out, 4, items.len() as u64);
                for item in items {
                    go(item, out);
                }
            }
            C::Text(s) => {
                cbor_head(out, 3, s.len() as u64);
                out.extend(s.as_bytes());
            }
            C::F64(f) => {
                out.push(0xfb);
                out.extend(f.to_bits().to_be_bytes());
            }
            C::Time(f) => {
                out.push(0xc1);
                go(&C::F64(*f), out);
            }
        }
    }
    let mut out = Vec::new();
    go(c, &mut out);
    out
}

fn list_metrics_cbor() -> Vec<u8> {
    cbor(&C::Map(vec![
        (
            "Metrics",
            C::Arr(vec![C::Map(vec![
                ("Namespace", C::Text("AWS/EC2")),
                ("MetricName", C::Text("CPUUtilization")),
                (
                    "Dimensions",
                    C::Arr(vec![C::Map(vec![
                        ("Name", C::Text("InstanceId")),
                        ("Value", C::Text("i-0123456789abcdef0")),
                    ])]),
                ),
            ])]),
        ),
        ("NextToken", C::Text("next-page")),
    ]))
}

fn get_metric_statistics_cbor() -> Vec<u8> {
    cbor(&C::Map(vec![
        ("Label", C::Text("CPUUtilization")),
        (
            "Datapoints",
            C::Arr(vec![
                C::Map(vec![
                    ("Timestamp", C::Time(1_700_000_000.5)),
                    ("SampleCount", C::F64(5.0)),
                    ("Average", C::F64(12.25)),
                    ("Unit", C::Text("Percent")),
                ]),
                C::Map(vec![
                    ("Timestamp", C::Time(1_700_000_060.0)),
                    ("Maximum", C::F64(99.5)),
                    ("Unit", C::Text("Percent")),
                ]),
            ]),
        ),
    ]))
}

const CBOR_HEADERS: [(&str, &str); 2] = [
    ("Content-Type", "application/cbor"),
    ("smithy-protocol", "rpc-v2-cbor"),
];

fn cbor_reply(status: u16, body: Vec<u8>) -> Reply {
    Reply::Http {
        status,
        headers: CBOR_HEADERS
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect(),
        body,
    }
}

// ---------------------------------------------------------------------------------------------
// Real-looking response bodies (also the property test's corpus)
// ---------------------------------------------------------------------------------------------

const DDB_LIST_TABLES: &str =
    r#"{"TableNames":["music","films","ünïcode"],"LastEvaluatedTableName":"ünïcode"}"#;
const DDB_DESCRIBE_TABLE: &str = r#"{"Table":{"AttributeDefinitions":[{"AttributeName":"artist","AttributeType":"S"},{"AttributeName":"year","AttributeType":"N"}],"TableName":"music","KeySchema":[{"AttributeName":"artist","KeyType":"HASH"},{"AttributeName":"year","KeyType":"RANGE"}],"TableStatus":"ACTIVE","CreationDateTime":1.700000000123E9,"ProvisionedThroughput":{"NumberOfDecreasesToday":0,"ReadCapacityUnits":5,"WriteCapacityUnits":5},"TableSizeBytes":1234,"ItemCount":42,"TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/music","BillingModeSummary":{"BillingMode":"PROVISIONED"},"DeletionProtectionEnabled":false,"GlobalSecondaryIndexes":[{"IndexName":"by-year","KeySchema":[{"AttributeName":"year","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"IndexStatus":"ACTIVE","ItemCount":7}]}}"#;
const DDB_QUERY: &str = r#"{"Items":[{"artist":{"S":"Nina"},"year":{"N":"1965"},"cover":{"B":"aGVsbG8="},"tags":{"SS":["jazz","soul"]},"meta":{"M":{"live":{"BOOL":true},"none":{"NULL":true},"list":{"L":[{"N":"1"},{"S":"x"}]}}}}],"Count":1,"ScannedCount":1,"LastEvaluatedKey":{"artist":{"S":"Nina"}}}"#;
const DDB_ERROR: &str = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: nope not found"}"#;

const SQS_GET_QUEUE_URL: &str = r#"<?xml version="1.0"?><GetQueueUrlResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><GetQueueUrlResult><QueueUrl>http://127.0.0.1/123456789012/jobs</QueueUrl></GetQueueUrlResult><ResponseMetadata><RequestId>4cc4d3a2-1a36-4fd5-8d7e-aaaaaaaaaaaa</RequestId></ResponseMetadata></GetQueueUrlResponse>"#;
const SQS_RECEIVE: &str = r#"<ReceiveMessageResponse><ReceiveMessageResult><Message><MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId><ReceiptHandle>MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+Cw</ReceiptHandle><MD5OfBody>fafb00f5732ab283681e124bf8747ed1</MD5OfBody><Body>This is a test &amp; &lt;message&gt;</Body><Attribute><Name>SenderId</Name><Value>195004372649</Value></Attribute><Attribute><Name>ApproximateReceiveCount</Name><Value>5</Value></Attribute><MessageAttribute><Name>n</Name><Value><StringValue>1</StringValue><DataType>Number</DataType></Value></MessageAttribute></Message></ReceiveMessageResult><ResponseMetadata><RequestId>b6633655-283d-45b4-aee4-4e84e0ae6afa</RequestId></ResponseMetadata></ReceiveMessageResponse>"#;
const QUERY_ERROR: &str = r#"<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message><Detail/></Error><RequestId>42d59b56-7407-4c4a-be0f-4c88daeea257</RequestId></ErrorResponse>"#;

const STS_WHO_AM_I: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AKIAI44QH8DHBEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;
const STS_ERROR: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error><RequestId>7ed0ae6f-1d0a-4f1d-9a1a-aaaaaaaaaaaa</RequestId></ErrorResponse>"#;
const CW_LIST_METRICS_XML: &str = r#"<ListMetricsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ListMetricsResult><Metrics><member><Namespace>AWS/EC2</Namespace><MetricName>CPUUtilization</MetricName><Dimensions><member><Name>InstanceId</Name><Value>i-1</Value></member></Dimensions></member></Metrics><NextToken>t</NextToken></ListMetricsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListMetricsResponse>"#;
const STS_ASSUME_ROLE: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><SourceIdentity>Alice</SourceIdentity><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn><AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken><Expiration>2019-11-09T13:34:41Z</Expiration></Credentials><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>"#;

const EC2_DESCRIBE_INSTANCES: &str = r#"<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet><item><reservationId>r-1234567890abcdef0</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item><instanceId>i-1234567890abcdef0</instanceId><imageId>ami-bff32ccc</imageId><instanceState><code>16</code><name>running</name></instanceState><privateDnsName>ip-192-168-1-88.eu-west-1.compute.internal</privateDnsName><amiLaunchIndex>0</amiLaunchIndex><instanceType>t2.micro</instanceType><launchTime>2018-05-08T16:46:19.000Z</launchTime><placement><availabilityZone>eu-west-1c</availabilityZone><tenancy>default</tenancy></placement><monitoring><state>disabled</state></monitoring><ebsOptimized>false</ebsOptimized><tagSet><item><key>Name</key><value>Server_1</value></item></tagSet><cpuOptions><coreCount>1</coreCount><threadsPerCore>1</threadsPerCore></cpuOptions></item></instancesSet></item></reservationSet></DescribeInstancesResponse>"#;
const EC2_ERROR: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>"#;

const S3_LIST_V2: &str = r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>my-bucket</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>hello.txt</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"fba9dede5f27731c9771645a39863328"</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>a b/ü+c.txt</Key><LastModified>2009-10-12T17:50:31.000Z</LastModified><ETag>"599bab3ed2c697f1d26842727561fd94"</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner></Contents><CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes></ListBucketResult>"#;
const S3_NO_SUCH_BUCKET: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nope</BucketName><RequestId>4442587FB7D0A2F9</RequestId><HostId>host</HostId></Error>"#;

const R53_LIST_ZONES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZones><HostedZone><Id>/hostedzone/Z111111QQQQQQQ</Id><Name>example.com.</Name><CallerReference>MyRef</CallerReference><Config><Comment>My comment</Comment><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>17</ResourceRecordSetCount></HostedZone></HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"#;

const LAMBDA_LIST_FUNCTIONS: &str = r#"{"Functions":[{"FunctionName":"hello","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:hello","Runtime":"python3.12","Role":"arn:aws:iam::123456789012:role/r","Handler":"index.handler","CodeSize":308,"Description":"","Timeout":3,"MemorySize":128,"LastModified":"2024-01-01T00:00:00.000+0000","CodeSha256":"abc=","Version":"$LATEST","Environment":{"Variables":{"A":"1"}},"TracingConfig":{"Mode":"PassThrough"},"Layers":[{"Arn":"arn:aws:lambda:us-east-1:123456789012:layer:l:1","CodeSize":10}],"Architectures":["x86_64"],"EphemeralStorage":{"Size":512}}],"NextMarker":"m"}"#;
const LAMBDA_ERROR: &str = r#"{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"}"#;

// ---------------------------------------------------------------------------------------------
// One operation per protocol through the client
// ---------------------------------------------------------------------------------------------

const AMZ_JSON: &str = "application/x-amz-json-1.0";

#[tokio::test]
async fn json_dynamodb_bad_responses_are_typed_errors() {
    let stub = Stub::start();
    let ddb = rboto_dynamodb::Client::new(&stub.config());
    let json = |status, body: &str| reply(status, AMZ_JSON, body);
    let html = |status, body: &str| reply(status, "text/html", body);

    let c = ddb.clone();
    let mut failures = run_cases(
        &stub,
        "ListTables",
        vec![
            ("valid", json(200, DDB_LIST_TABLES), Expect::Ok),
            // botocore parses an empty 2xx JSON body as `{}`.
            ("empty body", json(200, ""), Expect::Ok),
            ("truncated", json(200, &DDB_LIST_TABLES[..30]), Expect::Parse),
            ("not json", json(200, "this is not json"), Expect::Parse),
            ("html page on 200", html(200, HTML_500), Expect::Parse),
            ("list as a string", json(200, r#"{"TableNames":"music"}"#), Expect::Parse),
            ("numbers in a string list", json(200, r#"{"TableNames":[1,2]}"#), Expect::Parse),
            ("object in a string list", json(200, r#"{"TableNames":[{}]}"#), Expect::Parse),
            ("top-level array", json(200, "[1,2,3]"), Expect::Parse),
            ("top-level string", json(200, r#""music""#), Expect::Parse),
            ("trailing garbage", json(200, r#"{"TableNames":[]} trailing"#), Expect::Parse),
            (
                "invalid UTF-8",
                json(200, "{\"TableNames\":[\"\u{0}\"]}").with_body_bytes(b"{\"TableNames\":[\"\xff\xfe\"]}"),
                Expect::Parse,
            ),
            ("lone surrogate escape", json(200, r#"{"TableNames":["\ud800"]}"#), Expect::Parse),
            (
                "nesting 10000 deep",
                json(200, &format!("{{\"TableNames\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000))),
                Expect::Parse,
            ),
            (
                "crc32 mismatch",
                with_header(json(200, DDB_LIST_TABLES), "x-amz-crc32", "1"),
                Expect::AnyError,
            ),
            ("modeled error", json(400, DDB_ERROR), Expect::Code(400, "ResourceNotFoundException")),
            ("truncated error body", json(400, &DDB_ERROR[..20]), Expect::Service(400)),
            ("error __type not a string", json(400, r#"{"__type":42,"message":[]}"#), Expect::Service(400)),
            ("error without __type", json(400, r#"{"message":"who knows"}"#), Expect::Service(400)),
            ("html 500", html(500, HTML_500), Expect::Service(500)),
            ("html 502", html(502, HTML_502), Expect::Service(502)),
            ("empty 503", json(503, ""), Expect::Service(503)),
            ("empty 400", json(400, ""), Expect::Service(400)),
            (
                "content-length longer than the body",
                Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 500\r\n\r\n{\"TableNames\":[".to_vec()),
                Expect::AnyError,
            ),
            ("not HTTP at all", Reply::Raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()), Expect::AnyError),
            ("connection closed at once", Reply::Raw(Vec::new()), Expect::AnyError),
        ],
        move || {
            let c = c.clone();
            async move { c.list_tables().send().await }
        },
    )
    .await;

    let c = ddb.clone();
    failures.extend(
        run_cases(
            &stub,
            "DescribeTable",
            vec![
                ("valid", json(200, DDB_DESCRIBE_TABLE), Expect::Ok),
                (
                    "long beyond i64",
                    json(200, r#"{"Table":{"ItemCount":123456789012345678901234567890}}"#),
                    Expect::Parse,
                ),
                ("fraction for a long", json(200, r#"{"Table":{"ItemCount":1.5}}"#), Expect::Parse),
                ("1e400 for a long", json(200, r#"{"Table":{"TableSizeBytes":1e400}}"#), Expect::Parse),
                ("string for a long", json(200, r#"{"Table":{"ItemCount":"42"}}"#), Expect::Parse),
                ("negative overflow", json(200, r#"{"Table":{"ItemCount":-99999999999999999999}}"#), Expect::Parse),
                ("string for a boolean", json(200, r#"{"Table":{"DeletionProtectionEnabled":"yes"}}"#), Expect::Parse),
                ("words for a timestamp", json(200, r#"{"Table":{"CreationDateTime":"yesterday"}}"#), Expect::Parse),
                ("huge timestamp", json(200, r#"{"Table":{"CreationDateTime":1e300}}"#), Expect::Parse),
                ("bool for a structure", json(200, r#"{"Table":true}"#), Expect::Parse),
                ("list for a structure", json(200, r#"{"Table":[]}"#), Expect::Parse),
                // Output members marked required but absent: botocore accepts them, so does rboto.
                (
                    "required members missing",
                    json(200, r#"{"Table":{"KeySchema":[{}],"AttributeDefinitions":[{"AttributeName":"a"}]}}"#),
                    Expect::Ok,
                ),
                ("unknown members ignored", json(200, r#"{"Table":{"Surprise":{"deep":[1,2,{"x":null}]}},"More":1}"#), Expect::Ok),
            ],
            move || {
                let c = c.clone();
                async move { c.describe_table().table_name("music").send().await }
            },
        )
        .await,
    );

    // One attempt per case, as configured: an HTML 500 is not retried.
    stub.set(reply(500, "text/html", HTML_500));
    let err = ddb.list_tables().send().await.expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert_eq!(stub.requests().len(), 1, "max_attempts(1) still retried");
    assert_no_failures(failures);
}

trait WithBody {
    fn with_body_bytes(self, body: &[u8]) -> Self;
}

impl WithBody for Reply {
    fn with_body_bytes(mut self, bytes: &[u8]) -> Self {
        if let Reply::Http { body, .. } = &mut self {
            *body = bytes.to_vec();
        }
        self
    }
}

const XML: &str = "text/xml";

#[tokio::test]
async fn query_sts_bad_responses_are_typed_errors() {
    let stub = Stub::start();
    let xml = |status, body: &str| reply(status, XML, body);
    // STS speaks query by default. (SQS cannot be made to: its model lists only json, and an
    // override to a protocol the model does not list is ignored.)
    let sts = rboto_sts::Client::new(&stub.config());
    let c = sts.clone();
    let mut failures = run_cases(
        &stub,
        "GetCallerIdentity",
        vec![
            ("valid", xml(200, STS_WHO_AM_I), Expect::Ok),
            ("empty body", xml(200, ""), Expect::Ok),
            ("truncated", xml(200, &STS_WHO_AM_I[..120]), Expect::Parse),
            ("mismatched tags", xml(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>x</GetCallerIdentityResult></Arn></GetCallerIdentityResponse>"), Expect::Parse),
            ("malformed html on 200", xml(200, "<html><body><p>maintenance</body></html>"), Expect::Parse),
            ("json on 200", reply(200, "application/json", r#"{"Arn":"x"}"#), Expect::Parse),
            ("undefined entity", xml(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>&bogus;</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>"), Expect::Parse),
            ("bad char reference", xml(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>&#xFFFFFFFF;</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>"), Expect::Parse),
            ("two roots", xml(200, "<a/><b/>"), Expect::Parse),
            ("nesting 10000 deep", xml(200, &format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000))), Expect::Parse),
            ("error", xml(403, STS_ERROR), Expect::Code(403, "SignatureDoesNotMatch")),
            ("truncated error", xml(400, &STS_ERROR[..90]), Expect::Service(400)),
            ("html 500", reply(500, "text/html", HTML_500), Expect::Service(500)),
            ("empty 503", xml(503, ""), Expect::Service(503)),
        ],
        move || {
            let c = c.clone();
            async move { c.get_caller_identity().send().await }
        },
    )
    .await;
    // The request on the wire is a form-encoded query request.
    stub.set(xml(200, STS_WHO_AM_I));
    let me = sts.get_caller_identity().send().await.expect("valid");
    assert_eq!(me.account.as_deref(), Some("123456789012"));
    let seen = stub.requests();
    let body = String::from_utf8_lossy(&seen[0].body).into_owned();
    assert!(body.contains("Action=GetCallerIdentity"), "{body}");

    // CloudWatch's query override reaches the wire (CloudWatch lists json and query).
    let cw = rboto_cloudwatch::Client::new(&stub.builder().protocol(Protocol::Query).build());
    stub.set(xml(200, CW_LIST_METRICS_XML));
    let listed = cw.list_metrics().send().await.expect("query ListMetrics");
    assert_eq!(listed.next_token.as_deref(), Some("t"));
    assert_eq!(listed.metrics.unwrap_or_default().len(), 1);
    let seen = stub.requests();
    let body = String::from_utf8_lossy(&seen[0].body).into_owned();
    assert!(body.contains("Action=ListMetrics"), "{body}");
    assert!(
        seen[0]
            .head
            .to_ascii_lowercase()
            .contains("content-type: application/x-www-form-urlencoded"),
        "{}",
        seen[0].head
    );

    let c = sts.clone();
    let swap = |from: &str, to: &str| xml(200, &STS_ASSUME_ROLE.replace(from, to));
    failures.extend(
        run_cases(
            &stub,
            "AssumeRole",
            vec![
                ("valid", xml(200, STS_ASSUME_ROLE), Expect::Ok),
                ("words for an integer", swap(">6<", ">six<"), Expect::Parse),
                (
                    "integer beyond i32",
                    swap(">6<", ">99999999999999999999<"),
                    Expect::Parse,
                ),
                (
                    "fraction for an integer",
                    swap(">6<", ">6.5<"),
                    Expect::Parse,
                ),
                (
                    "words for a timestamp",
                    swap("2019-11-09T13:34:41Z", "soon"),
                    Expect::Parse,
                ),
                (
                    "month 13",
                    swap("2019-11-09T13:34:41Z", "2019-13-09T13:34:41Z"),
                    Expect::Parse,
                ),
                (
                    "required credentials members missing",
                    swap(
                        "<SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>",
                        "",
                    ),
                    Expect::Ok,
                ),
                (
                    "truncated",
                    xml(200, &STS_ASSUME_ROLE[..STS_ASSUME_ROLE.len() - 40]),
                    Expect::Parse,
                ),
            ],
            move || {
                let c = c.clone();
                async move {
                    c.assume_role()
                        .role_arn("arn:aws:iam::123456789012:role/demo")
                        .role_session_name("s")
                        .send()
                        .await
                }
            },
        )
        .await,
    );
    assert_no_failures(failures);
}

#[tokio::test]
async fn ec2_bad_responses_are_typed_errors() {
    let stub = Stub::start();
    let ec2 = rboto_ec2::Client::new(&stub.config());
    let xml = |status, body: &str| reply(status, XML, body);
    let swap = |from: &str, to: &str| xml(200, &EC2_DESCRIBE_INSTANCES.replace(from, to));
    let c = ec2.clone();
    let failures = run_cases(
        &stub,
        "DescribeInstances",
        vec![
            ("valid", xml(200, EC2_DESCRIBE_INSTANCES), Expect::Ok),
            (
                "truncated",
                xml(200, &EC2_DESCRIBE_INSTANCES[..400]),
                Expect::Parse,
            ),
            (
                "words for an integer",
                swap("<amiLaunchIndex>0<", "<amiLaunchIndex>zero<"),
                Expect::Parse,
            ),
            (
                "integer beyond i32",
                swap("<coreCount>1<", "<coreCount>4294967296<"),
                Expect::Parse,
            ),
            (
                "words for a boolean",
                swap("<ebsOptimized>false<", "<ebsOptimized>perhaps<"),
                Expect::Parse,
            ),
            (
                "words for a timestamp",
                swap("2018-05-08T16:46:19.000Z", "last tuesday"),
                Expect::Parse,
            ),
            ("empty body", xml(200, ""), Expect::Ok),
            (
                "modeled-looking error",
                xml(400, EC2_ERROR),
                Expect::Code(400, "InvalidInstanceID.NotFound"),
            ),
            (
                "truncated error",
                xml(400, &EC2_ERROR[..70]),
                Expect::Service(400),
            ),
            (
                "html 503",
                reply(503, "text/html", HTML_502),
                Expect::Service(503),
            ),
            ("empty 500", xml(500, ""), Expect::Service(500)),
        ],
        move || {
            let c = c.clone();
            async move { c.describe_instances().send().await }
        },
    )
    .await;
    assert_no_failures(failures);
}

#[tokio::test]
async fn rest_xml_s3_bad_responses_are_typed_errors() {
    let stub = Stub::start();
    let s3 = rboto_s3::Client::new(&stub.config());
    let xml = |status, body: &str| reply(status, "application/xml", body);
    let swap = |from: &str, to: &str| xml(200, &S3_LIST_V2.replace(from, to));
    let c = s3.clone();
    let mut failures = run_cases(
        &stub,
        "ListObjectsV2",
        vec![
            ("valid", xml(200, S3_LIST_V2), Expect::Ok),
            // botocore (`_handle_200_error`) turns a 200 whose body is not XML, or is an
            // <Error>, into a 500 of S3 operations with non-streaming output; rboto follows.
            (
                "truncated",
                xml(200, &S3_LIST_V2[..300]),
                Expect::Code(500, "500"),
            ),
            (
                "words for an integer",
                swap("<KeyCount>2<", "<KeyCount>two<"),
                Expect::Parse,
            ),
            (
                "words for a boolean",
                swap("<IsTruncated>false<", "<IsTruncated>maybe<"),
                Expect::Parse,
            ),
            (
                "1e999 for a long",
                swap("<Size>434234<", "<Size>1e999<"),
                Expect::Parse,
            ),
            (
                "long beyond i64",
                swap("<Size>434234<", "<Size>99999999999999999999999<"),
                Expect::Parse,
            ),
            (
                "words for a timestamp",
                swap("2009-10-12T17:50:30.000Z", "tuesday"),
                Expect::Parse,
            ),
            (
                "html page on 200",
                reply(200, "text/html", "<html><body><p>oops</body></html>"),
                Expect::Code(500, "500"),
            ),
            (
                "json on 200",
                reply(200, "application/json", "{}"),
                Expect::Code(500, "500"),
            ),
            (
                "an error in a 200",
                xml(200, S3_NO_SUCH_BUCKET),
                Expect::Code(500, "NoSuchBucket"),
            ),
            (
                "well-formed xml error without a code",
                xml(400, "<Oops><Why>none</Why></Oops>"),
                Expect::Service(400),
            ),
            (
                "modeled error",
                xml(404, S3_NO_SUCH_BUCKET),
                Expect::Code(404, "NoSuchBucket"),
            ),
            (
                "html 403",
                reply(403, "text/html", HTML_500),
                Expect::Service(403),
            ),
            ("empty 500", xml(500, ""), Expect::Service(500)),
            (
                "truncated error",
                xml(400, &S3_NO_SUCH_BUCKET[..60]),
                Expect::Service(400),
            ),
        ],
        move || {
            let c = c.clone();
            async move { c.list_objects_v2().bucket("my-bucket").send().await }
        },
    )
    .await;

    let head = |headers: &[(&'static str, &str)]| Reply::Http {
        status: 200,
        headers: headers.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        body: Vec::new(),
    };
    let c = s3.clone();
    failures.extend(
        run_cases(
            &stub,
            "HeadObject",
            vec![
                (
                    "valid",
                    head(&[
                        ("ETag", "\"x\""),
                        ("Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT"),
                        ("x-amz-mp-parts-count", "3"),
                    ]),
                    Expect::Ok,
                ),
                (
                    "words for an integer header",
                    head(&[("x-amz-mp-parts-count", "three")]),
                    Expect::Parse,
                ),
                (
                    "integer header beyond i32",
                    head(&[("x-amz-mp-parts-count", "99999999999")]),
                    Expect::Parse,
                ),
                (
                    "words for a timestamp header",
                    head(&[("Last-Modified", "the other day")]),
                    Expect::Parse,
                ),
                // botocore reads any boolean header other than "true" as false.
                (
                    "words for a boolean header",
                    head(&[("x-amz-delete-marker", "sometimes")]),
                    Expect::Ok,
                ),
                (
                    "empty 404",
                    reply(404, "application/xml", ""),
                    Expect::Service(404),
                ),
            ],
            move || {
                let c = c.clone();
                async move { c.head_object().bucket("my-bucket").key("k").send().await }
            },
        )
        .await,
    );

    // S3's error inside an HTTP 200 (CompleteMultipartUpload).
    use rboto_s3::types::{CompletedMultipartUpload, CompletedPart};
    let c = s3.clone();
    failures.extend(
        run_cases(
            &stub,
            "CompleteMultipartUpload",
            vec![
                (
                    "error in a 200",
                    xml(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>656c76696e6727732072657175657374</RequestId><HostId>x</HostId></Error>"),
                    Expect::Code(500, "InternalError"),
                ),
                ("truncated 200", xml(200, "<?xml version=\"1.0\"?><CompleteMultipartUploadResult><Location>"), Expect::Code(500, "500")),
            ],
            move || {
                let c = c.clone();
                async move {
                    c.complete_multipart_upload()
                        .bucket("my-bucket")
                        .key("k")
                        .upload_id("u")
                        .multipart_upload(
                            CompletedMultipartUpload::default()
                                .parts(vec![CompletedPart::default().e_tag("\"e\"").part_number(1)]),
                        )
                        .send()
                        .await
                }
            },
        )
        .await,
    );
    assert_no_failures(failures);
}

#[tokio::test]
async fn rest_json_lambda_bad_responses_are_typed_errors() {
    let stub = Stub::start();
    let lambda = rboto_lambda::Client::new(&stub.config());
    let json = |status, body: &str| reply(status, "application/json", body);
    let swap = |from: &str, to: &str| json(200, &LAMBDA_LIST_FUNCTIONS.replace(from, to));
    let c = lambda.clone();
    let failures = run_cases(
        &stub,
        "ListFunctions",
        vec![
            ("valid", json(200, LAMBDA_LIST_FUNCTIONS), Expect::Ok),
            ("empty body", json(200, ""), Expect::Ok),
            ("truncated", json(200, &LAMBDA_LIST_FUNCTIONS[..200]), Expect::Parse),
            ("map for a list", json(200, r#"{"Functions":{"a":1}}"#), Expect::Parse),
            ("words for an integer", swap(r#""MemorySize":128"#, r#""MemorySize":"big""#), Expect::Parse),
            ("integer beyond i32", swap(r#""MemorySize":128"#, r#""MemorySize":99999999999999"#), Expect::Parse),
            ("-1e400 for an integer", swap(r#""Timeout":3"#, r#""Timeout":-1e400"#), Expect::Parse),
            ("number for a string", swap(r#""Handler":"index.handler""#, r#""Handler":7"#), Expect::Parse),
            ("list for a map", swap(r#"{"Variables":{"A":"1"}}"#, r#"{"Variables":["A"]}"#), Expect::Parse),
            ("number as a map value", swap(r#"{"Variables":{"A":"1"}}"#, r#"{"Variables":{"A":1}}"#), Expect::Parse),
            ("html page on 200", reply(200, "text/html", HTML_500), Expect::Parse),
            (
                "modeled error by header",
                with_header(json(404, LAMBDA_ERROR), "x-amzn-errortype", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.lambda/"),
                Expect::Code(404, "ResourceNotFoundException"),
            ),
            ("error garbage without header", json(400, "{{{"), Expect::Service(400)),
            ("html 502", reply(502, "text/html", HTML_502), Expect::Service(502)),
            ("empty 500", json(500, ""), Expect::Service(500)),
        ],
        move || {
            let c = c.clone();
            async move { c.list_functions().send().await }
        },
    )
    .await;
    assert_no_failures(failures);
}

#[tokio::test]
async fn cbor_cloudwatch_bad_responses_are_typed_errors() {
    let stub = Stub::start();
    let cw =
        rboto_cloudwatch::Client::new(&stub.builder().protocol(Protocol::SmithyRpcV2Cbor).build());
    let valid = list_metrics_cbor();
    let text_for_list = cbor(&C::Map(vec![("Metrics", C::Text("none"))]));
    // "Metrics": a text string claiming 2^62 bytes, then the input ends.
    let mut huge_text = cbor(&C::Map(vec![("NextToken", C::Text(""))]));
    huge_text.truncate(huge_text.len() - 1);
    cbor_head(&mut huge_text, 3, 1 << 62);
    huge_text.extend(b"abc");
    // "Metrics": an array claiming 2^62 items.
    let mut huge_array = vec![0xa1];
    huge_array.extend(cbor(&C::Text("Metrics")));
    cbor_head(&mut huge_array, 4, 1 << 62);
    huge_array.push(0xa0);
    // An indefinite-length map that never ends.
    let unterminated = vec![
        0xbf, 0x69, b'N', b'e', b'x', b't', b'T', b'o', b'k', b'e', b'n', 0x61, b'x',
    ];
    let mut bad_utf8 = vec![0xa1];
    bad_utf8.extend(cbor(&C::Text("NextToken")));
    bad_utf8.extend([0x62, 0xff, 0xfe]);
    let deep: Vec<u8> = std::iter::once(0xa1)
        .chain(cbor(&C::Text("Metrics")))
        .chain(std::iter::repeat_n(0x81, 100_000))
        .chain(std::iter::once(0xa0))
        .collect();
    let c = cw.clone();
    let mut failures = run_cases(
        &stub,
        "ListMetrics",
        vec![
            ("valid", cbor_reply(200, valid.clone()), Expect::Ok),
            (
                "truncated",
                cbor_reply(200, valid[..valid.len() / 2].to_vec()),
                Expect::Parse,
            ),
            (
                "text for a list",
                cbor_reply(200, text_for_list),
                Expect::Parse,
            ),
            (
                "text length 2^62",
                cbor_reply(200, huge_text),
                Expect::Parse,
            ),
            (
                "array length 2^62",
                cbor_reply(200, huge_array),
                Expect::Parse,
            ),
            (
                "unterminated indefinite map",
                cbor_reply(200, unterminated),
                Expect::Parse,
            ),
            (
                "invalid UTF-8 text",
                cbor_reply(200, bad_utf8),
                Expect::Parse,
            ),
            ("nesting 100000 deep", cbor_reply(200, deep), Expect::Parse),
            (
                "lone break byte",
                cbor_reply(200, vec![0xff]),
                Expect::Parse,
            ),
            (
                "reserved additional info",
                cbor_reply(200, vec![0x1c]),
                Expect::Parse,
            ),
            (
                "array at the top",
                cbor_reply(200, vec![0x80]),
                Expect::Parse,
            ),
            (
                "json on 200",
                cbor_reply(200, br#"{"Metrics":[]}"#.to_vec()),
                Expect::Parse,
            ),
            (
                "modeled error",
                cbor_reply(
                    400,
                    cbor(&C::Map(vec![
                        (
                            "__type",
                            C::Text("com.amazonaws.cloudwatch#ResourceNotFound"),
                        ),
                        ("message", C::Text("gone")),
                    ])),
                ),
                Expect::Code(400, "ResourceNotFound"),
            ),
            (
                "truncated error",
                cbor_reply(400, vec![0xa2, 0x66]),
                Expect::Service(400),
            ),
            (
                "html 500",
                reply(500, "text/html", HTML_500),
                Expect::Service(500),
            ),
            (
                "empty 503",
                cbor_reply(503, Vec::new()),
                Expect::Service(503),
            ),
        ],
        move || {
            let c = c.clone();
            async move { c.list_metrics().send().await }
        },
    )
    .await;
    // The override reached the wire.
    stub.set(cbor_reply(200, list_metrics_cbor()));
    let listed = cw.list_metrics().send().await.expect("valid cbor");
    assert_eq!(listed.next_token.as_deref(), Some("next-page"));
    let seen = stub.requests();
    let head = seen[0].head.to_ascii_lowercase();
    assert!(head.contains("smithy-protocol: rpc-v2-cbor"), "{head}");
    assert!(
        head.contains("/service/graniteserviceversion20100801/operation/listmetrics"),
        "{head}"
    );

    let stats = get_metric_statistics_cbor();
    let text_timestamp = cbor(&C::Map(vec![(
        "Datapoints",
        C::Arr(vec![C::Map(vec![("Timestamp", C::Text("noon"))])]),
    )]));
    let text_double = cbor(&C::Map(vec![(
        "Datapoints",
        C::Arr(vec![C::Map(vec![("Average", C::Text("12"))])]),
    )]));
    let c = cw.clone();
    failures.extend(
        run_cases(
            &stub,
            "GetMetricStatistics",
            vec![
                ("valid", cbor_reply(200, stats.clone()), Expect::Ok),
                (
                    "text for a timestamp",
                    cbor_reply(200, text_timestamp),
                    Expect::Parse,
                ),
                (
                    "text for a double",
                    cbor_reply(200, text_double),
                    Expect::Parse,
                ),
                (
                    "cut in a float",
                    cbor_reply(200, stats[..stats.len() - 3].to_vec()),
                    Expect::Parse,
                ),
            ],
            move || {
                let c = c.clone();
                async move {
                    c.get_metric_statistics()
                        .namespace("AWS/EC2")
                        .metric_name("CPUUtilization")
                        .start_time(rboto::DateTime::from_secs(1_700_000_000))
                        .end_time(rboto::DateTime::from_secs(1_700_000_600))
                        .period(60)
                        .send()
                        .await
                }
            },
        )
        .await,
    );
    assert_no_failures(failures);
}

// ---------------------------------------------------------------------------------------------
// Bounded property test: prefixes and deterministic mutations, straight through the parsers
// ---------------------------------------------------------------------------------------------

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that tend to matter to the parsers.
const INTERESTING: &[u8] = b"\x00\xff\x7f\x80\xbf\xc0\xfb\x1b\x9f\"\\{}[]<>/&;:,.-+eE019 \n";

fn mutate(body: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = body.to_vec();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        let len = out.len();
        let at = rng.below(len + 1);
        match rng.below(7) {
            0 if len > 0 => out[at.min(len - 1)] ^= 1 << rng.below(8),
            1 if len > 0 => out[at.min(len - 1)] = INTERESTING[rng.below(INTERESTING.len())],
            2 => out.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            3 if len > 0 => {
                let end = (at + 1 + rng.below(16)).min(len);
                out.drain(at.min(len - 1)..end);
            }
            4 if len > 0 => {
                // Duplicate a slice (repeated members, unbalanced nesting).
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let piece = out[start..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, piece);
            }
            5 => {
                // A run of digits: huge numbers.
                let digits = vec![b'9'; 1 + rng.below(400)];
                out.splice(at..at, digits);
            }
            _ if len > 0 => out.truncate(at),
            _ => out.push(INTERESTING[rng.below(INTERESTING.len())]),
        }
    }
    out
}

/// One corpus entry: a real body for an operation, the typed output it converts to.
struct Sample {
    label: &'static str,
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    /// Parses the body as a 200 response and converts it to the typed output.
    typed: fn(&Sample, &[u8]) -> Result<(), String>,
}

fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (k, v) in pairs {
        map.insert(
            http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
            http::HeaderValue::from_str(v).expect("value"),
        );
    }
    map
}

fn typed<O: FromValue>(s: &Sample, body: &[u8]) -> Result<(), String> {
    let headers = headers(&s.headers);
    let response = rboto::protocol::Response {
        status: 200,
        headers: &headers,
        body,
    };
    let value = rboto::protocol::parse_output(s.protocol, s.service, s.op, &response, None)
        .map_err(|e| e.to_string())?;
    O::from_value(value)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Runs the error parsers; returns whether the extracted code was empty.
fn error_parts(s: &Sample, body: &[u8]) -> bool {
    let headers = headers(&s.headers);
    let response = rboto::protocol::Response {
        status: 400,
        headers: &headers,
        body,
    };
    let parts = rboto::protocol::parse_error(s.protocol, s.service, s.op, &response);
    for shape in s.service.errors.iter().take(3) {
        let _ = rboto::protocol::parse_error_shape(s.protocol, s.service, shape, &response);
    }
    parts.code.is_empty()
}

fn corpus() -> Vec<Sample> {
    let json = vec![("content-type", AMZ_JSON)];
    let xml = vec![("content-type", "text/xml")];
    let cbor_h = vec![
        ("content-type", "application/cbor"),
        ("smithy-protocol", "rpc-v2-cbor"),
    ];
    vec![
        Sample {
            label: "json DynamoDB DescribeTable",
            protocol: Protocol::Json,
            service: rboto_dynamodb::schema::SERVICE.get(),
            op: rboto_dynamodb::schema::SERVICE.operation("DescribeTable"),
            headers: json.clone(),
            body: DDB_DESCRIBE_TABLE.into(),
            typed: typed::<rboto_dynamodb::output::DescribeTableOutput>,
        },
        Sample {
            label: "json DynamoDB Query",
            protocol: Protocol::Json,
            service: rboto_dynamodb::schema::SERVICE.get(),
            op: rboto_dynamodb::schema::SERVICE.operation("Query"),
            headers: json.clone(),
            body: DDB_QUERY.into(),
            typed: typed::<rboto_dynamodb::output::QueryOutput>,
        },
        Sample {
            label: "json DynamoDB error",
            protocol: Protocol::Json,
            service: rboto_dynamodb::schema::SERVICE.get(),
            op: rboto_dynamodb::schema::SERVICE.operation("ListTables"),
            headers: json.clone(),
            body: DDB_ERROR.into(),
            typed: typed::<rboto_dynamodb::output::ListTablesOutput>,
        },
        Sample {
            label: "query SQS ReceiveMessage",
            protocol: Protocol::Query,
            service: rboto_sqs::schema::SERVICE.get(),
            op: rboto_sqs::schema::SERVICE.operation("ReceiveMessage"),
            headers: xml.clone(),
            body: SQS_RECEIVE.into(),
            typed: typed::<rboto_sqs::output::ReceiveMessageOutput>,
        },
        Sample {
            label: "query SQS GetQueueUrl",
            protocol: Protocol::Query,
            service: rboto_sqs::schema::SERVICE.get(),
            op: rboto_sqs::schema::SERVICE.operation("GetQueueUrl"),
            headers: xml.clone(),
            body: SQS_GET_QUEUE_URL.into(),
            typed: typed::<rboto_sqs::output::GetQueueUrlOutput>,
        },
        Sample {
            label: "query STS AssumeRole",
            protocol: Protocol::Query,
            service: rboto_sts::schema::SERVICE.get(),
            op: rboto_sts::schema::SERVICE.operation("AssumeRole"),
            headers: xml.clone(),
            body: STS_ASSUME_ROLE.into(),
            typed: typed::<rboto_sts::output::AssumeRoleOutput>,
        },
        Sample {
            label: "query error",
            protocol: Protocol::Query,
            service: rboto_sqs::schema::SERVICE.get(),
            op: rboto_sqs::schema::SERVICE.operation("GetQueueUrl"),
            headers: xml.clone(),
            body: QUERY_ERROR.into(),
            typed: typed::<rboto_sqs::output::GetQueueUrlOutput>,
        },
        Sample {
            label: "ec2 DescribeInstances",
            protocol: Protocol::Ec2,
            service: rboto_ec2::schema::SERVICE.get(),
            op: rboto_ec2::schema::SERVICE.operation("DescribeInstances"),
            headers: xml.clone(),
            body: EC2_DESCRIBE_INSTANCES.into(),
            typed: typed::<rboto_ec2::output::DescribeInstancesOutput>,
        },
        Sample {
            label: "ec2 error",
            protocol: Protocol::Ec2,
            service: rboto_ec2::schema::SERVICE.get(),
            op: rboto_ec2::schema::SERVICE.operation("DescribeInstances"),
            headers: xml.clone(),
            body: EC2_ERROR.into(),
            typed: typed::<rboto_ec2::output::DescribeInstancesOutput>,
        },
        Sample {
            label: "rest-xml S3 ListObjectsV2",
            protocol: Protocol::RestXml,
            service: rboto_s3::schema::SERVICE.get(),
            op: rboto_s3::schema::SERVICE.operation("ListObjectsV2"),
            headers: vec![
                ("content-type", "application/xml"),
                ("x-amz-request-charged", "requester"),
            ],
            body: S3_LIST_V2.into(),
            typed: typed::<rboto_s3::output::ListObjectsV2Output>,
        },
        Sample {
            label: "rest-xml S3 error",
            protocol: Protocol::RestXml,
            service: rboto_s3::schema::SERVICE.get(),
            op: rboto_s3::schema::SERVICE.operation("ListObjectsV2"),
            headers: vec![("content-type", "application/xml")],
            body: S3_NO_SUCH_BUCKET.into(),
            typed: typed::<rboto_s3::output::ListObjectsV2Output>,
        },
        Sample {
            label: "rest-xml Route53 ListHostedZones",
            protocol: Protocol::RestXml,
            service: rboto_route53::schema::SERVICE.get(),
            op: rboto_route53::schema::SERVICE.operation("ListHostedZones"),
            headers: vec![("content-type", "text/xml")],
            body: R53_LIST_ZONES.into(),
            typed: typed::<rboto_route53::output::ListHostedZonesOutput>,
        },
        Sample {
            label: "rest-json Lambda ListFunctions",
            protocol: Protocol::RestJson,
            service: rboto_lambda::schema::SERVICE.get(),
            op: rboto_lambda::schema::SERVICE.operation("ListFunctions"),
            headers: vec![("content-type", "application/json")],
            body: LAMBDA_LIST_FUNCTIONS.into(),
            typed: typed::<rboto_lambda::output::ListFunctionsOutput>,
        },
        Sample {
            label: "rest-json Lambda error",
            protocol: Protocol::RestJson,
            service: rboto_lambda::schema::SERVICE.get(),
            op: rboto_lambda::schema::SERVICE.operation("ListFunctions"),
            headers: vec![
                ("content-type", "application/json"),
                ("x-amzn-errortype", "ResourceNotFoundException:http://x/"),
            ],
            body: LAMBDA_ERROR.into(),
            typed: typed::<rboto_lambda::output::ListFunctionsOutput>,
        },
        Sample {
            label: "cbor CloudWatch ListMetrics",
            protocol: Protocol::SmithyRpcV2Cbor,
            service: rboto_cloudwatch::schema::SERVICE.get(),
            op: rboto_cloudwatch::schema::SERVICE.operation("ListMetrics"),
            headers: cbor_h.clone(),
            body: list_metrics_cbor(),
            typed: typed::<rboto_cloudwatch::output::ListMetricsOutput>,
        },
        Sample {
            label: "cbor CloudWatch GetMetricStatistics",
            protocol: Protocol::SmithyRpcV2Cbor,
            service: rboto_cloudwatch::schema::SERVICE.get(),
            op: rboto_cloudwatch::schema::SERVICE.operation("GetMetricStatistics"),
            headers: cbor_h.clone(),
            body: get_metric_statistics_cbor(),
            typed: typed::<rboto_cloudwatch::output::GetMetricStatisticsOutput>,
        },
        Sample {
            label: "cbor CloudWatch error",
            protocol: Protocol::SmithyRpcV2Cbor,
            service: rboto_cloudwatch::schema::SERVICE.get(),
            op: rboto_cloudwatch::schema::SERVICE.operation("ListMetrics"),
            headers: cbor_h,
            body: cbor(&C::Map(vec![
                (
                    "__type",
                    C::Text("com.amazonaws.cloudwatch#ResourceNotFound"),
                ),
                ("message", C::Text("gone")),
            ])),
            typed: typed::<rboto_cloudwatch::output::ListMetricsOutput>,
        },
    ]
}

const MUTATIONS_PER_SAMPLE: usize = 400;

#[test]
fn every_prefix_and_mutation_of_real_bodies_parses_without_panicking() {
    // Silence the default hook's output for caught panics; they are reported below.
    let started = std::time::Instant::now();
    let mut panics = Vec::new();
    let mut runs = 0usize;
    let mut errors = 0usize;
    // Error bodies that parse but carry no code (botocore also yields Code '' for these).
    let mut empty_codes = std::collections::BTreeMap::new();
    for sample in corpus() {
        // The unmutated body is a real, parseable response.
        if !sample.label.ends_with("error") {
            (sample.typed)(&sample, &sample.body)
                .unwrap_or_else(|e| panic!("{}: the valid body fails: {e}", sample.label));
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ sample.body.len() as u64);
        let prefixes = (0..sample.body.len()).map(|n| sample.body[..n].to_vec());
        let mutations: Vec<Vec<u8>> = (0..MUTATIONS_PER_SAMPLE)
            .map(|_| mutate(&sample.body, &mut rng))
            .collect();
        for (i, body) in prefixes.chain(mutations).enumerate() {
            runs += 1;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let typed = (sample.typed)(&sample, &body);
                (typed, error_parts(&sample, &body))
            }));
            match outcome {
                Ok((typed, empty_code)) => {
                    errors += usize::from(typed.is_err());
                    if empty_code {
                        *empty_codes.entry(sample.label).or_insert(0usize) += 1;
                    }
                }
                Err(payload) => {
                    let why = rboto_tests::panic_message(&*payload);
                    panics.push(format!(
                        "{} input #{i} ({} bytes, {:?}): {why}",
                        sample.label,
                        body.len(),
                        String::from_utf8_lossy(&body[..body.len().min(200)])
                    ));
                }
            }
        }
    }
    eprintln!(
        "{runs} bodies parsed ({errors} rejected as ParseError) in {:?}",
        started.elapsed()
    );
    eprintln!("error parses with an empty code, per sample: {empty_codes:?}");
    assert!(errors > runs / 4, "the mutations hardly ever broke a body");
    assert!(
        panics.is_empty(),
        "{} panic(s):\n{}",
        panics.len(),
        panics.join("\n")
    );
}

#[test]
fn modeled_exception_members_with_wrong_types_do_not_panic() {
    // Each protocol's error-shape parser on bodies whose members have the wrong types.
    type Case = (
        Protocol,
        &'static Service,
        Vec<(&'static str, &'static str)>,
        Vec<u8>,
    );
    let cases: Vec<Case> = vec![
        (
            Protocol::Json,
            rboto_dynamodb::schema::SERVICE.get(),
            vec![("content-type", AMZ_JSON)],
            br#"{"__type":"ResourceNotFoundException","message":{"deep":[1e999]}}"#.to_vec(),
        ),
        (
            Protocol::RestXml,
            rboto_s3::schema::SERVICE.get(),
            vec![("content-type", "application/xml")],
            b"<Error><Code>NoSuchKey</Code><Message><b>bold</b></Message><Key>1</Key></Error>"
                .to_vec(),
        ),
        (
            Protocol::Query,
            rboto_sqs::schema::SERVICE.get(),
            vec![("content-type", "text/xml")],
            b"<ErrorResponse><Error><Code><x/></Code></Error></ErrorResponse>".to_vec(),
        ),
        (
            Protocol::SmithyRpcV2Cbor,
            rboto_cloudwatch::schema::SERVICE.get(),
            vec![
                ("content-type", "application/cbor"),
                ("smithy-protocol", "rpc-v2-cbor"),
            ],
            cbor(&C::Map(vec![
                ("__type", C::F64(1.0)),
                ("message", C::Arr(vec![C::Time(1e300)])),
            ])),
        ),
    ];
    for (protocol, service, pairs, body) in cases {
        let headers = headers(&pairs);
        let response = rboto::protocol::Response {
            status: 400,
            headers: &headers,
            body: &body,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for shape in service.errors {
                let _ = rboto::protocol::parse_error_shape(protocol, service, shape, &response);
            }
        }));
        assert!(outcome.is_ok(), "{protocol:?} error shapes panicked");
    }
}

// ---------------------------------------------------------------------------------------------
// Response checksums (S3 GetObject with the ChecksumMode botocore fills in)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_object_bodies_are_checked_against_their_checksum_headers() {
    const BODY: &str = "Hello, world!";
    // `printf 'Hello, world!' | python3 -c 'import zlib,sys; print(zlib.crc32(sys.stdin.buffer.read()))'`
    // is 0xebe6c6e6; the SHA-256 is from sha256sum.
    const CRC32: &str = "6+bG5g==";
    const SHA256: &str = "MV9b23bQeMQ7isAGTkoBZGErH853yGk0W/yUx1iU7dM=";
    // CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, all-ones init and xorout) of BODY.
    const CRC64NVME: &str = "n3hVaQAaPTQ=";
    let stub = Stub::start();
    let s3 = rboto_s3::Client::new(&stub.config());
    let object = |headers: &[(&'static str, &str)]| {
        let mut r = reply(200, "text/plain", BODY);
        for (name, value) in headers {
            r = with_header(r, name, value);
        }
        r
    };
    let cases: Vec<(&str, Reply, Option<&str>)> = vec![
        (
            "crc32 matches",
            object(&[("x-amz-checksum-crc32", CRC32)]),
            None,
        ),
        (
            "sha256 matches",
            object(&[("x-amz-checksum-sha256", SHA256)]),
            None,
        ),
        (
            "crc32 differs",
            object(&[("x-amz-checksum-crc32", "AAAAAA==")]),
            Some("crc32"),
        ),
        (
            "crc32 is checked first",
            object(&[
                ("x-amz-checksum-sha256", SHA256),
                ("x-amz-checksum-crc32", "AAAAAA=="),
            ]),
            Some("crc32"),
        ),
        (
            "sha256 differs",
            object(&[("x-amz-checksum-sha256", CRC32)]),
            Some("sha256"),
        ),
        // A checksum of part checksums says nothing about these bytes: not checked.
        (
            "multipart checksum",
            object(&[("x-amz-checksum-crc32", "AAAAAA==-3")]),
            None,
        ),
        // CRC64NVME (botocore computes it with its CRT) is checked, and ahead of CRC32.
        (
            "crc64nvme matches",
            object(&[
                ("x-amz-checksum-crc64nvme", CRC64NVME),
                ("x-amz-checksum-crc32", "AAAAAA=="),
            ]),
            None,
        ),
        (
            "crc64nvme differs",
            object(&[("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=")]),
            Some("crc64nvme"),
        ),
        ("no checksum", object(&[]), None),
    ];
    let mut failures = Vec::new();
    for (name, answer, mismatch) in cases {
        stub.set(answer);
        let out = match s3.get_object().bucket("b").key("k").send().await {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{name}: get_object failed: {e}"));
                continue;
            }
        };
        let read = out.body.expect("a body").collect().await;
        match (read, mismatch) {
            (Ok(bytes), None) if bytes == BODY.as_bytes() => {}
            (Err(e), Some(algorithm)) => {
                let m = e.checksum_mismatch().cloned();
                let error = e.into_error();
                let ok = m.as_ref().is_some_and(|m| m.algorithm == algorithm)
                    && error.kind() == rboto::ErrorKind::ResponseParse
                    && !error.is_retryable()
                    && error
                        .to_string()
                        .contains("did not match calculated checksum");
                if !ok {
                    failures.push(format!("{name}: wrong error {error} ({m:?})"));
                }
            }
            (other, _) => failures.push(format!("{name}: read gave {other:?}")),
        }
        let sent = stub.requests();
        let head = sent.first().map(|s| s.head.to_ascii_lowercase());
        if !head.is_some_and(|h| h.contains("x-amz-checksum-mode: enabled")) {
            failures.push(format!("{name}: the request lacked x-amz-checksum-mode"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
