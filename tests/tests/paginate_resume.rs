//! Paginators end to end against moto (S3 `ListObjectsV2`, seven objects): stopping with
//! `max_items`, resuming from the token exactly where it stopped (in rboto, and across to boto3
//! and back, which share the token format), and pages, items and search results as streams.

use futures_core::Stream;
use rboto::jmespath::Json;
use rboto_tests::moto::{take_turn as session, venv_dir, Turn};
use std::pin::Pin;

const BUCKET: &str = "paged";
const KEYS: [&str; 7] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6"];

async fn seven_objects(s: &Turn) -> rboto_s3::Client {
    let s3 = rboto_s3::Client::new(&s.config());
    s3.create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .expect("create_bucket");
    for key in KEYS {
        s3.put_object()
            .bucket(BUCKET)
            .key(key)
            .body(key.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("put_object {key}: {e}"));
    }
    s3
}

async fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx)).await
}

async fn collect<S: Stream + Unpin>(mut s: S) -> Vec<S::Item> {
    let mut out = Vec::new();
    while let Some(item) = next(&mut s).await {
        out.push(item);
    }
    out
}

fn keys_of(pages: &[rboto_s3::output::ListObjectsV2Output]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p.contents.iter().flatten())
        .filter_map(|o| o.key.clone())
        .collect()
}

#[tokio::test]
async fn max_items_then_resume_gets_exactly_the_rest() {
    let s = session();
    let s3 = seven_objects(&s).await;

    // Pages of two, stopping after three keys: in the middle of the second page.
    let mut pages = s3
        .list_objects_v2()
        .bucket(BUCKET)
        .into_paginator()
        .page_size(2)
        .max_items(3);
    let mut first = Vec::new();
    while let Some(page) = pages.next_page().await {
        first.push(page.expect("page"));
    }
    assert_eq!(keys_of(&first), ["k0", "k1", "k2"]);
    let token = pages.resume_token().expect("a resume token").to_string();

    // Resuming skips the item of that page already returned, and goes on to the end.
    let mut rest = s3
        .list_objects_v2()
        .bucket(BUCKET)
        .into_paginator()
        .page_size(2)
        .starting_token(&token);
    let mut pages = Vec::new();
    while let Some(page) = rest.next_page().await {
        pages.push(page.expect("page"));
    }
    assert_eq!(keys_of(&pages), ["k3", "k4", "k5", "k6"]);
    assert_eq!(rest.resume_token(), None);

    // Stopping on a page boundary resumes at the next page; collect_results says where.
    let all = s3
        .list_objects_v2()
        .bucket(BUCKET)
        .into_paginator()
        .page_size(2)
        .max_items(4)
        .collect_results()
        .await
        .expect("collect_results");
    let contents = all
        .get("Contents")
        .and_then(Json::as_array)
        .expect("Contents");
    assert_eq!(contents.len(), 4);
    let token = all
        .get("NextToken")
        .and_then(Json::as_str)
        .expect("NextToken");
    let items = s3
        .list_objects_v2()
        .bucket(BUCKET)
        .into_paginator()
        .page_size(2)
        .starting_token(token)
        .into_items::<rboto_s3::types::Object>();
    let keys: Vec<String> = collect(items)
        .await
        .into_iter()
        .map(|o| o.expect("item").key.expect("key"))
        .collect();
    assert_eq!(keys, ["k4", "k5", "k6"]);
}

