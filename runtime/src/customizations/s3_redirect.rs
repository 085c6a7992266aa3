//! S3 region redirects (botocore's `S3RegionRedirectorv2`).
//!
//! A bucket lives in one region, and a request signed for (or sent to) another one fails. When
//! an S3 call fails that way, the call learns the bucket's region, resolves the endpoint again
//! with that region as the rule set's `Region` builtin (so both the URL and the signing region
//! follow it), and sends the same request once more: at once, without backoff and without
//! spending retry quota, and at most once per call. The region is remembered per bucket on the
//! client (shared by its clones), so later calls for that bucket resolve with it up front
//! (botocore's `redirect_from_cache`).
//!
//! What counts as a wrong region (`redirect_from_error`):
//! * a 301, 302 or 307 response, or the error code `PermanentRedirect`;
//! * `AuthorizationHeaderMalformed` whose error body names a `<Region>`;
//! * `HeadObject` failing with 301 or 400 (a HEAD response has no body to say more);
//! * `HeadBucket` failing with 301 or 400 and an `x-amz-bucket-region` header;
//! * `IllegalLocationConstraintException` from any operation but `CreateBucket`.
//!
//! The region comes from the failed response's `x-amz-bucket-region` header, else its error
//! body's `<Region>`, else a `HeadBucket` request for the bucket (its `x-amz-bucket-region`,
//! whether it succeeds or fails). A region that is not a valid host label fails the call
//! (botocore's `InvalidRegionError`); no region at all leaves the original error.
//!
//! Not redirected: services other than S3 (botocore registers the handler for `s3` only),
//! access point ARN buckets (the ARN names its region), a call already redirected (the second
//! response's error is the call's), and a request whose body was a one-shot stream already
//! sent (the original error is returned, but the bucket's region is still remembered).
//! Presigned URLs do not consult the remembered regions.

use crate::client::ServiceClient;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::http::SharedConnector;
use crate::pipeline::attempt::{self, Prepared, ResponseInfo};
use crate::pipeline::endpoint::{self, Endpoint};
use crate::pipeline::sign;
use crate::protocol::{self, checksum::ChecksumPolicy};
use crate::schema::{Operation, Protocol, Service};
use crate::value::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The header S3 names a bucket's region in.
const BUCKET_REGION: &str = "x-amz-bucket-region";

/// The regions of buckets learned from redirects, by bucket name: one per client, shared by its
/// clones.
#[derive(Debug, Default)]
pub(crate) struct BucketRegions(Mutex<HashMap<String, String>>);

impl BucketRegions {
    fn get(&self, bucket: &str) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(bucket).cloned()
    }

    fn set(&self, bucket: &str, region: &str) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(bucket.to_string(), region.to_string());
    }
}

/// One S3 call's redirect state (botocore's `context['s3_redirect']`), kept with its request.
pub(crate) struct Redirect {
    bucket: String,
    /// The input's members other than streams: what the endpoint is resolved from again.
    params: Value,
    /// The endpoint after the redirect; set once, which also marks the call as redirected.
    endpoint: Option<Endpoint>,
    regions: Arc<BucketRegions>,
}

impl Redirect {
    /// The redirect state of a call of `op` with `input`: `None` unless the service is S3 and
    /// the input names a bucket that is not an ARN.
    pub(crate) fn start(
        service: &'static Service,
        op: &'static Operation,
        input: &Value,
        regions: &Arc<BucketRegions>,
    ) -> Option<Box<Redirect>> {
        if !super::for_service(service.service_id).region_redirect {
            return None;
        }
        let Value::Struct(slots) = input else {
            return None;
        };
        let bucket = op
            .input
            .members()
            .iter()
            .zip(slots)
            .find_map(|(m, v)| match v {
                Some(Value::Str(b)) if m.name == "Bucket" => Some(b),
                _ => None,
            })?;
        if is_arn(bucket) {
            return None;
        }
        Some(Box::new(Redirect {
            bucket: bucket.clone(),
            params: copy_params(input)?,
            endpoint: None,
            regions: regions.clone(),
        }))
    }

    /// The region a previous redirect learned for this call's bucket.
    pub(crate) fn cached_region(&self) -> Option<String> {
        self.regions.get(&self.bucket)
    }

    /// The endpoint the call was redirected to, once it has been.
    pub(crate) fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }
}

/// botocore's `ArnParser.is_arn`.
fn is_arn(bucket: &str) -> bool {
    bucket.starts_with("arn:") && bucket.split(':').count() >= 6
}

/// A copy of `value` without its streams (which cannot be copied and no endpoint rule reads).
fn copy_params(value: &Value) -> Option<Value> {
    Some(match value {
        Value::Bool(b) => Value::Bool(*b),
        Value::Int(i) => Value::Int(*i),
        Value::Float(f) => Value::Float(*f),
        Value::Str(s) => Value::Str(s.clone()),
        Value::Blob(b) => Value::Blob(b.clone()),
        Value::Timestamp(t) => Value::Timestamp(*t),
        Value::List(items) => Value::List(items.iter().filter_map(copy_params).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), copy_params(v)?)))
                .collect(),
        ),
        Value::Struct(slots) => Value::Struct(
            slots
                .iter()
                .map(|s| s.as_ref().and_then(copy_params))
                .collect(),
        ),
        Value::Document(d) => Value::Document(d.clone()),
        Value::Body(_) | Value::EventStream(_) | Value::EventInput(_) => return None,
    })
}

