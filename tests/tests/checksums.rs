//! Flexible checksums and SSE-C keys as they leave the pipeline (through the stub connector):
//! every algorithm's header for a body in memory, the `aws-chunked` body with a trailing
//! checksum for a file over HTTPS, the header form botocore uses over plain HTTP, and the
//! encoded SSE-C key with its MD5; then round trips through moto.

use rboto::{Body, Config, Credentials, ErrorKind};
use rboto_s3::types::ChecksumAlgorithm;
use rboto_tests::scratch::ScratchDir;
use rboto_tests::stub::{CapturedRequest, StubConnector, StubResponse};

const HELLO: &[u8] = b"Hello, world!";
// Digests of HELLO from independent tools: zlib.crc32 (0xebe6c6e6); the bitwise CRC-32C and
// CRC-64/NVME definitions (reflected polynomials 0x82f63b78 and 0x9a6c9329ac4bc9b5, all-ones
// init and xorout); hashlib for the SHAs.
const CRC32: &str = "6+bG5g==";
const CRC32C: &str = "yKEG5Q==";
const CRC64NVME: &str = "n3hVaQAaPTQ=";
const SHA1: &str = "lDpwLQbzRZmu4fjajvn3KWAx1pk=";
const SHA256: &str = "MV9b23bQeMQ7isAGTkoBZGErH853yGk0W/yUx1iU7dM=";
const SHA256_HEX: &str = "315f5bdb76d078c43b8ac0064e4a0164612b1fce77c869345bfc94c75894edd3";

fn config(stub: &StubConnector, endpoint_url: Option<&str>) -> Config {
    let mut b = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone());
    if let Some(url) = endpoint_url {
        b = b.endpoint_url(url);
    }
    b.build()
}

