//! botocore `Config` options that change what a client sends, each checked on the request a
//! stub connector captures: the `User-Agent` (`user_agent`, `user_agent_extra`,
//! `user_agent_appid` / `AWS_SDK_UA_APP_ID`), `parameter_validation`, `inject_host_prefix` /
//! `AWS_DISABLE_HOST_PREFIX_INJECTION`, request compression set in code, the S3 settings the
//! endpoint rules read, and the connection pool's size (`max_pool_connections`).

use rboto::http::HttpSettings;
use rboto::{Config, ConfigBuilder, Credentials, ErrorKind};
use rboto_tests::loopback::KeepAliveServer;
use rboto_tests::stub::{CapturedRequest, StubConnector, StubResponse};
use std::collections::HashMap;
use std::time::Duration;

/// A builder with credentials, one attempt, the stub, and the given environment only.
fn builder(stub: &StubConnector, env: &[(&str, &str)]) -> ConfigBuilder {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_env(&|k| env.get(k).cloned())
        .unwrap()
        .to_builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .max_attempts(1)
        .connector(stub.clone())
}

/// A stub that answers everything with an empty 200 JSON response.
fn stub() -> StubConnector {
    let stub = StubConnector::new();
    stub.fallback(StubResponse::new(
        200,
        vec![("content-type".into(), "application/x-amz-json-1.0".into())],
        "{}",
    ));
    stub
}

async fn list_tables(config: &Config, stub: &StubConnector) -> CapturedRequest {
    let _ = rboto_dynamodb::Client::new(config)
        .list_tables()
        .send()
        .await;
    stub.requests().pop().expect("a request")
}

#[tokio::test]
async fn the_user_agent_names_the_app_and_carries_the_extra() {
    let stub = stub();
    let config = builder(&stub, &[])
        .user_agent_appid("inventory")
        .user_agent_extra("MyFramework/3.1")
        .build();
    let sent = list_tables(&config, &stub).await;
    let ua = sent.header("user-agent").unwrap();
    assert!(ua.starts_with("rboto/") && ua.contains(" ua/2.1 "), "{ua}");
    assert!(ua.contains(" cfg/retry-mode#standard "), "{ua}");
    assert!(ua.ends_with(" app/inventory MyFramework/3.1"), "{ua}");

    let stub = self::stub();
    let config = builder(&stub, &[("AWS_SDK_UA_APP_ID", "from-env")]).build();
    let ua = list_tables(&config, &stub).await;
    assert!(
        ua.header("user-agent").unwrap().ends_with(" app/from-env"),
        "{:?}",
        ua.header("user-agent")
    );

    let stub = self::stub();
    let config = builder(&stub, &[]).user_agent("Custom/1.0").build();
    let sent = list_tables(&config, &stub).await;
    assert_eq!(sent.header("user-agent"), Some("Custom/1.0"));
}

#[tokio::test]
async fn parameter_validation_off_sends_what_the_caller_built() {
    let stub = stub();
    let on = builder(&stub, &[]).build();
    let err = rboto_dynamodb::Client::new(&on)
        .get_item()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParamValidation);
    assert!(stub.requests().is_empty());

    let off = builder(&stub, &[]).parameter_validation(false).build();
    let _ = rboto_dynamodb::Client::new(&off).get_item().send().await;
    let sent = stub.only_request();
    assert_eq!(
        sent.header("x-amz-target"),
        Some("DynamoDB_20120810.GetItem")
    );
    assert_eq!(sent.body, b"{}");
}

async fn put_everything_host(config: &Config, stub: &StubConnector) -> String {
    let before = stub.requests().len();
    let result = rboto_kitchen_sink::Client::new(config)
        .put_everything()
        .name("shelf")
        .send()
        .await;
    assert_eq!(stub.requests().len(), before + 1, "{result:?}");
    let sent = stub.requests().pop().expect("a request");
    sent.uri.host().unwrap().to_string()
}

#[tokio::test]
async fn host_prefixes_can_be_turned_off_in_code_or_by_environment() {
    let stub = stub();
    let host = put_everything_host(&builder(&stub, &[]).build(), &stub).await;
    assert_eq!(host, "shelf-data.kitchen.us-east-1.amazonaws.com");

    let off = builder(&stub, &[]).inject_host_prefix(false).build();
    assert_eq!(
        put_everything_host(&off, &stub).await,
        "kitchen.us-east-1.amazonaws.com"
    );

    let env_off = builder(&stub, &[("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")]).build();
    assert_eq!(
        put_everything_host(&env_off, &stub).await,
        "kitchen.us-east-1.amazonaws.com"
    );
}

async fn put_metric_data(config: &Config, stub: &StubConnector) -> CapturedRequest {
    let _ = rboto_cloudwatch::Client::new(config)
        .put_metric_data()
        .namespace("App")
        .metric_data(vec![rboto_cloudwatch::types::MetricDatum::default()
            .metric_name("latency")
            .value(1.5)])
        .send()
        .await;
    stub.requests().pop().expect("a request")
}

