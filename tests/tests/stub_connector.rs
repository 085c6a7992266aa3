//! The connector seam: a call through a stub connector sends exactly what the pipeline builds
//! (signed, with the resolved endpoint) and parses the stub's answer like a real response.

use rboto::{Config, Credentials};
use rboto_tests::stub::{StubConnector, StubResponse};

#[tokio::test]
async fn requests_reach_the_connector_signed_and_responses_come_back_parsed() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        200,
        vec![("x-amzn-requestid".into(), "req-1".into())],
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>\
         <UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
         </GetCallerIdentityResponse>",
    ));
    let config = Config::builder()
        .region("eu-west-3")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build();
    let sts = rboto_sts::Client::new(&config);
    let out = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("123456789012"));

    let sent = stub.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.uri.to_string(), "https://sts.eu-west-3.amazonaws.com/");
    let auth = sent.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKID/") && auth.contains("/eu-west-3/sts/"),
        "{auth}"
    );
    assert_eq!(sent.header("content-length"), Some("43"));
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
}

/// An endpoint that accepts only SigV4a (an S3 Multi-Region Access Point) is refused before
/// anything is sent, with a signing error that says why: a SigV4 signature would only earn a
/// confusing rejection from the service.
#[tokio::test]
async fn sigv4a_only_endpoints_fail_before_sending() {
    let stub = StubConnector::new();
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build();
    let s3 = rboto_s3::Client::new(&config);
    let err = s3
        .get_object()
        .bucket("arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap")
        .key("k")
        .send()
        .await
        .expect_err("SigV4a cannot be signed");
    assert_eq!(err.kind(), rboto::ErrorKind::Signing, "{err}");
    assert!(err.to_string().contains("accepts only SigV4a"), "{err}");
    assert!(stub.requests().is_empty());
}

/// A modeled exception's header-bound member (Lambda's `Retry-After`) is parsed into the typed
/// exception beside its body members.
#[tokio::test]
async fn modeled_exceptions_read_their_header_members() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        429,
        vec![
            ("x-amzn-errortype".into(), "TooManyRequestsException".into()),
            ("x-amzn-requestid".into(), "req-429".into()),
            ("retry-after".into(), "7".into()),
            ("content-type".into(), "application/json".into()),
        ],
        r#"{"Type":"User","message":"Rate exceeded","Reason":"CallerRateLimitExceeded"}"#,
    ));
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .max_attempts(1)
        .connector(stub.clone())
        .build();
    let lambda = rboto_lambda::Client::new(&config);
    let err = lambda
        .invoke()
        .function_name("f")
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.code(), Some("TooManyRequestsException"), "{err}");
    assert_eq!(err.status(), Some(429));
    let Some(rboto_lambda::Exception::TooManyRequestsException(e)) = err.modeled() else {
        panic!("not the modeled exception: {err:?}");
    };
    assert_eq!(e.retry_after_seconds.as_deref(), Some("7"));
    assert_eq!(e.message.as_deref(), Some("Rate exceeded"));
    assert_eq!(
        e.reason.as_ref().map(|r| r.as_str()),
        Some("CallerRateLimitExceeded")
    );
}

/// A member bound to a header whose value could not go on the wire (a newline would end the
/// header and start another) fails the call as invalid parameters naming the member, before
/// anything is signed or sent.
#[tokio::test]
async fn header_values_with_newlines_are_parameter_errors_naming_the_member() {
    let stub = StubConnector::new();
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build();
    let s3 = rboto_s3::Client::new(&config);
    let err = s3
        .put_object()
        .bucket("b")
        .key("k")
        .content_type("text/plain\r\nx-amz-acl: public-read")
        .send()
        .await
        .expect_err("a newline in a header value");
    assert_eq!(err.kind(), rboto::ErrorKind::ParamValidation, "{err}");
    assert!(
        err.to_string()
            .contains("PutObjectRequest.ContentType: not a valid HTTP header value"),
        "{err}"
    );
    let err = s3
        .put_object()
        .bucket("b")
        .key("k")
        .metadata(std::collections::HashMap::from([(
            "color".to_string(),
            "blue\nred".to_string(),
        )]))
        .send()
        .await
        .expect_err("a newline in a metadata value");
    assert_eq!(err.kind(), rboto::ErrorKind::ParamValidation, "{err}");
    assert!(
        err.to_string().contains("PutObjectRequest.Metadata"),
        "{err}"
    );
    assert!(stub.requests().is_empty());
}

/// The stub for long runs answers as the recording one does (its fallback) and keeps nothing.
#[tokio::test]
async fn a_stub_without_record_answers_and_keeps_nothing() {
    let stub = StubConnector::without_record();
    stub.fallback(StubResponse::new(
        403,
        vec![("x-amzn-requestid".into(), "req-2".into())],
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
         <Message>no</Message></Error></ErrorResponse>",
    ));
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .max_attempts(1)
        .build();
    let sts = rboto_sts::Client::new(&config);
    let err = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "{err}");
    assert!(stub.requests().is_empty());
}
