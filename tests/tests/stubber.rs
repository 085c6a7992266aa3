//! `rboto::stub::Stubber`, botocore's `Stubber`: generated clients answered from a queue of
//! canned responses, with no endpoint, credentials or network, and the checks unit tests rely
//! on (operation order, expected parameters, unused responses).

use rboto::stub::{Stubber, ANY};
use rboto::{Config, ErrorKind};
use rboto_dynamodb::input::{GetItemInput, PutItemInput};
use rboto_dynamodb::types::AttributeValue;
use rboto_tests::stub::{StubConnector, StubResponse};
use serde_json::json;
use std::collections::HashMap;

/// A config with nothing but the stubber: no region, credentials or endpoint anywhere.
fn stubbed(stubber: &Stubber) -> Config {
    Config::builder().stubber(stubber.clone()).build()
}

fn key(id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("id".to_string(), AttributeValue::default().s(id))])
}

#[tokio::test]
async fn sts_get_caller_identity_needs_no_region_credentials_or_network() {
    let stubber = Stubber::new();
    stubber
        .add_response::<rboto_sts::input::GetCallerIdentityInput>(json!({
            "Account": "123456789012",
            "Arn": "arn:aws:iam::123456789012:user/alice",
            "UserId": "AIDA",
        }))
        .unwrap()
        .request_id("req-sts");
    let sts = rboto_sts::Client::new(&stubbed(&stubber));
    let out = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    assert_eq!(out.user_id.as_deref(), Some("AIDA"));
    let meta = out.response_metadata();
    assert_eq!(meta.request_id.as_deref(), Some("req-sts"));
    assert_eq!(meta.http_status_code, 200);
    stubber.assert_no_pending_responses().unwrap();
    let calls = stubber.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].service, calls[0].operation),
        ("sts", "GetCallerIdentity")
    );
    assert_eq!(calls[0].params, json!({}));
}

#[tokio::test]
async fn dynamodb_get_item_returns_the_item_when_the_params_match() {
    let stubber = Stubber::new();
    stubber
        .add_response::<GetItemInput>(json!({
            "Item": {
                "id": {"S": "u-1"},
                "age": {"N": "42"},
                "tags": {"L": [{"S": "a"}, {"BOOL": true}]},
                "address": {"M": {"city": {"S": "Lyon"}}},
                "photo": {"B": "raw bytes"},
            },
            "ResponseMetadata": {"RequestId": "req-ddb", "HTTPStatusCode": 200},
        }))
        .unwrap()
        .expect_params(json!({"TableName": "users", "Key": {"id": {"S": "u-1"}}}))
        .unwrap();
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let out = ddb
        .get_item()
        .table_name("users")
        .key(key("u-1"))
        .send()
        .await
        .unwrap();
    let item = out.item.as_ref().unwrap();
    assert_eq!(item["id"].s.as_deref(), Some("u-1"));
    assert_eq!(item["age"].n.as_deref(), Some("42"));
    let tags = item["tags"].l.as_ref().unwrap();
    assert_eq!(tags[0].s.as_deref(), Some("a"));
    assert_eq!(tags[1].bool, Some(true));
    let city = &item["address"].m.as_ref().unwrap()["city"];
    assert_eq!(city.s.as_deref(), Some("Lyon"));
    assert_eq!(item["photo"].b.as_ref().unwrap().as_bytes(), b"raw bytes");
    assert_eq!(
        out.response_metadata().request_id.as_deref(),
        Some("req-ddb")
    );
    assert_eq!(
        stubber.calls()[0].params,
        json!({"TableName": "users", "Key": {"id": {"S": "u-1"}}})
    );
    stubber.assert_no_pending_responses().unwrap();
}

#[tokio::test]
async fn mismatched_params_fail_the_call_naming_the_member_and_keep_the_response() {
    let stubber = Stubber::new();
    stubber
        .add_response::<GetItemInput>(json!({}))
        .unwrap()
        .expect_params(json!({"TableName": "users", "Key": {"id": {"S": "u-1"}}}))
        .unwrap();
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let err = ddb
        .get_item()
        .table_name("users")
        .key(key("u-2"))
        .send()
        .await
        .expect_err("the key differs");
    assert_eq!(err.kind(), ErrorKind::Stub, "{err}");
    assert_eq!(err.operation(), Some("GetItem"));
    let text = err.to_string();
    assert!(text.contains("params.Key.id.S"), "{text}");
    assert!(
        text.contains("\"u-1\"") && text.contains("\"u-2\""),
        "{text}"
    );

    // An extra member is a mismatch too, as botocore compares the whole key set.
    let err = ddb
        .get_item()
        .table_name("users")
        .key(key("u-1"))
        .consistent_read(true)
        .send()
        .await
        .expect_err("ConsistentRead was not expected");
    assert!(
        err.to_string().contains("params.ConsistentRead was sent"),
        "{err}"
    );

    // botocore leaves the response queued: the right call still gets it.
    assert_eq!(stubber.pending(), ["GetItem"]);
    ddb.get_item()
        .table_name("users")
        .key(key("u-1"))
        .send()
        .await
        .unwrap();
    stubber.assert_no_pending_responses().unwrap();
    assert_eq!(stubber.calls().len(), 3);
}