fn file_with(dir: &ScratchDir, name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

/// The names `Authorization` says were signed.
fn signed_headers(req: &CapturedRequest) -> Vec<String> {
    let auth = req.header("authorization").expect("signed");
    let start = auth.find("SignedHeaders=").expect("SignedHeaders") + "SignedHeaders=".len();
    let list = &auth[start..];
    let end = list.find(',').unwrap_or(list.len());
    list[..end].split(';').map(str::to_string).collect()
}

/// Decodes an `aws-chunked` body: the data, the chunk sizes, and the trailer lines after the
/// last chunk.
fn decode_aws_chunked(body: &[u8]) -> (Vec<u8>, Vec<usize>, String) {
    let mut data = Vec::new();
    let mut sizes = Vec::new();
    let mut rest = body;
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap(), 16)
            .expect("hex chunk size");
        rest = &rest[eol + 2..];
        if size == 0 {
            return (data, sizes, String::from_utf8(rest.to_vec()).unwrap());
        }
        sizes.push(size);
        data.extend_from_slice(&rest[..size]);
        assert_eq!(&rest[size..size + 2], b"\r\n", "chunk not ended by CRLF");
        rest = &rest[size + 2..];
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies in memory: the checksum header of every algorithm
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn each_chosen_algorithm_sends_its_header() {
    let cases = [
        (
            ChecksumAlgorithm::Crc32,
            "CRC32",
            "x-amz-checksum-crc32",
            CRC32,
        ),
        (
            ChecksumAlgorithm::Crc32c,
            "CRC32C",
            "x-amz-checksum-crc32c",
            CRC32C,
        ),
        (
            ChecksumAlgorithm::Crc64nvme,
            "CRC64NVME",
            "x-amz-checksum-crc64nvme",
            CRC64NVME,
        ),
        (ChecksumAlgorithm::Sha1, "SHA1", "x-amz-checksum-sha1", SHA1),
        (
            ChecksumAlgorithm::Sha256,
            "SHA256",
            "x-amz-checksum-sha256",
            SHA256,
        ),
    ];
    for (algorithm, name, header, want) in cases {
        let stub = StubConnector::new();
        let s3 = rboto_s3::Client::new(&config(&stub, None));
        s3.put_object()
            .bucket("bucket")
            .key("hello.txt")
            .body(HELLO)
            .checksum_algorithm(algorithm)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let sent = stub.only_request();
        assert_eq!(sent.header(header), Some(want), "{name}");
        assert_eq!(sent.header("x-amz-sdk-checksum-algorithm"), Some(name));
        assert_eq!(sent.body, HELLO, "{name}: the body is sent as it is");
        assert_eq!(sent.header("content-encoding"), None, "{name}");
        let checksum_headers = sent
            .headers
            .keys()
            .filter(|k| k.as_str().starts_with("x-amz-checksum-"))
            .count();
        assert_eq!(checksum_headers, 1, "{name}: one checksum, the chosen one");
    }
}

#[tokio::test]
async fn an_algorithm_nothing_computes_is_refused_before_sending() {
    let stub = StubConnector::new();
    let s3 = rboto_s3::Client::new(&config(&stub, None));
    let err = s3
        .put_object()
        .bucket("bucket")
        .key("k")
        .body(HELLO)
        .checksum_algorithm(ChecksumAlgorithm::Md5)
        .send()
        .await
        .expect_err("MD5 is no flexible checksum rboto computes");
    assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
    assert!(
        err.to_string()
            .contains("Unsupported checksum algorithm: md5"),
        "{err}"
    );
    assert!(stub.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Files over HTTPS: aws-chunked with a trailing checksum
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_file_over_https_is_sent_aws_chunked_with_the_crc32_trailing() {
    let dir = ScratchDir::new("rboto-checksums", "https-file", &[]).unwrap();
    let path = file_with(&dir, "hello.txt", HELLO);
    let stub = StubConnector::new();
    let s3 = rboto_s3::Client::new(&config(&stub, None));
    s3.put_object()
        .bucket("bucket")
        .key("hello.txt")
        .body(Body::from_path(&path).await.unwrap())
        .send()
        .await
        .expect("put_object");
    let sent = stub.only_request();
    assert_eq!(
        sent.uri.to_string(),
        "https://bucket.s3.amazonaws.com/hello.txt"
    );
    assert_eq!(
        String::from_utf8(sent.body.clone()).unwrap(),
        format!("d\r\nHello, world!\r\n0\r\nx-amz-checksum-crc32:{CRC32}\r\n\r\n")
    );
    assert_eq!(sent.header("content-encoding"), Some("aws-chunked"));
    assert_eq!(sent.header("transfer-encoding"), Some("chunked"));
    assert_eq!(sent.header("x-amz-trailer"), Some("x-amz-checksum-crc32"));
    assert_eq!(sent.header("x-amz-decoded-content-length"), Some("13"));
    assert_eq!(sent.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(
        sent.header("x-amz-content-sha256"),
        Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    );
    assert_eq!(sent.header("content-length"), None);
    assert_eq!(
        sent.header("x-amz-checksum-crc32"),
        None,
        "not in a header too"
    );
    let signed = signed_headers(&sent);
    for name in [
        "content-encoding",
        "x-amz-content-sha256",
        "x-amz-decoded-content-length",
        "x-amz-sdk-checksum-algorithm",
        "x-amz-trailer",
    ] {
        assert!(
            signed.iter().any(|s| s == name),
            "{name} unsigned: {signed:?}"
        );
    }
    assert!(
        !signed.iter().any(|s| s == "transfer-encoding"),
        "{signed:?}"
    );
}

#[tokio::test]
async fn a_larger_file_is_chunked_and_resent_whole_on_a_retry() {
    let dir = ScratchDir::new("rboto-checksums", "https-large", &[]).unwrap();
    let data: Vec<u8> = (0..2_500_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let path = file_with(&dir, "large.bin", &data);
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        500,
        Vec::new(),
        "<Error><Code>InternalError</Code></Error>",
    ));
    let s3 = rboto_s3::Client::new(&config(&stub, None));
    s3.put_object()
        .bucket("bucket")
        .key("large.bin")
        .body(Body::from_path(&path).await.unwrap())
        .checksum_algorithm(ChecksumAlgorithm::Crc64nvme)
        .send()
        .await
        .expect("put_object after one retry");
    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry sends the same bytes, its checksum started afresh"
    );
    let sent = &requests[1];
    let (decoded, sizes, trailer) = decode_aws_chunked(&sent.body);
    assert!(decoded == data, "decoded {} bytes", decoded.len());
    // botocore's 1 MiB chunks, whatever size the file is read in; S3 refuses a short chunk
    // that is not the last.
    assert_eq!(sizes, [1 << 20, 1 << 20, 2_500_000 - (2 << 20)]);
    let want = {
        // CRC-64/NVME, bitwise, independent of the runtime's table-driven one.
        let mut crc = u64::MAX;
        for &b in &data {
            crc ^= u64::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0x9a6c_9329_ac4b_c9b5
                } else {
                    crc >> 1
                };
            }
        }
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode((!crc).to_be_bytes())
    };
    assert_eq!(trailer, format!("x-amz-checksum-crc64nvme:{want}\r\n\r\n"));
    assert_eq!(
        sent.header("x-amz-trailer"),
        Some("x-amz-checksum-crc64nvme")
    );
    assert_eq!(
        sent.header("x-amz-sdk-checksum-algorithm"),
        Some("CRC64NVME")
    );
    assert_eq!(sent.header("x-amz-decoded-content-length"), Some("2500000"));
}

