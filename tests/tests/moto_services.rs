//! S3 (rest-xml) and EC2 (ec2 protocol) end to end against moto's server, SigV4 verification on:
//! the seed's examples, streaming downloads, awkward keys, batch deletes, a multipart upload,
//! modeled errors and path-style addressing with a custom endpoint.

use rboto::config::S3AddressingStyle;
use rboto::ErrorKind;
use rboto_tests::moto::{take_turn as session, Turn};
use std::time::{Duration, Instant};

fn s3(s: &Turn) -> rboto_s3::Client {
    rboto_s3::Client::new(&s.config())
}

/// Waits (briefly) until moto's request log holds a line containing `needle`.
fn wait_for_log_line(s: &Turn, needle: &str) -> String {
    let log = s.server().log_path().to_path_buf();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(needle)) {
            return line.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "moto's log {} has no line containing {needle:?}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Deterministic, non-repeating-looking test bytes.
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

async fn create_bucket(s3: &rboto_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_bucket {name}: {e}"));
}

// ---------------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn s3_seed_put_object_then_get_and_head() {
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "my-bucket").await;

    // The seed's example: put_object(Body='Hello, world!', Bucket='my-bucket', Key='hello.txt').
    let put = s3
        .put_object()
        .body("Hello, world!")
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .await
        .expect("put_object");
    // S3's ETag of a single-part upload is the quoted MD5 of the bytes.
    let md5_of_hello = "\"6cd3556deb0da54bca060b4c39479839\"";
    assert_eq!(put.e_tag.as_deref(), Some(md5_of_hello));

    let got = s3
        .get_object()
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .await
        .expect("get_object");
    assert_eq!(got.content_length, Some(13));
    assert_eq!(got.e_tag.as_deref(), Some(md5_of_hello));
    // put_object sent a CRC32 and get_object asked for it back (ChecksumMode=ENABLED, as
    // botocore fills it): reading the body below checks the bytes against it.
    assert_eq!(got.checksum_crc32.as_deref(), Some("6+bG5g=="));
    let bytes = got
        .body
        .expect("streaming body")
        .collect()
        .await
        .expect("body read");
    assert_eq!(&bytes[..], b"Hello, world!");

    let head = s3
        .head_object()
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .await
        .expect("head_object");
    assert_eq!(head.content_length, Some(13));
    assert_eq!(head.e_tag.as_deref(), Some(md5_of_hello));
    assert!(head.last_modified.is_some(), "{head:?}");
}

#[tokio::test]
async fn s3_put_object_from_a_file() {
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "files").await;
    let dir = rboto_tests::scratch::ScratchDir::new("rboto-moto-s3", "file", &[]).unwrap();
    let path = dir.join("report.bin");
    let data = pattern(300_000, 3);
    std::fs::write(&path, &data).unwrap();
    s3.put_object()
        .bucket("files")
        .key("report.bin")
        .body(rboto::Body::from_path(&path).await.expect("open"))
        .send()
        .await
        .expect("put_object from a file");
    let got = s3
        .get_object()
        .bucket("files")
        .key("report.bin")
        .send()
        .await
        .expect("get_object");
    assert_eq!(got.content_length, Some(data.len() as i64));
    let bytes = got.body.expect("body").collect().await.expect("read");
    assert!(bytes == data, "got {} bytes back", bytes.len());
}

#[tokio::test]
async fn s3_get_object_streams_a_large_body_in_chunks() {
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "big").await;
    let data = pattern(1024 * 1024 + 17, 7);
    s3.put_object()
        .bucket("big")
        .key("one-mib.bin")
        .body(data.clone())
        .send()
        .await
        .expect("put_object");

    let got = s3
        .get_object()
        .bucket("big")
        .key("one-mib.bin")
        .send()
        .await
        .expect("get_object");
    assert_eq!(got.content_length, Some(data.len() as i64));
    let mut body = got.body.expect("streaming body");
    let mut received = Vec::with_capacity(data.len());
    let mut chunks = 0;
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.expect("chunk");
        assert!(
            chunk.len() < data.len(),
            "the whole body arrived as one chunk"
        );
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(chunks > 1, "{chunks} chunk(s): the body was not streamed");
    assert_eq!(received.len(), data.len());
    assert!(received == data, "downloaded bytes differ from the upload");
}

