//! CloudTrail (json protocol) end to end. Trails run against moto's server with SigV4
//! verification on. `LookupEvents` (the seed's `aws cloudtrail lookup-events` troubleshooting
//! step) is not implemented by moto 5.2.5, which answers HTTP 500 with an HTML page, so it runs
//! against the stub connector with responses shaped like AWS's.

use rboto::{Config, Credentials, DateTime, ErrorKind};
use rboto_cloudtrail::types::{LookupAttribute, LookupAttributeKey, Tag};
use rboto_cloudtrail::Exception;
use rboto_tests::moto::take_turn as session;
use rboto_tests::stub::{CapturedRequest, StubConnector, StubResponse};
use serde_json::{json, Value};

const TRAIL: &str = "rboto-audit";
const BUCKET: &str = "rboto-audit-logs";
const TRAIL_ARN: &str = "arn:aws:cloudtrail:us-east-1:123456789012:trail/rboto-audit";

// ---------------------------------------------------------------------------------------------
// Trails against moto
// ---------------------------------------------------------------------------------------------

/// Create, describe, get, status, start and stop logging, tags, list and delete: each answer
/// checked against what the earlier calls set.
/// The test trail's status.
async fn trail_status(
    ct: &rboto_cloudtrail::Client,
) -> rboto_cloudtrail::output::GetTrailStatusOutput {
    ct.get_trail_status()
        .name(TRAIL)
        .send()
        .await
        .expect("get_trail_status")
}

#[tokio::test]
async fn trail_lifecycle_round_trips_against_moto() {
    let s = session();
    let config = s.config();
    rboto_s3::Client::new(&config)
        .create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .expect("create_bucket");
    let ct = rboto_cloudtrail::Client::new(&config);

    let created = ct
        .create_trail()
        .name(TRAIL)
        .s3_bucket_name(BUCKET)
        .s3_key_prefix("audit")
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .tags_list(vec![Tag::default().key("team").value("platform")])
        .send()
        .await
        .expect("create_trail");
    assert_eq!(created.name.as_deref(), Some(TRAIL));
    assert_eq!(created.trail_arn.as_deref(), Some(TRAIL_ARN));
    assert_eq!(created.s3_bucket_name.as_deref(), Some(BUCKET));
    assert_eq!(created.s3_key_prefix.as_deref(), Some("audit"));
    assert_eq!(created.is_multi_region_trail, Some(true));
    assert_eq!(created.log_file_validation_enabled, Some(true));
    assert_eq!(created.include_global_service_events, Some(true));
    assert_eq!(created.is_organization_trail, Some(false));

    let described = ct
        .describe_trails()
        .trail_name_list(vec![TRAIL.to_string()])
        .send()
        .await
        .expect("describe_trails");
    let trails = described.trail_list.unwrap_or_default();
    assert_eq!(trails.len(), 1, "{trails:?}");
    assert_eq!(trails[0].name.as_deref(), Some(TRAIL));
    assert_eq!(trails[0].trail_arn.as_deref(), Some(TRAIL_ARN));
    assert_eq!(trails[0].home_region.as_deref(), Some("us-east-1"));
    assert_eq!(trails[0].s3_key_prefix.as_deref(), Some("audit"));
    assert_eq!(trails[0].has_custom_event_selectors, Some(false));

    // By ARN, as the CLI's `--name` also accepts.
    let got = ct
        .get_trail()
        .name(TRAIL_ARN)
        .send()
        .await
        .expect("get_trail");
    let trail = got.trail.expect("trail");
    assert_eq!(trail.name.as_deref(), Some(TRAIL));
    assert_eq!(trail.s3_bucket_name.as_deref(), Some(BUCKET));
    assert_eq!(trail.log_file_validation_enabled, Some(true));

    let status = trail_status(&ct).await;
    assert_eq!(status.is_logging, Some(false));
    assert_eq!(status.start_logging_time, None);
    assert_eq!(status.stop_logging_time, None);

    let before = DateTime::now().secs();
    ct.start_logging()
        .name(TRAIL)
        .send()
        .await
        .expect("start_logging");
    let status = trail_status(&ct).await;
    assert_eq!(status.is_logging, Some(true));
    assert!(status.start_logging_time.is_some(), "{status:?}");
    assert!(status.latest_delivery_time.is_some(), "{status:?}");
    // moto's epoch fields go through local time (`time.mktime`); its ISO text is UTC.
    let started = iso_secs(status.time_logging_started.as_deref());
    assert!(
        (before - 2..=DateTime::now().secs() + 2).contains(&started),
        "{status:?}"
    );

    ct.stop_logging()
        .name(TRAIL)
        .send()
        .await
        .expect("stop_logging");
    let status = trail_status(&ct).await;
    assert_eq!(status.is_logging, Some(false));
    assert!(status.stop_logging_time.is_some(), "{status:?}");
    assert!(iso_secs(status.time_logging_stopped.as_deref()) >= started);

    let listed = ct.list_trails().send().await.expect("list_trails");
    let infos = listed.trails.unwrap_or_default();
    assert_eq!(infos.len(), 1, "{infos:?}");
    assert_eq!(infos[0].name.as_deref(), Some(TRAIL));
    assert_eq!(infos[0].trail_arn.as_deref(), Some(TRAIL_ARN));
    assert_eq!(infos[0].home_region.as_deref(), Some("us-east-1"));

    let tags = ct
        .list_tags()
        .resource_id_list(vec![TRAIL_ARN.to_string()])
        .send()
        .await
        .expect("list_tags");
    let tagged = tags.resource_tag_list.unwrap_or_default();
    assert_eq!(tagged.len(), 1, "{tagged:?}");
    assert_eq!(tagged[0].resource_id.as_deref(), Some(TRAIL_ARN));
    assert_eq!(
        tagged[0].tags_list.as_deref(),
        Some(&[Tag::default().key("team").value("platform")][..])
    );

    ct.delete_trail()
        .name(TRAIL)
        .send()
        .await
        .expect("delete_trail");
    let err = ct
        .get_trail()
        .name(TRAIL)
        .send()
        .await
        .expect_err("the trail is gone");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some("TrailNotFoundException"), "{err}");
    assert_eq!(err.status(), Some(400));
    assert!(
        matches!(err.modeled(), Some(Exception::TrailNotFoundException(_))),
        "{err:?}"
    );
    let after = ct.describe_trails().send().await.expect("describe_trails");
    assert_eq!(after.trail_list, Some(Vec::new()));
}