#[tokio::test]
async fn an_empty_file_sends_only_the_trailer() {
    let dir = ScratchDir::new("rboto-checksums", "https-empty", &[]).unwrap();
    let path = file_with(&dir, "empty", b"");
    let stub = StubConnector::new();
    let s3 = rboto_s3::Client::new(&config(&stub, None));
    s3.put_object()
        .bucket("bucket")
        .key("empty")
        .body(Body::from_path(&path).await.unwrap())
        .send()
        .await
        .expect("put_object");
    let sent = stub.only_request();
    assert_eq!(
        sent.body,
        b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n".to_vec()
    );
    assert_eq!(sent.header("x-amz-decoded-content-length"), Some("0"));
}

// ---------------------------------------------------------------------------------------------
// Files over plain HTTP: botocore's header checksum, read ahead, and a signed payload
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_file_over_http_gets_a_header_checksum_and_a_signed_payload() {
    let dir = ScratchDir::new("rboto-checksums", "http-file", &[]).unwrap();
    let path = file_with(&dir, "hello.txt", HELLO);
    let stub = StubConnector::new();
    let s3 = rboto_s3::Client::new(&config(&stub, Some("http://localhost:9000")));
    s3.put_object()
        .bucket("bucket")
        .key("hello.txt")
        .body(Body::from_path(&path).await.unwrap())
        .checksum_algorithm(ChecksumAlgorithm::Sha1)
        .send()
        .await
        .expect("put_object");
    let sent = stub.only_request();
    assert!(sent.uri.to_string().starts_with("http://"), "{}", sent.uri);
    assert_eq!(sent.body, HELLO);
    assert_eq!(sent.header("x-amz-checksum-sha1"), Some(SHA1));
    assert_eq!(sent.header("x-amz-sdk-checksum-algorithm"), Some("SHA1"));
    assert_eq!(sent.header("content-length"), Some("13"));
    assert_eq!(sent.header("content-encoding"), None);
    assert_eq!(sent.header("x-amz-trailer"), None);
    assert_eq!(sent.header("x-amz-content-sha256"), Some(SHA256_HEX));
}

#[tokio::test]
async fn a_file_over_http_with_the_callers_checksum_is_hashed_ahead_and_signed() {
    // The caller computed the checksum itself (a transfer manager's part): nothing is owed, but
    // botocore's signer still reads a seekable body to sign its SHA-256 when not over TLS.
    let dir = ScratchDir::new("rboto-checksums", "http-own-checksum", &[]).unwrap();
    let path = file_with(&dir, "hello.txt", HELLO);
    let stub = StubConnector::new();
    let s3 = rboto_s3::Client::new(&config(&stub, Some("http://localhost:9000")));
    s3.put_object()
        .bucket("bucket")
        .key("hello.txt")
        .body(Body::from_path(&path).await.unwrap())
        .checksum_crc32(CRC32)
        .send()
        .await
        .expect("put_object");
    let sent = stub.only_request();
    assert_eq!(sent.body, HELLO);
    assert_eq!(sent.header("x-amz-checksum-crc32"), Some(CRC32));
    assert_eq!(sent.header("x-amz-content-sha256"), Some(SHA256_HEX));
}

// ---------------------------------------------------------------------------------------------
// SSE-C
// ---------------------------------------------------------------------------------------------

// A 32-byte key; base64 and MD5 from `printf %s KEY | base64` and `| openssl md5 -binary | base64`.
const KEY: &str = "0123456789abcdef0123456789abcdef";
const KEY_B64: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const KEY_MD5: &str = "hRasmdxgYDKV3nvbahU1MA==";

