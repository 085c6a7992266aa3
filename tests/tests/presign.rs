//! Presigned requests (boto3's `generate_presigned_url`): AWS's documented S3 example signed
//! byte for byte, and URLs used without the SDK against moto (with its SigV4 verification
//! off: moto answers presigned URLs with HTTP 500 while it is on; see shared/MOTO.md).

use rboto::{Config, Credentials, ErrorKind, Presign};
use rboto_tests::moto::take_turn as session;
use std::time::{Duration, SystemTime};

/// The path and query of a URL on the emulator, for [`rboto_tests::moto::MotoServer::request`].
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// The example in AWS's S3 documentation, "Authenticating Requests: Using Query Parameters
/// (AWS Signature Version 4)": the same URL, signature included.
#[tokio::test]
async fn s3_get_object_matches_the_documented_example() {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
        ))
        .build();
    let s3 = rboto_s3::Client::new(&config);
    // 2013-05-24T00:00:00Z
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600);
    let presign = Presign::expires_in(Duration::from_secs(86_400)).start_time(start);
    let signed = s3
        .presign(
            s3.get_object().bucket("examplebucket").key("test.txt"),
            &presign,
        )
        .await
        .expect("presign");
    assert_eq!(signed.method(), "GET");
    assert_eq!(
        signed.url(),
        "https://examplebucket.s3.amazonaws.com/test.txt\
         ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
    // No checksum mode or other header is added to a presigned GET.
    assert!(signed.headers().is_empty(), "{:?}", signed.headers());
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_bad_expiry_is_a_parameter_error() {
    let token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            Some(token.into()),
        ))
        .build();
    let s3 = rboto_s3::Client::new(&config);
    let signed = s3
        .presign(
            s3.get_object().bucket("b").key("k"),
            &Presign::expires_in(Duration::from_secs(60)),
        )
        .await
        .expect("presign");
    assert!(signed.url().contains("X-Amz-Security-Token="));
    let signature = signed.url().rsplit("X-Amz-Signature=").next().unwrap();
    let debug = format!("{signed:?}");
    assert!(!debug.contains("IQoJb3JpZ2lu"), "{debug}");
    assert!(!debug.contains(signature), "{debug}");
    assert!(debug.contains("X-Amz-Expires=60"), "{debug}");

    for expires in [Duration::ZERO, Duration::from_secs(7 * 24 * 3600 + 1)] {
        let err = s3
            .presign(
                s3.get_object().bucket("b").key("k"),
                &Presign::expires_in(expires),
            )
            .await
            .expect_err("expiry out of range");
        assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
        assert!(err.to_string().contains("604800"), "{err}");
    }
    // Missing required members are caught as for a call.
    let err = s3
        .presign(
            s3.get_object().bucket("b"),
            &Presign::expires_in(Duration::from_secs(60)),
        )
        .await
        .expect_err("Key is required");
    assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
    assert!(err.to_string().contains("Key"), "{err}");
}

#[tokio::test]
async fn s3_presigned_put_and_get_work_without_the_sdk() {
    let s = session();
    s.verification_off();
    let s3 = rboto_s3::Client::new(&s.config());
    s3.create_bucket()
        .bucket("shared")
        .send()
        .await
        .expect("create_bucket");
    let hour = Presign::expires_in(Duration::from_secs(3600));

    // Upload through a presigned PUT: no checksum header is signed, so a plain client can use it.
    let put = s3
        .presign(
            s3.put_object()
                .bucket("shared")
                .key("report.csv")
                .content_type("text/csv"),
            &hour,
        )
        .await
        .expect("presign put_object");
    assert_eq!(put.method(), "PUT");
    let names: Vec<&str> = put.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["content-type"], "{put:?}");
    let headers: Vec<(&str, &str)> = put
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.to_str().unwrap()))
        .collect();
    let uploaded = s
        .server()
        .request("PUT", path_of(put.url()), &headers, b"a,b\n1,2\n")
        .expect("PUT");
    assert_eq!(uploaded.status, 200, "{}", uploaded.text());

    let got = s3
        .get_object()
        .bucket("shared")
        .key("report.csv")
        .send()
        .await
        .expect("get_object");
    assert_eq!(got.content_type.as_deref(), Some("text/csv"));
    let body = got.body.expect("body").collect().await.expect("read");
    assert_eq!(body, b"a,b\n1,2\n".as_slice());

    // Download through a presigned GET.
    let get = s3
        .presign(s3.get_object().bucket("shared").key("report.csv"), &hour)
        .await
        .expect("presign get_object");
    let downloaded = s
        .server()
        .request("GET", path_of(get.url()), &[], b"")
        .expect("GET");
    assert_eq!(downloaded.status, 200, "{}", downloaded.text());
    assert_eq!(downloaded.body, b"a,b\n1,2\n");
}