#[tokio::test]
async fn s3_list_objects_v2_with_awkward_keys() {
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "awkward").await;
    let keys = [
        "plain.txt",
        "with space/and  two spaces.txt",
        "ünïcödé/日本語 ファイル.txt",
        "a+b=c&d.txt",
        "tilde~percent%25star*(paren).txt",
        "dir/sub/leaf",
    ];
    for (i, key) in keys.iter().enumerate() {
        s3.put_object()
            .bucket("awkward")
            .key(*key)
            .body(format!("object {i}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put_object {key:?}: {e}"));
    }

    let listed = s3
        .list_objects_v2()
        .bucket("awkward")
        .send()
        .await
        .expect("list_objects_v2");
    let mut got: Vec<String> = listed
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    got.sort();
    let mut want: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(listed.key_count, Some(keys.len() as i32));
    assert_eq!(listed.is_truncated, Some(false));
    assert_eq!(listed.name.as_deref(), Some("awkward"));

    // A prefix and a delimiter (query parameters with a slash).
    let dirs = s3
        .list_objects_v2()
        .bucket("awkward")
        .delimiter("/")
        .send()
        .await
        .expect("list_objects_v2 with delimiter");
    let mut prefixes: Vec<String> = dirs
        .common_prefixes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.prefix)
        .collect();
    prefixes.sort();
    assert_eq!(prefixes, ["dir/", "with space/", "ünïcödé/"]);

    // Each awkward key reads back: the URI label was encoded the way the signer and moto agree.
    for (i, key) in keys.iter().enumerate() {
        let got = s3
            .get_object()
            .bucket("awkward")
            .key(*key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("get_object {key:?}: {e}"));
        let body = got.body.expect("body").collect().await.expect("read");
        assert_eq!(body, format!("object {i}").as_bytes(), "{key:?}");
    }
}

#[tokio::test]
async fn s3_delete_objects_reports_each_deleted_key() {
    use rboto_s3::types::{Delete, ObjectIdentifier};
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "deletions").await;
    let keys = ["one", "two words", "three/deep", "keep-me"];
    for key in keys {
        s3.put_object()
            .bucket("deletions")
            .key(key)
            .body("x")
            .send()
            .await
            .expect("put_object");
    }
    let doomed = &keys[..3];
    let deleted = s3
        .delete_objects()
        .bucket("deletions")
        .delete(
            Delete::default().objects(
                doomed
                    .iter()
                    .map(|k| ObjectIdentifier::default().key(*k))
                    .collect::<Vec<_>>(),
            ),
        )
        .send()
        .await
        .expect("delete_objects");
    assert!(deleted.errors.unwrap_or_default().is_empty());
    let mut gone: Vec<String> = deleted
        .deleted
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.key)
        .collect();
    gone.sort();
    let mut want: Vec<String> = doomed.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(gone, want);

    let left = s3
        .list_objects_v2()
        .bucket("deletions")
        .send()
        .await
        .expect("list_objects_v2");
    let left: Vec<String> = left
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(left, ["keep-me"]);
}

#[tokio::test]
async fn s3_multipart_upload_round_trips() {
    use rboto_s3::types::{CompletedMultipartUpload, CompletedPart};
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "multipart").await;
    let first = pattern(5 * 1024 * 1024, 1);
    let second = pattern(123_457, 2);

    let created = s3
        .create_multipart_upload()
        .bucket("multipart")
        .key("big/object.bin")
        .send()
        .await
        .expect("create_multipart_upload");
    assert_eq!(created.bucket.as_deref(), Some("multipart"));
    assert_eq!(created.key.as_deref(), Some("big/object.bin"));
    let upload_id = created.upload_id.expect("upload id");

    let mut parts = Vec::new();
    for (number, data) in [(1, &first), (2, &second)] {
        let part = s3
            .upload_part()
            .bucket("multipart")
            .key("big/object.bin")
            .upload_id(&upload_id)
            .part_number(number)
            .body(data.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload_part {number}: {e}"));
        let etag = part.e_tag.expect("part etag");
        assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
        parts.push(CompletedPart::default().e_tag(etag).part_number(number));
    }

    let done = s3
        .complete_multipart_upload()
        .bucket("multipart")
        .key("big/object.bin")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload::default().parts(parts))
        .send()
        .await
        .expect("complete_multipart_upload");
    assert_eq!(done.key.as_deref(), Some("big/object.bin"));
    // A multipart ETag is "<md5 of the part md5s>-<number of parts>".
    let etag = done.e_tag.expect("etag");
    assert!(etag.ends_with("-2\""), "{etag}");

    let got = s3
        .get_object()
        .bucket("multipart")
        .key("big/object.bin")
        .send()
        .await
        .expect("get_object");
    assert_eq!(
        got.content_length,
        Some((first.len() + second.len()) as i64)
    );
    assert_eq!(got.e_tag.as_deref(), Some(etag.as_str()));
    let bytes = got.body.expect("body").collect().await.expect("read");
    assert_eq!(bytes.len(), first.len() + second.len());
    assert!(bytes[..first.len()] == first[..], "first part differs");
    assert!(bytes[first.len()..] == second[..], "second part differs");
}

