//! rboto-s3-transfer against moto: a >100 MiB multipart round trip through files, the single
//! request paths, streams in and out, managed copies, progress, and failures — a part that
//! fails once and is retried by the client, a part that fails for good (the upload is aborted
//! and the error names the part), and cancellation, which leaves no upload behind.
//!
//! Faults are injected by a connector in front of the real HTTP client that answers chosen
//! `UploadPart` requests itself.

use rboto::http::{BoxFuture, Connector, HttpSettings};
use rboto::{Body, Error};
use rboto_s3::types::{ChecksumAlgorithm, ServerSideEncryption};
use rboto_s3_transfer::{
    CancelToken, ExtraArgs, Progress, TransferConfig, TransferError, TransferManager, MIB,
};
use rboto_tests::moto::{take_turn, Turn};
use rboto_tests::rng::Rng;
use rboto_tests::scratch::ScratchDir;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `len` pseudo-random bytes, the same for the same seed.
fn data(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(len);
    out
}

/// 5 MiB parts (S3's smallest) from 5 MiB up, so multipart runs on small objects.
fn small_parts() -> TransferConfig {
    TransferConfig::default()
        .multipart_threshold(5 * MIB)
        .multipart_chunksize(5 * MIB)
}

async fn bucket(s3: &rboto_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .send()
        .await
        .expect("create_bucket");
}

async fn get(s3: &rboto_s3::Client, bucket: &str, key: &str) -> Vec<u8> {
    let out = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("get_object {key}: {e}"));
    out.body
        .expect("body")
        .collect()
        .await
        .expect("body")
        .to_vec()
}

async fn open_uploads(s3: &rboto_s3::Client, bucket: &str) -> usize {
    let out = s3
        .list_multipart_uploads()
        .bucket(bucket)
        .send()
        .await
        .expect("list_multipart_uploads");
    out.uploads.map_or(0, |u| u.len())
}

/// Records every progress report; checks they only grow.
#[derive(Clone, Default)]
struct Reports(Arc<Mutex<Vec<Progress>>>);

