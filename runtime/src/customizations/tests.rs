//! Each customisation, seen from where the runtime uses it: dropping one (or keying it to the
//! wrong service) fails here.

use super::*;
use crate::retry::{standard, RetryMode};
use std::time::Duration;

/// A model with one operation under the `/{Bucket}` label, as `service_id` would have it.
fn model(service_id: &str) -> String {
    format!(
        r#"{{"metadata":{{"serviceId":"{service_id}","protocol":"rest-xml","endpointPrefix":"x",
        "signatureVersion":"v4","apiVersion":"2006-03-01"}},
        "operations":{{"GetObject":{{"name":"GetObject",
        "http":{{"method":"GET","requestUri":"/{{Bucket}}/{{Key+}}"}}}}}},"shapes":{{}}}}"#
    )
}

#[test]
fn the_s3_model_loses_its_bucket_label_and_no_other_does() {
    let s3 = crate::model::build("s3", &model("S3"), "").unwrap();
    assert_eq!(s3.operations[0].request_uri, "/{Key+}");
    let control = crate::model::build("s3control", &model("S3 Control"), "").unwrap();
    assert_eq!(control.operations[0].request_uri, "/{Bucket}/{Key+}");
}

#[test]
fn dynamodb_checks_its_crc32_and_dynamodb_streams_does_not() {
    assert!(for_service("DynamoDB").response_crc32);
    assert!(!for_service("DynamoDB Streams").response_crc32);
    assert!(!for_service("S3").response_crc32);
}

#[test]
fn dynamodb_and_its_streams_retry_on_their_own_schedule() {
    for id in ["DynamoDB", "DynamoDB Streams", " dynamodb streams "] {
        assert_eq!(standard::default_max_attempts(RetryMode::Standard, id), 4);
        assert_eq!(standard::default_max_attempts(RetryMode::Legacy, id), 10);
        // random = 1: the full 25 ms base on the first retry, 50 ms legacy without jitter.
        let d = standard::delay(RetryMode::Standard, id, 1, false, None, 1.0);
        assert_eq!(d, Duration::from_millis(25));
        let d = standard::delay(RetryMode::Legacy, id, 2, false, None, 0.0);
        assert_eq!(d, Duration::from_millis(100));
    }
    assert_eq!(
        standard::default_max_attempts(RetryMode::Standard, "SQS"),
        3
    );
    let d = standard::delay(RetryMode::Standard, "SQS", 1, false, None, 1.0);
    assert_eq!(d, Duration::from_millis(50));
}

#[test]
fn sts_retries_idp_communication_errors() {
    assert_eq!(
        for_service("STS").retryable_error_codes,
        ["IDPCommunicationError"]
    );
    assert!(for_service("SSO").retryable_error_codes.is_empty());
}

#[test]
fn the_long_polling_operations_are_botocores() {
    let polling = [
        ("SQS", "ReceiveMessage"),
        ("SFN", "GetActivityTask"),
        ("SWF", "PollForActivityTask"),
        ("SWF", "PollForDecisionTask"),
        ("Kinesis", "ReceiveQueueRecords"),
        ("Kinesis", "ReceiveDeadLetterQueueRecords"),
    ];
    for (service, op) in polling {
        assert!(is_long_polling(service, op), "{service} {op}");
    }
    assert!(!is_long_polling("SQS", "SendMessage"));
    assert!(!is_long_polling("SNS", "ReceiveMessage"));
}

#[test]
fn s3_alone_has_its_request_and_response_customisations() {
    let s3 = for_service("S3");
    assert!(s3.strip_bucket_from_request_uri && s3.sse_c && s3.error_in_200);
    for other in ["S3 Control", "s3outposts", "S3Tables", ""] {
        assert_eq!(*for_service(other), Customizations::NONE, "{other}");
    }
    let s3v4 = crate::schema::Service {
        signature_version: "s3v4",
        ..crate::schema::Service::BLANK
    };
    assert!(s3::uses_s3_signer(&s3v4));
    let v4 = crate::schema::Service {
        signature_version: "v4",
        ..crate::schema::Service::BLANK
    };
    assert!(!s3::uses_s3_signer(&v4));
}

#[test]
fn service_ids_are_compared_hyphenized() {
    assert!(is_hyphenized("DynamoDB Streams", "dynamodb-streams"));
    assert!(is_hyphenized(" STS ", "sts"));
    assert!(!is_hyphenized("DynamoDBStreams", "dynamodb-streams"));
    assert!(!is_hyphenized("S3 Control", "s3"));
    // Every key is already in the form it is compared with, so none is unreachable.
    for (key, _) in SERVICES {
        assert!(is_hyphenized(key, key), "{key}");
    }
}

#[test]
fn import_export_alone_signs_its_v2_model_with_sigv4() {
    assert!(for_service("ImportExport").v2_signs_as_sigv4);
    assert!(!for_service("SimpleDB").v2_signs_as_sigv4);
}

#[test]
fn get_bucket_location_is_path_style_and_arn_buckets_are_not() {
    let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/ap";
    assert!(s3::force_path_style("GetBucketLocation", Some(arn), false));
    assert!(!s3::force_path_style("GetObject", Some(arn), true));
    assert!(s3::force_path_style("GetObject", Some("b"), true));
    assert!(!s3::force_path_style("GetObject", None, false));
}