#[tokio::test]
async fn s3_multipart_part_too_small_is_a_service_error() {
    use rboto_s3::types::{CompletedMultipartUpload, CompletedPart};
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "multipart").await;
    let upload_id = s3
        .create_multipart_upload()
        .bucket("multipart")
        .key("small")
        .send()
        .await
        .expect("create_multipart_upload")
        .upload_id
        .expect("upload id");
    let mut parts = Vec::new();
    for number in [1, 2] {
        let etag = s3
            .upload_part()
            .bucket("multipart")
            .key("small")
            .upload_id(&upload_id)
            .part_number(number)
            .body(pattern(1024, number as u32))
            .send()
            .await
            .expect("upload_part")
            .e_tag
            .expect("etag");
        parts.push(CompletedPart::default().e_tag(etag).part_number(number));
    }
    let err = s3
        .complete_multipart_upload()
        .bucket("multipart")
        .key("small")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload::default().parts(parts))
        .send()
        .await
        .expect_err("a first part below 5 MiB is rejected");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("EntityTooSmall"), "{err}");
    assert_eq!(err.status(), Some(400));
    assert!(
        err.to_string()
            .contains("when calling the CompleteMultipartUpload operation"),
        "{err}"
    );
}

#[tokio::test]
async fn s3_no_such_key_is_the_modeled_exception() {
    let s = session();
    let s3 = s3(&s);
    create_bucket(&s3, "my-bucket").await;
    let err = s3
        .get_object()
        .bucket("my-bucket")
        .key("missing.txt")
        .send()
        .await
        .expect_err("no such key");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("NoSuchKey"));
    assert_eq!(err.status(), Some(404));
    assert!(
        matches!(err.modeled(), Some(rboto_s3::Exception::NoSuchKey(_))),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("An error occurred (NoSuchKey) when calling the GetObject operation"),
        "{shown}"
    );

    // And a missing bucket is NoSuchBucket, also modeled.
    let err = s3
        .list_objects_v2()
        .bucket("no-such-bucket")
        .send()
        .await
        .expect_err("no such bucket");
    assert_eq!(err.code(), Some("NoSuchBucket"), "{err}");
    assert!(
        matches!(err.modeled(), Some(rboto_s3::Exception::NoSuchBucket(_))),
        "{err:?}"
    );
}

