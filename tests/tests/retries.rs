//! The attempt loop against a scripted loopback server: what is retried and what is not, the
//! backoff (observed through an instant, recording sleeper with fixed jitter, so nothing here
//! waits on backoff), the retry quota, the `amz-sdk-*` headers, the idempotency token, DynamoDB's
//! CRC32, clock skew, and the attempt and operation timeouts.

use base64::Engine as _;
use rboto::error::{RawModeled, ServiceError};
use rboto::http::HttpSettings;
use rboto::retry::{self, RetryHooks, RetryKind, RetryMode, Sleep};
use rboto::{Config, Credentials, Error, ErrorKind, ServiceClient};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---- a scripted HTTP/1.1 server ----

#[derive(Clone, Debug)]
enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, answer nothing for this long, then close.
    Stall(Duration),
    /// Read the request, then reset the connection.
    Reset,
}

fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn ddb_ok(body: &str) -> Reply {
    let crc = crc32fast::hash(body.as_bytes()).to_string();
    reply(
        200,
        &[
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-crc32", &crc),
        ],
        body,
    )
}

fn ddb_error(status: u16, code: &str) -> Reply {
    reply(
        status,
        &[("content-type", "application/x-amz-json-1.0")],
        &format!(
            r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{code}","message":"{code} injected"}}"#
        ),
    )
}

#[derive(Clone, Debug)]
struct Recorded {
    head: String,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

#[derive(Clone)]
struct Scripted {
    endpoint: String,
    /// Replies in order; the last one repeats.
    script: Arc<Mutex<Vec<Reply>>>,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Scripted {
    async fn start(script: Vec<Reply>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let s = Scripted {
            endpoint: format!("http://127.0.0.1:{port}"),
            script: Arc::new(Mutex::new(script)),
            requests: Arc::default(),
        };
        let server = s.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(server.clone().serve(conn));
            }
        });
        s
    }

    fn set_script(&self, script: Vec<Reply>) {
        *self.script.lock().unwrap() = script;
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    fn next_reply(&self) -> Reply {
        let mut script = self.script.lock().unwrap();
        if script.len() > 1 {
            script.remove(0)
        } else {
            script[0].clone()
        }
    }

    async fn serve(self, mut conn: TcpStream) {
        while let Some((head, body)) = read_request(&mut conn).await {
            self.requests.lock().unwrap().push(Recorded { head, body });
            match self.next_reply() {
                Reply::Respond {
                    status,
                    headers,
                    body,
                } => {
                    let mut out =
                        format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                    for (k, v) in headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let mut bytes = out.into_bytes();
                    bytes.extend_from_slice(&body);
                    if conn.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                Reply::Stall(d) => {
                    tokio::time::sleep(d).await;
                    return;
                }
                Reply::Reset => {
                    // Linger 0 makes the close a reset (and does not block).
                    #[allow(deprecated)]
                    let _ = conn.set_linger(Some(Duration::ZERO));
                    return;
                }
            }
        }
    }
}

async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

// ---- clients with an observable sleeper ----

/// Records every requested sleep and returns at once.
#[derive(Clone, Debug, Default)]
struct Recorder(Arc<Mutex<Vec<Duration>>>);

impl Sleep for Recorder {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

impl Recorder {
    fn ms(&self) -> Vec<u128> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|d| d.as_millis())
            .collect()
    }
}

fn config(endpoint: &str, http: HttpSettings) -> rboto::ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .http(http)
}

fn quick_http() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        ..HttpSettings::default()
    }
}

/// A client of `service` whose backoff is recorded, with jitter fixed at `jitter`.
fn client(
    config: Config,
    service: &'static rboto::__private::schema::Service,
    jitter: f64,
) -> (ServiceClient, Recorder) {
    let rec = Recorder::default();
    let hooks = RetryHooks {
        sleep: Arc::new(rec.clone()),
        jitter: Arc::new(move || jitter),
    };
    (
        ServiceClient::new(&config, service).with_retry_hooks(hooks),
        rec,
    )
}

fn ddb(endpoint: &str, jitter: f64) -> (ServiceClient, Recorder) {
    client(
        config(endpoint, quick_http()).build(),
        rboto_dynamodb::schema::SERVICE.get(),
        jitter,
    )
}

async fn list_tables(
    c: &ServiceClient,
) -> Result<rboto_dynamodb::output::ListTablesOutput, rboto_dynamodb::Error> {
    c.send_input(rboto_dynamodb::input::ListTablesInput::default())
        .await
}

