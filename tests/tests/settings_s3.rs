//! S3's `payload_signing_enabled` and botocore's `client_context_params`, checked on the
//! request the pipeline sends (captured by a stub connector at the HTTPS endpoint the rules
//! chose), plus `sts_regional_endpoints = legacy` reaching the STS endpoint.

use rboto::config::Env;
use rboto::{Config, ConfigBuilder, Credentials, ErrorKind};
use rboto_tests::scratch::ScratchDir;
use rboto_tests::stub::{CapturedRequest, StubConnector, StubResponse};
use std::collections::HashMap;

/// SHA-256 of `hello`.
const HELLO_SHA256: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

fn stub() -> StubConnector {
    let stub = StubConnector::new();
    stub.fallback(StubResponse::new(200, vec![], ""));
    stub
}

/// `config` with credentials, us-east-1, one attempt and the stub.
fn with_stub(config: Config, stub: &StubConnector) -> ConfigBuilder {
    config
        .to_builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .max_attempts(1)
        .connector(stub.clone())
}

async fn put_hello(config: &Config, stub: &StubConnector) -> CapturedRequest {
    rboto_s3::Client::new(config)
        .put_object()
        .bucket("photos")
        .key("k")
        .body(rboto::Body::from("hello"))
        .send()
        .await
        .expect("stubbed 200");
    stub.requests().pop().expect("a request")
}