impl Reports {
    fn callback(&self) -> impl Fn(Progress) + Send + Sync + 'static {
        let all = self.0.clone();
        move |p| all.lock().unwrap().push(p)
    }

    fn last(&self) -> Progress {
        let all = self.0.lock().unwrap();
        for w in all.windows(2) {
            assert!(
                w[0].bytes_done <= w[1].bytes_done,
                "progress went back: {w:?}"
            );
        }
        *all.last().expect("at least one progress report")
    }

    /// How much each report added to the one before.
    fn steps(&self) -> Vec<u64> {
        let all = self.0.lock().unwrap();
        let mut before = 0;
        all.iter()
            .map(|p| {
                let step = p.bytes_done - before;
                before = p.bytes_done;
                step
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The fault-injecting connector
// ---------------------------------------------------------------------------------------------

/// What the connector does to `UploadPart` of one part number, or to the ranged `GetObject`
/// starting at one offset.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// `UploadPart`: answers HTTP 500 `InternalError` (retryable) this many times, then
    /// forwards. `GetObject`: forwards, but cuts the body to half this many times.
    FailTimes(u32),
    /// Answers HTTP 403 `AccessDenied` (not retryable) every time.
    Deny,
}

#[derive(Debug)]
struct State {
    http: rboto::http::HttpClient,
    fault: Option<(u32, Fault)>,
    range_fault: Option<(u64, Fault)>,
    failures: AtomicU32,
    /// The `Range` of every `GetObject` that had one.
    ranges: Mutex<Vec<String>>,
    /// Every `UploadPart` is held this long before it is forwarded.
    part_delay: Duration,
    /// `METHOD path?query` of every request forwarded or answered.
    log: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// (part number, `x-amz-checksum-crc32`) of every `UploadPart` forwarded.
    part_checksums: Mutex<Vec<(u32, Option<String>)>>,
    /// The `x-amz-checksum-algorithm` of `CreateMultipartUpload`, and the XML body of
    /// `CompleteMultipartUpload`.
    create_algorithm: Mutex<Option<String>>,
    complete_body: Mutex<Option<String>>,
}

#[derive(Clone, Debug)]
struct FaultyConnector(Arc<State>);

impl FaultyConnector {
    fn new(fault: Option<(u32, Fault)>, part_delay: Duration) -> Self {
        Self::build(fault, None, part_delay)
    }

    /// A connector that disturbs the ranged `GetObject` from byte `start`.
    fn ranged(start: u64, fault: Fault) -> Self {
        Self::build(None, Some((start, fault)), Duration::ZERO)
    }

    fn build(
        fault: Option<(u32, Fault)>,
        range_fault: Option<(u64, Fault)>,
        part_delay: Duration,
    ) -> Self {
        FaultyConnector(Arc::new(State {
            http: rboto::http::HttpClient::new(&HttpSettings::default()).expect("http client"),
            fault,
            range_fault,
            failures: AtomicU32::new(0),
            ranges: Mutex::new(Vec::new()),
            part_delay,
            log: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            part_checksums: Mutex::new(Vec::new()),
            create_algorithm: Mutex::new(None),
            complete_body: Mutex::new(None),
        }))
    }

    fn log(&self) -> Vec<String> {
        self.0.log.lock().unwrap().clone()
    }

    fn ranges(&self) -> Vec<String> {
        self.0.ranges.lock().unwrap().clone()
    }

    /// How many requests of `method` had `param` (`name` or `name=value`) in their query.
    fn count(&self, method: &str, param: &str) -> usize {
        self.log()
            .iter()
            .filter(|l| l.starts_with(&format!("{method} ")))
            .filter(|l| {
                let query = l.split_once('?').map_or("", |(_, q)| q);
                param.is_empty()
                    || query.split('&').any(|kv| {
                        kv == param || (!param.contains('=') && kv.split('=').next() == Some(param))
                    })
            })
            .count()
    }
}

/// The `partNumber` of an `UploadPart` (a PUT with one and no copy source).
fn upload_part_number(req: &http::Request<Body>) -> Option<u32> {
    if req.method() != http::Method::PUT || req.headers().contains_key("x-amz-copy-source") {
        return None;
    }
    req.uri()
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("partNumber="))?
        .parse()
        .ok()
}

fn s3_error(status: u16, code: &str) -> http::Response<Body> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
         <Message>injected by the test</Message><RequestId>TEST</RequestId></Error>"
    );
    http::Response::builder()
        .status(status)
        .header("content-type", "application/xml")
        .body(Body::from(xml))
        .unwrap()
}