#[tokio::test]
async fn request_compression_is_set_in_code() {
    let stub = stub();
    // The body is far below botocore's 10,240-byte default: sent as it is.
    let default = put_metric_data(&builder(&stub, &[]).build(), &stub).await;
    assert_eq!(default.header("content-encoding"), None);

    let small = builder(&stub, &[])
        .request_min_compression_size_bytes(0)
        .build();
    let sent = put_metric_data(&small, &stub).await;
    assert_eq!(sent.header("content-encoding"), Some("gzip"));
    assert_eq!(&sent.body[..2], [0x1f, 0x8b], "a gzip stream");

    let disabled = builder(&stub, &[])
        .request_min_compression_size_bytes(0)
        .disable_request_compression(true)
        .build();
    let sent = put_metric_data(&disabled, &stub).await;
    assert_eq!(sent.header("content-encoding"), None);
}

/// Where an S3 `GetObject` of `bucket/key` goes with `config`.
async fn get_object_url(config: &Config, stub: &StubConnector) -> String {
    let _ = rboto_s3::Client::new(config)
        .get_object()
        .bucket("photos")
        .key("cat.jpg")
        .send()
        .await;
    stub.requests().pop().expect("a request").uri.to_string()
}

#[tokio::test]
async fn s3_settings_reach_the_endpoint_rules() {
    let stub = stub();
    let url = get_object_url(&builder(&stub, &[]).build(), &stub).await;
    assert_eq!(url, "https://photos.s3.amazonaws.com/cat.jpg");

    let accelerated = builder(&stub, &[]).s3_use_accelerate_endpoint(true).build();
    assert_eq!(
        get_object_url(&accelerated, &stub).await,
        "https://photos.s3-accelerate.amazonaws.com/cat.jpg"
    );

    let regional = builder(&stub, &[])
        .s3_us_east_1_regional_endpoint(true)
        .build();
    assert_eq!(
        get_object_url(&regional, &stub).await,
        "https://photos.s3.us-east-1.amazonaws.com/cat.jpg"
    );

    // The profile's `s3 =` section, as botocore reads it.
    let home = rboto_tests::scratch::ScratchDir::new("rboto-settings", "s3", &[".aws"]).unwrap();
    std::fs::write(
        home.join(".aws").join("config"),
        "[default]\ns3 =\n  use_accelerate_endpoint = true\n",
    )
    .unwrap();
    let from_profile = builder(&stub, &[("HOME", &home.display().to_string())]).build();
    assert_eq!(
        get_object_url(&from_profile, &stub).await,
        "https://photos.s3-accelerate.amazonaws.com/cat.jpg"
    );
}

/// Two rounds of `calls` concurrent calls with these HTTP settings against a server that
/// answers after 200 ms: the connections it accepted, each round's time, and every result.
async fn two_rounds(
    http: HttpSettings,
    calls: usize,
) -> (usize, Vec<Duration>, Vec<Result<(), rboto::Error>>) {
    let server = KeepAliveServer::start(
        "application/x-amz-json-1.0",
        "{}",
        Duration::from_millis(200),
    )
    .await;
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .endpoint_url(server.url.clone())
        .max_attempts(1)
        .http(http)
        .build();
    let ddb = rboto_dynamodb::Client::new(&config);
    let mut rounds = Vec::new();
    let mut results = Vec::new();
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let round = (0..calls).map(|_| {
            let ddb = ddb.clone();
            async move {
                ddb.list_tables()
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| e.map_modeled(|_| None))
            }
        });
        results.extend(futures_join(round).await);
        rounds.push(started.elapsed());
    }
    (server.connections(), rounds, results)
}

/// Connections opened for two rounds of three concurrent calls with `max_pool_connections`.
async fn connections_for_two_rounds(max_pool_connections: usize) -> usize {
    let http = HttpSettings {
        max_pool_connections,
        ..HttpSettings::default()
    };
    let (connections, _, results) = two_rounds(http, 3).await;
    for r in results {
        r.unwrap();
    }
    connections
}

/// Awaits every future, all running at once.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn max_pool_connections_caps_the_connections_to_a_host() {
    // Three calls at once fit under the default of 10: three connections, kept and reused by
    // the second round.
    assert_eq!(connections_for_two_rounds(10).await, 3);
    // With one, the calls take turns on a single connection instead of each opening its own.
    assert_eq!(connections_for_two_rounds(1).await, 1);
}

#[tokio::test]
async fn waiting_for_a_connection_does_not_count_against_the_read_timeout() {
    // One connection, four calls of 200 ms each: the last waits 600 ms for its turn, twice
    // the read timeout, and still succeeds, since its read timeout starts when it is sent.
    let http = HttpSettings {
        max_pool_connections: 1,
        read_timeout: Duration::from_millis(300),
        ..HttpSettings::default()
    };
    let (connections, rounds, results) = two_rounds(http, 4).await;
    for r in results {
        r.unwrap();
    }
    assert_eq!(connections, 1);
    for took in rounds {
        // They did take turns (four answers of 200 ms each, one at a time).
        assert!(took >= Duration::from_millis(790), "{took:?}");
    }
}

