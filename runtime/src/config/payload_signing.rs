//! Whether a SigV4 request signs its payload's SHA-256 or sends `UNSIGNED-PAYLOAD`, decided as
//! botocore 1.44.5's `SigV4Auth._should_sha256_sign_payload` and its S3 override
//! (`S3SigV4Auth`) decide it. (A body sent `aws-chunked` with a trailer is signed as
//! `STREAMING-UNSIGNED-PAYLOAD-TRAILER` before this question is asked.)

/// What the decision looks at, for one request.
#[derive(Clone, Copy, Debug)]
pub struct PayloadSigningInput {
    /// Signed by S3's signer (`signatureVersion` `s3` / `s3v4`).
    pub s3_signer: bool,
    /// The configured `s3 = payload_signing_enabled`, if any.
    pub setting: Option<bool>,
    /// The endpoint is `https`.
    pub https: bool,
    /// The request carries its checksum in a header (`Content-MD5` or the request
    /// algorithm's `x-amz-checksum-*`).
    pub checksum_header: bool,
    /// The operation's input has a streaming payload (S3 `PutObject`'s `Body`).
    pub streaming_input: bool,
    /// The operation is modeled `unsignedPayload` / `v4-unsigned-body`.
    pub unsigned_payload_operation: bool,
}

/// `true`: sign the payload's SHA-256; `false`: send `UNSIGNED-PAYLOAD`.
///
/// For S3 the setting decides whenever it is set (over plain HTTP too, as in botocore);
/// unset, only a request over HTTPS that carries a checksum header may skip signing: a
/// streaming upload does, anything else falls back to the generic rule. The generic rule:
/// always sign over plain HTTP, else sign unless the operation is modeled unsigned.
pub fn s3_should_sign_payload(input: PayloadSigningInput) -> bool {
    if input.s3_signer {
        if let Some(on) = input.setting {
            return on;
        }
        // TLS plus a checksum is what botocore trusts in place of the payload signature.
        if !input.https || !input.checksum_header {
            return true;
        }
        if input.streaming_input {
            return false;
        }
    }
    !input.https || !input.unsigned_payload_operation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(setting: Option<bool>, https: bool, checksum: bool, streaming: bool) -> bool {
        s3_should_sign_payload(PayloadSigningInput {
            s3_signer: true,
            setting,
            https,
            checksum_header: checksum,
            streaming_input: streaming,
            unsigned_payload_operation: false,
        })
    }

    #[test]
    fn the_s3_setting_wins_whenever_set() {
        assert!(s3(Some(true), true, true, true));
        assert!(!s3(Some(false), true, false, false));
        // botocore's S3 signer reads the setting before it looks at the scheme.
        assert!(!s3(Some(false), false, false, false));
    }

    #[test]
    fn unset_s3_skips_signing_only_for_checksummed_streams_over_https() {
        assert!(!s3(None, true, true, true));
        assert!(s3(None, true, false, true), "no checksum header: signed");
        assert!(s3(None, false, true, true), "plain HTTP: signed");
        assert!(
            s3(None, true, true, false),
            "not streaming: the generic rule"
        );
    }

    #[test]
    fn the_generic_rule_signs_over_http_and_unless_modeled_unsigned() {
        let generic = |https, unsigned| {
            s3_should_sign_payload(PayloadSigningInput {
                s3_signer: false,
                setting: Some(false),
                https,
                checksum_header: true,
                streaming_input: true,
                unsigned_payload_operation: unsigned,
            })
        };
        assert!(
            generic(true, false),
            "the S3 setting does not apply to other signers"
        );
        assert!(!generic(true, true));
        assert!(generic(false, true), "plain HTTP always signs");
    }
}