// ---- the tests ----

#[tokio::test]
async fn transient_errors_are_retried_with_one_invocation_id_and_the_same_body() {
    use rboto_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
    let server = Scripted::start(vec![
        ddb_error(503, "ServiceUnavailable"),
        reply(500, &[("date", "Sun, 25 Jan 2015 08:00:00 GMT")], ""),
        ddb_ok("{}"),
    ])
    .await;
    let (c, sleeps) = ddb(&server.endpoint, 1.0);
    let item = HashMap::from([("k".to_string(), AttributeValue::default().s("v"))]);
    c.send_input(
        rboto_dynamodb::input::TransactWriteItemsInput::default().transact_items(vec![
            TransactWriteItem::default().put(Put::default().table_name("t").item(item)),
        ]),
    )
    .await
    .expect("succeeds on the third attempt");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    // The idempotency token was generated once: every attempt sent the same bytes.
    let body = String::from_utf8(reqs[0].body.clone()).unwrap();
    assert!(body.contains("\"ClientRequestToken\":\""), "{body}");
    assert!(reqs.iter().all(|r| r.body == reqs[0].body));
    // One invocation id (a v4 UUID) for the call; attempt numbers count up; max is DynamoDB's 4.
    let id = reqs[0].header("amz-sdk-invocation-id").unwrap();
    assert_eq!(id.len(), 36);
    assert!(reqs
        .iter()
        .all(|r| r.header("amz-sdk-invocation-id") == Some(id)));
    assert_eq!(reqs[0].header("amz-sdk-request"), Some("attempt=1; max=4"));
    assert_eq!(reqs[1].header("amz-sdk-request"), Some("attempt=2; max=4"));
    // The second response had a Date: the third attempt carries botocore's ttl.
    let third = reqs[2].header("amz-sdk-request").unwrap();
    assert!(
        third.starts_with("ttl=") && third.ends_with("; attempt=3; max=4"),
        "{third}"
    );
    // Each attempt is signed, and the headers are signed too.
    for r in &reqs {
        let auth = r.header("authorization").unwrap();
        assert!(
            auth.contains("amz-sdk-invocation-id;amz-sdk-request"),
            "{auth}"
        );
    }
    // DynamoDB's non-throttling base is 25 ms: rand(=1) × 25 ms × 2^(n-1).
    assert_eq!(sleeps.ms(), [25, 50]);
    let stats = c.retry_stats();
    assert_eq!((stats.calls, stats.attempts, stats.retries), (1, 3, 2));
    // Two retries took 14 each; the success refunded the last one.
    assert_eq!(stats.quota_available, 500 - 14 - 14 + 14);
}