/// Issue 5 item 4: path style with a custom endpoint. moto logs each request line, which shows
/// where the bucket name travelled: `PUT /my.dotted.bucket/key` is path style.
#[tokio::test]
async fn s3_path_style_with_a_custom_endpoint() {
    let s = session();

    // An IP-address endpoint: path style without being asked (a dotted bucket name could not
    // be a virtual host of an IP anyway).
    let s3 = s3(&s);
    create_bucket(&s3, "my.dotted.bucket").await;
    s3.put_object()
        .bucket("my.dotted.bucket")
        .key("via-ip.txt")
        .body("path style by IP")
        .send()
        .await
        .expect("put_object");
    let line = wait_for_log_line(&s, "/my.dotted.bucket/via-ip.txt");
    assert!(line.contains("PUT /my.dotted.bucket/via-ip.txt"), "{line}");
    let got = s3
        .get_object()
        .bucket("my.dotted.bucket")
        .key("via-ip.txt")
        .send()
        .await
        .expect("get_object");
    let body = got.body.expect("body").collect().await.expect("read");
    assert_eq!(&body[..], b"path style by IP");

    // A host-name endpoint with path style forced (`bucket.localhost` does not resolve here, so
    // only path style can reach moto).
    let config = s
        .builder()
        .endpoint_url(format!("http://localhost:{}", s.server().port()))
        .s3_addressing_style(S3AddressingStyle::Path)
        .build();
    let s3 = rboto_s3::Client::new(&config);
    create_bucket(&s3, "forced-path").await;
    s3.put_object()
        .bucket("forced-path")
        .key("via-name.txt")
        .body("path style by name")
        .send()
        .await
        .expect("put_object with forced path style");
    let line = wait_for_log_line(&s, "PUT /forced-path/via-name.txt");
    assert!(line.contains("PUT /forced-path/via-name.txt"), "{line}");
    // Read back what this client wrote, through the same host-name endpoint: the read must
    // also go path style and find the object the write stored.
    let body = s3
        .get_object()
        .bucket("forced-path")
        .key("via-name.txt")
        .send()
        .await
        .expect("get_object by name")
        .body
        .expect("body")
        .collect()
        .await
        .expect("read");
    assert_eq!(&body[..], b"path style by name");
    let line = wait_for_log_line(&s, "GET /forced-path/via-name.txt");
    assert!(line.contains("GET /forced-path/via-name.txt"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// EC2
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ec2_images_and_the_instance_lifecycle() {
    use rboto_ec2::types::InstanceStateName;
    let s = session();
    let ec2 = rboto_ec2::Client::new(&s.config());

    let images = ec2
        .describe_images()
        .send()
        .await
        .expect("describe_images")
        .images
        .unwrap_or_default();
    assert!(
        images.len() > 100,
        "moto lists its default AMIs: {}",
        images.len()
    );
    let real_ami = images
        .iter()
        .filter_map(|i| i.image_id.clone())
        .find(|id| id.starts_with("ami-"))
        .expect("an AMI id");

    // The seed's call has no MinCount, which botocore's model requires: it fails before any
    // request, naming the member, as botocore's ParamValidationError does.
    let err = ec2
        .run_instances()
        .image_id("ami-abc123")
        .instance_type("t2.micro")
        .max_count(1)
        .send()
        .await
        .expect_err("MinCount is required");
    assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err:?}");
    assert!(err.to_string().contains("MinCount"), "{err}");

    // With MinCount: the seed's ImageId (moto accepts any AMI id) and a real one.
    let mut launched = Vec::new();
    for ami in ["ami-abc123", real_ami.as_str()] {
        let reservation = ec2
            .run_instances()
            .image_id(ami)
            .instance_type("t2.micro")
            .max_count(1)
            .min_count(1)
            .send()
            .await
            .unwrap_or_else(|e| panic!("run_instances {ami}: {e}"));
        assert!(reservation.reservation_id.is_some());
        let instances = reservation.instances.unwrap_or_default();
        assert_eq!(instances.len(), 1);
        let instance = &instances[0];
        assert_eq!(instance.image_id.as_deref(), Some(ami));
        let id = instance.instance_id.clone().expect("instance id");
        assert!(id.starts_with("i-"), "{id}");
        launched.push((id, ami.to_string()));
    }

    let described = ec2
        .describe_instances()
        .instance_ids(
            launched
                .iter()
                .map(|(id, _)| id.clone())
                .collect::<Vec<_>>(),
        )
        .send()
        .await
        .expect("describe_instances");
    let found: Vec<_> = described
        .reservations
        .unwrap_or_default()
        .into_iter()
        .flat_map(|r| r.instances.unwrap_or_default())
        .collect();
    assert_eq!(found.len(), 2);
    for (id, ami) in &launched {
        let instance = found
            .iter()
            .find(|i| i.instance_id.as_deref() == Some(id.as_str()))
            .unwrap_or_else(|| panic!("{id} not described"));
        assert_eq!(instance.image_id.as_deref(), Some(ami.as_str()));
        assert_eq!(
            instance.instance_type.as_ref().map(|t| t.as_str()),
            Some("t2.micro")
        );
        let state = instance.state.as_ref().and_then(|s| s.name.clone());
        assert_eq!(state, Some(InstanceStateName::Running));
    }

    let (first, _) = &launched[0];
    let terminated = ec2
        .terminate_instances()
        .instance_ids(vec![first.clone()])
        .send()
        .await
        .expect("terminate_instances");
    let changes = terminated.terminating_instances.unwrap_or_default();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].instance_id.as_deref(), Some(first.as_str()));
    let now = changes[0]
        .current_state
        .as_ref()
        .and_then(|s| s.name.clone());
    assert!(
        matches!(
            now,
            Some(InstanceStateName::ShuttingDown | InstanceStateName::Terminated)
        ),
        "{now:?}"
    );
    let before = changes[0]
        .previous_state
        .as_ref()
        .and_then(|s| s.name.clone());
    assert_eq!(before, Some(InstanceStateName::Running));
}

#[tokio::test]
async fn ec2_unknown_instance_is_a_service_error() {
    let s = session();
    let ec2 = rboto_ec2::Client::new(&s.config());
    let err = ec2
        .terminate_instances()
        .instance_ids(vec!["i-0123456789abcdef0".to_string()])
        .send()
        .await
        .expect_err("no such instance");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("InvalidInstanceID.NotFound"), "{err}");
    assert_eq!(err.status(), Some(400));
    assert!(
        err.to_string().starts_with(
            "An error occurred (InvalidInstanceID.NotFound) when calling the TerminateInstances operation"
        ),
        "{err}"
    );
}
