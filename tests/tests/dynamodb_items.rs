//! rboto-dynamodb-ext against moto: serde items through PutItem/GetItem, Query with built key
//! condition and filter, UpdateItem with the update builder, and the batch writer (flushes of
//! 25, de-duplication, resending `UnprocessedItems` after a canned partial failure).

use rboto::http::{BoxFuture, Connector, HttpClient, HttpSettings};
use rboto::{Body, ErrorKind};
use rboto_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use rboto_dynamodb_ext::{
    from_item, to_item, Attr, BatchWriter, Binary, BinarySet, Expressions, Key, Number, NumberSet,
    Projection, SetValue, StringSet, Update, WithExpressions,
};
use rboto_tests::moto::take_turn as session;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TABLE: &str = "items";

/// A table keyed by `pk` (S) and `sk` (N).
async fn create_table(ddb: &rboto_dynamodb::Client) {
    ddb.create_table()
        .table_name(TABLE)
        .attribute_definitions(vec![
            AttributeDefinition::default()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S),
            AttributeDefinition::default()
                .attribute_name("sk")
                .attribute_type(ScalarAttributeType::N),
        ])
        .key_schema(vec![
            KeySchemaElement::default()
                .attribute_name("pk")
                .key_type(KeyType::Hash),
            KeySchemaElement::default()
                .attribute_name("sk")
                .key_type(KeyType::Range),
        ])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create_table");
}

fn key(pk: &str, sk: i64) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_string(), AttributeValue::default().s(pk)),
        (
            "sk".to_string(),
            AttributeValue::default().n(sk.to_string()),
        ),
    ])
}

async fn get(
    ddb: &rboto_dynamodb::Client,
    pk: &str,
    sk: i64,
) -> Option<HashMap<String, AttributeValue>> {
    ddb.get_item()
        .table_name(TABLE)
        .key(key(pk, sk))
        .consistent_read(true)
        .send()
        .await
        .expect("get_item")
        .item
}