#[tokio::test]
async fn sse_c_keys_are_sent_encoded_with_their_md5() {
    let stub = StubConnector::new();
    let s3 = rboto_s3::Client::new(&config(&stub, None));
    s3.put_object()
        .bucket("bucket")
        .key("secret")
        .body(HELLO)
        .sse_customer_algorithm("AES256")
        .sse_customer_key(KEY)
        .send()
        .await
        .expect("put_object");
    s3.copy_object()
        .bucket("bucket")
        .key("copy")
        .copy_source("bucket/secret")
        .copy_source_sse_customer_algorithm("AES256")
        .copy_source_sse_customer_key(KEY)
        .sse_customer_algorithm("AES256")
        .sse_customer_key(KEY)
        .send()
        .await
        .expect("copy_object");
    // A caller who gives the MD5 has encoded the key: both go as given, as in botocore.
    s3.get_object()
        .bucket("bucket")
        .key("secret")
        .sse_customer_algorithm("AES256")
        .sse_customer_key(KEY_B64)
        .sse_customer_key_md5(KEY_MD5)
        .send()
        .await
        .expect("get_object");
    let requests = stub.requests();
    let (put, copy, get) = (&requests[0], &requests[1], &requests[2]);
    for (name, req) in [("put", put), ("copy", copy), ("get", get)] {
        assert_eq!(
            req.header("x-amz-server-side-encryption-customer-key"),
            Some(KEY_B64),
            "{name}"
        );
        assert_eq!(
            req.header("x-amz-server-side-encryption-customer-key-md5"),
            Some(KEY_MD5),
            "{name}"
        );
        assert_eq!(
            req.header("x-amz-server-side-encryption-customer-algorithm"),
            Some("AES256"),
            "{name}"
        );
    }
    assert_eq!(
        copy.header("x-amz-copy-source-server-side-encryption-customer-key"),
        Some(KEY_B64)
    );
    assert_eq!(
        copy.header("x-amz-copy-source-server-side-encryption-customer-key-md5"),
        Some(KEY_MD5)
    );
}

// ---------------------------------------------------------------------------------------------
// Against moto (plain HTTP, SigV4 verification on)
// ---------------------------------------------------------------------------------------------

/// A file sent with a CRC64NVME header checksum (read ahead over HTTP) comes back with the same
/// checksum, which `get_object` checks the downloaded bytes against: a wrong digest on either
/// side would fail the read.
#[tokio::test]
async fn moto_round_trips_a_file_and_its_checksum() {
    let s = rboto_tests::moto::take_turn();
    let s3 = rboto_s3::Client::new(&s.config());
    s3.create_bucket()
        .bucket("sums")
        .send()
        .await
        .expect("create_bucket");
    let dir = ScratchDir::new("rboto-checksums", "moto-file", &[]).unwrap();
    let data: Vec<u8> = (0..150_000u32).map(|i| (i * 13 % 253) as u8).collect();
    let path = file_with(&dir, "data.bin", &data);
    s3.put_object()
        .bucket("sums")
        .key("data.bin")
        .body(Body::from_path(&path).await.unwrap())
        .checksum_algorithm(ChecksumAlgorithm::Crc64nvme)
        .send()
        .await
        .expect("put_object from a file");
    let got = s3
        .get_object()
        .bucket("sums")
        .key("data.bin")
        .send()
        .await
        .expect("get_object");
    let sent = got
        .checksum_crc64nvme
        .clone()
        .expect("the checksum comes back");
    assert_eq!(sent.len(), 12, "eight bytes in base64: {sent}");
    let bytes = got
        .body
        .expect("body")
        .collect()
        .await
        .expect("validated read");
    assert!(bytes == data, "got {} bytes back", bytes.len());
}

/// A downloaded object's body, a stream that can be read only once, uploaded again: over plain
/// HTTP it goes `aws-chunked` (three chunks) with the checksum trailing, which moto decodes
/// and keeps.
#[tokio::test]
async fn moto_decodes_a_one_shot_stream_sent_aws_chunked() {
    let s = rboto_tests::moto::take_turn();
    let s3 = rboto_s3::Client::new(&s.config());
    s3.create_bucket()
        .bucket("relay")
        .send()
        .await
        .expect("create_bucket");
    let data: Vec<u8> = (0..2_300_000u32).map(|i| (i * 31 % 241) as u8).collect();
    s3.put_object()
        .bucket("relay")
        .key("source")
        .body(data.clone())
        .send()
        .await
        .expect("put_object source");
    let source = s3
        .get_object()
        .bucket("relay")
        .key("source")
        .send()
        .await
        .expect("get_object source");
    s3.put_object()
        .bucket("relay")
        .key("copy")
        .body(source.body.expect("streaming body"))
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .send()
        .await
        .expect("put_object of a one-shot stream");
    let got = s3
        .get_object()
        .bucket("relay")
        .key("copy")
        .send()
        .await
        .expect("get_object copy");
    assert!(
        got.checksum_sha256.is_some(),
        "the trailer's checksum is kept"
    );
    assert_eq!(got.content_length, Some(data.len() as i64));
    let bytes = got
        .body
        .expect("body")
        .collect()
        .await
        .expect("validated read");
    assert!(bytes == data, "got {} bytes back", bytes.len());
}