/// `ANY` (botocore's `stub.ANY`) accepts any value, at any depth, but the member must be sent.
#[tokio::test]
async fn any_matches_whatever_was_sent_but_not_a_missing_member() {
    let stubber = Stubber::new();
    stubber
        .add_response::<GetItemInput>(json!({}))
        .unwrap()
        .expect_params(json!({"TableName": ANY, "Key": {"id": {"S": ANY}}}))
        .unwrap();
    stubber
        .add_response::<GetItemInput>(json!({}))
        .unwrap()
        .expect_params(json!({"TableName": "t", "Key": ANY, "ConsistentRead": ANY}))
        .unwrap();
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let get = || ddb.get_item().table_name("t").key(key("anything"));
    get().send().await.unwrap();
    let err = get().send().await.expect_err("ConsistentRead is missing");
    assert!(
        err.to_string().contains("params.ConsistentRead expected"),
        "{err}"
    );
    get().consistent_read(false).send().await.unwrap();
    stubber.assert_no_pending_responses().unwrap();
}

/// Both sides go through the input shape, so a timestamp written as ISO-8601 text matches the
/// `DateTime` the code sets.
#[tokio::test]
async fn expected_params_are_compared_in_canonical_form() {
    let stubber = Stubber::new();
    stubber
        .add_response::<rboto_s3::input::GetObjectInput>(json!({"Body": ""}))
        .unwrap()
        .expect_params(json!({
            "Bucket": "b",
            "Key": "k",
            "IfModifiedSince": "2024-03-01T12:00:00Z",
        }))
        .unwrap();
    let s3 = rboto_s3::Client::new(&stubbed(&stubber));
    s3.get_object()
        .bucket("b")
        .key("k")
        .if_modified_since(rboto::DateTime::from_secs(1709294400))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stubber.calls()[0].params["IfModifiedSince"],
        "2024-03-01T12:00:00Z"
    );
}

#[tokio::test]
async fn a_modeled_error_comes_back_as_the_typed_exception() {
    let stubber = Stubber::new();
    stubber
        .add_client_error::<GetItemInput>(
            "ResourceNotFoundException",
            "Requested resource not found",
        )
        .request_id("req-404");
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let err = ddb
        .get_item()
        .table_name("missing")
        .key(key("u-1"))
        .send()
        .await
        .expect_err("stubbed error");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("req-404"));
    match err.modeled() {
        Some(rboto_dynamodb::Exception::ResourceNotFoundException(e)) => {
            assert_eq!(e.message.as_deref(), Some("Requested resource not found"))
        }
        other => panic!("expected the typed exception, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "An error occurred (ResourceNotFoundException) when calling the GetItem operation: \
         Requested resource not found (HTTP 400, request id req-404)"
    );
    stubber.assert_no_pending_responses().unwrap();
}

#[tokio::test]
async fn modeled_fields_fill_the_exception_and_unmodeled_codes_have_no_variant() {
    let stubber = Stubber::new();
    stubber
        .add_client_error::<PutItemInput>("ConditionalCheckFailedException", "nope")
        .modeled_fields(json!({"Item": {"id": {"S": "old"}}}))
        .unwrap();
    stubber
        .add_client_error::<PutItemInput>("SlowDown", "please wait")
        .http_status(503);
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let put = || ddb.put_item().table_name("t").item(key("x"));
    let err = put().send().await.expect_err("conditional check");
    match err.modeled() {
        Some(rboto_dynamodb::Exception::ConditionalCheckFailedException(e)) => {
            assert_eq!(e.message.as_deref(), Some("nope"));
            assert_eq!(e.item.as_ref().unwrap()["id"].s.as_deref(), Some("old"));
        }
        other => panic!("expected the typed exception, got {other:?}"),
    }
    let err = put().send().await.expect_err("unmodeled");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("SlowDown"));
    assert_eq!(err.status(), Some(503));
    assert!(err.modeled().is_none());

    // Fields for a code that is not modeled, or that do not fit the shape, are refused.
    let refused = stubber
        .add_client_error::<PutItemInput>("SlowDown", "")
        .modeled_fields(json!({"Item": {}}))
        .expect_err("not modeled");
    assert_eq!(refused.kind(), ErrorKind::ParamValidation);
    let refused = stubber
        .add_client_error::<PutItemInput>("ConditionalCheckFailedException", "")
        .modeled_fields(json!({"Bogus": 1}))
        .expect_err("unknown member");
    assert!(refused.to_string().contains("\"Bogus\""), "{refused}");
}