/// Runs `script` with boto3 from moto's venv against this turn's server; its stdout, trimmed.
fn boto3(s: &Turn, script: &str) -> String {
    let python = venv_dir().join("bin").join("python");
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .env("AWS_ACCESS_KEY_ID", &s.key.0)
        .env("AWS_SECRET_ACCESS_KEY", &s.key.1)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", &s.endpoint)
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("run boto3");
    assert!(
        out.status.success(),
        "boto3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// boto3 paging `paged` two keys a page, from an optional starting token and up to an optional
/// number of items: one line of keys, then its resume token (or `None`).
fn boto3_page(s: &Turn, start: Option<&str>, max_items: Option<usize>) -> (Vec<String>, String) {
    let mut config = vec!["'PageSize': 2".to_string()];
    if let Some(token) = start {
        config.push(format!("'StartingToken': {token:?}"));
    }
    if let Some(n) = max_items {
        config.push(format!("'MaxItems': {n}"));
    }
    let script = format!(
        "import boto3\n\
         pages = boto3.client('s3').get_paginator('list_objects_v2').paginate(\n\
             Bucket={BUCKET:?}, PaginationConfig={{{}}})\n\
         keys = [o['Key'] for page in pages for o in page.get('Contents', [])]\n\
         print(' '.join(keys))\n\
         print(pages.resume_token)\n",
        config.join(", ")
    );
    let out = boto3(s, &script);
    let (keys, token) = out.rsplit_once('\n').unwrap_or(("", &out));
    let keys = keys.split_whitespace().map(str::to_string).collect();
    (keys, token.to_string())
}

#[tokio::test]
async fn tokens_cross_between_rboto_and_boto3() {
    let s = session();
    let s3 = seven_objects(&s).await;

    // boto3 stops after three keys; rboto takes over from its token.
    let (keys, boto3_token) = boto3_page(&s, None, Some(3));
    assert_eq!(keys, ["k0", "k1", "k2"]);
    let rest = s3
        .list_objects_v2()
        .bucket(BUCKET)
        .into_paginator()
        .page_size(2)
        .starting_token(&boto3_token)
        .pages()
        .await
        .expect("resume from boto3's token");
    assert_eq!(keys_of(&rest), ["k3", "k4", "k5", "k6"]);

    // rboto stops after five keys (mid-page again, after a resumed start); boto3 takes over.
    let mut pages = s3
        .list_objects_v2()
        .bucket(BUCKET)
        .into_paginator()
        .page_size(2)
        .starting_token(&boto3_token)
        .max_items(2);
    let mut got = Vec::new();
    while let Some(page) = pages.next_page().await {
        got.push(page.expect("page"));
    }
    assert_eq!(keys_of(&got), ["k3", "k4"]);
    let rboto_token = pages.resume_token().expect("resume token").to_string();
    let (keys, boto3_next) = boto3_page(&s, Some(&rboto_token), None);
    assert_eq!(keys, ["k5", "k6"]);
    assert_eq!(boto3_next, "None");

    // Both wrote the same token for the same place, byte for byte.
    let (_, boto3_same) = boto3_page(&s, Some(&boto3_token), Some(2));
    assert_eq!(rboto_token, boto3_same);
}

#[tokio::test]
async fn pages_items_and_search_as_streams() {
    let s = session();
    let s3 = seven_objects(&s).await;
    let paginator = || {
        s3.list_objects_v2()
            .bucket(BUCKET)
            .into_paginator()
            .page_size(3)
    };

    let pages: Vec<_> = collect(paginator().into_stream())
        .await
        .into_iter()
        .map(|p| p.expect("page"))
        .collect();
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.contents.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(keys_of(&pages), KEYS);

    let keys: Vec<Json> = collect(paginator().search("Contents[].Key"))
        .await
        .into_iter()
        .map(|k| k.expect("search result"))
        .collect();
    assert_eq!(keys, KEYS.map(Json::from));

    // A search over every page that finds nothing yields nothing (boto3 would yield None).
    let found = collect(paginator().search("CommonPrefixes[].Prefix")).await;
    assert!(found.is_empty(), "{found:?}");

    // Items stop at max_items, and the stream keeps the resume token.
    let mut items = paginator()
        .max_items(5)
        .into_items::<rboto_s3::types::Object>();
    let mut keys = Vec::new();
    while let Some(item) = next(&mut items).await {
        keys.push(item.expect("item").key.expect("key"));
    }
    assert_eq!(keys, ["k0", "k1", "k2", "k3", "k4"]);
    let token = items.resume_token().expect("resume token");
    let rest: Vec<Json> = collect(paginator().starting_token(token).search("Contents[].Key"))
        .await
        .into_iter()
        .map(|k| k.expect("search result"))
        .collect();
    assert_eq!(rest, ["k5", "k6"].map(Json::from));
}
