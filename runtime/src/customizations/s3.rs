//! S3's customisations.
//!
//! * **Bucket out of the URI** (botocore's `remove_bucket_from_url_paths_from_model`): S3's
//!   bucket reaches the URL through the endpoint rules (virtual host or path style), so the
//!   `/{Bucket}` label comes off every S3 request URI when the model is read.
//! * **Signing** (`S3SigV4Auth`): services signed as `s3`/`s3v4` (S3, S3 Control) sign the
//!   path as sent, without normalising or double-encoding it, and sign `x-amz-content-sha256`.
//! * **Path style** (`customize_endpoint_resolver_builtins`): see [`force_path_style`].
//! * **Errors in a 200** (`_handle_200_error`): see [`may_hide_error`].
//! * **Region redirects** (`S3RegionRedirectorv2`): see [`super::s3_redirect`].
//! * **SSE-C** (botocore 1.44.5's `sse_md5` and `copy_source_sse_md5`, run before serializing):
//!   a caller gives the raw key (`SSECustomerKey`, `CopySourceSSECustomerKey`), and what is
//!   sent is its base64 with the base64 of its MD5 beside it (`SSECustomerKeyMD5`,
//!   `CopySourceSSECustomerKeyMD5`).
//!
//!   As in botocore, a caller who sets the MD5 member is taken to have encoded the key already,
//!   and nothing is changed; and only the operations botocore registers the handlers for are
//!   touched (`GetObjectAttributes` and `ListParts` also carry a key, and botocore sends theirs
//!   as given). The key is a model string, so its bytes are the text's UTF-8, as botocore
//!   encodes a `str` key.

use super::Customizations;
use crate::protocol::Response;
use crate::schema::{Kind, Member, Operation, Protocol, Service, EVENT_STREAM, PAYLOAD};
use crate::value::Value;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

pub(super) const CUSTOMIZATIONS: Customizations = Customizations {
    strip_bucket_from_request_uri: true,
    sse_c: true,
    error_in_200: true,
    region_redirect: true,
    ..Customizations::NONE
};

/// The request URI as sent for a service with `service_id`: S3's without its `/{Bucket}`.
pub(crate) fn request_uri<'a>(service_id: &str, uri: &'a str) -> &'a str {
    match uri.strip_prefix("/{Bucket}") {
        Some(rest) if super::for_service(service_id).strip_bucket_from_request_uri => rest,
        _ => uri,
    }
}

/// Whether `service` signs as S3 does, with botocore's `S3SigV4Auth` (`s3` and `s3v4` signature
/// versions): the path as sent, single-encoded, with `x-amz-content-sha256`, and the payload
/// signed or not as `payload_signing_enabled` decides.
pub(crate) fn uses_s3_signer(service: &Service) -> bool {
    service.signature_version.starts_with("s3")
}

/// Whether this response is one whose body botocore checks for an S3 error in a 200
/// (`_handle_200_error`, registered for every S3 operation): status 200, a non-empty body, and
/// an operation whose output is not an event stream nor a raw blob/string payload.
pub fn may_hide_error(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    response: &Response<'_>,
) -> bool {
    if protocol != Protocol::RestXml
        || !super::for_service(service.service_id).error_in_200
        || response.status != 200
        || response.body.is_empty()
    {
        return false;
    }
    // Event streams and raw payloads are not XML documents to look into.
    let raw = |m: &Member| {
        m.target().has(EVENT_STREAM)
            || (m.has(PAYLOAD) && matches!(m.target().kind, Kind::Blob | Kind::String))
    };
    !op.output.members().iter().any(raw)
}

/// The `ForcePathStyle` endpoint builtin for operation `op` on `bucket`, from the client's
/// `default` (botocore's `customize_endpoint_resolver_builtins`): `GetBucketLocation` always
/// goes path style (its caller likely does not know the bucket's region, which a virtual host
/// would need for signing), and a bucket ARN never does (an access point has its own host).
pub(crate) fn force_path_style(op: &str, bucket: Option<&str>, default: bool) -> bool {
    let bucket_is_arn = bucket.is_some_and(|b| b.starts_with("arn:") && b.split(':').count() >= 6);
    if op == "GetBucketLocation" {
        true
    } else if bucket_is_arn {
        false
    } else {
        default
    }
}

/// Operations botocore registers `sse_md5` for.
const SSE_C_OPERATIONS: &[&str] = &[
    "HeadObject",
    "GetObject",
    "PutObject",
    "CopyObject",
    "CreateMultipartUpload",
    "UploadPart",
    "UploadPartCopy",
    "CompleteMultipartUpload",
    "SelectObjectContent",
];

/// Operations botocore registers `copy_source_sse_md5` for.
const COPY_SOURCE_OPERATIONS: &[&str] = &["CopyObject", "UploadPartCopy"];

/// Encodes the SSE-C keys of an S3 `input` and fills in their MD5s, before serialization
/// reads them.
pub(crate) fn prepare_sse_c(service: &Service, op: &Operation, input: &mut Value) {
    if !super::for_service(service.service_id).sse_c {
        return;
    }
    let Value::Struct(slots) = input else {
        return;
    };
    if SSE_C_OPERATIONS.contains(&op.name) {
        encode_key(op, slots, "SSECustomerKey", "SSECustomerKeyMD5");
    }
    if COPY_SOURCE_OPERATIONS.contains(&op.name) {
        encode_key(
            op,
            slots,
            "CopySourceSSECustomerKey",
            "CopySourceSSECustomerKeyMD5",
        );
    }
}

