//! botocore's `defaults_mode`: each mode's values from `sdk-default-configuration.json` fill
//! only the settings left unset; `auto` picks in-region or cross-region from where the code
//! runs (execution environment, else the instance-metadata region), else standard.

use rboto::config::{DefaultsMode, Env, RetryMode};
use rboto::{Config, Credentials, ErrorKind};
use rboto_tests::loopback::KeepAliveServer;
use rboto_tests::stub::{StubConnector, StubResponse};
use std::collections::HashMap;
use std::time::Duration;

/// A config loaded from `vars` only (no shared files, IMDS off unless `vars` turns it on).
fn load(vars: &[(&str, &str)]) -> Result<Config, rboto::Error> {
    let mut map: HashMap<String, String> = HashMap::from([
        ("AWS_CONFIG_FILE".into(), "/nonexistent/rboto/config".into()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            "/nonexistent/rboto/credentials".into(),
        ),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ]);
    for (k, v) in vars {
        map.insert(k.to_string(), v.to_string());
    }
    Config::loader().env(Env::from_map(map)).load_sync()
}

/// (mode, retry mode, STS regional, S3 us-east-1 regional, connect timeout).
fn values(c: &Config) -> (DefaultsMode, RetryMode, bool, Option<bool>, Duration) {
    (
        c.defaults_mode(),
        c.retry_mode(),
        c.sts_regional_endpoints(),
        c.s3_us_east_1_regional_endpoint(),
        c.connect_timeout(),
    )
}

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn each_mode_supplies_its_values() {
    use DefaultsMode::*;
    let legacy = (Legacy, RetryMode::Standard, true, None, ms(60_000));
    assert_eq!(values(&load(&[]).unwrap()), legacy);
    for (name, mode, timeout) in [
        ("legacy", Legacy, ms(60_000)),
        ("standard", Standard, ms(3_100)),
        ("in-region", InRegion, ms(1_100)),
        ("cross-region", CrossRegion, ms(3_100)),
        ("mobile", Mobile, ms(30_000)),
        ("Mobile", Mobile, ms(30_000)),
    ] {
        let c = load(&[("AWS_DEFAULTS_MODE", name)]).unwrap();
        let expected = if mode == Legacy {
            legacy
        } else {
            (mode, RetryMode::Standard, true, Some(true), timeout)
        };
        assert_eq!(values(&c), expected, "{name}");
    }
}