impl Connector for FaultyConnector {
    fn send(&self, req: http::Request<Body>) -> BoxFuture<'_, Result<http::Response<Body>, Error>> {
        Box::pin(async move {
            let s = &self.0;
            let line = format!(
                "{} {}?{}",
                req.method(),
                req.uri().path(),
                req.uri().query().unwrap_or("")
            );
            s.log.lock().unwrap().push(line);
            let header = |name: &str| {
                req.headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string())
            };
            if req.method() == http::Method::POST {
                let query = req.uri().query().unwrap_or("");
                if query
                    .split('&')
                    .any(|kv| kv == "uploads" || kv == "uploads=")
                {
                    *s.create_algorithm.lock().unwrap() = header("x-amz-checksum-algorithm");
                } else if query.contains("uploadId=") {
                    let body = req.body().bytes().expect("an XML body in memory");
                    *s.complete_body.lock().unwrap() =
                        Some(String::from_utf8(body.to_vec()).unwrap());
                }
            }
            let range = header("range");
            if let (true, Some(range)) = (req.method() == http::Method::GET, range) {
                s.ranges.lock().unwrap().push(range.clone());
                if let Some((start, fault)) = s.range_fault {
                    if range.starts_with(&format!("bytes={start}-")) {
                        return match fault {
                            Fault::Deny => Ok(s3_error(403, "AccessDenied")),
                            Fault::FailTimes(times)
                                if s.failures.fetch_add(1, Ordering::SeqCst) < times =>
                            {
                                let (head, body) = s.http.send(req).await?.into_parts();
                                let full = body.collect().await.map_err(|e| e.into_error())?;
                                let short = full.slice(..full.len() / 2);
                                Ok(http::Response::from_parts(head, Body::from(short)))
                            }
                            Fault::FailTimes(_) => s.http.send(req).await,
                        };
                    }
                }
            }
            let Some(part) = upload_part_number(&req) else {
                return s.http.send(req).await;
            };
            s.part_checksums
                .lock()
                .unwrap()
                .push((part, header("x-amz-checksum-crc32")));
            let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            s.max_in_flight.fetch_max(now, Ordering::SeqCst);
            struct Leave<'a>(&'a AtomicUsize);
            impl Drop for Leave<'_> {
                fn drop(&mut self) {
                    self.0.fetch_sub(1, Ordering::SeqCst);
                }
            }
            let _leave = Leave(&s.in_flight);
            tokio::time::sleep(s.part_delay).await;
            match s.fault {
                Some((n, Fault::Deny)) if n == part => Ok(s3_error(403, "AccessDenied")),
                Some((n, Fault::FailTimes(times)))
                    if n == part && s.failures.fetch_add(1, Ordering::SeqCst) < times =>
                {
                    // Read whole first, as by a server failing once the part has arrived.
                    req.into_body()
                        .collect()
                        .await
                        .map_err(|e| e.into_error())?;
                    Ok(s3_error(500, "InternalError"))
                }
                _ => s.http.send(req).await,
            }
        })
    }
}

/// A client for this turn's moto whose requests go through `connector`.
fn client_through(turn: &Turn, connector: &FaultyConnector) -> rboto_s3::Client {
    rboto_s3::Client::new(&turn.builder().connector(connector.clone()).build())
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

/// 100 MiB and a bit through upload_file and download_file with boto3's defaults: 13 parts
/// of 8 MiB up (the ETag of a multipart object ends in `-13`), 13 ranges down, the same bytes
/// back, and progress that ends at the total.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_over_100_mib_round_trips_multipart_byte_exact() {
    let turn = take_turn();
    let s3 = rboto_s3::Client::new(&turn.config());
    bucket(&s3, "big").await;
    let dir = ScratchDir::new("rboto-s3-transfer", "big", &[]).unwrap();
    let size = 100 * MIB as usize + 12_345;
    let original = data(1, size);
    let source = dir.join("source.bin");
    std::fs::write(&source, &original).unwrap();

    let tm = TransferManager::new(s3.clone());
    let up = Reports::default();
    let out = tm
        .upload_file(&source, "big", "objects/big.bin")
        .on_progress(up.callback())
        .await
        .expect("upload_file");
    assert_eq!(out.parts, Some(13), "{out:?}");
    assert_eq!(out.bytes, size as u64);
    assert_eq!(up.last().bytes_done, size as u64);
    assert_eq!(up.last().total, Some(size as u64));
    // Reported as the file is read to be sent, at least every 64 KiB (the runtime's file
    // chunk), not once per part.
    let steps = up.steps();
    assert!(
        steps.len() as u64 >= size as u64 / (64 * 1024),
        "{}",
        steps.len()
    );
    assert!(steps.iter().all(|&s| 0 < s && s <= 64 * 1024), "{steps:?}");

    let head = s3
        .head_object()
        .bucket("big")
        .key("objects/big.bin")
        .send()
        .await
        .expect("head_object");
    assert_eq!(head.content_length, Some(size as i64));
    let e_tag = head.e_tag.clone().expect("ETag");
    assert!(e_tag.trim_matches('"').ends_with("-13"), "{e_tag}");
    assert_eq!(open_uploads(&s3, "big").await, 0);

    let target = dir.join("copy.bin");
    std::fs::write(&target, b"old contents, replaced").unwrap();
    let down = Reports::default();
    let out = tm
        .download_file("big", "objects/big.bin", &target)
        .on_progress(down.callback())
        .await
        .expect("download_file");
    assert_eq!(out.parts, Some(13));
    assert_eq!(out.e_tag.as_deref(), Some(e_tag.as_str()));
    assert_eq!(down.last().bytes_done, size as u64);
    assert_eq!(down.last().total, Some(size as u64));
    let back = std::fs::read(&target).unwrap();
    assert_eq!(back.len(), size);
    assert!(back == original, "the downloaded bytes differ");
    let names: Vec<_> = std::fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
}