/// Verification is on for CloudTrail calls, and moto's own checks come back as modeled errors.
#[tokio::test]
async fn moto_checks_signatures_and_buckets() {
    let s = session();
    let forged = rboto_cloudtrail::Client::new(&s.config_with_secret("not-the-secret"));
    let err = forged
        .describe_trails()
        .send()
        .await
        .expect_err("a wrong secret is refused");
    assert_eq!(err.status(), Some(403), "{err}");

    let ct = rboto_cloudtrail::Client::new(&s.config());
    let err = ct
        .create_trail()
        .name(TRAIL)
        .s3_bucket_name("no-such-bucket")
        .send()
        .await
        .expect_err("the bucket does not exist");
    assert_eq!(err.code(), Some("S3BucketDoesNotExistException"), "{err}");
    assert!(
        matches!(
            err.modeled(),
            Some(Exception::S3BucketDoesNotExistException(_))
        ),
        "{err:?}"
    );
}

/// What the stub stands in for: moto 5.2.5 has no `LookupEvents`. When this fails, moto has
/// learnt it: move the lookups below to moto.
#[tokio::test]
async fn moto_does_not_serve_lookup_events() {
    let s = session();
    let ct = rboto_cloudtrail::Client::new(&s.builder().max_attempts(1).build());
    let err = ct
        .lookup_events()
        .send()
        .await
        .expect_err("moto has no LookupEvents");
    assert_eq!(err.status(), Some(500), "{err}");
}