#[tokio::test]
async fn the_attempt_timeout_covers_the_wait_for_a_connection() {
    // One connection, three calls of 200 ms, a 300 ms attempt timeout: the first succeeds,
    // the third cannot get its turn in time and fails with a timeout, not a hang.
    let http = HttpSettings {
        max_pool_connections: 1,
        attempt_timeout: Some(Duration::from_millis(300)),
        ..HttpSettings::default()
    };
    let (_, _, results) = two_rounds(http, 3).await;
    assert!(results.iter().any(|r| r.is_ok()));
    let timed_out = results
        .iter()
        .filter(|r| r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Timeout))
        .count();
    assert!(timed_out >= 2, "{results:?}");
}

#[test]
fn tcp_keepalive_comes_from_the_environment() {
    let on =
        Config::from_env(&|k| (k == "BOTOCORE_TCP_KEEPALIVE").then(|| "true".to_string())).unwrap();
    assert!(on.http().tcp_keepalive);
    assert!(!Config::from_env(&|_| None).unwrap().http().tcp_keepalive);
}

#[tokio::test]
async fn endpoint_settings_are_read_once_per_client_not_per_call() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let reads = Arc::new(AtomicUsize::new(0));
    let counter = reads.clone();
    let env = rboto::config::Env::from_fn(move |key| {
        if key == "AWS_USE_FIPS_ENDPOINT" {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        None
    });
    let stub = stub();
    let config = Config::loader()
        .env(env)
        .load_sync()
        .unwrap()
        .to_builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build();
    let ddb = rboto_dynamodb::Client::new(&config);
    let after_client = reads.load(Ordering::SeqCst);
    for _ in 0..3 {
        ddb.list_tables().send().await.unwrap();
    }
    assert_eq!(reads.load(Ordering::SeqCst), after_client);
    assert_eq!(stub.requests().len(), 3);
}

async fn put_object(config: &Config, stub: &StubConnector, chosen: bool) -> CapturedRequest {
    let mut put = rboto_s3::Client::new(config)
        .put_object()
        .bucket("b")
        .key("k")
        .body(rboto::Body::from("hello"));
    if chosen {
        put = put.checksum_algorithm(rboto_s3::types::ChecksumAlgorithm::Sha256);
    }
    let _ = put.send().await;
    stub.requests().pop().expect("a request")
}

#[tokio::test]
async fn request_checksums_only_when_required_if_asked() {
    use rboto::config::ChecksumWhen;
    let stub = stub();
    let default = put_object(&builder(&stub, &[]).build(), &stub, false).await;
    assert!(default.header("x-amz-checksum-crc32").is_some());
    assert_eq!(
        default.header("x-amz-sdk-checksum-algorithm"),
        Some("CRC32")
    );

    let required = builder(&stub, &[])
        .request_checksum_calculation(ChecksumWhen::WhenRequired)
        .build();
    let sent = put_object(&required, &stub, false).await;
    assert_eq!(sent.header("x-amz-checksum-crc32"), None);
    assert_eq!(sent.header("x-amz-sdk-checksum-algorithm"), None);
    // A checksum the caller chose is still sent.
    let sent = put_object(&required, &stub, true).await;
    assert!(sent.header("x-amz-checksum-sha256").is_some());

    let from_env = builder(
        &stub,
        &[("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")],
    )
    .build();
    let sent = put_object(&from_env, &stub, false).await;
    assert_eq!(sent.header("x-amz-checksum-crc32"), None);

    let bad = Config::from_env(&|k| {
        (k == "AWS_RESPONSE_CHECKSUM_VALIDATION").then(|| "sometimes".to_string())
    })
    .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidConfig);
    assert!(
        bad.to_string().contains("AWS_RESPONSE_CHECKSUM_VALIDATION"),
        "{bad}"
    );
}

#[tokio::test]
async fn response_checksums_are_checked_only_when_asked_under_when_required() {
    use rboto::config::ChecksumWhen;
    // An object whose CRC32 header does not match its body.
    let server = KeepAliveServer::start_with_headers(
        &[("x-amz-checksum-crc32", "AAAAAA==")],
        "object body",
        Duration::ZERO,
    )
    .await;
    let get = |when: ChecksumWhen| {
        let config = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .endpoint_url(server.url.clone())
            .max_attempts(1)
            .response_checksum_validation(when)
            .build();
        async move {
            let out = rboto_s3::Client::new(&config)
                .get_object()
                .bucket("b")
                .key("k")
                .send()
                .await
                .unwrap();
            out.body.unwrap().collect().await.map(|b| b.len())
        }
    };
    let err = get(ChecksumWhen::WhenSupported).await.unwrap_err();
    assert!(err.checksum_mismatch().is_some(), "{err}");
    assert_eq!(
        get(ChecksumWhen::WhenRequired).await.unwrap(),
        11,
        "not checked"
    );
}