/// Below the threshold: one PutObject with the extra args, one GetObject back.
#[tokio::test]
async fn a_small_file_takes_one_put_object_with_its_extra_args() {
    let turn = take_turn();
    let connector = FaultyConnector::new(None, Duration::ZERO);
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "small").await;
    let dir = ScratchDir::new("rboto-s3-transfer", "small", &[]).unwrap();
    let original = data(2, 70_000);
    let source = dir.join("small.txt");
    std::fs::write(&source, &original).unwrap();

    let tm = TransferManager::new(s3.clone());
    let progress = Reports::default();
    let out = tm
        .upload_file(&source, "small", "small.txt")
        .extra_args(
            ExtraArgs::new()
                .content_type("text/plain")
                .metadata("origin", "test"),
        )
        .on_progress(progress.callback())
        .await
        .expect("upload_file");
    assert_eq!(out.parts, None);
    assert_eq!(progress.last().bytes_done, 70_000);
    assert_eq!(connector.count("PUT", ""), 2, "{:?}", connector.log()); // bucket + object
    assert_eq!(connector.count("POST", "uploads"), 0, "no multipart upload");

    let head = s3
        .head_object()
        .bucket("small")
        .key("small.txt")
        .send()
        .await
        .expect("head_object");
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert_eq!(
        head.metadata
            .as_ref()
            .and_then(|m| m.get("origin"))
            .map(String::as_str),
        Some("test")
    );
    assert!(!head.e_tag.unwrap().contains('-'), "a single-part ETag");

    let target = dir.join("back.txt");
    let out = tm
        .download_file("small", "small.txt", &target)
        .await
        .expect("download_file");
    assert_eq!(out.parts, None, "one GetObject");
    assert_eq!(std::fs::read(&target).unwrap(), original);
    assert_eq!(connector.ranges(), Vec::<String>::new(), "no ranged GET");
}

/// A stream goes up multipart (its size unknown beforehand) and comes back into a writer in
/// order; a short stream is one PutObject.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_upload_from_async_read_and_download_to_async_write() {
    let turn = take_turn();
    let s3 = rboto_s3::Client::new(&turn.config());
    bucket(&s3, "streams").await;
    let tm = TransferManager::new(s3.clone()).with_config(small_parts().max_concurrency(2));
    let original = data(3, 11 * MIB as usize + 7);

    let progress = Reports::default();
    let out = tm
        .upload(&original[..], "streams", "big")
        .on_progress(progress.callback())
        .await
        .expect("upload from AsyncRead");
    assert_eq!(out.parts, Some(3), "5 + 5 + 1 MiB");
    assert_eq!(out.bytes, original.len() as u64);
    let last = progress.last();
    assert_eq!(last.bytes_done, original.len() as u64);
    assert_eq!(last.total, Some(original.len() as u64), "known once read");

    let mut back: Vec<u8> = Vec::new();
    let out = tm
        .download("streams", "big", &mut back)
        .await
        .expect("download to AsyncWrite");
    assert_eq!(out.parts, Some(3));
    assert_eq!(back.len(), original.len());
    assert!(back == original, "the streamed bytes differ");

    let out = tm
        .upload(&b"short stream"[..], "streams", "short")
        .await
        .expect("short upload");
    assert_eq!(out.parts, None);
    let mut back = Vec::new();
    tm.download("streams", "short", &mut back).await.unwrap();
    assert_eq!(back, b"short stream");
}

