//! The dynamic client (`rboto::dynamic`) end to end against moto, one protocol after another:
//! S3 (rest-xml), DynamoDB (json), STS and IAM (query), EC2 (ec2), API Gateway (rest-json);
//! with pagination (`collect_json` as the AWS CLI aggregates pages) and waiters, on models read
//! at run time from `models/`.

use rboto::dynamic::{Client, JsonOptions, Model, TimestampFormat};
use rboto_tests::model_files::dynamic_model;
use rboto_tests::moto::{take_turn as session, Turn};
use serde_json::json;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The models read so far, by service name.
type Models = std::sync::Mutex<Vec<(&'static str, Arc<Model>)>>;

/// Each service's model is read once per test binary (reading leaks the schema, on purpose).
fn model(service: &'static str) -> Arc<Model> {
    static MODELS: OnceLock<Models> = OnceLock::new();
    let models = MODELS.get_or_init(Default::default);
    let mut models = models.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, m)) = models.iter().find(|(name, _)| *name == service) {
        return m.clone();
    }
    let m = Arc::new(dynamic_model(service).expect("model reads"));
    models.push((service, m.clone()));
    m
}

fn client(s: &Turn, service: &'static str) -> Client {
    Client::new(&s.config(), model(service))
}

fn iso() -> JsonOptions {
    JsonOptions::default()
}

/// `2024-01-02T03:04:05+00:00` or with `.ffffff`: Python's `isoformat()` of a UTC datetime.
fn assert_isoformat(text: &str) {
    let b = text.as_bytes();
    let ok = text.ends_with("+00:00")
        && b.len() >= 25
        && b[4] == b'-'
        && b[10] == b'T'
        && (b.len() == 25 || (b[19] == b'.' && b.len() == 32));
    assert!(ok, "not Python's isoformat(): {text}");
}

