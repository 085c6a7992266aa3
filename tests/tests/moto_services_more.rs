//! Lambda and Route53 (rest-json, rest-xml), CloudWatch (json, and query by override), SNS
//! (query), KMS, Secrets Manager and SSM (json) end to end against moto's server.
//!
//! SigV4 verification is on except where moto cannot check it: REST requests without a body to
//! non-S3 services (Lambda `ListFunctions`, Route53 `ListHostedZones`, Lambda `GetFunction`)
//! always fail moto's verification (`shared/MOTO.md`), so those run with it off.

use rboto::__private::schema::Protocol;
use rboto::{Config, ErrorKind};
use rboto_tests::moto::take_turn as session;

// ---------------------------------------------------------------------------------------------
// Lambda (rest-json)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn lambda_list_functions_and_a_missing_function() {
    let s = session();
    s.verification_off();
    let lambda = rboto_lambda::Client::new(&s.config());
    let listed = lambda
        .list_functions()
        .send()
        .await
        .expect("list_functions");
    assert_eq!(listed.functions.unwrap_or_default().len(), 0);
    assert_eq!(listed.next_marker, None);

    let err = lambda
        .get_function()
        .function_name("no-such-function")
        .send()
        .await
        .expect_err("function does not exist");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"), "{err}");
    assert_eq!(err.status(), Some(404));
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_lambda::Exception::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(
            "An error occurred (ResourceNotFoundException) when calling the GetFunction operation"
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Route53 (rest-xml)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn route53_create_and_list_hosted_zones() {
    let s = session();
    let r53 = rboto_route53::Client::new(&s.config());
    // Signed and verified: CreateHostedZone has an XML body.
    let created = r53
        .create_hosted_zone()
        .name("example.com")
        .caller_reference("rboto-test-1")
        .send()
        .await
        .expect("create_hosted_zone");
    let zone = created.hosted_zone.expect("hosted zone");
    let id = zone.id.clone().expect("zone id");
    assert!(id.starts_with("/hostedzone/"), "{id}");
    assert_eq!(zone.name.as_deref(), Some("example.com."));
    assert_eq!(zone.caller_reference.as_deref(), Some("rboto-test-1"));
    let location = created.location.expect("Location header");
    assert!(location.contains(id.trim_start_matches('/')), "{location}");
    let delegation = created.delegation_set.expect("delegation set");
    assert!(!delegation.name_servers.unwrap_or_default().is_empty());

    // ListHostedZones is a GET without a body: moto cannot verify it.
    s.verification_off();
    let listed = r53
        .list_hosted_zones()
        .send()
        .await
        .expect("list_hosted_zones");
    let zones = listed.hosted_zones.unwrap_or_default();
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert_eq!(zones[0].id.as_deref(), Some(id.as_str()));
    assert_eq!(zones[0].name.as_deref(), Some("example.com."));
    assert_eq!(listed.is_truncated, Some(false));
}

// ---------------------------------------------------------------------------------------------
// CloudWatch (json by default, query by override)
// ---------------------------------------------------------------------------------------------

async fn put_and_list_metrics(config: &Config, namespace: &str) {
    use rboto_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
    let cw = rboto_cloudwatch::Client::new(config);
    cw.put_metric_data()
        .namespace(namespace)
        .metric_data(vec![
            MetricDatum::default()
                .metric_name("Latency")
                .value(12.5)
                .unit(StandardUnit::Milliseconds)
                .dimensions(vec![Dimension::default().name("Api").value("GetThing")]),
            MetricDatum::default()
                .metric_name("Requests")
                .value(3.0)
                .unit(StandardUnit::Count),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("put_metric_data ({namespace}): {e}"));

    let listed = cw
        .list_metrics()
        .namespace(namespace)
        .send()
        .await
        .unwrap_or_else(|e| panic!("list_metrics ({namespace}): {e}"));
    let metrics = listed.metrics.unwrap_or_default();
    let mut names: Vec<String> = metrics
        .iter()
        .filter_map(|m| m.metric_name.clone())
        .collect();
    names.sort();
    assert_eq!(names, ["Latency", "Requests"], "{metrics:?}");
    let latency = metrics
        .iter()
        .find(|m| m.metric_name.as_deref() == Some("Latency"))
        .expect("Latency");
    assert_eq!(latency.namespace.as_deref(), Some(namespace));
    let dims = latency.dimensions.clone().unwrap_or_default();
    assert_eq!(dims.len(), 1);
    assert_eq!(dims[0].name.as_deref(), Some("Api"));
    assert_eq!(dims[0].value.as_deref(), Some("GetThing"));
}

#[tokio::test]
async fn cloudwatch_put_and_list_metrics_over_json() {
    let s = session();
    put_and_list_metrics(&s.config(), "Rboto/Json").await;
}

#[tokio::test]
async fn cloudwatch_put_and_list_metrics_over_query_by_override() {
    let s = session();
    let config = s.builder().protocol(Protocol::Query).build();
    put_and_list_metrics(&config, "Rboto/Query").await;
}

#[tokio::test]
async fn cloudwatch_override_to_an_unlisted_protocol_is_an_error() {
    // CloudWatch lists smithy-rpc-v2-cbor, json and query; asking for rest-xml is a
    // configuration mistake, reported before any request.
    let s = session();
    let config = s.builder().protocol(Protocol::RestXml).build();
    let err = rboto_cloudwatch::Client::new(&config)
        .list_metrics()
        .send()
        .await
        .expect_err("rest-xml is not a CloudWatch protocol");
    assert_eq!(err.kind(), rboto::ErrorKind::InvalidConfig);
    let shown = err.to_string();
    assert!(
        shown.contains("rest-xml") && shown.contains("json, query"),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// SNS (query)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sns_create_topic_and_publish() {
    let s = session();
    let sns = rboto_sns::Client::new(&s.config());
    let topic = sns
        .create_topic()
        .name("alerts")
        .send()
        .await
        .expect("create_topic");
    let arn = topic.topic_arn.expect("topic arn");
    assert!(
        arn.starts_with("arn:aws:sns:us-east-1:") && arn.ends_with(":alerts"),
        "{arn}"
    );
    let published = sns
        .publish()
        .topic_arn(&arn)
        .message("disk is 95% full & rising <fast>")
        .subject("ops")
        .send()
        .await
        .expect("publish");
    let id = published.message_id.expect("message id");
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let listed = sns.list_topics().send().await.expect("list_topics");
    let arns: Vec<String> = listed
        .topics
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| t.topic_arn)
        .collect();
    assert_eq!(arns, std::slice::from_ref(&arn));

    let err = sns
        .publish()
        .topic_arn(arn.replace(":alerts", ":nope"))
        .message("x")
        .send()
        .await
        .expect_err("no such topic");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("NotFound"), "{err}");
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_sns::Exception::NotFoundException(_))
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// KMS (json)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn kms_encrypt_decrypt_round_trips_bytes() {
    let s = session();
    let kms = rboto_kms::Client::new(&s.config());
    let key = kms
        .create_key()
        .description("rboto test key")
        .send()
        .await
        .expect("create_key")
        .key_metadata
        .expect("key metadata");
    let key_id = key.key_id.clone().expect("key id");
    assert_eq!(key.description.as_deref(), Some("rboto test key"));
    assert_eq!(key.enabled, Some(true));
    assert!(key.arn.as_deref().unwrap_or_default().ends_with(&key_id));

    // Every byte value, including ones that are not UTF-8.
    let plaintext: Vec<u8> = (0..=255u8).rev().chain(0..=255u8).collect();
    let encrypted = kms
        .encrypt()
        .key_id(&key_id)
        .plaintext(plaintext.clone())
        .send()
        .await
        .expect("encrypt");
    let blob = encrypted.ciphertext_blob.expect("ciphertext");
    assert!(blob.as_bytes() != plaintext.as_slice());
    assert!(
        encrypted
            .key_id
            .as_deref()
            .unwrap_or_default()
            .contains(&key_id),
        "{:?}",
        encrypted.key_id
    );

    let decrypted = kms
        .decrypt()
        .ciphertext_blob(blob.clone())
        .send()
        .await
        .expect("decrypt");
    // Plaintext is sensitive: Debug must not show it.
    let shown = format!("{decrypted:?}");
    assert!(shown.contains("Redacted"), "{shown}");
    assert_eq!(
        decrypted.plaintext.expect("plaintext").as_bytes(),
        plaintext.as_slice()
    );

    let err = kms
        .decrypt()
        .ciphertext_blob(b"definitely not a ciphertext".to_vec())
        .send()
        .await
        .expect_err("garbage ciphertext");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("InvalidCiphertextException"), "{err}");
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_kms::Exception::InvalidCiphertextException(_))
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager (json)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn secretsmanager_create_and_get_secret_value() {
    let s = session();
    let sm = rboto_secretsmanager::Client::new(&s.config());
    let secret = r#"{"username":"admin","password":"hunter2-Ü"}"#;
    let created = sm
        .create_secret()
        .name("prod/db")
        .secret_string(secret)
        .send()
        .await
        .expect("create_secret");
    assert_eq!(created.name.as_deref(), Some("prod/db"));
    let arn = created.arn.expect("arn");
    assert!(arn.contains(":secret:prod/db-"), "{arn}");

    let got = sm
        .get_secret_value()
        .secret_id("prod/db")
        .send()
        .await
        .expect("get_secret_value");
    let shown = format!("{got:?}");
    assert!(
        !shown.contains("hunter2"),
        "secret in Debug output: {shown}"
    );
    assert!(shown.contains("Redacted"), "{shown}");
    assert_eq!(got.secret_string.as_deref(), Some(secret));
    assert_eq!(got.arn.as_deref(), Some(arn.as_str()));
    assert_eq!(got.version_id, created.version_id);
    assert_eq!(got.version_stages, Some(vec!["AWSCURRENT".to_string()]));
    assert!(got.created_date.is_some());

    let err = sm
        .get_secret_value()
        .secret_id("prod/missing")
        .send()
        .await
        .expect_err("no such secret");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"), "{err}");
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_secretsmanager::Exception::ResourceNotFoundException(
                _
            ))
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// SSM (json)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ssm_put_and_get_parameters() {
    use rboto_ssm::types::ParameterType;
    let s = session();
    let ssm = rboto_ssm::Client::new(&s.config());

    let put = ssm
        .put_parameter()
        .name("/app/greeting")
        .value("Hello, world!")
        .type_(ParameterType::String)
        .send()
        .await
        .expect("put_parameter String");
    assert_eq!(put.version, Some(1));
    let got = ssm
        .get_parameter()
        .name("/app/greeting")
        .send()
        .await
        .expect("get_parameter")
        .parameter
        .expect("parameter");
    assert_eq!(got.value.as_deref(), Some("Hello, world!"));
    assert_eq!(got.type_, Some(ParameterType::String));
    assert_eq!(got.version, Some(1));

    ssm.put_parameter()
        .name("/app/db-password")
        .value("s3cr3t-value")
        .type_(ParameterType::SecureString)
        .send()
        .await
        .expect("put_parameter SecureString");
    let encrypted = ssm
        .get_parameter()
        .name("/app/db-password")
        .send()
        .await
        .expect("get_parameter without decryption")
        .parameter
        .expect("parameter");
    assert_eq!(encrypted.type_, Some(ParameterType::SecureString));
    assert_ne!(encrypted.value.as_deref(), Some("s3cr3t-value"));
    let decrypted = ssm
        .get_parameter()
        .name("/app/db-password")
        .with_decryption(true)
        .send()
        .await
        .expect("get_parameter with decryption")
        .parameter
        .expect("parameter");
    assert_eq!(decrypted.value.as_deref(), Some("s3cr3t-value"));
    let shown = format!("{decrypted:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");

    // Overwriting bumps the version; not overwriting an existing name is an error.
    let err = ssm
        .put_parameter()
        .name("/app/greeting")
        .value("again")
        .type_(ParameterType::String)
        .send()
        .await
        .expect_err("exists");
    assert_eq!(err.code(), Some("ParameterAlreadyExists"), "{err}");
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_ssm::Exception::ParameterAlreadyExists(_))
        ),
        "{err:?}"
    );
    let put = ssm
        .put_parameter()
        .name("/app/greeting")
        .value("Hello again")
        .type_(ParameterType::String)
        .overwrite(true)
        .send()
        .await
        .expect("overwrite");
    assert_eq!(put.version, Some(2));

    let err = ssm
        .get_parameter()
        .name("/app/missing")
        .send()
        .await
        .expect_err("missing");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("ParameterNotFound"), "{err}");
    assert!(
        matches!(
            err.modeled(),
            Some(rboto_ssm::Exception::ParameterNotFound(_))
        ),
        "{err:?}"
    );
}