#[test]
fn an_explicit_setting_wins_over_the_mode() {
    let vars = [
        ("AWS_DEFAULTS_MODE", "mobile"),
        ("AWS_RETRY_MODE", "adaptive"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
        ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy"),
    ];
    let c = load(&vars).unwrap();
    assert_eq!(
        values(&c),
        (
            DefaultsMode::Mobile,
            RetryMode::Adaptive,
            false,
            Some(false),
            ms(30_000)
        )
    );
    let coded = c.to_builder().connect_timeout(ms(250)).build();
    assert_eq!(coded.connect_timeout(), ms(250));
    assert_eq!(coded.http().connect_timeout, ms(250));
    // The mode in code wins over the environment's.
    let standard = c.to_builder().defaults_mode(DefaultsMode::Standard).build();
    assert_eq!(standard.defaults_mode(), DefaultsMode::Standard);
    assert_eq!(standard.connect_timeout(), ms(3_100));
    let legacy = c.to_builder().defaults_mode(DefaultsMode::Legacy).build();
    assert_eq!(legacy.connect_timeout(), ms(60_000));
}

#[test]
fn an_invalid_mode_fails_the_load() {
    let err = load(&[("AWS_DEFAULTS_MODE", "turbo")]).expect_err("invalid");
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let shown = err.to_string();
    assert!(shown.contains("AWS_DEFAULTS_MODE"), "{shown}");
    assert!(shown.contains("\"turbo\""), "{shown}");
    assert!(shown.contains("in-region"), "{shown}");
}

#[test]
fn auto_compares_the_client_region_with_the_execution_environments() {
    let exec = [
        ("AWS_DEFAULTS_MODE", "auto"),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_rust"),
        ("AWS_REGION", "us-west-2"),
    ];
    let c = load(&exec).unwrap();
    assert_eq!(c.defaults_mode(), DefaultsMode::InRegion);
    assert_eq!(c.connect_timeout(), ms(1_100));
    let elsewhere = c.to_builder().region("eu-west-1").build();
    assert_eq!(elsewhere.defaults_mode(), DefaultsMode::CrossRegion);
    assert_eq!(elsewhere.connect_timeout(), ms(3_100));
    // Without an execution environment the region variable says nothing about where the
    // code runs; with IMDS off, auto is standard.
    let c = load(&[("AWS_DEFAULTS_MODE", "auto"), ("AWS_REGION", "us-west-2")]).unwrap();
    assert_eq!(c.defaults_mode(), DefaultsMode::Standard);
}

#[tokio::test]
async fn auto_asks_the_instance_metadata_service_for_the_region() {
    // Answers the token request and the availability-zone request alike.
    let imds = KeepAliveServer::start("text/plain", "eu-central-1b", Duration::ZERO).await;
    let vars = |region: &str| {
        Env::from_map(HashMap::from([
            ("AWS_CONFIG_FILE".to_string(), "/nonexistent/c".to_string()),
            ("AWS_DEFAULTS_MODE".to_string(), "auto".to_string()),
            ("AWS_REGION".to_string(), region.to_string()),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT".to_string(),
                imds.url.clone(),
            ),
        ]))
    };
    let same = Config::loader()
        .env(vars("eu-central-1"))
        .load()
        .await
        .unwrap();
    assert_eq!(same.defaults_mode(), DefaultsMode::InRegion);
    let other = Config::loader()
        .env(vars("us-east-1"))
        .load()
        .await
        .unwrap();
    assert_eq!(other.defaults_mode(), DefaultsMode::CrossRegion);
    assert!(imds.connections() >= 2, "IMDS was asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_without_an_executor_asks_imds_on_its_own_thread() {
    let imds = KeepAliveServer::start("text/plain", "ap-south-1a", Duration::ZERO).await;
    let url = imds.url.clone();
    let c = Config::from_env(&|k| match k {
        "AWS_DEFAULTS_MODE" => Some("auto".into()),
        "AWS_REGION" => Some("ap-south-1".into()),
        "AWS_CONFIG_FILE" => Some("/nonexistent/c".into()),
        "AWS_EC2_METADATA_SERVICE_ENDPOINT" => Some(url.clone()),
        _ => None,
    })
    .unwrap();
    assert_eq!(c.defaults_mode(), DefaultsMode::InRegion);
}

#[tokio::test]
async fn a_non_legacy_mode_sends_s3_in_us_east_1_to_the_regional_endpoint() {
    let stub = StubConnector::new();
    stub.fallback(StubResponse::new(200, vec![], ""));
    let url = |config: Config| {
        let stub = stub.clone();
        async move {
            let config = config
                .to_builder()
                .region("us-east-1")
                .credentials(Credentials::new("AKID", "SECRET", None))
                .max_attempts(1)
                .connector(stub.clone())
                .build();
            let _ = rboto_s3::Client::new(&config)
                .get_object()
                .bucket("photos")
                .key("cat.jpg")
                .send()
                .await;
            stub.requests().pop().expect("a request").uri.to_string()
        }
    };
    assert_eq!(
        url(load(&[]).unwrap()).await,
        "https://photos.s3.amazonaws.com/cat.jpg"
    );
    assert_eq!(
        url(load(&[("AWS_DEFAULTS_MODE", "standard")]).unwrap()).await,
        "https://photos.s3.us-east-1.amazonaws.com/cat.jpg"
    );
    let explicit = [
        ("AWS_DEFAULTS_MODE", "standard"),
        ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy"),
    ];
    assert_eq!(
        url(load(&explicit).unwrap()).await,
        "https://photos.s3.amazonaws.com/cat.jpg"
    );
}
