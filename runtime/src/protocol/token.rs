//! Idempotency tokens (`idempotencyToken` members left unset by the caller).
//!
//! botocore fills them with `uuid.uuid4()` before serializing, whatever the protocol and
//! wherever the member is bound (body, header, query string); so do we, from the OS's RNG.

use crate::schema::{Shape, IDEMPOTENCY_TOKEN};
use crate::value::Value;

/// A random (version 4) UUID, e.g. `0f8fad5b-d9cb-469f-a165-70867728950e`.
pub(crate) fn new_idempotency_token() -> String {
    uuid_v4()
}

/// A version 4 UUID from the OS's RNG (through ring, which rustls already builds: a dedicated
/// UUID crate cost more build time than these lines), like Python's `uuid.uuid4()`.
pub(crate) fn uuid_v4() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        // The OS RNG failing is not worth failing a request over: these ids need uniqueness,
        // not secrecy.
        bytes = fastrand::u128(..).to_le_bytes();
    }
    uuid_v4_from(bytes)
}

/// A version 4 UUID from the thread's fast RNG (seeded from the OS once per thread), for ids
/// that need uniqueness only, never secrecy, and are made on every call: the OS's RNG costs a
/// `getrandom` system call each time, in the CPU time of every request.
pub(crate) fn uuid_v4_fast() -> String {
    uuid_v4_from(fastrand::u128(..).to_le_bytes())
}

/// `bytes` as a version 4 UUID: the version and variant bits set, in the 8-4-4-4-12 hex form.
fn uuid_v4_from(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    text
}

/// Sets every unset top-level `idempotencyToken` member of `input` (a structure of `shape`) to a
/// fresh UUID, as botocore's `generate_idempotent_uuid` handler does.
pub(crate) fn fill_idempotency_tokens(shape: &'static Shape, input: &mut Value) {
    let members = shape.members();
    if !members.iter().any(|m| m.has(IDEMPOTENCY_TOKEN)) {
        return;
    }
    if let Value::Struct(slots) = input {
        if slots.len() < members.len() {
            slots.resize_with(members.len(), || None);
        }
        for (m, slot) in members.iter().zip(slots.iter_mut()) {
            if m.has(IDEMPOTENCY_TOKEN) && slot.is_none() {
                *slot = Some(Value::Str(new_idempotency_token()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_v4_uuids_and_distinct() {
        let a = new_idempotency_token();
        let b = new_idempotency_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    }
}
