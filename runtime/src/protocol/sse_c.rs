//! S3 customer-provided encryption keys (SSE-C), prepared as botocore 1.44.5's `sse_md5` and
//! `copy_source_sse_md5` handlers prepare them before serializing: a caller gives the raw key
//! (`SSECustomerKey`, `CopySourceSSECustomerKey`), and what is sent is its base64 with the
//! base64 of its MD5 beside it (`SSECustomerKeyMD5`, `CopySourceSSECustomerKeyMD5`).
//!
//! As in botocore, a caller who sets the MD5 member is taken to have encoded the key already,
//! and nothing is changed; and only the operations botocore registers the handlers for are
//! touched (`GetObjectAttributes` and `ListParts` also carry a key, and botocore sends theirs
//! as given). The key is a model string, so its bytes are the text's UTF-8, as botocore encodes
//! a `str` key.

use crate::schema::{Operation, Service};
use crate::value::Value;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

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
pub(crate) fn prepare(service: &Service, op: &Operation, input: &mut Value) {
    if service.name != "s3" {
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
        ..Service::BLANK
    };
    static S3_CONTROL: Service = Service {
        name: "s3control",
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
        prepare(service, op, &mut input);
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
