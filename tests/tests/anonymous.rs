//! Anonymous clients (botocore's `Config(signature_version=UNSIGNED)`): no credential provider
//! is asked, nothing is signed, and a public object reads through moto with no credentials
//! anywhere while a private one is refused.

use rboto::credentials::{BoxFuture, ProvideCredentials};
use rboto::{Config, Credentials, Presign};
use rboto_tests::moto::take_turn as session;
use rboto_tests::stub::{StubConnector, StubResponse};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A provider that counts how often it is asked, and never has credentials.
#[derive(Debug, Default)]
struct Counting(Arc<AtomicUsize>);

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, rboto::Error>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Err(rboto::Error::new(
                rboto::ErrorKind::NoCredentials,
                "asked for credentials",
            ))
        })
    }
}

const SIGNING_HEADERS: [&str; 4] = [
    "authorization",
    "x-amz-security-token",
    "x-amz-date",
    "x-amz-content-sha256",
];

#[tokio::test]
async fn anonymous_requests_carry_no_signature_and_need_no_credentials() {
    let stub = StubConnector::new();
    stub.fallback(StubResponse::new(
        200,
        vec![],
        "<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>",
    ));
    // No credentials at all: a signed client would fail with NoCredentials before sending.
    let config = Config::builder()
        .region("us-east-1")
        .anonymous(true)
        .connector(stub.clone())
        .build();
    assert!(config.is_anonymous());
    let s3 = rboto_s3::Client::new(&config);
    s3.list_buckets()
        .send()
        .await
        .expect("anonymous list_buckets");
    s3.get_object()
        .bucket("public")
        .key("k")
        .send()
        .await
        .expect("anonymous get_object");

    // A provider that is there is not asked either.
    let asked = Arc::new(AtomicUsize::new(0));
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(Counting(asked.clone()))
        .anonymous(true)
        .connector(stub.clone())
        .build();
    let sts = rboto_sts::Client::new(&config);
    // The stub's answer is S3's, so only the absence of a credentials error matters here.
    if let Err(err) = sts.get_caller_identity().send().await {
        assert_ne!(err.kind(), rboto::ErrorKind::NoCredentials, "{err}");
    }
    assert_eq!(asked.load(Ordering::SeqCst), 0);

    let sent = stub.requests();
    assert_eq!(sent.len(), 3);
    for request in &sent {
        for name in SIGNING_HEADERS {
            assert_eq!(request.header(name), None, "{name} on {}", request.uri);
        }
    }

    // The same client without `anonymous` does ask, and fails without credentials.
    let config = Config::builder()
        .region("us-east-1")
        .credentials_provider(Counting(asked.clone()))
        .connector(stub.clone())
        .build();
    let err = rboto_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .expect_err("no credentials");
    assert_eq!(err.kind(), rboto::ErrorKind::NoCredentials, "{err}");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(stub.requests().len(), 3);
}

#[tokio::test]
async fn anonymous_presigned_urls_are_plain_urls() {
    let config = Config::builder()
        .region("us-east-1")
        .anonymous(true)
        .build();
    let s3 = rboto_s3::Client::new(&config);
    let url = s3
        .presign(
            s3.get_object().bucket("examplebucket").key("test.txt"),
            &Presign::expires_in(Duration::from_secs(60)),
        )
        .await
        .expect("presign");
    assert_eq!(url.url(), "https://examplebucket.s3.amazonaws.com/test.txt");
}

#[tokio::test]
async fn public_object_reads_through_moto_without_credentials() {
    use rboto_s3::types::{BucketCannedAcl, ObjectCannedAcl};
    let s = session();
    let signed = rboto_s3::Client::new(&s.config());
    signed
        .create_bucket()
        .bucket("public-bucket")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .expect("create_bucket");
    for (key, acl) in [
        ("hello.txt", ObjectCannedAcl::PublicRead),
        ("secret.txt", ObjectCannedAcl::Private),
    ] {
        signed
            .put_object()
            .bucket("public-bucket")
            .key(key)
            .acl(acl)
            .body("Hello, anyone!")
            .send()
            .await
            .expect("put_object");
    }
    // moto's SigV4 verification refuses any request without a signature; S3 itself (and moto
    // without verification) decides by the bucket's and object's ACLs.
    s.verification_off();

    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(&s.endpoint)
        .anonymous(true)
        .build();
    assert!(config.credentials_provider().is_none());
    let anonymous = rboto_s3::Client::new(&config);
    let got = anonymous
        .get_object()
        .bucket("public-bucket")
        .key("hello.txt")
        .send()
        .await
        .expect("anonymous get_object");
    let body = got.body.expect("body").collect().await.expect("read body");
    assert_eq!(&body[..], b"Hello, anyone!");

    // The private object is refused to the anonymous client (which sent no credentials) and
    // served to the signed one.
    let refused = anonymous
        .get_object()
        .bucket("public-bucket")
        .key("secret.txt")
        .send()
        .await
        .expect_err("a private object is not anyone's");
    assert_eq!(
        refused.service_error().map(|e| e.status),
        Some(403),
        "{refused}"
    );
    signed
        .get_object()
        .bucket("public-bucket")
        .key("secret.txt")
        .send()
        .await
        .expect("the owner reads it");
}
