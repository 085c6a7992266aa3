//! Bad input to the dynamic client is a clear error before anything is sent: an unknown
//! operation or waiter, a member of the wrong type, a member the shape lacks, a missing
//! required member, text that is not base64 or a timestamp, each named by its path in
//! botocore's parameter-validation words (which the AWS CLI prints).

use rboto::dynamic::Client;
use rboto::waiter::WaiterErrorKind;
use rboto::ErrorKind;
use rboto_tests::model_files::dynamic_model;
use serde_json::json;
use std::sync::Arc;

/// A client whose endpoint refuses connections: nothing here may get as far as sending.
fn client(service: &str, validate: bool) -> Client {
    let config = rboto::Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .credentials(rboto::Credentials::new("AKID", "SECRET", None))
        .max_attempts(1)
        .parameter_validation(validate)
        .build();
    Client::new(&config, Arc::new(dynamic_model(service).expect("model")))
}

async fn validation_error(client: &Client, op: &str, input: serde_json::Value) -> String {
    let err = client.call(op, input).await.expect_err("invalid input");
    assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
    err.to_string()
}

#[tokio::test]
async fn unknown_operations_and_waiters() {
    let ddb = client("dynamodb", true);
    let err = ddb.call("ListTablez", json!({})).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParamValidation);
    assert_eq!(
        err.to_string(),
        "DynamoDB has no operation named \"ListTablez\""
    );

    let mut pages = ddb.paginate("ListTablez", json!({}));
    let first = pages.next_page().await.expect("one page").unwrap_err();
    assert_eq!(first.kind(), ErrorKind::ParamValidation);
    assert!(pages.next_page().await.is_none());

    let err = ddb
        .wait("TableExistz", json!({"TableName": "t"}), None, None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::RequestFailed);
    assert_eq!(err.waiter(), "TableExistz");
    assert!(
        err.reason().contains("no waiter named \"TableExistz\""),
        "{err}"
    );
    assert_eq!(
        ddb.model().waiter_names().collect::<Vec<_>>(),
        [
            "BulkOperationCompleted",
            "ContributorInsightsEnabled",
            "ExportCompleted",
            "ImportCompleted",
            "KinesisStreamingDestinationActive",
            "TableExists",
            "TableNotExists"
        ]
    );
}

#[tokio::test]
async fn wrong_types_name_the_member_path() {
    let ddb = client("dynamodb", true);
    let msg = validation_error(
        &ddb,
        "CreateTable",
        json!({
            "TableName": "t",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "Tags": [{"Key": 1, "Value": "v"}, {"Key": "k", "Value": ["x", "y"]}],
            "DeletionProtectionEnabled": "yes",
            "OnDemandThroughput": {"MaxReadRequestUnits": 1.5},
        }),
    )
    .await;
    assert_eq!(
        msg,
        "CreateTable: Parameter validation failed:\n\
         Invalid type for parameter Tags[0].Key, value: 1, type: <class 'int'>, valid types: <class 'str'>\n\
         Invalid type for parameter Tags[1].Value, value: ['x', 'y'], type: <class 'list'>, valid types: <class 'str'>\n\
         Invalid type for parameter DeletionProtectionEnabled, value: yes, type: <class 'str'>, valid types: <class 'bool'>\n\
         Invalid type for parameter OnDemandThroughput.MaxReadRequestUnits, value: 1.5, type: <class 'float'>, valid types: <class 'int'>"
    );

    // A whole input that is not an object.
    let msg = validation_error(&ddb, "ListTables", json!(["a"])).await;
    assert!(msg.contains("Invalid type for parameter input, value: ['a'], type: <class 'list'>, valid types: <class 'dict'>"), "{msg}");

    // Blobs are base64 text; timestamps ISO 8601 text or epoch seconds.
    let msg = validation_error(
        &ddb,
        "PutItem",
        json!({"TableName": "t", "Item": {"b": {"B": "not base64!"}}}),
    )
    .await;
    assert!(
        msg.contains("Invalid base64 for parameter Item.b.B: \"not base64!\""),
        "{msg}"
    );
    let cw = client("cloudwatch", true);
    let msg = validation_error(
        &cw,
        "GetMetricStatistics",
        json!({"Namespace": "n", "MetricName": "m", "StartTime": "yesterday", "EndTime": 1_700_000_000, "Period": 60}),
    )
    .await;
    assert!(msg.contains("Invalid type for parameter StartTime, value: yesterday, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string"), "{msg}");
    assert!(!msg.contains("EndTime"), "{msg}");
}

