//! Paginators and waiters end to end against moto (DynamoDB): `ListTables` paged three tables
//! at a time, `TableExists` / `TableNotExists` succeeding, and waiters that cannot succeed
//! ending with an error naming the waiter after `max_attempts`.

use rboto::jmespath::Json;
use rboto::waiter::WaiterErrorKind;
use rboto_tests::moto::take_turn as session;
use std::time::{Duration, Instant};

async fn create_table(ddb: &rboto_dynamodb::Client, name: &str) {
    use rboto_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    ddb.create_table()
        .table_name(name)
        .attribute_definitions(vec![AttributeDefinition::default()
            .attribute_name("id")
            .attribute_type(ScalarAttributeType::S)])
        .key_schema(vec![KeySchemaElement::default()
            .attribute_name("id")
            .key_type(KeyType::Hash)])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create_table");
}

const NAMES: [&str; 7] = [
    "table-1", "table-2", "table-3", "table-4", "table-5", "table-6", "table-7",
];

#[tokio::test]
async fn list_tables_pages_three_at_a_time() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    for name in NAMES {
        create_table(&ddb, name).await;
    }

    let mut pages = ddb.list_tables().limit(3).into_paginator();
    let mut sizes = Vec::new();
    let mut names = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("page");
        let got = page.table_names.unwrap_or_default();
        sizes.push(got.len());
        names.extend(got);
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(names, NAMES);

    // page_size sets the limit member; the pages' result keys combine.
    let all = ddb
        .list_tables()
        .into_paginator()
        .page_size(2)
        .collect_results()
        .await
        .expect("collect_results");
    let expected: Vec<Json> = NAMES.iter().map(|n| Json::from(*n)).collect();
    assert_eq!(all.get("TableNames"), Some(&Json::Array(expected)));

    // max_items stops mid-page, truncating it.
    let pages = ddb
        .list_tables()
        .into_paginator()
        .page_size(3)
        .max_items(4)
        .pages()
        .await
        .expect("pages");
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.table_names.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [3, 1]);
}

#[tokio::test]
async fn table_waiters_succeed() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    create_table(&ddb, "ready").await;

    let out = ddb
        .describe_table()
        .table_name("ready")
        .wait_until_table_exists()
        .delay(Duration::from_millis(50))
        .await
        .expect("table exists");
    let table = out
        .and_then(|o| o.table)
        .expect("success carries the output");
    assert_eq!(table.table_name.as_deref(), Some("ready"));

    // Success on the first attempt: the 20 s model delay is never slept.
    let started = Instant::now();
    let out = ddb
        .describe_table()
        .table_name("missing")
        .wait_until_table_not_exists()
        .await
        .expect("table does not exist");
    assert!(out.is_none(), "success was an error response");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn waiters_that_cannot_succeed_fail_after_max_attempts() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    create_table(&ddb, "stays").await;

    // The table exists, so `TableNotExists` never matches: every attempt is a retry.
    let started = Instant::now();
    let err = ddb
        .describe_table()
        .table_name("stays")
        .wait_until_table_not_exists()
        .delay(Duration::from_millis(20))
        .max_attempts(3)
        .await
        .expect_err("never succeeds");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(err.waiter(), "TableNotExists");
    assert_eq!(err.kind(), WaiterErrorKind::MaxAttempts);
    assert_eq!(
        err.to_string(),
        "Waiter TableNotExists failed: Max attempts exceeded"
    );
    let last = err.last_response().expect("last response");
    assert_eq!(
        last.get("Table").and_then(|t| t.get("TableName")),
        Some(&Json::from("stays"))
    );

    // A missing table keeps `TableExists` retrying on ResourceNotFoundException.
    let err = ddb
        .describe_table()
        .table_name("never")
        .wait_until_table_exists()
        .delay(Duration::from_millis(20))
        .max_attempts(2)
        .wait()
        .await
        .expect_err("never succeeds");
    assert_eq!(
        err.to_string(),
        "Waiter TableExists failed: Max attempts exceeded. Previously accepted state: \
         Matched expected service error code: ResourceNotFoundException"
    );
    assert_eq!(
        err.last_error().and_then(|e| e.code()),
        Some("ResourceNotFoundException")
    );
}
