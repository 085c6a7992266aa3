//! S3 region redirects (botocore's `S3RegionRedirectorv2`) against a fake S3 on loopback that
//! reads the region out of each request's SigV4 credential scope: bucket `west` lives in
//! `eu-west-1`, and a request signed for any other region gets the wrong-region answer of the
//! test's [`Mode`].
//!
//! The client's `endpoint_url` points at the fake, so the rules give the same URL in every
//! region and only the signing region tells where a request was meant to go.

use rboto::config::ChecksumWhen;
use rboto::{Body, Config, Credentials, ErrorKind};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const HOME: &str = "eu-west-1";

/// One request the fake received.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    method: String,
    path: String,
    /// The region of the `Authorization` header's credential scope.
    region: String,
    body: Vec<u8>,
}

impl Seen {
    fn bucket(&self) -> &str {
        self.path
            .trim_start_matches('/')
            .split(['/', '?'])
            .next()
            .unwrap_or("")
    }
}

/// How the fake tells a request that it went to the wrong region.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// 301 `PermanentRedirect` with `x-amz-bucket-region`.
    Header301,
    /// 400 `AuthorizationHeaderMalformed` naming `<Region>`, no header.
    MalformedBody,
    /// 400 with the header and no body (what a HEAD gets).
    Bare400WithHeader,
    /// 301 with neither header nor body region; only `HeadBucket` answers with the header.
    HeadBucketOnly,
    /// 301 with a header naming a region that is no region name.
    InvalidRegion,
}