/// botocore's `range_check`; the expected reports are what botocore 1.44.5's ParamValidator
/// printed for the same inputs.
#[tokio::test]
async fn values_and_lengths_below_the_model_minimum() {
    let ddb = client("dynamodb", true);
    let msg = validation_error(
        &ddb,
        "ListTables",
        json!({"Limit": 0, "ExclusiveStartTableName": ""}),
    )
    .await;
    assert_eq!(
        msg,
        "ListTables: Parameter validation failed:\n\
         Invalid value for parameter Limit, value: 0, valid min value: 1\n\
         Invalid length for parameter ExclusiveStartTableName, value: 0, valid min length: 3"
    );
    let msg = validation_error(
        &ddb,
        "GetItem",
        json!({"TableName": "abc", "Key": {}, "AttributesToGet": []}),
    )
    .await;
    assert_eq!(
        msg,
        "GetItem: Parameter validation failed:\n\
         Invalid length for parameter AttributesToGet, value: 0, valid min length: 1"
    );
}

#[tokio::test]
async fn unknown_and_missing_members() {
    let ddb = client("dynamodb", true);
    let msg = validation_error(
        &ddb,
        "GetItem",
        json!({"Key": {"id": {"S": "k", "Q": "x"}}, "Bogus": 1}),
    )
    .await;
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines[0], "GetItem: Parameter validation failed:");
    assert_eq!(
        lines[1],
        "Missing required parameter in input: \"TableName\""
    );
    assert!(lines[2].starts_with(
        "Unknown parameter in input: \"Bogus\", must be one of: TableName, Key, AttributesToGet,"
    ), "{msg}");
    assert!(
        lines[3].starts_with("Unknown parameter in Key.id: \"Q\", must be one of: S, N, B,"),
        "{msg}"
    );
    assert_eq!(lines.len(), 4, "{msg}");

    // Without client-side validation, missing members are the service's business: the call
    // goes on to the (refused) connection. Types must still fit.
    let lax = client("dynamodb", false);
    let err = lax.call("GetItem", json!({})).await.unwrap_err();
    assert_ne!(err.kind(), ErrorKind::ParamValidation, "{err}");
    let err = lax
        .call("GetItem", json!({"TableName": 5}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");

    // An idempotency token is filled in by the runtime, so it is not missing.
    let ec2 = client("ec2", true);
    let msg = validation_error(
        &ec2,
        "CreateLaunchTemplate",
        json!({"LaunchTemplateData": {}}),
    )
    .await;
    assert!(
        msg.contains("Missing required parameter in input: \"LaunchTemplateName\""),
        "{msg}"
    );
    assert!(!msg.contains("ClientToken"), "{msg}");
}

/// The client's futures can be spawned on a multi-threaded runtime.
#[test]
fn futures_are_send() {
    fn send<T: Send>(_: T) {}
    let ddb = client("dynamodb", true);
    send(ddb.call("ListTables", json!({})));
    send(ddb.wait("TableExists", json!({}), None, None));
    let mut pages = ddb.paginate("ListTables", json!({}));
    send(pages.next_page());
    send(
        ddb.paginate("ListTables", json!({}))
            .collect_json(&Default::default()),
    );
    send(ddb.clone());
}

#[tokio::test]
async fn tagged_unions_take_exactly_one_member() {
    let bedrock = client("bedrock-runtime", true);
    let input = |content: serde_json::Value| json!({"modelId": "m", "messages": [{"role": "user", "content": [content]}]});
    let msg = validation_error(&bedrock, "Converse", input(json!({}))).await;
    assert!(
        msg.contains("Must set one of the following keys for tagged unionstructure messages[0].content[0]: text, "),
        "{msg}"
    );
    let msg = validation_error(
        &bedrock,
        "Converse",
        input(json!({"text": "a", "image": {"format": "png"}})),
    )
    .await;
    assert!(
        msg.contains("Invalid number of parameters set for tagged union structure messages[0].content[0]. Can only set one of the following keys: text, "),
        "{msg}"
    );
}