/// Managed copy: CopyObject below the threshold; above it UploadPartCopy ranges, the source's
/// content type and metadata carried over.
#[tokio::test]
async fn copies_take_copy_object_or_upload_part_copy() {
    let turn = take_turn();
    let connector = FaultyConnector::new(None, Duration::ZERO);
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "copy-from").await;
    bucket(&s3, "copy-to").await;
    let original = data(4, 11 * MIB as usize);
    let tm = TransferManager::new(s3.clone()).with_config(small_parts());
    tm.upload(&original[..], "copy-from", "dir/source object")
        .extra_args(
            ExtraArgs::new()
                .content_type("application/x-test")
                .metadata("k", "v"),
        )
        .await
        .expect("upload source");

    let out = tm
        .copy(("copy-from", "dir/source object"), "copy-to", "copied")
        .await
        .expect("multipart copy");
    assert_eq!(out.parts, Some(3));
    assert_eq!(
        connector.count("PUT", "partNumber=3"),
        2,
        "{:?}",
        connector.log()
    );
    assert!(
        get(&s3, "copy-to", "copied").await == original,
        "copied bytes differ"
    );
    let head = s3
        .head_object()
        .bucket("copy-to")
        .key("copied")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type.as_deref(), Some("application/x-test"));
    assert_eq!(
        head.metadata
            .as_ref()
            .and_then(|m| m.get("k"))
            .map(String::as_str),
        Some("v")
    );

    s3.put_object()
        .bucket("copy-from")
        .key("tiny")
        .body(&b"tiny object"[..])
        .send()
        .await
        .unwrap();
    let out = tm
        .copy(("copy-from", "tiny"), "copy-to", "tiny copy")
        .await
        .expect("small copy");
    assert_eq!(out.parts, None);
    assert_eq!(get(&s3, "copy-to", "tiny copy").await, b"tiny object");
}

// ---------------------------------------------------------------------------------------------
// Failures and cancellation
// ---------------------------------------------------------------------------------------------

/// Part 2 answers 500 once: the client retries it, the upload completes with the right bytes,
/// and no more than max_concurrency parts were ever in flight (while more than one was).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_that_fails_once_is_retried_by_the_client() {
    let turn = take_turn();
    let connector = FaultyConnector::new(Some((2, Fault::FailTimes(1))), Duration::from_millis(50));
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "retry").await;
    let original = data(5, 21 * MIB as usize);
    let tm = TransferManager::new(s3.clone()).with_config(small_parts().max_concurrency(3));
    let out = tm
        .upload(&original[..], "retry", "obj")
        .await
        .expect("upload survives one failed part");
    assert_eq!(out.parts, Some(5));
    assert_eq!(
        connector.count("PUT", "partNumber=2"),
        2,
        "{:?}",
        connector.log()
    );
    assert_eq!(connector.count("PUT", "partNumber=1"), 1);
    let max = connector.0.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "parts in flight at once: {max}");
    assert!(get(&s3, "retry", "obj").await == original);

    // Each part went with the CRC32 of its own bytes, and CompleteMultipartUpload listed
    // every part in order with its ETag and that checksum.
    assert_eq!(
        connector.0.create_algorithm.lock().unwrap().as_deref(),
        Some("CRC32")
    );
    let sent = connector.0.part_checksums.lock().unwrap().clone();
    assert_eq!(sent.len(), 6, "5 parts, part 2 twice: {sent:?}");
    let complete = connector.0.complete_body.lock().unwrap().clone().unwrap();
    let mut at = 0;
    for (i, chunk) in original.chunks(5 * MIB as usize).enumerate() {
        let n = i as u32 + 1;
        let crc = crc32_base64(chunk);
        for (part, sum) in sent.iter().filter(|(p, _)| *p == n) {
            assert_eq!(sum.as_deref(), Some(crc.as_str()), "part {part}");
        }
        let entry = format!("<PartNumber>{n}</PartNumber>");
        let found = complete[at..].find(&entry).expect(&entry) + at;
        let close = complete[found..].find("</Part>").unwrap() + found;
        let part_xml = &complete[..close];
        let part_xml = &part_xml[part_xml.rfind("<Part>").unwrap()..];
        assert!(
            part_xml.contains(&format!("<ChecksumCRC32>{crc}</ChecksumCRC32>")),
            "{part_xml}"
        );
        assert!(part_xml.contains("<ETag>"), "{part_xml}");
        at = close;
    }
}

