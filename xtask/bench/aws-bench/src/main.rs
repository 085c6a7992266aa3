//! The aws-sdk-rust driver of `cargo xtask bench --peers`: the same command line, workloads,
//! responses and `RESULT` lines as rboto-bench (see its main.rs), on aws-sdk-rust. It also
//! takes `endpoint <n>`, the endpoint resolution rboto measures in runtime/examples.

mod requests;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::future::Future;
use std::hint::black_box;
use std::process::ExitCode;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let num = |i: usize| {
        arg(i)
            .parse::<usize>()
            .map_err(|_| "n must be a number".to_string())
    };
    let result = match arg(0) {
        "sign" => num(1).and_then(|n| sign_bench(n, arg(2))),
        "endpoint" => num(1).map(endpoint_bench),
        "req" => num(2).and_then(|n| requests::run(arg(1), n, arg(3), arg(4))),
        "concurrent" => num(2).and_then(|n| requests::concurrent(arg(1), n)),
        _ => Err(
            "usage: aws-bench sign N KIND | endpoint N | req URL N KIND SET | \
                  concurrent URL N"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aws-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is a constant.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    }
}

/// Times `n` calls of `f` in 10 batches; the median CPU nanoseconds per call (as rboto-bench).
fn batched(n: usize, f: impl FnMut()) -> f64 {
    batched_by(n, f, cpu_ns)
}

fn batched_by(n: usize, mut f: impl FnMut(), clock: fn() -> u64) -> f64 {
    const BATCHES: usize = 10;
    let per = n / BATCHES;
    if per == 0 {
        (0..n).for_each(|_| f());
        return 0.0;
    }
    let mut samples = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let start = clock();
        (0..per).for_each(|_| f());
        samples.push((clock() - start) as f64 / per as f64);
    }
    median(samples)
}

pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A boundary between measured phases: `cargo xtask bench` runs drivers under callgrind with
/// `--dump-before=getppid`, so each call starts a new counter dump and the instructions of each
/// phase are counted alone (getppid is called nowhere else on these paths).
pub fn mark() {
    std::hint::black_box(std::os::unix::process::parent_id());
}

pub fn result(key: &str, value: f64) {
    println!("RESULT {key} {value:.1}");
}

const BODY: &[u8] = br#"{"TableName":"bench","Key":{"pk":{"S":"user#000001"}}}"#;

/// The same three signatures as rboto-bench's sign.rs, with aws-sigv4.
fn sign_bench(n: usize, which: &str) -> Result<(), String> {
    let identity: Identity = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "bench",
    )
    .into();
    let mut s3 = SigningSettings::default();
    s3.percent_encoding_mode = PercentEncodingMode::Single;
    s3.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    s3.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let mut presign = s3.clone();
    presign.signature_location = SignatureLocation::QueryParams;
    presign.expires_in = Some(Duration::from_secs(3600));
    presign.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    let s3_uri = "https://bench.s3.us-east-1.amazonaws.com/photos/2024/cat.jpg";
    let s3_host = "bench.s3.us-east-1.amazonaws.com";
    let len = BODY.len().to_string();
    for kind in ["post", "get", "presign"] {
        if which != kind && which != "all" {
            continue;
        }
        let (method, uri, service, settings, body, headers): (_, _, _, _, _, Vec<(&str, &str)>) =
            match kind {
                "post" => (
                    "POST",
                    "https://dynamodb.us-east-1.amazonaws.com/",
                    "dynamodb",
                    SigningSettings::default(),
                    SignableBody::Bytes(BODY),
                    vec![
                        ("host", "dynamodb.us-east-1.amazonaws.com"),
                        ("content-type", "application/x-amz-json-1.0"),
                        ("x-amz-target", "DynamoDB_20120810.GetItem"),
                        ("content-length", len.as_str()),
                    ],
                ),
                "get" => (
                    "GET",
                    s3_uri,
                    "s3",
                    s3.clone(),
                    SignableBody::Bytes(b""),
                    vec![("host", s3_host)],
                ),
                _ => (
                    "GET",
                    s3_uri,
                    "s3",
                    presign.clone(),
                    SignableBody::UnsignedPayload,
                    vec![("host", s3_host)],
                ),
            };
        mark();
        let ns = batched(n, || {
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name(service)
                .time(SystemTime::now())
                .settings(settings.clone())
                .build()
                .expect("complete signing params")
                .into();
            let request = SignableRequest::new(method, uri, headers.iter().copied(), body.clone())
                .expect("valid request");
            black_box(sign(black_box(request), &params).expect("signing a valid request"));
        });
        result(&format!("sign.{kind}.ns"), ns);
    }
    mark();
    Ok(())
}

/// Polls a future that is ready at once (aws-sdk-rust's endpoint resolvers are).
fn now<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("endpoint resolution was not immediate"),
    }
}

/// Nanoseconds since the first call.
fn wall_ns() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// S3 GetObject and DynamoDB GetItem endpoint resolution: parameters built and resolved, as
/// each request does. Wall time, as rboto's runtime/examples/endpoint_bench.rs measures.
fn endpoint_bench(n: usize) {
    use aws_sdk_dynamodb::config::endpoint as ddb;
    use aws_sdk_dynamodb::config::endpoint::ResolveEndpoint as _;
    use aws_sdk_s3::config::endpoint as s3;
    use aws_sdk_s3::config::endpoint::ResolveEndpoint as _;
    let s3r = s3::DefaultResolver::new();
    let ns = batched_by(
        n,
        || {
            let p = s3::Params::builder()
                .region("us-west-2")
                .bucket("my-bucket")
                .key("photos/2024/cat.jpg")
                .build()
                .expect("params");
            black_box(now(s3r.resolve_endpoint(black_box(&p))).expect("endpoint"));
        },
        wall_ns,
    );
    result("endpoint.s3.ns", ns);
    let ddbr = ddb::DefaultResolver::new();
    let ns = batched_by(
        n,
        || {
            let p = ddb::Params::builder()
                .region("us-west-2")
                .resource_arn("my-table")
                .build()
                .expect("params");
            black_box(now(ddbr.resolve_endpoint(black_box(&p))).expect("endpoint"));
        },
        wall_ns,
    );
    result("endpoint.ddb.ns", ns);
}