#[tokio::test]
async fn s3_rest_xml_buckets_objects_pages_and_waiter() {
    let s = session();
    let s3 = client(&s, "s3");
    let created = s3
        .call("CreateBucket", json!({"Bucket": "dyn-bucket"}))
        .await
        .expect("CreateBucket");
    assert_eq!(created.metadata().http_status_code, 200);
    assert_eq!(created.to_json(&iso())["Location"], "/dyn-bucket");

    s3.wait(
        "BucketExists",
        json!({"Bucket": "dyn-bucket"}),
        Some(Duration::from_millis(100)),
        Some(5),
    )
    .await
    .expect("BucketExists");

    // A streaming member from JSON (base64, as `cli_binary_format=base64`) and from a Body.
    let put = s3
        .call(
            "PutObject",
            json!({"Bucket": "dyn-bucket", "Key": "a.txt", "Body": "aGVsbG8=", "Metadata": {"k": "v"}}),
        )
        .await
        .expect("PutObject");
    assert!(put.to_json(&iso())["ETag"].as_str().is_some());
    for key in ["b.txt", "c.txt", "d.txt", "e.txt"] {
        s3.call_with_body(
            "PutObject",
            json!({"Bucket": "dyn-bucket", "Key": key}),
            rboto::Body::from(format!("body of {key}")),
        )
        .await
        .expect("PutObject with a body");
    }

    let mut got = s3
        .call("GetObject", json!({"Bucket": "dyn-bucket", "Key": "a.txt"}))
        .await
        .expect("GetObject");
    let out = got.to_json(&iso());
    assert!(out.get("Body").is_none(), "the stream is not JSON: {out}");
    assert_eq!(out["ContentLength"], 5);
    assert_eq!(out["Metadata"], json!({"k": "v"}));
    assert_isoformat(out["LastModified"].as_str().expect("LastModified"));
    // botocore's REST parser puts header members before body members: here all are headers,
    // in model order.
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("AcceptRanges") < pos("LastModified") && pos("LastModified") < pos("ETag"));
    let body = got
        .take_body()
        .expect("body")
        .collect()
        .await
        .expect("read");
    assert_eq!(&body[..], b"hello");
    assert!(got.take_body().is_none());

    // Pages of two, aggregated as the AWS CLI prints them.
    let mut pages = s3
        .paginate("ListObjectsV2", json!({"Bucket": "dyn-bucket"}))
        .page_size(2);
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("page").to_json(&iso());
        sizes.push(page["Contents"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(sizes, [2, 2, 1]);
    let all = s3
        .paginate("ListObjectsV2", json!({"Bucket": "dyn-bucket"}))
        .page_size(2)
        .collect_json(&iso())
        .await
        .expect("all pages");
    let keys: Vec<&str> = all["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    // Result key first, then the non-aggregate keys of the first page (the sdk-extras overlay
    // adds them), absent ones as null, as botocore's `build_full_result` does.
    let top: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(top, ["Contents", "RequestCharged", "Prefix"], "{all}");
    assert!(all["RequestCharged"].is_null());

    // max_items stops early with a resume token, and the token resumes.
    let mut pages = s3
        .paginate("ListObjectsV2", json!({"Bucket": "dyn-bucket"}))
        .page_size(2)
        .max_items(3);
    let mut seen = 0;
    while let Some(page) = pages.next_page().await {
        seen += page.unwrap().to_json(&iso())["Contents"]
            .as_array()
            .map_or(0, Vec::len);
    }
    assert_eq!(seen, 3);
    let token = pages.resume_token().expect("resume token").to_string();
    let rest = s3
        .paginate("ListObjectsV2", json!({"Bucket": "dyn-bucket"}))
        .starting_token(token)
        .collect_json(&iso())
        .await
        .unwrap();
    let keys: Vec<&str> = rest["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["d.txt", "e.txt"]);

    // Success by an expected error (404) is an empty output.
    let gone = s3
        .wait(
            "BucketNotExists",
            json!({"Bucket": "no-such-bucket"}),
            Some(Duration::from_millis(50)),
            Some(2),
        )
        .await
        .expect("BucketNotExists");
    assert_eq!(gone.to_json(&iso()), json!({}));

    // A service error keeps its code.
    let err = s3
        .call("HeadBucket", json!({"Bucket": "no-such-bucket"}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), rboto::ErrorKind::Service);
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn dynamodb_json_table_items_pages_and_waiter() {
    let s = session();
    let ddb = client(&s, "dynamodb");
    for name in ["t1", "t2", "t3"] {
        ddb.call(
            "CreateTable",
            json!({
                "TableName": name,
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        )
        .await
        .expect("CreateTable");
    }
    let waited = ddb
        .wait(
            "TableExists",
            json!({"TableName": "t1"}),
            Some(Duration::from_millis(100)),
            None,
        )
        .await
        .expect("TableExists");
    let table = waited.to_json(&iso());
    assert_eq!(table["Table"]["TableStatus"], "ACTIVE");
    // json protocol timestamps are epoch numbers on the wire; printed as isoformat().
    assert_isoformat(table["Table"]["CreationDateTime"].as_str().unwrap());
    let epoch = waited.to_json(&JsonOptions::with_timestamps(TimestampFormat::Epoch));
    assert!(epoch["Table"]["CreationDateTime"].is_number());

    let item = json!({
        "id": {"S": "k1"},
        "n": {"N": "42"},
        "b": {"B": "AAEC"},
        "l": {"L": [{"BOOL": true}, {"NULL": true}]},
    });
    ddb.call("PutItem", json!({"TableName": "t1", "Item": item}))
        .await
        .expect("PutItem");
    let got = ddb
        .call(
            "GetItem",
            json!({"TableName": "t1", "Key": {"id": {"S": "k1"}}}),
        )
        .await
        .expect("GetItem")
        .to_json(&iso());
    assert_eq!(got["Item"], item);

    let all = ddb
        .paginate("ListTables", json!({}))
        .page_size(1)
        .collect_json(&iso())
        .await
        .expect("ListTables pages");
    assert_eq!(all, json!({"TableNames": ["t1", "t2", "t3"]}));

    // A waiter that cannot succeed ends after max_attempts, naming itself.
    let err = ddb
        .wait(
            "TableNotExists",
            json!({"TableName": "t1"}),
            Some(Duration::from_millis(20)),
            Some(2),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), rboto::waiter::WaiterErrorKind::MaxAttempts);
    assert_eq!(
        err.to_string(),
        "Waiter TableNotExists failed: Max attempts exceeded"
    );

    let err = ddb
        .call("DescribeTable", json!({"TableName": "missing"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn sts_and_iam_query_protocol() {
    let s = session();
    let sts = client(&s, "sts");
    let me = sts
        .call("GetCallerIdentity", serde_json::Value::Null)
        .await
        .expect("GetCallerIdentity")
        .to_json(&iso());
    let keys: Vec<&String> = me.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["UserId", "Account", "Arn"], "model order: {me}");

    let iam = client(&s, "iam");
    for name in ["dyn-a", "dyn-b", "dyn-c"] {
        iam.call(
            "CreateUser",
            json!({"UserName": name, "Tags": [{"Key": "k", "Value": name}]}),
        )
        .await
        .expect("CreateUser");
    }
    let all = iam
        .paginate("ListUsers", json!({"PathPrefix": "/"}))
        .page_size(2)
        .collect_json(&iso())
        .await
        .expect("ListUsers");
    let users = all["Users"].as_array().unwrap();
    let names: Vec<&str> = users
        .iter()
        .filter_map(|u| u["UserName"].as_str())
        .collect();
    assert!(
        names.contains(&"dyn-a") && names.contains(&"dyn-c"),
        "{all}"
    );
    assert_isoformat(users[0]["CreateDate"].as_str().unwrap());
}

#[tokio::test]
async fn ec2_protocol_describe() {
    let s = session();
    let ec2 = client(&s, "ec2");
    let vpcs = ec2
        .call("DescribeVpcs", json!({}))
        .await
        .expect("DescribeVpcs")
        .to_json(&iso());
    let default = vpcs["Vpcs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["IsDefault"] == true)
        .expect("moto has a default VPC");
    assert!(default["VpcId"].as_str().unwrap().starts_with("vpc-"));
    let regions = ec2
        .call("DescribeRegions", json!({"RegionNames": ["us-east-1"]}))
        .await
        .expect("DescribeRegions")
        .to_json(&iso());
    assert_eq!(regions["Regions"][0]["RegionName"], "us-east-1");
}

#[tokio::test]
async fn apigateway_rest_json() {
    let s = session();
    let apigw = client(&s, "apigateway");
    let api = apigw
        .call(
            "CreateRestApi",
            json!({"name": "dyn-api", "description": "d"}),
        )
        .await
        .expect("CreateRestApi")
        .to_json(&iso());
    let id = api["id"].as_str().expect("id").to_string();
    assert_isoformat(api["createdDate"].as_str().unwrap());
    // moto cannot verify bodiless REST requests to non-S3 services (shared/MOTO.md).
    s.verification_off();
    let got = apigw
        .call("GetRestApi", json!({"restApiId": id}))
        .await
        .expect("GetRestApi")
        .to_json(&iso());
    assert_eq!(got["name"], "dyn-api");
    let all = apigw
        .paginate("GetRestApis", json!({}))
        .collect_json(&iso())
        .await
        .expect("GetRestApis");
    assert_eq!(all["items"][0]["id"], id.as_str());
}

#[tokio::test]
async fn cloudwatch_timestamps_in_as_iso_text_or_epoch_seconds() {
    let s = session();
    let cw = client(&s, "cloudwatch");
    cw.call(
        "PutMetricData",
        json!({
            "Namespace": "dyn",
            "MetricData": [
                {"MetricName": "m", "Timestamp": "2024-01-02T03:04:05Z", "Value": 1.5},
                {"MetricName": "m", "Timestamp": 1_704_164_646, "Value": 2.5},
            ],
        }),
    )
    .await
    .expect("PutMetricData");
    let stats = cw
        .call(
            "GetMetricStatistics",
            json!({
                "Namespace": "dyn",
                "MetricName": "m",
                "StartTime": 1_704_164_400,
                "EndTime": "2024-01-02T03:10:00+00:00",
                "Period": 600,
                "Statistics": ["Sum", "SampleCount"],
            }),
        )
        .await
        .expect("GetMetricStatistics")
        .to_json(&iso());
    let points = stats["Datapoints"].as_array().expect("datapoints");
    assert_eq!(points.len(), 1, "{stats}");
    assert_eq!(points[0]["Sum"], 4.0);
    assert_eq!(points[0]["SampleCount"], 2.0);
    assert_isoformat(points[0]["Timestamp"].as_str().unwrap());
}
