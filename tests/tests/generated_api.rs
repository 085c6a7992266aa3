//! The generated API's promises on real service crates: every operation has its own
//! `<Operation>Input` and `<Operation>Output`, every successful output carries boto3's
//! `ResponseMetadata`, and an input built on its own says how to send it instead of panicking.

use rboto::{Config, Credentials, ErrorKind};
use rboto_tests::stub::{StubConnector, StubResponse};

fn config(stub: &StubConnector) -> Config {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None))
        .connector(stub.clone())
        .build()
}

#[tokio::test]
async fn outputs_carry_request_id_status_headers_and_retries() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        503,
        vec![("x-amzn-requestid".into(), "first".into())],
        r#"{"__type":"ServiceUnavailable","message":"busy"}"#,
    ));
    stub.push(StubResponse::new(
        200,
        vec![
            ("x-amzn-requestid".into(), "REQ-2".into()),
            ("x-amz-crc32".into(), "2745614147".into()),
        ],
        "{}",
    ));
    let ddb = rboto_dynamodb::Client::new(&config(&stub));
    let out: rboto_dynamodb::output::ListTablesOutput =
        ddb.list_tables().send().await.expect("retried once");
    let meta = out.response_metadata();
    assert_eq!(meta.request_id.as_deref(), Some("REQ-2"));
    assert_eq!(meta.http_status_code, 200);
    assert_eq!(meta.retry_attempts, 1);
    assert_eq!(
        meta.http_headers
            .get("x-amz-crc32")
            .and_then(|v| v.to_str().ok()),
        Some("2745614147")
    );
    // Metadata is not part of the value: equal outputs compare equal. `Debug` shows the fields
    // and, after them, the request id.
    assert_eq!(out, rboto_dynamodb::output::ListTablesOutput::default());
    assert_eq!(
        format!("{out:?}"),
        "ListTablesOutput { table_names: None, last_evaluated_table_name: None, \
         _meta: ResponseMetadata { request_id: Some(\"REQ-2\"), .. } }"
    );
}

#[tokio::test]
async fn query_request_ids_come_from_the_body_and_s3_host_ids_from_headers() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        200,
        vec![],
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>q-id-7</RequestId>\
         </ResponseMetadata></GetCallerIdentityResponse>",
    ));
    let sts = rboto_sts::Client::new(&config(&stub));
    let out = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    assert_eq!(
        out.response_metadata().request_id.as_deref(),
        Some("q-id-7")
    );
    assert_eq!(out.response_metadata().retry_attempts, 0);

    stub.push(StubResponse::new(
        204,
        vec![
            ("x-amz-request-id".into(), "s3-req".into()),
            ("x-amz-id-2".into(), "s3-host-id".into()),
        ],
        "",
    ));
    let s3 = rboto_s3::Client::new(&config(&stub));
    // DeleteBucket has no output shape, yet its output type exists and has metadata.
    let out: rboto_s3::output::DeleteBucketOutput =
        s3.delete_bucket().bucket("b").send().await.unwrap();
    let meta = out.response_metadata();
    assert_eq!(meta.request_id.as_deref(), Some("s3-req"));
    assert_eq!(meta.host_id.as_deref(), Some("s3-host-id"));
    assert_eq!(meta.http_status_code, 204);
}

#[tokio::test]
async fn an_output_shape_shared_with_other_types_still_gets_its_own_output_type() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        200,
        vec![],
        "<RunInstancesResponse><requestId>ec2-req</requestId><reservationId>r-1</reservationId>\
         <instancesSet><item><instanceId>i-1</instanceId></item></instancesSet>\
         </RunInstancesResponse>",
    ));
    let ec2 = rboto_ec2::Client::new(&config(&stub));
    // RunInstances' output shape is `Reservation`, also an item of DescribeInstances.
    let out: rboto_ec2::output::RunInstancesOutput = ec2
        .run_instances()
        .image_id("ami-1")
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap();
    assert_eq!(out.reservation_id.as_deref(), Some("r-1"));
    assert_eq!(
        out.instances.unwrap_or_default()[0].instance_id.as_deref(),
        Some("i-1")
    );
    let _: rboto_ec2::types::Reservation = rboto_ec2::types::Reservation::default();
}

#[tokio::test]
async fn an_input_built_on_its_own_is_sent_through_a_client_not_by_itself() {
    let stub = StubConnector::new();
    stub.fallback(StubResponse::new(200, vec![], "{}"));
    let input = rboto_dynamodb::input::ListTablesInput::default().limit(3);
    let err = input
        .clone()
        .send()
        .await
        .expect_err("no client to send it");
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.to_string().contains("client.send(input)"), "{err}");
    assert!(stub.requests().is_empty());

    let ddb = rboto_dynamodb::Client::new(&config(&stub));
    ddb.send(input.clone())
        .await
        .expect("sent through the client");
    let pages = input.into_paginator().pages().await;
    assert_eq!(
        pages.expect_err("no client").kind(),
        ErrorKind::InvalidConfig
    );
    assert_eq!(stub.requests().len(), 1);
}

#[tokio::test]
async fn every_page_of_a_paginator_carries_its_own_metadata() {
    let stub = StubConnector::new();
    for (id, body) in [
        (
            "page-1",
            r#"{"TableNames":["a"],"LastEvaluatedTableName":"a"}"#,
        ),
        ("page-2", r#"{"TableNames":["b"]}"#),
    ] {
        stub.push(StubResponse::new(
            200,
            vec![("x-amzn-requestid".into(), id.into())],
            body,
        ));
    }
    let ddb = rboto_dynamodb::Client::new(&config(&stub));
    let pages = ddb.list_tables().into_paginator().pages().await.unwrap();
    let ids: Vec<Option<&str>> = pages
        .iter()
        .map(|p| p.response_metadata().request_id.as_deref())
        .collect();
    assert_eq!(ids, [Some("page-1"), Some("page-2")]);
}
