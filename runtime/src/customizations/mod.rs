//! Service customisations: the one place that knows a service by name, as botocore's
//! `handlers.py` (and the few tables beside it) is for botocore.
//!
//! Everything else in the runtime is driven by the model; where botocore special-cases a
//! service, the call site asks this module ([`for_service`], or a function of the service's
//! file) instead of testing a service name itself. Services are keyed as botocore's event system
//! keys its handlers: by the hyphenized `serviceId` (`DynamoDB Streams` → `dynamodb-streams`).
//!
//! | Service | Customisation | botocore |
//! |---|---|---|
//! | S3 | `/{Bucket}` stripped from every request URI (the endpoint rules place the bucket) | `remove_bucket_from_url_paths_from_model` |
//! | S3 | SSE-C keys base64-encoded, their MD5 filled in ([`s3::prepare_sse_c`]) | `sse_md5`, `copy_source_sse_md5` |
//! | S3 | a 200 whose body is an `<Error>` is an error, retried as a 500 ([`s3::may_hide_error`]) | `_handle_200_error`, `_update_status_code` |
//! | S3, S3 Control (`s3`/`s3v4` signers) | path signed as sent: no normalising, no double encoding, signed `x-amz-content-sha256` ([`s3::uses_s3_signer`]) | `S3SigV4Auth` |
//! | DynamoDB | `x-amz-crc32` checked, a mismatch retried ([`dynamodb::crc32_mismatch`]) | `_retry.json` `crc32` checker, `RetryDDBChecksumError` |
//! | DynamoDB, DynamoDB Streams | retry base 25 ms, 4 attempts (legacy: 10, 50 ms × 2ⁿ) | `retries.standard` `DynamoDB` quota/backoff, `_retry.json` `dynamodb` |
//! | S3 | a request sent to the bucket's wrong region is sent again to the right one, which is remembered per bucket ([`s3_redirect`]) | `S3RegionRedirectorv2` |
//! | S3 | `GetBucketLocation` forces path style, an ARN bucket virtual style ([`s3::force_path_style`]) | `customize_endpoint_resolver_builtins` |
//! | STS | `IDPCommunicationError` is retryable | `_retry.json` `sts` |
//! | Import/Export | the model's `v2` signs as SigV4 | `_default_signer_to_sigv4` |
//! | SQS, SFN, SWF, Kinesis | long-polling operations still wait their backoff when the quota refuses a retry | `retries.standard` long-polling operations |

pub(crate) mod dynamodb;
mod importexport;
mod polling;
pub(crate) mod s3;
pub(crate) mod s3_redirect;
mod sqs;
mod sts;

/// The special cases of one service. [`Customizations::NONE`] for most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Customizations {
    /// S3: `/{Bucket}` comes off every request URI.
    pub strip_bucket_from_request_uri: bool,
    /// S3: SSE-C keys are prepared before serialization.
    pub sse_c: bool,
    /// S3: a 200 may carry an `<Error>` body.
    pub error_in_200: bool,
    /// DynamoDB: responses carry `x-amz-crc32`, checked against the body.
    pub response_crc32: bool,
    /// DynamoDB and DynamoDB Streams: their own retry base and attempt counts.
    pub dynamodb_retries: bool,
    /// Operations that long-poll.
    pub long_polling: &'static [&'static str],
    /// Error codes retried as transient beyond the common lists.
    pub retryable_error_codes: &'static [&'static str],
    /// Import/Export: the model's signature version `v2` means SigV4.
    pub v2_signs_as_sigv4: bool,
    /// S3: a request for a bucket in another region is redirected there.
    pub region_redirect: bool,
}

impl Customizations {
    /// No customisation.
    pub(crate) const NONE: Customizations = Customizations {
        strip_bucket_from_request_uri: false,
        sse_c: false,
        error_in_200: false,
        response_crc32: false,
        dynamodb_retries: false,
        long_polling: &[],
        retryable_error_codes: &[],
        v2_signs_as_sigv4: false,
        region_redirect: false,
    };
}

/// Every customised service, by hyphenized `serviceId`.
const SERVICES: &[(&str, &Customizations)] = &[
    ("s3", &s3::CUSTOMIZATIONS),
    ("dynamodb", &dynamodb::CUSTOMIZATIONS),
    ("dynamodb-streams", &dynamodb::STREAMS),
    ("sts", &sts::CUSTOMIZATIONS),
    ("sqs", &sqs::CUSTOMIZATIONS),
    ("sfn", &polling::SFN),
    ("swf", &polling::SWF),
    ("kinesis", &polling::KINESIS),
    ("importexport", &importexport::CUSTOMIZATIONS),
];

/// The customisations of the service with `service_id` (as the model spells it: `DynamoDB`,
/// `DynamoDB Streams`; compared hyphenized and case-insensitively, without allocating).
pub(crate) fn for_service(service_id: &str) -> &'static Customizations {
    SERVICES
        .iter()
        .find(|(key, _)| is_hyphenized(service_id, key))
        .map_or(&Customizations::NONE, |(_, c)| *c)
}

/// Whether `service_id`, trimmed, lower-cased and with spaces as hyphens, is `key`.
fn is_hyphenized(service_id: &str, key: &str) -> bool {
    let id = service_id.trim().as_bytes();
    id.len() == key.len()
        && id.iter().zip(key.as_bytes()).all(|(&a, &b)| {
            let a = if a == b' ' {
                b'-'
            } else {
                a.to_ascii_lowercase()
            };
            a == b
        })
}

/// Whether `operation` of the service with `service_id` long-polls: when the retry quota
/// refuses its retry it still waits the backoff before failing, so a polling loop does not spin.
pub fn is_long_polling(service_id: &str, operation: &str) -> bool {
    for_service(service_id).long_polling.contains(&operation)
}

#[cfg(test)]
mod tests;