fn iso_secs(text: Option<&str>) -> i64 {
    let text = text.expect("an ISO 8601 time");
    DateTime::parse_iso8601(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .secs()
}

// ---------------------------------------------------------------------------------------------
// LookupEvents against the stub connector
// ---------------------------------------------------------------------------------------------

/// 2024-01-15T00:00:00Z and 2024-01-16T12:30:00.5Z.
const START: i64 = 1_705_276_800;
const END_MILLIS: i64 = 1_705_408_200_500;

fn stub_client(stub: &StubConnector) -> rboto_cloudtrail::Client {
    let config = Config::builder()
        .region("us-west-2")
        .credentials(Credentials::new("AKIDEXAMPLE", "SECRET", None))
        .connector(stub.clone())
        .build();
    rboto_cloudtrail::Client::new(&config)
}

/// A 200 response with `body`, where each string `"@raw:<text>"` becomes `<text>` unquoted: AWS
/// writes epoch times as `1.705312245E9`, which `serde_json` would print as `1705312245.0`.
fn json_response(body: Value) -> StubResponse {
    let mut text = body.to_string();
    while let Some(start) = text.find("\"@raw:") {
        let end = start + 1 + text[start + 1..].find('"').expect("closing quote");
        let raw = text[start + "\"@raw:".len()..end].to_string();
        text.replace_range(start..=end, &raw);
    }
    StubResponse::new(
        200,
        vec![
            ("content-type".into(), "application/x-amz-json-1.1".into()),
            (
                "x-amzn-requestid".into(),
                "5c1f2a8e-0000-4000-8000-000000000001".into(),
            ),
        ],
        text,
    )
}

/// An epoch time written as AWS writes it (see [`json_response`]).
fn raw(number: &str) -> Value {
    json!(format!("@raw:{number}"))
}

/// One management event as LookupEvents returns it: `CloudTrailEvent` is the whole record as a
/// JSON string, `EventTime` epoch seconds.
fn event(id: &str, name: &str, time: Value, error_code: Option<&str>) -> Value {
    let mut record = json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": "arn:aws:sts::123456789012:assumed-role/deploy/ci",
            "accountId": "123456789012",
            "accessKeyId": "ASIAEXAMPLE"
        },
        "eventTime": "2024-01-15T09:50:45Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-west-2",
        "requestParameters": {"bucketName": "my-bucket"},
        "eventID": id,
        "readOnly": false,
        "eventType": "AwsApiCall"
    });
    if let Some(code) = error_code {
        record["errorCode"] = json!(code);
        record["errorMessage"] = json!("Access Denied");
    }
    json!({
        "EventId": id,
        "EventName": name,
        "ReadOnly": "false",
        "AccessKeyId": "ASIAEXAMPLE",
        "EventTime": time,
        "EventSource": "s3.amazonaws.com",
        "Username": "ci",
        "Resources": [
            {"ResourceType": "AWS::S3::Bucket", "ResourceName": "my-bucket"}
        ],
        "CloudTrailEvent": record.to_string()
    })
}

fn by_event_source() -> Vec<LookupAttribute> {
    vec![LookupAttribute::default()
        .attribute_key(LookupAttributeKey::EventSource)
        .attribute_value("s3.amazonaws.com")]
}

fn body_json(request: &CapturedRequest) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON request body")
}

/// The request botocore 1.44.5 sends for the same call (its body measured with the moto venv's
/// botocore): the target header, and times as epoch seconds, whole ones as integers.
fn assert_lookup_request(request: &CapturedRequest, next_token: Option<&str>) {
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.uri.to_string(),
        "https://cloudtrail.us-west-2.amazonaws.com/"
    );
    assert_eq!(
        request.header("x-amz-target"),
        Some("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents")
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(
        request.header("content-length"),
        Some(request.body.len().to_string().as_str())
    );
    let auth = request.header("authorization").expect("signed");
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && auth.contains("/us-west-2/cloudtrail/aws4_request")
            && auth.contains("x-amz-target"),
        "{auth}"
    );
    let mut expected = json!({
        "LookupAttributes": [
            {"AttributeKey": "EventSource", "AttributeValue": "s3.amazonaws.com"}
        ],
        "StartTime": START,
        "EndTime": 1_705_408_200.5,
        "MaxResults": 2
    });
    if let Some(token) = next_token {
        expected["NextToken"] = json!(token);
    }
    assert_eq!(body_json(request), expected);
}

fn lookup(ct: &rboto_cloudtrail::Client) -> rboto_cloudtrail::input::LookupEventsInput {
    ct.lookup_events()
        .lookup_attributes(by_event_source())
        .start_time(DateTime::from_secs(START))
        .end_time(DateTime::from_secs_and_nanos(
            END_MILLIS / 1000,
            (END_MILLIS % 1000) as u32 * 1_000_000,
        ))
        .max_results(2)
}