/// A part of a file that was sent whole and failed is sent again from the file: the object
/// has the right bytes, and progress counts the part once (reported as it is read, never past
/// what was read before, ending at the size).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_part_sent_again_is_read_again_and_counted_once() {
    let turn = take_turn();
    let connector = FaultyConnector::new(Some((2, Fault::FailTimes(1))), Duration::ZERO);
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "file-retry").await;
    let dir = ScratchDir::new("rboto-s3-transfer", "file-retry", &[]).unwrap();
    let original = data(11, 12 * MIB as usize + 3);
    let source = dir.join("source.bin");
    std::fs::write(&source, &original).unwrap();
    let tm = TransferManager::new(s3.clone()).with_config(small_parts());
    let progress = Reports::default();
    let out = tm
        .upload_file(&source, "file-retry", "obj")
        .on_progress(progress.callback())
        .await
        .expect("upload survives one failed part");
    assert_eq!(out.parts, Some(3));
    assert_eq!(connector.count("PUT", "partNumber=2"), 2);
    assert!(get(&s3, "file-retry", "obj").await == original);
    let last = progress.last();
    assert_eq!(last.bytes_done, original.len() as u64);
    let steps = progress.steps();
    assert!(steps.iter().all(|&s| 0 < s && s <= 64 * 1024), "{steps:?}");
    let sent = connector.0.part_checksums.lock().unwrap().clone();
    let crc2 = crc32_base64(&original[5 * MIB as usize..10 * MIB as usize]);
    let part2: Vec<_> = sent.iter().filter(|(p, _)| *p == 2).collect();
    assert_eq!(part2.len(), 2, "{sent:?}");
    assert!(part2
        .iter()
        .all(|(_, sum)| sum.as_deref() == Some(crc2.as_str())));
}

fn crc32_base64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(crc32fast::hash(data).to_be_bytes())
}

/// Part 2 is denied every time: the upload is aborted (no upload left open, no object), and
/// the error names part 2 with S3's error as its source.
#[tokio::test]
async fn a_part_that_fails_for_good_aborts_the_upload() {
    let turn = take_turn();
    let connector = FaultyConnector::new(Some((2, Fault::Deny)), Duration::ZERO);
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "deny").await;
    let dir = ScratchDir::new("rboto-s3-transfer", "deny", &[]).unwrap();
    let source = dir.join("source.bin");
    std::fs::write(&source, data(6, 16 * MIB as usize)).unwrap();
    let tm = TransferManager::new(s3.clone()).with_config(small_parts());

    let err = tm
        .upload_file(&source, "deny", "obj")
        .await
        .expect_err("a denied part fails the upload");
    assert_eq!(err.part_number(), Some(2), "{err}");
    let TransferError::Part {
        operation,
        source,
        abort_error,
        ..
    } = &err
    else {
        panic!("not a part error: {err:?}");
    };
    assert_eq!(*operation, "UploadPart");
    assert_eq!(source.code(), Some("AccessDenied"));
    assert!(abort_error.is_none(), "the abort worked");
    assert!(
        err.to_string().starts_with("part 2 failed (UploadPart): "),
        "{err}"
    );
    let chained = std::error::Error::source(&err).expect("source");
    assert!(chained.to_string().contains("AccessDenied"), "{chained}");

    assert_eq!(
        connector.count("PUT", "partNumber=2"),
        1,
        "403 is not retried"
    );
    assert_eq!(
        connector.count("DELETE", "uploadId"),
        1,
        "{:?}",
        connector.log()
    );
    assert_eq!(open_uploads(&s3, "deny").await, 0);
    let missing = s3.head_object().bucket("deny").key("obj").send().await;
    assert!(missing.is_err(), "no object was made");
}

