//! SigV4 signing of input event streams (e.g. Transcribe streaming audio).
//!
//! Each outgoing message is encoded and carried as the payload of an envelope message whose
//! headers are `:date` (timestamp) and `:chunk-signature` (32 raw bytes). The signature is
//! HMAC-SHA256, with the SigV4 signing key of the message's date, over
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD
//! <amz date, YYYYMMDDTHHMMSSZ>
//! <YYYYMMDD>/<region>/<service>/aws4_request
//! <prior signature, hex>
//! <hex SHA-256 of the encoded `:date` header>
//! <hex SHA-256 of the payload (the encoded inner message)>
//! ```
//!
//! The prior signature of the first message is the HTTP request's own signature (the "seed"),
//! so every message is bound to the request and to all messages before it: a dropped,
//! reordered or replayed message breaks the chain. The stream ends with an envelope whose
//! payload is empty.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::{EventStreamError, Header, HeaderValue, Message, MAX_MESSAGE_SIZE};
use crate::sigv4::{
    amz_date, check_scope_part, hex_lower, hmac_sha256, sha256_hex, signing_key, SigningError,
};

const ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
const DATE_HEADER: &str = ":date";
const SIGNATURE_HEADER: &str = ":chunk-signature";
/// The envelope's own headers: `:date` (1 + 5 + 1 + 8) and `:chunk-signature` (1 + 16 + 1 + 2
/// + 32), plus the 16 bytes of framing.
const ENVELOPE_OVERHEAD: usize = 15 + 52 + 16;

/// Signs the messages of one input event stream, chaining each signature on the previous one.
///
/// `Debug` redacts the secret key.
pub struct ChunkSigner {
    secret_access_key: String,
    region: String,
    service: String,
    prior_signature: [u8; 32],
    /// The signing key of the last date used, so a stream derives one key per day rather than
    /// one per message.
    key: Option<([u8; 8], [u8; 32])>,
    finished: bool,
}

impl fmt::Debug for ChunkSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSigner")
            .field("secret_access_key", &"** redacted **")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("prior_signature", &self.prior_signature())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl Drop for ChunkSigner {
    fn drop(&mut self) {
        // Best effort: do not leave the secret or derived key behind in freed memory.
        std::mem::take(&mut self.secret_access_key)
            .into_bytes()
            .fill(0);
        if let Some((_, key)) = &mut self.key {
            key.fill(0);
        }
    }
}

impl ChunkSigner {
    /// A signer for a stream whose HTTP request was signed with `seed_signature` (the
    /// lower-case hex `Signature=` of its `Authorization` header), using the same secret key,
    /// region and signing name.
    pub fn new(
        secret_access_key: &str,
        region: &str,
        service: &str,
        seed_signature: &str,
    ) -> Result<Self, EventStreamError> {
        check_scope_part(region, "region")?;
        check_scope_part(service, "service")?;
        let prior_signature =
            parse_signature(seed_signature).ok_or(EventStreamError::InvalidSeedSignature)?;
        Ok(Self {
            secret_access_key: secret_access_key.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            prior_signature,
            key: None,
            finished: false,
        })
    }

    /// The last signature produced (the seed before the first message), lower-case hex.
    pub fn prior_signature(&self) -> String {
        hex_lower(&self.prior_signature)
    }

    /// Encodes `message` and wraps it in a signed envelope, signed at `time`.
    pub fn sign(
        &mut self,
        message: &Message,
        time: SystemTime,
    ) -> Result<Message, EventStreamError> {
        self.sign_payload(message.encode()?, time)
    }

    /// Wraps an already encoded message in a signed envelope, signed at `time`.
    pub fn sign_payload(
        &mut self,
        payload: Bytes,
        time: SystemTime,
    ) -> Result<Message, EventStreamError> {
        if self.finished {
            return Err(EventStreamError::SignerFinished);
        }
        // Checked before signing: a signature whose envelope cannot be sent would still have
        // advanced the chain, and every later message would then fail verification.
        let length = payload.len().saturating_add(ENVELOPE_OVERHEAD);
        if length > MAX_MESSAGE_SIZE {
            return Err(EventStreamError::FrameTooLarge {
                length: length as u64,
                max: MAX_MESSAGE_SIZE,
            });
        }
        self.envelope(payload, time)
    }

    /// The end-of-stream frame: a signed envelope with an empty payload. Signing anything
    /// after it is an error.
    pub fn finish(&mut self, time: SystemTime) -> Result<Message, EventStreamError> {
        if self.finished {
            return Err(EventStreamError::SignerFinished);
        }
        let envelope = self.envelope(Bytes::new(), time)?;
        self.finished = true;
        Ok(envelope)
    }