/// The seed's step: find the access-denied calls. The filter goes out as botocore sends it and
/// each event comes back typed, with its record readable as JSON.
#[tokio::test]
async fn lookup_events_sends_the_filter_and_parses_events() {
    let stub = StubConnector::new();
    stub.push(json_response(json!({
        "Events": [
            event("ev-1", "PutBucketPolicy", raw("1.705312245E9"), Some("AccessDenied")),
            event("ev-2", "CreateBucket", raw("1705312300"), None)
        ],
        "NextToken": "kbOt5LlZe++mErCebpy2TgaMgmDvF1kYGFcH64JSjIbZ"
    })));
    let ct = stub_client(&stub);
    let out = lookup(&ct).send().await.expect("lookup_events");

    assert_lookup_request(&stub.only_request(), None);
    assert_eq!(
        out.next_token.as_deref(),
        Some("kbOt5LlZe++mErCebpy2TgaMgmDvF1kYGFcH64JSjIbZ")
    );
    let events = out.events.expect("events");
    assert_eq!(events.len(), 2);
    let first = &events[0];
    assert_eq!(first.event_id.as_deref(), Some("ev-1"));
    assert_eq!(first.event_name.as_deref(), Some("PutBucketPolicy"));
    assert_eq!(first.read_only.as_deref(), Some("false"));
    assert_eq!(first.access_key_id.as_deref(), Some("ASIAEXAMPLE"));
    assert_eq!(first.event_source.as_deref(), Some("s3.amazonaws.com"));
    assert_eq!(first.username.as_deref(), Some("ci"));
    assert_eq!(first.event_time, Some(DateTime::from_secs(1_705_312_245)));
    assert_eq!(
        events[1].event_time,
        Some(DateTime::from_secs(1_705_312_300))
    );
    let resources = first.resources.clone().unwrap_or_default();
    assert_eq!(resources.len(), 1);
    assert_eq!(
        resources[0].resource_type.as_deref(),
        Some("AWS::S3::Bucket")
    );
    assert_eq!(resources[0].resource_name.as_deref(), Some("my-bucket"));

    let denied: Vec<&str> = events
        .iter()
        .filter(|e| {
            let record: Value =
                serde_json::from_str(e.cloud_trail_event.as_deref().unwrap_or("{}")).unwrap();
            record["errorCode"] == "AccessDenied"
        })
        .filter_map(|e| e.event_name.as_deref())
        .collect();
    assert_eq!(denied, ["PutBucketPolicy"]);
}

/// botocore's `get_paginator("lookup_events")`: the second request repeats the filter with the
/// first page's token, and paging stops at a page without one.
#[tokio::test]
async fn lookup_events_paginator_follows_next_token() {
    let stub = StubConnector::new();
    stub.push(json_response(json!({
        "Events": [
            event("ev-1", "PutBucketPolicy", raw("1.705312245E9"), Some("AccessDenied")),
            event("ev-2", "CreateBucket", raw("1705312300"), None)
        ],
        "NextToken": "page-2"
    })));
    stub.push(json_response(json!({
        "Events": [event("ev-3", "DeleteBucket", raw("1.7053124E9"), Some("AccessDenied"))]
    })));
    stub.fallback(StubResponse::new(
        500,
        Vec::new(),
        "no third page was scripted",
    ));
    let ct = stub_client(&stub);

    let pages = lookup(&ct)
        .into_paginator()
        .pages()
        .await
        .expect("two pages");
    assert_eq!(pages.len(), 2);
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.events.clone().unwrap_or_default())
        .filter_map(|e| e.event_id)
        .collect();
    assert_eq!(ids, ["ev-1", "ev-2", "ev-3"]);
    assert_eq!(pages[1].next_token, None);

    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    assert_lookup_request(&requests[0], None);
    assert_lookup_request(&requests[1], Some("page-2"));
}

/// The seed's own command filters on `ErrorCode`, which is no lookup attribute: the key goes out
/// as given (botocore does not check enums either) and AWS's refusal comes back modeled.
#[tokio::test]
async fn lookup_events_with_an_unknown_attribute_is_a_modeled_error() {
    let stub = StubConnector::new();
    stub.push(StubResponse::new(
        400,
        vec![("content-type".into(), "application/x-amz-json-1.1".into())],
        json!({
            "__type": "InvalidLookupAttributesException",
            "Message": "Lookup attribute key ErrorCode is not valid."
        })
        .to_string(),
    ));
    let ct = stub_client(&stub);
    let err = ct
        .lookup_events()
        .lookup_attributes(vec![LookupAttribute::default()
            .attribute_key(LookupAttributeKey::from("ErrorCode"))
            .attribute_value("AccessDenied")])
        .send()
        .await
        .expect_err("AWS refuses the attribute");
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.status(), Some(400));
    assert!(
        matches!(
            err.modeled(),
            Some(Exception::InvalidLookupAttributesException(_))
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "An error occurred (InvalidLookupAttributesException) when calling the LookupEvents \
         operation: Lookup attribute key ErrorCode is not valid. (HTTP 400)"
    );
    assert_eq!(
        body_json(&stub.only_request()),
        json!({"LookupAttributes": [{"AttributeKey": "ErrorCode", "AttributeValue": "AccessDenied"}]})
    );
}