/// A status, headers and body.
type Answer = (u16, Vec<(&'static str, String)>, String);

fn answer(mode: Mode, req: &Seen) -> Answer {
    let is_head_bucket = req.method == "HEAD" && !req.path.trim_start_matches('/').contains('/');
    if req.bucket() == "moving" {
        // Wherever it is asked, the bucket is somewhere else.
        let elsewhere = if req.region == HOME {
            "eu-central-1"
        } else {
            HOME
        };
        let body = format!(
            "<Error><Code>PermanentRedirect</Code><Message>asked in {}</Message></Error>",
            req.region
        );
        return (301, vec![("x-amz-bucket-region", elsewhere.into())], body);
    }
    // SQS posts to `/`: answered as `west` is, to show only S3 follows.
    let lives_west = matches!(req.bucket(), "west" | "");
    if !lives_west || req.region == HOME {
        let body = if req.method == "HEAD" {
            String::new()
        } else if req.method == "GET" {
            format!("object in {}", req.region)
        } else {
            String::new()
        };
        return (200, vec![("x-amz-bucket-region", HOME.into())], body);
    }
    let header = vec![("x-amz-bucket-region", HOME.to_string())];
    let redirect = "<Error><Code>PermanentRedirect</Code><Message>moved</Message></Error>";
    match mode {
        Mode::Header301 => (301, header, redirect.into()),
        Mode::MalformedBody => (
            400,
            vec![],
            format!(
                "<Error><Code>AuthorizationHeaderMalformed</Code><Message>wrong region</Message>\
                 <Region>{HOME}</Region></Error>"
            ),
        ),
        Mode::Bare400WithHeader => (400, header, String::new()),
        Mode::HeadBucketOnly if is_head_bucket => (301, header, String::new()),
        Mode::HeadBucketOnly => (301, vec![], redirect.into()),
        Mode::InvalidRegion => (
            301,
            vec![("x-amz-bucket-region", "eu west 1".into())],
            redirect.into(),
        ),
    }
}

/// The fake S3: its URL and every request it received.
struct FakeS3 {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeS3 {
    async fn start(mode: Mode) -> FakeS3 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    while let Some(req) = read_request(&mut stream).await {
                        let (status, headers, body) = answer(mode, &req);
                        let body = if req.method == "HEAD" {
                            String::new()
                        } else {
                            body
                        };
                        log.lock().unwrap().push(req);
                        let head: String = headers
                            .iter()
                            .map(|(n, v)| format!("{n}: {v}\r\n"))
                            .collect();
                        let reply = format!(
                            "HTTP/1.1 {status} X\r\n{head}content-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.get_mut().write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FakeS3 { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// `(method, signing region)` of each request so far, then forgets them.
    fn take(&self) -> Vec<(String, String)> {
        let mut seen = self.seen.lock().unwrap();
        seen.drain(..).map(|s| (s.method, s.region)).collect()
    }

    /// An S3 client for us-east-1 with its `endpoint_url` here.
    fn client(&self) -> rboto_s3::Client {
        rboto_s3::Client::new(&self.config())
    }

    fn config(&self) -> Config {
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .endpoint_url(self.url.clone())
            // The body goes as it is given, so the fake reads it by its length.
            .request_checksum_calculation(ChecksumWhen::WhenRequired)
            .build()
    }
}

/// Reads one HTTP/1.1 request (with a `content-length` body, if any); `None` at EOF.
async fn read_request(stream: &mut BufReader<tokio::net::TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    stream.read_line(&mut line).await.ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let (mut length, mut region) = (0, String::new());
    loop {
        line.clear();
        stream.read_line(&mut line).await.ok().filter(|n| *n > 0)?;
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().ok()?,
            // AWS4-HMAC-SHA256 Credential=AKID/20261205/eu-west-1/s3/aws4_request, ...
            "authorization" => {
                let scope = value.split("Credential=").nth(1)?;
                region = scope.split('/').nth(2)?.to_string();
            }
            _ => {}
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.ok()?;
    Some(Seen {
        method,
        path,
        region,
        body,
    })
}

fn sent(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(m, r)| (m.to_string(), r.to_string()))
        .collect()
}

async fn get(client: &rboto_s3::Client, bucket: &str) -> Result<Vec<u8>, rboto::Error> {
    let out = client
        .get_object()
        .bucket(bucket)
        .key("k")
        .send()
        .await
        .map_err(|e| e.map_modeled(|_| None))?;
    Ok(out.body.expect("a body").collect().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_301_with_the_region_header_is_followed_once_and_remembered() {
    let s3 = FakeS3::start(Mode::Header301).await;
    let client = s3.client();
    let quota = client.service_client().retry_stats().quota_available;
    assert_eq!(get(&client, "west").await.unwrap(), b"object in eu-west-1");
    assert_eq!(
        s3.take(),
        sent(&[("GET", "us-east-1"), ("GET", "eu-west-1")])
    );
    let stats = client.service_client().retry_stats();
    assert_eq!((stats.retries, stats.quota_available), (0, quota));
    // The next call, on a clone, goes straight to the bucket's region...
    assert_eq!(
        get(&client.clone(), "west").await.unwrap(),
        b"object in eu-west-1"
    );
    assert_eq!(s3.take(), sent(&[("GET", "eu-west-1")]));
    // ...and only for that bucket.
    assert_eq!(get(&client, "east").await.unwrap(), b"object in us-east-1");
    assert_eq!(s3.take(), sent(&[("GET", "us-east-1")]));
}

#[tokio::test]
async fn authorization_header_malformed_names_the_region_and_the_body_is_sent_again() {
    let s3 = FakeS3::start(Mode::MalformedBody).await;
    let client = s3.client();
    client
        .put_object()
        .bucket("west")
        .key("k")
        .body(Body::from("hello, west"))
        .send()
        .await
        .expect("put after the redirect");
    let seen = s3.seen();
    let regions: Vec<&str> = seen.iter().map(|s| s.region.as_str()).collect();
    assert_eq!(regions, ["us-east-1", HOME]);
    for s in &seen {
        assert_eq!((s.method.as_str(), s.path.as_str()), ("PUT", "/west/k"));
        assert_eq!(s.body, b"hello, west");
    }
}

#[tokio::test]
async fn head_object_400_without_a_body_is_redirected_by_its_header() {
    let s3 = FakeS3::start(Mode::Bare400WithHeader).await;
    let client = s3.client();
    client
        .head_object()
        .bucket("west")
        .key("k")
        .send()
        .await
        .expect("head after the redirect");
    assert_eq!(
        s3.take(),
        sent(&[("HEAD", "us-east-1"), ("HEAD", "eu-west-1")])
    );
    // A GET failing the same way is no wrong-region answer botocore knows: not redirected.
    let fresh = s3.client();
    let err = get(&fresh, "west").await.expect_err("a bare 400 on GET");
    assert_eq!(err.code(), Some("400"));
    assert_eq!(s3.take(), sent(&[("GET", "us-east-1")]));
}

#[tokio::test]
async fn without_a_region_in_the_answer_head_bucket_finds_it() {
    let s3 = FakeS3::start(Mode::HeadBucketOnly).await;
    let client = s3.client();
    assert_eq!(get(&client, "west").await.unwrap(), b"object in eu-west-1");
    let seen = s3.seen();
    let requests: Vec<(&str, &str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str(), s.region.as_str()))
        .collect();
    assert_eq!(
        requests,
        [
            ("GET", "/west/k", "us-east-1"),
            ("HEAD", "/west", "us-east-1"),
            ("GET", "/west/k", HOME),
        ]
    );
    s3.take();
    assert_eq!(get(&client, "west").await.unwrap(), b"object in eu-west-1");
    assert_eq!(s3.take(), sent(&[("GET", HOME)]));
}

#[tokio::test]
async fn a_redirect_that_fails_again_is_not_followed_again() {
    let s3 = FakeS3::start(Mode::Header301).await;
    let err = get(&s3.client(), "moving").await.expect_err("still moved");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("PermanentRedirect"));
    // The second response's error.
    assert!(err.to_string().contains("asked in eu-west-1"), "{err}");
    assert_eq!(
        s3.take(),
        sent(&[("GET", "us-east-1"), ("GET", "eu-west-1")])
    );
}

#[tokio::test]
async fn a_region_that_is_no_region_name_fails_the_call() {
    let s3 = FakeS3::start(Mode::InvalidRegion).await;
    let err = get(&s3.client(), "west").await.expect_err("bad region");
    assert_eq!(err.kind(), ErrorKind::ResponseParse);
    assert!(err.to_string().contains("\"eu west 1\""), "{err}");
    assert_eq!(s3.take(), sent(&[("GET", "us-east-1")]));
}

#[tokio::test]
async fn other_services_are_never_redirected() {
    let s3 = FakeS3::start(Mode::Header301).await;
    let sqs = rboto_sqs::Client::new(&s3.config());
    let err = sqs.list_queues().send().await.expect_err("a 301");
    assert_eq!(err.status(), Some(301));
    assert_eq!(s3.take(), sent(&[("POST", "us-east-1")]));
}

/// Without an `endpoint_url` the host changes with the region too: the redirect's URL is the
/// bucket's regional endpoint, with the path and query as they were.
#[tokio::test]
async fn on_aws_the_redirect_goes_to_the_buckets_regional_host() {
    use rboto_tests::stub::{StubConnector, StubResponse};
    let stub = StubConnector::new();
    let region = vec![("x-amz-bucket-region".to_string(), HOME.to_string())];
    stub.push(StubResponse::new(301, region, ""));
    stub.fallback(StubResponse::new(200, vec![], "<ListBucketResult/>"));
    let config = Config::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build();
    let client = rboto_s3::Client::new(&config);
    let list = || client.list_objects_v2().bucket("west").prefix("p/").send();
    list().await.expect("listed after the redirect");
    list().await.expect("listed again");
    let sent: Vec<(String, String)> = stub
        .requests()
        .iter()
        .map(|r| {
            let auth = r.header("authorization").unwrap_or_default();
            let scope = auth.split("Credential=").nth(1).unwrap_or_default();
            (
                r.uri.to_string(),
                scope.split('/').nth(2).unwrap_or_default().to_string(),
            )
        })
        .collect();
    let url =
        |region: &str| format!("https://west.s3.{region}.amazonaws.com/?list-type=2&prefix=p%2F");
    assert_eq!(
        sent,
        [
            (url("us-west-2"), "us-west-2".to_string()),
            (url(HOME), HOME.to_string()),
            (url(HOME), HOME.to_string()),
        ]
    );
}

/// A one-shot body (here another response's, streamed through) cannot be sent again: the
/// call fails with the wrong-region error, as botocore's would, but the region is learned.
#[tokio::test]
async fn a_one_shot_body_is_not_sent_again_but_the_region_is_learned() {
    let s3 = FakeS3::start(Mode::Header301).await;
    let client = s3.client();
    let source = client.get_object().bucket("east").key("k").send().await;
    let stream = source.expect("the source object").body.expect("a body");
    let err = client
        .put_object()
        .bucket("west")
        .key("k")
        .body(stream)
        .send()
        .await
        .expect_err("not sent again");
    assert_eq!(err.code(), Some("PermanentRedirect"));
    assert_eq!(
        s3.take(),
        sent(&[("GET", "us-east-1"), ("PUT", "us-east-1")])
    );
    let put = client
        .put_object()
        .bucket("west")
        .key("k")
        .body(Body::from("again"));
    put.send().await.expect("straight to eu-west-1");
    assert_eq!(s3.take(), sent(&[("PUT", HOME)]));
}