/// Cancelling once the first part is done stops the rest and aborts the upload; cancelling a
/// download removes its temporary file and leaves the destination alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_aborts_the_upload_and_leaves_nothing_behind() {
    let turn = take_turn();
    let connector = FaultyConnector::new(None, Duration::from_millis(300));
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "cancel").await;
    let tm = TransferManager::new(s3.clone()).with_config(small_parts().max_concurrency(2));
    let original = data(7, 26 * MIB as usize);

    let token = CancelToken::new();
    let on_part = token.clone();
    let err = tm
        .upload(&original[..], "cancel", "obj")
        .cancel_token(token.clone())
        .on_progress(move |_| on_part.cancel())
        .await
        .expect_err("cancelled");
    assert!(err.is_cancelled(), "{err:?}");
    assert!(
        connector.count("PUT", "partNumber=3") == 0,
        "no part started after the cancel: {:?}",
        connector.log()
    );
    assert_eq!(connector.count("DELETE", "uploadId"), 1);
    assert_eq!(open_uploads(&s3, "cancel").await, 0);

    // A token cancelled beforehand stops a download before it writes anything.
    s3.put_object()
        .bucket("cancel")
        .key("small")
        .body(&b"abc"[..])
        .send()
        .await
        .unwrap();
    let dir = ScratchDir::new("rboto-s3-transfer", "cancel", &[]).unwrap();
    let target = dir.join("out.bin");
    let err = tm
        .download_file("cancel", "small", &target)
        .cancel_token(token)
        .await
        .expect_err("cancelled");
    assert!(err.is_cancelled());
    assert_eq!(std::fs::read_dir(&*dir).unwrap().count(), 0);
}

/// Dropping the future of a multipart upload aborts it from a background task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_an_upload_aborts_it_in_the_background() {
    let turn = take_turn();
    let connector = FaultyConnector::new(None, Duration::from_secs(30));
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "dropped").await;
    let tm = TransferManager::new(s3.clone()).with_config(small_parts());
    let original = data(8, 12 * MIB as usize);
    let upload = tm.upload(&original[..], "dropped", "obj").into_future();
    let timed_out = tokio::time::timeout(Duration::from_millis(500), upload).await;
    assert!(timed_out.is_err(), "parts are held for 30 s");
    assert_eq!(
        connector.count("POST", "uploads"),
        1,
        "{:?}",
        connector.log()
    );
    for _ in 0..50 {
        if connector.count("DELETE", "uploadId") == 1 && open_uploads(&s3, "dropped").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the upload was not aborted: {:?}", connector.log());
}

/// Settings no transfer can use are refused before any request.
#[tokio::test]
async fn an_unusable_config_is_a_typed_error() {
    let connector = FaultyConnector::new(None, Duration::ZERO);
    let config = rboto::Config::builder()
        .region("us-east-1")
        .credentials(rboto::Credentials::new("AKID", "SECRET", None))
        .connector(connector.clone())
        .build();
    let tm = TransferManager::new(rboto_s3::Client::new(&config))
        .with_config(TransferConfig::default().max_concurrency(0));
    let err = tm.upload(&b"x"[..], "b", "k").await.unwrap_err();
    assert!(matches!(err, TransferError::InvalidConfig(_)), "{err:?}");
    assert!(connector.log().is_empty());
}