async fn scan_all(ddb: &rboto_dynamodb::Client) -> Vec<HashMap<String, AttributeValue>> {
    ddb.scan()
        .table_name(TABLE)
        .send()
        .await
        .expect("scan")
        .items
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Address {
    city: String,
    lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Customer {
    pk: String,
    sk: i64,
    name: String,
    balance: Number,
    ratio: f64,
    visits: u32,
    vip: bool,
    nickname: Option<String>,
    address: Address,
    history: Vec<Address>,
    tags: StringSet,
    lucky: NumberSet,
    keys: BinarySet,
    avatar: Binary,
    prefs: BTreeMap<String, Option<bool>>,
}

fn customer() -> Customer {
    Customer {
        pk: "cust".into(),
        sk: 1,
        name: "Ada".into(),
        // 38 significant digits: more than any f64 or i128 holds.
        balance: Number::new("-1234567890123456789.0123456789012345678").unwrap(),
        ratio: 0.1,
        visits: 3,
        vip: true,
        nickname: None,
        address: Address {
            city: "London".into(),
            lines: vec!["12 St James's Sq".into()],
        },
        history: vec![Address {
            city: "Paris".into(),
            lines: vec![],
        }],
        tags: StringSet::from_iter(["math", "engines"]),
        lucky: NumberSet::from_iter([7, 13]),
        keys: BinarySet::from_iter([vec![0u8, 255], vec![1]]),
        avatar: Binary(vec![0x89, b'P', b'N', b'G', 0]),
        prefs: BTreeMap::from([("email".to_string(), Some(true)), ("sms".to_string(), None)]),
    }
}

#[tokio::test]
async fn a_struct_round_trips_through_put_item_and_get_item() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    create_table(&ddb).await;

    let original = customer();
    ddb.put_item()
        .table_name(TABLE)
        .item(to_item(&original).expect("to_item"))
        .send()
        .await
        .expect("put_item");

    let item = get(&ddb, "cust", 1).await.expect("item stored");
    // What DynamoDB holds has boto3's types: sets as sets, binary as binary, None as NULL.
    assert_eq!(
        item["tags"].ss.as_ref().map(|v| {
            let mut v = v.clone();
            v.sort();
            v
        }),
        Some(vec!["engines".to_string(), "math".to_string()])
    );
    assert_eq!(
        item["avatar"].b.as_ref().map(|b| b.as_bytes().to_vec()),
        Some(vec![0x89, b'P', b'N', b'G', 0])
    );
    assert_eq!(item["nickname"].null, Some(true));
    assert_eq!(
        item["balance"].n.as_deref(),
        Some("-1234567890123456789.0123456789012345678")
    );
    assert_eq!(item["ratio"].n.as_deref(), Some("0.1"));
    let back: Customer = from_item(item).expect("from_item");
    assert_eq!(back, original);

    // A projection with a nested path reads just those members.
    let mut e = Expressions::new();
    let out = ddb
        .get_item()
        .table_name(TABLE)
        .key(key("cust", 1))
        .projection_expression(e.projection(&Projection::new(["name", "address.city"])))
        .with_expressions(e)
        .send()
        .await
        .expect("get_item with projection");
    #[derive(Debug, Deserialize, PartialEq)]
    struct City {
        city: String,
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Partial {
        name: String,
        address: City,
    }
    let partial: Partial = from_item(out.item.expect("item")).expect("from_item");
    assert_eq!(
        partial,
        Partial {
            name: "Ada".into(),
            address: City {
                city: "London".into()
            }
        }
    );
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Event {
    pk: String,
    sk: i64,
    // `status` and `size` are DynamoDB reserved words: only placeholders make them usable.
    status: String,
    size: u32,
}

#[tokio::test]
async fn query_with_a_built_key_condition_and_filter() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    create_table(&ddb).await;
    for (pk, sk, status, size) in [
        ("dev", 1, "open", 5),
        ("dev", 2, "open", 50),
        ("dev", 3, "closed", 50),
        ("dev", 4, "open", 70),
        ("dev", 5, "open", 90),
        ("ops", 3, "open", 99),
    ] {
        let event = Event {
            pk: pk.into(),
            sk,
            status: status.into(),
            size,
        };
        ddb.put_item()
            .table_name(TABLE)
            .item(to_item(&event).unwrap())
            .send()
            .await
            .expect("put_item");
    }

    let mut e = Expressions::new();
    let key_condition = e
        .key_condition(Key::new("pk").eq("dev") & Key::new("sk").between(2, 4))
        .unwrap();
    let filter = e
        .condition(Attr::new("status").eq("open") & !Attr::new("size").lt(60))
        .unwrap();
    assert_eq!(key_condition, "(#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2)");
    assert_eq!(filter, "(#n2 = :v3 AND (NOT #n3 < :v4))");
    let out = ddb
        .query()
        .table_name(TABLE)
        .key_condition_expression(key_condition)
        .filter_expression(filter)
        .with_expressions(e)
        .send()
        .await
        .expect("query");
    let events: Vec<Event> = out
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|item| from_item(item).unwrap())
        .collect();
    assert_eq!(
        events,
        vec![Event {
            pk: "dev".into(),
            sk: 4,
            status: "open".into(),
            size: 70
        }]
    );
    assert_eq!(
        out.scanned_count,
        Some(3),
        "the key condition selected sk 2..=4"
    );
}

#[tokio::test]
async fn update_item_with_the_update_builder() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    create_table(&ddb).await;
    ddb.put_item()
        .table_name(TABLE)
        .item(to_item(&customer()).unwrap())
        .send()
        .await
        .expect("put_item");

    let update = Update::new()
        .set("name", "Ada Lovelace")
        .set("address.city", "Marylebone")
        .set_expr(
            "history",
            SetValue::list_append(
                SetValue::path("history"),
                SetValue::value(vec![Address {
                    city: "Turin".into(),
                    lines: vec!["Via Po".into()],
                }]),
            ),
        )
        .set_expr("ratio", SetValue::path("ratio").plus(SetValue::value(0.4)))
        .set_expr(
            "nickname",
            SetValue::if_not_exists("nickname", "Enchantress"),
        )
        .remove("prefs.sms")
        .add("visits", 2)
        .add("tags", StringSet::from_iter(["poetry"]))
        .delete("lucky", NumberSet::from_iter([13]));
    let mut e = Expressions::new();
    let update_expression = e.update(update).unwrap();
    // nickname holds NULL (None), which counts as existing, so if_not_exists keeps it.
    // visits (3) > sk (1): one attribute compared with another.
    let condition = e
        .condition(Attr::new("vip").eq(true) & Attr::new("visits").gt(Attr::new("sk")))
        .unwrap();
    assert_eq!(
        update_expression,
        "SET #n0 = :v0, #n1.#n2 = :v1, #n3 = list_append(#n4, :v2), #n5 = #n6 + :v3, \
         #n7 = if_not_exists(#n8, :v4) REMOVE #n9.#n10 ADD #n11 :v5, #n12 :v6 DELETE #n13 :v7"
    );
    ddb.update_item()
        .table_name(TABLE)
        .key(key("cust", 1))
        .update_expression(update_expression)
        .condition_expression(condition)
        .with_expressions(e)
        .send()
        .await
        .expect("update_item");

    let updated: Customer = from_item(get(&ddb, "cust", 1).await.unwrap()).unwrap();
    let mut expected = customer();
    expected.name = "Ada Lovelace".into();
    expected.address.city = "Marylebone".into();
    expected.history.push(Address {
        city: "Turin".into(),
        lines: vec!["Via Po".into()],
    });
    expected.ratio = 0.5;
    expected.visits = 5;
    expected.tags.0.insert("poetry".into());
    expected.lucky = NumberSet::from_iter([7]);
    expected.prefs.remove("sms");
    assert_eq!(updated, expected);

    // A failed condition comes back as the modeled exception.
    let mut e = Expressions::new();
    let err = ddb
        .update_item()
        .table_name(TABLE)
        .key(key("cust", 1))
        .update_expression(e.update(Update::new().remove("vip")).unwrap())
        .condition_expression(
            e.condition(Attr::new("visits").lt(Attr::new("sk")))
                .unwrap(),
        )
        .with_expressions(e)
        .send()
        .await
        .expect_err("condition fails");
    assert_eq!(err.code(), Some("ConditionalCheckFailedException"));
}