    fn envelope(&mut self, payload: Bytes, time: SystemTime) -> Result<Message, EventStreamError> {
        let amz_date = amz_date(time)?;
        let millis = time
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_millis()).ok())
            .ok_or(SigningError::InvalidTime)?;
        let date_header = Header::new(DATE_HEADER, HeaderValue::Timestamp(millis));
        let mut date_header_bytes = Vec::with_capacity(15);
        date_header.write(&mut date_header_bytes);

        let date: [u8; 8] = amz_date[..8].try_into().expect("8 of 16 bytes");
        let amz_date = std::str::from_utf8(&amz_date).expect("amz_date is ASCII");
        let scope = format!(
            "{}/{}/{}/aws4_request",
            &amz_date[..8],
            self.region,
            self.service
        );
        let sts = string_to_sign(
            amz_date,
            &scope,
            &self.prior_signature,
            &date_header_bytes,
            &payload,
        );
        let signature = hmac_sha256(&self.key_for(date), sts.as_bytes());
        self.prior_signature = signature;
        Ok(Message {
            headers: vec![
                date_header,
                Header::new(
                    SIGNATURE_HEADER,
                    HeaderValue::ByteArray(Bytes::copy_from_slice(&signature)),
                ),
            ],
            payload,
        })
    }

    fn key_for(&mut self, date: [u8; 8]) -> [u8; 32] {
        match self.key {
            Some((cached, key)) if cached == date => key,
            _ => {
                let date_str = std::str::from_utf8(&date).expect("amz_date is ASCII");
                let key = signing_key(
                    &self.secret_access_key,
                    date_str,
                    &self.region,
                    &self.service,
                );
                self.key = Some((date, key));
                key
            }
        }
    }
}

fn string_to_sign(
    amz_date: &str,
    scope: &str,
    prior_signature: &[u8; 32],
    date_header: &[u8],
    payload: &[u8],
) -> String {
    [
        ALGORITHM,
        amz_date,
        scope,
        &hex_lower(prior_signature),
        &sha256_hex(date_header),
        &sha256_hex(payload),
    ]
    .join("\n")
}