#[tokio::test]
async fn payload_signing_enabled_decides_the_signed_payload_hash_over_https() {
    let stub = stub();
    let sent = |on: Option<bool>| {
        let stub = stub.clone();
        async move {
            let mut b = with_stub(Config::builder().build(), &stub);
            if let Some(on) = on {
                b = b.s3_payload_signing_enabled(on);
            }
            put_hello(&b.build(), &stub).await
        }
    };
    let on = sent(Some(true)).await;
    assert!(on
        .uri
        .to_string()
        .starts_with("https://photos.s3.amazonaws.com/k"));
    assert_eq!(on.header("x-amz-content-sha256"), Some(HELLO_SHA256));
    let off = sent(Some(false)).await;
    assert_eq!(off.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    // Unset: a streaming upload with a checksum header over TLS is not signed, as botocore.
    let unset = sent(None).await;
    assert!(unset.header("x-amz-checksum-crc32").is_some());
    assert_eq!(
        unset.header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
}

#[tokio::test]
async fn payload_signing_enabled_comes_from_the_profile_s3_section() {
    let stub = stub();
    let dir = ScratchDir::new("rboto-settings", "payload", &[]).unwrap();
    let config_file = dir.join("config");
    std::fs::write(
        &config_file,
        "[default]\ns3 =\n  payload_signing_enabled = true\n",
    )
    .unwrap();
    let env = Env::from_map(HashMap::from([(
        "AWS_CONFIG_FILE".to_string(),
        config_file.display().to_string(),
    )]));
    let loaded = Config::loader().env(env).load().await.unwrap();
    assert_eq!(loaded.s3_payload_signing_enabled(), Some(true));
    let sent = put_hello(&with_stub(loaded.clone(), &stub).build(), &stub).await;
    assert_eq!(sent.header("x-amz-content-sha256"), Some(HELLO_SHA256));
    // Code wins over the profile.
    let coded = with_stub(loaded, &stub)
        .s3_payload_signing_enabled(false)
        .build();
    let sent = put_hello(&coded, &stub).await;
    assert_eq!(
        sent.header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
}

async fn get_object_url(
    config: &Config,
    stub: &StubConnector,
) -> Result<String, rboto::Error<rboto_s3::Exception>> {
    rboto_s3::Client::new(config)
        .get_object()
        .bucket("photos")
        .key("cat.jpg")
        .send()
        .await?;
    Ok(stub.requests().pop().expect("a request").uri.to_string())
}

#[tokio::test]
async fn client_context_params_reach_the_endpoint_rules() {
    let stub = stub();
    let base = || with_stub(Config::builder().build(), &stub);
    assert_eq!(
        get_object_url(&base().build(), &stub).await.unwrap(),
        "https://photos.s3.amazonaws.com/cat.jpg"
    );
    let path_style = base()
        .client_context_params([("force_path_style", true)])
        .build();
    assert_eq!(
        get_object_url(&path_style, &stub).await.unwrap(),
        "https://s3.amazonaws.com/photos/cat.jpg"
    );
    let accelerate = base().client_context_params([("accelerate", true)]).build();
    assert_eq!(
        get_object_url(&accelerate, &stub).await.unwrap(),
        "https://photos.s3-accelerate.amazonaws.com/cat.jpg"
    );
}

#[tokio::test]
async fn an_undeclared_client_context_param_is_an_error_naming_it() {
    let stub = stub();
    let typo = with_stub(Config::builder().build(), &stub)
        .client_context_params([("force_path_styel", true)])
        .build();
    let err = get_object_url(&typo, &stub).await.expect_err("undeclared");
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let shown = err.to_string();
    assert!(shown.contains("force_path_styel"), "{shown}");
    assert!(shown.contains("force_path_style"), "{shown}");
    let wrong_type = with_stub(Config::builder().build(), &stub)
        .client_context_params([("force_path_style", "yes")])
        .build();
    let err = get_object_url(&wrong_type, &stub).await.expect_err("type");
    assert!(err.to_string().contains("boolean"), "{err}");
    assert!(stub.requests().is_empty(), "nothing was sent");
}

async fn sts_host(vars: &[(&str, &str)], stub: &StubConnector) -> String {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("AWS_CONFIG_FILE".to_string(), "/nonexistent/c".to_string())])
        .collect();
    let config = Config::loader()
        .env(Env::from_map(map))
        .load()
        .await
        .unwrap();
    let config = with_stub(config, stub).region("us-west-2").build();
    let _ = rboto_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await;
    let uri = stub.requests().pop().expect("a request").uri;
    uri.host().unwrap_or_default().to_string()
}

#[tokio::test]
async fn sts_regional_endpoints_legacy_sends_sts_to_the_global_endpoint() {
    let stub = stub();
    assert_eq!(sts_host(&[], &stub).await, "sts.us-west-2.amazonaws.com");
    assert_eq!(
        sts_host(&[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")], &stub).await,
        "sts.amazonaws.com"
    );
    assert_eq!(
        sts_host(&[("AWS_STS_REGIONAL_ENDPOINTS", "regional")], &stub).await,
        "sts.us-west-2.amazonaws.com"
    );
}

async fn dynamodb_host(mode: Option<&str>, account: Option<&str>, stub: &StubConnector) -> String {
    let map: HashMap<String, String> = mode
        .map(|m| ("AWS_ACCOUNT_ID_ENDPOINT_MODE".to_string(), m.to_string()))
        .into_iter()
        .chain([("AWS_CONFIG_FILE".to_string(), "/nonexistent/c".to_string())])
        .collect();
    let config = Config::loader()
        .env(Env::from_map(map))
        .load()
        .await
        .unwrap();
    let creds =
        Credentials::new("AKID", "SECRET", None).with_account_id(account.map(str::to_string));
    let config = with_stub(config, stub).credentials(creds).build();
    let _ = rboto_dynamodb::Client::new(&config)
        .list_tables()
        .send()
        .await;
    let uri = stub.requests().pop().expect("a request").uri;
    uri.host().unwrap_or_default().to_string()
}

#[tokio::test]
async fn account_id_endpoint_mode_puts_the_credentials_account_in_the_host() {
    let stub = stub();
    let account = Some("123456789012");
    assert_eq!(
        dynamodb_host(None, account, &stub).await,
        "123456789012.ddb.us-east-1.amazonaws.com"
    );
    assert_eq!(
        dynamodb_host(Some("disabled"), account, &stub).await,
        "dynamodb.us-east-1.amazonaws.com"
    );
    assert_eq!(
        dynamodb_host(Some("preferred"), None, &stub).await,
        "dynamodb.us-east-1.amazonaws.com"
    );
    // `required` without an account in the credentials: the rules refuse, nothing is sent.
    let config = Config::loader()
        .env(Env::from_map(HashMap::from([
            (
                "AWS_ACCOUNT_ID_ENDPOINT_MODE".to_string(),
                "required".to_string(),
            ),
            ("AWS_CONFIG_FILE".to_string(), "/nonexistent/c".to_string()),
        ])))
        .load()
        .await
        .unwrap();
    let fresh = self::stub();
    let config = with_stub(config, &fresh).build();
    let err = rboto_dynamodb::Client::new(&config)
        .list_tables()
        .send()
        .await
        .expect_err("required");
    assert!(err.to_string().contains("AccountId"), "{err}");
    assert!(fresh.requests().is_empty());
}

#[tokio::test]
async fn over_plain_http_s3_signs_the_payload_unless_the_setting_is_off() {
    let stub = stub();
    let dir = ScratchDir::new("rboto-settings", "http-file", &[]).unwrap();
    let file = dir.join("hello.txt");
    std::fs::write(&file, "hello").unwrap();
    let sent = |on: Option<bool>| {
        let stub = stub.clone();
        let file = file.clone();
        async move {
            let mut b = with_stub(Config::builder().build(), &stub).endpoint_url("http://s3.local");
            if let Some(on) = on {
                b = b.s3_payload_signing_enabled(on);
            }
            rboto_s3::Client::new(&b.build())
                .put_object()
                .bucket("photos")
                .key("k")
                .body(rboto::Body::from_path(&file).await.unwrap())
                .send()
                .await
                .expect("stubbed 200");
            stub.requests().pop().expect("a request")
        }
    };
    // A file read ahead for its checksum header is hashed in the same pass and signed.
    let unset = sent(None).await;
    assert!(unset.uri.to_string().starts_with("http://"));
    assert_eq!(unset.header("x-amz-content-sha256"), Some(HELLO_SHA256));
    // botocore's S3 signer reads the setting before the scheme.
    let off = sent(Some(false)).await;
    assert_eq!(off.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
}