#[tokio::test]
async fn a_call_to_another_operation_than_the_next_queued_one_names_both() {
    let stubber = Stubber::new();
    stubber.add_response::<GetItemInput>(json!({})).unwrap();
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let err = ddb
        .put_item()
        .table_name("t")
        .item(key("x"))
        .send()
        .await
        .expect_err("PutItem is not queued");
    assert_eq!(err.kind(), ErrorKind::Stub);
    let text = err.to_string();
    assert!(
        text.contains("dynamodb.PutItem was called") && text.contains("for dynamodb.GetItem"),
        "{text}"
    );
    assert_eq!(stubber.pending(), ["GetItem"]);

    stubber
        .assert_no_pending_responses()
        .expect_err("GetItem is left");
    ddb.get_item()
        .table_name("t")
        .key(key("x"))
        .send()
        .await
        .unwrap();
    let err = ddb
        .get_item()
        .table_name("t")
        .key(key("x"))
        .send()
        .await
        .expect_err("nothing is queued any more");
    assert_eq!(err.kind(), ErrorKind::Stub);
    assert!(
        err.to_string().contains("unexpected call to GetItem"),
        "{err}"
    );
}

#[tokio::test]
async fn unused_responses_are_reported_by_operation() {
    let stubber = Stubber::new();
    stubber.add_response::<GetItemInput>(json!({})).unwrap();
    stubber.add_client_error::<PutItemInput>("ResourceNotFoundException", "gone");
    let err = stubber.assert_no_pending_responses().expect_err("two left");
    assert_eq!(err.kind(), ErrorKind::Stub);
    assert_eq!(
        err.to_string(),
        "2 stubbed responses remaining in the queue: GetItem, PutItem"
    );
}

#[test]
fn responses_that_do_not_fit_the_output_shape_are_refused_naming_the_member() {
    let stubber = Stubber::new();
    let err = stubber
        .add_response::<GetItemInput>(json!({"Item": {"id": {"S": 7}}}))
        .expect_err("S is a string");
    assert_eq!(err.kind(), ErrorKind::ParamValidation);
    let text = err.to_string();
    assert!(text.contains("response.Item.id.S"), "{text}");
    assert!(text.contains("valid types: string"), "{text}");

    let err = stubber
        .add_response::<GetItemInput>(json!({"Itme": {}}))
        .expect_err("unknown member");
    assert!(
        err.to_string().contains(
            "Unknown parameter in response: \"Itme\", must be one of: Item, ConsumedCapacity"
        ),
        "{err}"
    );
    let err = stubber
        .add_response::<rboto_s3::input::ListObjectsV2Input>(json!({
            "Contents": [{"Key": "k", "LastModified": "yesterday"}]
        }))
        .expect_err("not a timestamp");
    assert!(
        err.to_string()
            .contains("response.Contents[0].LastModified"),
        "{err}"
    );
    // Required output members are required, as botocore's validation has it.
    let err = stubber
        .add_response::<rboto_sts::input::AssumeRoleInput>(json!({
            "Credentials": {"AccessKeyId": "AKID"}
        }))
        .expect_err("SecretAccessKey is required");
    assert!(err.to_string().contains("SecretAccessKey"), "{err}");
    assert!(stubber.pending().is_empty());
}