/// 64 lower-case hex digits to 32 bytes. Upper case is refused because the signature is
/// hashed as text into the next string to sign, so `AB` and `ab` would sign differently.
fn parse_signature(hex: &str) -> Option<[u8; 32]> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    // Expected values below were derived independently with Python's hmac/hashlib/zlib from
    // the layout in the module documentation, not from this code.
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SEED: &str = "e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b";
    /// 2024-01-02T03:04:05.678Z
    const T0_MILLIS: u64 = 1_704_164_645_678;

    fn at(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    fn signer(seed: &str) -> ChunkSigner {
        ChunkSigner::new(SECRET, "us-east-1", "transcribe", seed).unwrap()
    }

    fn audio_event(audio: &'static [u8]) -> Message {
        Message::new(audio)
            .with_header(":message-type", HeaderValue::String("event".into()))
            .with_header(":event-type", HeaderValue::String("AudioEvent".into()))
            .with_header(
                ":content-type",
                HeaderValue::String("application/octet-stream".into()),
            )
    }

    fn signature_of(envelope: &Message) -> String {
        match envelope.header(SIGNATURE_HEADER) {
            Some(HeaderValue::ByteArray(sig)) => hex_lower(sig),
            other => panic!("no signature header: {other:?}"),
        }
    }

    fn from_hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn string_to_sign_layout() {
        let date_header = Header::new(DATE_HEADER, HeaderValue::Timestamp(T0_MILLIS as i64));
        let mut date_bytes = Vec::new();
        date_header.write(&mut date_bytes);
        let inner = audio_event(b"\x00\x01audio-1").encode().unwrap();
        let sts = string_to_sign(
            "20240102T030405Z",
            "20240102/us-east-1/transcribe/aws4_request",
            &parse_signature(SEED).unwrap(),
            &date_bytes,
            &inner,
        );
        assert_eq!(
            sts,
            "AWS4-HMAC-SHA256-PAYLOAD\n20240102T030405Z\n\
             20240102/us-east-1/transcribe/aws4_request\n\
             e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b\n\
             db61679beb886c8100d94afc30bc6edb4a7b3c36a3e87107febe95e19b6e8cf2\n\
             c73a5ef5ce83b472e99939b2c27898cc5ff8225be95566c3d5989f008c9d0a4a"
        );
    }

    #[test]
    fn pinned_chain_of_two_messages_and_end_frame() {
        let mut signer = signer(SEED);
        assert_eq!(signer.prior_signature(), SEED);

        let inner = audio_event(b"\x00\x01audio-1");
        let first = signer.sign(&inner, at(T0_MILLIS)).unwrap();
        assert_eq!(
            first.encode().unwrap()[..],
            from_hex(
                "000000c40000004396628158053a64617465080000018cc820db2e103a6368756e6b2d736967\
                 6e6174757265060020f023ae41fc970c940a059ac18c78e2ad66a82baf38c14a557d72e4725d\
                 1f0eef0000007100000058c420cfd00d3a6d6573736167652d747970650700056576656e740b\
                 3a6576656e742d7479706507000a417564696f4576656e740d3a636f6e74656e742d74797065\
                 0700186170706c69636174696f6e2f6f637465742d73747265616d0001617564696f2d31d78f\
                 1e4c911afd39"
            )[..]
        );
        assert_eq!(
            signer.prior_signature(),
            "f023ae41fc970c940a059ac18c78e2ad66a82baf38c14a557d72e4725d1f0eef"
        );
        // The envelope carries the inner frame untouched.
        assert_eq!(Message::decode(&first.payload).unwrap(), inner);

        let second = signer
            .sign(&audio_event(b"\x00\x02audio-2"), at(T0_MILLIS + 1000))
            .unwrap();
        assert_eq!(
            signature_of(&second),
            "cbaaa453daf47c1f7ae0be02da280c8153a3a69cacb34f349ff8551df8a15fe3"
        );

        let end = signer.finish(at(T0_MILLIS + 2000)).unwrap();
        assert!(end.payload.is_empty());
        assert_eq!(
            end.encode().unwrap()[..],
            from_hex(
                "0000005300000043f5447a58053a64617465080000018cc820e2fe103a6368756e6b2d736967\
                 6e6174757265060020744e3dda53a0fee36449911017f2eb7771da87f618b0ec41c61c868edb\
                 114fffc71a5387"
            )[..]
        );
        assert_eq!(
            signer.sign(&inner, at(T0_MILLIS + 3000)).unwrap_err(),
            EventStreamError::SignerFinished
        );
        assert_eq!(
            signer.finish(at(T0_MILLIS + 3000)).unwrap_err(),
            EventStreamError::SignerFinished
        );
    }

    #[test]
    fn each_signature_depends_on_the_one_before() {
        let (one, two) = (audio_event(b"1"), audio_event(b"2"));
        let chain = |seed: &str, messages: &[&Message]| {
            let mut signer = signer(seed);
            messages
                .iter()
                .map(|m| signature_of(&signer.sign(m, at(T0_MILLIS)).unwrap()))
                .collect::<Vec<_>>()
        };
        let base = chain(SEED, &[&one, &two]);
        // Another seed changes every link.
        let reseeded = chain(&"0".repeat(64), &[&one, &two]);
        assert_ne!(base[0], reseeded[0]);
        assert_ne!(base[1], reseeded[1]);
        // Dropping the first message changes the second one's signature.
        assert_ne!(chain(SEED, &[&two])[0], base[1]);
        // Reordering does too.
        let swapped = chain(SEED, &[&two, &one]);
        assert_ne!(swapped[1], base[0]);
        assert_ne!(swapped[0], base[1]);
        // Same inputs, same chain.
        assert_eq!(chain(SEED, &[&one, &two]), base);
    }

    #[test]
    fn key_and_scope_follow_the_message_date() {
        let mut signer = signer(SEED);
        let before = signer.sign_payload(Bytes::from_static(b"x"), at(1_704_239_999_999)); // 23:59:59.999
        assert_eq!(
            signature_of(&before.unwrap()),
            "8e4b061bebcc3b8967bcb61e248a8e6a428859649e0f18f7237f81e1e9b3e425"
        );
        let after = signer.sign_payload(Bytes::from_static(b"y"), at(1_704_240_000_000)); // next day
        assert_eq!(
            signature_of(&after.unwrap()),
            "821a6dad12a2637aa3d8921dbd1cf9819f744ea52674798c44bb33f1a34817d0"
        );
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        for bad in [
            "",
            "abc",
            &SEED.to_uppercase(),
            &format!("{}g", &SEED[..63]),
            &format!("{SEED}00"),
        ] {
            assert_eq!(
                ChunkSigner::new(SECRET, "us-east-1", "transcribe", bad).unwrap_err(),
                EventStreamError::InvalidSeedSignature,
                "{bad:?}"
            );
        }
        assert_eq!(
            ChunkSigner::new(SECRET, "", "transcribe", SEED).unwrap_err(),
            EventStreamError::Signing(SigningError::InvalidScope("region"))
        );
        assert_eq!(
            ChunkSigner::new(SECRET, "us-east-1", "a/b", SEED).unwrap_err(),
            EventStreamError::Signing(SigningError::InvalidScope("service"))
        );

        let mut signer = signer(SEED);
        let before_epoch = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(
            signer.finish(before_epoch).unwrap_err(),
            EventStreamError::Signing(SigningError::InvalidTime)
        );
        // A payload whose envelope would exceed the frame limit is refused before signing,
        // so the chain is not advanced by a frame that can never be sent.
        let too_big = Bytes::from(vec![0; MAX_MESSAGE_SIZE - ENVELOPE_OVERHEAD + 1]);
        assert!(matches!(
            signer.sign_payload(too_big, at(T0_MILLIS)),
            Err(EventStreamError::FrameTooLarge { .. })
        ));
        assert_eq!(signer.prior_signature(), SEED);
        // The largest payload that fits produces a frame of exactly the limit.
        let fits = Bytes::from(vec![0; MAX_MESSAGE_SIZE - ENVELOPE_OVERHEAD]);
        let envelope = signer.sign_payload(fits, at(T0_MILLIS)).unwrap();
        assert_eq!(envelope.encode().unwrap().len(), MAX_MESSAGE_SIZE);
    }

    #[test]
    fn debug_redacts_the_secret() {
        let dbg = format!("{:?}", signer(SEED));
        assert!(!dbg.contains(SECRET), "{dbg}");
        assert!(dbg.contains("transcribe") && dbg.contains(SEED), "{dbg}");
    }
}
