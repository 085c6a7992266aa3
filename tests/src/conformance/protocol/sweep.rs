//! A bounded, deterministic damage sweep over a suite response: every truncation of its body and
//! a few hundred corrupted copies go through the protocol's parsers, which may reject them but
//! must not panic. The suites' bodies are realistic starting points that reach deep into the
//! decoders, which random bytes rarely do.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::rng::Rng;
use rboto::__private::schema::{Operation, Protocol, Service};
use rboto::protocol::{self, Response};

/// Corrupted copies tried per body (after every truncation).
const CORRUPTIONS: usize = 300;

/// Feeds every truncation and [`CORRUPTIONS`] corruptions (one to three changed bytes each) of
/// `body` to every response entry point of `protocol`, as a success and as an error response.
/// The first body that panics a parser is the error, as hex.
pub fn parsers_survive_damage(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let survives = |bytes: &[u8]| {
        catch_unwind(AssertUnwindSafe(|| {
            exercise(protocol, service, op, headers, bytes)
        }))
        .is_ok()
    };
    let failed = |bytes: &[u8]| {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Err(format!(
            "a damaged copy of the response body panics a parser: {hex}"
        ))
    };
    for end in 0..body.len() {
        if !survives(&body[..end]) {
            return failed(&body[..end]);
        }
    }
    if body.is_empty() {
        return Ok(());
    }
    let mut rng = Rng::new(0x5eed_cb0e ^ body.len() as u64);
    for round in 0..CORRUPTIONS {
        let mut bad = body.to_vec();
        for _ in 0..1 + round % 3 {
            let i = (rng.next_u64() % bad.len() as u64) as usize;
            let r = rng.next_u64();
            bad[i] = if r.is_multiple_of(2) {
                bad[i] ^ (1 << (r % 8))
            } else {
                (r >> 8) as u8
            };
        }
        if !survives(&bad) {
            return failed(&bad);
        }
    }
    Ok(())
}

fn exercise(
    protocol: Protocol,
    service: &'static Service,
    op: &'static Operation,
    headers: &http::HeaderMap,
    body: &[u8],
) {
    for status in [200u16, 400] {
        let resp = Response {
            status,
            headers,
            body,
        };
        let _ = protocol::parse_output(protocol, service, op, &resp, None);
        let _ = protocol::parse_error(protocol, service, op, &resp);
        for shape in service.errors {
            let _ = protocol::parse_error_shape(protocol, service, shape, &resp);
        }
    }
}