/// The same presigned URLs as botocore 1.44.5 gives for the same inputs and time, from (with
/// `botocore.auth.get_current_datetime` fixed at 2026-11-27T12:00:00Z):
/// ```text
/// s3 = session.create_client('s3', region_name='us-west-2', endpoint_url='https://s3.us-west-2.amazonaws.com',
///                            config=Config(signature_version='s3v4'), **keys)
/// s3.generate_presigned_url('get_object', Params={'Bucket': 'my-bucket', 'Key': 'dir/a file+ü.txt', 'VersionId': 'v1'}, ExpiresIn=900)
/// s3.generate_presigned_url('put_object', Params={'Bucket': 'my-bucket', 'Key': 'k', 'ContentType': 'text/csv'}, ExpiresIn=900)
/// sts = session.create_client('sts', region_name='us-east-1', **keys)
/// sts.generate_presigned_url('get_caller_identity', Params={}, ExpiresIn=60, HttpMethod='GET')
/// ```
/// (botocore presigns S3 with SigV2 unless `s3v4` is configured; rboto signs only SigV4.)
#[tokio::test]
async fn same_urls_as_botocore() {
    let keys = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("IQoJb3JpZ2luX2Vj/token=".into()),
    );
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_780_800);
    let s3 = rboto_s3::Client::new(
        &Config::builder()
            .region("us-west-2")
            .endpoint_url("https://s3.us-west-2.amazonaws.com")
            .credentials(keys.clone())
            .build(),
    );
    let fifteen = Presign::expires_in(Duration::from_secs(900)).start_time(start);
    let get = s3
        .presign(
            s3.get_object()
                .bucket("my-bucket")
                .key("dir/a file+ü.txt")
                .version_id("v1"),
            &fifteen,
        )
        .await
        .expect("presign get_object");
    assert_eq!(
        get.url(),
        "https://s3.us-west-2.amazonaws.com/my-bucket/dir/a%20file%2B%C3%BC.txt?versionId=v1\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Fus-west-2%2Fs3%2Faws4_request\
         &X-Amz-Date=20261127T120000Z\
         &X-Amz-Expires=900\
         &X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2Ftoken%3D\
         &X-Amz-Signature=34e175a02f6d7660689c2137740ee5ffc8aca09e2c87b1e16af0de32034f2e60"
    );
    let put = s3
        .presign(
            s3.put_object()
                .bucket("my-bucket")
                .key("k")
                .content_type("text/csv"),
            &fifteen,
        )
        .await
        .expect("presign put_object");
    assert_eq!(
        put.url(),
        "https://s3.us-west-2.amazonaws.com/my-bucket/k?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Fus-west-2%2Fs3%2Faws4_request\
         &X-Amz-Date=20261127T120000Z\
         &X-Amz-Expires=900\
         &X-Amz-SignedHeaders=content-type%3Bhost\
         &X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2Ftoken%3D\
         &X-Amz-Signature=a49a1367dab61a9aedfc013ee80c0e11af28c49f273e64f203a7a468c221370b"
    );

    // The EKS token recipe: STS `GetCallerIdentity` presigned as a GET, its form body moved
    // into the query string.
    let sts = rboto_sts::Client::new(
        &Config::builder()
            .region("us-east-1")
            .credentials(keys)
            .build(),
    );
    let signed = sts
        .presign(
            sts.get_caller_identity(),
            &Presign::expires_in(Duration::from_secs(60))
                .start_time(start)
                .http_method("GET"),
        )
        .await
        .expect("presign get_caller_identity");
    assert_eq!(signed.method(), "GET");
    assert!(signed.headers().is_empty(), "{:?}", signed.headers());
    assert_eq!(
        signed.url(),
        "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity\
         &Version=2011-06-15\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Fus-east-1%2Fsts%2Faws4_request\
         &X-Amz-Date=20261127T120000Z\
         &X-Amz-Expires=60\
         &X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2Ftoken%3D\
         &X-Amz-Signature=20337e860eff6be0d68ebffef77157673a2e9c2cbe4cf2c695def8fbb5d78792"
    );
}