fn encode_key(op: &Operation, slots: &mut Vec<Option<Value>>, key: &str, md5: &str) {
    use md5::Digest as _;
    let members = op.input.members();
    let position = |name: &str| members.iter().position(|m| m.name == name);
    let (Some(k), Some(m)) = (position(key), position(md5)) else {
        return;
    };
    if slots.get(m).is_some_and(Option::is_some) {
        return;
    }
    let raw: Vec<u8> = match slots.get(k) {
        Some(Some(Value::Str(s))) => s.as_bytes().to_vec(),
        Some(Some(Value::Blob(b))) => b.as_ref().to_vec(),
        _ => return,
    };
    let digest = STANDARD.encode(md5::Md5::digest(&raw));
    if slots.len() < members.len() {
        slots.resize_with(members.len(), || None);
    }
    slots[k] = Some(Value::Str(STANDARD.encode(&raw)));
    slots[m] = Some(Value::Str(digest));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prelude as p, Location, Member, Shape};

    static S3: Service = Service {
        name: "s3",
        service_id: "S3",
        ..Service::BLANK
    };
    static S3_CONTROL: Service = Service {
        name: "s3control",
        service_id: "S3 Control",
        ..Service::BLANK
    };
    static MEMBERS: [Member; 4] = [
        Member::new("SSECustomerKey", &p::STRING).at(
            Location::Header,
            "x-amz-server-side-encryption-customer-key",
        ),
        Member::new("SSECustomerKeyMD5", &p::STRING).at(
            Location::Header,
            "x-amz-server-side-encryption-customer-key-MD5",
        ),
        Member::new("CopySourceSSECustomerKey", &p::STRING).at(
            Location::Header,
            "x-amz-copy-source-server-side-encryption-customer-key",
        ),
        Member::new("CopySourceSSECustomerKeyMD5", &p::STRING).at(
            Location::Header,
            "x-amz-copy-source-server-side-encryption-customer-key-MD5",
        ),
    ];
    static INPUT: Shape = Shape::structure("CopyObjectRequest", &MEMBERS);
    static COPY: Operation =
        Operation::new("CopyObject", "PUT", "/{Bucket}/{Key+}", &INPUT, &p::UNIT);
    static LIST_PARTS: Operation =
        Operation::new("ListParts", "GET", "/{Bucket}/{Key+}", &INPUT, &p::UNIT);

    fn s(v: &str) -> Option<Value> {
        Some(Value::Str(v.to_string()))
    }

    /// The slots' strings, for comparing (`Value` has no `PartialEq`).
    fn texts(slots: &[Option<Value>]) -> Vec<Option<&str>> {
        slots
            .iter()
            .map(|v| match v {
                Some(Value::Str(s)) => Some(s.as_str()),
                None => None,
                Some(other) => panic!("not a string: {other:?}"),
            })
            .collect()
    }

    // A 32-byte AES-256 key; its MD5 from `printf %s KEY | openssl md5 -binary | base64`.
    const KEY: &str = "0123456789abcdef0123456789abcdef";
    const KEY_B64: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    const KEY_MD5: &str = "hRasmdxgYDKV3nvbahU1MA==";

    fn prepared(
        service: &Service,
        op: &Operation,
        slots: Vec<Option<Value>>,
    ) -> Vec<Option<Value>> {
        let mut input = Value::Struct(slots);
        prepare_sse_c(service, op, &mut input);
        match input {
            Value::Struct(slots) => slots,
            other => panic!("not a structure: {other:?}"),
        }
    }

    #[test]
    fn raw_keys_are_encoded_and_their_md5_filled_in() {
        let got = prepared(&S3, &COPY, vec![s(KEY), None, s(KEY), None]);
        assert_eq!(
            texts(&got),
            [Some(KEY_B64), Some(KEY_MD5), Some(KEY_B64), Some(KEY_MD5)]
        );
        // Fewer slots than members (trailing members unset) still get their MD5 slot.
        let got = prepared(&S3, &COPY, vec![s(KEY)]);
        assert_eq!(texts(&got), [Some(KEY_B64), Some(KEY_MD5), None, None]);
    }

    #[test]
    fn a_caller_given_md5_leaves_the_key_as_given() {
        let got = prepared(&S3, &COPY, vec![s(KEY), s("given"), s(KEY), None]);
        assert_eq!(
            texts(&got),
            [Some(KEY), Some("given"), Some(KEY_B64), Some(KEY_MD5)]
        );
    }

    #[test]
    fn other_services_and_operations_are_left_alone() {
        let raw = || vec![s(KEY), None, s(KEY), None];
        let want = [Some(KEY), None, Some(KEY), None];
        assert_eq!(texts(&prepared(&S3_CONTROL, &COPY, raw())), want);
        assert_eq!(texts(&prepared(&S3, &LIST_PARTS, raw())), want);
    }
}