/// A range whose body ends short is requested again (progress counts its bytes once); a range
/// denied for good fails the download with its part number and leaves the destination as it
/// was, with no temporary file.
#[tokio::test]
async fn a_short_range_is_fetched_again_and_a_failed_download_keeps_the_destination() {
    let turn = take_turn();
    let s3 = rboto_s3::Client::new(&turn.config());
    bucket(&s3, "ranges").await;
    let original = data(9, 12 * MIB as usize);
    s3.put_object()
        .bucket("ranges")
        .key("obj")
        .body(original.clone())
        .send()
        .await
        .expect("put_object");
    let dir = ScratchDir::new("rboto-s3-transfer", "ranges", &[]).unwrap();
    let target = dir.join("out.bin");

    let short = FaultyConnector::ranged(5 * MIB, Fault::FailTimes(1));
    let tm = TransferManager::new(client_through(&turn, &short)).with_config(small_parts());
    let progress = Reports::default();
    let out = tm
        .download_file("ranges", "obj", &target)
        .on_progress(progress.callback())
        .await
        .expect("a short range is retried");
    assert_eq!(out.parts, Some(3));
    assert!(std::fs::read(&target).unwrap() == original, "bytes differ");
    let second = format!("bytes={}-{}", 5 * MIB, 10 * MIB - 1);
    let ranges = short.ranges();
    assert_eq!(
        ranges.iter().filter(|r| **r == second).count(),
        2,
        "{ranges:?}"
    );
    assert_eq!(ranges.len(), 4);
    assert_eq!(progress.last().bytes_done, original.len() as u64);

    let denied = FaultyConnector::ranged(5 * MIB, Fault::Deny);
    let tm = TransferManager::new(client_through(&turn, &denied)).with_config(small_parts());
    std::fs::write(&target, b"keep me").unwrap();
    let err = tm
        .download_file("ranges", "obj", &target)
        .await
        .expect_err("a denied range fails the download");
    assert_eq!(err.part_number(), Some(2), "{err}");
    assert_eq!(err.s3_error().and_then(|e| e.code()), Some("AccessDenied"));
    assert!(
        err.to_string().starts_with("part 2 failed (GetObject): "),
        "{err}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read_dir(&*dir).unwrap().count(),
        1,
        "no temporary file"
    );
}

/// Extra args reach a multipart upload: encryption and content type on the object, and a
/// chosen checksum algorithm (SHA-256) on every part and in CompleteMultipartUpload.
#[tokio::test]
async fn extra_args_reach_every_request_of_a_multipart_upload() {
    let turn = take_turn();
    let connector = FaultyConnector::new(None, Duration::ZERO);
    let s3 = client_through(&turn, &connector);
    bucket(&s3, "extras").await;
    let original = data(10, 6 * MIB as usize);
    let tm = TransferManager::new(s3.clone()).with_config(small_parts());
    let out = tm
        .upload(&original[..], "extras", "obj")
        .extra_args(
            ExtraArgs::new()
                .content_type("application/octet-stream+test")
                .server_side_encryption(ServerSideEncryption::Aes256)
                .checksum_algorithm(ChecksumAlgorithm::Sha256),
        )
        .await
        .expect("upload");
    assert_eq!(out.parts, Some(2));
    assert_eq!(
        connector.0.create_algorithm.lock().unwrap().as_deref(),
        Some("SHA256")
    );
    let complete = connector.0.complete_body.lock().unwrap().clone().unwrap();
    assert_eq!(
        complete.matches("<ChecksumSHA256>").count(),
        2,
        "{complete}"
    );
    assert_eq!(complete.matches("<ChecksumCRC32>").count(), 0, "{complete}");
    let head = s3
        .head_object()
        .bucket("extras")
        .key("obj")
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.content_type.as_deref(),
        Some("application/octet-stream+test")
    );
    assert_eq!(
        head.server_side_encryption,
        Some(ServerSideEncryption::Aes256)
    );
    assert!(get(&s3, "extras", "obj").await == original);
}
