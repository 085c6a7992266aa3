//! Idempotency tokens (`idempotencyToken` members left unset by the caller).
//!
//! botocore fills them with `uuid.uuid4()` before serializing, whatever the protocol and
//! wherever the member is bound (body, header, query string). This version draws its 122 random
//! bits from std's `RandomState` (randomly keyed SipHash) mixed with the clock, a process-wide
//! counter and the thread id: unique and unpredictable enough for a retry token, which is all the
//! service needs. A proper RNG arrives with the retry work (jitter needs one too).

use crate::schema::{Shape, IDEMPOTENCY_TOKEN};
use crate::value::Value;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn random_u64(salt: u64) -> u64 {
    let mut h = RandomState::new().build_hasher();
    salt.hash(&mut h);
    COUNTER.fetch_add(1, Ordering::Relaxed).hash(&mut h);
    if let Ok(d) = SystemTime::now().duration_since(UNIX_EPOCH) {
        d.as_nanos().hash(&mut h);
    }
    std::thread::current().id().hash(&mut h);
    h.finish()
}

/// A random (version 4) UUID, e.g. `0f8fad5b-d9cb-469f-a165-70867728950e`.
pub(crate) fn new_idempotency_token() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&random_u64(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    bytes[8..].copy_from_slice(&random_u64(0xc2b2_ae3d_27d4_eb4f).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
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