/// Forwards every request to the real HTTP client, except that the first `canned` BatchWriteItem
/// calls are answered here, without reaching moto, with every request of the batch returned
/// as `UnprocessedItems` — what DynamoDB does when a partition is throttled. Records the number
/// of requests in each BatchWriteItem call.
#[derive(Clone, Debug)]
struct Interceptor(Arc<InterceptorState>);

#[derive(Debug)]
struct InterceptorState {
    real: HttpClient,
    canned: AtomicUsize,
    batches: Mutex<Vec<(usize, bool)>>,
}

impl Interceptor {
    fn new(canned: usize) -> Self {
        Interceptor(Arc::new(InterceptorState {
            real: HttpClient::new(&HttpSettings::default()).unwrap(),
            canned: AtomicUsize::new(canned),
            batches: Mutex::new(Vec::new()),
        }))
    }

    /// (requests in the call, answered by the canned response) for each BatchWriteItem call.
    fn batches(&self) -> Vec<(usize, bool)> {
        self.0.batches.lock().unwrap().clone()
    }
}

impl Connector for Interceptor {
    fn send(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<Body>, rboto::Error>> {
        Box::pin(async move {
            let target = request
                .headers()
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            if target != "DynamoDB_20120810.BatchWriteItem" {
                return Connector::send(&self.0.real, request).await;
            }
            let body: serde_json::Value =
                serde_json::from_slice(request.body().bytes().expect("buffered body")).unwrap();
            let requests = body["RequestItems"][TABLE].as_array().unwrap().clone();
            let canned = self
                .0
                .canned
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            self.0
                .batches
                .lock()
                .unwrap()
                .push((requests.len(), canned));
            if !canned {
                return Connector::send(&self.0.real, request).await;
            }
            let reply = serde_json::json!({ "UnprocessedItems": { TABLE: requests } }).to_string();
            let crc = crc32fast::hash(reply.as_bytes()).to_string();
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amz-crc32", crc)
                .header("x-amzn-requestid", "canned-unprocessed")
                .body(Body::from(reply))
                .unwrap())
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Row {
    pk: String,
    sk: i64,
    version: String,
}

fn row(sk: i64, version: &str) -> Row {
    Row {
        pk: "batch".into(),
        sk,
        version: version.into(),
    }
}

#[tokio::test]
async fn batch_writer_flushes_25_at_a_time_and_deduplicates_by_key() {
    let s = session();
    let interceptor = Interceptor::new(0);
    let ddb = rboto_dynamodb::Client::new(&s.builder().connector(interceptor.clone()).build());
    create_table(&ddb).await;

    let mut batch = BatchWriter::new(&ddb, TABLE).overwrite_by_pkeys(["pk", "sk"]);
    for sk in 0..60 {
        batch.put(&row(sk, "v1")).await.expect("put");
    }
    assert_eq!(
        batch.pending(),
        10,
        "two batches of 25 went out as the buffer filled"
    );
    // Still buffered: a later put or delete of the same key replaces the earlier request.
    for sk in 50..55 {
        batch.put(&row(sk, "v2")).await.expect("put");
    }
    batch.delete_item(key("batch", 59)).await.expect("delete");
    assert_eq!(batch.pending(), 10);
    batch.close().await.expect("close flushes the rest");

    assert_eq!(
        interceptor.batches(),
        vec![(25, false), (25, false), (10, false)]
    );
    let mut rows: Vec<Row> = scan_all(&ddb)
        .await
        .into_iter()
        .map(|item| from_item(item).unwrap())
        .collect();
    rows.sort_by_key(|r| r.sk);
    let expected: Vec<Row> = (0..59)
        .map(|sk| row(sk, if (50..55).contains(&sk) { "v2" } else { "v1" }))
        .collect();
    assert_eq!(rows, expected);
}

#[tokio::test]
async fn batch_writer_resends_unprocessed_items_and_bounds_the_attempts() {
    let s = session();
    // The first BatchWriteItem is answered "nothing processed"; the resend reaches moto.
    let interceptor = Interceptor::new(1);
    let ddb = rboto_dynamodb::Client::new(&s.builder().connector(interceptor.clone()).build());
    create_table(&ddb).await;

    let mut batch =
        BatchWriter::new(&ddb, TABLE).backoff(Duration::from_millis(1), Duration::from_millis(5));
    for sk in 0..30 {
        batch.put(&row(sk, "v1")).await.expect("put");
    }
    // The first 25 came back unprocessed and went to the front of the buffer, so the 26th put
    // found it full again and resent them (after the backoff) with moto accepting.
    assert_eq!(batch.pending(), 5);
    assert_eq!(interceptor.batches(), vec![(25, true), (25, false)]);
    batch.flush().await.expect("flush");
    assert_eq!(batch.pending(), 0);
    assert_eq!(
        interceptor.batches(),
        vec![(25, true), (25, false), (5, false)]
    );
    assert_eq!(scan_all(&ddb).await.len(), 30);

    // Unprocessed every time: the writer gives up after `max_attempts` calls, keeps the
    // requests, and a later flush sends them.
    let interceptor = Interceptor::new(2);
    let ddb = rboto_dynamodb::Client::new(&s.builder().connector(interceptor.clone()).build());
    let mut batch = BatchWriter::new(&ddb, TABLE)
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(5));
    for sk in 100..103 {
        batch.put(&row(sk, "v1")).await.expect("put");
    }
    let err = batch.flush().await.expect_err("gives up after two calls");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(
        err.message(),
        "BatchWriteItem on table \"items\" returned unprocessed items 2 times in a row \
         (3 of 3 in the last call); 3 requests stay buffered — flush again to retry"
    );
    assert!(err.is_throttling());
    assert_eq!(batch.pending(), 3);
    batch.close().await.expect("the third call goes through");
    assert_eq!(
        interceptor.batches(),
        vec![(3, true), (3, true), (3, false)]
    );
    assert_eq!(scan_all(&ddb).await.len(), 33);
}

#[tokio::test]
async fn batch_writer_rejects_an_item_missing_a_dedup_key() {
    let s = session();
    let ddb = rboto_dynamodb::Client::new(&s.config());
    let mut batch = BatchWriter::new(&ddb, TABLE).overwrite_by_pkeys(["pk", "sk"]);
    let err = batch
        .put_item(HashMap::from([(
            "pk".to_string(),
            AttributeValue::default().s("x"),
        )]))
        .await
        .expect_err("no sk");
    assert_eq!(err.kind(), ErrorKind::ParamValidation);
    assert_eq!(
        err.message(),
        "overwrite_by_pkeys names \"sk\", which this put request lacks"
    );
    assert_eq!(batch.pending(), 0);
}