#[tokio::test]
async fn s3_list_objects_and_get_object_with_a_body() {
    let stubber = Stubber::new();
    stubber
        .add_response::<rboto_s3::input::ListObjectsV2Input>(json!({
            "IsTruncated": false,
            "KeyCount": 2,
            "Contents": [
                {"Key": "a.txt", "Size": 5, "LastModified": "2024-03-01T12:00:00Z"},
                {"Key": "b.txt", "Size": 7, "LastModified": 1709294400},
            ],
        }))
        .unwrap()
        .expect_params(json!({"Bucket": "my-bucket", "Prefix": ""}))
        .unwrap();
    stubber
        .add_response::<rboto_s3::input::GetObjectInput>(json!({
            "Body": "hello",
            "ContentLength": 5,
            "ContentType": "text/plain",
            "ResponseMetadata": {
                "RequestId": "req-s3",
                "HostId": "host-s3",
                "HTTPHeaders": {"x-amz-meta-owner": "alice"},
            },
        }))
        .unwrap()
        .expect_params(json!({"Bucket": "my-bucket", "Key": "a.txt"}))
        .unwrap();
    let s3 = rboto_s3::Client::new(&stubbed(&stubber));
    let list = s3
        .list_objects_v2()
        .bucket("my-bucket")
        .prefix("")
        .send()
        .await
        .unwrap();
    let contents = list.contents.as_ref().unwrap();
    assert_eq!(contents[0].key.as_deref(), Some("a.txt"));
    assert_eq!(contents[1].size, Some(7));
    assert_eq!(contents[0].last_modified.unwrap().secs(), 1709294400);
    assert_eq!(contents[1].last_modified, contents[0].last_modified);

    let got = s3
        .get_object()
        .bucket("my-bucket")
        .key("a.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_type.as_deref(), Some("text/plain"));
    let meta = got.response_metadata();
    assert_eq!(meta.request_id.as_deref(), Some("req-s3"));
    assert_eq!(meta.host_id.as_deref(), Some("host-s3"));
    assert_eq!(meta.http_headers["x-amz-meta-owner"], "alice");
    let body = got.body.unwrap().collect().await.unwrap();
    assert_eq!(&body[..], b"hello");
    stubber.assert_no_pending_responses().unwrap();
}

#[tokio::test]
async fn parameters_are_still_validated_unless_validation_is_off() {
    let stubber = Stubber::new();
    stubber.add_response::<GetItemInput>(json!({})).unwrap();
    let ddb = rboto_dynamodb::Client::new(&stubbed(&stubber));
    let err = ddb
        .get_item()
        .key(key("x"))
        .send()
        .await
        .expect_err("TableName is required");
    assert_eq!(err.kind(), ErrorKind::ParamValidation, "{err}");
    assert_eq!(
        stubber.pending(),
        ["GetItem"],
        "an invalid call uses nothing"
    );

    let lax = Config::builder()
        .stubber(stubber.clone())
        .parameter_validation(false)
        .build();
    rboto_dynamodb::Client::new(&lax)
        .get_item()
        .send()
        .await
        .unwrap();
    stubber.assert_no_pending_responses().unwrap();
}

#[tokio::test]
async fn a_deactivated_stubber_lets_calls_through_to_the_pipeline() {
    let stubber = Stubber::new();
    stubber
        .add_response::<rboto_sts::input::GetCallerIdentityInput>(json!({"Account": "stub"}))
        .unwrap();
    let connector = StubConnector::new();
    connector.push(StubResponse::new(
        200,
        vec![],
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Account>wire</Account></GetCallerIdentityResult>\
         </GetCallerIdentityResponse>",
    ));
    let config = Config::builder()
        .region("us-east-1")
        .credentials(rboto::Credentials::new("AKID", "SECRET", None))
        .connector(connector.clone())
        .stubber(stubber.clone())
        .build();
    let sts = rboto_sts::Client::new(&config);
    stubber.deactivate();
    let out = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("wire"));
    assert_eq!(connector.requests().len(), 1);
    assert!(stubber.calls().is_empty());

    stubber.activate();
    let out = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("stub"));
    assert_eq!(
        connector.requests().len(),
        1,
        "a stubbed call sends nothing"
    );
}

/// A mismatch names the member but not a sensitive member's values.
#[tokio::test]
async fn mismatches_on_sensitive_members_do_not_show_their_values() {
    use rboto_secretsmanager::input::PutSecretValueInput;
    let stubber = Stubber::new();
    stubber
        .add_response::<PutSecretValueInput>(json!({}))
        .unwrap()
        .expect_params(json!({"SecretId": "db", "SecretString": "expected-secret"}))
        .unwrap();
    let sm = rboto_secretsmanager::Client::new(&stubbed(&stubber));
    let err = sm
        .put_secret_value()
        .secret_id("db")
        .secret_string("actual-secret")
        .send()
        .await
        .expect_err("the secret differs");
    let text = err.to_string();
    assert!(
        text.contains("params.SecretString expected <sensitive>"),
        "{text}"
    );
    assert!(!text.contains("secret\""), "{text}");
    // The record of calls keeps what was sent for assertions, but its Debug redacts it.
    let calls = stubber.calls();
    assert_eq!(calls[0].params["SecretString"], "actual-secret");
    let debug = format!("{calls:?}");
    assert!(!debug.contains("actual-secret"), "{debug}");
    assert!(debug.contains("Sensitive Data Redacted"), "{debug}");
}