/// The `<Region>` of an S3 error body (`AuthorizationHeaderMalformed` names the region the
/// request should have been signed for); `None` for other services.
pub(crate) fn error_region(service: &Service, body: &[u8]) -> Option<String> {
    if !super::for_service(service.service_id).region_redirect || body.is_empty() {
        return None;
    }
    let root = protocol::xml::parse(body).ok()?;
    let error = if root.name == "Error" {
        &root
    } else {
        root.child("Error")?
    };
    error.child_text("Region").map(|r| r.trim().to_string())
}

/// Whether a failure of `op` (its error `code`, response `info`) means the bucket is in another
/// region (botocore's `redirect_from_error` conditions).
fn is_wrong_region(op: &str, code: Option<&str>, info: &ResponseInfo) -> bool {
    let code = code.unwrap_or_default();
    let status_code = matches!(code, "301" | "400");
    matches!(info.status, 301 | 302 | 307)
        || code == "PermanentRedirect"
        || (code == "AuthorizationHeaderMalformed" && info.error_region.is_some())
        || (status_code && op == "HeadObject")
        || (status_code && op == "HeadBucket" && info.headers.contains_key(BUCKET_REGION))
        || (code == "IllegalLocationConstraintException" && op != "CreateBucket")
}

/// After a failed attempt of an S3 call: when the bucket is in another region, points
/// `prepared` at the endpoint for that region and returns `true` (send it again, now);
/// `false` leaves the failure as it is. `endpoint` is the one the failed attempt used.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn follow(
    client: &ServiceClient,
    op: &'static Operation,
    protocol: Protocol,
    http: &SharedConnector,
    endpoint: &Endpoint,
    error: &Error<RawModeled>,
    info: &ResponseInfo,
    prepared: &mut Prepared,
) -> Result<bool, Error<RawModeled>> {
    let Some(redirect) = prepared.redirect.as_deref() else {
        return Ok(false);
    };
    // `status` 0: no response arrived (a connection error), nothing to learn from.
    if redirect.endpoint.is_some()
        || info.status == 0
        || !is_wrong_region(op.name, error.code(), info)
    {
        return Ok(false);
    }
    let header = |h: &http::HeaderMap| {
        h.get(BUCKET_REGION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let region = match header(&info.headers) {
        Some(r) => Some(r),
        None => match info.error_region.as_deref().filter(|r| !r.is_empty()) {
            Some(r) => Some(r.to_string()),
            None => {
                let user_agent = prepared.headers.get(http::header::USER_AGENT);
                head_bucket(client, protocol, http, &redirect.bucket, user_agent)
                    .await?
                    .as_ref()
                    .and_then(header)
            }
        },
    };
    let Some(region) = region else {
        return Ok(false);
    };
    if !is_region_name(&region) {
        return Err(Error::new(
            ErrorKind::ResponseParse,
            format!(
                "S3 says bucket {:?} is in region {region:?}, which is not a valid region name",
                redirect.bucket
            ),
        ));
    }
    redirect.regions.set(&redirect.bucket, &region);
    let svc = client.service();
    let moved = endpoint::resolve(
        client.config(),
        client.endpoint_settings(),
        svc,
        op,
        &redirect.params,
        None,
        Some(&region),
    )?;
    if !prepared.replayable() {
        return Ok(false);
    }
    // botocore's `_get_new_endpoint`: the new host; the scheme, path and query as they were.
    let host = http::HeaderValue::try_from(moved.authority.as_str()).map_err(|_| {
        Error::new(
            ErrorKind::EndpointResolution,
            format!(
                "the endpoint host {:?} is not a valid Host header",
                moved.authority
            ),
        )
    })?;
    prepared.url = format!("{}://{}{}", endpoint.scheme, moved.authority, prepared.uri);
    prepared.headers.insert(http::header::HOST, host);
    if let Some(redirect) = prepared.redirect.as_deref_mut() {
        redirect.endpoint = Some(moved);
    }
    Ok(true)
}

/// botocore's `validate_region_name`: a host label (letters, digits and inner hyphens, at most
/// 63) that is not all digits; empty is refused too, as no endpoint can use it.
fn is_region_name(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
        && !region.bytes().all(|b| b.is_ascii_digit())
}

/// The response headers of one `HeadBucket` request for `bucket` in the client's own region
/// (botocore's `get_bucket_region` fallback), whether it succeeded or failed; `None` when the
/// model has no `HeadBucket`. A failure without a response (connection, signing) is the
/// call's error, as botocore lets everything but a `ClientError` through.
async fn head_bucket(
    client: &ServiceClient,
    protocol: Protocol,
    http: &SharedConnector,
    bucket: &str,
    user_agent: Option<&http::HeaderValue>,
) -> Result<Option<http::HeaderMap>, Error<RawModeled>> {
    let svc = client.service();
    let config = client.config();
    let Some(op) = svc.operation("HeadBucket") else {
        return Ok(None);
    };
    let input = Value::Struct(
        op.input
            .members()
            .iter()
            .map(|m| (m.name == "Bucket").then(|| Value::Str(bucket.to_string())))
            .collect(),
    );
    let endpoint = endpoint::resolve(
        config,
        client.endpoint_settings(),
        svc,
        op,
        &input,
        None,
        None,
    )?;
    let checksums = ChecksumPolicy {
        request: config.request_checksum_calculation(),
        response: config.response_checksum_validation(),
    };
    let req = protocol::serialize_with(protocol, svc, op, input, checksums).map_err(|e| {
        Error::new(
            ErrorKind::ParamValidation,
            format!("invalid parameters: {e}"),
        )
    })?;
    let mut prepared = Prepared::new(req, &endpoint, user_agent, config.inject_host_prefix())?;
    let mut body = prepared.take_body().unwrap_or_default();
    let mut headers = prepared.headers.clone();
    let time = client.signing_time();
    sign::sign(
        config,
        svc,
        op,
        &endpoint,
        &prepared,
        &mut headers,
        &mut body,
        time,
    )
    .await?;
    let response = http
        .send(attempt::http_request(&prepared, headers, body)?)
        .await;
    let response = response.map_err(|e| e.map_modeled(|n| match n {}))?;
    match attempt::parse(svc, op, protocol, response, false).await {
        Ok((_, info)) => Ok(Some(info.headers)),
        Err(attempt::Failure {
            response: Some(info),
            ..
        }) => Ok(Some(info.headers)),
        Err(attempt::Failure { error, .. }) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_host_labels() {
        for ok in ["eu-west-1", "us-gov-west-1", "a", "x1"] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "-eu",
            "eu-",
            "123",
            "eu_west",
            "eu.west",
            &"a".repeat(64),
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn access_point_arns_are_arns() {
        assert!(is_arn("arn:aws:s3:us-west-2:123456789012:accesspoint/ap"));
        assert!(!is_arn("arn:bucket"));
        assert!(!is_arn("my-bucket"));
    }

    fn info(status: u16, header: bool, body_region: bool) -> ResponseInfo {
        let mut info = ResponseInfo {
            status,
            ..ResponseInfo::default()
        };
        if header {
            info.headers
                .insert(BUCKET_REGION, http::HeaderValue::from_static("eu-west-1"));
        }
        if body_region {
            info.error_region = Some("eu-west-1".into());
        }
        info
    }

    #[test]
    fn wrong_region_failures_are_botocores() {
        let yes = |op, code, info| assert!(is_wrong_region(op, Some(code), &info), "{op} {code}");
        let no = |op, code, info| assert!(!is_wrong_region(op, Some(code), &info), "{op} {code}");
        yes("GetObject", "PermanentRedirect", info(301, false, false));
        yes("GetObject", "TemporaryRedirect", info(307, false, false));
        yes("GetObject", "PermanentRedirect", info(400, false, false));
        yes(
            "GetObject",
            "AuthorizationHeaderMalformed",
            info(400, false, true),
        );
        no(
            "GetObject",
            "AuthorizationHeaderMalformed",
            info(400, true, false),
        );
        yes("HeadObject", "400", info(400, false, false));
        no("GetObject", "400", info(400, false, false));
        yes("HeadBucket", "400", info(400, true, false));
        no("HeadBucket", "400", info(400, false, false));
        yes(
            "ListObjectsV2",
            "IllegalLocationConstraintException",
            info(400, false, false),
        );
        no(
            "CreateBucket",
            "IllegalLocationConstraintException",
            info(400, false, false),
        );
        no("GetObject", "NoSuchKey", info(404, true, false));
    }

    #[test]
    fn the_error_body_region_is_read_for_s3_only() {
        let s3 = crate::model::build(
            "s3",
            r#"{"metadata":{"serviceId":"S3","protocol":"rest-xml","endpointPrefix":"s3",
            "signatureVersion":"s3v4","apiVersion":"2006-03-01"},"operations":{},"shapes":{}}"#,
            "",
        )
        .unwrap();
        let body = b"<Error><Code>AuthorizationHeaderMalformed</Code>\
                     <Region>eu-west-1</Region></Error>";
        assert_eq!(error_region(s3, body).as_deref(), Some("eu-west-1"));
        assert_eq!(error_region(s3, b"<Error><Code>X</Code></Error>"), None);
        assert_eq!(error_region(s3, b"not xml"), None);
        let sqs = Service {
            service_id: "SQS",
            ..Service::BLANK
        };
        assert_eq!(error_region(&sqs, body), None);
    }
}