#[tokio::test]
async fn throttling_uses_the_one_second_base_and_the_cheaper_quota_cost() {
    let server = Scripted::start(vec![
        ddb_error(400, "ThrottlingException"),
        ddb_error(400, "ProvisionedThroughputExceededException"),
        reply(429, &[], ""),
        ddb_ok(r#"{"TableNames":["a"]}"#),
    ])
    .await;
    let (c, sleeps) = ddb(&server.endpoint, 1.0);
    let out = list_tables(&c).await.expect("fourth attempt succeeds");
    assert_eq!(out.table_names.unwrap(), ["a"]);
    assert_eq!(sleeps.ms(), [1000, 2000, 4000]);
    assert_eq!(c.retry_stats().quota_available, 500 - 5 * 3 + 5);
}

#[tokio::test]
async fn retry_after_raises_the_delay_up_to_five_seconds_more() {
    let server = Scripted::start(vec![
        reply(503, &[("x-amz-retry-after", "3000")], ""),
        reply(503, &[("x-amz-retry-after", "60000")], ""),
        ddb_ok("{}"),
    ])
    .await;
    let (c, sleeps) = ddb(&server.endpoint, 0.5);
    list_tables(&c).await.unwrap();
    // t_1 = 0.5 × 25 ms = 12.5 ms → raised to 3 s; t_2 = 25 ms → capped at 5.025 s.
    assert_eq!(sleeps.ms(), [3000, 5025]);
}

#[tokio::test]
async fn non_retryable_errors_fail_at_once_naming_operation_and_host() {
    let server = Scripted::start(vec![ddb_error(400, "ValidationException")]).await;
    let (c, sleeps) = ddb(&server.endpoint, 1.0);
    let err = list_tables(&c).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(sleeps.ms().is_empty());
    assert_eq!(err.code(), Some("ValidationException"));
    assert!(!err.is_retryable() && !err.is_throttling());
    assert_eq!(err.operation(), Some("ListTables"));
    assert!(err.host().unwrap().starts_with("127.0.0.1:"));
    assert!(
        err.to_string()
            .contains("when calling the ListTables operation: "),
        "{err}"
    );
    let outcome = err.retry_outcome().expect("the classifier's verdict");
    assert_eq!((outcome.retries, outcome.max_attempts_reached), (0, false));
    assert!(
        outcome.reason.contains("ValidationException"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn exhausted_attempts_return_the_last_error_marked_by_the_classifier() {
    let server = Scripted::start(vec![ddb_error(500, "InternalServerError")]).await;
    let (c, sleeps) = ddb(&server.endpoint, 1.0);
    let err = list_tables(&c).await.unwrap_err();
    assert_eq!(server.requests().len(), 4, "DynamoDB: 4 attempts");
    assert_eq!(sleeps.ms(), [25, 50, 100]);
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable() && !err.is_throttling());
    // botocore's ClientError wording when attempts run out.
    assert!(
        err.to_string().starts_with(
            "An error occurred (InternalServerError) when calling the ListTables operation \
             (reached max retries: 3): "
        ),
        "{err}"
    );
    let outcome = err.retry_outcome().unwrap();
    assert_eq!((outcome.retries, outcome.max_attempts_reached), (3, true));
    assert!(!outcome.reason.is_empty());

    // A 429 matching no modeled error is throttling.
    let server = Scripted::start(vec![ddb_error(429, "SomethingUnmodeled")]).await;
    let (c, _) = ddb(&server.endpoint, 1.0);
    let err = list_tables(&c).await.unwrap_err();
    assert!(err.is_retryable() && err.is_throttling());
}

#[tokio::test]
async fn max_attempts_and_legacy_mode_come_from_the_config() {
    let server = Scripted::start(vec![reply(503, &[], "")]).await;
    let svc = rboto_dynamodb::schema::SERVICE.get();
    let (c, _) = client(
        config(&server.endpoint, quick_http())
            .max_attempts(2)
            .build(),
        svc,
        1.0,
    );
    assert_eq!(c.retry_config().max_attempts, 2);
    list_tables(&c).await.unwrap_err();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        server.requests()[1].header("amz-sdk-request"),
        Some("attempt=2; max=2")
    );

    // Legacy: DynamoDB's 10 attempts, 50 ms × 2^n, and no retry quota.
    let server = Scripted::start(vec![reply(503, &[], "")]).await;
    let (c, sleeps) = client(
        config(&server.endpoint, quick_http())
            .retry_mode(RetryMode::Legacy)
            .build(),
        svc,
        1.0,
    );
    list_tables(&c).await.unwrap_err();
    assert_eq!(server.requests().len(), 10);
    assert_eq!(&sleeps.ms()[..4], [50, 100, 200, 400]);
    assert_eq!(c.retry_stats().quota_available, 500);

    // The environment and profile are read by `Config` (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).
    let env = rboto::config::Env::from_map(HashMap::from([
        ("AWS_MAX_ATTEMPTS".to_string(), "7".to_string()),
        ("AWS_RETRY_MODE".to_string(), "adaptive".to_string()),
        (
            "AWS_CONFIG_FILE".to_string(),
            "/nonexistent/config".to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_string(),
            "/nonexistent/credentials".to_string(),
        ),
    ]));
    let loaded = Config::loader().env(env).load_sync().expect("config loads");
    let c = ServiceClient::new(&loaded, rboto_sqs::schema::SERVICE.get());
    assert_eq!(
        c.retry_config(),
        retry::RetryConfig {
            mode: RetryMode::Adaptive,
            max_attempts: 7
        }
    );
}

#[tokio::test]
async fn the_retry_quota_stops_retries_and_successes_refill_it() {
    let server = Scripted::start(vec![reply(500, &[], "")]).await;
    let (c, _) = ddb(&server.endpoint, 0.0);
    // 3 retries × 14 per call: 11 calls take 462 tokens, the 12th can pay for 2 more retries.
    for _ in 0..12 {
        list_tables(&c).await.unwrap_err();
    }
    let stats = c.retry_stats();
    assert_eq!(stats.quota_available, 500 - 14 * 35);
    assert_eq!(stats.quota_refused, 1);
    assert_eq!(stats.retries, 35);
    // From now on every call is a single attempt.
    let before = server.requests().len();
    let err = list_tables(&c).await.unwrap_err();
    assert!(err.is_retryable(), "the error is still marked retryable");
    assert_eq!(server.requests().len(), before + 1);
    assert_eq!(c.retry_stats().quota_refused, 2);
    // Successes without retries give back one token each.
    server.set_script(vec![ddb_ok("{}")]);
    for _ in 0..4 {
        list_tables(&c).await.unwrap();
    }
    assert_eq!(c.retry_stats().quota_available, 10 + 4);
    // 14 tokens: one non-throttling retry is affordable again.
    server.set_script(vec![reply(500, &[], ""), ddb_ok("{}")]);
    list_tables(&c).await.unwrap();
    assert_eq!(c.retry_stats().quota_available, 14, "took 14, refunded 14");
}

#[tokio::test]
async fn a_damaged_dynamodb_response_is_retried_and_never_returned() {
    let good = r#"{"TableNames":["t"]}"#;
    let bad = reply(
        200,
        &[
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-crc32", "12345"),
        ],
        good,
    );
    let server = Scripted::start(vec![bad.clone(), ddb_ok(good)]).await;
    let (c, _) = ddb(&server.endpoint, 1.0);
    let out = list_tables(&c).await.unwrap();
    assert_eq!(out.table_names.unwrap(), ["t"]);
    assert_eq!(server.requests().len(), 2);

    let server = Scripted::start(vec![bad]).await;
    let (c, _) = ddb(&server.endpoint, 1.0);
    let err = list_tables(&c).await.unwrap_err();
    assert_eq!(server.requests().len(), 4);
    assert_eq!(err.kind(), ErrorKind::ResponseParse);
    assert!(err.is_retryable());
    assert!(err.to_string().contains("x-amz-crc32"), "{err}");
}

#[tokio::test]
async fn resets_and_stalls_past_the_read_timeout_are_retried() {
    let server = Scripted::start(vec![
        Reply::Reset,
        Reply::Stall(Duration::from_secs(3)),
        ddb_ok("{}"),
    ])
    .await;
    let http = HttpSettings {
        read_timeout: Duration::from_millis(300),
        ..quick_http()
    };
    let (c, _) = client(
        config(&server.endpoint, http).build(),
        rboto_dynamodb::schema::SERVICE.get(),
        0.0,
    );
    list_tables(&c).await.expect("third attempt succeeds");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn the_attempt_timeout_retries_and_the_operation_timeout_gives_up() {
    let server = Scripted::start(vec![Reply::Stall(Duration::from_secs(3)), ddb_ok("{}")]).await;
    let http = HttpSettings {
        attempt_timeout: Some(Duration::from_millis(200)),
        ..quick_http()
    };
    let (c, _) = client(
        config(&server.endpoint, http).build(),
        rboto_dynamodb::schema::SERVICE.get(),
        0.0,
    );
    list_tables(&c).await.expect("second attempt succeeds");
    assert_eq!(server.requests().len(), 2);

    let server = Scripted::start(vec![Reply::Stall(Duration::from_secs(5))]).await;
    let http = HttpSettings {
        operation_timeout: Some(Duration::from_millis(300)),
        ..quick_http()
    };
    let c = ServiceClient::new(
        &config(&server.endpoint, http).build(),
        rboto_dynamodb::schema::SERVICE.get(),
    );
    let err = list_tables(&c).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(!err.is_retryable());
    let msg = err.to_string();
    assert!(msg.starts_with("ListTables on 127.0.0.1:"), "{msg}");
    assert!(msg.contains("300 ms operation timeout"), "{msg}");
}

#[tokio::test]
async fn a_clock_skew_error_corrects_the_offset_and_retries() {
    let ahead = std::time::SystemTime::now() + Duration::from_secs(3600);
    let secs = ahead
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let date = rboto::DateTime::from_secs(secs as i64).to_http_date();
    let server = Scripted::start(vec![
        reply(
            400,
            &[("date", &date), ("content-type", "application/x-amz-json-1.0")],
            r#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired"}"#,
        ),
        ddb_ok("{}"),
    ])
    .await;
    let (c, sleeps) = ddb(&server.endpoint, 1.0);
    list_tables(&c)
        .await
        .expect("retried after correcting the clock");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(sleeps.ms(), [0], "no backoff for a corrected clock");
    let offset = c.clock_offset_ms();
    assert!((offset - 3_600_000).abs() < 5_000, "{offset}");
    assert_eq!(c.retry_stats().clock_skew_corrections, 1);
    let signing = c
        .signing_time()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(signing.abs_diff(secs) < 5);
    // The retry went out re-signed at the server's time, not the local clock's: its
    // X-Amz-Date and the credential scope's date are an hour ahead of the first attempt's.
    let sent = server.requests();
    let amz_date_secs = |r: &Recorded| -> i64 {
        let d = r.header("x-amz-date").expect("X-Amz-Date");
        // `YYYYMMDDTHHMMSSZ` as ISO 8601 with separators.
        let iso = format!(
            "{}-{}-{}T{}:{}:{}Z",
            &d[0..4],
            &d[4..6],
            &d[6..8],
            &d[9..11],
            &d[11..13],
            &d[13..15]
        );
        rboto::DateTime::parse_iso8601(&iso).expect(d).secs()
    };
    let local = rboto::DateTime::now().secs();
    let (first, retried) = (amz_date_secs(&sent[0]), amz_date_secs(&sent[1]));
    assert!(
        first.abs_diff(local) < 5,
        "first attempt at {first}, now {local}"
    );
    assert!(
        retried.abs_diff(secs as i64) < 5,
        "retried attempt signed at {retried}, server time {secs}"
    );
    let scope_date = |r: &Recorded| -> String {
        let auth = r.header("authorization").expect("Authorization");
        let credential = auth.split("Credential=").nth(1).expect("a credential");
        credential
            .split('/')
            .nth(1)
            .expect("a scope date")
            .to_string()
    };
    let expected_scope = rboto::DateTime::from_secs(retried).to_amz_date()[..8].to_string();
    assert_eq!(scope_date(&sent[1]), expected_scope);

    // The same error without a skewed Date is a real signature problem: not retried.
    let server = Scripted::start(vec![reply(
        400,
        &[("content-type", "application/x-amz-json-1.0")],
        r#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"bad"}"#,
    )])
    .await;
    let (c, _) = ddb(&server.endpoint, 1.0);
    let err = list_tables(&c).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(!err.is_retryable());
    assert_eq!(c.clock_offset_ms(), 0);
}

#[tokio::test]
async fn sts_idp_communication_error_is_retried() {
    let server = Scripted::start(vec![
        reply(
            400,
            &[("content-type", "text/xml")],
            "<ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code>\
             <Message>try again</Message></Error><RequestId>r1</RequestId></ErrorResponse>",
        ),
        reply(
            200,
            &[("content-type", "text/xml")],
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn>\
             <UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>",
        ),
    ])
    .await;
    let (c, sleeps) = client(
        config(&server.endpoint, quick_http()).build(),
        rboto_sts::schema::SERVICE.get(),
        1.0,
    );
    let out = c
        .send_input(rboto_sts::input::GetCallerIdentityInput::default())
        .await
        .expect("retried");
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    assert_eq!(sleeps.ms(), [50]);
}

#[tokio::test]
async fn adaptive_mode_turns_the_rate_limiter_on_after_throttling() {
    let server = Scripted::start(vec![ddb_error(400, "ThrottlingException"), ddb_ok("{}")]).await;
    let (c, _) = client(
        config(&server.endpoint, quick_http())
            .retry_mode(RetryMode::Adaptive)
            .build(),
        rboto_dynamodb::schema::SERVICE.get(),
        0.0,
    );
    assert_eq!(c.adaptive_rate(), None, "off until throttled");
    list_tables(&c).await.unwrap();
    let rate = c.adaptive_rate().expect("on after a throttling error");
    assert!(rate >= retry::adaptive::TokenBucket::MIN_RATE, "{rate}");
}

// ---- the classifier on the real service models ----

fn service_error(code: &str, status: u16) -> Error<RawModeled> {
    Error::service(ServiceError {
        code: code.into(),
        message: None,
        request_id: None,
        status,
        modeled: None,
    })
}

fn verdict(
    svc: &'static rboto::__private::schema::Service,
    op: &'static rboto::__private::schema::Operation,
    e: &Error<RawModeled>,
) -> Option<RetryKind> {
    retry::classify(&retry::Attempt {
        service: svc,
        operation: op,
        error: e,
        crc32_mismatch: false,
        clock_skew_corrected: false,
    })
    .kind
}

#[test]
fn classification_follows_botocore_standard_mode() {
    let (svc, put) = (
        rboto_dynamodb::schema::SERVICE.get(),
        rboto_dynamodb::schema::SERVICE.operation("PutItem"),
    );
    let v = |code: &str, status: u16| verdict(svc, put, &service_error(code, status));
    use RetryKind::*;
    // Transient codes and statuses.
    assert_eq!(v("RequestTimeout", 400), Some(Transient));
    assert_eq!(v("Whatever", 502), Some(Transient));
    assert_eq!(v("Whatever", 504), Some(Transient));
    assert_eq!(v("Whatever", 501), None);
    // botocore's throttling codes, whatever the status.
    for code in retry::classify::THROTTLING_ERROR_CODES {
        assert_eq!(v(code, 400), Some(Throttling), "{code}");
    }
    // Modeled `retryable` (ReplicatedWriteConflictException is an error of PutItem).
    assert_eq!(v("ReplicatedWriteConflictException", 400), Some(Transient));
    // 429: throttling unless the code is a modeled error, which decides for itself.
    assert_eq!(v("NotInTheModel", 429), Some(Throttling));
    assert_eq!(v("", 429), Some(Throttling));
    assert_eq!(v("ResourceNotFoundException", 429), None);
    // Plain client errors.
    assert_eq!(v("ConditionalCheckFailedException", 400), None);
    assert_eq!(v("ValidationException", 400), None);

    // Transport errors.
    let t = |kind: ErrorKind| verdict(svc, put, &Error::new(kind, "x"));
    assert_eq!(t(ErrorKind::Connection), Some(Transient));
    assert_eq!(t(ErrorKind::ConnectTimeout), Some(Transient));
    assert_eq!(t(ErrorKind::ReadTimeout), Some(Transient));
    assert_eq!(t(ErrorKind::Timeout), Some(Transient));
    assert_eq!(t(ErrorKind::Tls), None);
    assert_eq!(t(ErrorKind::ResponseParse), None);
    assert_eq!(t(ErrorKind::NoCredentials), None);

    // STS's special case applies to STS only.
    let idp = service_error("IDPCommunicationError", 400);
    assert_eq!(
        verdict(
            rboto_sts::schema::SERVICE.get(),
            rboto_sts::schema::SERVICE.operation("AssumeRoleWithWebIdentity"),
            &idp
        ),
        Some(Transient)
    );
    assert_eq!(verdict(svc, put, &idp), None);
}

#[tokio::test]
async fn a_file_body_is_streamed_and_sent_whole_again_on_retry() {
    let dir = rboto_tests::scratch::ScratchDir::new("rboto-retries", "file-body", &[]).unwrap();
    let path = dir.join("upload.bin");
    // Several read chunks, not a multiple of the chunk size.
    let data: Vec<u8> = (0..200_001u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let server = Scripted::start(vec![
        reply(500, &[], ""),
        reply(200, &[("etag", "\"abc\"")], ""),
    ])
    .await;
    let (c, _sleeps) = client(
        config(&server.endpoint, quick_http()).build(),
        rboto_s3::schema::SERVICE.get(),
        0.0,
    );
    let body = rboto::Body::from_path(&path).await.expect("open");
    assert_eq!(body.content_length(), Some(data.len() as u64));
    let out = c
        .send_input(
            rboto_s3::input::PutObjectInput::default()
                .bucket("b")
                .key("k")
                .body(body),
        )
        .await
        .expect("succeeds on the second attempt");
    assert_eq!(out.e_tag.as_deref(), Some("\"abc\""));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.header("content-length"), Some("200001"));
        assert!(r.body == data, "a retry sent {} bytes", r.body.len());
        // Over plain HTTP botocore reads a file ahead for its checksum and signs the payload
        // (over HTTPS it would be sent aws-chunked with a trailer): so does rboto, and the
        // retry carries the same header checksum.
        let payload_hash = r.header("x-amz-content-sha256").unwrap();
        assert!(
            payload_hash.len() == 64 && payload_hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{payload_hash}"
        );
        let crc =
            base64::engine::general_purpose::STANDARD.encode(crc32fast::hash(&data).to_be_bytes());
        assert_eq!(r.header("x-amz-checksum-crc32"), Some(crc.as_str()));
    }
    assert_eq!(
        reqs[0].header("x-amz-content-sha256"),
        reqs[1].header("x-amz-content-sha256")
    );

    let missing = rboto::Body::from_path(dir.join("missing.bin")).await;
    assert_eq!(
        missing.expect_err("no such file").kind(),
        std::io::ErrorKind::NotFound
    );
}
